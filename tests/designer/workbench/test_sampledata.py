"""Sample data obeys the design: the load into a real PostgreSQL enforces every constraint."""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.demo import demo_schema
from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    ForeignKey,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.sql import server
from designer.sql.server import apply_sql
from designer.workbench.load import copy_rows, create_schema, csv_files, seed_script
from designer.workbench.sampledata import ERR_CYCLE, GenerationError, SampleData

TYPES = (
    "integer",
    "bigint",
    "smallint",
    "numeric(8,2)",
    "text",
    "character varying(12)",
    "boolean",
    "date",
    "timestamp with time zone",
    "uuid",
    "jsonb",
    "integer[]",
    "interval",
    "inet",
)
CHECKS = {
    "integer": ("{c} BETWEEN 5 AND 50", "{c} > 0"),
    "numeric(8,2)": ("{c} >= 0", "{c} < 100"),
    "text": ("{c} IN ('a', 'b', 'c')", "char_length({c}) > 3", "{c} ~ '^[A-Z]{{3}}-[0-9]+$'"),
}


def _count(dsn: str, table: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        return int(row[0]) if row else 0


@st.composite
def designs(draw: st.DrawFn) -> Schema:
    tables: list[Table] = []
    for t in range(draw(st.integers(1, 4))):
        name = f"t{t}"
        columns = [Column("id", draw(st.sampled_from(("integer", "bigint", "uuid"))), False)]
        checks, uniques, fks = [], [], []
        for c in range(draw(st.integers(1, 4))):
            type_ = draw(st.sampled_from(TYPES))
            col = f"c{c}"
            columns.append(Column(col, type_, nullable=draw(st.booleans())))
            if type_ in CHECKS and draw(st.booleans()):
                checks.append(CheckConstraint(draw(st.sampled_from(CHECKS[type_])).format(c=col)))
            elif type_ in ("text", "integer", "uuid") and draw(st.booleans()):
                uniques.append(UniqueConstraint((col,)))
        parents = [p for p in tables if draw(st.booleans())]
        for p in parents[:2]:
            ref = f"{p.name}_id"
            columns.append(Column(ref, p.column("id").type, nullable=draw(st.booleans())))
            fks.append(ForeignKey((ref,), p.name, ("id",)))
        if draw(st.booleans()):  # a tree
            columns.append(Column("parent_id", columns[0].type))
            fks.append(ForeignKey(("parent_id",), name, ("id",)))
        tables.append(
            Table(
                name,
                columns=tuple(columns),
                primary_key=PrimaryKey(("id",)),
                checks=tuple(checks),
                uniques=tuple(uniques),
                foreign_keys=tuple(fks),
                expected_rows=draw(st.integers(0, 300)),
            )
        )
    if len(tables) >= 2 and draw(st.booleans()):  # a join table with a composite key
        a, b = tables[0], tables[1]
        tables.append(
            Table(
                "link",
                columns=(
                    Column("a_id", a.column("id").type, False),
                    Column("b_id", b.column("id").type, False),
                ),
                primary_key=PrimaryKey(("a_id", "b_id")),
                foreign_keys=(
                    ForeignKey(("a_id",), a.name, ("id",)),
                    ForeignKey(("b_id",), b.name, ("id",)),
                ),
                expected_rows=200,
            )
        )
    return Schema(tables=tuple(tables))


@settings(max_examples=8, deadline=None)
@given(schema=designs())
def test_generated_rows_satisfy_every_constraint_of_generated_designs(pg_server_dsn, schema):
    data = SampleData(schema, seed=3)
    with server.scratch_database(pg_server_dsn, prefix="erd_test") as dsn:
        create_schema(dsn, data)
        report = copy_rows(dsn, data)  # raises LoadError on any violated constraint
        for plan in data.order:
            assert _count(dsn, plan.table.name) == report.rows[plan.label] == plan.made
            if not plan.dedupe:
                assert plan.made == plan.wanted


def test_the_demo_loads_with_realistic_values(pg_db):
    data = SampleData(demo_schema(), default_rows=500, seed=7)
    create_schema(pg_db, data)
    report = copy_rows(pg_db, data)
    assert report.total_rows >= 9 * 400
    with psycopg.connect(pg_db) as conn:
        emails = [r[0] for r in conn.execute("SELECT email FROM customers LIMIT 20")]
        assert all("@" in e and " " not in e for e in emails)
        # the design's CHECK (country_code ~ '^[A-Z]{2}$') held while loading; the values are real
        assert (
            conn.execute(
                "SELECT count(*) FROM addresses WHERE country_code ~ '^[A-Z]{2}$'"
            ).fetchone()[0]
            == 500
        )
        # a tree: some categories have parents
        assert (
            conn.execute("SELECT count(*) FROM categories WHERE parent_id IS NOT NULL").fetchone()[
                0
            ]
            > 0
        )
        # new rows still get keys: the identity sequences moved past the loaded ones
        conn.execute("INSERT INTO categories (name, slug) VALUES ('new', 'new-one')")


def test_same_seed_same_rows_and_updated_after_created():
    schema = Schema(
        tables=(
            Table(
                "tickets",
                columns=(
                    Column("id", "integer", False),
                    Column("created_at", "timestamp with time zone", False),
                    Column("updated_at", "timestamp with time zone", False),
                ),
                primary_key=PrimaryKey(("id",)),
                expected_rows=200,
            ),
        )
    )

    def rows(seed: int) -> list:
        return [
            r for _, chunks in SampleData(schema, seed=seed).tables() for c in chunks for r in c
        ]

    first = rows(1)
    assert first == rows(1) and first != rows(2)
    assert all(r[1] < r[2] for r in first)


def test_domains_enums_and_a_nullable_cycle_load(pg_db):
    schema = Schema(
        domains=(
            Domain("percent", "integer", checks=(CheckConstraint("VALUE BETWEEN 0 AND 100"),)),
        ),
        tables=(
            Table(
                "teams",
                columns=(
                    Column("id", "integer", False),
                    Column("lead_id", "integer"),
                    Column("share", "percent", False),
                ),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=(ForeignKey(("lead_id",), "people", ("id",)),),
                expected_rows=50,
            ),
            Table(
                "people",
                columns=(Column("id", "integer", False), Column("team_id", "integer", False)),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=(ForeignKey(("team_id",), "teams", ("id",)),),
                expected_rows=300,
            ),
        ),
    )
    data = SampleData(schema)
    assert [p.table.name for p in data.order] == ["teams", "people"]
    assert any("left NULL to break a foreign-key cycle" in w for w in data.warnings)
    create_schema(pg_db, data)
    assert copy_rows(pg_db, data).rows == {"teams": 50, "people": 300}


def test_a_cycle_without_a_nullable_column_is_refused_clearly():
    a = Table(
        "a",
        columns=(Column("id", "integer", False), Column("b_id", "integer", False)),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("b_id",), "b", ("id",)),),
    )
    b = Table(
        "b",
        columns=(Column("id", "integer", False), Column("a_id", "integer", False)),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("a_id",), "a", ("id",)),),
    )
    with pytest.raises(GenerationError) as info:
        SampleData(Schema(tables=(a, b)))
    assert str(info.value) == ERR_CYCLE.format(tables="a, b")


def test_seed_script_is_idempotent_and_csv_reads_back(pg_db):
    schema = demo_schema()
    create_schema(pg_db, SampleData(schema))
    script = seed_script(SampleData(schema, default_rows=30, seed=2))
    assert "ON CONFLICT DO NOTHING" in script
    apply_sql(pg_db, script)
    apply_sql(pg_db, script)  # twice: nothing new, nothing fails
    assert _count(pg_db, "orders") == 30
    files = csv_files(SampleData(schema, default_rows=30, seed=2))
    text = files["public.customers.csv"]
    assert text.splitlines()[0] == '"id","email","full_name","created_at","preferences"'
    with psycopg.connect(pg_db) as conn:
        conn.execute("CREATE TEMP TABLE c (LIKE customers)")
        with conn.cursor().copy("COPY c FROM STDIN (FORMAT csv, HEADER)") as copy:
            copy.write(text)
        rows = conn.execute("SELECT count(*), count(preferences) FROM c").fetchone()
        assert rows[0] == 30
