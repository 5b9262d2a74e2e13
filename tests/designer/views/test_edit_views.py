"""Every edit the table panel offers: success refreshes the page, failure is answered inline."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from designer.models import DesignColumn, DesignConstraint, DesignEnum, DesignIndex, DesignTable
from designer.schema.sqltext import ERR_IDENT_TOO_LONG
from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.enums import enum_save
from designer.services.errors import (
    ERR_DUPLICATE_COLUMN,
    ERR_DUPLICATE_INDEX,
    ERR_DUPLICATE_TABLE,
    ERR_ENUM_DUPLICATE_VALUE,
    ERR_ENUM_NO_VALUES,
    ERR_FK_TARGET_NOT_UNIQUE,
    ERR_FK_TYPE_MISMATCH,
    ERR_IDENTITY_AND_DEFAULT,
    ERR_IDENTITY_TYPE,
    ERR_INDEX_NO_PARTS,
    ERR_STALE,
    ERR_UNKNOWN_COLUMN,
)
from designer.services.tables import table_create, table_update
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olive", password="pw-long-enough-1")


@pytest.fixture
def project(owner):
    return project_create(owner=owner, name="Shop")


@pytest.fixture
def hx(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def users_posts(project):
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint", nullable=False)
    column_add(table=posts, name="title", data_type="text")
    posts.refresh_from_db()  # the services bump the version on their own copy of the row
    return users, posts


def url(name, *args):
    return reverse(name, args=args)


def v(row):
    """The version the panel's form carries: the row's current version."""
    row.refresh_from_db(fields=["version"])
    return {"version": row.version}


def ok(response):
    """A successful edit: the panel comes back and the page hears schema-changed."""
    assert response.status_code == 200, response.content.decode()[:500]
    assert "schema-changed" in json.loads(response["HX-Trigger"])
    return response.content.decode()


def refused(response, message):
    """A refused edit: 422 (htmx swaps it), the exact message, no schema-changed."""
    assert response.status_code == 422
    assert "HX-Trigger" not in response
    body = response.content.decode()
    assert message in body
    return body


class Unchanged:
    """Asserts the design and its revision are what they were when the block started."""

    def __init__(self, project):
        self.project = project

    def __enter__(self):
        self.project.refresh_from_db()
        self.before, self.revision = project_schema(self.project), self.project.revision

    def __exit__(self, *exc):
        self.project.refresh_from_db()
        assert project_schema(self.project) == self.before
        assert self.project.revision == self.revision


# -- tables ------------------------------------------------------------------------


def test_add_table_opens_its_panel(hx, project):
    body = ok(hx.post(url("table_list", project.slug), {"name": "orders", "group": "sales"}, **HX))
    table = DesignTable.objects.get(project=project, name="orders")
    assert table.group == "sales"
    assert f'data-table-uid="{table.uid}"' in body


def test_add_table_with_a_taken_name_answers_beside_the_add_form(hx, project, users_posts):
    with Unchanged(project):
        response = hx.post(url("table_list", project.slug), {"name": "users"}, **HX)
    body = refused(response, ERR_DUPLICATE_TABLE.format(name="users", schema="public"))
    assert response["HX-Retarget"] == "#add-table"
    assert 'id="add-table"' in body


def test_add_table_warning_arrives_as_a_toast(hx, project):
    response = hx.post(url("table_list", project.slug), {"name": "Order"}, **HX)
    ok(response)
    toast = json.loads(response["HX-Trigger"])["toast"]
    assert toast["level"] == "warning" and toast["messages"]


def test_rename_table(hx, project, users_posts):
    users, _ = users_posts
    data = {"name": "people", "schema_name": "public", "version": users.version, "color": "#dbeafe"}
    body = ok(hx.post(url("table_update", project.slug, users.uid), data, **HX))
    users.refresh_from_db()
    assert (users.name, users.color) == ("people", "#dbeafe")
    assert f'value="{users.version}"' in body


def test_stale_table_save_shows_the_message_and_current_values(hx, project, users_posts):
    users, _ = users_posts
    stale = users.version
    table_update(table=users, name="members")
    users.refresh_from_db()
    with Unchanged(project):
        response = hx.post(
            url("table_update", project.slug, users.uid),
            {"name": "people", "schema_name": "public", "version": stale},
            **HX,
        )
    body = refused(response, ERR_STALE.format(what="table", current=users.version))
    assert 'value="members"' in body and 'value="people"' not in body


def test_table_rename_to_a_taken_name_is_refused_beside_the_name(hx, project, users_posts):
    _, posts = users_posts
    with Unchanged(project):
        response = hx.post(
            url("table_update", project.slug, posts.uid),
            {"name": "users", "schema_name": "public", "version": posts.version},
            **HX,
        )
    body = refused(response, ERR_DUPLICATE_TABLE.format(name="users", schema="public"))
    assert 'aria-invalid="true"' in body


def test_delete_table_empties_the_panel(hx, project, users_posts):
    users, _ = users_posts
    body = ok(hx.post(url("table_delete", project.slug, users.uid), v(users), **HX))
    assert not DesignTable.objects.filter(pk=users.pk).exists()
    assert "No table selected" in body


def test_edit_without_htmx_redirects_to_the_panel_page(client, owner, project, users_posts):
    client.force_login(owner)
    users, _ = users_posts
    response = client.post(
        url("table_update", project.slug, users.uid),
        {"name": "people", "schema_name": "public", "version": users.version},
    )
    assert response.status_code == 302
    assert response["Location"] == url("table_panel", project.slug, users.uid)


# -- columns ------------------------------------------------------------------------


def test_add_column(hx, project, users_posts):
    users, _ = users_posts
    data = {"name": "email", "data_type": "citext", "not_null": "on", "unique": "on"}
    ok(hx.post(url("column_add", project.slug, users.uid), data, **HX))
    t = project_schema(project).table("users")
    assert t.column("email").type == "citext" and not t.column("email").nullable
    assert any(u.columns == ("email",) for u in t.uniques)


def test_add_duplicate_column_is_refused_and_the_draft_kept(hx, project, users_posts):
    users, _ = users_posts
    with Unchanged(project):
        response = hx.post(
            url("column_add", project.slug, users.uid),
            {"name": "id", "data_type": "uuid", "default": "gen_random_uuid()"},
            **HX,
        )
    body = refused(response, ERR_DUPLICATE_COLUMN.format(table="users", name="id"))
    assert 'value="gen_random_uuid()"' in body


def test_identity_on_text_is_refused(hx, project, users_posts):
    users, _ = users_posts
    with Unchanged(project):
        response = hx.post(
            url("column_add", project.slug, users.uid),
            {"name": "code", "data_type": "text", "identity": "ALWAYS"},
            **HX,
        )
    refused(response, ERR_IDENTITY_TYPE.format(type="text"))


def test_edit_column(hx, project, users_posts):
    _, posts = users_posts
    column = DesignColumn.objects.get(table=posts, name="title")
    data = {
        "name": "headline",
        "data_type": "varchar(200)",
        "not_null": "on",
        "version": posts.version,
    }
    ok(hx.post(url("column_update", project.slug, posts.uid, column.uid), data, **HX))
    c = project_schema(project).table("posts").column("headline")
    assert c.type == "character varying(200)" and not c.nullable


def test_edit_column_with_identity_and_default_is_refused_inline(hx, project, users_posts):
    _, posts = users_posts
    column = DesignColumn.objects.get(table=posts, name="author_id")
    with Unchanged(project):
        response = hx.post(
            url("column_update", project.slug, posts.uid, column.uid),
            {
                "name": "author_id",
                "data_type": "bigint",
                "default": "1",
                "identity": "ALWAYS",
                **v(posts),
            },
            **HX,
        )
    body = refused(response, ERR_IDENTITY_AND_DEFAULT)
    assert "has-error" in body


def test_delete_and_move_columns(hx, project, users_posts):
    _, posts = users_posts
    title = DesignColumn.objects.get(table=posts, name="title")
    ok(hx.post(url("column_move", project.slug, posts.uid, title.uid, "up"), v(posts), **HX))
    assert project_schema(project).table("posts").column_names == ("id", "title", "author_id")
    ok(hx.post(url("column_delete", project.slug, posts.uid, title.uid), v(posts), **HX))
    assert project_schema(project).table("posts").column_names == ("id", "author_id")


def test_column_move_accepts_only_up_and_down(hx, project, users_posts):
    _, posts = users_posts
    title = DesignColumn.objects.get(table=posts, name="title")
    path = f"/p/{project.slug}/tables/{posts.uid}/columns/{title.uid}/move/sideways/"
    assert hx.post(path, **HX).status_code == 404


# -- foreign keys, checks, uniques ----------------------------------------------------


def _fk(users, **extra):
    return {
        "columns": ["author_id"],
        "ref_table": users.uid,
        "ref_columns": ["id"],
        "on_delete": "CASCADE",
        "on_update": "NO ACTION",
        **extra,
    }


def test_add_foreign_key(hx, project, users_posts):
    users, posts = users_posts
    body = ok(hx.post(url("foreign_key_create", project.slug, posts.uid), _fk(users), **HX))
    (fk,) = project_schema(project).table("posts").foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete) == (
        ("author_id",),
        "users",
        ("id",),
        "CASCADE",
    )
    assert "(author_id) → users(id)" in body


def test_foreign_key_with_mismatched_types_is_refused(hx, project, users_posts):
    users, posts = users_posts
    with Unchanged(project):
        response = hx.post(
            url("foreign_key_create", project.slug, posts.uid),
            _fk(users, columns=["title"]),
            **HX,
        )
    refused(
        response,
        ERR_FK_TYPE_MISMATCH.format(column="title", type="text", ref="id", ref_type="bigint"),
    )


def test_foreign_key_to_a_non_unique_column_is_refused(hx, project, users_posts):
    users, posts = users_posts
    column_add(table=users, name="rank", data_type="bigint")
    with Unchanged(project):
        response = hx.post(
            url("foreign_key_create", project.slug, posts.uid),
            _fk(users, ref_columns=["rank"]),
            **HX,
        )
    refused(response, ERR_FK_TARGET_NOT_UNIQUE.format(columns="rank", table="users"))


def test_foreign_key_target_columns_default_to_the_primary_key(hx, project, users_posts):
    users, posts = users_posts
    response = hx.get(
        url("foreign_key_targets", project.slug, posts.uid), {"ref_table": users.uid}, **HX
    )
    assert response.status_code == 200
    assert '<option value="id" selected>' in response.content.decode()


def test_add_and_delete_check(hx, project, users_posts):
    _, posts = users_posts
    ok(
        hx.post(
            url("check_create", project.slug, posts.uid), {"expression": "length(title) > 0"}, **HX
        )
    )
    (check,) = DesignConstraint.objects.filter(table=posts, kind="check")
    ok(hx.post(url("constraint_delete", project.slug, posts.uid, check.uid), v(posts), **HX))
    assert project_schema(project).table("posts").checks == ()


def test_check_with_an_overlong_name_is_refused(hx, project, users_posts):
    _, posts = users_posts
    name = "c" * 70
    with Unchanged(project):
        response = hx.post(
            url("check_create", project.slug, posts.uid),
            {"expression": "true", "name": name},
            **HX,
        )
    refused(response, ERR_IDENT_TOO_LONG.format(name=name, size=70))


def test_add_multi_column_unique(hx, project, users_posts):
    _, posts = users_posts
    data = {"columns": ["author_id", "title"], "nulls_not_distinct": "on"}
    ok(hx.post(url("unique_create", project.slug, posts.uid), data, **HX))
    (u,) = project_schema(project).table("posts").uniques
    assert u.columns == ("author_id", "title") and u.nulls_not_distinct


def test_unique_on_an_unknown_column_is_refused(hx, project, users_posts):
    _, posts = users_posts
    with Unchanged(project):
        response = hx.post(
            url("unique_create", project.slug, posts.uid), {"columns": ["nope"]}, **HX
        )
    refused(response, ERR_UNKNOWN_COLUMN.format(table="posts", name="nope"))


# -- indexes ---------------------------------------------------------------------------


def test_add_edit_and_delete_index(hx, project, users_posts):
    _, posts = users_posts
    data = {
        "name": "posts_author_idx",
        "method": "btree",
        "parts": "author_id DESC NULLS LAST\n(lower(title))",
        "include": "id",
        "where": "title IS NOT NULL",
        "purpose": "latest posts of an author",
    }
    ok(hx.post(url("index_create", project.slug, posts.uid), data, **HX))
    (ix,) = project_schema(project).table("posts").indexes
    assert ix.parts[0].column == "author_id" and ix.parts[0].descending
    assert ix.parts[0].nulls_first is False
    assert ix.parts[1].expression == "lower(title)"
    assert ix.include == ("id",) and ix.where == "title IS NOT NULL"
    row = DesignIndex.objects.get(table=posts)
    body = ok(
        hx.post(
            url("index_update", project.slug, posts.uid, row.uid),
            {**data, "unique": "on", "parts": "author_id", **v(posts)},
            **HX,
        )
    )
    (ix,) = project_schema(project).table("posts").indexes
    assert ix.unique and len(ix.parts) == 1
    assert "posts_author_idx" in body
    ok(hx.post(url("index_delete", project.slug, posts.uid, row.uid), v(posts), **HX))
    assert project_schema(project).table("posts").indexes == ()


def test_index_without_parts_is_refused(hx, project, users_posts):
    _, posts = users_posts
    with Unchanged(project):
        response = hx.post(
            url("index_create", project.slug, posts.uid), {"name": "empty_idx", "parts": ""}, **HX
        )
    refused(response, ERR_INDEX_NO_PARTS)


def test_index_named_like_a_table_is_refused(hx, project, users_posts):
    _, posts = users_posts
    with Unchanged(project):
        response = hx.post(
            url("index_create", project.slug, posts.uid), {"name": "users", "parts": "title"}, **HX
        )
    refused(response, ERR_DUPLICATE_INDEX.format(name="users", schema="public"))


# -- enums -----------------------------------------------------------------------------


def test_enum_add_edit_delete(hx, project):
    slug = project.slug
    body = ok(hx.post(url("enum_list", slug), {"name": "mood", "values": "sad\nok\nhappy"}, **HX))
    assert "mood" in body
    enum = DesignEnum.objects.get(project=project)
    ok(
        hx.post(
            url("enum_update", slug, enum.uid),
            {"name": "feeling", "values": "sad\nhappy", **v(enum)},
            **HX,
        )
    )
    (e,) = project_schema(project).enums
    assert (e.name, e.values) == ("feeling", ("sad", "happy"))
    ok(hx.post(url("enum_delete", slug, enum.uid), v(enum), **HX))
    assert project_schema(project).enums == ()


@pytest.mark.parametrize(
    ("values", "message"),
    [("", ERR_ENUM_NO_VALUES), ("a\nb\na", ERR_ENUM_DUPLICATE_VALUE.format(value="a"))],
)
def test_bad_enum_values_are_refused(hx, project, values, message):
    with Unchanged(project):
        response = hx.post(url("enum_list", project.slug), {"name": "mood", "values": values}, **HX)
    body = refused(response, message)
    assert 'aria-invalid="true"' in body


def test_enums_join_the_type_picker(hx, project, users_posts):
    users, _ = users_posts
    enum_save(project=project, name="mood", values="sad\nhappy")
    body = hx.get(url("table_panel", project.slug, users.uid), **HX).content.decode()
    assert '<option value="mood">' in body and '<option value="timestamptz">' in body


def test_the_table_list_refresh_also_updates_the_header_count(hx, project, users_posts):
    body = hx.get(url("table_list", project.slug), **HX).content.decode()
    assert '<span class="pill" id="table-count" hx-swap-oob="true">2 tables</span>' in body
