"""A project's settings page: rename it, or delete it with everything it holds (owner only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from projects.access import ProjectAccess, project_access
from projects.forms import ProjectDeleteForm, ProjectSettingsForm
from projects.models import Role
from projects.services import ProjectError, project_delete, project_update

SETTINGS = "projects/settings.html"
UNPROCESSABLE = 422


def _context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, "page_title": "Settings", **extra}


@require_http_methods(["GET", "POST"])
def project_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the settings form. POST: rename (the address stays, so links keep working)."""
    access = project_access(request.user, slug, Role.OWNER)
    if request.method == "GET":
        return render(request, SETTINGS, _context(access))
    v = ProjectSettingsForm(request.POST).read()
    try:
        project_update(
            project=access.project,
            name=v["name"] or "",
            description=v["description"] or "",
            actor=request.user,
        )
    except ProjectError as exc:
        context = _context(access, error={"form": "rename", "message": exc.message}, values=v)
        return render(request, SETTINGS, context, status=UNPROCESSABLE)
    return render(request, SETTINGS, _context(access, saved=True))


@require_POST
def project_delete_view(request: HttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.OWNER)
    v = ProjectDeleteForm(request.POST).read()
    name = access.project.name
    try:
        project_delete(project=access.project, confirm_name=v["confirm_name"] or "")
    except ProjectError as exc:
        context = _context(access, error={"form": "delete", "message": exc.message})
        return render(request, SETTINGS, context, status=UNPROCESSABLE)
    messages.success(request, f"Project “{name}” and everything in it were deleted.")
    url = reverse("project_list")
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)
