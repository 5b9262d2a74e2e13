"""The user's personal API tokens: create (the secret is shown once) and revoke."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods, require_POST

from projects.forms import ApiTokenForm
from projects.models import ApiToken, Membership, Project, Role
from projects.services import ProjectError, api_token_create, api_token_revoke
from projects.views.projects import page

TOKENS = "projects/tokens.html"
ERR_NO_PROJECT = "You are not a member of the project “{slug}”."


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .order_by("project__name")
    )
    return {
        "tokens": ApiToken.objects.filter(user=request.user).select_related("project"),
        "memberships": memberships,
        "roles": [r for r in Role.values if r != Role.OWNER] + [Role.OWNER],
        "page_title": "API tokens",
        **extra,
    }


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """GET: the user's tokens. POST: a new token, whose secret this answer shows once."""
    if request.method == "GET":
        return page(request, TOKENS, "tokens", _context(request))
    values = ApiTokenForm(request.POST).read()
    try:
        project = None
        if values["project"]:
            project = Project.objects.filter(
                slug=values["project"], memberships__user=request.user
            ).first()
            if project is None:
                raise ProjectError(ERR_NO_PROJECT.format(slug=values["project"]), "project")
        token, secret = api_token_create(
            user=request.user,
            name=values["name"] or "",
            project=project,
            role=values["role"] or "",
        )
    except ProjectError as exc:
        error = {"field": exc.field, "message": exc.message}
        context = _context(request, error=error, values=request.POST)
        return page(request, TOKENS, "tokens", context, status=422)
    return page(request, TOKENS, "tokens", _context(request, created=token, secret=secret))


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.user_id != request.user.pk:  # pragma: no cover - the query already says so
        raise Http404
    api_token_revoke(token=token)
    return page(request, TOKENS, "tokens", _context(request))
