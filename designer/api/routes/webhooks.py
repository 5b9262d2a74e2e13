"""Webhooks of a project (owners): list, add (the signing secret is answered once), remove."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from designer.api.auth import api_access
from designer.api.errors import ErrorOut
from designer.api.etag import guard, tag
from projects.models import Role, Webhook, WebhookEvent
from projects.services import webhook_create, webhook_delete

router = Router(tags=["webhooks"])
ERR_NO_WEBHOOK = "No webhook {pk} in this project."


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    last_delivery_at: str | None
    last_status: str


class WebhookCreated(WebhookOut):
    secret: str = Field(description="the HMAC-SHA256 key of X-ERD-Signature; shown only now")


class WebhookIn(Schema):
    url: str
    events: list[str] = Field(
        default_factory=lambda: list(WebhookEvent.values),
        description="version.created and/or review.approved",
    )


def _payload(hook: Webhook) -> dict:
    return {
        "id": hook.pk,
        "url": hook.url,
        "events": list(hook.events),
        "last_delivery_at": hook.last_delivery_at.isoformat() if hook.last_delivery_at else None,
        "last_status": hook.last_status,
    }


def _list(project) -> list[dict]:
    return [_payload(h) for h in Webhook.objects.filter(project=project)]


@router.get("/projects/{slug}/webhooks", response={200: list[WebhookOut], codes_4xx: ErrorOut})
def webhook_list(request: HttpRequest, slug: str, response: HttpResponse):
    access = api_access(request, slug, Role.OWNER)
    return tag(response, _list(access.project))


@router.post("/projects/{slug}/webhooks", response={201: WebhookCreated, codes_4xx: ErrorOut})
def webhook_new(request: HttpRequest, slug: str, body: WebhookIn):
    """Notify ``url`` of the chosen events; payloads are signed with the secret answered here."""
    access = api_access(request, slug, Role.OWNER)
    guard(request, lambda: _list(access.project), "webhooks")
    hook, secret = webhook_create(
        project=access.project, url=body.url, events=body.events, actor=request.user
    )
    return Status(201, {**_payload(hook), "secret": secret})


@router.delete("/projects/{slug}/webhooks/{pk}", response={204: None, codes_4xx: ErrorOut})
def webhook_remove(request: HttpRequest, slug: str, pk: int):
    access = api_access(request, slug, Role.OWNER)
    hook = Webhook.objects.filter(project=access.project, pk=pk).first()
    if hook is None:
        raise Http404(ERR_NO_WEBHOOK.format(pk=pk))
    guard(request, _payload(hook), "webhook")
    webhook_delete(webhook=hook, actor=request.user)
    return Status(204, None)
