"""Undo and redo of the signed-in user's design edits (Ctrl+Z, Ctrl+Shift+Z, the buttons)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, trigger_client_event

from designer.models import DesignTable
from designer.services import history
from designer.services.errors import DesignError
from designer.views.common import UNPROCESSABLE, HtmxHttpRequest, editor_role, panel_response


def _step(request: HtmxHttpRequest, slug: str, *, undo: bool) -> HttpResponse:
    access = editor_role(request, slug)
    action = history.history_undo if undo else history.history_redo
    try:
        label = action(actor=request.user, project=access.project)
    except DesignError as exc:
        if not request.htmx:
            return HttpResponse(exc.message, status=UNPROCESSABLE, content_type="text/plain")
        response = reswap(HttpResponse(status=UNPROCESSABLE), "none")
        return trigger_client_event(
            response, "toast", {"level": "error", "messages": [exc.message]}
        )
    if not request.htmx:
        return redirect("editor", slug=slug)
    # The open panel is drawn again: the undone edit may be on it (or its table may be gone).
    table = DesignTable.objects.filter(
        project=access.project, uid=request.POST.get("table", "")
    ).first()
    response = panel_response(request, access, table, edited=True)
    done = "Undid" if undo else "Redid"
    return trigger_client_event(
        response, "toast", {"level": "info", "messages": [f"{done}: {label}."]}
    )


@require_POST
def undo(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _step(request, slug, undo=True)


@require_POST
def redo(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _step(request, slug, undo=False)
