"""The text of the MySQL/MariaDB, SQLite and SQL Server exports: quoting, type mapping,
warnings, determinism. SQL Server has no engine here, so its DDL is proven by sqlglot
reading every batch back (``read="tsql"``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot
from fixtures.designs import kitchen_sink

from designer.demo import demo_schema
from designer.schema.model import (
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
)
from designer.schema.sqltext import normalize_expr, normalize_type
from designer.sql.readers.postgres import import_postgres
from designer.sql.translate import (
    DIALECT_EXPORTS,
    export_mariadb,
    export_mysql,
    export_sqlite,
    export_tsql,
)

CORPUS = (
    "pagila",
    "chinook",
    "northwind",
    "adventureworks",
    "openstreetmap_website",
    "graphile_starter",
)


def col(name: str, type_: str, **kwargs: object) -> Column:
    if kwargs.get("default") is not None:
        kwargs["default"] = normalize_expr(str(kwargs["default"]))
    return Column(name, normalize_type(type_), **kwargs)  # type: ignore[arg-type]


def one_table(*columns: Column, **kwargs: object) -> Schema:
    return Schema(tables=(Table(name="t", columns=columns, **kwargs),))  # type: ignore[arg-type]


def column_line(text: str, name: str) -> str:
    """The line of ``text`` defining the column whose quoted name starts the line."""
    for line in text.splitlines():
        if line.strip().startswith(name + " "):
            return line.strip().rstrip(",")
    raise AssertionError(f"no column {name} in:\n{text}")


def test_mysql_quotes_with_backticks_doubling_a_backtick_inside_a_name() -> None:
    schema = Schema(tables=(Table(name="we`ird", columns=(col("a`b", "integer"),)),))
    text = export_mysql(schema).text
    assert "CREATE TABLE `we``ird` (" in text
    assert "`a``b` INT" in text


def test_tsql_quotes_with_brackets_doubling_a_closing_bracket() -> None:
    schema = Schema(tables=(Table(name="odd]name", columns=(col("x]y", "integer"),)),))
    text = export_tsql(schema).text
    assert "CREATE TABLE [dbo].[odd]]name] (" in text
    assert "[x]]y] INT NULL" in text


def test_sqlite_quotes_with_double_quotes_and_flattens_schemas() -> None:
    schema = Schema(tables=(Table(name='sa"y', schema="app", columns=(col("id", "integer"),)),))
    text = export_sqlite(schema).text
    assert 'CREATE TABLE "app_sa""y" (' in text


@pytest.mark.parametrize(
    ("pg", "mysql", "sqlite", "tsql"),
    [
        ("integer", "INT", "INTEGER", "INT"),
        ("bigint", "BIGINT", "INTEGER", "BIGINT"),
        ("numeric(12,2)", "DECIMAL(12,2)", "NUMERIC", "DECIMAL(12,2)"),
        ("varchar(40)", "VARCHAR(40)", "TEXT", "NVARCHAR(40)"),
        ("text", "LONGTEXT", "TEXT", "NVARCHAR(MAX)"),
        ("boolean", "BOOLEAN", "INTEGER", "BIT"),
        ("timestamptz", "DATETIME(6)", "TEXT", "DATETIMEOFFSET(6)"),
        ("timestamp(3)", "DATETIME(3)", "TEXT", "DATETIME2(3)"),
        ("jsonb", "JSON", "TEXT", "NVARCHAR(MAX)"),
        ("uuid", "CHAR(36)", "TEXT", "UNIQUEIDENTIFIER"),
        ("bytea", "LONGBLOB", "BLOB", "VARBINARY(MAX)"),
        ("text[]", "JSON", "TEXT", "NVARCHAR(MAX)"),
        ("inet", "VARCHAR(49)", "TEXT", "NVARCHAR(49)"),
    ],
)
def test_types_map_per_dialect(pg: str, mysql: str, sqlite: str, tsql: str) -> None:
    schema = one_table(col("c", pg))
    assert column_line(export_mysql(schema).text, "`c`") == f"`c` {mysql}"
    assert column_line(export_sqlite(schema).text, '"c"') == f'"c" {sqlite}'
    assert column_line(export_tsql(schema).text, "[c]") == f"[c] {tsql} NULL"


def test_mariadb_writes_uuid_natively() -> None:
    assert "`c` UUID" in export_mariadb(one_table(col("c", "uuid"))).text


def test_text_in_a_key_becomes_a_bounded_string_with_a_warning() -> None:
    schema = one_table(col("code", "text", nullable=False), primary_key=PrimaryKey(("code",)))
    mysql = export_mysql(schema)
    assert "`code` VARCHAR(255) NOT NULL" in mysql.text
    assert any("TEXT cannot be part of a key" in w for w in mysql.warnings)
    assert "[code] NVARCHAR(450) NOT NULL" in export_tsql(schema).text


def test_identity_becomes_auto_increment_autoincrement_and_identity() -> None:
    schema = one_table(
        col("id", "bigint", nullable=False, identity="ALWAYS", identity_options="START WITH 5"),
        primary_key=PrimaryKey(("id",)),
    )
    assert "`id` BIGINT NOT NULL AUTO_INCREMENT" in export_mysql(schema).text
    assert '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL' in export_sqlite(schema).text
    assert "[id] BIGINT IDENTITY(5,1) NOT NULL" in export_tsql(schema).text


def test_enums_inline_in_mysql_and_become_checks_elsewhere() -> None:
    schema = Schema(
        tables=(Table(name="t", columns=(col("s", "mood", default="'ok'::mood"),)),),
        enums=(EnumType(name="mood", values=("ok", "it's bad")),),
    )
    assert "`s` ENUM('ok', 'it''s bad') DEFAULT 'ok'" in export_mysql(schema).text
    sqlite = export_sqlite(schema)
    assert """CHECK ("s" IN ('ok', 'it''s bad'))""" in sqlite.text
    assert any("no enum types" in w for w in sqlite.warnings)
    assert "[s] NVARCHAR(8) DEFAULT 'ok' NULL" in export_tsql(schema).text


def test_mysql_doubles_backslashes_in_literals() -> None:
    schema = Schema(tables=(Table(name="t", columns=(col("c", "text"),), comment="a\\b 'q'"),))
    assert "COMMENT='a\\\\b ''q'''" in export_mysql(schema).text


def test_what_a_target_lacks_is_warned_at_the_top_of_the_file() -> None:
    schema = Schema(
        tables=(
            Table(
                name="p",
                columns=(col("id", "integer", nullable=False), col("gone", "timestamptz")),
                primary_key=PrimaryKey(("id",)),
                indexes=(
                    Index(
                        "p_live",
                        (IndexPart(column="id"),),
                        where=normalize_expr("gone IS NULL"),
                    ),
                ),
                comment="Parents",
            ),
            Table(
                name="c",
                columns=(col("p_id", "integer"),),
                foreign_keys=(
                    ForeignKey(("p_id",), "p", ("id",), name="c_p", on_delete="RESTRICT"),
                ),
            ),
        )
    )
    mysql = export_mysql(schema)
    assert (
        "MySQL 8 has no partial indexes: left out for index p_live on public.p." in mysql.warnings
    )
    sqlite = export_sqlite(schema)
    assert "SQLite has no comments: 1 comment(s) were left out." in sqlite.warnings
    assert 'WHERE "gone" IS NULL' in sqlite.text  # SQLite has partial indexes
    tsql = export_tsql(schema)
    assert (
        "SQL Server has no ON DELETE RESTRICT: foreign key c_p on public.c uses NO ACTION."
        in tsql.warnings
    )
    for result in (mysql, sqlite, tsql):
        head = result.text.split("\n\n")[1]
        assert all(f"--   {w}" in head for w in result.warnings)


def test_postgres_only_objects_are_listed_not_emitted() -> None:
    result = export_mysql(kitchen_sink())
    text = result.text.split("\n\n", 2)[2]
    for word in ("CREATE FUNCTION", "CREATE TRIGGER", "POLICY", "EXCLUDE", "CREATE TYPE", "DOMAIN"):
        assert word not in text
    joined = "\n".join(result.warnings)
    assert "3 PostgreSQL-specific statement(s)" in joined
    assert "row-level security" in joined
    assert "EXCLUDE constraints" in joined
    assert "no domains: app.positive_amount" in joined
    assert "no declarative partitioning" in joined


@pytest.mark.parametrize("name", sorted(DIALECT_EXPORTS))
def test_exports_are_deterministic(name: str) -> None:
    export = DIALECT_EXPORTS[name][2]
    assert export(kitchen_sink()) == export(kitchen_sink())
    assert export(demo_schema()).text == export(demo_schema()).text


def test_dialect_exports_table() -> None:
    assert sorted(DIALECT_EXPORTS) == ["mariadb", "mysql", "sqlite", "tsql"]
    assert all(ext == "sql" and callable(fn) for _, ext, fn in DIALECT_EXPORTS.values())


def test_tsql_creates_schemas_and_views_in_their_own_batches() -> None:
    text = export_tsql(kitchen_sink()).text
    assert "CREATE SCHEMA [app];\nGO" in text
    assert "CREATE TABLE [dbo].[user] (" in text
    assert re.search(r"^GO\nCREATE VIEW \[dbo\]\.\[active users\]", text, re.M)
    assert "EXEC sp_addextendedproperty @name = N'MS_Description'" in text


@pytest.mark.parametrize("name", ["demo", "kitchen_sink", *CORPUS])
def test_tsql_export_reads_back_with_sqlglot(name: str, corpus_dir: Path) -> None:
    if name == "demo":
        schema = demo_schema()
    elif name == "kitchen_sink":
        schema = kitchen_sink()
    else:
        schema = import_postgres((corpus_dir / f"{name}.sql").read_text()).schema
    text = export_tsql(schema).text
    for batch in re.split(r"^GO$", text, flags=re.M):
        for stmt in sqlglot.parse(batch, read="tsql"):
            # sqlglot models every statement but EXEC (extended properties) as a tree.
            if isinstance(stmt, sqlglot.exp.Command):
                assert stmt.this.upper() == "EXEC"
