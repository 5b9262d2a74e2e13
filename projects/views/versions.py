"""Versions: take a snapshot, list them, restore one, and compare any two (or the working design).

A comparison shows the visual diff (the union of both designs drawn with added tables and
columns in green, removed in red, changed in amber), the change list, and the migration plan
with up.sql / down.sql downloads.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from designer.diagram.dot import DiagramOptions
from designer.diagram.render import RenderError
from designer.export.markdown_html import markdown_to_html
from designer.migrate import down_sql, plan_markdown, up_sql
from designer.selectors.diagrams import schema_diagram
from designer.services.errors import DesignError
from designer.services.versions import (
    WORKING,
    Comparison,
    compare_versions,
    snapshot_create,
    version_restore,
)
from designer.views.common import HtmxHttpRequest
from designer.views.diagram import ERR_RENDER, inline_svg
from projects.access import ProjectAccess, project_access
from projects.forms import CompareForm, SnapshotForm
from projects.models import Role, Version
from projects.views.projects import page

VERSIONS = "projects/versions.html"
COMPARE = "projects/compare.html"
DIRECTIONS = {"up": up_sql, "down": down_sql}


def _versions(access: ProjectAccess) -> list[Version]:
    return list(
        Version.objects.filter(project=access.project)
        .select_related("author")
        .defer("schema_json")
        .order_by("-created_at", "-id")
    )


def _context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    versions = _versions(access)
    return {
        "access": access,
        "project": access.project,
        "versions": versions,
        "working": WORKING,
        "default_base": versions[0].name if versions else "",
        "page_title": "Versions",
        **extra,
    }


@require_http_methods(["GET", "POST"])
def versions(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the version list and the compare form. POST (editor): snapshot the working design."""
    if request.method == "GET":
        access = project_access(request.user, slug, Role.VIEWER)
        return page(request, VERSIONS, "version-list", _context(access))
    access = project_access(request.user, slug, Role.EDITOR)
    v = SnapshotForm(request.POST).read()
    try:
        snapshot_create(
            project=access.project,
            name=v["name"] or "",
            message=v["message"] or "",
            author=request.user,
        )
    except DesignError as exc:
        error = {"form": "snapshot", "message": exc.message}
        context = _context(access, error=error, values=request.POST)
        return page(request, VERSIONS, "version-list", context, status=422)
    if not request.htmx:
        return redirect(reverse("versions", args=[slug]))
    return page(request, VERSIONS, "version-list", _context(access))


@require_POST
def version_restore_view(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Make a version the working design again; open editors see it through ``schema-changed``."""
    access = project_access(request.user, slug, Role.EDITOR)
    version = get_object_or_404(Version, project=access.project, pk=pk)
    try:
        version_restore(project=access.project, name=version.name, actor=request.user)
    except DesignError as exc:
        error = {"form": f"version-{version.pk}", "message": exc.message}
        return page(request, VERSIONS, "version-list", _context(access, error=error), status=422)
    if not request.htmx:
        return redirect(reverse("versions", args=[slug]))
    context = _context(access, restored=version.name)
    return page(request, VERSIONS, "version-list", context)


def _names(access: ProjectAccess, data: Any) -> tuple[str, str]:
    """The (base, target) names asked for; 404 for a version that does not exist."""
    v = CompareForm(data).read()
    base, target = v["base"] or "", v["target"] or WORKING
    known = set(
        Version.objects.filter(project=access.project, name__in=[base, target]).values_list(
            "name", flat=True
        )
    )
    for name in (base, target):
        if name and name != WORKING and name not in known:
            raise Http404("No such version.")
    return base, target


def comparison_context(access: ProjectAccess, comparison: Comparison) -> dict[str, Any]:
    """What ``projects/_comparison.html`` shows: visual diff, change list, plan, downloads."""
    options = DiagramOptions(
        highlight=comparison.highlight, edge_highlight=comparison.edge_highlight
    )
    svg, render_error = "", ""
    if comparison.union.tables:
        try:
            svg = inline_svg(schema_diagram(comparison.union, "svg", options))
        except RenderError as exc:
            render_error = ERR_RENDER.format(reason=exc)
    query = urlencode({"base": comparison.base, "target": comparison.target})
    slug = access.project.slug
    return {
        "comparison": comparison,
        "diff_svg": svg,
        "diff_render_error": render_error,
        "changes": [c.describe() for c in comparison.changes],
        "destructive": [c.describe() for c in comparison.changes if c.destructive],
        "plan_text": plan_markdown(comparison.plan),
        "plan_html": markdown_to_html(plan_markdown(comparison.plan)),
        "up_url": f"{reverse('version_migration', args=[slug, 'up'])}?{query}",
        "down_url": f"{reverse('version_migration', args=[slug, 'down'])}?{query}",
    }


@require_GET
def version_compare(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    base, target = _names(access, request.GET)
    comparison = compare_versions(access.project, base, target)
    context = {
        **_context(access, page_title="Compare"),
        **comparison_context(access, comparison),
        "base": base,
        "target": target,
    }
    return page(request, COMPARE, "comparison", context)


@require_GET
def version_migration(request: HtmxHttpRequest, slug: str, direction: str) -> HttpResponse:
    """up.sql or down.sql of the migration from ``base`` to ``target``."""
    access = project_access(request.user, slug, Role.VIEWER)
    if direction not in DIRECTIONS:
        raise Http404("No such migration file.")
    base, target = _names(access, request.GET)
    comparison = compare_versions(access.project, base, target)
    text = DIRECTIONS[direction](comparison.plan)
    response = HttpResponse(text, content_type="application/sql; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{direction}.sql"'
    return response
