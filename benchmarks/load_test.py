"""Load and faults on the production set-up (``make bench-load``; not part of ``make bench``).

Set-up: two uvicorn app processes and one Celery worker, the app's data in the machine's
PostgreSQL (127.0.0.1:5432, database ``erd_bench_load``, dropped and made anew) and cache,
locks, pub/sub and broker in its Redis (127.0.0.1:6379, database 13, flushed). Designs of 20,
100, 250 and 500 tables. Load: USERS simulated users (asyncio + httpx, 127.0.0.1 only) for
SECONDS, each opening editors, adding columns followed by the editor's re-render, rendering
diagrams and exporting DDL, and waiting THINK seconds (uniform, default 2-6, like locust's
``between``) before each action, as a person reading the page does; ``--stress`` adds a run
without any wait (a flood: its latencies are queueing, not service). A user sends to "its" app process and fails over to the other
when that one does not answer (the load balancer's job). Report: throughput, p50/p95/p99
per request kind, errors, and lost updates (every column a user was told was saved must be
in the design and in the activity log). Then the fault run: the same load, with one app
process and the task worker killed (SIGKILL) a third of the way in and restarted at two
thirds; jobs queued meanwhile must finish.

    .venv/bin/python benchmarks/load_test.py [--quick] [--users N] [--seconds S]
        [--think MIN-MAX] [--stress]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = "erd_bench_load"
REDIS = "redis://127.0.0.1:6379/13"
TARGET_EDIT_P95_MS = 300  # edit + re-render, 100-table design

SETUP = r"""
import json, sys, django
django.setup()
sys.path.insert(0, "benchmarks")
from _gen import generate_schema
from django.contrib.auth import get_user_model
from django.test import Client
from designer.models import DesignTable
from designer.services.schema import schema_replace
from projects.models import Membership, Role
from projects.services import project_create
users, sizes = int(sys.argv[1]), [int(n) for n in sys.argv[2].split(",")]
User = get_user_model()
owner = User.objects.create_user("owner", password="pw-long-enough-1")
projects = []
for n in sizes:
    project = project_create(owner=owner, name=f"Load {n}")
    schema_replace(project=project, schema=generate_schema(n))
    uids = list(DesignTable.objects.filter(project=project).values_list("uid", flat=True)[:60])
    projects.append({"slug": project.slug, "tables": n, "uids": uids, "id": project.pk})
sessions = []
for i in range(users):
    user = User.objects.create_user(f"user{i:02d}", password="pw-long-enough-1")
    for p in projects:
        Membership.objects.create(project_id=p["id"], user=user, role=Role.EDITOR)
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
print(json.dumps({"projects": projects, "sessions": sessions}))
"""

ENQUEUE_PINGS = r"""
import json, sys, django
django.setup()
from designer import jobs
print(json.dumps([jobs.enqueue("designer.jobs.ping", seconds=0.1, tag=f"fault-{i}") for i in range(int(sys.argv[1]))]))
"""


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "designer.settings",
        # production settings: DEBUG off, so secure cookies; the client speaks like the TLS
        # proxy in front of the app would (X-Forwarded-Proto, see _Port)
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-load-" + "k" * 40,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "REDIS_URL": REDIS,
        "ERD_TASK_QUEUE": "erd-bench-load",
        "ERD_JOB_TIME_LIMIT_SECONDS": "30",  # a killed worker's job comes back after 90 s
        "ERD_VAR_DIR": str(ROOT / "var" / "bench-load"),
        "LOG_LEVEL": "ERROR",
        "ERD_LOG_FORMAT": "text",
    }


def prepare(users: int, sizes: list[int]) -> dict:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    e = env()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=e, check=True)
    # as scripts/run-prod.sh does: DEBUG off serves hashed static files from the manifest
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=e,
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-c", SETUP, str(users), ",".join(map(str, sizes))],
        cwd=ROOT,
        env=e,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Cluster:
    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.apps: dict[int, subprocess.Popen] = {}
        self.worker: subprocess.Popen | None = None

    def start_app(self, port: int) -> None:
        self.apps[port] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "designer.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "error",
            ],
            cwd=ROOT,
            env=env(),
        )

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "designer.worker",
                "worker",
                "-c",
                "1",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "error",
            ],
            cwd=ROOT,
            env=env(),
        )

    def wait_ready(self, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"app on {port} did not become ready")

    def pids(self) -> dict[str, int]:
        """The root process of each part (an app process by port, the worker)."""
        found = {str(port): proc.pid for port, proc in self.apps.items() if proc.poll() is None}
        if self.worker is not None and self.worker.poll() is None:
            found["worker"] = self.worker.pid
        return found

    def start(self) -> None:
        for port in self.ports:
            self.start_app(port)
        self.start_worker()
        for port in self.ports:
            self.wait_ready(port)

    def kill(self, proc: subprocess.Popen | None) -> None:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        for proc in [*self.apps.values(), self.worker]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [*self.apps.values(), self.worker]:
            if proc is not None:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _ticks(pid: int) -> tuple[int, int, str]:
    """(CPU ticks of ``pid`` and its waited-for children, its parent, its name)."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # after the name: state ppid ... utime(11) stime(12) cutime(13) cstime(14), 0-based
    return sum(int(v) for v in fields[11:15]), int(fields[1]), name


