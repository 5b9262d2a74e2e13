"""Who may see and change what, escaping of user text, and the editor's query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designer.models import DesignColumn, DesignConstraint, DesignEnum, DesignIndex
from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.enums import enum_save
from designer.services.indexes import index_save
from designer.services.tables import table_create, table_update
from projects.models import Membership, Role
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def people(django_user_model):
    make = django_user_model.objects.create_user
    return {name: make(name, password=PASSWORD) for name in ("owner", "viewer", "stranger")}


@pytest.fixture
def design(people):
    """A project with one of everything, and a viewer member."""
    project = project_create(owner=people["owner"], name="Shop")
    Membership.objects.create(project=project, user=people["viewer"], role=Role.VIEWER)
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint")
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    index_save(table=posts, name="posts_author_idx", parts="author_id")
    enum_save(project=project, name="mood", values="sad\nhappy")
    return {
        "project": project,
        "table": posts,
        "column": DesignColumn.objects.get(table=posts, name="author_id"),
        "fk": DesignConstraint.objects.get(table=posts, kind="foreign"),
        "index": DesignIndex.objects.get(table=posts),
        "enum": DesignEnum.objects.get(project=project),
    }


def read_urls(d):
    s, t = d["project"].slug, d["table"].uid
    return [
        reverse("editor", args=[s]),
        reverse("table_list", args=[s]),
        reverse("table_panel", args=[s, t]),
        reverse("foreign_key_targets", args=[s, t]) + f"?ref_table={t}",
        reverse("enum_list", args=[s]),
        reverse("diagram", args=[s, "svg"]),
        reverse("diagram", args=[s, "dot"]),
        reverse("export", args=[s]),
        reverse("export_download", args=[s, "postgres"]),
    ]


def write_urls(d):
    s, t = d["project"].slug, d["table"].uid
    c, k, i, e = d["column"].uid, d["fk"].uid, d["index"].uid, d["enum"].uid
    return [
        reverse("table_list", args=[s]),
        reverse("table_update", args=[s, t]),
        reverse("table_delete", args=[s, t]),
        reverse("column_add", args=[s, t]),
        reverse("column_update", args=[s, t, c]),
        reverse("column_delete", args=[s, t, c]),
        reverse("column_move", args=[s, t, c, "up"]),
        reverse("foreign_key_create", args=[s, t]),
        reverse("check_create", args=[s, t]),
        reverse("unique_create", args=[s, t]),
        reverse("constraint_delete", args=[s, t, k]),
        reverse("index_create", args=[s, t]),
        reverse("index_update", args=[s, t, i]),
        reverse("index_delete", args=[s, t, i]),
        reverse("enum_list", args=[s]),
        reverse("enum_update", args=[s, e]),
        reverse("enum_delete", args=[s, e]),
    ]


def test_login_is_required(client, design):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")
    htmx = client.get(reverse("editor", args=[design["project"].slug]), **HX)
    assert htmx.status_code == 401 and htmx["HX-Redirect"] == "/accounts/login/"


def test_login_url_setting_is_where_anonymous_visitors_go(client, design, settings):
    settings.LOGIN_URL = "/sso/start/"
    editor = reverse("editor", args=[design["project"].slug])
    assert client.get(editor)["Location"] == f"/sso/start/?next={editor}"
    assert client.get(editor, **HX)["HX-Redirect"] == "/sso/start/"


def test_login_page_logs_in(client, people):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_non_members_get_404_on_every_project_url(client, people, design):
    client.force_login(people["stranger"])
    for path in read_urls(design):
        assert client.get(path).status_code == 404, path
        assert client.get(path, **HX).status_code == 404, path
    for path in write_urls(design):
        assert client.post(path, {"name": "x"}, **HX).status_code == 404, path


def test_viewers_read_everything_and_get_403_on_every_write(client, people, design):
    client.force_login(people["viewer"])
    for path in read_urls(design):
        assert client.get(path).status_code == 200, path
    for path in write_urls(design):
        assert client.post(path, {"name": "x"}, **HX).status_code == 403, path
    assert DesignColumn.objects.filter(pk=design["column"].pk).exists()


def test_viewers_see_a_read_only_panel(client, people, design):
    client.force_login(people["viewer"])
    body = client.get(
        reverse("table_panel", args=[design["project"].slug, design["table"].uid]), **HX
    )
    html = body.content.decode()
    assert '<fieldset class="plain" disabled>' in html
    assert 'id="add-column"' not in html


def test_writes_refuse_get(client, people, design):
    client.force_login(people["owner"])
    s, t = design["project"].slug, design["table"].uid
    assert client.get(reverse("table_delete", args=[s, t])).status_code == 405


def test_user_text_is_escaped_in_the_list_panel_and_diagram(client, people, design):
    client.force_login(people["owner"])
    project = design["project"]
    evil = "<script>alert(1)</script>"
    table, _ = table_create(project=project, name=evil, group="<b>g</b>")
    table_update(table=table, name=evil, group="<b>g</b>", comment="<img src=x onerror=alert(2)>")
    pages = [
        client.get(reverse("editor", args=[project.slug])),
        client.get(reverse("table_list", args=[project.slug]), **HX),
        client.get(reverse("table_panel", args=[project.slug, table.uid]), **HX),
        client.get(reverse("table_panel", args=[project.slug, table.uid])),
        client.get(reverse("diagram", args=[project.slug, "svg"]), **HX),
        client.get(reverse("export", args=[project.slug])),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert evil not in html and "<img src=x" not in html and "<b>g</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[2].content.decode()


def _grow(project, n, prefix="t"):
    for i in range(n):
        t, _ = table_create(project=project, name=f"{prefix}{i:03}", group="g")
        column_add(table=t, name="label", data_type="text")


def test_editor_page_queries_do_not_grow_with_tables(client, people, django_assert_max_num_queries):
    client.force_login(people["owner"])
    project = project_create(owner=people["owner"], name="Big")
    path = reverse("editor", args=[project.slug])
    _grow(project, 5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(path).status_code == 200
    _grow(project, 45, prefix="u")
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = client.get(path)
    assert response.content.decode().count('data-uid="') == 50


def test_table_panel_queries_do_not_grow_with_tables(client, people, django_assert_max_num_queries):
    client.force_login(people["owner"])
    project = project_create(owner=people["owner"], name="Big")
    _grow(project, 5)
    table, _ = table_create(project=project, name="focus")
    path = reverse("table_panel", args=[project.slug, table.uid])
    with CaptureQueriesContext(connection) as five:
        client.get(path, **HX)
    _grow(project, 45, prefix="u")
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert client.get(path, **HX).status_code == 200
