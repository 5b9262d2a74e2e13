"""Cross-version check: the demo's DDL applies on the machine's other PostgreSQL (15), if any."""

import psycopg
import pytest
from fixtures.services import missing_service

from designer.demo import demo_schema
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres

OTHER_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def other_pg_db():
    try:
        with psycopg.connect(OTHER_PG, connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as exc:
        missing_service(f"A second PostgreSQL at 127.0.0.1:5432 ({exc.__class__.__name__})")
    with pgserver.scratch_database(OTHER_PG, prefix="erd_xver") as dsn:
        yield dsn, version


def test_demo_ddl_applies_on_a_second_postgresql_version(other_pg_db):
    dsn, version = other_pg_db
    pgserver.apply_sql(dsn, export_postgres(demo_schema()).text)
    with psycopg.connect(dsn) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
        fks = conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f'").fetchone()[0]
    assert (tables, fks) == (9, 11), version
