"""Webhooks: a project tells a URL when a version is created or a review approved.

Deliveries leave after the transaction that caused them commits, on a background thread, so
an edit never waits for a receiver. Each is a JSON POST signed with HMAC-SHA256 over the body
(``X-ERD-Signature: sha256=<hex>``, keyed by the webhook's secret) and tried at most
``ERD_WEBHOOK_ATTEMPTS`` times with a ``ERD_WEBHOOK_TIMEOUT_SECONDS`` timeout and a doubling
pause between tries; the last outcome is kept on the webhook. URLs must be http(s); hosts that
resolve to loopback, private, link-local or reserved addresses are refused unless listed in
``ERD_WEBHOOK_ALLOW`` (the server must not become a way into its own network).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from projects.models import Project, Webhook

logger = logging.getLogger(__name__)
ERR_SCHEME = "A webhook URL must start with http:// or https://."
ERR_HOST = "This server may not send webhooks to {host} (a local or private address; see ERD_WEBHOOK_ALLOW)."
ERR_UNKNOWN_HOST = "The host {host} is unknown."


class WebhookError(ValueError):
    pass


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_url(url: str) -> None:
    """WebhookError unless ``url`` is http(s) to a host this server may reach."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(ERR_SCHEME)
    host = parts.hostname
    if host in settings.ERD_WEBHOOK_ALLOW:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise WebhookError(ERR_UNKNOWN_HOST.format(host=host)) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise WebhookError(ERR_HOST.format(host=host))


def emit(project: Project, event: str, data: dict[str, Any]) -> None:
    """Send ``event`` to the project's webhooks that want it, once the transaction commits."""
    hooks = [h for h in Webhook.objects.filter(project=project) if event in h.events]
    if not hooks:
        return
    payload = {"event": event, "project": project.slug, "data": data}

    def start() -> None:
        for hook in hooks:
            threading.Thread(
                target=_deliver_and_close, args=(hook.pk, payload), daemon=True
            ).start()

    transaction.on_commit(start)


def _deliver_and_close(webhook_id: int, payload: dict[str, Any]) -> None:
    try:
        deliver(webhook_id, payload)
    except Exception:  # a thread's failure must be logged, not lost
        logger.exception("webhook %s delivery failed", webhook_id)
    finally:
        connection.close()  # this thread's own database connection


def deliver(webhook_id: int, payload: dict[str, Any]) -> str:
    """POST ``payload`` to the webhook, retrying a bounded number of times; returns the outcome
    (an HTTP status, or what failed), which is also recorded on the webhook."""
    hook = Webhook.objects.filter(pk=webhook_id).first()
    if hook is None:
        return "deleted"
    body = json.dumps(
        {**payload, "delivery": uuid.uuid4().hex, "sent_at": timezone.now().isoformat()},
        ensure_ascii=False,
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ERD-Designer-Webhook",
        "X-ERD-Event": payload["event"],
        "X-ERD-Signature": sign(hook.secret, body),
    }
    outcome, pause = "not sent", settings.ERD_WEBHOOK_RETRY_PAUSE_SECONDS
    for attempt in range(settings.ERD_WEBHOOK_ATTEMPTS):
        if attempt:
            time.sleep(pause * 2 ** (attempt - 1))
        try:
            check_url(hook.url)  # again now: the name may resolve elsewhere than when saved
            request = urllib.request.Request(hook.url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(
                request, timeout=settings.ERD_WEBHOOK_TIMEOUT_SECONDS
            ) as response:
                outcome = str(response.status)
            break
        except WebhookError as exc:
            outcome = str(exc)
            break  # a refused host does not become reachable by retrying
        except urllib.error.HTTPError as exc:
            outcome = str(exc.code)
            if exc.code < 500:
                break  # the receiver refused the message itself; retrying will not help
        except (urllib.error.URLError, OSError) as exc:
            outcome = f"failed: {getattr(exc, 'reason', exc)}"[:200]
    Webhook.objects.filter(pk=hook.pk).update(
        last_delivery_at=timezone.now(), last_status=outcome[:200]
    )
    logger.info("webhook %s %s: %s", hook.pk, payload["event"], outcome)
    return outcome
