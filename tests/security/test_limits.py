"""Bounded work: imports, edits and drawings over the size limits are refused at once with a
message that names the limit, and nothing is changed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from designer.diagram.render import RenderError, cache_key, render
from designer.models import DesignColumn, DesignTable
from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.errors import ERR_DESIGN_TABLES, ERR_TABLE_COLUMNS, DesignError
from designer.services.imports import (
    ERR_TABLE_TOO_WIDE,
    ERR_TOO_MANY_COLUMNS,
    ERR_TOO_MANY_STATEMENTS,
    ERR_TOO_MANY_TABLES,
    import_text,
)
from designer.services.tables import table_create
from designer.sql.readers.report import SchemaImportError
from projects.services import project_create, share_link_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def sql_tables(n: int, columns: int = 1) -> str:
    cols = ", ".join(f"c{j} int" for j in range(columns))
    return "\n".join(f"CREATE TABLE t{i} ({cols});" for i in range(n))


def dbml_tables(n: int) -> str:
    return "\n".join(f"Table t{i} {{\n  id int [pk]\n}}" for i in range(n))


@pytest.fixture
def owner(client, django_user_model):
    user = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    client.force_login(user)
    return user


@pytest.fixture
def project(owner):
    return project_create(owner=owner, name="Shop")


# -- imports -------------------------------------------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("fmt", "make"), [("postgres", sql_tables), ("dbml", dbml_tables)])
def test_a_script_with_too_many_tables_is_refused_before_parsing(settings, fmt, make):
    settings.ERD_MAX_TABLES = 1_000
    # 100,000 tables: parsing this took minutes (DBML never finished); the count is instant
    with pytest.raises(SchemaImportError) as caught:
        import_text(make(100_000), fmt)
    assert str(caught.value) == ERR_TOO_MANY_TABLES.format(count=100_000, limit=1_000)


def test_a_script_with_too_many_statements_is_refused(settings):
    settings.ERD_MAX_STATEMENTS = 500
    text = "CREATE TABLE t (id int);\n" + "COMMENT ON TABLE t IS 'x';\n" * 600
    with pytest.raises(SchemaImportError) as caught:
        import_text(text, "postgres")
    assert str(caught.value) == ERR_TOO_MANY_STATEMENTS.format(count=601, limit=500)


@pytest.mark.parametrize("fmt", ["postgres", "mysql"])
def test_a_table_wider_than_postgresql_allows_is_refused(fmt):
    with pytest.raises(SchemaImportError) as caught:
        import_text(sql_tables(1, columns=1_601), fmt)
    assert str(caught.value) == ERR_TABLE_TOO_WIDE.format(
        table="public.t0", count=1_601, limit=1_600
    )
    assert len(import_text(sql_tables(1, columns=1_600), fmt).schema.tables[0].columns) == 1_600


def test_a_design_with_too_many_columns_is_refused(settings):
    settings.ERD_MAX_COLUMNS = 100
    with pytest.raises(SchemaImportError) as caught:
        import_text(sql_tables(11, columns=10), "postgres")
    assert str(caught.value) == ERR_TOO_MANY_COLUMNS.format(count=110, limit=100)


def test_dbml_still_reads_duplicate_tables_as_an_error():
    with pytest.raises(SchemaImportError) as caught:
        import_text("Table a {\n id int\n}\nTable a {\n id int\n}", "dbml")
    assert "already" in str(caught.value)


def test_an_upload_over_the_limit_is_cut_off_and_refused(client, project, settings):
    settings.ERD_MAX_UPLOAD_BYTES = 2_000
    before = project_schema(project)
    upload = SimpleUploadedFile("big.sql", sql_tables(200).encode(), "text/plain")
    response = client.post(reverse("import_project", args=[project.slug]), {"file": upload}, **HX)
    assert response.status_code == 422
    assert "the limit is 2,000 bytes (ERD_MAX_UPLOAD_BYTES)" in response.content.decode()
    assert project_schema(project) == before


# -- edits ---------------------------------------------------------------------------------


def test_a_table_past_the_design_limit_is_refused(client, project, settings):
    settings.ERD_MAX_TABLES = 2
    table_create(project=project, name="a")
    table_create(project=project, name="b")
    response = client.post(reverse("table_list", args=[project.slug]), {"name": "c"}, **HX)
    assert response.status_code == 422
    assert ERR_DESIGN_TABLES.format(count=2) in response.content.decode()
    assert DesignTable.objects.filter(project=project).count() == 2


def test_a_column_past_postgresqls_limit_is_refused(project):
    table, _ = table_create(project=project, name="wide")
    DesignColumn.objects.bulk_create(
        DesignColumn(table=table, name=f"c{i}", data_type="int", position=i + 1)
        for i in range(1_599)
    )
    with pytest.raises(DesignError) as caught:
        column_add(table=table, name="one_more", data_type="int")
    assert str(caught.value) == ERR_TABLE_COLUMNS.format(table="wide", count=1_600, limit=1_600)
    assert DesignColumn.objects.filter(table=table).count() == 1_600


# -- drawings ------------------------------------------------------------------------------


@pytest.fixture
def wide_design(project):
    for i in range(3):
        table, _ = table_create(project=project, name=f"t{i}")
        for j in range(10):
            column_add(table=table, name=f"c{j}", data_type="int")
    return project


def test_a_drawing_over_the_row_limit_is_refused_without_graphviz(client, wide_design, settings):
    settings.ERD_MAX_DIAGRAM_ROWS = 20  # 3 tables of 12 rows
    cache.clear()
    response = client.get(reverse("diagram", args=[wide_design.slug, "svg"]))
    assert response.status_code == 422
    assert "would draw 36 rows over 3 tables; the limit is 20" in response.content.decode()
    # the names mode draws one row a table: it fits
    response = client.get(reverse("diagram", args=[wide_design.slug, "svg"]) + "?mode=names")
    assert response.status_code == 200 and b"<svg" in response.content


def test_a_share_link_of_a_design_too_big_to_draw_answers_at_once(
    client, owner, wide_design, settings
):
    settings.ERD_MAX_DIAGRAM_ROWS = 20
    cache.clear()
    link = share_link_create(project=wide_design, actor=owner)
    page = client.get(reverse("shared", args=[link.token]))
    assert page.status_code == 200
    assert "the limit is 20 (ERD_MAX_DIAGRAM_ROWS)" in page.content.decode()
    picture = client.get(reverse("shared_diagram", args=[link.token]))
    assert picture.status_code == 422


def test_a_failed_drawing_is_remembered_and_not_redrawn():
    cache.clear()
    broken = "digraph { a -> }"  # a syntax error: dot exits 1
    with pytest.raises(RenderError) as first:
        render(broken, "svg", cache=cache)
    assert cache.get(cache_key(broken, "svg") + ":failed") == str(first.value)
    with pytest.raises(RenderError) as second:
        render(broken, "svg", cache=cache)
    assert str(second.value) == str(first.value)
