"""Login with rate limiting: per username and per client address, counted in the cache.

After ``ERD_LOGIN_FAILURES_PER_USER`` failed sign-ins for one username, or
``ERD_LOGIN_FAILURES_PER_IP`` from one client address, within
``ERD_LOGIN_WINDOW_SECONDS`` of the first, sign-ins are refused (even with the right
password) with 429 and a "try again in N minutes" message until the window ends. A successful
sign-in clears its username's count. The address is ``REMOTE_ADDR``, or behind a proxy the
last entry of the header named by ``ERD_CLIENT_IP_HEADER`` (the one the proxy appended).
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

ERR_TOO_MANY = "Too many failed sign-ins. Try again in {minutes} minute{s}."


def client_address(request: HttpRequest) -> str:
    header = getattr(settings, "ERD_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _keys(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    return [
        (_key("user", username.strip().lower()), settings.ERD_LOGIN_FAILURES_PER_USER),
        (_key("ip", client_address(request)), settings.ERD_LOGIN_FAILURES_PER_IP),
    ]


def locked_for(request: HttpRequest, username: str) -> float:
    """Seconds until sign-ins for this username and address are accepted again (0: now)."""
    now, window = time.time(), settings.ERD_LOGIN_WINDOW_SECONDS
    waits = [
        started + window - now
        for key, limit in _keys(request, username)
        for count, started in [cache.get(key, (0, now))]
        if count >= limit
    ]
    return max([0.0, *waits])


def record_failure(request: HttpRequest, username: str) -> None:
    now, window = time.time(), settings.ERD_LOGIN_WINDOW_SECONDS
    for key, _limit in _keys(request, username):
        count, started = cache.get(key, (0, now))
        if started + window <= now:
            count, started = 0, now
        # the window runs from the first failure; every backend keeps this timeout
        cache.set(key, (count + 1, started), timeout=max(1, math.ceil(started + window - now)))


def record_success(request: HttpRequest, username: str) -> None:
    cache.delete(_keys(request, username)[0][0])


class LimitedAuthenticationForm(AuthenticationForm):
    """Django's form, refusing before the password is checked while locked."""

    locked_seconds: float = 0

    def clean(self) -> dict[str, Any]:
        assert self.request is not None
        username = self.data.get("username", "")
        self.locked_seconds = locked_for(self.request, username)
        if self.locked_seconds:
            minutes = max(1, math.ceil(self.locked_seconds / 60))
            raise ValidationError(
                ERR_TOO_MANY.format(minutes=minutes, s="" if minutes == 1 else "s"),
                code="too_many",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(self.request, username)
            raise
        record_success(self.request, username)
        return cleaned


class LoginView(auth_views.LoginView):
    authentication_form = LimitedAuthenticationForm

    def form_invalid(self, form: LimitedAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.locked_seconds:
            response.status_code = 429
            response["Retry-After"] = str(math.ceil(form.locked_seconds))
        return response
