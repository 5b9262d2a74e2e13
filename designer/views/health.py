"""Health and readiness for load balancers and orchestrators (no login, no user data).

``/healthz``: every part the app leans on answers (database, cache, task broker, Graphviz's
``dot``): 200 when all do, else 503, with each check's result and time. ``/readyz``: this
process can take traffic (database reachable, no migration pending): 200 or 503.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

CHECK_TIMEOUT_SECONDS = 3


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connections[DEFAULT_DB_ALIAS].vendor


def _cache() -> str:
    key = f"erd:health:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("a value written to the cache could not be read back")
    cache.delete(key)
    return caches["default"].__class__.__name__


def _broker() -> str:
    url = settings.ERD_TASK_BROKER
    if not url:
        return "in-process (no broker configured)"
    from kombu import Connection

    with Connection(url, connect_timeout=CHECK_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
    return "reachable"


def _dot() -> str:
    binary = shutil.which("dot")
    if binary is None:
        raise RuntimeError("Graphviz's dot was not found")
    out = subprocess.run(
        [binary, "-V"], capture_output=True, text=True, timeout=CHECK_TIMEOUT_SECONDS, check=True
    )
    return (out.stderr or out.stdout).strip()


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "dot": _dot,
}


def _run(check: Callable[[], str]) -> dict[str, object]:
    started = time.perf_counter()
    try:
        detail, ok = check(), True
    except Exception as exc:  # a health check reports failures, it never raises them
        detail, ok = f"{type(exc).__name__}: {str(exc)[:200]}", False
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = {name: _run(check) for name, check in CHECKS.items()}
    healthy = all(r["ok"] for r in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503
    )


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return JsonResponse({"ready": False, "reason": type(exc).__name__}, status=503)
    if pending:
        return JsonResponse(
            {"ready": False, "reason": f"{len(pending)} migrations not applied"}, status=503
        )
    return JsonResponse({"ready": True})
