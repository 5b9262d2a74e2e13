"""The diagram (inline and as files) and the DDL export page and download."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.tables import table_create, table_update
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def project(client, django_user_model):
    owner = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    client.force_login(owner)
    project = project_create(owner=owner, name="Shop")
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint")
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    return project


def test_inline_svg_links_tables_to_their_panels(client, project):
    response = client.get(reverse("diagram", args=[project.slug, "svg"]), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="diagram-canvas"><svg')
    assert "<?xml" not in html and 'class="edge"' in html
    users = project.design_tables.get(name="users")
    assert reverse("table_panel", args=[project.slug, users.uid]) in html


@pytest.mark.parametrize(
    ("fmt", "media_type", "magic"),
    [
        ("svg", "image/svg+xml", b"<svg"),
        ("png", "image/png", b"\x89PNG"),
        ("pdf", "application/pdf", b"%PDF"),
        ("dot", "text/vnd.graphviz", b"digraph"),
    ],
)
def test_diagram_files_download(client, project, fmt, media_type, magic):
    path = reverse("diagram", args=[project.slug, fmt])
    response = client.get(path, {"download": "1", "direction": "TB", "mode": "keys"})
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == f'attachment; filename="shop-diagram.{fmt}"'
    assert magic in response.content[:200]


def test_diagram_options_reach_the_dot_source(client, project):
    path = reverse("diagram", args=[project.slug, "dot"])
    assert b"rankdir=TB" in client.get(path, {"direction": "TB"}).content.replace(b" ", b"")
    assert b"rankdir=LR" in client.get(path, {"direction": "sideways"}).content.replace(b" ", b"")


def test_unknown_diagram_format_is_404(client, project):
    assert client.get(f"/p/{project.slug}/diagram.gif").status_code == 404


def test_render_error_is_shown_in_the_panel_not_a_500(client, project, settings):
    # A table nobody rendered before, so the cache cannot answer, and no time to draw it.
    table_create(project=project, name=f"t_{uuid.uuid4().hex[:12]}")
    settings.ERD_DOT_TIMEOUT_SECONDS = 0.000001
    response = client.get(reverse("diagram", args=[project.slug, "svg"]), **HX)
    assert response.status_code == 200
    assert 'class="diagram-error"' in response.content.decode()
    assert "The diagram could not be drawn" in response.content.decode()
    download = client.get(reverse("diagram", args=[project.slug, "png"]))
    assert download.status_code == 503


def test_export_page_previews_highlighted_ddl_with_warnings_panel(client, project):
    response = client.get(reverse("export", args=[project.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<span class="sql-kw">CREATE</span> <span class="sql-kw">TABLE</span> public.users' in html
    )
    assert 'Warnings <span class="count">0</span>' in html and "Nothing was lost" in html
    assert reverse("export_download", args=[project.slug, "postgres"]) in html
    fragment = client.get(reverse("export", args=[project.slug]), {"format": "postgres"}, **HX)
    assert fragment.content.decode().lstrip().startswith('<div id="export-result"')
    table_update(table=project.design_tables.get(name="users"), name="users", comment="People")
    sqlite = client.get(reverse("export", args=[project.slug]), {"format": "sqlite"}, **HX)
    html = sqlite.content.decode()
    assert 'Warnings <span class="count">1</span>' in html
    assert "<li>SQLite has no comments: 1 comment(s) were left out.</li>" in html


def test_export_download(client, project):
    response = client.get(reverse("export_download", args=[project.slug, "postgres"]))
    text = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="shop-postgres.sql"'
    assert "CREATE TABLE public.users" in text and "CREATE TABLE public.posts" in text
    assert "FOREIGN KEY" in text


def test_unknown_export_format_is_404(client, project):
    assert client.get(reverse("export_download", args=[project.slug, "oracle"])).status_code == 404
    assert (
        client.get(reverse("export", args=[project.slug]), {"format": "oracle"}).status_code == 404
    )
