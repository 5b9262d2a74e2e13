"""Each pattern on a real PostgreSQL: its DDL applies, its example queries run, and the
structure behaves as promised (unique keys for live rows, logged changes, isolated tenants,
workers that never share a job, periods that never overlap, rows in the right month)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql

from designer.patterns import (
    PatternResult,
    apply_audit_columns,
    apply_audit_log,
    apply_job_queue,
    apply_monthly_partitioning,
    apply_multi_tenancy,
    apply_optimistic_locking,
    apply_soft_delete,
    apply_temporal_validity,
    pattern_ddl,
)
from designer.schema.model import Schema
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres
from tests.designer.patterns.test_patterns import shop

pytestmark = pytest.mark.slow


def build(dsn: str, result: PatternResult) -> psycopg.Connection:
    """Apply the pattern's whole design to the empty database; an autocommit connection."""
    pgserver.apply_sql(dsn, export_postgres(result.schema).text)
    return psycopg.connect(dsn, autocommit=True)


def run(conn: psycopg.Connection, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run an example query as written, binding ``$n`` through PREPARE/EXECUTE."""
    text = query.strip().rstrip(";")
    if "$1" not in text:
        cur = conn.execute(text.encode())
    else:
        conn.execute(f"PREPARE example AS {text}".encode())
        try:
            args = sql.SQL(", ").join(sql.Literal(p) for p in params)
            cur = conn.execute(sql.SQL("EXECUTE example({})").format(args))
        finally:
            conn.execute("DEALLOCATE example")
    return cur.fetchall() if cur.description else [("rowcount", cur.rowcount)]


def rowcount(conn: psycopg.Connection, query: str, *params: Any) -> int:
    rows = run(conn, query, *params)
    return rows[0][1] if rows and rows[0][0] == "rowcount" else len(rows)


# -- soft delete ------------------------------------------------------------------------------


def test_soft_delete_allows_a_deleted_duplicate_but_not_two_live_ones(pg_db):
    result = apply_soft_delete(shop(), table="customers")
    with build(pg_db, result) as conn:
        insert = "INSERT INTO customers (email) VALUES (%s) RETURNING id"
        (first,) = conn.execute(insert, ["a@x.org"]).fetchone()
        select_live, delete, restore = result.example_queries
        assert rowcount(conn, delete, first) == 1
        (second,) = conn.execute(insert, ["a@x.org"]).fetchone()  # the deleted one no longer counts
        assert [r[0] for r in run(conn, select_live)] == [second]
        with pytest.raises(errors.UniqueViolation):
            conn.execute(insert, ["a@x.org"])
        with pytest.raises(errors.UniqueViolation):  # restoring would make two live rows
            run(conn, restore, first)


# -- audit columns ----------------------------------------------------------------------------


def test_audit_columns_set_updated_at_on_update(pg_db):
    schema = apply_audit_columns(shop(), table="orders").schema
    result = apply_audit_columns(schema, table="customers")
    with build(pg_db, result) as conn:
        (cid, created, updated) = conn.execute(
            "INSERT INTO customers (email) VALUES ('a@x.org') RETURNING id, created_at, updated_at"
        ).fetchone()
        assert created == updated
        conn.execute("UPDATE customers SET name = 'Ann' WHERE id = %s", [cid])
        (created2, updated2) = conn.execute(
            "SELECT created_at, updated_at FROM customers WHERE id = %s", [cid]
        ).fetchone()
        assert created2 == created and updated2 > updated
        assert rowcount(conn, result.example_queries[0], created) == 1
        assert rowcount(conn, result.example_queries[1]) == 1
        (n,) = conn.execute(
            "SELECT count(*) FROM pg_proc WHERE proname = 'set_updated_at'"
        ).fetchone()
        assert n == 1


# -- audit log --------------------------------------------------------------------------------


def test_audit_log_records_insert_update_and_delete(pg_db):
    result = apply_audit_log(shop(), table="customers")
    with build(pg_db, result) as conn:
        (cid,) = conn.execute(
            "INSERT INTO customers (email) VALUES ('a@x.org') RETURNING id"
        ).fetchone()
        conn.execute("UPDATE customers SET name = 'Ann' WHERE id = %s", [cid])
        conn.execute("DELETE FROM customers WHERE id = %s", [cid])
        history = run(conn, result.example_queries[0], cid)
        assert [h[0] for h in history] == ["INSERT", "UPDATE", "DELETE"]
        assert history[1][3]["name"] is None and history[1][4]["name"] == "Ann"
        assert history[2][4] is None
        (by, pk) = conn.execute("SELECT changed_by, row_pk FROM audit_log LIMIT 1").fetchone()
        assert by == "postgres" and pk == {"id": cid}
        assert rowcount(conn, result.example_queries[1]) == 3


# -- optimistic locking -----------------------------------------------------------------------


def test_optimistic_locking_refuses_a_stale_update(pg_db):
    result = apply_optimistic_locking(shop(), table="customers")
    read, update = result.example_queries
    with build(pg_db, result) as conn:
        (cid,) = conn.execute(
            "INSERT INTO customers (email) VALUES ('a@x.org') RETURNING id"
        ).fetchone()
        assert run(conn, read, cid)[0][-1] == 1  # both clients read version 1
        assert run(conn, update, cid, 1) == [(2,)]  # the first writer wins
        assert run(conn, update, cid, 1) == []  # the second is stale: no row updated
        assert run(conn, update, cid, 2) == [(3,)]


# -- multi-tenancy ----------------------------------------------------------------------------


@pytest.fixture
def roles(pg_db: str) -> Iterator[dict[str, str]]:
    """An owner and an application role (not superusers), dropped after the test."""
    suffix = uuid.uuid4().hex[:8]
    names = {"owner": f"app_owner_{suffix}", "app": f"app_user_{suffix}"}
    with psycopg.connect(pg_db, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    yield names
    with psycopg.connect(pg_db, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_multi_tenancy_isolates_tenants_even_for_the_owner(pg_db, roles):
    result = apply_multi_tenancy(shop())
    make_tenant, set_tenant, select_rows = result.example_queries
    owner, app = (sql.Identifier(roles[k]) for k in ("owner", "app"))
    with build(pg_db, result) as conn:
        t1 = run(conn, make_tenant, "Acme")[0][0]
        t2 = run(conn, make_tenant, "Globex")[0][0]
        for table in ("customers", "orders", "prices"):
            conn.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), owner))
        conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON customers, orders TO {}").format(app))
        # Rows of two tenants, written by a superuser (who bypasses row-level security).
        conn.execute(
            "INSERT INTO customers (tenant_id, email) VALUES (%s, 'a@acme'), (%s, 'b@globex')",
            [t1, t2],
        )
        # a child row cannot point at another tenant's parent
        (globex_customer,) = conn.execute(
            "SELECT id FROM customers WHERE tenant_id = %s", [t2]
        ).fetchone()
        with pytest.raises(errors.ForeignKeyViolation):
            conn.execute(
                "INSERT INTO orders (tenant_id, customer_id) VALUES (%s, %s)", [t1, globex_customer]
            )

        conn.execute(sql.SQL("SET ROLE {}").format(app))
        with conn.transaction():
            run(conn, set_tenant, str(t1))
            assert [r[1] for r in run(conn, select_rows)] == ["a@acme"]
            # the default fills tenant_id from the setting
            conn.execute("INSERT INTO customers (email) VALUES ('c@acme')")
            assert rowcount(conn, select_rows) == 2
            # WITH CHECK refuses a row of another tenant
            with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
                conn.execute("INSERT INTO customers (tenant_id, email) VALUES (%s, 'x')", [t2])
        # without a tenant, queries fail instead of showing everything: after the transaction
        # the setting is back to '' (it was never set in the session: undefined)
        with pytest.raises(errors.InvalidTextRepresentation):
            conn.execute("SELECT * FROM customers")

        conn.execute(sql.SQL("SET ROLE {}").format(owner))
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", [str(t2)])
        assert [r[1] for r in conn.execute("SELECT * FROM customers")] == ["b@globex"]
        conn.execute("RESET ROLE")
        (n,) = conn.execute("SELECT count(*) FROM customers").fetchone()
        assert n == 3  # the superuser sees every tenant


# -- job queue --------------------------------------------------------------------------------


def test_job_queue_gives_concurrent_workers_different_jobs(pg_db):
    result = apply_job_queue(shop())
    enqueue, dequeue, complete, retry, reap = result.example_queries
    with build(pg_db, result) as conn:
        ids = [run(conn, enqueue, "mail", f'{{"n": {n}}}')[0][0] for n in range(3)]
        run(conn, enqueue, "other", "{}")
        with psycopg.connect(pg_db) as w1, psycopg.connect(pg_db) as w2:
            # both transactions stay open: w1 holds its row lock while w2 dequeues
            (job1,) = run(w1, dequeue, "mail", "w1")
            (job2,) = run(w2, dequeue, "mail", "w2")
            assert job1[0] != job2[0]
            assert {job1[0], job2[0]} <= set(ids)
            assert job1[2] == job2[2] == 1
            w1.commit()
            w2.commit()
        assert rowcount(conn, complete, job1[0], "w1") == 1
        assert rowcount(conn, retry, job2[0], "boom") == 1
        (status, error) = conn.execute(
            "SELECT status, last_error FROM jobs WHERE id = %s", [job2[0]]
        ).fetchone()
        assert (status, error) == ("queued", "boom")
        (job3,) = run(conn, dequeue, "mail", "w3")
        assert job3[0] not in (job1[0], job2[0])
        conn.execute(
            "UPDATE jobs SET locked_at = now() - interval '1 hour' WHERE id = %s", [job3[0]]
        )
        assert rowcount(conn, reap, "5 minutes") == 1
        plan = conn.execute(
            "EXPLAIN SELECT id FROM jobs WHERE queue = 'mail' AND status = 'queued'"
            " ORDER BY run_at LIMIT 1"
        ).fetchall()
        assert plan  # the partial index is a valid plan choice (the table is too small to force it)


# -- temporal validity ------------------------------------------------------------------------


def test_temporal_validity_rejects_overlapping_periods_of_one_key(pg_db):
    with psycopg.connect(pg_db) as conn:
        (available,) = conn.execute(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'btree_gist'"
        ).fetchone()
        assert available == 1
    result = apply_temporal_validity(shop(), table="prices")
    current, as_of, close = result.example_queries
    insert = "INSERT INTO prices (sku, amount, valid) VALUES (%s, %s, tstzrange(%s, %s))"
    with build(pg_db, result) as conn:
        conn.execute(insert, ["A", 10, "2024-01-01", "2024-06-01"])
        conn.execute(insert, ["A", 12, "2024-06-01", None])
        conn.execute(insert, ["B", 99, "2024-03-01", None])  # another key may overlap
        with pytest.raises(errors.ExclusionViolation):
            conn.execute(insert, ["A", 11, "2024-03-01", "2024-04-01"])
        assert [r[2] for r in run(conn, current, "A")] == [12]
        assert [r[2] for r in run(conn, as_of, "A", "2024-02-15T00:00:00Z")] == [10]
        with conn.transaction():
            assert rowcount(conn, close, "A") == 1
            conn.execute("INSERT INTO prices (sku, amount) VALUES ('A', 13)")
        assert [r[2] for r in run(conn, current, "A")] == [13]


# -- monthly partitioning ---------------------------------------------------------------------


def test_monthly_partitioning_routes_rows_to_their_month(pg_db):
    result = apply_monthly_partitioning(
        shop(), table="orders", column="placed_at", start="2025-01", months=2
    )
    routing, window, next_month = result.example_queries
    with build(pg_db, result) as conn:
        (cid,) = conn.execute(
            "INSERT INTO customers (email) VALUES ('a@x.org') RETURNING id"
        ).fetchone()
        for ts in ("2025-01-15T10:00Z", "2025-02-28T23:59Z", "2025-02-01T00:00Z", "2031-05-01Z"):
            conn.execute("INSERT INTO orders (customer_id, placed_at) VALUES (%s, %s)", [cid, ts])
        assert sorted(run(conn, routing)) == [
            ("orders_default", 1),
            ("orders_y2025m01", 1),
            ("orders_y2025m02", 2),
        ]
        assert rowcount(conn, window, "2025-02-01T00:00Z", "2025-03-01T00:00Z") == 2
        run(conn, next_month)
        conn.execute(
            "INSERT INTO orders (customer_id, placed_at) VALUES (%s, '2025-03-03Z')", [cid]
        )
        parts = dict(run(conn, routing))
        assert parts["orders_y2025m03"] == 1


# -- the preview's DDL migrates the old design --------------------------------------------------


def _dump(dsn: str) -> list[str]:
    lines = pgserver.dump_schema(dsn).splitlines()
    return sorted(line for line in lines if line and not line.startswith(("--", "\\", "SET")))


@pytest.mark.parametrize(
    ("pattern", "kwargs"),
    [
        (apply_soft_delete, {"table": "customers"}),
        (apply_soft_delete, {"table": "prices"}),
        (apply_audit_columns, {"table": "orders"}),
        (apply_audit_log, {"table": "orders"}),
        (apply_optimistic_locking, {"table": "orders"}),
        (apply_multi_tenancy, {}),
        (apply_job_queue, {}),
        (apply_temporal_validity, {"table": "prices"}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_pattern_ddl_turns_the_old_database_into_the_new_design(
    pg_db: str, pg_server_dsn: str, pattern: Any, kwargs: dict[str, Any]
) -> None:
    before: Schema = shop()
    after = pattern(before, **kwargs).schema
    pgserver.apply_sql(pg_db, export_postgres(before).text)
    pgserver.apply_sql(pg_db, pattern_ddl(before, after))
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as fresh:
        pgserver.apply_sql(fresh, export_postgres(after).text)
        assert _differences(_dump(pg_db), _dump(fresh)) == []


def _differences(a: Sequence[str], b: Sequence[str]) -> list[str]:
    return sorted({f"- {x}" for x in set(a) - set(b)} | {f"+ {x}" for x in set(b) - set(a)})
