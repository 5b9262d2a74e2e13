"""diff(): the change types each fixture case yields, renames from ids, rename suggestions."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import psycopg
import pytest

from designer.migrate import changes as ch
from designer.migrate.diff import diff
from designer.migrate.facts import is_volatile
from designer.migrate.rehearse import schema_from_sql
from designer.migrate.renames import suggest_renames
from designer.schema.model import Column, Index, IndexPart, PrimaryKey, Schema, Table

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "before.sql").exists())


@cache
def load(case: str) -> tuple[Schema, Schema, dict[str, str] | None]:
    d = FIXTURES / case
    renames = (
        json.loads((d / "renames.json").read_text()) if (d / "renames.json").exists() else None
    )
    return (
        schema_from_sql((d / "before.sql").read_text()),
        schema_from_sql((d / "after.sql").read_text()),
        renames,
    )


EXPECTED = {
    "add_check": ["AddCheck"],
    "add_column_constant_default": ["AddColumn", "AddColumn"],
    "add_column_now_default": ["AddColumn"],
    "add_column_volatile_default": ["AddColumn"],
    "add_enum": ["AddEnum", "AddColumn"],
    "add_enum_value": ["AddEnumValue", "AddEnumValue"],
    "add_foreign_key": ["AddForeignKey"],
    "add_index": ["AddIndex", "AddIndex", "AddIndex"],
    "add_primary_key": ["AddPrimaryKey"],
    "add_table": ["AddTable", "AddForeignKey"],
    "add_unique": ["AddUnique"],
    "comment": ["SetComment", "SetComment"],
    "defaults": ["SetDefault", "DropDefault"],
    "drop_check": ["DropCheck"],
    "drop_column": ["DropColumn"],
    "drop_foreign_key": ["DropForeignKey"],
    "drop_index": ["DropIndex", "DropIndex", "DropIndex"],
    "drop_not_null": ["DropNotNull"],
    "drop_primary_key": ["DropPrimaryKey"],
    "drop_table": ["DropForeignKey", "DropTable"],
    "drop_unique": ["DropUnique"],
    "rename_column": ["RenameColumn"],
    "rename_table": ["RenameTable", "RenameSequence", "RenameConstraint"],
    "rls_policy": ["EnableRls", "AddPolicy"],
    "sequence": ["AddSequence"],
    "set_not_null": ["SetNotNull"],
    # the string default is re-set around its type change; the number default is not
    "type_change_with_default": ["DropDefault", "AlterColumnType", "SetDefault", "AlterColumnType"],
    "type_no_rewrite": ["AlterColumnType", "AlterColumnType", "AlterColumnType"],
    "type_rewrite": ["AlterColumnType"],
    "view_over_type_change": ["AlterColumnType", "DropView", "AddView"],
    "view_replace": ["ReplaceView"],
}


def test_every_case_has_an_expectation() -> None:
    assert sorted(EXPECTED) == CASES


@pytest.mark.parametrize("case", CASES)
def test_diff_yields_the_expected_change_types(case: str) -> None:
    before, after, renames = load(case)
    assert [c.kind for c in diff(before, after, renames=renames)] == EXPECTED[case]


@pytest.mark.parametrize("case", CASES)
def test_diff_is_empty_between_equal_designs_and_deterministic(case: str) -> None:
    before, after, renames = load(case)
    assert diff(after, after) == []
    assert diff(before, after, renames=renames) == diff(before, after, renames=renames)


def test_without_confirmed_renames_a_rename_is_a_drop_and_an_add() -> None:
    before, after, _ = load("rename_column")
    kinds = [c.kind for c in diff(before, after)]
    assert kinds == ["AddColumn", "DropColumn"]


def test_suggest_renames_proposes_column_and_table_renames() -> None:
    before, after, _ = load("rename_column")
    [s] = suggest_renames(before, after)
    assert (s.kind, s.key, s.new_name) == ("column", "public.customers.name", "full_name")
    before, after, renames = load("rename_table")
    [t] = suggest_renames(before, after)
    assert {t.key: t.new_name} == renames


def _table(name: str, cols: tuple[str, ...], tid: str) -> Table:
    columns = tuple(Column(c, "bigint", nullable=c != "id", id=f"{tid}.{c}") for c in cols)
    return Table(
        name,
        columns=columns,
        primary_key=PrimaryKey(("id",), name=f"{name}_pkey"),
        indexes=(Index(f"{name}_note_idx", (IndexPart(column="note"),), id=f"{tid}.ix"),),
        id=tid,
    )


def test_same_id_under_a_new_name_is_a_rename_never_drop_and_add() -> None:
    before = Schema(tables=(_table("client", ("id", "note"), "t1"),))
    t = _table("customer", ("id", "remark"), "t1")
    renamed_col = replace(t.columns[1], id="t1.note")
    index = replace(t.indexes[0], name="customer_remark_idx", parts=(IndexPart(column="remark"),))
    after = Schema(tables=(replace(t, columns=(t.columns[0], renamed_col), indexes=(index,)),))
    kinds = [c.kind for c in diff(before, after)]
    assert "DropTable" not in kinds and "DropColumn" not in kinds and "DropIndex" not in kinds
    assert kinds[:1] == ["RenameTable"]
    assert {"RenameColumn", "RenameIndex", "RenameConstraint"} <= set(kinds)


def test_different_ids_under_one_name_are_a_drop_and_an_add() -> None:
    before = Schema(tables=(_table("t", ("id",), "a"),))
    after = Schema(tables=(_table("t", ("id",), "b"),))
    assert [c.kind for c in diff(before, after)] == ["AddTable", "DropTable"]


@pytest.mark.parametrize(
    ("old", "new", "rewrites", "narrows"),
    [
        ("character varying(10)", "character varying(20)", False, False),
        ("character varying(10)", "character varying", False, False),
        ("character varying(10)", "text", False, False),
        ("text", "character varying", False, False),
        ("numeric(10,2)", "numeric(12,2)", False, False),
        ("numeric(10,2)", "numeric", False, False),
        ("numeric(10,2)", "numeric(12,3)", True, False),
        ("integer", "bigint", True, False),
        ("bigint", "integer", True, True),
        ("character varying(20)", "character varying(10)", True, True),
        ("text", "character varying(10)", True, True),
        ("text", "integer", True, True),
    ],
)
def test_type_change_classification(old: str, new: str, rewrites: bool, narrows: bool) -> None:
    change = ch.AlterColumnType("public", "t", "c", old, new)
    assert (change.rewrites, change.destructive) == (rewrites, narrows)


@pytest.mark.parametrize(
    ("expr", "volatile"),
    [
        ("now()", False),
        ("CURRENT_TIMESTAMP", False),
        ("'new'::text", False),
        ("0", False),
        ("gen_random_uuid()", True),
        ("random()", True),
        ("clock_timestamp()", True),
        ("nextval('s'::regclass)", True),
    ],
)
def test_volatile_defaults(expr: str, volatile: bool) -> None:
    assert is_volatile(expr) is volatile


def test_every_change_reverses_to_its_inverse() -> None:
    for case in CASES:
        before, after, renames = load(case)
        for change in diff(before, after, renames=renames):
            assert change.describe()
            if isinstance(change, ch.AddEnumValue):
                # PostgreSQL cannot drop an enum value: the inverse rebuilds the type.
                undo = change.reverse()
                assert isinstance(undo, ch.RecreateEnum) and undo.new == change.enum
                continue
            if isinstance(change, ch.DropView):
                # A view dropped only to be rebuilt comes back as a plain drop.
                change = ch.DropView(change.view)
            assert change.reverse().reverse() == change, change


def test_an_unnamed_exclusion_is_dropped_by_the_name_postgresql_gave_it(pg_db: str) -> None:
    before_sql = (
        "CREATE TABLE booking (room int4range, during tsrange,"
        " EXCLUDE USING gist (room WITH &&, during WITH &&),"
        " EXCLUDE USING gist ((room * room) WITH &&));"
    )
    before = schema_from_sql(before_sql)
    table = before.tables[0]
    after = before.with_table(replace(table, excludes=()))
    drops = [c for c in diff(before, after) if isinstance(c, ch.DropExclusion)]
    names = sorted(c.exclusion.name or "" for c in drops)
    assert names == ["booking_expr_excl", "booking_room_during_excl"]
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute(before_sql)
        for name in names:  # the names PostgreSQL chose: each drop finds its constraint
            conn.execute(f"ALTER TABLE booking DROP CONSTRAINT {name}")


def test_a_type_change_under_a_generated_column_is_a_manual_step() -> None:
    # PostgreSQL refuses ALTER TYPE on a column a generated column reads
    before = schema_from_sql(
        "CREATE TABLE t (a integer, doubled integer GENERATED ALWAYS AS (a * 2) STORED);"
    )
    after = schema_from_sql(
        "CREATE TABLE t (a bigint, doubled integer GENERATED ALWAYS AS (a * 2) STORED);"
    )
    changes = diff(before, after)
    assert changes == [
        ch.ManualChange(
            "column public.t.a: its type changes, and PostgreSQL refuses that while generated"
            " column(s) doubled read it; drop them, change the type, add them again"
        )
    ]


def test_a_rename_reaches_checks_indexes_policies_and_generated_columns() -> None:
    before = schema_from_sql(
        "CREATE TABLE t (a integer CONSTRAINT positive CHECK (a > 0), g integer GENERATED ALWAYS AS (a * 2) STORED);"
        " CREATE INDEX t_expr ON t ((a + 1)) WHERE a IS NOT NULL;"
        " ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON t USING (a > 1);"
    )
    after = schema_from_sql(
        "CREATE TABLE t (b integer CONSTRAINT positive CHECK (b > 0), g integer GENERATED ALWAYS AS (b * 2) STORED);"
        " CREATE INDEX t_expr ON t ((b + 1)) WHERE b IS NOT NULL;"
        " ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON t USING (b > 1);"
    )
    table = before.tables[0]
    ids = replace(table, columns=tuple(replace(c, id=c.name) for c in table.columns))
    renamed = after.tables[0]
    renamed = replace(
        renamed,
        columns=(replace(renamed.columns[0], id="a"), replace(renamed.columns[1], id="g")),
    )
    changes = diff(replace(before, tables=(ids,)), replace(after, tables=(renamed,)))
    # PostgreSQL carries the rename into every expression: nothing else to do
    assert changes == [ch.RenameColumn("public", "t", "a", "b")]
