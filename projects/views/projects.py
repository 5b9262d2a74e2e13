"""The project list, the form that creates a project, and the revision open editors poll."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from designer.services.starters import project_create_from_starter
from designer.starters import STARTERS
from projects.forms import ProjectForm
from projects.models import Activity, Membership, ReviewRequest, ReviewState
from projects.services import ProjectError

PROJECT_LIST = "projects/list.html"
PROJECT_FIELDS = ("name", "slug", "description", "starter")


def page(
    request: HttpRequest, template: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """The whole page, or only its named fragment when htmx asks."""
    name = f"{template}#{fragment}" if getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


# Review states the project list shows, most urgent first.
REVIEW_BADGES = (ReviewState.CHANGES_REQUESTED, ReviewState.OPEN, ReviewState.APPROVED)


def _list_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .annotate(table_count=Count("project__design_tables"))
        .order_by("project__name")
    )
    # One query for the review states of every listed project.
    counts: dict[int, dict[str, int]] = {}
    rows = (
        ReviewRequest.objects.filter(project__in=[m.project_id for m in memberships])
        .exclude(state=ReviewState.CLOSED)
        .values("project_id", "state")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["project_id"], {})[row["state"]] = row["n"]
    labels = dict(ReviewState.choices)
    for m in memberships:
        mine = counts.get(m.project_id, {})
        m.review_states = [(s.value, labels[s], mine[s]) for s in REVIEW_BADGES if mine.get(s)]
    return {"memberships": memberships, "starters": list(STARTERS.values()), **extra}


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, PROJECT_LIST, _list_context(request))


@require_POST
def project_create_view(request: HttpRequest) -> HttpResponse:
    v = ProjectForm(request.POST).read()
    try:
        project = project_create_from_starter(
            owner=request.user,
            name=v["name"] or "",
            slug=v["slug"] or "",
            description=v["description"] or "",
            starter=v["starter"] or "blank",
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


@require_GET
def revision(request: HttpRequest, slug: str) -> JsonResponse:
    """The project's revision and who made the last change, in one query: open editors poll it."""
    last_actor = Activity.objects.filter(project=OuterRef("project")).order_by("-created_at", "-id")
    row = (
        Membership.objects.filter(project__slug=slug, user=request.user)
        .annotate(
            last_actor_id=Subquery(last_actor.values("actor_id")[:1]),
            last_actor=Subquery(last_actor.values("actor__username")[:1]),
        )
        .values("project__revision", "last_actor_id", "last_actor")
        .first()
    )
    if row is None:
        raise Http404("No such project.")
    response = JsonResponse(
        {
            "revision": row["project__revision"],
            "actor": row["last_actor"] or "",
            "by_you": row["last_actor_id"] == request.user.pk,
        }
    )
    response["Cache-Control"] = "no-store"
    return response
