"""Import in the browser: preview first, then an atomic apply; bad input never a 500."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from designer.demo import demo_schema
from designer.selectors.design import project_schema
from designer.services.imports import ERR_BINARY
from designer.services.schema import schema_replace
from designer.sql import server as pgserver
from projects.models import Membership, Project
from projects.services import project_create

pytestmark = pytest.mark.django_db

SQL = """
CREATE TABLE authors (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (id bigint PRIMARY KEY, author_id bigint REFERENCES authors ON DELETE CASCADE);
CREATE INDEX books_author_idx ON books (author_id);
INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bo');
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
"""


@pytest.fixture
def user(django_user_model, client):
    u = django_user_model.objects.create_user("ivy", password="pw-long-enough-1")
    client.force_login(u)
    return u


def _preview(client, url, **data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _token(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:500]
    return match.group(1)


def test_paste_preview_then_confirm_creates_a_project(client, user):
    response = _preview(client, "/import/", text=SQL, format="auto")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2</strong> tables" in html and "1</strong> foreign keys" in html
    assert "INSERT" in html and "CreateFunctionStmt" in html
    assert not Project.objects.exists()  # nothing written by the preview
    token = _token(response)
    done = client.post(
        "/import/confirm/", {"token": token, "name": "Library"}, HTTP_HX_REQUEST="true"
    )
    assert done.status_code == 204 and done["HX-Redirect"] == "/p/library/"
    project = Project.objects.get(slug="library")
    assert Membership.objects.get(project=project).user == user
    schema = project_schema(project)
    assert [t.name for t in schema.tables] == ["authors", "books"]
    assert schema.table("books").foreign_keys[0].on_delete == "CASCADE"
    assert len(schema.raw) == 1


def test_invalid_sql_is_shown_with_its_line_and_nothing_changes(client, user):
    project = project_create(owner=user, name="Keep")
    schema_replace(project=project, schema=demo_schema())
    before = project_schema(project)
    response = _preview(client, "/p/keep/import/", text="CREATE TABLE a (id int);\nCREATE TABLE (;")
    assert response.status_code == 422
    assert "Line 2" in response.content.decode()
    assert project_schema(project) == before


def test_upload_of_a_binary_file_is_refused_clearly(client, user):
    blob = SimpleUploadedFile("x.sql", b"\x00\x01\x02binary")
    response = client.post("/import/", {"file": blob, "format": "auto"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert ERR_BINARY in response.content.decode()


def test_upload_over_the_size_limit_is_refused(client, user, settings):
    settings.ERD_MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("big.sql", b"CREATE TABLE t (id int);\n" * 10)
    response = client.post("/import/", {"file": big}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "the limit is 100 bytes" in response.content.decode()


def test_replace_needs_the_editor_role_and_non_members_get_404(client, user, django_user_model):
    other = django_user_model.objects.create_user("own", password="pw-long-enough-1")
    project_create(owner=other, name="Theirs")
    assert _preview(client, "/p/theirs/import/", text=SQL).status_code == 404


def test_confirm_with_a_stolen_or_expired_token_does_nothing(client, user, django_user_model):
    token = _token(_preview(client, "/import/", text=SQL))
    other = django_user_model.objects.create_user("eve", password="pw-long-enough-1")
    client.force_login(other)
    response = client.post(
        "/import/confirm/", {"token": token, "name": "Stolen"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert not Project.objects.filter(name="Stolen").exists()


@pytest.mark.usefixtures("live_pg_allowed")
def test_live_database_import_replaces_the_design(client, user, pg_db):
    pgserver.apply_sql(pg_db, "CREATE TABLE live_one (id bigint PRIMARY KEY, note text);")
    project = project_create(owner=user, name="Live")
    token = _token(_preview(client, "/p/live/import/", dsn=pg_db))
    client.post("/p/live/import/confirm/", {"token": token}, HTTP_HX_REQUEST="true")
    assert [t.name for t in project_schema(project).tables] == ["live_one"]


BEFORE_SQL = (
    "CREATE TABLE customer (id bigint PRIMARY KEY, full_name text NOT NULL);\n"
    "CREATE TABLE invoice (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer(id));\n"
)
AFTER_SQL = (
    "CREATE TABLE client (id bigint PRIMARY KEY, full_name text NOT NULL);\n"
    "CREATE TABLE invoice (id bigint PRIMARY KEY, customer_id bigint REFERENCES client(id),"
    " note text);\n"
)


def _reimport_preview(client, user):
    project = project_create(owner=user, name="Shop")
    token = _token(_preview(client, "/p/shop/import/", text=BEFORE_SQL))
    client.post("/p/shop/import/confirm/", {"token": token}, HTTP_HX_REQUEST="true")
    return project, project_schema(project), _preview(client, "/p/shop/import/", text=AFTER_SQL)


def test_preview_over_a_design_lists_the_changes_and_suggests_renames(client, user):
    _, _, response = _reimport_preview(client, user)
    html = response.content.decode()
    assert "Changes to the working design" in html
    assert "Add column public.invoice.note" in html or "note" in html.split("Added", 1)[1]
    assert "Removed (" in html  # customer, unless the rename is confirmed
    assert 'value="public.customer=client"' in html


def test_ticked_renames_update_the_change_list_and_keep_identity_on_import(client, user):
    project, before, response = _reimport_preview(client, user)
    token = _token(response)
    data = {"token": token, "rename": "public.customer=client"}
    refreshed = client.post(
        "/p/shop/import/confirm/", {**data, "action": "preview"}, HTTP_HX_REQUEST="true"
    )
    html = refreshed.content.decode()
    assert "Drop table public.customer" not in html and "checked" in html
    assert "Rename table public.customer to client" in html
    assert [t.name for t in project_schema(project).tables] == ["customer", "invoice"]
    client.post("/p/shop/import/confirm/", data, HTTP_HX_REQUEST="true")
    after = project_schema(project)
    assert after.table("client").id == before.table("customer").id
    assert after.table("invoice").id == before.table("invoice").id
    old_columns = [c.id for c in before.table("invoice").columns]
    assert [c.id for c in after.table("invoice").columns][:2] == old_columns
