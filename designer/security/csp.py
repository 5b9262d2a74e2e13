"""Content-Security-Policy on every response: scripts, styles and everything else from this
origin only; no inline script or style, no eval, no plugins, no framing, forms post here.

The pages are built for it: no inline handlers or style attributes (static/js/app.js applies
what they did), page styles in static/css/pages/, htmx configured with allowEval,
allowScriptTags and includeIndicatorStyles off (templates/base.html). ``data:`` images are
allowed for the empty favicon.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
