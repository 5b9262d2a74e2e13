"""Temporal validity: the business key becomes an exclusion; overlapping periods refused."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from designer.patterns.base import ERR_UNKNOWN_COLUMN, PatternError
from designer.patterns.temporal_validity import (
    ERR_KEY_REFERENCED,
    ERR_TEMPORAL_KEY,
    ERR_TEMPORAL_KEY_TYPE,
    apply_temporal_validity,
)
from designer.schema.model import Column, Extension, Table
from designer.schema.sqltext import normalize_expr
from tests.designer.patterns.shop import build, rowcount, run, shop


def test_temporal_validity_replaces_the_business_key_by_an_exclusion():
    result = apply_temporal_validity(shop(), table="prices")
    t = result.schema.table("prices")
    assert t.column("valid") == Column(
        name="valid",
        type="tstzrange",
        nullable=False,
        default=normalize_expr("tstzrange(now(), NULL)"),
    )
    assert t.uniques == () and t.indexes == ()  # both unique keys on sku would forbid history
    (excl,) = t.excludes
    assert excl.method == "gist"
    assert [(e.expression, e.operator) for e in excl.elements] == [("sku", "="), ("valid", "&&")]
    assert result.schema.extensions == (Extension(name="btree_gist"),)
    # applied again to another table: the extension is not added twice
    again = apply_temporal_validity(result.schema, table="orders", key="customer_id")
    assert again.schema.extensions == (Extension(name="btree_gist"),)


def test_temporal_validity_refusals():
    with pytest.raises(PatternError) as err:
        apply_temporal_validity(shop(), table="orders")
    assert err.value.message == ERR_TEMPORAL_KEY.format(table="public.orders")
    with pytest.raises(PatternError) as err:
        apply_temporal_validity(shop(), table="orders", key="nope")
    assert err.value.message == ERR_UNKNOWN_COLUMN.format(table="public.orders", column="nope")
    with pytest.raises(PatternError) as err:
        apply_temporal_validity(shop(), table="customers", key="id")
    assert err.value.message == ERR_KEY_REFERENCED.format(
        columns="id", table="public.customers", referencing="public.orders"
    )
    jsonish = shop().with_table(
        Table(name="t", columns=(Column(name="doc", type="jsonb"),), uniques=())
    )
    with pytest.raises(PatternError) as err:
        apply_temporal_validity(jsonish, table="t", key="doc")
    assert err.value.message == ERR_TEMPORAL_KEY_TYPE.format(
        table="public.t", column="doc", type="jsonb"
    )


@pytest.mark.slow
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
