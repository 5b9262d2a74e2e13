"""Shared fixtures: one real PostgreSQL per test session, a fresh database per test."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import psycopg.conninfo
import pytest
from fixtures.services import missing_service
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from psycopg import sql

from designer.sql import server as pgserver

# Property tests are reproducible in the suite: the same examples on every run (CI included),
# so a red run is a real finding. ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) explores freely.
hypothesis_settings.register_profile(
    "suite", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "fuzz", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# Every table edit in the tests, in this process and in the app servers they start, proves the
# design it patches into the memo equals a fresh read (designer.selectors.design).
os.environ["ERD_CHECK_DESIGN_PATCH"] = "1"

CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
# Roles the real schemas and fixtures grant to (graphile_starter, rls_policies)
CORPUS_ROLES = ("graphile_starter", "graphile_starter_visitor", "erd_test_reader")


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
    settings.ERD_CHECK_DESIGN_PATCH = True


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
    """A new, empty database on the session's server, reached as its sandbox role (no
    privileges beyond owning it, as every design's SQL runs); dropped after the test."""
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as dsn:
        yield dsn


@pytest.fixture
def pg_db_admin(pg_db: str, pg_server_dsn: str) -> str:
    """``pg_db`` reached as the server's maintenance role, for tests that need a superuser
    (creating roles, SET ROLE, bypassing row-level security)."""
    return pgserver.with_database(pg_server_dsn, pgserver.database_of(pg_db))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        missing_service(f"The shared corpus at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture
def corpus_setup(pg_server_dsn: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    """What an operator does before real schemas rehearse: create the roles they name
    (cluster-wide, as the maintenance role) and let sandboxes join them (ERD_SANDBOX_ROLES).

    Returns the rewrite for pg_dump's ``OWNER TO postgres``: a superuser no sandbox may
    become, so those objects are owned by the role running the file (owners are never
    compared: the importer leaves them out)."""
    with psycopg.connect(pg_server_dsn, autocommit=True) as conn:
        for role in CORPUS_ROLES:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    monkeypatch.setenv("ERD_SANDBOX_ROLES", ",".join(CORPUS_ROLES))
    return lambda text: re.sub(r"\bOWNER TO postgres;", "OWNER TO CURRENT_USER;", text)


@pytest.fixture
def live_pg_allowed(settings, pg_server_dsn: str) -> None:
    """Let users' live DSNs reach the session's server (its socket directory, or host:port),
    which the default policy refuses: sockets and loopback are never open to users."""
    params = psycopg.conninfo.conninfo_to_dict(pg_server_dsn)
    host = str(params.get("host") or "")
    port = params.get("port") or 5432
    settings.ERD_LIVE_DSN_ALLOW = [host if host.startswith("/") else f"{host}:{port}"]


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis: TEST_REDIS_URL, else the machine's 127.0.0.1:6379 (database 15)."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        missing_service(f"Redis at {url}")
    return url


@pytest.fixture
def with_redis(settings, redis_url: str) -> str:
    """The app set up as in production: cache, locks and pub/sub on Redis (keys of this test
    only). Returns the key prefix."""
    prefix = f"erd-test-{uuid.uuid4().hex[:12]}"
    settings.REDIS_URL = redis_url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    return prefix


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Report a failure even when its traceback cannot be formatted.

    CPython 3.11's ``ast`` module can be left unusable by an earlier RecursionError (the
    deep-nesting tests provoke them on purpose): pytest then fails with "AST constructor
    recursion depth mismatch" while it formats a failing test's source, and the whole session
    stops. The failure is reported with the exception's own text instead.
    """
    try:
        return (yield)
    except SystemError as exc:
        import traceback

        from _pytest.reports import TestReport

        assert call.excinfo is not None
        text = "".join(traceback.format_exception_only(call.excinfo.type, call.excinfo.value))
        # file and line only: formatting source lines would need ``ast`` again
        frames = "".join(
            f"{f.filename}:{f.lineno} in {f.name}\n"
            for f in traceback.extract_tb(call.excinfo.tb)[-8:]
        )
        return TestReport(
            item.nodeid,
            item.location,
            {k: 1 for k in item.keywords},
            "failed",
            f"{frames}{text}\n(traceback shortened: pytest could not format it: {exc})",
            call.when,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
        )
