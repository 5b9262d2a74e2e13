"""The one NinjaAPI, mounted at /api/v1/: its routers, authentication and error handlers.

OpenAPI 3.1 is generated from the typed routes at ``/api/v1/openapi.json``; the browsable docs
at ``/api/v1/docs`` are ninja's Swagger UI served from its own static files (``ninja`` is an
installed app) with its settings in a JSON block and a static init script, so the page runs
under the site's strict Content-Security-Policy with no CDN and no inline script.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from designer.api import idempotency
from designer.api.auth import SessionWithLimit, TokenAuth
from designer.api.errors import ERR_NOT_FOUND, error_body, install_handlers
from designer.api.routes import design, imports, outputs, projects, reviews, versions, webhooks

DESCRIPTION = """\
The ERD Designer API. Authenticate with a personal token (create one on /settings/tokens/ or
with `manage.py api_token`) sent as `Authorization: Bearer <token>`, or with the browser
session (writes then need the `X-CSRFToken` header). Reads answer with an `ETag`; send it back
as `If-Match` on a write to have a stale write refused with 412 and the current state.
A write sent with an `Idempotency-Key` header (your random string, up to 255 characters) is
applied once: sending it again with the same key within 24 hours answers with the first
response (header `Idempotent-Replayed: true`) and writes nothing; the same key with a
different body is refused with 422 `idempotency_key_reused`.
Errors are JSON `{"error", "message", "field"?, "line"?}` with a 4xx status.
"""

api = NinjaAPI(
    title="ERD Designer API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionWithLimit()],
    docs=Swagger(settings={"persistAuthorization": False}),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_handlers(api)
idempotency.install(api)
for module in (projects, design, versions, imports, outputs, reviews, webhooks):
    api.add_router("", module.router)


ERR_METHOD = "{method} is not allowed here; use {allowed}."


def _http(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """What HTTP adds around every route: a write with an Idempotency-Key runs once
    (``idempotency``); a read whose ETag the client already holds (If-None-Match) is
    answered 304 without a body; ninja's plain-text 405 becomes JSON."""

    @functools.wraps(view)  # keeps csrf_exempt and the other marks ninja set
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = idempotency.run_once(request, lambda: view(request, *args, **kwargs))
        held = {
            t.strip().removeprefix("W/")
            for t in request.headers.get("If-None-Match", "").split(",")
        }
        etag = response.get("ETag")
        if (
            request.method == "GET"
            and response.status_code == 200
            and etag
            and (etag in held or "*" in held)
        ):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        message = ERR_METHOD.format(method=request.method, allowed=allowed)
        answer = JsonResponse(error_body("method_not_allowed", message), status=405)
        answer["Allow"] = allowed
        return answer

    return wrapper


def _public(patterns: list[Any]) -> list[Any]:
    """The API authenticates on its own (token or session): the site-wide login redirect must
    not answer its calls with an HTML login page."""
    for p in patterns:
        if isinstance(p, URLResolver):
            _public(p.url_patterns)
        elif isinstance(p, URLPattern):
            p.callback = login_not_required(_http(p.callback))
    return patterns


def no_such_route(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 like every other refusal."""
    return JsonResponse(error_body("not_found", ERR_NOT_FOUND), status=404)


def urls() -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = api.urls
    fallback = re_path(r"^(?P<rest>.*)$", no_such_route, name="no-such-route")
    return _public([*patterns, fallback]), app_name, namespace
