"""A script means what PostgreSQL does with it: generated psql-style scripts (DROP … IF EXISTS
before CREATE, CREATE OR REPLACE, ALTER after CREATE, DROP of what was made earlier) are run on
the real PostgreSQL, and importing the script then exporting the design must build the very
catalog the script built (``pg_dump`` of both, line for line)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres
from designer.sql.readers.postgres import import_postgres

TABLES = ("t1", "t2", "t3")
RESET = "DROP SCHEMA IF EXISTS s CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;"


class Script:
    """Statements valid on the state they find, like a schema file written for psql."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.tables: dict[str, set[str]] = {}  # table -> added columns
        self.refs: dict[str, str] = {}  # table -> the table its foreign key points at
        self.made: set[str] = set()  # routines, types, views, domain, trigger, schema

    def emit(self, sql: str) -> None:
        self.lines.append(sql)

    def table(self, name: str, variant: int) -> None:
        if name in self.tables:
            column = f"c{variant}"
            if column in self.tables[name]:
                if not ("v" in self.made and name == "t1"):
                    self.emit(f"ALTER TABLE {name} DROP COLUMN {column};")
                    self.tables[name].discard(column)
            else:
                self.emit(f"ALTER TABLE {name} ADD COLUMN {column} text DEFAULT 'x{variant}';")
                self.tables[name].add(column)
            return
        columns = ["id integer PRIMARY KEY", "note text NOT NULL"]
        if name != "t1" and "t1" in self.tables and variant % 2:
            columns.append("ref integer REFERENCES t1(id) ON DELETE CASCADE")
            self.refs[name] = "t1"
        if name == "t3" and "e" in self.made:
            columns.append("state e DEFAULT 'a'")
        if "d" in self.made and variant % 3 == 0:
            columns.append("qty d")
        self.emit(f"CREATE TABLE {name} ({', '.join(columns)});")
        self.tables[name] = set()

    def drop_table(self, name: str, variant: int) -> None:
        if name not in self.tables:
            self.emit(f"DROP TABLE IF EXISTS {name};")
            return
        if name == "t1" and ({"v", "trg"} & self.made):
            return
        referenced = any(r == name for r in self.refs.values())
        exists = " IF EXISTS" if variant % 2 else ""
        self.emit(f"DROP TABLE{exists} {name}{' CASCADE' if referenced else ''};")
        del self.tables[name]
        self.refs = {t: r for t, r in self.refs.items() if r != name and t != name}

    def function(self, variant: int) -> None:
        if variant % 3 == 0:
            if "f" in self.made:
                self.emit(f"DROP FUNCTION{' IF EXISTS' if variant % 2 else ''} f(integer);")
                self.made.discard("f")
            else:
                self.emit("DROP FUNCTION IF EXISTS f(int4);")
            return
        verb = "CREATE OR REPLACE" if "f" in self.made or variant % 2 else "CREATE"
        self.emit(
            f"{verb} FUNCTION f(a integer) RETURNS integer LANGUAGE sql"
            f" AS $$ SELECT a + {variant} $$;"
        )
        self.made.add("f")

    def composite(self, variant: int) -> None:
        if "ty" in self.made:
            if "g" in self.made:
                self.emit("DROP FUNCTION g();")
                self.made.discard("g")
            elif variant % 2:
                self.emit("DROP TYPE ty;")
                self.made.discard("ty")
            else:
                self.emit(
                    "CREATE OR REPLACE FUNCTION g() RETURNS ty LANGUAGE sql"
                    f" AS $$ SELECT {variant}, 'g'::text $$;"
                )
                self.made.add("g")
            return
        self.emit("DROP TYPE IF EXISTS ty CASCADE;")
        self.emit("CREATE TYPE ty AS (a integer, b text);")
        self.made.add("ty")

    def enum(self, variant: int) -> None:
        if "e" in self.made:
            if "t3" not in self.tables or "state" not in self.lines_of("t3"):
                self.emit(f"DROP TYPE{' IF EXISTS' if variant % 2 else ''} e;")
                self.made.discard("e")
            return
        self.emit("DROP TYPE IF EXISTS e;")
        self.emit("CREATE TYPE e AS ENUM ('a', 'b');")
        self.made.add("e")

    def lines_of(self, table: str) -> str:
        return next(
            (line for line in reversed(self.lines) if line.startswith(f"CREATE TABLE {table} ")),
            "",
        )

    def domain(self, variant: int) -> None:
        if "d" in self.made:
            if not any("qty d" in self.lines_of(t) for t in self.tables):
                self.emit("DROP DOMAIN d;")
                self.made.discard("d")
            return
        self.emit("DROP DOMAIN IF EXISTS d;")
        self.emit(f"CREATE DOMAIN d AS integer CHECK (VALUE > {variant});")
        self.made.add("d")

    def view(self, variant: int) -> None:
        if "t1" not in self.tables:
            self.emit("DROP VIEW IF EXISTS v;")
            return
        if "v" in self.made and variant % 3 == 0:
            self.emit("DROP VIEW v;")
            self.made.discard("v")
            return
        verb = "CREATE OR REPLACE" if "v" in self.made else "CREATE"
        self.emit(f"{verb} VIEW v AS SELECT id, note FROM t1 WHERE id > {variant};")
        self.made.add("v")

    def trigger(self, variant: int) -> None:
        if "t1" not in self.tables:
            self.emit("DROP TRIGGER IF EXISTS trg ON t1;" if variant % 2 else "")
            return
        if "trg" in self.made:
            self.emit("DROP TRIGGER trg ON t1;")
            self.made.discard("trg")
            return
        self.emit(
            "CREATE OR REPLACE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN NEW.note := upper(NEW.note); RETURN NEW; END $$;"
        )
        self.emit("DROP TRIGGER IF EXISTS trg ON t1;")
        self.emit("CREATE TRIGGER trg BEFORE INSERT ON t1 FOR EACH ROW EXECUTE FUNCTION tf();")
        self.made.add("trg")

    def schema(self, variant: int) -> None:
        if "s" in self.made:
            self.emit(f"DROP SCHEMA s{' CASCADE' if variant % 2 else ''};")
            self.made.discard("s")
        else:
            self.emit("DROP SCHEMA IF EXISTS s CASCADE;")
            self.emit("CREATE SCHEMA s;")
            self.made.add("s")


