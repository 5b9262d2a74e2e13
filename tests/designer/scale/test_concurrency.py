"""Many users at once on one app process: every request is answered, none with 500, however
few database connections the app may open (each request running on its own thread would
otherwise hold one: "too many clients already" under the load benchmark)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
from fixtures.appserver import app_env, free_port, prepare, start_uvicorn
from fixtures.services import missing_service

MACHINE_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
CONNECTIONS = 5  # the app's role may open no more
REQUESTS = 40


def _all_at_once(url: str, session: str) -> list[int]:
    # threads, not asyncio.run: the browser tests may leave an event loop in this thread
    with (
        httpx.Client(cookies={"sessionid": session}, timeout=60) as client,
        ThreadPoolExecutor(REQUESTS) as pool,
    ):
        return list(pool.map(lambda _: client.get(url).status_code, range(REQUESTS)))


def test_forty_requests_at_once_stay_within_the_roles_connection_limit(tmp_path):
    try:
        admin = psycopg.connect(MACHINE_PG, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        missing_service("PostgreSQL at 127.0.0.1:5432")
    name = f"erd_conc_{uuid.uuid4().hex[:10]}"
    admin.execute(f"CREATE ROLE {name} LOGIN CONNECTION LIMIT {CONNECTIONS}")
    admin.execute(f"CREATE DATABASE {name} OWNER {name}")
    try:
        env = app_env(
            tmp_path,
            DATABASE_URL=f"postgres://{name}@127.0.0.1:5432/{name}",
            ERD_WEB_CONCURRENCY=str(CONNECTIONS - 2),  # room for a closing connection
        )
        world = prepare(env)
        port = free_port()
        server = start_uvicorn(env, port)
        try:
            url = f"http://127.0.0.1:{port}/p/{world['slug']}/"
            statuses = _all_at_once(url, world["session"])
        finally:
            server.terminate()
            server.wait(timeout=20)
        assert statuses == [200] * REQUESTS
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"DROP ROLE IF EXISTS {name}")
        admin.close()
