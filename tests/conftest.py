"""Shared fixtures: one real PostgreSQL per test session, a fresh database per test."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.services import missing_service

from designer.sql import server as pgserver

CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Each test gets a cache of its own (shared by its threads: locmem is per process), so
    renders and pending imports never leak between tests or runs."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"erd-test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(scope="session")
def pg_server_dsn() -> str:
    """DSN of the session's PostgreSQL: TEST_PG_DSN if set, else an embedded server."""
    dsn = os.environ.get("TEST_PG_DSN")
    if dsn:
        return dsn
    pgdata = Path(tempfile.mkdtemp(prefix="erd-test-pg-")) / "data"
    return pgserver.server_dsn(pgdata=pgdata)


@pytest.fixture
def pg_db(pg_server_dsn: str) -> Iterator[str]:
    """A new, empty database on the session's server; dropped after the test."""
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as dsn:
        yield dsn


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        missing_service(f"The shared corpus at {CORPUS_DIR}")
    return CORPUS_DIR
