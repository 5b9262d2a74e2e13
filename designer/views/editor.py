"""The project editor page: header, table list, diagram and the (empty) panel."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from designer.selectors.layout import viewport
from designer.views.common import EDITOR, HtmxHttpRequest, editor_context
from projects.access import project_access
from projects.models import Role


@require_GET
def editor(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The editor page; asked by htmx (the panel's close button) it answers the empty panel."""
    access = project_access(request.user, slug, Role.VIEWER)
    if request.htmx:
        return render(
            request, f"{EDITOR}#empty-panel", {"access": access, "project": access.project}
        )
    context = editor_context(access)
    # where this user left the canvas last time (zoom and pan), restored by canvas.js
    context["viewport"] = viewport(request.user, access.project)
    return render(request, EDITOR, context)
