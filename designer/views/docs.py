"""Read-only documents of a design: the index table and the design document."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from designer.export.index_table import index_rows
from designer.selectors.design import project_schema
from designer.selectors.documents import project_document, project_document_page
from designer.views.common import HtmxHttpRequest
from projects.access import project_access
from projects.models import Role

SORT_KEYS = {
    "table": lambda r: (r.table, r.name),
    "name": lambda r: r.name,
    "kind": lambda r: (r.kind, r.table, r.name),
    "method": lambda r: (r.method, r.table, r.name),
    "unique": lambda r: (not r.unique, r.table, r.name),
    "flags": lambda r: (not r.flags, r.flags, r.table, r.name),
}


@require_GET
def index_table_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Every index and key with its purpose and flags, sortable by any column."""
    access = project_access(request.user, slug, Role.VIEWER)
    sort = request.GET.get("sort", "table")
    rows = sorted(
        index_rows(project_schema(access.project)), key=SORT_KEYS.get(sort, SORT_KEYS["table"])
    )
    if request.GET.get("desc") == "1":
        rows.reverse()
    flagged = sum(1 for r in rows if r.flags)
    context = {
        "access": access,
        "project": access.project,
        "rows": rows,
        "sort": sort,
        "desc": request.GET.get("desc") == "1",
        "flagged": flagged,
        "columns": [
            ("table", "Table"),
            ("name", "Name"),
            ("kind", "Kind"),
            ("", "Columns"),
            ("method", "Method"),
            ("unique", "Unique"),
            ("", "Predicate"),
            ("", "Include"),
            ("", "Covers FK"),
            ("flags", "Flags"),
            ("", "Purpose"),
        ],
    }
    return render(request, "designer/indexes.html", context)


@require_GET
def document_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    markdown, rendered, warnings = project_document_page(access.project)
    context = {
        "access": access,
        "project": access.project,
        "markdown": markdown,
        "rendered": rendered,
        "warnings": warnings,
    }
    return render(request, "designer/document.html", context)


@require_GET
def document_markdown(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    document = project_document(access.project, "markdown")
    response = HttpResponse(document.text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-design.md"'
    return response
