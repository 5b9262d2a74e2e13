"""Idempotency keys and big imports on the task queue: what each costs the user.

1. A browser edit (adding a CHECK through the view, as htmx posts it) with an
   Idempotency-Key against the same edit without one, interleaved; and the replay of a
   retried one. Target: the key adds under 20 ms; a replay is faster than the edit.
2. Confirming a big import: the request that applies it inline against the request that
   hands it to a job (the thread of ``make run``), and the time until the job is done.
   Target: the confirming request answers in under 500 ms whatever the script's size.
Run: .venv/bin/python benchmarks/bench_jobs.py [--quick]
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time

os.environ["ERD_VAR_DIR"] = tempfile.mkdtemp(prefix="erd-bench-jobs-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.pop("DATABASE_URL", None)
os.environ["ERD_TASK_BROKER"] = ""
os.environ["REDIS_URL"] = ""

import django

django.setup()

from _gen import generate_schema  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from designer.models import DesignTable, Job  # noqa: E402
from designer.services.schema import schema_replace  # noqa: E402
from designer.sql.export_postgres import export_postgres  # noqa: E402
from projects.services import project_create  # noqa: E402

KEY_OVERHEAD_MS = 20
CONFIRM_MS = 500
HX = {"HTTP_HX_REQUEST": "true"}


def ms(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000, out


def bench_keys(client: Client, user, sizes: tuple[int, ...], reps: int) -> int:
    failed = 0
    print("Idempotency-Key on a browser edit (add a CHECK), medians")
    for n in sizes:
        project = project_create(owner=user, name=f"Keys {n}")
        schema_replace(project=project, schema=generate_schema(n))
        table = DesignTable.objects.filter(project=project).order_by("id").first()
        assert table is not None
        url = f"/p/{project.slug}/tables/{table.uid}/checks/"
        bare, keyed, replay = [], [], []

        def add(expression: str, key: str | None = None, url: str = url) -> None:
            extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
            client.post(url, {"expression": expression}, **HX, **extra)

        for i in range(reps):  # interleaved, so load on the machine hits all alike
            bare.append(ms(lambda i=i: add(f"id > {i}"))[0])
            keyed.append(ms(lambda i=i, n=n: add(f"id < {i}", f"k{n}-{i}"))[0])
            replay.append(ms(lambda i=i, n=n: add(f"id < {i}", f"k{n}-{i}"))[0])
        b, k, r = statistics.median(bare), statistics.median(keyed), statistics.median(replay)
        ok = k - b < KEY_OVERHEAD_MS and r < k
        failed += not ok
        print(
            f"  {'PASS' if ok else 'FAIL'}  {n:>5} tables: {b:.1f} ms bare, {k:.1f} ms with a key "
            f"(+{k - b:.1f} ms, ratio {k / b:.2f}; < +{KEY_OVERHEAD_MS} ms), replay {r:.1f} ms"
        )
    return failed


def bench_import(client: Client, n: int) -> int:
    sql = export_postgres(generate_schema(n)).text
    print(f"Confirming an import of {n:,} tables ({len(sql.encode()):,} bytes)")
    results = {}
    for mode, threshold in (("inline", 10**9), ("job", 100 * 1024)):
        settings.ERD_IMPORT_INLINE_BYTES = threshold
        html = client.post("/import/", {"text": sql, "format": "auto"}, **HX).content.decode()
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        data = {"token": token, "name": f"Import {mode}"}
        request_ms, response = ms(lambda d=data: client.post("/import/confirm/", d, **HX))
        done_ms = request_ms
        if mode == "job":
            start = time.perf_counter() - request_ms / 1000
            job = Job.objects.order_by("-created_at").first()
            assert job is not None, response.status_code
            while job is not None and not job.finished:
                time.sleep(0.05)
                job.refresh_from_db()
            done_ms = (time.perf_counter() - start) * 1000
            assert job is not None and job.state == "done", job and job.error
        else:
            assert response.status_code == 204, response.status_code
        results[mode] = (request_ms, done_ms)
    (inline, _), (job_request, job_done) = results["inline"], results["job"]
    ok = job_request < CONFIRM_MS
    print(
        f"  {'PASS' if ok else 'FAIL'}  request {inline:.0f} ms inline, {job_request:.0f} ms "
        f"with a job (< {CONFIRM_MS} ms); the job done after {job_done:.0f} ms "
        f"(ratio to inline {job_done / inline:.2f})"
    )
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="pw-long-enough-1")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    failed = bench_keys(client, user, (100,) if quick else (100, 1000), 9 if quick else 25)
    failed += bench_import(client, 300 if quick else 1000)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
