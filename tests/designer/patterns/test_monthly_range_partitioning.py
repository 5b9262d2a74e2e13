"""Monthly range partitioning: partitions and widened keys; rows routed to their month."""

from __future__ import annotations

import pytest

from designer.patterns.base import ERR_COLUMN_TYPE, PatternError
from designer.patterns.monthly_range_partitioning import (
    ERR_OPTION_MONTH,
    ERR_PARTITION_REFERENCED,
    ERR_PARTITIONED,
    apply_monthly_partitioning,
)
from designer.schema.model import Column, PrimaryKey, Table
from tests.designer.patterns.shop import TSTZ, build, rowcount, run, shop


def test_monthly_partitioning_adds_partitions_and_widens_the_primary_key():
    result = apply_monthly_partitioning(
        shop(), table="orders", column="placed_at", start="2024-11", months=3
    )
    s = result.schema
    orders = s.table("orders")
    assert orders.partitioning.strategy == "RANGE" and orders.partitioning.key == "placed_at"
    assert orders.primary_key.columns == ("id", "placed_at")
    parts = [(t.name, t.partition_of.bound) for t in s.tables if t.partition_of]
    assert parts == [
        (
            "orders_y2024m11",
            "FOR VALUES FROM ('2024-11-01 00:00:00+00') TO ('2024-12-01 00:00:00+00')",
        ),
        (
            "orders_y2024m12",
            "FOR VALUES FROM ('2024-12-01 00:00:00+00') TO ('2025-01-01 00:00:00+00')",
        ),
        (
            "orders_y2025m01",
            "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')",
        ),
        ("orders_default", "DEFAULT"),
    ]
    assert any("primary key becomes (id, placed_at)" in n for n in result.notes)
    assert "orders_y2025m02" in result.example_queries[2]


def test_monthly_partitioning_refusals():
    with pytest.raises(PatternError) as err:
        apply_monthly_partitioning(shop(), table="customers", column="email")
    assert err.value.message == ERR_COLUMN_TYPE.format(
        table="public.customers",
        column="email",
        type="text",
        expected="timestamptz, timestamp or date",
    )
    referenced = shop().with_table(
        Table(
            name="customers",
            columns=(*shop().table("customers").columns, Column(name="joined", type=TSTZ)),
            primary_key=PrimaryKey(columns=("id",)),
        )
    )
    with pytest.raises(PatternError) as err:
        apply_monthly_partitioning(referenced, table="customers", column="joined")
    assert err.value.message == ERR_PARTITION_REFERENCED.format(
        table="public.customers", referencing="public.orders"
    )
    with pytest.raises(PatternError) as err:
        apply_monthly_partitioning(shop(), table="orders", column="placed_at", start="2025-13")
    assert err.value.message == ERR_OPTION_MONTH.format(option="start")
    parted = apply_monthly_partitioning(shop(), table="orders", column="placed_at").schema
    with pytest.raises(PatternError) as err:
        apply_monthly_partitioning(parted, table="orders", column="placed_at")
    assert err.value.message == ERR_PARTITIONED.format(table="public.orders")


@pytest.mark.slow
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
