"""Design edits: what users see when they edit, and that failed edits change nothing."""

import pytest
from django.contrib.auth import get_user_model

from designer.models import DesignColumn, DesignTable
from designer.schema.sqltext import ERR_IDENT_TOO_LONG
from designer.selectors.design import project_schema
from designer.services import design as svc
from designer.services.errors import (
    ERR_DUPLICATE_COLUMN,
    ERR_DUPLICATE_TABLE,
    ERR_FK_SET_NULL_NOT_NULL,
    ERR_FK_TARGET_NOT_UNIQUE,
    ERR_FK_TYPE_MISMATCH,
    ERR_STALE,
    DesignError,
)
from projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    user = get_user_model().objects.create_user("bob", password="pw-long-enough-1")
    return project_create(owner=user, name="Edits")


@pytest.fixture
def two_tables(project):
    users, _ = svc.table_create(project=project, name="users")
    posts, _ = svc.table_create(project=project, name="posts")
    svc.column_add(table=posts, name="author_id", data_type="bigint", nullable=False)
    return users, posts


def _unchanged(project, action):
    project.refresh_from_db()
    before = project_schema(project)
    revision = project.revision
    with pytest.raises(DesignError) as info:
        action()
    project.refresh_from_db()
    assert project_schema(project) == before
    assert project.revision == revision
    return info.value


def test_new_table_gets_an_identity_primary_key(project):
    _, warnings = svc.table_create(project=project, name="accounts")
    t = project_schema(project).table("accounts")
    assert warnings == []
    assert t.primary_key.columns == ("id",)
    assert t.columns[0].identity == "ALWAYS" and t.columns[0].type == "bigint"


def test_duplicate_and_overlong_table_names_are_refused(project):
    svc.table_create(project=project, name="accounts")
    err = _unchanged(project, lambda: svc.table_create(project=project, name="accounts"))
    assert err.message == ERR_DUPLICATE_TABLE.format(name="accounts", schema="public")
    long = "a" * 64
    err = _unchanged(project, lambda: svc.table_create(project=project, name=long))
    assert err.message == ERR_IDENT_TOO_LONG.format(name=long, size=64)
    assert err.field == "name"


def test_reserved_word_is_accepted_with_a_warning(project):
    _, warnings = svc.table_create(project=project, name="user")
    assert "reserved word" in warnings[0]


def test_foreign_key_to_a_matching_primary_key(project, two_tables):
    users, posts = two_tables
    svc.foreign_key_create(
        table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"], on_delete="CASCADE"
    )
    fk = project_schema(project).table("posts").foreign_keys[0]
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete) == (
        ("author_id",),
        "users",
        ("id",),
        "CASCADE",
    )


def test_foreign_key_type_mismatch_is_refused(project, two_tables):
    users, posts = two_tables
    svc.column_add(table=posts, name="editor", data_type="text")
    err = _unchanged(
        project,
        lambda: svc.foreign_key_create(
            table=posts, columns=["editor"], ref_table=users, ref_columns=["id"]
        ),
    )
    assert err.message == ERR_FK_TYPE_MISMATCH.format(
        column="editor", type="text", ref="id", ref_type="bigint"
    )


def test_foreign_key_needs_a_unique_target(project, two_tables):
    users, posts = two_tables
    svc.column_add(table=users, name="team_id", data_type="bigint")
    err = _unchanged(
        project,
        lambda: svc.foreign_key_create(
            table=posts, columns=["author_id"], ref_table=users, ref_columns=["team_id"]
        ),
    )
    assert err.message == ERR_FK_TARGET_NOT_UNIQUE.format(columns="team_id", table="users")


def test_set_null_on_a_not_null_column_is_refused(project, two_tables):
    users, posts = two_tables
    err = _unchanged(
        project,
        lambda: svc.foreign_key_create(
            table=posts,
            columns=["author_id"],
            ref_table=users,
            ref_columns=["id"],
            on_delete="SET NULL",
        ),
    )
    assert err.message == ERR_FK_SET_NULL_NOT_NULL.format(column="author_id")


def test_renaming_a_column_carries_into_keys_indexes_and_referencing_fks(project, two_tables):
    users, posts = two_tables
    svc.foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    svc.index_save(table=posts, name="posts_author_idx", parts="author_id DESC NULLS LAST")
    svc.column_update(
        column=DesignColumn.objects.get(table=users, name="id"),
        name="user_id",
        data_type="bigint",
        nullable=False,
        identity="ALWAYS",
    )
    svc.column_update(
        column=DesignColumn.objects.get(table=posts, name="author_id"),
        name="writer_id",
        data_type="bigint",
        nullable=False,
    )
    schema = project_schema(project)
    assert schema.table("users").primary_key.columns == ("user_id",)
    fk = schema.table("posts").foreign_keys[0]
    assert (fk.columns, fk.ref_columns) == (("writer_id",), ("user_id",))
    part = schema.table("posts").indexes[0].parts[0]
    assert (part.column, part.descending, part.nulls_first) == ("writer_id", True, False)


def test_changing_a_referenced_type_changes_the_referencing_columns(project, two_tables):
    users, posts = two_tables
    svc.foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    svc.column_update(
        column=DesignColumn.objects.get(table=users, name="id"),
        name="id",
        data_type="int",
        nullable=False,
        identity="ALWAYS",
    )
    assert project_schema(project).table("posts").column("author_id").type == "integer"


