"""Who is calling, how often, and what they may do on a project.

A call authenticates with a personal token (``Authorization: Bearer erd_…``) or the browser
session (with Django's CSRF token on writes). Each token, and each session user, gets
``ERD_API_RATE_LIMIT`` calls per ``ERD_API_RATE_WINDOW_SECONDS`` (counted in the cache; 429
with Retry-After beyond). ``api_access`` is ``projects.access.project_access`` (non-members
404, low roles 403) with the token's scope applied on top: a token held to one project sees
no other, and its role caps the user's.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja.security import HttpBearer, SessionAuth

from designer.api.errors import ApiError
from projects.access import ERR_ROLE_TOO_LOW, ProjectAccess, project_access
from projects.models import ROLE_RANK, ApiToken, Role
from projects.services import api_token_user

ERR_RATE_LIMITED = "Too many calls: {limit} per {window} s. Try again in {wait} s."
ERR_TOKEN_SCOPE = "This token is held to another project."


def rate_limit(key: str) -> None:
    """Count one call for ``key``; ApiError 429 (with Retry-After) past the limit."""
    limit = settings.ERD_API_RATE_LIMIT
    window = settings.ERD_API_RATE_WINDOW_SECONDS
    now = time.time()
    slot = int(now // window)
    counter = f"api-rate:{key}:{slot}"
    cache.add(counter, 0, window + 5)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, window + 5)
        count = 1
    if count > limit:
        wait = max(1, math.ceil((slot + 1) * window - now))
        raise ApiError(
            429,
            "rate_limited",
            ERR_RATE_LIMITED.format(limit=limit, window=window, wait=wait),
            headers={"Retry-After": str(wait)},
        )


class TokenAuth(HttpBearer):
    """A personal API token; the call then acts as the token's user, within its scope."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_user(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        rate_limit(f"token:{found.pk}")
        return found


class SessionWithLimit(SessionAuth):
    """The browser session (CSRF checked on writes), rate-limited per user."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a signed-in session there is nothing to protect from CSRF: a call with a
        # wrong token or none at all is answered 401, not "CSRF check failed".
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            rate_limit(f"user:{user.pk}")
        return user


def token_of(request: HttpRequest) -> ApiToken | None:
    return getattr(request, "api_token", None)


def api_access(request: HttpRequest, slug: str, needed: str = Role.VIEWER) -> ProjectAccess:
    """The caller's access to project ``slug``, as the views decide it, within the token's scope.

    Non-members (and tokens held to another project) get 404; a role (the user's, capped by
    the token's) below ``needed`` gets 403.
    """
    token = token_of(request)
    if token is not None and token.project_id is not None and token.project.slug != slug:
        raise Http404("No such project.")
    access = project_access(request.user, slug, Role.VIEWER)
    role = access.role
    if token is not None and token.role and ROLE_RANK[Role(token.role)] < ROLE_RANK[Role(role)]:
        role = token.role
    access = ProjectAccess(project=access.project, role=role)
    if not access.can(needed):
        raise PermissionDenied(ERR_ROLE_TOO_LOW.format(role=role))
    return access


def require_unscoped(request: HttpRequest) -> None:
    """Refuse a call that reaches beyond one project (creating one) with a project token."""
    token = token_of(request)
    if token is not None and token.project_id is not None:
        raise PermissionDenied(ERR_TOKEN_SCOPE)