class CpuMeter:
    """Where the machine's CPU went during a run: each app process (with its dot children),
    the task worker (with its pool), PostgreSQL, Redis, this load client, and the rest."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.start = self._snapshot()

    def _snapshot(self) -> dict[str, int]:
        procs: dict[int, tuple[int, int, str]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):  # it ended
                    procs[int(entry)] = _ticks(int(entry))
        roots = {
            pid: part if part == "worker" else f"app :{part}"
            for part, pid in self.cluster.pids().items()
        }
        roots[os.getpid()] = "load client"
        groups: dict[str, int] = defaultdict(int)
        for pid, (ticks, _, name) in procs.items():
            group, at = None, pid
            for _ in range(20):  # walk up to a root of ours
                if at in roots:
                    group = roots[at]
                    break
                if at not in procs:
                    break
                at = procs[at][1]
            if group is None and name in ("postgres", "redis-server"):
                group = "PostgreSQL" if name == "postgres" else "Redis"
            if group is not None:
                groups[group] += ticks
        with open("/proc/stat") as f:
            cpu = [int(v) for v in f.readline().split()[1:]]
        groups["machine busy"] = sum(cpu) - cpu[3] - cpu[4]  # minus idle and iowait
        groups["machine total"] = sum(cpu)
        return groups

    def report(self) -> None:
        end = self._snapshot()
        spent = {k: end.get(k, 0) - self.start.get(k, 0) for k in end}
        total = max(1, spent.pop("machine total"))
        busy = spent.pop("machine busy")
        named = sum(v for v in spent.values() if v > 0)
        shares = ", ".join(
            f"{k} {100 * v / total:.0f}%"
            for k, v in sorted(spent.items(), key=lambda kv: -kv[1])
            if v > 0
        )
        print(
            f"CPU of both cores: busy {100 * busy / total:.0f}%: {shares}, "
            f"other {100 * max(0, busy - named) / total:.0f}%"
        )


class Stats:
    def __init__(self, tag: str) -> None:
        self.tag = tag  # column names of this run: unique across runs
        self.times: dict[str, list[float]] = defaultdict(list)
        # an edit's two requests apart: the save, and the re-render the editor asks for next
        self.parts: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.failovers = 0
        self.saved: list[tuple[str, str, str]] = []  # (slug, table uid, column) told saved

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 8:
            self.error_samples.append(f"{kind}: {what}")


class _Port:
    """The shared client aimed at one app process, as the TLS proxy in front of it would
    talk to it: the app runs with production settings (secure cookies, CSRF's origin check)."""

    def __init__(self, client: httpx.AsyncClient, port: int) -> None:
        self.client, self.port = client, port

    async def request(self, method: str, path: str, **kw) -> httpx.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{self.port}",
            **kw.pop("headers", {}),
        }
        r = await self.client.request(
            method, f"http://127.0.0.1:{self.port}{path}", headers=headers, **kw
        )
        # a browser sends secure cookies back over TLS; this client speaks plain http to
        # 127.0.0.1, so it carries them itself
        for name, value in r.cookies.items():
            self.client.cookies.set(name, value)
        return r