def test_changing_only_the_fk_column_type_is_refused(project, two_tables):
    users, posts = two_tables
    svc.foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    column = DesignColumn.objects.get(table=posts, name="author_id")
    err = _unchanged(
        project,
        lambda: svc.column_update(
            column=column, name="author_id", data_type="text", nullable=False
        ),
    )
    assert "needs matching types" in err.message


def test_renaming_a_table_updates_foreign_keys_that_point_at_it(project, two_tables):
    users, posts = two_tables
    svc.foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    svc.table_update(table=users, name="members")
    assert project_schema(project).table("posts").foreign_keys[0].ref_table == "members"


def test_deleting_a_column_drops_what_used_it(project, two_tables):
    users, posts = two_tables
    svc.foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    svc.index_save(table=posts, name="posts_author_idx", parts="author_id")
    svc.column_delete(column=DesignColumn.objects.get(table=posts, name="author_id"))
    t = project_schema(project).table("posts")
    assert t.foreign_keys == () and t.indexes == ()


def test_deleting_a_table_drops_foreign_keys_pointing_at_it(project, two_tables):
    users, posts = two_tables
    svc.foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    assert svc.table_delete(table=users) == 1
    assert project_schema(project).table("posts").foreign_keys == ()


@pytest.mark.parametrize(
    "field, kwargs, fragment",
    [
        ("data_type", {"data_type": "varchar(10"}, "not a type PostgreSQL understands"),
        ("default", {"default": "now(("}, "PostgreSQL cannot parse"),
        ("default", {"default": "1; DROP TABLE users"}, "not a single SQL expression"),
    ],
)
def test_bad_types_and_expressions_name_the_problem(project, field, kwargs, fragment):
    table, _ = svc.table_create(project=project, name="t")
    args = {"table": table, "name": "c", "data_type": "text", **kwargs}
    err = _unchanged(project, lambda: svc.column_add(**args))
    assert err.field == field and fragment in err.message


def test_duplicate_column_is_refused(project):
    table, _ = svc.table_create(project=project, name="t")
    err = _unchanged(project, lambda: svc.column_add(table=table, name="id", data_type="int"))
    assert err.message == ERR_DUPLICATE_COLUMN.format(table="t", name="id")


def test_bad_check_expression_is_refused(project):
    table, _ = svc.table_create(project=project, name="t")
    err = _unchanged(project, lambda: svc.check_create(table=table, expression="id >"))
    assert err.field == "expression"


def test_index_parts_support_expressions_opclasses_and_order(project):
    table, _ = svc.table_create(project=project, name="people")
    svc.column_add(table=table, name="email", data_type="text")
    svc.index_save(
        table=table,
        name="people_email_lower_idx",
        parts="(lower(email)) text_pattern_ops DESC\nid",
        unique=True,
        where="email IS NOT NULL",
    )
    ix = project_schema(project).table("people").indexes[0]
    assert ix.parts[0].expression == "lower(email)"
    assert ix.parts[0].opclass == "text_pattern_ops" and ix.parts[0].descending
    assert ix.parts[1].column == "id"
    assert ix.unique and ix.where == "email IS NOT NULL"


def test_enum_rename_follows_into_column_types(project):
    enum, _ = svc.enum_save(project=project, name="mood", values="happy\nsad")
    table, _ = svc.table_create(project=project, name="t")
    svc.column_add(table=table, name="m", data_type="mood")
    svc.enum_save(project=project, name="feeling", values="happy, sad, meh", enum=enum)
    schema = project_schema(project)
    assert schema.enums[0].values == ("happy", "sad", "meh")
    assert schema.table("t").column("m").type == "feeling"


def test_a_stale_save_is_refused_and_shows_the_current_version(project):
    table, _ = svc.table_create(project=project, name="t")
    svc.table_update(table=table, name="t", comment="first", expected_version=1)
    stale = DesignTable.objects.get(pk=table.pk)
    err = _unchanged(
        project,
        lambda: svc.table_update(table=stale, name="t", comment="second", expected_version=1),
    )
    assert err.message == ERR_STALE.format(what="table", current=2)


def test_edits_are_logged_with_who_and_before_after(project):
    from projects.models import Activity

    user = project.created_by
    table, _ = svc.table_create(project=project, name="t", actor=user)
    column, _ = svc.column_add(table=table, name="price", data_type="real", actor=user)
    svc.column_update(
        column=column, name="price", data_type="numeric(12,2)", nullable=False, actor=user
    )
    latest = Activity.objects.filter(project=project).first()
    assert (latest.actor, latest.verb, latest.object_kind) == (user, "changed", "column")
    assert latest.object_name == "public.t.price"
    assert (latest.before, latest.after) == ("price real", "price numeric(12,2) NOT NULL")
    assert Activity.objects.filter(project=project).count() == 3


@pytest.mark.parametrize(
    "data_type, default, ok",
    [
        ("bigint", "'abc'", False),
        ("bigint", "42", True),
        ("smallint", "99999", False),
        ("integer", "-2147483648", True),
        ("integer", "1.5", False),
        ("boolean", "0", False),
        ("boolean", "'yes'", True),
        ("uuid", "'x'", False),
        ("numeric(12,2)", "'1.50'", True),
        ("bigint", "now()", True),  # not a constant: left to PostgreSQL
    ],
)
def test_constant_defaults_must_fit_the_column_type(project, data_type, default, ok):
    table, _ = svc.table_create(project=project, name="t")
    add = lambda: svc.column_add(table=table, name="c", data_type=data_type, default=default)  # noqa: E731
    if ok:
        add()
    else:
        err = _unchanged(project, add)
        assert err.field == "default" and default in err.message
