"""Constraint edits: foreign keys checked against their target, CHECK constraints."""

import pytest

from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.constraints import check_create, foreign_key_create, unique_create
from designer.services.errors import (
    ERR_CHECK_NO_EXPRESSION,
    ERR_FK_SET_NULL_NOT_NULL,
    ERR_FK_TARGET_NOT_UNIQUE,
    ERR_FK_TYPE_MISMATCH,
    ERR_UNIQUE_NO_COLUMNS,
)
from designer.services.tables import table_create

pytestmark = pytest.mark.django_db


def test_foreign_key_to_a_matching_primary_key(project, two_tables):
    users, posts = two_tables
    foreign_key_create(
        table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"], on_delete="CASCADE"
    )
    fk = project_schema(project).table("posts").foreign_keys[0]
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete) == (
        ("author_id",),
        "users",
        ("id",),
        "CASCADE",
    )


def test_foreign_key_type_mismatch_is_refused(project, two_tables, unchanged):
    users, posts = two_tables
    column_add(table=posts, name="editor", data_type="text")
    err = unchanged(
        lambda: foreign_key_create(
            table=posts, columns=["editor"], ref_table=users, ref_columns=["id"]
        ),
    )
    assert err.message == ERR_FK_TYPE_MISMATCH.format(
        column="editor", type="text", ref="id", ref_type="bigint"
    )


def test_foreign_key_needs_a_unique_target(project, two_tables, unchanged):
    users, posts = two_tables
    column_add(table=users, name="team_id", data_type="bigint")
    err = unchanged(
        lambda: foreign_key_create(
            table=posts, columns=["author_id"], ref_table=users, ref_columns=["team_id"]
        ),
    )
    assert err.message == ERR_FK_TARGET_NOT_UNIQUE.format(columns="team_id", table="users")


def test_set_null_on_a_not_null_column_is_refused(project, two_tables, unchanged):
    users, posts = two_tables
    err = unchanged(
        lambda: foreign_key_create(
            table=posts,
            columns=["author_id"],
            ref_table=users,
            ref_columns=["id"],
            on_delete="SET NULL",
        ),
    )
    assert err.message == ERR_FK_SET_NULL_NOT_NULL.format(column="author_id")


def test_bad_check_expression_is_refused(project, unchanged):
    table, _ = table_create(project=project, name="t")
    err = unchanged(lambda: check_create(table=table, expression="id >"))
    assert err.field == "expression"


def test_empty_check_and_unique_are_refused_with_their_messages(project, unchanged):
    table, _ = table_create(project=project, name="t")
    err = unchanged(lambda: check_create(table=table, expression="  "))
    assert (err.message, err.field) == (ERR_CHECK_NO_EXPRESSION, "expression")
    err = unchanged(lambda: unique_create(table=table, columns=["", ""]))
    assert (err.message, err.field) == (ERR_UNIQUE_NO_COLUMNS, "columns")
