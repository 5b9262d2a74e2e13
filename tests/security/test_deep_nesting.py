"""SQL nested deeper than the designer reads (operators, calls, parentheses inside one
another) is a clear 4xx everywhere it can be typed or imported, never a RecursionError and a
500; what is accepted works everywhere downstream (exports, diagram, advisor, document)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.diagram.dot import schema_to_dot
from designer.export.registry import EXPORT_FORMATS, export
from designer.models import DesignTable
from designer.schema.sqltext import (
    ERR_TOO_DEEP,
    MAX_NESTING,
    SqlTextError,
    normalize_expr,
    normalize_query,
    normalize_type,
)
from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.tables import table_create
from projects.services import project_create

TOO_DEEP = ERR_TOO_DEEP.format(limit=MAX_NESTING)
HX = {"HTTP_HX_REQUEST": "true"}

# depth -> an expression of that depth, in the shapes people (and generators) write
SHAPES: dict[str, Callable[[int], str]] = {
    "chained operators": lambda n: "a" + " + 1" * n,
    "nested calls": lambda n: "abs(" * n + "a" + ")" * n,
    "nested parentheses": lambda n: "(" * n + "a + 1" + ")" * n,
    "prefix minus": lambda n: "- " * n + "a",
    "nested CASE": lambda n: "CASE WHEN a > 0 THEN " * n + "a" + " END" * n,
    "nested casts": lambda n: "(" * n + "a" + ")::bigint" * n,
}
# around the limit, the old 500 (165), and deeper than PostgreSQL's own parser goes
DEPTHS = (1, MAX_NESTING // 2, MAX_NESTING - 5, MAX_NESTING + 5, 165, 400, 20000)


def _with_stack(frames: int, fn: Callable[[], object]) -> object:
    """Call ``fn`` under ``frames`` extra Python frames, as deep as a Django request is."""
    return fn() if frames == 0 else _with_stack(frames - 1, fn)


REQUEST_FRAMES = 150


def _downstream(expression: str) -> None:
    """Everything that consumes a stored expression, for a table holding it everywhere."""
    from designer.schema.model import CheckConstraint, Column, Index, IndexPart, Schema, Table

    table = Table(
        name="t",
        columns=(
            Column(name="a", type="integer", default=expression.replace("a", "1")),
            Column(name="b", type="integer"),
        ),
        checks=(CheckConstraint(expression=f"({expression}) > 0", name="t_deep"),),
        indexes=(Index(name="t_deep_idx", parts=(IndexPart(expression=expression),)),),
    )
    schema = Schema(tables=(table,))
    for name in EXPORT_FORMATS:
        export(schema, name)
    schema_to_dot(schema)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SHAPES)), st.integers(min_value=1, max_value=3 * MAX_NESTING))
def test_an_expression_is_read_or_refused_as_too_deep_and_what_is_read_works_downstream(
    shape: str, depth: int
) -> None:
    text = SHAPES[shape](depth)
    try:
        normalized = str(_with_stack(REQUEST_FRAMES, lambda: normalize_expr(text)))
    except SqlTextError as exc:
        assert str(exc) == TOO_DEEP
        assert depth > MAX_NESTING // 3  # nothing shallow is refused
        return
    _with_stack(REQUEST_FRAMES, lambda: _downstream(normalized))


@pytest.mark.parametrize("depth", DEPTHS)
def test_types_and_view_queries_too_deep_are_refused_clearly(depth: int) -> None:
    for fn, text in (
        (normalize_type, f"numeric({'(' * depth}10{')' * depth})"),
        (normalize_query, f"SELECT {SHAPES['chained operators'](depth)} AS x FROM t"),
    ):
        try:
            fn(text)
        except SqlTextError as exc:
            assert depth > 1 and (str(exc) == TOO_DEEP or "not a type" in str(exc))


def test_the_recursion_limit_is_what_the_tests_assume() -> None:
    assert sys.getrecursionlimit() <= 1000  # the limit a server process runs with


# -- through the editor ---------------------------------------------------------------------------

EDITOR_FIELDS = {
    "column default": ("column_add", lambda e: {"name": "c", "data_type": "integer", "default": e}),
    "check": ("check_create", lambda e: {"name": "deep_check", "expression": f"({e}) > 0"}),
    "index expression": ("index_create", lambda e: {"name": "deep_idx", "parts": f"({e})"}),
    "index predicate": (
        "index_create",
        lambda e: {"name": "deep_w", "parts": "a", "where": f"{e} > 0"},
    ),
}


@pytest.fixture
def table(client, django_user_model) -> DesignTable:
    owner = django_user_model.objects.create_user("owner", password="pw-long-enough-1")
    client.force_login(owner)
    project = project_create(owner=owner, name="Deep")
    t, _ = table_create(project=project, name="t")
    column_add(table=t, name="a", data_type="integer")
    return t


@pytest.mark.django_db
@pytest.mark.parametrize("field", sorted(EDITOR_FIELDS))
@pytest.mark.parametrize("shape", ["chained operators", "nested calls"])
def test_the_editor_answers_a_deep_expression_with_a_clear_error(client, table, field, shape):
    url_name, data = EDITOR_FIELDS[field]
    url = reverse(url_name, args=[table.project.slug, table.uid])
    for depth in DEPTHS:
        response = client.post(url, data(SHAPES[shape](depth)), **HX)
        assert response.status_code in (200, 422), (depth, response.status_code)
        if depth > MAX_NESTING:
            assert response.status_code == 422
            assert escape(TOO_DEEP) in response.content.decode(), depth
    # what was accepted is stored, and every page that reads it still answers
    schema = project_schema(table.project)
    assert schema.tables
    slug = table.project.slug
    pages = [reverse("editor", args=[slug]), reverse("diagram", args=[slug, "svg"])]
    pages += [reverse("export_download", args=[slug, name]) for name in EXPORT_FORMATS]
    pages += [reverse("advisor", args=[slug]), reverse("document", args=[slug])]
    for page in pages:
        assert client.get(page, **HX).status_code == 200, page


# -- through imports ---------------------------------------------------------------------------------

IMPORTS = {
    "postgres": lambda e: (
        f"CREATE TABLE t (a int CHECK ({e}), b int DEFAULT ({e.replace('a', '1')}));"
    ),
    "postgres index": lambda e: f"CREATE TABLE t (a int);\nCREATE INDEX i ON t (({e}));",
    "postgres view": lambda e: f"CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT {e} AS x FROM t;",
    "mysql": lambda e: f"CREATE TABLE t (a int, CHECK ({e})) ENGINE=InnoDB;",
    "sqlite": lambda e: f"CREATE TABLE t (a INTEGER CHECK ({e}));",
    "dbml": lambda e: "Table t {\n  a int\n  checks {\n    `" + e + "`\n  }\n}\n",
}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", sorted(IMPORTS))
def test_an_import_with_deep_sql_is_a_clear_error_or_a_warning(client, table, fmt):
    for depth in DEPTHS:
        text = IMPORTS[fmt](SHAPES["chained operators"](depth))
        response = client.post("/import/", {"text": text, "format": fmt.split()[0]}, **HX)
        assert response.status_code in (200, 422), (depth, response.status_code)
        html = response.content.decode()
        if depth > MAX_NESTING:
            # refused as a whole, or imported without the expression and a warning naming why
            assert response.status_code == 422 or "nests more than" in html, depth


@pytest.mark.parametrize("fmt", ["postgres", "dbml"])
def test_lint_schema_file_with_deep_sql_exits_with_a_clear_error(fmt, tmp_path: Path, db) -> None:
    source = tmp_path / ("deep.sql" if fmt == "postgres" else "deep.dbml")
    source.write_text(IMPORTS[fmt](SHAPES["chained operators"](400)))
    try:
        call_command("lint_schema", "--file", str(source))
    except CommandError as exc:
        assert TOO_DEEP in str(exc) or "finding" in str(exc)
