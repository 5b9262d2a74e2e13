"""Locks that hold across processes: one render (one job) per key, whatever the number of workers.

With ``REDIS_URL`` a lock is a Redis key set with ``SET NX PX`` (atomic, shared by every host,
expiring after ``ttl`` seconds so a crashed holder cannot keep it) and released only by its
holder (compare-and-delete in one Lua script). Without Redis it is an ``flock`` on a file under
``ERD_VAR_DIR/locks``: atomic between the processes and threads of one host, and released by
the kernel when its holder dies, which is all the embedded set-up (one host) needs.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


@cache
def redis_client(url: str) -> Any:
    """One connection pool per process and URL (redis-py clients are thread-safe)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


class Lock:
    """A held lock; ``release()`` is safe to call twice and never frees someone else's."""

    def __init__(self, name: str, release: Any) -> None:
        self.name = name
        self._release = release

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


def acquire(name: str, *, ttl: float) -> Lock | None:
    """Take the lock ``name`` for at most ``ttl`` seconds, without waiting; None when held."""
    url = getattr(settings, "REDIS_URL", "")
    if url:
        return _acquire_redis(redis_client(url), name, ttl)
    return _acquire_file(name)


def _acquire_redis(client: Any, name: str, ttl: float) -> Lock | None:
    key = f"erd:lock:{name}"
    token = secrets.token_hex(16)
    if not client.set(key, token, nx=True, px=max(1, int(ttl * 1000))):
        return None
    return Lock(name, lambda: client.eval(_RELEASE, 1, key, token))


def _lock_dir() -> Path:
    path = Path(settings.VAR_DIR) / "locks"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _acquire_file(name: str) -> Lock | None:
    path = _lock_dir() / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        # each open() is its own open file description, so threads of one process exclude
        # each other too
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None

    def release() -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    return Lock(name, release)


@contextmanager
def held(name: str, *, ttl: float) -> Iterator[bool]:
    """``with held(name, ttl=...) as mine:`` runs the block with ``mine`` True when this
    caller got the lock (and releases it after), False when someone else holds it."""
    lock = acquire(name, ttl=ttl)
    try:
        yield lock is not None
    finally:
        if lock is not None:
            lock.release()


def wait_for(name: str, *, ttl: float, timeout: float, poll: float = 0.05) -> Lock | None:
    """``acquire`` retried until ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        lock = acquire(name, ttl=ttl)
        if lock is not None or time.monotonic() >= deadline:
            return lock
        time.sleep(poll)
