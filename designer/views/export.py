"""DDL export: a preview with light highlighting, the exporter's warnings, and a download."""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from designer.export.registry import EXPORT_FORMATS, export, export_groups
from designer.selectors.design import project_schema
from designer.selectors.diagrams import DIAGRAM_FORMATS
from designer.views.common import HtmxHttpRequest
from projects.access import project_access
from projects.models import Role

EXPORT = "designer/export.html"
SQL_KEYWORDS = frozenset(
    [
        "ACTION",
        "ADD",
        "ALTER",
        "ALWAYS",
        "AND",
        "AS",
        "ASC",
        "BEGIN",
        "BY",
        "CASCADE",
        "CHECK",
        "COLLATE",
        "COMMENT",
        "COMMIT",
        "CONSTRAINT",
        "CREATE",
        "DEFAULT",
        "DEFERRABLE",
        "DEFERRED",
        "DELETE",
        "DESC",
        "DISTINCT",
        "DOMAIN",
        "DROP",
        "ENABLE",
        "ENUM",
        "EXCLUDE",
        "EXISTS",
        "EXTENSION",
        "FALSE",
        "FIRST",
        "FOR",
        "FOREIGN",
        "FROM",
        "FULL",
        "GENERATED",
        "IDENTITY",
        "IF",
        "IN",
        "INCLUDE",
        "INDEX",
        "INHERITS",
        "INITIALLY",
        "IS",
        "KEY",
        "LAST",
        "LEVEL",
        "MATCH",
        "NO",
        "NOT",
        "NULL",
        "NULLS",
        "OF",
        "ON",
        "OR",
        "OWNED",
        "PARTITION",
        "POLICY",
        "PRIMARY",
        "REFERENCES",
        "RESTRICT",
        "ROW",
        "SCHEMA",
        "SECURITY",
        "SELECT",
        "SEQUENCE",
        "SET",
        "SIMPLE",
        "STORED",
        "TABLE",
        "TO",
        "TRUE",
        "TYPE",
        "UNIQUE",
        "UNLOGGED",
        "UPDATE",
        "USING",
        "VALID",
        "VALUES",
        "VIEW",
        "WHERE",
        "WITH",
        "WITHOUT",
    ]
)
_TOKEN = re.compile(
    r"(?P<comment>--[^\n]*)|(?P<string>'(?:[^']|'')*')|(?P<ident>\"(?:[^\"]|\"\")*\")"
    r"|(?P<word>\b[A-Za-z_][A-Za-z0-9_$]*\b)|(?P<number>\b\d+(?:\.\d+)?\b)"
)


def highlight_sql(text: str) -> list[tuple[str, str]]:
    """(css class, text) runs of ``text``; the template escapes each run, so this stays safe."""
    runs: list[tuple[str, str]] = []

    def add(kind: str, piece: str) -> None:
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + piece)
        elif piece:
            runs.append((kind, piece))

    pos = 0
    for match in _TOKEN.finditer(text):
        add("", text[pos : match.start()])
        kind = match.lastgroup or ""
        piece = match.group()
        if kind == "word":
            kind = "sql-kw" if piece in SQL_KEYWORDS else ""
        elif kind == "ident":
            kind = ""
        else:
            kind = f"sql-{kind}"
        add(kind, piece)
        pos = match.end()
    add("", text[pos:])
    return runs


def _format(name: str | None):
    if not name:
        return next(iter(EXPORT_FORMATS.values()))
    if name not in EXPORT_FORMATS:
        raise Http404("No such export format.")
    return EXPORT_FORMATS[name]


@require_GET
def export_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    fmt = _format(request.GET.get("format"))
    result = export(project_schema(access.project), fmt.name)
    context = {
        "access": access,
        "project": access.project,
        "groups": export_groups(),
        "diagram_formats": DIAGRAM_FORMATS,
        "format": fmt,
        "runs": highlight_sql(result.text),
        "warnings": result.warnings,
    }
    return render(request, f"{EXPORT}#result" if request.htmx else EXPORT, context)


@require_GET
def export_download(request: HtmxHttpRequest, slug: str, format_name: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    fmt = _format(format_name)
    result = export(project_schema(access.project), fmt.name)
    response = HttpResponse(result.text, content_type=f"{fmt.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{fmt.name}.{fmt.extension}"'
    return response
