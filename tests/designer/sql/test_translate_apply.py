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
from fixtures.designs import kitchen_sink
from fixtures.services import missing_service

from designer.demo import demo_schema
from designer.schema.model import Schema, Table
from designer.sql.dialects.mysql import MARIADB
from designer.sql.readers.postgres import import_postgres
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
