"""A real Celery worker process runs a job queued by another process, through real Redis."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from designer.sql import server as pgserver

ROOT = Path(__file__).resolve().parents[3]
ENQUEUE = """
import sys, django
django.setup()
from designer import jobs
print(jobs.enqueue("designer.jobs.ping", seconds=0.2, tag=sys.argv[1]))
"""


def _database_exists(dsn: str, name: str) -> bool:
    with psycopg.connect(dsn) as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        )


def _job(db: Path, job_id: str) -> tuple[str, dict | None]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT state, result FROM designer_job WHERE id = ?", (uuid.UUID(job_id).hex,)
        ).fetchone()
    return row[0], json.loads(row[1]) if row[1] else None


@pytest.mark.slow
def test_a_celery_worker_runs_a_job_queued_before_it_started(tmp_path, redis_url, pg_server_dsn):
    """...and, starting, drops the rehearsal sandbox a killed worker left (made long ago)."""
    left = f"erd_rehearse_{uuid.uuid4().hex[:12]}"
    pgserver._create_sandbox(pg_server_dsn, left, secrets.token_urlsafe(12))
    with psycopg.connect(pg_server_dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} VALID UNTIL {}").format(
                sql.Identifier(left),
                sql.Literal((dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).isoformat()),
            )
        )
    db = tmp_path / "app.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "designer.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{db}",
        "ERD_VAR_DIR": str(tmp_path),
        "REDIS_URL": redis_url,
        "ERD_TASK_QUEUE": f"erd-test-{uuid.uuid4().hex[:8]}",  # no other worker takes it
        "ERD_PG_DSN": pg_server_dsn,
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    job_id = subprocess.run(
        [sys.executable, "-c", ENQUEUE, "first"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert _job(db, job_id) == ("queued", None)  # no worker yet: it waits in the broker
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "designer.worker",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _job(db, job_id)[0] != "done":
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            time.sleep(0.2)
        state, result = _job(db, job_id)
        assert state == "done", state
        assert result is not None and result["tag"] == "first"
        assert result["pid"] == worker.pid  # run by the worker, not by the process that asked
        while time.monotonic() < deadline and _database_exists(pg_server_dsn, left):
            time.sleep(0.2)
        assert not _database_exists(pg_server_dsn, left)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
