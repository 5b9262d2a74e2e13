"""Column edits: renames and types carried into keys, deletes, refused values that change nothing."""

import pytest

from designer.models import DesignColumn
from designer.selectors.design import project_schema
from designer.services.columns import column_add, column_delete, column_update
from designer.services.constraints import foreign_key_create
from designer.services.errors import ERR_DUPLICATE_COLUMN, ERR_IDENTITY_KIND
from designer.services.indexes import index_save
from designer.services.tables import table_create

pytestmark = pytest.mark.django_db


def test_renaming_a_column_carries_into_keys_indexes_and_referencing_fks(project, two_tables):
    users, posts = two_tables
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    index_save(table=posts, name="posts_author_idx", parts="author_id DESC NULLS LAST")
    column_update(
        column=DesignColumn.objects.get(table=users, name="id"),
        name="user_id",
        data_type="bigint",
        nullable=False,
        identity="ALWAYS",
    )
    column_update(
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
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    column_update(
        column=DesignColumn.objects.get(table=users, name="id"),
        name="id",
        data_type="int",
        nullable=False,
        identity="ALWAYS",
    )
    assert project_schema(project).table("posts").column("author_id").type == "integer"


def test_changing_only_the_fk_column_type_is_refused(project, two_tables, unchanged):
    users, posts = two_tables
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    column = DesignColumn.objects.get(table=posts, name="author_id")
    err = unchanged(
        lambda: column_update(column=column, name="author_id", data_type="text", nullable=False),
    )
    assert "needs matching types" in err.message


def test_deleting_a_column_drops_what_used_it(project, two_tables):
    users, posts = two_tables
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    index_save(table=posts, name="posts_author_idx", parts="author_id")
    column_delete(column=DesignColumn.objects.get(table=posts, name="author_id"))
    t = project_schema(project).table("posts")
    assert t.foreign_keys == () and t.indexes == ()


@pytest.mark.parametrize(
    "field, kwargs, fragment",
    [
        ("data_type", {"data_type": "varchar(10"}, "not a type PostgreSQL understands"),
        ("default", {"default": "now(("}, "PostgreSQL cannot parse"),
        ("default", {"default": "1; DROP TABLE users"}, "not a single SQL expression"),
    ],
)
def test_bad_types_and_expressions_name_the_problem(project, field, kwargs, fragment, unchanged):
    table, _ = table_create(project=project, name="t")
    args = {"table": table, "name": "c", "data_type": "text", **kwargs}
    err = unchanged(lambda: column_add(**args))
    assert err.field == field and fragment in err.message


def test_duplicate_column_is_refused(project, unchanged):
    table, _ = table_create(project=project, name="t")
    err = unchanged(lambda: column_add(table=table, name="id", data_type="int"))
    assert err.message == ERR_DUPLICATE_COLUMN.format(table="t", name="id")


def test_edits_are_logged_with_who_and_before_after(project):
    from projects.models import Activity

    user = project.created_by
    table, _ = table_create(project=project, name="t", actor=user)
    column, _ = column_add(table=table, name="price", data_type="real", actor=user)
    column_update(
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
def test_constant_defaults_must_fit_the_column_type(project, data_type, default, ok, unchanged):
    table, _ = table_create(project=project, name="t")
    add = lambda: column_add(table=table, name="c", data_type=data_type, default=default)  # noqa: E731
    if ok:
        add()
    else:
        err = unchanged(add)
        assert err.field == "default" and default in err.message


def test_an_identity_other_than_always_or_by_default_is_refused(project, unchanged):
    table, _ = table_create(project=project, name="t")
    err = unchanged(
        lambda: column_add(table=table, name="n", data_type="int", identity="sometimes")
    )
    assert (err.message, err.field) == (ERR_IDENTITY_KIND, "identity")
