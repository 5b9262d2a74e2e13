"""The owner's webhooks page: add a URL to notify (the signing secret is shown once), remove."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods, require_POST

from designer.views.common import HtmxHttpRequest
from projects.access import ProjectAccess, project_access
from projects.forms import WebhookForm
from projects.models import Role, Webhook, WebhookEvent
from projects.services import ProjectError, webhook_create, webhook_delete
from projects.views.projects import page

WEBHOOKS = "projects/webhooks.html"


def _context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {
        "access": access,
        "project": access.project,
        "webhooks": Webhook.objects.filter(project=access.project),
        "events": WebhookEvent.choices,
        "chosen": list(WebhookEvent.values),
        "page_title": "Webhooks",
        **extra,
    }


@require_http_methods(["GET", "POST"])
def webhooks(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the project's webhooks. POST: a new one, whose secret this answer shows once."""
    access = project_access(request.user, slug, Role.OWNER)
    if request.method == "GET":
        return page(request, WEBHOOKS, "webhooks", _context(access))
    values = WebhookForm(request.POST).read()
    try:
        hook, secret = webhook_create(
            project=access.project,
            url=values["url"] or "",
            events=values["events"] or [],
            actor=request.user,
        )
    except ProjectError as exc:
        error = {"field": exc.field, "message": exc.message}
        context = _context(access, error=error, values=request.POST)
        context["chosen"] = values["events"] or []
        return page(request, WEBHOOKS, "webhooks", context, status=422)
    return page(request, WEBHOOKS, "webhooks", _context(access, created=hook, secret=secret))


@require_POST
def webhook_remove(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.OWNER)
    webhook_delete(
        webhook=get_object_or_404(Webhook, project=access.project, pk=pk), actor=request.user
    )
    return page(request, WEBHOOKS, "webhooks", _context(access))
