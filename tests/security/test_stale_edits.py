"""Lost updates: every edit or delete of an existing object names the version its form was made
from. A form older than the object (someone else saved since) and a form without a version are
both refused, and the design stays as the other editor left it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from designer.models import DesignColumn, DesignConstraint, DesignEnum, DesignIndex
from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.constraints import check_create, foreign_key_create, unique_create
from designer.services.enums import enum_save
from designer.services.errors import ERR_NO_VERSION, ERR_STALE
from designer.services.indexes import index_save
from designer.services.tables import table_create, table_update
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def editor(client, django_user_model):
    owner = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    client.force_login(owner)
    project = project_create(owner=owner, name="Shop")
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint", nullable=False)
    column_add(table=posts, name="title", data_type="text")
    foreign_key_create(
        table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"], name="posts_fk"
    )
    check_create(table=posts, expression="length(title) > 0", name="posts_title_ck")
    unique_create(table=posts, columns=["title"], name="posts_title_uq")
    index_save(table=posts, name="posts_author_idx", parts="author_id")
    enum_save(project=project, name="mood", values="sad\nhappy")
    return client, project


def _constraint(project, kind):
    return DesignConstraint.objects.get(table__project=project, table__name="posts", kind=kind)


# Each case: the URL of the form and the fields a user would post, from the project.
CASES = {
    "table update": lambda p, t: (
        reverse("table_update", args=[p.slug, t.uid]),
        {"name": "articles", "schema_name": "public"},
    ),
    "table delete": lambda p, t: (reverse("table_delete", args=[p.slug, t.uid]), {}),
    "column update": lambda p, t: (
        reverse(
            "column_update",
            args=[p.slug, t.uid, DesignColumn.objects.get(table=t, name="title").uid],
        ),
        {"name": "headline", "data_type": "text"},
    ),
    "column delete": lambda p, t: (
        reverse(
            "column_delete",
            args=[p.slug, t.uid, DesignColumn.objects.get(table=t, name="title").uid],
        ),
        {},
    ),
    "column move": lambda p, t: (
        reverse(
            "column_move",
            args=[p.slug, t.uid, DesignColumn.objects.get(table=t, name="title").uid, "up"],
        ),
        {},
    ),
    "index update": lambda p, t: (
        reverse("index_update", args=[p.slug, t.uid, DesignIndex.objects.get(table=t).uid]),
        {"name": "posts_author_idx", "method": "btree", "parts": "title"},
    ),
    "index delete": lambda p, t: (
        reverse("index_delete", args=[p.slug, t.uid, DesignIndex.objects.get(table=t).uid]),
        {},
    ),
    "foreign key settings": lambda p, t: (
        reverse("foreign_key_settings", args=[p.slug, t.uid, _constraint(p, "foreign").uid]),
        {"on_delete": "CASCADE", "on_update": "NO ACTION"},
    ),
    "foreign key delete": lambda p, t: (
        reverse("constraint_delete", args=[p.slug, t.uid, _constraint(p, "foreign").uid]),
        {},
    ),
    "check delete": lambda p, t: (
        reverse("constraint_delete", args=[p.slug, t.uid, _constraint(p, "check").uid]),
        {},
    ),
    "unique delete": lambda p, t: (
        reverse("constraint_delete", args=[p.slug, t.uid, _constraint(p, "unique").uid]),
        {},
    ),
}
ENUM_CASES = {
    "enum update": lambda p, e: (
        reverse("enum_update", args=[p.slug, e.uid]),
        {"name": "feeling", "values": "sad\nok"},
    ),
    "enum delete": lambda p, e: (reverse("enum_delete", args=[p.slug, e.uid]), {}),
}


def _posts(project):
    return project.design_tables.get(name="posts")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_table_form_older_than_the_table_is_refused(editor, case):
    client, project = editor
    posts = _posts(project)
    path, data = CASES[case](project, posts)
    loaded = posts.version
    table_update(table=posts, name="posts", comment="someone else's edit")  # the other editor
    before = project_schema(project)
    response = client.post(path, {**data, "version": loaded}, **HX)
    assert response.status_code == 422
    assert ERR_STALE.format(what="table", current=loaded + 1) in response.content.decode()
    assert project_schema(project) == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_table_form_without_a_version_is_refused(editor, case):
    client, project = editor
    path, data = CASES[case](project, _posts(project))
    before = project_schema(project)
    response = client.post(path, data, **HX)
    assert response.status_code == 422
    assert ERR_NO_VERSION.format(what="table").replace("'", "&#x27;") in response.content.decode()
    assert project_schema(project) == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_current_table_form_is_applied(editor, case):
    client, project = editor
    posts = _posts(project)
    path, data = CASES[case](project, posts)
    before = project_schema(project)
    response = client.post(path, {**data, "version": posts.version}, **HX)
    assert response.status_code == 200, response.content.decode()[:300]
    assert project_schema(project) != before


@pytest.mark.parametrize("case", sorted(ENUM_CASES))
def test_an_enum_form_older_than_the_enum_is_refused(editor, case):
    client, project = editor
    enum = DesignEnum.objects.get(project=project)
    path, data = ENUM_CASES[case](project, enum)
    enum_save(project=project, enum=enum, name="mood", values="sad\nhappy\nmeh")
    before = project_schema(project)
    response = client.post(path, {**data, "version": 1}, **HX)
    assert response.status_code == 422
    assert ERR_STALE.format(what="type", current=2) in response.content.decode()
    assert project_schema(project) == before
    assert client.post(path, data, **HX).status_code == 422  # and without a version
    assert project_schema(project) == before
    assert client.post(path, {**data, "version": 2}, **HX).status_code == 200
    assert project_schema(project) != before
