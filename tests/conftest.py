"""Shared fixtures: one real PostgreSQL per test session, a fresh database per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from designer import realpg

CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _private_cache(settings, tmp_path_factory):
    """Each test gets an empty cache: renders and pending imports never leak between runs."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"erd-test-{tmp_path_factory.getbasetemp().name}",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def pg_server_dsn() -> str:
    """DSN of the session's PostgreSQL: TEST_PG_DSN if set, else an embedded server."""
    dsn = os.environ.get("TEST_PG_DSN")
    if dsn:
        return dsn
    pgdata = Path(tempfile.mkdtemp(prefix="erd-test-pg-")) / "data"
    return realpg.server_dsn(pgdata=pgdata)


@pytest.fixture
def pg_db(pg_server_dsn: str) -> Iterator[str]:
    """A new, empty database on the session's server; dropped after the test."""
    with realpg.scratch_database(pg_server_dsn, prefix="erd_test") as dsn:
        yield dsn


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR
