"""Key queries explained on real PostgreSQL; suggestions proven by their plans."""

from __future__ import annotations

import pytest

from designer.workbench.explain import ERR_TIMEOUT, ExplainError, explain
from designer.workbench.load import copy_rows, create_schema
from designer.workbench.queries import (
    ERR_NOT_SELECT,
    ERR_UNKNOWN_COLUMN,
    ERR_UNKNOWN_TABLE,
    KeyQuerySpec,
    check_query,
    parse_query_file,
)
from designer.workbench.run import run_workbench
from designer.workbench.sampledata import SampleData

from .shop import QUERIES, shop


@pytest.fixture(scope="module")
def shop_result(pg_server_dsn):
    return run_workbench(
        shop(), parse_query_file(QUERIES), with_suggestions=True, dsn=pg_server_dsn
    )


def test_a_query_on_an_unindexed_foreign_key_gets_the_index_and_gets_faster(shop_result):
    query = shop_result.queries[0]
    assert query.error is None
    assert query.before.seq_scans == ["orders"]
    [proven] = query.proven
    assert proven.ddl.startswith(
        "CREATE INDEX orders_customer_id_idx ON public.orders (customer_id)"
    )
    assert proven.index.purpose == "key query: orders of a customer"
    assert query.after.seq_scans == []
    assert "orders_customer_id_idx" in query.after.indexes_used
    assert query.after.ms * 3 < query.before.ms


def test_a_constant_predicate_gets_a_partial_index(shop_result):
    query = shop_result.queries[1]
    [proven] = query.proven
    assert proven.index.where == "status = 'pending'"
    assert [p.column for p in proven.index.parts] == ["placed_at"]
    assert "WHERE (status = 'pending')" in proven.ddl
    assert query.after.ms < query.before.ms


def test_the_result_has_the_promised_json_shape(shop_result):
    data = shop_result.to_json()
    query = data["queries"][0]
    for key in ("name", "sql", "before_ms", "after_ms", "seq_scans_before", "seq_scans_after"):
        assert key in query
    assert query["seq_scans_before"] == ["orders"] and query["seq_scans_after"] == []
    assert {"ddl", "before_ms", "after_ms"} <= set(query["suggestions"][0])
    assert data["load"]["rows"] == {"customers": 2000, "orders": 40000}
    slowest = [n for n in _walk(query["plan_before"]["plan"]) if n["slowest"]]
    assert len(slowest) == 1


def _walk(node):
    yield node
    for child in node["children"]:
        yield from _walk(child)


def test_bad_sql_and_unknown_names_get_clear_errors():
    schema = shop()
    bad = check_query(KeyQuerySpec("broken", "SELEC id FROM orders"), schema)
    assert bad.errors and bad.errors[0].startswith("broken: the SQL does not parse: syntax error")
    unknown = check_query(KeyQuerySpec("q", "SELECT o.nope FROM orderz, orders o"), schema)
    assert unknown.errors == [ERR_UNKNOWN_TABLE.format(name="q", table="orderz")]
    column = check_query(KeyQuerySpec("q", "SELECT o.nope, total FROM orders o"), schema)
    assert column.errors == [ERR_UNKNOWN_COLUMN.format(name="q", column="o.nope")]
    write = check_query(KeyQuerySpec("w", "DELETE FROM orders"), schema)
    assert write.errors == [ERR_NOT_SELECT.format(name="w")]


def test_a_runaway_query_is_stopped_by_the_timeout_and_writes_are_refused(pg_db):
    create_schema(pg_db, SampleData(shop(), rows={"customers": 10, "orders": 10}))
    with pytest.raises(ExplainError) as info:
        explain(pg_db, KeyQuerySpec("sleepy", "SELECT pg_sleep(5)"), timeout_ms=200, runs=1)
    assert str(info.value) == ERR_TIMEOUT.format(name="sleepy", ms=200)
    with pytest.raises(ExplainError) as info:
        explain(
            pg_db,
            KeyQuerySpec("sneaky", "SELECT nextval('orders_id_seq')"),
            runs=1,
        )
    assert "read-only transaction" in str(info.value)


def test_query_files_split_on_semicolons_with_names_and_params():
    specs = parse_query_file(
        "-- name: one\n-- params: 42, 'a;b'\nSELECT 'x;y' FROM t WHERE a = $1 AND b = $2;\n"
        "SELECT 2;\n"
    )
    assert [s.name for s in specs] == ["one", "query 2"]
    assert specs[0].params == ("42", "'a;b'")
    assert specs[0].sql == "SELECT 'x;y' FROM t WHERE a = $1 AND b = $2"


def test_capacity_is_close_to_what_postgresql_uses(pg_db):
    import psycopg

    from designer.workbench.capacity import estimate

    schema = shop(orders=20_000)
    data = SampleData(schema)
    create_schema(pg_db, data)
    copy_rows(pg_db, data)
    orders = next(t for t in estimate(schema, years=2).tables if t.name == "orders")
    with psycopg.connect(pg_db) as conn:
        heap = conn.execute("SELECT pg_relation_size('orders')").fetchone()[0]
        index = conn.execute("SELECT pg_indexes_size('orders')").fetchone()[0]
    assert 0.7 < orders.table_bytes / heap < 1.3
    assert 0.5 < orders.index_bytes / index < 2
    assert orders.rows_later == 45_000  # 50 % a year for two years
