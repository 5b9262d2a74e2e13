"""Login is required for every view: Django's ``LoginRequiredMiddleware`` (``LOGIN_URL``), with
the public views marked ``@login_not_required`` (the login page, share links).

An htmx request is answered 401 with ``HX-Redirect`` to the login page, so the browser goes to
the login page instead of swapping a login form into the panel that asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    def handle_no_permission(
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse:
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = resolve_url(self.get_login_url(view_func))
            return response
        return super().handle_no_permission(request, view_func)
