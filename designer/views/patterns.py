"""Design patterns: a page listing them, a preview of one (changes, DDL, notes, example
queries) and its Apply button. Viewers may preview; applying needs the editor role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from designer.patterns.base import Pattern, PatternError
from designer.patterns.registry import PATTERNS
from designer.selectors.design import table_rows
from designer.services.errors import DesignError
from designer.services.patterns import Preview, pattern_apply, pattern_preview
from designer.views.common import UNPROCESSABLE, HtmxHttpRequest, changed, editor_role
from designer.views.export import highlight_sql
from projects.access import ProjectAccess, project_access
from projects.models import Role

PATTERNS_PAGE = "designer/patterns.html"
APPLIED = "{title} applied. The design now has the changes listed below."


@dataclass(frozen=True)
class Chosen:
    """What the user picked for one pattern: the table and the raw option values."""

    pattern: Pattern
    table: str
    options: dict[str, str]


def _pattern(pattern_id: str) -> Pattern:
    if pattern_id not in PATTERNS:
        raise Http404("No such pattern.")
    return PATTERNS[pattern_id]


def _chosen(pattern: Pattern, data: QueryDict) -> Chosen:
    options = {}
    for o in pattern.options:
        if o.name in data:
            options[o.name] = data.get(o.name, "")
        elif o.kind == "bool":
            options[o.name] = "0"  # an unchecked box sends nothing
    return Chosen(pattern, data.get("table", "").strip(), options)


def _context(
    access: ProjectAccess,
    *,
    chosen: Chosen | None = None,
    preview: Preview | None = None,
    error: str = "",
    applied: str = "",
) -> dict[str, Any]:
    tables = [
        t.name if t.schema_name == "public" else f"{t.schema_name}.{t.name}"
        for t in table_rows(access.project)
    ]
    return {
        "access": access,
        "project": access.project,
        "patterns": list(PATTERNS.values()),
        "tables": tables,
        "chosen": chosen,
        "preview": preview,
        "ddl_runs": highlight_sql(preview.ddl) if preview else [],
        "error": error,
        "applied": applied,
    }


def _respond(request: HtmxHttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    template = f"{PATTERNS_PAGE}#pattern-result" if request.htmx else PATTERNS_PAGE
    return render(request, template, context, status=status)


@require_GET
def pattern_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    return render(request, PATTERNS_PAGE, _context(access))


@require_GET
def pattern_preview_view(request: HtmxHttpRequest, slug: str, pattern_id: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    chosen = _chosen(_pattern(pattern_id), request.GET)
    try:
        preview = pattern_preview(
            project=access.project,
            pattern_id=pattern_id,
            table=chosen.table or None,
            options=chosen.options,
        )
    except PatternError as exc:
        return _respond(request, _context(access, chosen=chosen, error=exc.message), UNPROCESSABLE)
    return _respond(request, _context(access, chosen=chosen, preview=preview))


@require_POST
def pattern_apply_view(request: HtmxHttpRequest, slug: str, pattern_id: str) -> HttpResponse:
    access = editor_role(request, slug)
    chosen = _chosen(_pattern(pattern_id), request.POST)
    try:
        preview = pattern_apply(
            actor=request.user,
            project=access.project,
            pattern_id=pattern_id,
            table=chosen.table or None,
            options=chosen.options,
        )
    except (PatternError, DesignError) as exc:
        return _respond(request, _context(access, chosen=chosen, error=exc.message), UNPROCESSABLE)
    message = APPLIED.format(title=preview.title)
    context = _context(access, chosen=chosen, preview=preview, applied=message)
    return changed(_respond(request, context))
