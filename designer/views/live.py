"""Pushed updates for open editors: a Server-Sent Events stream and presence reports.

``/p/<slug>/events/`` streams the project's events (``designer.events``) to an editor: a new
revision (with ``by_you`` for this user) and who is here. It needs an ASGI server
(``make run-prod``: uvicorn); under WSGI (``runserver``) it answers 204, which tells the
browser's EventSource to stop, and the editor polls ``revision/`` instead.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_POST

from designer import events
from designer.models import DesignTable
from projects.access import project_access
from projects.models import Role

# A stream ends after this long and the browser reconnects (frees workers being replaced).
STREAM_SECONDS = 600
_CONNECTION = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def _connection_id(value: str) -> str | None:
    return value if _CONNECTION.match(value or "") else None


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _open_stream(user: Any, slug: str, connection: str) -> tuple[int, int, str]:
    access = project_access(user, slug, Role.VIEWER)
    project = access.project
    events.presence_set(project.pk, connection, user.get_username())
    events.presence_changed(project.pk)
    # the stream holds no database connection while it waits
    close_old_connections()
    return project.pk, project.revision, user.get_username()


async def _stream(
    project_id: int, revision: int, user_id: int, connection: str, username: str
) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    yield _sse("hello", {"revision": revision, "viewers": events.presence_list(project_id)})
    ends = time.monotonic() + STREAM_SECONDS
    try:
        async for event in events.subscribe(project_id):
            if time.monotonic() > ends:
                return
            if event is None:
                await sync_to_async(events.presence_set, thread_sensitive=False)(
                    project_id, connection, username, _table_of(project_id, connection)
                )
                yield ": keep-alive\n\n"
            elif event.get("type") == "revision":
                yield _sse("revision", {**event, "by_you": event.get("actor_id") == user_id})
            else:
                yield _sse(str(event.get("type", "message")), event)
    finally:
        await sync_to_async(_leave, thread_sensitive=False)(project_id, connection)


def _table_of(project_id: int, connection: str) -> str:
    for entry in events.presence_entries(project_id):
        if entry["connection"] == connection:
            return entry["table"]
    return ""


def _leave(project_id: int, connection: str) -> None:
    events.presence_remove(project_id, connection)
    events.presence_changed(project_id)


@require_GET
async def events_stream(request: HttpRequest, slug: str) -> HttpResponse:
    user = await request.auser()
    # the role first, whatever the server: a stranger learns nothing, not even "no stream"
    await sync_to_async(project_access)(user, slug, Role.VIEWER)
    if not isinstance(request, ASGIRequest):
        return HttpResponse(status=204)  # no streaming under WSGI: the editor polls instead
    connection = _connection_id(request.GET.get("c", ""))
    if connection is None:
        return HttpResponse("Missing connection id.", status=400)
    project_id, revision, username = await sync_to_async(_open_stream)(user, slug, connection)
    response = StreamingHttpResponse(
        _stream(project_id, revision, user.pk, connection, username),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # proxies must not hold the stream back
    return response


@require_POST
def presence(request: HttpRequest, slug: str) -> HttpResponse:
    """An open editor says which table it edits now (or none); everyone else hears of it."""
    access = project_access(request.user, slug, Role.VIEWER)
    connection = _connection_id(request.POST.get("connection", ""))
    if connection is None:
        return HttpResponse("Missing connection id.", status=400)
    uid = request.POST.get("table", "")
    name = ""
    if uid:
        table = (
            DesignTable.objects.filter(project=access.project, uid=uid)
            .values("schema_name", "name")
            .first()
        )
        if table is not None:
            name = (
                table["name"]
                if table["schema_name"] == "public"
                else (f"{table['schema_name']}.{table['name']}")
            )
    events.presence_set(access.project.pk, connection, request.user.get_username(), name)
    events.presence_changed(access.project.pk)
    return HttpResponse(status=204)
