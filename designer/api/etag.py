"""ETags on reads, If-Match on writes.

The ETag of a resource is a hash of its JSON representation, so it changes exactly when what
the client saw changes. A write may send ``If-Match`` with the ETag it read; when the resource
has changed since, the write is refused with 412 and the current state (``current``), and
nothing is written. Without ``If-Match`` the write goes ahead (last writer wins), as a
``curl`` in a pipeline expects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from designer.api.errors import ApiError
from designer.api.payloads import design_json
from designer.selectors.design import project_schema
from projects.models import Project

ERR_STALE = (
    "The {what} changed since you read it (If-Match {sent}, now {current}). "
    "Nothing was written; “current” holds the state to start again from."
)


def etag_of(payload: Any) -> str:
    """The ETag of a payload, or of a JSON text already written (a whole design is hashed as
    written once, not serialised again)."""
    if isinstance(payload, str):
        text = payload
    else:
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def tag(response: HttpResponse, payload: Any) -> Any:
    """Set the ETag of ``payload`` on the (temporal) response; returns the payload."""
    response["ETag"] = etag_of(payload)
    return payload


def guard(request: HttpRequest, current: Any | Callable[[], Any], what: str) -> None:
    """Refuse the write with 412 when If-Match names another state than ``current`` (a dict,
    or a function computing it only when If-Match was sent)."""
    sent = request.headers.get("If-Match")
    if not sent or sent.strip() == "*":
        return
    if callable(current):
        current = current()
    now = etag_of(current)
    wanted = {t.strip().removeprefix("W/") for t in sent.split(",")}
    if now not in wanted:
        raise ApiError(
            412,
            "stale",
            ERR_STALE.format(what=what, sent=sent.strip(), current=now),
            # a collection is sent back as {"items": [...]}: "current" is always an object
            current=current if isinstance(current, dict) else {"items": current},
        )


def guard_design(request: HttpRequest, project: Project) -> None:
    """Lock the project row for the rest of the transaction, then ``guard`` the design: a
    write that checks the design must not race another write between check and change."""
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    sent = request.headers.get("If-Match")
    if not sent or sent.strip() == "*":
        return
    text = design_json(project_schema(project))
    if etag_of(text) not in {t.strip().removeprefix("W/") for t in sent.split(",")}:
        message = ERR_STALE.format(what="design", sent=sent.strip(), current=etag_of(text))
        raise ApiError(412, "stale", message, current=json.loads(text))


def json_answer(text: str, status: int = 200) -> HttpResponse:
    """A JSON text written once, answered as is with its ETag."""
    response = HttpResponse(text, status=status, content_type="application/json; charset=utf-8")
    response["ETag"] = etag_of(text)
    return response
