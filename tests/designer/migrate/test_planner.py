"""plan(): each fixture case uses the safe pattern; ordering, destructive opt-in, rendering."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from designer.migrate import changes as ch
from designer.migrate.diff import diff
from designer.migrate.planner import (
    BACKFILL,
    CONTRACT,
    ERR_DESTRUCTIVE,
    EXPAND,
    DestructivePlanError,
    Plan,
    plan,
)
from designer.migrate.rehearse import schema_from_sql
from designer.migrate.render import down_sql, plan_json, plan_markdown, up_sql
from designer.schema.model import Column, ForeignKey, PrimaryKey, Schema, Table

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "before.sql").exists())


@cache
def case_plan(case: str) -> Plan:
    d = FIXTURES / case
    renames = (
        json.loads((d / "renames.json").read_text()) if (d / "renames.json").exists() else None
    )
    before = schema_from_sql((d / "before.sql").read_text())
    after = schema_from_sql((d / "after.sql").read_text())
    return plan(diff(before, after, renames=renames), allow_destructive=True)


# Fragments of up.sql that show the safe pattern, in the order they must appear.
PATTERNS: dict[str, list[str]] = {
    "add_check": [
        "ADD CONSTRAINT customers_score_check CHECK (score >= 0) NOT VALID;\nCOMMIT;",
        "VALIDATE CONSTRAINT customers_score_check;",
    ],
    "add_column_constant_default": ["ADD COLUMN tier text DEFAULT 'basic' NOT NULL;"],
    "add_column_now_default": [
        "ADD COLUMN seen_at timestamp with time zone DEFAULT now() NOT NULL;"
    ],
    "add_column_volatile_default": [
        "ADD COLUMN token uuid;\nALTER TABLE public.customers ALTER COLUMN token SET DEFAULT gen_random_uuid();",
        "ADD CONSTRAINT customers_token_nn_check CHECK (token IS NOT NULL) NOT VALID;",
        "DO $backfill$",
        "SET token = DEFAULT",
        "COMMIT;\n        first_page",
        "VALIDATE CONSTRAINT customers_token_nn_check;",
        "ALTER COLUMN token SET NOT NULL;\nALTER TABLE public.customers DROP CONSTRAINT customers_token_nn_check;",
    ],
    "add_enum": ["CREATE TYPE public.mood AS ENUM ('sad', 'ok');", "ADD COLUMN feeling mood;"],
    "add_enum_value": [
        "ALTER TYPE public.mood ADD VALUE 'meh' BEFORE 'ok';",
        "ALTER TYPE public.mood ADD VALUE 'happy' AFTER 'ok';",
    ],
    "add_foreign_key": [
        "FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE CASCADE NOT VALID;",
        "VALIDATE CONSTRAINT orders_customer_id_fkey;",
    ],
    # imported designs list indexes by name, so the plan builds them in that order
    "add_index": [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_active_idx ON public.customers"
        " (created_at DESC) WHERE (score > 0);",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_lower_email_idx ON"
        " public.customers ((lower(email)));",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_name_idx",
    ],
    "add_primary_key": [
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_pkey ON public.customers (id);",
        "ADD CONSTRAINT customers_pkey PRIMARY KEY USING INDEX customers_pkey;",
    ],
    "add_table": [
        "CREATE TABLE public.orders (",
        "CREATE INDEX orders_customer_id_idx ON public.orders (customer_id);",
        "REFERENCES public.customers (id) NOT VALID;",
        "VALIDATE CONSTRAINT orders_customer_id_fkey;",
    ],
    "add_unique": [
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_email_key ON public.customers (email);",
        "ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;",
    ],
    "comment": [
        "COMMENT ON COLUMN public.customers.email IS 'Login, unique';",
        "COMMENT ON TABLE public.customers IS 'People who buy';",
    ],
    "defaults": [
        "ALTER COLUMN score SET DEFAULT 0;",
        "ALTER COLUMN total DROP DEFAULT;",
    ],
    "drop_check": ["DROP CONSTRAINT customers_score_check;"],
    "drop_column": ["ALTER TABLE public.customers DROP COLUMN score;"],
    "drop_foreign_key": ["DROP CONSTRAINT orders_customer_id_fkey;"],
    "drop_index": ["DROP INDEX CONCURRENTLY IF EXISTS public.customers_active_idx;"],
    "drop_not_null": ["ALTER COLUMN email DROP NOT NULL;"],
    "drop_primary_key": ["DROP CONSTRAINT customers_pkey;"],
    "drop_table": ["DROP CONSTRAINT orders_customer_id_fkey;", "DROP TABLE public.orders;"],
    "drop_unique": ["DROP CONSTRAINT customers_email_key;"],
    "rename_column": ["RENAME COLUMN name TO full_name;"],
    "rename_table": [
        "ALTER TABLE public.orders RENAME TO purchases;",
        "ALTER SEQUENCE public.orders_id_seq RENAME TO purchases_id_seq;",
        "RENAME CONSTRAINT orders_pkey TO purchases_pkey;",
    ],
    "rls_policy": [
        "ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;",
        "CREATE POLICY customers_own ON public.customers FOR SELECT\n    USING (email = CURRENT_USER);",
    ],
    "sequence": ["CREATE SEQUENCE public.invoice_numbers INCREMENT BY 10 START WITH 1000;"],
    "set_not_null": [
        "ADD CONSTRAINT customers_name_nn_check CHECK (name IS NOT NULL) NOT VALID;",
        "VALIDATE CONSTRAINT customers_name_nn_check;",
        "ALTER COLUMN name SET NOT NULL;\nALTER TABLE public.customers DROP CONSTRAINT customers_name_nn_check;",
    ],
    "type_change_with_default": [
        "ALTER COLUMN status DROP DEFAULT;",
        "ALTER COLUMN status TYPE character varying(20);",
        "ALTER COLUMN status SET DEFAULT 'pending';",
        "ALTER COLUMN total TYPE bigint;",
    ],
    "type_no_rewrite": [
        "ALTER COLUMN total TYPE numeric(12,2);",
        "ALTER COLUMN note TYPE character varying(80);",
        "ALTER COLUMN status TYPE character varying;",
    ],
    "type_rewrite": ["SET statement_timeout = '0';", "ALTER COLUMN score TYPE bigint;"],
    "view_over_type_change": [
        "DROP VIEW public.active_customers;",
        "ALTER COLUMN score TYPE bigint;",
        "CREATE VIEW public.active_customers AS",
    ],
    "view_replace": ["CREATE OR REPLACE VIEW public.active_customers AS"],
}


def test_every_case_has_a_pattern() -> None:
    assert sorted(PATTERNS) == CASES


@pytest.mark.parametrize("case", CASES)
def test_plan_uses_the_safe_pattern(case: str) -> None:
    text = up_sql(case_plan(case))
    position = 0
    for fragment in PATTERNS[case]:
        found = text.find(fragment, position)
        assert found >= 0, f"{fragment!r} not found (in order) in:\n{text}"
        position = found + len(fragment)


@pytest.mark.parametrize("case", CASES)
def test_every_step_sets_a_lock_timeout_and_concurrent_steps_run_outside_transactions(
    case: str,
) -> None:
    p = case_plan(case)
    for step in p.steps:
        assert "SET lock_timeout = '5s';" in step.sql
        concurrent = "CONCURRENTLY" in step.sql or "COMMIT;" in step.sql
        assert step.transactional is not concurrent, step
    blocks = re.split(r"\n(?=-- step )", up_sql(p))
    for block in blocks:
        if "CONCURRENTLY" in block or "DO $backfill$" in block:
            assert "BEGIN;" not in block


def test_rewriting_type_change_is_flagged_with_the_expand_contract_alternative() -> None:
    [step] = case_plan("type_rewrite").steps
    assert (step.rewrites, step.scans, step.lock) == (True, True, "ACCESS EXCLUSIVE")
    assert any("dual writes" in r and "backfill" in r for r in step.risks)
    assert not any(s.rewrites for s in case_plan("type_no_rewrite").steps)


def test_volatile_default_runs_expand_backfill_contract_phases_in_order() -> None:
    p = case_plan("add_column_volatile_default")
    phases = [s.phase for s in p.steps]
    assert phases == sorted(phases, key=[EXPAND, BACKFILL, CONTRACT].index)
    assert BACKFILL in phases
    backfill = next(s for s in p.steps if "Backfill" in s.description)
    assert not backfill.transactional and backfill.scans


def test_destructive_plan_needs_explicit_opt_in() -> None:
    changes = case_plan("drop_column").changes
    with pytest.raises(DestructivePlanError) as err:
        plan(changes)
    assert str(err.value) == ERR_DESTRUCTIVE.format(
        count=1, steps="Drop column public.customers.score"
    )
    assert plan(changes, allow_destructive=True).destructive_steps


def test_markdown_lists_destructive_steps_first_with_locks_and_rollback() -> None:
    text = plan_markdown(case_plan("drop_table"))
    assert text.index("## Destructive steps") < text.index("## Phase: contract")
    assert "- Step 2: Drop table public.orders" in text
    assert "Lock: `ACCESS EXCLUSIVE`" in text
    # the rollback of the drop is the table's own CREATE, not just a heading
    assert "Rollback:\n\n```sql\nCREATE TABLE public.orders (" in text


def test_json_carries_every_step() -> None:
    p = case_plan("add_foreign_key")
    data = json.loads(plan_json(p))
    assert [s["lock"] for s in data["steps"]] == ["SHARE ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE"]
    assert data["changes"][0]["kind"] == "AddForeignKey"


def test_down_sql_undoes_steps_last_first() -> None:
    text = down_sql(case_plan("add_column_volatile_default"))
    assert text.index("DROP NOT NULL") < text.index("DROP COLUMN IF EXISTS token")


def test_referenced_tables_are_created_before_foreign_keys_and_dropped_after_them() -> None:
    parent = Table(
        "a",
        columns=(Column("id", "bigint", nullable=False),),
        primary_key=PrimaryKey(("id",), name="a_pkey"),
    )
    child = Table(
        "b",
        columns=(Column("a_id", "bigint"),),
        foreign_keys=(ForeignKey(("a_id",), "a", ("id",), name="b_a_id_fkey"),),
    )
    up = up_sql(plan(diff(Schema(), Schema(tables=(child, parent)))))
    assert up.index("CREATE TABLE public.a") < up.index("FOREIGN KEY")
    assert up.index("CREATE TABLE public.b") < up.index("FOREIGN KEY")
    down_plan = plan(diff(Schema(tables=(child, parent)), Schema()), allow_destructive=True)
    kinds = [type(c) for c in down_plan.changes]
    assert kinds.index(ch.DropForeignKey) < kinds.index(ch.DropTable)
    text = up_sql(down_plan)
    assert text.index("DROP CONSTRAINT b_a_id_fkey") < text.index("DROP TABLE")


def test_empty_plan_renders_a_no_op() -> None:
    p = plan([])
    assert "Nothing to do" in up_sql(p) and "Nothing to do" in plan_markdown(p)
