"""The DDL a pattern adds: functions first, triggers last, rebuilt tables in full, and on
PostgreSQL it turns the old database into the new design."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from designer.patterns.audit_columns import apply_audit_columns
from designer.patterns.audit_log import apply_audit_log
from designer.patterns.ddl import DDL_REBUILD, pattern_ddl
from designer.patterns.job_queue import apply_job_queue
from designer.patterns.monthly_range_partitioning import apply_monthly_partitioning
from designer.patterns.multi_tenancy import apply_multi_tenancy
from designer.patterns.optimistic_locking import apply_optimistic_locking
from designer.patterns.soft_delete import apply_soft_delete
from designer.patterns.temporal_validity import apply_temporal_validity
from designer.schema.model import Schema
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres
from tests.designer.patterns.shop import shop


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
    assert ddl.startswith(DDL_REBUILD.format(table="public.orders"))
    assert "PARTITION BY RANGE (placed_at)" in ddl
    assert "CREATE TABLE public.orders_y2025m01 PARTITION OF public.orders" in ddl
    assert "MANUAL" not in ddl


def _dump(dsn: str) -> list[str]:
    lines = pgserver.dump_schema(dsn).splitlines()
    return sorted(line for line in lines if line and not line.startswith(("--", "\\", "SET")))


@pytest.mark.slow
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
