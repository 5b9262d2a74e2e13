"""Check the real parts the app relies on: Graphviz, PostgreSQL, Chromium."""

import shutil
import subprocess

import psycopg
from django.core.management.base import BaseCommand, CommandError

from designer.sql import server as pgserver


class Command(BaseCommand):
    help = "Check that dot, a PostgreSQL server (embedded or ERD_PG_DSN) and Chromium work."

    def handle(self, *args, **options):
        failures = 0

        def report(name: str, ok: bool, detail: str) -> None:
            nonlocal failures
            failures += not ok
            self.stdout.write(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")

        dot = shutil.which("dot")
        if dot:
            out = subprocess.run([dot, "-V"], capture_output=True, text=True, timeout=10)
            report("graphviz", True, out.stderr.strip() or out.stdout.strip())
        else:
            report("graphviz", False, "`dot` not found; install the graphviz package")
        try:
            with psycopg.connect(pgserver.server_dsn(), connect_timeout=10) as conn:
                version = conn.execute("SELECT version()").fetchone()[0]
            report("postgresql", True, version.split(",")[0])
        except Exception as exc:  # report any failure, whatever its kind
            report("postgresql", False, str(exc).splitlines()[0])
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        try:
            out = subprocess.run(
                [chromium, "--version"], capture_output=True, text=True, timeout=20
            )
            report("chromium", out.returncode == 0, out.stdout.strip())
        except OSError:
            report("chromium", False, "not found (only needed for browser tests)")
        if failures:
            raise CommandError(f"{failures} check(s) failed")
