"""Soft delete: unique keys for live rows only, and a deleted duplicate allowed on PostgreSQL."""

from __future__ import annotations

import pytest
from psycopg import errors

from designer.patterns.base import ERR_COLUMN_EXISTS, PatternError
from designer.patterns.soft_delete import apply_soft_delete
from designer.schema.model import Column, ForeignKey, IndexPart, PrimaryKey, Table
from designer.schema.sqltext import normalize_expr
from tests.designer.patterns.shop import TSTZ, build, id_column, rowcount, run, shop


def test_soft_delete_turns_unique_keys_into_partial_indexes_for_live_rows():
    result = apply_soft_delete(shop(), table="public.prices")
    t = result.schema.table("prices")
    assert t.column("deleted_at") == Column(name="deleted_at", type=TSTZ)
    assert t.uniques == ()
    live = normalize_expr("deleted_at IS NULL")
    by_name = {i.name: i for i in t.indexes}
    assert by_name["prices_sku_live_key"].unique and by_name["prices_sku_live_key"].where == live
    assert by_name["prices_lower_sku_idx"].where == live
    assert by_name["prices_live_idx"].parts == (IndexPart(column="id"),)
    assert by_name["prices_live_idx"].where == live and not by_name["prices_live_idx"].unique
    assert result.example_queries[0] == "SELECT * FROM prices WHERE deleted_at IS NULL;"
    assert "UPDATE prices SET deleted_at = now() WHERE id = $1" in result.example_queries[1]
    assert t.id == shop().table("prices").id


def test_soft_delete_keeps_a_unique_key_that_foreign_keys_reference():
    schema = shop()
    orders = schema.table("orders")
    schema = schema.with_table(
        Table(
            name="order_notes",
            columns=(id_column(), Column(name="email", type="text")),
            primary_key=PrimaryKey(columns=("id",)),
            foreign_keys=(
                ForeignKey(columns=("email",), ref_table="customers", ref_columns=("email",)),
            ),
        )
    )
    result = apply_soft_delete(schema, table="customers", live_index=False)
    t = result.schema.table("customers")
    assert t.uniques == schema.table("customers").uniques
    assert t.indexes == ()
    assert any("public.order_notes need it" in n for n in result.notes)
    assert result.schema.table("orders") == orders


def test_soft_delete_refuses_an_existing_column():
    once = apply_soft_delete(shop(), table="orders").schema
    with pytest.raises(PatternError) as err:
        apply_soft_delete(once, table="orders")
    assert err.value.message == ERR_COLUMN_EXISTS.format(table="public.orders", column="deleted_at")


@pytest.mark.slow
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
