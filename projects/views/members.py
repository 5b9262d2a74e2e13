"""The members page: who is on the project with which role; the owner manages them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from designer.views.common import HtmxHttpRequest
from projects.access import ProjectAccess, project_access
from projects.forms import InviteForm, RoleForm
from projects.models import Membership, Role
from projects.services import (
    ProjectError,
    member_invite,
    member_remove,
    member_set_role,
    ownership_transfer,
)
from projects.views.projects import page

MEMBERS = "projects/members.html"
INVITE_ROLES = (Role.VIEWER, Role.REVIEWER, Role.EDITOR)


def _context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    memberships = (
        Membership.objects.filter(project=access.project)
        .select_related("user")
        .order_by("user__username")
    )
    return {
        "access": access,
        "project": access.project,
        "memberships": memberships,
        "invite_roles": [(r.value, r.label) for r in INVITE_ROLES],
        "page_title": "Members",
        **extra,
    }


def _answer(request: HtmxHttpRequest, access: ProjectAccess, exc: ProjectError | None, **extra):
    """The members block again: with the error beside the form that failed, or after success."""
    if exc is None and not request.htmx:
        return redirect(reverse("members", args=[access.project.slug]))
    error = {"message": exc.message, "field": exc.field or "__all__", **extra} if exc else None
    context = _context(access, error=error, values=request.POST if exc else {})
    return page(request, MEMBERS, "members", context, status=422 if exc else 200)


@require_http_methods(["GET", "POST"])
def members(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the member list. POST (owner): invite a user by username or email."""
    if request.method == "GET":
        access = project_access(request.user, slug, Role.VIEWER)
        return page(request, MEMBERS, "members", _context(access))
    access = project_access(request.user, slug, Role.OWNER)
    v = InviteForm(request.POST).read()
    try:
        member_invite(
            project=access.project, who=v["who"] or "", role=v["role"] or "", actor=request.user
        )
    except ProjectError as exc:
        return _answer(request, access, exc, form="invite")
    return _answer(request, access, None)


def _member(access: ProjectAccess, user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id, memberships__project=access.project)


@require_POST
def member_role(request: HtmxHttpRequest, slug: str, user_id: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.OWNER)
    user = _member(access, user_id)
    try:
        member_set_role(
            project=access.project,
            user=user,
            role=RoleForm(request.POST).read()["role"] or "",
            actor=request.user,
        )
    except ProjectError as exc:
        return _answer(request, access, exc, form=f"member-{user.pk}")
    return _answer(request, access, None)


@require_POST
def member_remove_view(request: HtmxHttpRequest, slug: str, user_id: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.OWNER)
    user = _member(access, user_id)
    try:
        member_remove(project=access.project, user=user, actor=request.user)
    except ProjectError as exc:
        return _answer(request, access, exc, form=f"member-{user.pk}")
    return _answer(request, access, None)


@require_POST
def ownership_transfer_view(request: HtmxHttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Hand the project to another member; the old owner becomes an editor (and leaves this page
    with editor rights, so the whole page is reloaded)."""
    access = project_access(request.user, slug, Role.OWNER)
    user = _member(access, user_id)
    try:
        ownership_transfer(project=access.project, to_user=user, actor=request.user)
    except ProjectError as exc:
        return _answer(request, access, exc, form=f"member-{user.pk}")
    url = reverse("members", args=[slug])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