async def request(
    client_of, ports, stats: Stats, method: str, path: str, **kw
) -> httpx.Response | None:
    """Send to the user's own app process; on a connection failure, to the other one."""
    last = None
    for attempt, port in enumerate(ports):
        try:
            return await client_of(port).request(method, path, **kw)
        except httpx.TransportError as exc:
            last = exc
            if attempt == 0:
                stats.failovers += 1
    raise last  # type: ignore[misc]


async def user_loop(
    n: int,
    world: dict,
    session: str,
    ports: list[int],
    stats: Stats,
    until: float,
    rng: random.Random,
    think: tuple[float, float] = (0.0, 0.0),
) -> None:
    mine = ports[n % 2 :] + ports[: n % 2]
    # one client (one cookie jar: cookies do not care about ports) for both app processes
    client = httpx.AsyncClient(cookies={"sessionid": session}, timeout=httpx.Timeout(60, connect=2))

    def on(port: int) -> _Port:
        return _Port(client, port)

    token = ""
    counter = 0
    try:
        while time.monotonic() < until:
            # a person reads the page between two actions (locust's wait_time): the users
            # start staggered and the load is what 50 people make, not a flood
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))
                if time.monotonic() >= until:
                    break
            project = rng.choice(world["projects"])
            slug = project["slug"]
            kind = rng.choices(["editor", "edit", "render", "export"], [2, 4, 2, 2])[0]
            label = f"{kind} {project['tables']}"
            start = time.perf_counter()
            try:
                if kind == "editor" or not token:
                    r = await request(on, mine, stats, "GET", f"/p/{slug}/")
                    m = re.search(r'"X-CSRFToken": "([^"]+)"', r.text) if r is not None else None
                    if m:
                        token = m.group(1)
                    label = f"editor {project['tables']}"
                elif kind == "edit":
                    counter += 1
                    uid = rng.choice(project["uids"])
                    column = f"{stats.tag}{n:02d}_{counter}"
                    # like static/js/once.js: one key per add, the same on the fail-over retry
                    headers = {
                        "X-CSRFToken": token,
                        "HX-Request": "true",
                        "Idempotency-Key": uuid.uuid4().hex,
                    }
                    r = await request(
                        on,
                        mine,
                        stats,
                        "POST",
                        f"/p/{slug}/tables/{uid}/columns/",
                        data={"name": column, "data_type": "text"},
                        headers=headers,
                    )
                    if r is not None and r.status_code == 200:
                        stats.saved.append((slug, uid, column))
                        saved = time.perf_counter()
                        stats.parts[f"save {project['tables']}"].append((saved - start) * 1000)
                        r = await request(
                            on,
                            mine,
                            stats,
                            "GET",
                            f"/p/{slug}/diagram.svg",
                            headers={"HX-Request": "true"},
                        )
                        if r is not None and r.status_code == 200:
                            redrawn = (time.perf_counter() - saved) * 1000
                            stats.parts[f"redraw {project['tables']}"].append(redrawn)
                elif kind == "render":
                    r = await request(
                        on,
                        mine,
                        stats,
                        "GET",
                        f"/p/{slug}/diagram.svg",
                        params={"mode": rng.choice(["all", "keys", "names"])},
                    )
                else:
                    r = await request(
                        on, mine, stats, "GET", f"/p/{slug}/export/postgres/download/"
                    )
            except httpx.HTTPError as exc:
                stats.error(label, f"{type(exc).__name__} {str(exc)[:100]}")
                continue
            elapsed = (time.perf_counter() - start) * 1000
            if r is not None and r.status_code == 422:
                m = re.search(r'role="alert">([^<]*)<', r.text)
                stats.error(label, f"HTTP 422 {m.group(1) if m else ''}")
            elif r is None or r.status_code >= 400:
                stats.error(
                    label, f"HTTP {r.status_code if r else '-'} {r.text[:120] if r else ''}"
                )
            else:
                stats.times[label].append(elapsed)
    finally:
        await client.aclose()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def lost_updates(stats: Stats) -> tuple[int, int]:
    """Columns users were told were saved but the design lacks, or the activity log."""
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        present = set(
            conn.execute(
                "SELECT t.uid, c.name FROM designer_designcolumn c "
                "JOIN designer_designtable t ON t.id = c.table_id"
            ).fetchall()
        )
        logged = {
            row[0]
            for row in conn.execute(
                "SELECT object_name FROM projects_activity WHERE object_kind = 'column'"
            )
        }
    missing = sum(1 for _, uid, col in stats.saved if (uid, col) not in present)
    unlogged = sum(1 for _, _, col in stats.saved if not any(o.endswith(col) for o in logged))
    return missing, unlogged


