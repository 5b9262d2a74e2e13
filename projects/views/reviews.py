"""Review requests: an editor asks reviewers to look at a version against a base; they decide.

The review page shows what changed (visual diff, change list, migration plan), what the
advisor finds in the reviewed version, and the comments anchored to that version.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from designer.advisor import lint
from designer.schema.serialize import schema_from_json
from designer.services.errors import DesignError
from designer.services.versions import WORKING, compare_versions, snapshot_create
from designer.views.common import HtmxHttpRequest
from projects.access import ProjectAccess, project_access
from projects.forms import DecisionForm, ReviewForm
from projects.models import (
    Membership,
    ReviewAssignment,
    ReviewerDecision,
    ReviewRequest,
    Role,
    Version,
)
from projects.services import (
    ERR_REVIEWER_ROLE,
    ProjectError,
    review_decide,
    review_request_create,
)
from projects.views.projects import page
from projects.views.versions import comparison_context

REVIEWS = "projects/reviews.html"
REVIEW = "projects/review.html"
ERR_NO_SUCH_VERSION = "Choose a version to review."
ERR_BASE_IS_VERSION = "Compare the version with another version, not with itself."
SNAPSHOT_NAME = "{title} (review)"
DECISIONS = (ReviewerDecision.APPROVED, ReviewerDecision.CHANGES_REQUESTED)


def _reviewer_choices(access: ProjectAccess) -> list[str]:
    ranks = (Role.REVIEWER, Role.EDITOR, Role.OWNER)
    return list(
        Membership.objects.filter(project=access.project, role__in=ranks)
        .values_list("user__username", flat=True)
        .order_by("user__username")
    )


def _list_context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    reviews = (
        ReviewRequest.objects.filter(project=access.project)
        .select_related("author", "version", "base_version")
        .annotate(
            n_reviewers=Count("assignments"),
            n_approved=Count(
                "assignments", filter=Q(assignments__decision=ReviewerDecision.APPROVED)
            ),
        )
        .order_by("-created_at", "-id")
    )
    return {
        "access": access,
        "project": access.project,
        "reviews": list(reviews),
        "versions": list(
            Version.objects.filter(project=access.project).values_list("name", flat=True)
        ),
        "reviewer_choices": _reviewer_choices(access),
        "working": WORKING,
        "page_title": "Reviews",
        **extra,
    }


def _free_version_name(access: ProjectAccess, title: str) -> str:
    base = SNAPSHOT_NAME.format(title=title.strip())[:90]
    taken = set(
        Version.objects.filter(project=access.project, name__startswith=base).values_list(
            "name", flat=True
        )
    )
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    return name


def _create(request: HtmxHttpRequest, access: ProjectAccess) -> ReviewRequest:
    v = ReviewForm(request.POST).read()
    project = access.project
    names = v["reviewers"] or []
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    for name in names:
        if name not in users:
            raise ProjectError(ERR_REVIEWER_ROLE.format(user=name), "reviewers")
    base = None
    if v["base_version"]:
        base = Version.objects.filter(project=project, name=v["base_version"]).first()
        if base is None:
            raise ProjectError(ERR_NO_SUCH_VERSION, "base_version")
    # Snapshot and request succeed or fail together: no orphan snapshot on a refused request.
    with transaction.atomic():
        if (v["version"] or WORKING) == WORKING:
            try:
                version = snapshot_create(
                    project=project,
                    name=_free_version_name(access, v["title"] or "review"),
                    message=v["description"] or "",
                    author=request.user,
                )
            except DesignError as exc:
                raise ProjectError(exc.message, "version") from exc
        else:
            version = Version.objects.filter(project=project, name=v["version"]).first()
            if version is None:
                raise ProjectError(ERR_NO_SUCH_VERSION, "version")
        if base is not None and base.pk == version.pk:
            raise ProjectError(ERR_BASE_IS_VERSION, "base_version")
        return review_request_create(
            project=project,
            author=request.user,
            title=v["title"] or "",
            description=v["description"] or "",
            version=version,
            base_version=base,
            reviewers=[users[n] for n in names],
        )


@require_http_methods(["GET", "POST"])
def reviews(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the review requests. POST (editor): ask reviewers to look at a version."""
    if request.method == "GET":
        access = project_access(request.user, slug, Role.VIEWER)
        return page(request, REVIEWS, "review-list", _list_context(access))
    access = project_access(request.user, slug, Role.EDITOR)
    try:
        review = _create(request, access)
    except ProjectError as exc:
        error = {"field": exc.field or "__all__", "message": exc.message}
        context = _list_context(access, error=error, values=request.POST)
        return page(request, REVIEWS, "review-list", context, status=422)
    url = reverse("review_detail", args=[slug, review.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _detail_context(access: ProjectAccess, review: ReviewRequest, user, **extra) -> dict[str, Any]:
    base = review.base_version.name if review.base_version else ""
    comparison = compare_versions(access.project, base, review.version.name)
    schema = schema_from_json(review.version.schema_json)
    assignments = list(
        ReviewAssignment.objects.filter(review=review)
        .select_related("reviewer")
        .order_by("reviewer__username")
    )
    mine = next((a for a in assignments if a.reviewer_id == user.pk), None)
    return {
        "access": access,
        "project": access.project,
        "review": review,
        "assignments": assignments,
        "my_assignment": mine if access.can_review else None,
        "decisions": [(d.value, d.label) for d in DECISIONS],
        "findings": lint(schema),
        "page_title": review.title,
        **comparison_context(access, comparison),
        **extra,
    }


def _review(access: ProjectAccess, pk: int) -> ReviewRequest:
    return get_object_or_404(
        ReviewRequest.objects.select_related("author", "version", "base_version"),
        project=access.project,
        pk=pk,
    )


@require_GET
def review_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    review = _review(access, pk)
    return page(request, REVIEW, "review-state", _detail_context(access, review, request.user))


@require_POST
def review_decide_view(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A reviewer approves or requests changes, with a note."""
    access = project_access(request.user, slug, Role.REVIEWER)
    review = _review(access, pk)
    v = DecisionForm(request.POST).read()
    try:
        if v["decision"] not in {d.value for d in DECISIONS}:
            raise ProjectError("Choose “approve” or “request changes”.", "decision")
        review_decide(review=review, reviewer=request.user, decision=v["decision"], note=v["note"])
    except ProjectError as exc:
        error = {"field": exc.field or "__all__", "message": exc.message}
        context = _detail_context(access, review, request.user, error=error, values=request.POST)
        return page(request, REVIEW, "review-state", context, status=422)
    if not request.htmx:
        return redirect(reverse("review_detail", args=[slug, pk]))
    review.refresh_from_db(fields=["state"])
    return page(request, REVIEW, "review-state", _detail_context(access, review, request.user))
