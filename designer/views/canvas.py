"""The editor's canvas: placing tables, auto-arrange, the viewport, drawn relationships.

Placements and the viewport are sent by ``static/js/canvas.js`` with ``fetch`` (CSRF
header) and answered 204, or 422 with the message as text; the page then refreshes the
diagram itself. A drawn relationship is answered with the child table's panel, its new
foreign key's settings open.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from designer.models import ConstraintKind, DesignConstraint, DesignTable
from designer.services import layout as layout_services
from designer.services import relationships
from designer.services.errors import ERR_UNKNOWN_TABLE, DesignError
from designer.views.common import (
    UNPROCESSABLE,
    FormError,
    HtmxHttpRequest,
    load_table,
    panel_response,
    posted_version,
)
from designer.views.diagram import DIRECTIONS, MODES, _choice
from projects.access import project_access
from projects.models import Role

ERR_BAD_JSON = "The positions were not readable (expected a JSON object of table → [x, y])."
MAX_BODY = 1024 * 1024
NOTE_ADDED = (
    "Added the column “{name}” for the foreign key; rename it in the columns grid if you like."
)
FK_SETTINGS_FIELDS = ("on_delete", "on_update", "name")


def _refused(message: str) -> HttpResponse:
    return HttpResponse(message, status=UNPROCESSABLE, content_type="text/plain; charset=utf-8")


@require_POST
def place(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Pin dropped tables: a form field ``positions`` = JSON ``{uid: [x, y]}``."""
    access = project_access(request.user, slug, Role.EDITOR)
    raw = request.POST.get("positions", "")
    try:
        positions = json.loads(raw) if len(raw) <= MAX_BODY else None
    except ValueError:
        positions = None
    if not isinstance(positions, dict):
        return _refused(ERR_BAD_JSON)
    try:
        layout_services.place_tables(
            project=access.project, actor=request.user, positions=positions
        )
    except DesignError as exc:
        return _refused(exc.message)
    return HttpResponse(status=204)


@require_POST
def arrange(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Auto-arrange the whole design, or the tables named in ``tables`` (uids)."""
    access = project_access(request.user, slug, Role.EDITOR)
    picked = [uid for uid in request.POST.getlist("tables") if uid]
    try:
        layout_services.arrange_tables(
            project=access.project,
            actor=request.user,
            table_uids=picked or None,
            direction=_choice(request.POST.get("direction"), DIRECTIONS),
            mode=_choice(request.POST.get("mode"), MODES),
        )
    except DesignError as exc:
        return _refused(exc.message)
    return HttpResponse(status=204)


@require_POST
def viewport(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Remember this user's zoom and pan of the project's canvas (any member)."""
    access = project_access(request.user, slug, Role.VIEWER)
    try:
        x, y, k = (float(request.POST.get(f, "nan")) for f in ("x", "y", "k"))
        layout_services.save_viewport(user=request.user, project=access.project, x=x, y=y, k=k)
    except (ValueError, DesignError):
        return _refused(layout_services.ERR_VIEWPORT)
    return HttpResponse(status=204)


@require_POST
def draw_foreign_key(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    """A relationship dragged from table ``uid`` (its ``column``, or its header) onto
    ``ref_table``: answered with the table's panel, the new key's settings open."""
    access, table = load_table(request, slug, uid, Role.EDITOR)
    ref_uid = request.POST.get("ref_table", "")
    ref_table = DesignTable.objects.filter(project=access.project, uid=ref_uid).first()
    column = request.POST.get("column") or None
    try:
        if ref_table is None:
            raise DesignError(ERR_UNKNOWN_TABLE.format(name=ref_uid[:40] or "?"), "ref_table")
        fk, added = relationships.foreign_key_drawn(
            actor=request.user, table=table, ref_table=ref_table, column=column
        )
    except DesignError as exc:
        return panel_response(
            request, access, table, error=FormError.of("fk", exc, ("columns", "ref_table"))
        )
    notes = [NOTE_ADDED.format(name=name) for name in added]
    return panel_response(request, access, table, edited=True, focus_fk=fk.uid, warnings=notes)


@require_POST
def foreign_key_settings(request: HtmxHttpRequest, slug: str, uid: str, kuid: str) -> HttpResponse:
    """Confirm or change a foreign key's actions and name (from its settings form)."""
    access, table = load_table(request, slug, uid, Role.EDITOR)
    fk = get_object_or_404(DesignConstraint, table=table, uid=kuid, kind=ConstraintKind.FOREIGN)
    try:
        relationships.foreign_key_settings(
            actor=request.user,
            constraint=fk,
            on_delete=request.POST.get("on_delete", "NO ACTION"),
            on_update=request.POST.get("on_update", "NO ACTION"),
            name=request.POST.get("name", ""),
            deferrable=bool(request.POST.get("deferrable")),
            expected_version=posted_version(request),
        )
    except DesignError as exc:
        return panel_response(
            request,
            access,
            table,
            error=FormError.of("fk-settings", exc, FK_SETTINGS_FIELDS),
            focus_fk=kuid,
        )
    return panel_response(request, access, table, edited=True)