def report(title: str, stats: Stats, seconds: float) -> dict:
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    print(
        f"\n== {title}: {total} requests ok in {seconds:.0f} s = {total / seconds:.1f} req/s; "
        f"errors {errors}; fail-overs {stats.failovers}"
    )
    print(f"{'kind':<14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label in sorted(stats.times, key=lambda k: (k.split()[0], int(k.split()[1]))):
        v = stats.times[label]
        print(f"{label:<14}{len(v):>6}{pct(v, 50):>9.0f}{pct(v, 95):>9.0f}{pct(v, 99):>9.0f}")
    for label in sorted(stats.parts, key=lambda k: (int(k.split()[1]), k.split()[0])):
        v = stats.parts[label]
        name = f"  {label}"
        print(f"{name:<14}{len(v):>6}{pct(v, 50):>9.0f}{pct(v, 95):>9.0f}{pct(v, 99):>9.0f}")
    for sample in stats.error_samples:
        print("  error:", sample)
    missing, unlogged = lost_updates(stats)
    print(
        f"saved columns {len(stats.saved)}; lost (not in the design) {missing}; "
        f"not in the activity log {unlogged}"
    )
    return {
        "requests": total,
        "errors": errors,
        "lost": missing + unlogged,
        "edit100_p95": pct(stats.times.get("edit 100", []), 95),
    }


async def run_load(
    world: dict,
    ports: list[int],
    users: int,
    seconds: float,
    fault=None,
    think: tuple[float, float] = (0.0, 0.0),
    tag: str = "s",
) -> Stats:
    stats = Stats(tag)
    until = time.monotonic() + seconds
    rng = random.Random(16)
    tasks = [
        asyncio.create_task(
            user_loop(
                i,
                world,
                world["sessions"][i],
                ports,
                stats,
                until,
                random.Random(rng.random()),
                think,
            )
        )
        for i in range(users)
    ]
    if fault is not None:
        tasks.append(asyncio.create_task(fault()))
    await asyncio.gather(*tasks)
    return stats


def job_states() -> dict[str, int]:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        return dict(
            conn.execute("SELECT state, count(*) FROM designer_job GROUP BY state").fetchall()
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10 users, 15 s, 20/100 tables")
    parser.add_argument("--users", type=int, help="simulated users (default 50; --quick 10)")
    parser.add_argument("--seconds", type=int, help="length of each run (default 60)")
    parser.add_argument(
        "--think",
        default="2-6",
        help="seconds a user waits between actions, MIN-MAX (default 2-6; 0 for none)",
    )
    parser.add_argument(
        "--stress", action="store_true", help="also a run with no think time (a flood)"
    )
    parser.add_argument(
        "--no-fault", action="store_true", help="the steady run only (e.g. to sweep --think)"
    )
    args = parser.parse_args()
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))
    users, seconds, sizes = (10, 15, [20, 100]) if args.quick else (50, 60, [20, 100, 250, 500])
    users, seconds = args.users or users, args.seconds or seconds
    print(
        f"set-up: {users} users, {seconds} s per run, designs of {sizes} tables, "
        f"think time {think[0]:g}-{think[1]:g} s"
    )
    world = prepare(users, sizes)
    ports = [18601, 18602]
    cluster = Cluster(ports)
    cluster.start()
    results = {}
    try:
        # warm-up: each design's editor and picture once (first renders are cold by design)
        for p in world["projects"]:
            httpx.get(
                f"http://127.0.0.1:{ports[0]}/p/{p['slug']}/",
                cookies={"sessionid": world["sessions"][0]},
                timeout=120,
            )
        t0 = time.monotonic()
        meter = CpuMeter(cluster)
        stats = asyncio.run(run_load(world, ports, users, seconds, think=think))
        results["steady"] = report("steady load", stats, time.monotonic() - t0)
        meter.report()
        if args.stress:
            t0 = time.monotonic()
            stats = asyncio.run(run_load(world, ports, users, seconds, tag="x"))
            results["stress"] = report("stress (no think time)", stats, time.monotonic() - t0)

        if args.no_fault:
            return _verdict(results["steady"], None)
        pings: list[str] = []

        async def fault() -> None:
            await asyncio.sleep(seconds / 3)
            print(f"\n-- t={seconds / 3:.0f}s: SIGKILL app :{ports[0]} and the task worker")
            cluster.kill(cluster.apps[ports[0]])
            cluster.kill(cluster.worker)
            out = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-c", ENQUEUE_PINGS, "10"],
                cwd=ROOT,
                env=env(),
                capture_output=True,
                text=True,
            )
            pings.extend(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"-- queued {len(pings)} jobs while no worker runs: {job_states()}")
            await asyncio.sleep(seconds / 3)
            print(f"-- t={2 * seconds / 3:.0f}s: restart app :{ports[0]} and the worker")
            cluster.start_app(ports[0])
            cluster.start_worker()

        t0 = time.monotonic()
        stats = asyncio.run(run_load(world, ports, users, seconds, fault, think=think, tag="f"))
        results["fault"] = report("fault run", stats, time.monotonic() - t0)
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
                left = conn.execute(
                    "SELECT count(*) FROM designer_job WHERE state IN ('queued', 'running')"
                ).fetchone()[0]
                done = conn.execute(
                    "SELECT count(*) FROM designer_job WHERE state = 'done' AND id = ANY(%s)",
                    ([uuid.UUID(p) for p in pings],),
                ).fetchone()[0]
            if left == 0:
                break
            time.sleep(2)
        waited = 150 - max(0.0, deadline - time.monotonic())
        print(
            f"jobs after the fault: {job_states()}; queued during the outage and done: "
            f"{done}/{len(pings)} (waited {waited:.0f} s for active jobs to settle)"
        )
        results["fault"]["pings_done"] = done
    finally:
        cluster.stop()
    return _verdict(results["steady"], results["fault"])


def _verdict(steady: dict, fault: dict | None) -> int:
    ok = (
        steady["errors"] == 0
        and steady["lost"] == 0
        and (fault is None or fault["lost"] == 0)
        and steady["edit100_p95"] < TARGET_EDIT_P95_MS
    )
    print(
        f"\nedit + re-render p95 at 100 tables: {steady['edit100_p95']:.0f} ms "
        f"(target < {TARGET_EDIT_P95_MS} ms) — {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
