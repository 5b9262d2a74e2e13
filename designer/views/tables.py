"""Tables: the list beside the diagram, the add form, the table panel and its header form."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from designer.forms import TableForm
from designer.services import tables as services
from designer.services.errors import DesignError
from designer.views.common import (
    EDITOR,
    UNPROCESSABLE,
    FormError,
    HtmxHttpRequest,
    changed,
    editor_context,
    editor_role,
    load_table,
    panel_response,
    posted_version,
)
from projects.access import project_access
from projects.models import Role

TABLE_FIELDS = ("name", "schema_name", "comment", "group", "color")
SCALE_FIELDS = ("expected_rows", "yearly_growth")


@require_http_methods(["GET", "POST"])
def table_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the table list (filtered by ?q=). POST: add a table and open its panel."""
    if request.method == "POST":
        return table_create(request, slug)
    access = project_access(request.user, slug, Role.VIEWER)
    q = request.GET.get("q", "").strip()
    template = f"{EDITOR}#table-list" if request.htmx else EDITOR
    return render(request, template, editor_context(access, q))


def table_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = editor_role(request, slug)
    v = TableForm(request.POST).read()
    try:
        table, warnings = services.table_create(
            actor=request.user,
            project=access.project,
            name=v["name"] or "",
            schema_name=v["schema_name"] or "public",
            group=v["group"] or "",
            color=v["color"] or "",
        )
    except DesignError as exc:
        context = {
            **editor_context(access),
            "add_error": FormError.of("add-table", exc, TABLE_FIELDS),
            "add_values": request.POST,
        }
        if not request.htmx:
            return render(request, EDITOR, context, status=UNPROCESSABLE)
        response = render(request, f"{EDITOR}#add-table", context, status=UNPROCESSABLE)
        return reswap(retarget(response, "#add-table"), "outerHTML")
    return panel_response(request, access, table, warnings=warnings, edited=True)


@require_GET
def table_panel(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.VIEWER)
    # ?fk=<uid>: a foreign key clicked in the diagram, its settings open
    return panel_response(request, access, table, focus_fk=request.GET.get("fk", "")[:40])


@require_POST
def table_update(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    v = TableForm(request.POST).read()
    try:
        warnings = services.table_update(
            actor=request.user,
            table=table,
            name=v["name"] or "",
            schema_name=v["schema_name"] or "public",
            comment=v["comment"] or "",
            group=v["group"] or "",
            color=v["color"] or "",
            expected_version=posted_version(request),
        )
    except DesignError as exc:
        return panel_response(
            request, access, table, error=FormError.of("table", exc, TABLE_FIELDS)
        )
    return panel_response(request, access, table, warnings=warnings, edited=True)


@require_POST
def table_delete(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    try:
        dropped = services.table_delete(
            actor=request.user, table=table, expected_version=posted_version(request)
        )
    except DesignError as exc:
        return panel_response(
            request, access, table, error=FormError.of("table", exc, TABLE_FIELDS)
        )
    note = [f"{dropped} foreign key(s) that pointed at it were removed."] if dropped else []
    response = panel_response(request, access, None, edited=True)
    return changed(response, note) if request.htmx and note else response


@require_POST
def table_scale(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    try:
        services.table_scale_update(
            actor=request.user,
            table=table,
            expected_rows=request.POST.get("expected_rows", ""),
            yearly_growth=request.POST.get("yearly_growth", ""),
            expected_version=posted_version(request),
        )
    except DesignError as exc:
        return panel_response(
            request, access, table, error=FormError.of("scale", exc, SCALE_FIELDS)
        )
    return panel_response(request, access, table, edited=True)
