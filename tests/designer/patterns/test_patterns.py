"""Design patterns on a small shop design: the schema each one produces, and its refusals."""

from __future__ import annotations

import pytest

from designer.patterns import (
    PATTERNS,
    PatternError,
    apply_audit_columns,
    apply_audit_log,
    apply_job_queue,
    apply_monthly_partitioning,
    apply_multi_tenancy,
    apply_optimistic_locking,
    apply_soft_delete,
    apply_temporal_validity,
    pattern_ddl,
    run_pattern,
)
from designer.patterns import catalog as c
from designer.schema.model import (
    Column,
    Extension,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import normalize_expr

TSTZ = "timestamp with time zone"


def _id() -> Column:
    return Column(name="id", type="bigint", nullable=False, identity="ALWAYS", id="col-id")


def shop() -> Schema:
    """customers <- orders; prices with a business key; a sku index that is unique."""
    return Schema(
        tables=(
            Table(
                name="customers",
                columns=(
                    _id(),
                    Column(name="email", type="text", nullable=False),
                    Column(name="name", type="text"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                uniques=(UniqueConstraint(columns=("email",), name="customers_email_key"),),
                id="t-customers",
            ),
            Table(
                name="orders",
                columns=(
                    _id(),
                    Column(name="customer_id", type="bigint", nullable=False),
                    Column(name="placed_at", type=TSTZ, nullable=False, default="now()"),
                    Column(name="total", type="numeric(12,2)"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                foreign_keys=(
                    ForeignKey(
                        columns=("customer_id",), ref_table="customers", ref_columns=("id",)
                    ),
                ),
                indexes=(
                    Index(name="orders_customer_id_idx", parts=(IndexPart(column="customer_id"),)),
                ),
                id="t-orders",
            ),
            Table(
                name="prices",
                columns=(
                    _id(),
                    Column(name="sku", type="text", nullable=False),
                    Column(name="amount", type="numeric(12,2)", nullable=False),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                uniques=(UniqueConstraint(columns=("sku",), name="prices_sku_key"),),
                indexes=(
                    Index(
                        name="prices_lower_sku_idx",
                        parts=(IndexPart(expression="lower(sku)"),),
                        unique=True,
                    ),
                ),
            ),
        )
    )


def raw_sql(schema: Schema) -> list[str]:
    return [r.sql for r in schema.raw]


# -- registry -------------------------------------------------------------------------------


def test_registry_lists_every_pattern_with_scope_and_defaults():
    assert list(PATTERNS) == [
        "soft-delete",
        "audit-columns",
        "audit-log",
        "optimistic-locking",
        "multi-tenancy",
        "job-queue",
        "temporal-validity",
        "monthly-range-partitioning",
    ]
    assert PATTERNS["job-queue"].scope == "project"
    assert all(p.scope == "table" for k, p in PATTERNS.items() if k != "job-queue")
    months = {o.name: o.default for o in PATTERNS["monthly-range-partitioning"].options}
    assert months == {
        "column": "created_at",
        "start": "2025-01",
        "months": 12,
        "default_partition": True,
    }


def test_run_pattern_parses_form_options_and_refuses_unknown_ones():
    result = run_pattern(
        shop(),
        "monthly-range-partitioning",
        "orders",
        {"column": "placed_at", "months": "2", "default_partition": "0"},
    )
    names = [t.name for t in result.schema.tables if t.partition_of]
    assert names == ["orders_y2025m01", "orders_y2025m02"]
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "soft-delete", "orders", {"colour": "red"})
    assert err.value.message == c.ERR_UNKNOWN_OPTION.format(option="colour")
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "monthly-range-partitioning", "orders", {"months": "many"})
    assert err.value.message == c.ERR_OPTION_INT.format(option="months", low=1, high=120)
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "no-such", None, {})
    assert err.value.message == c.ERR_UNKNOWN_PATTERN.format(pattern="no-such")
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "soft-delete", None, {})
    assert err.value.message == c.ERR_TABLE_REQUIRED


def test_unknown_table_and_partition_targets_are_refused():
    with pytest.raises(PatternError) as err:
        apply_soft_delete(shop(), table="public.nope")
    assert err.value.message == c.ERR_UNKNOWN_TABLE.format(table="public.nope")
    parted = apply_monthly_partitioning(shop(), table="orders", column="placed_at").schema
    with pytest.raises(PatternError) as err:
        apply_soft_delete(parted, table="orders_y2025m01")
    assert err.value.message == c.ERR_PARTITION.format(table="public.orders_y2025m01")


# -- soft delete ------------------------------------------------------------------------------


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
            columns=(_id(), Column(name="email", type="text")),
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
    assert err.value.message == c.ERR_COLUMN_EXISTS.format(
        table="public.orders", column="deleted_at"
    )


# -- audit columns ----------------------------------------------------------------------------


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
    assert [r.sql for r in pre] == [c.SET_UPDATED_AT]
    assert [r.sql for r in post] == [
        "CREATE TRIGGER orders_set_updated_at_trg BEFORE UPDATE ON public.orders"
        " FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
        "CREATE TRIGGER customers_set_updated_at_trg BEFORE UPDATE ON public.customers"
        " FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
    ]
    with pytest.raises(PatternError) as err:
        apply_audit_columns(schema, table="orders")
    assert err.value.message == c.ERR_ALREADY_APPLIED.format(table="public.orders")


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
    assert err.value.message == c.ERR_COLUMN_TYPE.format(
        table="public.t", column="updated_at", type="date", expected=TSTZ
    )


# -- audit log --------------------------------------------------------------------------------


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
    assert raw_sql(schema).count(c.AUDIT_FUNCTION) == 1
    assert "to_jsonb(OLD)" in c.AUDIT_FUNCTION and "to_jsonb(NEW)" in c.AUDIT_FUNCTION
    assert (
        "CREATE TRIGGER orders_audit_trg AFTER INSERT OR UPDATE OR DELETE ON public.orders"
        " FOR EACH ROW EXECUTE FUNCTION audit_row_change('id');"
    ) in raw_sql(schema)
    with pytest.raises(PatternError) as err:
        apply_audit_log(schema, table="audit_log")
    assert err.value.message == c.ERR_TABLE_EXISTS.format(table="audit_log")


def test_audit_log_needs_a_primary_key():
    schema = shop().with_table(Table(name="t", columns=(Column(name="a", type="text"),)))
    with pytest.raises(PatternError) as err:
        apply_audit_log(schema, table="t")
    assert err.value.message == c.ERR_NO_PRIMARY_KEY.format(table="public.t")


# -- optimistic locking -----------------------------------------------------------------------


def test_optimistic_locking_adds_a_version_and_the_checked_update():
    result = apply_optimistic_locking(shop(), table="orders")
    assert result.schema.table("orders").column("version") == Column(
        name="version", type="integer", nullable=False, default="1"
    )
    assert result.schema.raw == ()
    assert result.example_queries[1] == (
        "UPDATE orders SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING version;"
    )
    assert any("rather than done by a trigger" in n for n in result.notes)


# -- multi-tenancy ----------------------------------------------------------------------------


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
    assert err.value.message == c.ERR_ALREADY_APPLIED.format(table="public.customers")
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


# -- job queue --------------------------------------------------------------------------------


def test_job_queue_adds_a_jobs_table_with_the_dequeue_index():
    result = apply_job_queue(shop())
    jobs = result.schema.table("jobs")
    assert jobs.column_names == (
        "id",
        "queue",
        "payload",
        "status",
        "run_at",
        "attempts",
        "max_attempts",
        "locked_at",
        "locked_by",
        "last_error",
        "created_at",
    )
    queued = next(i for i in jobs.indexes if i.name == "jobs_queue_run_at_idx")
    assert queued.column_names == ("queue", "run_at")
    assert queued.where == normalize_expr("status = 'queued'")
    assert "FOR UPDATE SKIP LOCKED" in result.example_queries[1]
    with pytest.raises(PatternError) as err:
        apply_job_queue(result.schema)
    assert err.value.message == c.ERR_TABLE_EXISTS.format(table="jobs")


# -- temporal validity ------------------------------------------------------------------------


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
    assert err.value.message == c.ERR_TEMPORAL_KEY.format(table="public.orders")
    with pytest.raises(PatternError) as err:
        apply_temporal_validity(shop(), table="orders", key="nope")
    assert err.value.message == c.ERR_UNKNOWN_COLUMN.format(table="public.orders", column="nope")
    with pytest.raises(PatternError) as err:
        apply_temporal_validity(shop(), table="customers", key="id")
    assert err.value.message == c.ERR_KEY_REFERENCED.format(
        columns="id", table="public.customers", referencing="public.orders"
    )
    jsonish = shop().with_table(
        Table(name="t", columns=(Column(name="doc", type="jsonb"),), uniques=())
    )
    with pytest.raises(PatternError) as err:
        apply_temporal_validity(jsonish, table="t", key="doc")
    assert err.value.message == c.ERR_TEMPORAL_KEY_TYPE.format(
        table="public.t", column="doc", type="jsonb"
    )


# -- monthly partitioning ---------------------------------------------------------------------


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
    assert err.value.message == c.ERR_COLUMN_TYPE.format(
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
    assert err.value.message == c.ERR_PARTITION_REFERENCED.format(
        table="public.customers", referencing="public.orders"
    )
    with pytest.raises(PatternError) as err:
        apply_monthly_partitioning(shop(), table="orders", column="placed_at", start="2025-13")
    assert err.value.message == c.ERR_OPTION_MONTH.format(option="start")
    parted = apply_monthly_partitioning(shop(), table="orders", column="placed_at").schema
    with pytest.raises(PatternError) as err:
        apply_monthly_partitioning(parted, table="orders", column="placed_at")
    assert err.value.message == c.ERR_PARTITIONED.format(table="public.orders")


# -- DDL of a pattern -------------------------------------------------------------------------


def test_pattern_ddl_puts_functions_first_and_triggers_last():
    after = apply_audit_columns(shop(), table="orders").schema
    ddl = pattern_ddl(shop(), after)
    assert ddl.index("CREATE OR REPLACE FUNCTION set_updated_at()") < ddl.index(
        "ADD COLUMN created_at"
    )
    assert ddl.index("ADD COLUMN updated_at") < ddl.index("CREATE TRIGGER")
    assert "MANUAL" not in ddl


def test_pattern_ddl_shows_the_rebuilt_definition_of_a_partitioned_table():
    after = apply_monthly_partitioning(shop(), table="orders", column="placed_at", months=1)
    ddl = pattern_ddl(shop(), after.schema)
    assert ddl.startswith(c.DDL_REBUILD.format(table="public.orders"))
    assert "PARTITION BY RANGE (placed_at)" in ddl
    assert "CREATE TABLE public.orders_y2025m01 PARTITION OF public.orders" in ddl
    assert "MANUAL" not in ddl
