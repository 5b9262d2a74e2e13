"""The project list and the form that creates a project."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from designer.forms import ProjectForm
from projects.models import Membership
from projects.services import ProjectError, project_create

PROJECT_LIST = "projects/list.html"
PROJECT_FIELDS = ("name", "slug", "description")


def _list_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .annotate(table_count=Count("project__design_tables"))
        .order_by("project__name")
    )
    return {"memberships": memberships, **extra}


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, PROJECT_LIST, _list_context(request))


@require_POST
def project_create_view(request: HttpRequest) -> HttpResponse:
    v = ProjectForm(request.POST).read()
    try:
        project = project_create(
            owner=request.user,
            name=v["name"] or "",
            slug=v["slug"] or "",
            description=v["description"] or "",
        )
    except ProjectError as exc:
        field = exc.field if exc.field in PROJECT_FIELDS else "__all__"
        context = _list_context(
            request, error={"field": field, "message": exc.message}, values=request.POST
        )
        template = (
            f"{PROJECT_LIST}#create-form" if getattr(request, "htmx", False) else PROJECT_LIST
        )
        return render(request, template, context, status=422)
    url = reverse("editor", args=[project.slug])
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)
