"""Table edits: creating, renaming and deleting tables, and refused saves that change nothing."""

import pytest

from designer.models import DesignTable
from designer.schema.sqltext import ERR_IDENT_TOO_LONG
from designer.selectors.design import project_schema
from designer.services.constraints import foreign_key_create
from designer.services.errors import ERR_DUPLICATE_TABLE, ERR_STALE
from designer.services.tables import table_create, table_delete, table_update

pytestmark = pytest.mark.django_db


def test_new_table_gets_an_identity_primary_key(project):
    _, warnings = table_create(project=project, name="accounts")
    t = project_schema(project).table("accounts")
    assert warnings == []
    assert t.primary_key.columns == ("id",)
    assert t.columns[0].identity == "ALWAYS" and t.columns[0].type == "bigint"


def test_duplicate_and_overlong_table_names_are_refused(project, unchanged):
    table_create(project=project, name="accounts")
    err = unchanged(lambda: table_create(project=project, name="accounts"))
    assert err.message == ERR_DUPLICATE_TABLE.format(name="accounts", schema="public")
    long = "a" * 64
    err = unchanged(lambda: table_create(project=project, name=long))
    assert err.message == ERR_IDENT_TOO_LONG.format(name=long, size=64)
    assert err.field == "name"


def test_reserved_word_is_accepted_with_a_warning(project):
    _, warnings = table_create(project=project, name="user")
    assert "reserved word" in warnings[0]


def test_renaming_a_table_updates_foreign_keys_that_point_at_it(project, two_tables):
    users, posts = two_tables
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    table_update(table=users, name="members")
    assert project_schema(project).table("posts").foreign_keys[0].ref_table == "members"


def test_deleting_a_table_drops_foreign_keys_pointing_at_it(project, two_tables):
    users, posts = two_tables
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    assert table_delete(table=users) == 1
    assert project_schema(project).table("posts").foreign_keys == ()


def test_a_stale_save_is_refused_and_shows_the_current_version(project, unchanged):
    table, _ = table_create(project=project, name="t")
    table_update(table=table, name="t", comment="first", expected_version=1)
    stale = DesignTable.objects.get(pk=table.pk)
    err = unchanged(
        lambda: table_update(table=stale, name="t", comment="second", expected_version=1),
    )
    assert err.message == ERR_STALE.format(what="table", current=2)
