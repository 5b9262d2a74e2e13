"""Locks hold across processes: Redis ``SET NX PX`` with REDIS_URL, an flock without it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from designer import locks

ROOT = Path(__file__).resolve().parents[3]

# A second process takes the lock, says so, holds it for a while, and exits.
HOLDER = """
import sys, time, django
django.setup()
from designer import locks
lock = locks.acquire(sys.argv[1], ttl=30)
print("held" if lock else "busy", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _holder(name: str, seconds: float, env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, name, str(seconds)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings", "DEBUG": "true", **env},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def _exclusive_across_processes(name: str, env: dict[str, str]) -> None:
    holder = _holder(name, 30, env)
    try:
        assert locks.acquire(name, ttl=30) is None
    finally:
        holder.kill()  # a holder that dies without releasing
        holder.wait()
    # an flock goes with its process; a Redis lock would wait for its ttl, so the Redis
    # holder below is given a short one instead
    lock = locks.wait_for(name, ttl=30, timeout=35)
    assert lock is not None
    lock.release()


def test_file_lock_excludes_another_process_and_dies_with_it(settings, tmp_path):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    _exclusive_across_processes(
        f"t-{uuid.uuid4().hex}", {"ERD_VAR_DIR": str(tmp_path), "REDIS_URL": ""}
    )


def test_redis_lock_excludes_another_process(with_redis, settings, redis_url):
    name = f"t-{uuid.uuid4().hex}"
    holder = _holder(name, 2, {"REDIS_URL": redis_url})
    try:
        assert locks.acquire(name, ttl=30) is None
        holder.wait(timeout=10)
    finally:
        holder.kill()
    # the holder exited without releasing: the lock expires after its ttl (30 s), so it is
    # still held now ...
    assert locks.acquire(name, ttl=1) is None
    # ... and a lock with a short ttl frees itself
    short = f"t-{uuid.uuid4().hex}"
    assert locks.acquire(short, ttl=0.2) is not None
    time.sleep(0.3)
    assert locks.acquire(short, ttl=1) is not None


@pytest.mark.parametrize("backend", ["file", "redis"])
def test_release_frees_only_the_holders_lock(backend, settings, tmp_path, request):
    if backend == "redis":
        request.getfixturevalue("with_redis")
    else:
        settings.REDIS_URL = ""
        settings.VAR_DIR = tmp_path
    name = f"t-{uuid.uuid4().hex}"
    first = locks.acquire(name, ttl=0.2 if backend == "redis" else 30)
    assert first is not None
    assert locks.acquire(name, ttl=30) is None  # the same process, another caller
    if backend == "redis":
        time.sleep(0.3)  # first's ttl ran out: someone else may take it ...
        second = locks.acquire(name, ttl=30)
        assert second is not None
        first.release()  # ... and first's late release leaves second's lock alone
        assert locks.acquire(name, ttl=30) is None
        second.release()
    else:
        first.release()
        first.release()  # twice is harmless
    with locks.held(name, ttl=30) as mine:
        assert mine
        with locks.held(name, ttl=30) as again:
            assert not again
