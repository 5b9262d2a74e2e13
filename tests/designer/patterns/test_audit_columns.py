"""Audit columns: one shared trigger function, and updated_at set on PostgreSQL."""

from __future__ import annotations

import pytest

from designer.patterns.audit_columns import SET_UPDATED_AT, apply_audit_columns
from designer.patterns.base import ERR_ALREADY_APPLIED, ERR_COLUMN_TYPE, PatternError
from designer.schema.model import Column, Table
from tests.designer.patterns.shop import TSTZ, build, rowcount, shop


def test_audit_columns_share_one_trigger_function_across_tables():
    schema = apply_audit_columns(shop(), table="orders").schema
    schema = apply_audit_columns(schema, table="customers").schema
    orders = schema.table("orders")
    assert orders.column("created_at") == Column(
        name="created_at", type=TSTZ, nullable=False, default="now()"
    )
    assert orders.column("updated_at").default == "now()"
    pre = [r for r in schema.raw if r.phase == "pre"]
    post = [r for r in schema.raw if r.phase == "post"]
    assert [r.sql for r in pre] == [SET_UPDATED_AT]
    assert [r.sql for r in post] == [
        "CREATE TRIGGER orders_set_updated_at_trg BEFORE UPDATE ON public.orders"
        " FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
        "CREATE TRIGGER customers_set_updated_at_trg BEFORE UPDATE ON public.customers"
        " FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
    ]
    with pytest.raises(PatternError) as err:
        apply_audit_columns(schema, table="orders")
    assert err.value.message == ERR_ALREADY_APPLIED.format(table="public.orders")


def test_audit_columns_keep_a_matching_column_and_refuse_a_wrong_type():
    result = apply_audit_columns(
        shop().with_table(
            Table(name="t", columns=(Column(name="created_at", type=TSTZ, nullable=False),))
        ),
        table="t",
    )
    assert result.schema.table("t").column_names == ("created_at", "updated_at")
    assert any("created_at already exists" in n for n in result.notes)
    bad = shop().with_table(Table(name="t", columns=(Column(name="updated_at", type="date"),)))
    with pytest.raises(PatternError) as err:
        apply_audit_columns(bad, table="t")
    assert err.value.message == ERR_COLUMN_TYPE.format(
        table="public.t", column="updated_at", type="date", expected=TSTZ
    )


@pytest.mark.slow
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
