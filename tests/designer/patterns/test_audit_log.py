"""Audit log: one log table, a trigger per table, and every change recorded on PostgreSQL."""

from __future__ import annotations

import pytest

from designer.patterns.audit_log import AUDIT_FUNCTION, apply_audit_log
from designer.patterns.base import ERR_NO_PRIMARY_KEY, ERR_TABLE_EXISTS, PatternError
from designer.schema.model import Column, Table
from tests.designer.patterns.shop import build, raw_sql, rowcount, run, shop


def test_audit_log_adds_the_log_table_once_and_a_trigger_per_table():
    schema = apply_audit_log(shop(), table="orders").schema
    schema = apply_audit_log(schema, table="customers").schema
    log = schema.table("audit_log")
    assert log.column_names == (
        "id",
        "table_name",
        "op",
        "row_pk",
        "old_row",
        "new_row",
        "changed_by",
        "changed_at",
    )
    assert log.column("id").identity == "ALWAYS"
    assert log.column("changed_by").default == "CURRENT_USER"
    assert log.indexes[0].column_names == ("table_name", "changed_at")
    assert [t.name for t in schema.tables].count("audit_log") == 1
    assert raw_sql(schema).count(AUDIT_FUNCTION) == 1
    assert "to_jsonb(OLD)" in AUDIT_FUNCTION and "to_jsonb(NEW)" in AUDIT_FUNCTION
    assert (
        "CREATE TRIGGER orders_audit_trg AFTER INSERT OR UPDATE OR DELETE ON public.orders"
        " FOR EACH ROW EXECUTE FUNCTION audit_row_change('id');"
    ) in raw_sql(schema)
    with pytest.raises(PatternError) as err:
        apply_audit_log(schema, table="audit_log")
    assert err.value.message == ERR_TABLE_EXISTS.format(table="audit_log")


def test_audit_log_needs_a_primary_key():
    schema = shop().with_table(Table(name="t", columns=(Column(name="a", type="text"),)))
    with pytest.raises(PatternError) as err:
        apply_audit_log(schema, table="t")
    assert err.value.message == ERR_NO_PRIMARY_KEY.format(table="public.t")


@pytest.mark.slow
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
        assert by == conn.info.user and pk == {"id": cid}
        assert rowcount(conn, result.example_queries[1]) == 3
