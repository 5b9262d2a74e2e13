"""Multi-tenancy: keys, foreign keys and RLS scoped to a tenant, isolation proven on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors, sql

from designer.patterns.base import ERR_ALREADY_APPLIED, PatternError
from designer.patterns.multi_tenancy import apply_multi_tenancy
from designer.schema.model import Column, ForeignKey, IndexPart, Table
from designer.schema.sqltext import normalize_expr
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres
from tests.designer.patterns.shop import rowcount, run, shop


def test_multi_tenancy_on_every_table_scopes_keys_foreign_keys_and_rls():
    result = apply_multi_tenancy(shop())
    s = result.schema
    assert s.table("tenants").primary_key.columns == ("id",)
    rule = normalize_expr("tenant_id = current_setting('app.tenant_id')::bigint")
    for name in ("customers", "orders", "prices"):
        t = s.table(name)
        assert t.column("tenant_id").nullable is False
        assert t.primary_key.columns == ("id",)
        assert ("tenant_id", "id") in [u.columns for u in t.uniques]
        assert t.rls_enabled and t.rls_forced
        assert [(p.name, p.using, p.with_check) for p in t.policies] == [
            ("tenant_isolation", rule, rule)
        ]
        assert any(fk.ref_table == "tenants" for fk in t.foreign_keys)
    orders = s.table("orders")
    child = [fk for fk in orders.foreign_keys if fk.ref_table == "customers"]
    assert [(fk.columns, fk.ref_columns) for fk in child] == [
        (("tenant_id", "customer_id"), ("tenant_id", "id"))
    ]
    assert orders.indexes[0].column_names == ("tenant_id", "customer_id")
    assert ("tenant_id", "email") in [u.columns for u in s.table("customers").uniques]
    # an expression index is btree too: it leads with tenant_id
    assert s.table("prices").indexes[0].parts[0] == IndexPart(column="tenant_id")
    assert s.table("tenants").rls_enabled is False


def test_multi_tenancy_on_one_table_leaves_the_others_and_refuses_twice():
    result = apply_multi_tenancy(shop(), table="customers")
    assert result.schema.table("orders") == shop().table("orders")
    with pytest.raises(PatternError) as err:
        apply_multi_tenancy(result.schema, table="customers")
    assert err.value.message == ERR_ALREADY_APPLIED.format(table="public.customers")
    # a second run over "all tables" scopes the rest, and links orders to scoped customers
    again = apply_multi_tenancy(result.schema).schema
    fks = again.table("orders").foreign_keys
    assert (("tenant_id", "customer_id"), ("tenant_id", "id")) in [
        (f.columns, f.ref_columns) for f in fks
    ]


def test_multi_tenancy_keeps_set_null_from_nulling_the_tenant():
    schema = shop()
    orders = schema.table("orders")
    fk = ForeignKey(
        columns=("customer_id",), ref_table="customers", ref_columns=("id",), on_delete="SET NULL"
    )
    schema = schema.with_table(
        Table(
            name="orders",
            columns=(*orders.columns[:1], Column(name="customer_id", type="bigint")),
            primary_key=orders.primary_key,
            foreign_keys=(fk,),
        )
    )
    fks = apply_multi_tenancy(schema).schema.table("orders").foreign_keys
    scoped = next(f for f in fks if f.ref_table == "customers")
    assert scoped.on_delete_columns == ("customer_id",)


@pytest.fixture
def roles(pg_db_admin: str) -> Iterator[dict[str, str]]:
    """An owner and an application role (not superusers), dropped after the test."""
    suffix = uuid.uuid4().hex[:8]
    names = {"owner": f"app_owner_{suffix}", "app": f"app_user_{suffix}"}
    with psycopg.connect(pg_db_admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    yield names
    with psycopg.connect(pg_db_admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.mark.slow
def test_multi_tenancy_isolates_tenants_even_for_the_owner(pg_db, pg_db_admin, roles):
    result = apply_multi_tenancy(shop())
    make_tenant, set_tenant, select_rows = result.example_queries
    owner, app = (sql.Identifier(roles[k]) for k in ("owner", "app"))
    # the design is built by its sandbox role; the test acts as a superuser would
    pgserver.apply_sql(pg_db, export_postgres(result.schema).text)
    with psycopg.connect(pg_db_admin, autocommit=True) as conn:
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
