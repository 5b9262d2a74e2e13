"""Pushed updates: what changed in a project, and who is in it, sent to every open editor.

``publish(project_id, event)`` after a commit; ``subscribe(project_id)`` (async) yields them.
With ``REDIS_URL`` the channel is Redis pub/sub (``erd:project:<id>``), so an edit served by
one app process reaches editors connected to any other; presence is a Redis hash per project.
Without Redis both live in this process (one server process: the embedded set-up).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings

from designer.locks import redis_client

logger = logging.getLogger(__name__)

# Presence entries not refreshed for this long are gone (a connection refreshes its own on
# every keep-alive, and a closed one removes it at once).
PRESENCE_SECONDS = 40
KEEPALIVE_SECONDS = 15


def _channel(project_id: int) -> str:
    return f"erd:project:{project_id}"


def _presence_key(project_id: int) -> str:
    return f"erd:presence:{project_id}"


# -- in-process hub (no Redis) ---------------------------------------------------------------


class _LocalHub:
    """Subscribers of this process: each an asyncio queue and the loop it belongs to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]]] = {}
        self.presence: dict[int, dict[str, str]] = {}

    def add(
        self, project_id: int, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]
    ) -> None:
        with self._lock:
            self._subscribers.setdefault(project_id, set()).add((loop, queue))

    def remove(
        self, project_id: int, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]
    ) -> None:
        with self._lock:
            self._subscribers.get(project_id, set()).discard((loop, queue))

    def publish(self, project_id: int, message: str) -> None:
        with self._lock:
            targets = list(self._subscribers.get(project_id, ()))
        for loop, queue in targets:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, message)
            except RuntimeError:  # that loop is closed: its subscriber is gone
                self.remove(project_id, loop, queue)


_hub = _LocalHub()


def _redis() -> Any | None:
    url = getattr(settings, "REDIS_URL", "")
    return redis_client(url) if url else None


def publish(project_id: int, event: dict[str, Any]) -> None:
    """Send ``event`` (JSON) to every subscriber of the project, in every process. Never
    raises: pushed updates are a convenience, polling still finds the change."""
    message = json.dumps(event)
    client = _redis()
    if client is None:
        _hub.publish(project_id, message)
        return
    try:
        client.publish(_channel(project_id), message)
    except Exception:
        logger.warning("could not publish a project event", exc_info=True)


async def subscribe(
    project_id: int, *, keepalive: float = KEEPALIVE_SECONDS
) -> AsyncIterator[dict[str, Any] | None]:
    """The project's events as they come; ``None`` after ``keepalive`` seconds of silence."""
    url = getattr(settings, "REDIS_URL", "")
    if url:
        async for event in _subscribe_redis(url, project_id, keepalive):
            yield event
        return
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()
    _hub.add(project_id, loop, queue)
    try:
        while True:
            try:
                message = await asyncio.wait_for(queue.get(), keepalive)
            except TimeoutError:
                yield None
                continue
            yield json.loads(message)
    finally:
        _hub.remove(project_id, loop, queue)


async def _subscribe_redis(
    url: str, project_id: int, keepalive: float
) -> AsyncIterator[dict[str, Any] | None]:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(url, socket_connect_timeout=2)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(_channel(project_id))
        while True:
            message = await pubsub.get_message(timeout=keepalive)
            if message is None:
                yield None
            elif message.get("type") == "message":
                yield json.loads(message["data"])
    finally:
        try:
            await pubsub.unsubscribe()
            await pubsub.aclose()
            await client.aclose()
        except Exception:  # closing after a lost connection: nothing to tidy
            pass


# -- presence ---------------------------------------------------------------------------------


def presence_set(project_id: int, connection: str, user: str, table: str = "") -> None:
    """Record that ``connection`` (one open editor of ``user``) is here, editing ``table``."""
    entry = json.dumps({"user": user, "table": table, "seen": time.time()})
    client = _redis()
    if client is None:
        _hub.presence.setdefault(project_id, {})[connection] = entry
        return
    key = _presence_key(project_id)
    client.hset(key, connection, entry)
    client.expire(key, PRESENCE_SECONDS * 3)


def presence_remove(project_id: int, connection: str) -> None:
    client = _redis()
    if client is None:
        _hub.presence.get(project_id, {}).pop(connection, None)
        return
    client.hdel(_presence_key(project_id), connection)


def presence_entries(project_id: int) -> list[dict[str, Any]]:
    """Every open editor of the project seen lately: connection, user, table, seen."""
    client = _redis()
    if client is None:
        raw = dict(_hub.presence.get(project_id, {}))
    else:
        raw = {k.decode(): v.decode() for k, v in client.hgetall(_presence_key(project_id)).items()}
    now = time.time()
    entries = []
    for connection, value in raw.items():
        entry = json.loads(value)
        if now - entry["seen"] <= PRESENCE_SECONDS:
            entries.append({"connection": connection, **entry})
    return entries


def presence_list(project_id: int) -> list[dict[str, str]]:
    """Who is in the project now: one entry per user (the table they edit, if any, from
    their latest report), sorted by name."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in presence_entries(project_id):
        known = latest.get(entry["user"])
        if known is None or (entry["table"] and entry["seen"] >= known["seen"]):
            latest[entry["user"]] = entry
    return [{"user": u, "table": latest[u]["table"]} for u in sorted(latest)]


def presence_changed(project_id: int) -> None:
    publish(project_id, {"type": "presence", "viewers": presence_list(project_id)})
