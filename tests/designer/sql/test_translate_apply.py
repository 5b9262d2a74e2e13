"""The MySQL/MariaDB and SQLite exports applied to real engines: every table, column,
primary key and foreign key of the design arrives, minus what the warnings name.

SQLite runs in-process (stdlib ``sqlite3``, ``PRAGMA foreign_keys = ON``); MariaDB is the
server on 127.0.0.1:3306 (root, no password), one scratch database per test. SQL Server has
no engine here: its DDL is checked by parsing (tests/designer/sql/test_translate.py).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fixtures.ddl import col, one_table
from fixtures.designs import kitchen_sink
from fixtures.services import missing_service

from designer.demo import demo_schema
from designer.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    View,
)
from designer.schema.sqltext import normalize_expr, normalize_query
from designer.sql.dialects.mysql import MARIADB
from designer.sql.readers.dbml import import_dbml
from designer.sql.readers.postgres import import_postgres
from designer.sql.readers.sqlglot import import_sql_dialect
from designer.sql.translate import export_mariadb, export_sqlite, flat_name

CORPUS = (
    "pagila",
    "chinook",
    "northwind",
    "adventureworks",
    "openstreetmap_website",
    "graphile_starter",
)
DESIGNS = ("demo", "kitchen_sink", *CORPUS)
MARIADB_HOST, MARIADB_PORT = "127.0.0.1", 3306


@cache
def design(name: str, corpus_dir: Path) -> Schema:
    if name == "demo":
        return demo_schema()
    if name == "kitchen_sink":
        return kitchen_sink()
    return import_postgres((corpus_dir / f"{name}.sql").read_text()).schema


def expected_tables(schema: Schema, warnings: tuple[str, ...]) -> dict[str, Table]:
    """Tables the export must create, by flat name: partitions are left out (warned), a
    child of legacy inheritance gets its parents' columns (warned)."""
    by_ref = {t.qualified_name: t for t in schema.tables}
    out = {}
    for t in schema.tables:
        if t.partition_of is not None:
            assert any(f"partition(s) of {t.partition_of.parent_schema}." in w for w in warnings)
            continue
        columns = [c for ref in t.inherits for c in by_ref[ref].columns] + list(t.columns)
        seen: dict[str, object] = {}
        for c in columns:
            seen.pop(c.name, None)
            seen[c.name] = c
        names = tuple(seen)
        out[flat_name(t.schema, t.name)] = Table(
            name=t.name,
            schema=t.schema,
            columns=tuple(seen[n] for n in names),  # type: ignore[misc]
            primary_key=t.primary_key,
            foreign_keys=t.foreign_keys,
        )
    return out


def expected_fk_count(table: Table, warnings: tuple[str, ...]) -> int:
    dropped = sum(
        1
        for fk in table.foreign_keys
        if f"Foreign key {fk.name or '(unnamed)'} on {table.qualified_name} references"
        in " ".join(warnings)
    )
    return len(table.foreign_keys) - dropped


