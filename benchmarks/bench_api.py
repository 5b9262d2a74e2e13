"""The JSON API's cost over the work it wraps, on a 1,000-table design (300 with ``--quick``).

    .venv/bin/python benchmarks/bench_api.py [--quick]

Each API call (a real request through the Django test client: token authentication, rate
limit, role check, ETag, JSON) is timed beside its baseline measured in the same run, the
selector or service the route calls. Target: the API adds at most 50 % (ratio < 1.5) to reads
and to a PUT of the whole design. Median of several runs; benchmarks report and exit 0.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ["ERD_VAR_DIR"] = tempfile.mkdtemp(prefix="erd-bench-api-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
os.environ["ERD_API_RATE_LIMIT"] = "1000000"
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from _gen import generate_schema  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from designer.migrate import diff, plan, up_sql  # noqa: E402
from designer.schema.serialize import schema_from_json, schema_to_json  # noqa: E402
from designer.selectors.advisor import project_findings  # noqa: E402
from designer.selectors.design import project_schema  # noqa: E402
from designer.services.schema import design_merge, schema_replace  # noqa: E402
from designer.services.versions import snapshot_create, version_schema  # noqa: E402
from projects.services import api_token_create, project_create  # noqa: E402

RATIO = 1.5
RUNS = 5
results: list[bool] = []


def median_ms(fn: Callable[[], object], runs: int = RUNS) -> float:
    fn()  # warm: the first call of either side pays for imports and cold caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def compare(what: str, api_ms: float, base_ms: float) -> None:
    ratio = api_ms / base_ms if base_ms else float("inf")
    ok = ratio < RATIO
    results.append(ok)
    print(
        f"  {'PASS' if ok else 'FAIL'}  {what}: API {api_ms:.0f} ms, baseline {base_ms:.0f} ms, "
        f"ratio {ratio:.2f} (target < {RATIO})",
        flush=True,
    )


def main(argv: list[str]) -> int:
    n = 300 if "--quick" in argv else 1000
    print(f"JSON API overhead on a {n}-table design (Django test client, in-process)")
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench")
    project = project_create(owner=user, name="Bench")
    schema_replace(project=project, schema=generate_schema(n))
    snapshot_create(project=project, name="v1")
    _, secret = api_token_create(user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    base = f"/api/v1/projects/{project.slug}"

    def call(method: str, path: str, body: object = None) -> object:
        send = getattr(client, method)
        if body is None:
            response = send(base + path)
        else:
            response = send(base + path, json.dumps(body), content_type="application/json")
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.content[:200]}")
        return response

    call("get", "/design")  # warm-up: code paths and caches of the process
    document = json.loads(call("get", "/design").content)
    compare(
        "GET design",
        median_ms(lambda: call("get", "/design")),
        median_ms(lambda: schema_to_json(project_schema(project))),
    )
    compare(
        "GET lint",
        median_ms(lambda: call("get", "/lint")),
        median_ms(lambda: project_findings(project)),
    )
    compare(
        "GET plan v1 → working (SQL)",
        median_ms(lambda: call("get", "/plan?from=v1&to=working")),
        median_ms(
            lambda: up_sql(
                plan(
                    diff(version_schema(project, "v1"), project_schema(project)),
                    allow_destructive=False,
                )
            )
        ),
    )
    text = json.dumps(document)
    compare(
        "PUT design (unchanged, merge)",
        median_ms(lambda: call("put", "/design", document), runs=3),
        median_ms(lambda: design_merge(project=project, schema=schema_from_json(text)), runs=3),
    )
    failed = results.count(False)
    print(f"\n{len(results) - failed} PASS, {failed} FAIL")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