STEPS = ("table", "drop_table", "function", "composite", "enum", "domain", "view", "trigger")
step = st.tuples(st.sampled_from((*STEPS, "schema")), st.sampled_from(TABLES), st.integers(1, 6))


def build(steps: list[tuple[str, str, int]]) -> str:
    script = Script()
    script.emit("CREATE TABLE t0 (id integer PRIMARY KEY);")
    for kind, table, variant in steps:
        if kind in ("table", "drop_table"):
            getattr(script, kind)(table, variant)
        else:
            getattr(script, kind)(variant)
    return "\n".join(line for line in script.lines if line) + "\n"


# PostgreSQL 18 names the NOT NULL constraints a LIKE copies after the source table; the
# design holds nullability, and the copy's constraints get the copy's default names (a gap).
_NOT_NULL_NAME = re.compile(r"CONSTRAINT \w+_not_null NOT NULL")


def dump_lines(dump: str) -> Counter[str]:
    return Counter(
        _NOT_NULL_NAME.sub("NOT NULL", line.rstrip())
        for line in dump.splitlines()
        if line.strip() and not line.startswith(("--", "SET ", "SELECT pg_catalog.", "\\"))
    )


def assert_import_means_what_postgres_does(dsn: str, script: str) -> None:
    pgserver.apply_sql(dsn, RESET + "\n" + script)
    expected = dump_lines(pgserver.dump_schema(dsn))
    exported = export_postgres(import_postgres(script).schema).text
    pgserver.apply_sql(dsn, RESET + "\n" + exported)
    got = dump_lines(pgserver.dump_schema(dsn))
    missing, extra = sorted((expected - got).elements()), sorted((got - expected).elements())
    assert not missing and not extra, (
        f"script:\n{script}\nexport:\n{exported}\nmissing: {missing}\nextra: {extra}"
    )


@pytest.fixture(scope="module")
def scratch(pg_server_dsn: str):
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_script") as dsn:
        yield dsn


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_a_generated_script_imports_as_the_catalog_postgres_builds(scratch, steps) -> None:
    assert_import_means_what_postgres_does(scratch, build(steps))


PSQL_FILE = """
DROP FUNCTION IF EXISTS total(bigint);
DROP TYPE IF EXISTS money_pair CASCADE;
DROP TABLE IF EXISTS orders CASCADE;
DROP TABLE IF EXISTS customers CASCADE;
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers(id),
    amount numeric(12,2) NOT NULL DEFAULT 0);
CREATE TYPE money_pair AS (amount numeric, currency text);
CREATE FUNCTION total(c bigint) RETURNS money_pair LANGUAGE sql STABLE
    AS $$ SELECT sum(amount), 'EUR'::text FROM orders WHERE customer_id = c $$;
ALTER TABLE orders ADD COLUMN placed_at timestamptz NOT NULL DEFAULT now();
CREATE OR REPLACE FUNCTION total(c bigint) RETURNS money_pair LANGUAGE sql STABLE
    AS $$ SELECT coalesce(sum(amount), 0), 'EUR'::text FROM orders WHERE customer_id = c $$;
"""


def test_a_psql_file_with_drop_if_exists_pairs_keeps_its_functions_and_types(scratch) -> None:
    result = import_postgres(PSQL_FILE)
    assert [r.kind for r in result.schema.raw] == ["CompositeTypeStmt", "CreateFunctionStmt"]
    assert "coalesce" in result.schema.raw[1].sql
    assert {s.kind for s in result.report.skipped} == {"DROP"}
    assert_import_means_what_postgres_does(scratch, PSQL_FILE)


LIKE_SOURCE = """
CREATE TABLE src (
    id integer PRIMARY KEY,
    code varchar(20) NOT NULL UNIQUE,
    qty integer DEFAULT 1 CHECK (qty > 0),
    price numeric(10,2) NOT NULL DEFAULT 0,
    total numeric GENERATED ALWAYS AS (qty * price) STORED,
    seq bigint GENERATED BY DEFAULT AS IDENTITY,
    note text COLLATE "C",
    CONSTRAINT price_positive CHECK (price >= 0)
);
CREATE INDEX src_note_idx ON src (note) WHERE note IS NOT NULL;
COMMENT ON COLUMN src.code IS 'the code';
"""
LIKE_OPTIONS = ("DEFAULTS", "CONSTRAINTS", "INDEXES", "COMMENTS", "IDENTITY", "GENERATED")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    options=st.lists(st.sampled_from((*LIKE_OPTIONS, "ALL")), unique=True, max_size=4),
    extra=st.booleans(),
)
def test_create_table_like_is_a_table_of_the_design_as_the_catalog_has_it(
    scratch, options, extra
) -> None:
    including = "".join(f" INCLUDING {o}" for o in options)
    more = ", added text NOT NULL" if extra else ""
    script = f"{LIKE_SOURCE}CREATE TABLE copy (LIKE src{including}{more});\n"
    schema = import_postgres(script).schema
    assert schema.table("copy") is not None and not schema.raw
    assert_import_means_what_postgres_does(scratch, script)