# -- SQLite --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DESIGNS)
def test_sqlite_export_applies_with_every_table_column_and_key(name: str, corpus_dir: Path) -> None:
    schema = design(name, corpus_dir)
    result = export_sqlite(schema)
    conn = sqlite3.connect(":memory:")
    conn.executescript(result.text)
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    found = {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        if r[0] != "sqlite_sequence"
    }
    expected = expected_tables(schema, result.warnings)
    assert found == set(expected)
    for flat, table in expected.items():
        # table_xinfo, not table_info: generated columns are hidden from the latter.
        info = conn.execute(f"PRAGMA table_xinfo({quote_sqlite(flat)})").fetchall()
        assert [r[1] for r in info] == [c.name for c in table.columns], flat
        pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
        assert pk == list(table.primary_key.columns if table.primary_key else ()), flat
        fks = conn.execute(f"PRAGMA foreign_key_list({quote_sqlite(flat)})").fetchall()
        assert len({r[0] for r in fks}) == expected_fk_count(table, result.warnings), flat
        conn.execute(f"PRAGMA index_list({quote_sqlite(flat)})").fetchall()
    # Views are checked by SQLite only when read: read each one.
    for (view,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'view'").fetchall():
        conn.execute(f"SELECT * FROM {quote_sqlite(view)} LIMIT 0").fetchall()
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def test_sqlite_enforces_foreign_keys_and_enum_checks() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(export_sqlite(demo_schema()).text)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute(
            "INSERT INTO addresses (customer_id, line1, city, country_code) VALUES (9, 'a', 'b', 'NL')"
        )
    conn.execute("INSERT INTO customers (email, full_name) VALUES ('a@b.c', 'A')")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute("INSERT INTO orders (customer_id, status) VALUES (1, 'lost')")
    conn.execute("INSERT INTO orders (customer_id) VALUES (1)")
    assert conn.execute("SELECT id, status FROM orders").fetchall() == [(1, "pending")]


# -- MariaDB -------------------------------------------------------------------------------------


@pytest.fixture
def mariadb() -> Iterator[object]:
    """A cursor on a new, empty MariaDB database; dropped afterwards."""
    pymysql = pytest.importorskip("pymysql")
    try:
        server = pymysql.connect(
            host=MARIADB_HOST,
            port=MARIADB_PORT,
            user="root",
            autocommit=True,
            connect_timeout=3,
            client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS,
            charset="utf8mb4",
        )
    except pymysql.err.OperationalError as exc:
        missing_service(f"MariaDB at {MARIADB_HOST}:{MARIADB_PORT} (root, no password): {exc}")
    db = f"erd_test_{uuid.uuid4().hex[:12]}"
    cur = server.cursor()
    cur.execute(f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4")
    cur.execute(f"USE `{db}`")
    cur.db = db  # type: ignore[attr-defined]
    try:
        yield cur
    finally:
        cur.execute(f"DROP DATABASE `{db}`")
        server.close()


def run_script(cur: object, text: str) -> None:
    cur.execute(text)  # type: ignore[attr-defined]
    while cur.nextset():  # type: ignore[attr-defined]
        pass


def rows(cur: object, query: str) -> list[tuple[object, ...]]:
    cur.execute(query, (cur.db,))  # type: ignore[attr-defined]
    return list(cur.fetchall())  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", DESIGNS)
def test_mariadb_export_applies_with_every_table_column_and_key(
    name: str, corpus_dir: Path, mariadb: object
) -> None:
    schema = design(name, corpus_dir)
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    expected = {MARIADB.short(k): t for k, t in expected_tables(schema, result.warnings).items()}
    tables = rows(
        mariadb,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
    )
    assert {r[0] for r in tables} == set(expected)
    columns: dict[str, list[str]] = {}
    for table, column in rows(
        mariadb,
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s ORDER BY table_name, ordinal_position",
    ):
        columns.setdefault(table, []).append(column)
    pks: dict[str, list[str]] = {}
    for table, column in rows(
        mariadb,
        "SELECT table_name, column_name FROM information_schema.key_column_usage WHERE table_schema = %s AND constraint_name = 'PRIMARY' ORDER BY table_name, ordinal_position",
    ):
        pks.setdefault(table, []).append(column)
    fks: dict[str, int] = {}
    for (table,) in rows(
        mariadb,
        "SELECT table_name FROM information_schema.referential_constraints WHERE constraint_schema = %s",
    ):
        fks[table] = fks.get(table, 0) + 1
    for flat, table in expected.items():
        assert columns[flat] == [c.name for c in table.columns], flat
        assert pks.get(flat, []) == list(table.primary_key.columns if table.primary_key else ()), (
            flat
        )
        assert fks.get(flat, 0) == expected_fk_count(table, result.warnings), flat
    rows(mariadb, "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = %s")


def test_mariadb_keeps_enum_values_comments_and_cascades(mariadb: object) -> None:
    run_script(mariadb, export_mariadb(demo_schema()).text)
    ((column_type, comment),) = rows(
        mariadb,
        "SELECT column_type, (SELECT column_comment FROM information_schema.columns c2 WHERE c2.table_schema = c.table_schema AND c2.table_name = 'customers' AND c2.column_name = 'email') FROM information_schema.columns c WHERE table_schema = %s AND table_name = 'orders' AND column_name = 'status'",
    )
    assert column_type == "enum('pending','paid','shipped','delivered','cancelled')"
    assert comment == "Login and contact address"
    actions = rows(
        mariadb,
        "SELECT table_name, referenced_table_name, delete_rule FROM information_schema.referential_constraints WHERE constraint_schema = %s AND table_name = 'addresses'",
    )
    assert actions == [("addresses", "customers", "CASCADE")]


# -- MariaDB: what the engine refuses as it is, made to fit (issue 11) ----------------------------

MARIADB_ONLY = ("sakila_mysql", "employees_mysql", "adventureworks.dbml")
MARIADB_ONLY += ("dbml_cli_postgres_introspection.dbml", "dbml_playground_ecommerce.dbml")


def other_design(name: str, corpus_dir: Path) -> Schema:
    text = (corpus_dir / (name if name.endswith(".dbml") else f"{name}.sql")).read_text()
    if name.endswith(".dbml"):
        return import_dbml(text).schema
    return import_sql_dialect(text, "mysql").schema


@pytest.mark.parametrize("name", MARIADB_ONLY)
def test_mariadb_export_of_the_mysql_and_dbml_corpus_applies_with_every_table(
    name: str, corpus_dir: Path, mariadb: object
) -> None:
    schema = other_design(name, corpus_dir)
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    tables = rows(
        mariadb,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
    )
    expected = expected_tables(schema, result.warnings)
    assert {r[0] for r in tables} == {MARIADB.written_name(k) for k in expected}


def column_types(cur: object, table: str) -> dict[str, tuple[str, object]]:
    return {
        name: (type_, default)
        for name, type_, default in rows(
            cur,
            "SELECT column_name, column_type, column_default FROM information_schema.columns"
            f" WHERE table_schema = %s AND table_name = '{table}' ORDER BY ordinal_position",
        )
    }


# (type, default as PostgreSQL stores it, MariaDB's column_default, warning)
DEFAULTS = [
    (
        "timestamp without time zone",
        "'infinity'::timestamp without time zone",
        "'9999-12-31 23:59:59.000000'",
        "Column public.t.c: the default 'infinity'::timestamp became '9999-12-31 23:59:59' in"
        " MariaDB 10.11: DATETIME has no infinity; its latest value stands in.",
    ),
    (
        "date",
        "'-infinity'::date",
        "'1000-01-01'",
        "Column public.t.c: the default '-infinity'::date became '1000-01-01' in MariaDB 10.11:"
        " DATE has no -infinity; its earliest value stands in.",
    ),
    (
        "timestamp with time zone",
        "'2024-01-01 10:00:00+02'::timestamp with time zone",
        "'2024-01-01 08:00:00.000000'",
        "Column public.t.c: the default '2024-01-01 10:00:00+02'::timestamp with time zone became"
        " '2024-01-01 08:00:00' in MariaDB 10.11: DATETIME stores no time zone;"
        " '2024-01-01 10:00:00+02' is written as at UTC.",
    ),
    (
        "timestamp(0) without time zone",
        "(now() - '1 day'::interval)",
        "(current_timestamp() - interval 1 day)",
        None,
    ),
    ("date", "(CURRENT_DATE + 7)", "(curdate() + interval 7 day)", None),
    (
        "timestamp without time zone",
        "(now() + '01:30:00'::interval)",
        "(current_timestamp(6) + interval '01:30:00' hour_second)",
        None,
    ),
    ("timestamp without time zone", "CURRENT_DATE", "curdate()", None),
    (
        "integer",
        "'NaN'::numeric",
        "NULL",
        "Column public.t.c: the default 'NaN'::numeric was left out of MariaDB 10.11:"
        " INT has no value 'NaN'.",
    ),
    (
        "integer",
        "'12.50'::numeric",
        "13",
        "Column public.t.c: the default '12.50'::numeric became 13 in MariaDB 10.11: '12.50' is"
        " rounded to"
        " 13, as PostgreSQL rounds it on insert.",
    ),
    (
        "numeric(6,2)",
        "'$1,000.00'::money",
        "1000.00",
        "Column public.t.c: the default '$1,000.00'::money became 1000.00 in MariaDB 10.11:"
        " '$1,000.00' is written as the number 1000.00.",
    ),
    (
        "character(4)",
        "'default_char'::bpchar",
        "NULL",
        "Column public.t.c: the default 'default_char'::bpchar was left out of MariaDB 10.11:"
        " 'default_char' is 12 characters, longer than CHAR(4).",
    ),
    ("bytea", "'\\x00ff'::bytea", "X'00ff'", None),
    ("bit(4)", "'0101'::\"bit\"", "b'101'", None),
]


@pytest.mark.parametrize(("type_", "default", "arrived", "warning"), DEFAULTS)
def test_mariadb_defaults_it_cannot_hold_are_rewritten_or_left_out_with_the_reason(
    type_: str, default: str, arrived: object, warning: str | None, mariadb: object
) -> None:
    schema = one_table(
        col("id", "integer", nullable=False),
        col("c", type_, default=default),
        primary_key=PrimaryKey(("id",)),
    )
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    assert column_types(mariadb, "t")["c"][1] == arrived
    if warning is not None:
        assert warning in result.warnings
    else:
        assert not [w for w in result.warnings if "Column public.t.c:" in w]
    run_script(mariadb, "INSERT INTO t (id) VALUES (1)")


def test_mariadb_row_over_65535_bytes_gets_its_widest_strings_as_text(mariadb: object) -> None:
    columns = [col("id", "integer", nullable=False), col("k", "character varying(1000)")]
    columns += [col(f"v{i}", f"character varying({1000 + i})") for i in range(16)]
    schema = one_table(
        *columns, primary_key=PrimaryKey(("id",)), indexes=(Index("t_k", (IndexPart("k"),)),)
    )
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    assert (
        "Column public.t.v15: VARCHAR(1015) -> TEXT: the row of public.t would take 68521 bytes,"
        " over the 65535-byte row limit of MariaDB 10.11 (utf8mb4: 4 bytes a character); TEXT is"
        " stored off the row."
    ) in result.warnings
    types = {name: t for name, (t, _) in column_types(mariadb, "t").items()}
    assert types["v15"] == "text"
    assert types["k"] == "varchar(1000)"  # in a key: never TEXT
    assert sum(t == "text" for t in types.values()) == 1
    values = ", ".join(f"'{'é' * (1000 + i)}'" for i in range(16))
    names = ", ".join(f"v{i}" for i in range(16))
    run_script(mariadb, f"INSERT INTO t (id, {names}) VALUES (1, {values})")


def test_mariadb_row_over_innodb_page_gets_narrow_strings_as_text(mariadb: object) -> None:
    columns = [col("id", "integer", nullable=False)]
    columns += [col(f"v{i}", "character varying(40)") for i in range(60)]
    result = export_mariadb(one_table(*columns, primary_key=PrimaryKey(("id",))))
    run_script(mariadb, result.text)
    row_warnings = [w for w in result.warnings if "in-row limit" in w]
    assert row_warnings[0] == (
        "Column public.t.v0: VARCHAR(40) -> TEXT: the row of public.t would take 9692 bytes in an"
        " InnoDB page, over its 8126-byte in-row limit (16 KB pages; utf8mb4: 4 bytes a"
        " character); TEXT can be stored off the page."
    )
    types = [t for t, _ in column_types(mariadb, "t").values()]
    assert types.count("text") == len(row_warnings) == 12


def test_mariadb_foreign_key_over_3072_bytes_narrows_the_referenced_strings(
    mariadb: object,
) -> None:
    parent = Table(
        name="p",
        columns=(
            col("a", "character varying(800)", nullable=False),
            col("b", "character varying(800)", nullable=False),
        ),
        primary_key=PrimaryKey(("a", "b")),
    )
    child = Table(
        name="ch",
        columns=(col("pa", "character varying(800)"), col("pb", "character varying(800)")),
        foreign_keys=(ForeignKey(("pa", "pb"), "p", ("a", "b"), name="ch_p"),),
    )
    result = export_mariadb(Schema(tables=(parent, child)))
    run_script(mariadb, result.text)
    assert (
        "Column public.p.a: VARCHAR(768) -> VARCHAR(384): foreign key ch_p on public.ch needs an"
        " index over all of a, b (6144 bytes), and MariaDB 10.11 keys hold at most 3072 bytes"
        " (utf8mb4: 4 bytes a character); a foreign key cannot use a prefix."
    ) in result.warnings
    assert column_types(mariadb, "ch")["pb"][0] == "varchar(384)"
    assert rows(
        mariadb,
        "SELECT COUNT(*) FROM information_schema.referential_constraints WHERE constraint_schema = %s",
    ) == [(1,)]


def test_mariadb_names_it_refuses_are_written_with_underscores_and_warned(
    mariadb: object,
) -> None:
    smile = "\N{GRINNING FACE}"
    schema = Schema(
        tables=(
            Table(
                name=f"mood {smile}",
                columns=(col("id", "integer", nullable=False), col("n ", "integer")),
                primary_key=PrimaryKey(("id",)),
                checks=(CheckConstraint(normalize_expr('"n " > 0'), name="n_positive"),),
            ),
        ),
        views=(View(name="v", query=normalize_query(f'SELECT "n " FROM "mood {smile}"')),),
    )
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    assert (
        f"MariaDB 10.11: the table 'mood {smile}' is written as 'mood _': MySQL names hold no"
        " characters beyond U+FFFF (such as emoji)."
    ) in result.warnings
    assert (
        "MariaDB 10.11: the column 'n ' of public.mood \N{GRINNING FACE} is written as 'n_':"
        " MySQL names cannot end with a space."
    ) in result.warnings
    run_script(mariadb, "INSERT INTO `mood _` (id, n_) VALUES (1, 2)")
    assert rows(mariadb, "SELECT n_ FROM v WHERE %s IS NOT NULL") == [(2,)]


def test_mariadb_case_insensitive_regex_check_applies_and_holds(mariadb: object) -> None:
    schema = one_table(
        col("email", "character varying(100)"),
        checks=(CheckConstraint(normalize_expr("email ~* '^[a-z]+@'"), name="email_ok"),),
    )
    run_script(mariadb, export_mariadb(schema).text)
    run_script(mariadb, "INSERT INTO t (email) VALUES ('ANNA@example.org')")
    with pytest.raises(Exception, match="email_ok"):
        run_script(mariadb, "INSERT INTO t (email) VALUES ('42@example.org')")


def test_mariadb_text_in_a_plain_index_stays_longtext_under_a_prefix(mariadb: object) -> None:
    schema = one_table(
        col("id", "integer", nullable=False),
        col("body", "text"),
        primary_key=PrimaryKey(("id",)),
        indexes=(Index("t_body", (IndexPart("body"),)),),
    )
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    assert (
        "MariaDB 10.11 indexes TEXT and BLOB columns only by a prefix: index t_body on t indexes"
        " the first 768 characters of body (keys hold at most 3072 bytes; utf8mb4: 4 bytes a"
        " character)."
    ) in result.warnings
    assert column_types(mariadb, "t")["body"][0] == "longtext"
    run_script(mariadb, f"INSERT INTO t (id, body) VALUES (1, '{'x' * 5000}')")


def test_mariadb_check_on_the_current_date_or_a_missing_function_is_left_out_with_why(
    mariadb: object,
) -> None:
    schema = one_table(
        col("born", "date"),
        col("name", "text"),
        checks=(
            CheckConstraint(normalize_expr("born <= CURRENT_DATE"), name="born_past"),
            CheckConstraint(normalize_expr("split_part(name, '@', 2) <> ''"), name="has_at"),
            CheckConstraint(normalize_expr("char_length(name) <= 50"), name="short_name"),
        ),
    )
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    assert (
        "MariaDB 10.11 refuses a CHECK on CURRENT_DATE, whose value is not fixed: check"
        " born_past on t (`born` <= CURRENT_DATE) was left out."
    ) in result.warnings
    assert (
        "CHECK (split_part(name, '@', 2) <> '') on public.t cannot be written in MariaDB 10.11;"
        " left out."
    ) in result.warnings
    checks = rows(
        mariadb,
        "SELECT constraint_name FROM information_schema.check_constraints WHERE constraint_schema = %s",
    )
    assert checks == [("short_name",)]


def test_mariadb_names_equal_but_for_case_and_generated_over_auto_increment(
    mariadb: object,
) -> None:
    schema = one_table(
        col("id", "integer", nullable=False, identity="BY DEFAULT"),
        col("Name", "text"),
        col("name", "text"),
        Column("twice", "integer", generated=normalize_expr("id * 2"), generated_kind="STORED"),
        primary_key=PrimaryKey(("id",)),
        indexes=(Index("Ix", (IndexPart("Name"),)), Index("ix", (IndexPart("name"),))),
        checks=(CheckConstraint(normalize_expr("name <> ''"), name="name_set"),),
    )
    result = export_mariadb(schema)
    run_script(mariadb, result.text)
    assert (
        "Column public.t.name is written as name_2: MariaDB 10.11 compares column names without"
        " case, and another column of the table has the same name but for case (views are not"
        " rewritten)."
    ) in result.warnings
    assert (
        "MariaDB 10.11: index ix on public.t is written as ix_2: MySQL compares index names of a"
        " table without case, and another index or key has the same name but for case."
    ) in result.warnings
    assert (
        "MariaDB 10.11 refuses a generated column over an AUTO_INCREMENT column: public.t.twice"
        " (generated as `id` * 2, which reads `id`) is a plain column."
    ) in result.warnings
    assert list(column_types(mariadb, "t")) == ["id", "Name", "name_2", "twice"]
    with pytest.raises(Exception, match="name_set"):
        run_script(mariadb, "INSERT INTO t (Name, name_2) VALUES ('a', '')")
