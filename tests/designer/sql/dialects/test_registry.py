"""The one DIALECTS registry drives detection, import, export and the format lists; the
readers and writers follow a dialect's hooks, not its name."""

from __future__ import annotations

from designer.export.registry import EXPORT_FORMATS
from designer.schema.model import Column, Schema, Table
from designer.services.imports import FORMAT_LABELS, FORMATS
from designer.sql.dialects import DIALECTS, HOME, import_dialects
from designer.sql.dialects.base import ScriptSyntax
from designer.sql.dialects.sqlite import SQLiteDialect
from designer.sql.readers.detect import detect_format
from designer.sql.readers.splitter import SQL_DIALECTS, split_statements
from designer.sql.readers.sqlglot import import_sql_dialect
from designer.sql.translate import DIALECT_EXPORTS, export_portable


def test_import_and_export_formats_come_from_the_registry_in_its_order() -> None:
    assert list(DIALECTS) == ["postgres", "mysql", "mariadb", "sqlite", "tsql"]
    assert FORMATS == ("auto", "postgres", "mysql", "sqlite", "tsql", "dbml")
    assert FORMAT_LABELS["mysql"] == "MySQL / MariaDB"
    assert list(EXPORT_FORMATS)[: len(DIALECTS)] == list(DIALECTS)
    assert EXPORT_FORMATS["postgres"].label == "PostgreSQL DDL"
    assert sorted(DIALECT_EXPORTS) == sorted(set(DIALECTS) - {HOME})
    assert SQL_DIALECTS == ("mysql", "sqlite", "tsql")


def test_file_extensions_of_a_dialect_settle_its_format() -> None:
    for dialect in import_dialects():
        for ext in dialect.file_extensions:
            assert detect_format("CREATE TABLE t (id int);", f"schema{ext}") == dialect.name


class _HashSQLite(SQLiteDialect):
    """A dialect that differs from SQLite only in its hooks: "#" comments, no [names]."""

    name = "hash_sqlite"
    syntax = ScriptSyntax(quotes=(("'", "'"), ('"', '"')), hash_comments=True)


def test_a_new_dialect_is_read_and_written_through_its_hooks_alone() -> None:
    dialect = _HashSQLite()
    text = "# a comment; with a semicolon\nCREATE TABLE a (id INTEGER);\n"
    statements, _ = split_statements(text, dialect)
    assert [(s.line, s.text) for s in statements] == [(2, "CREATE TABLE a (id INTEGER)")]
    # SQLite itself reads "#" as code
    first = split_statements(text, "sqlite")[0][0]
    assert first.text.startswith("# a comment")
    result = import_sql_dialect(text, dialect)
    assert result.schema.table("a") is not None
    written = export_portable(
        Schema(tables=(Table("a", columns=(Column("id", "integer"),)),)), dialect
    )
    assert 'CREATE TABLE "a" (\n    "id" INTEGER\n);' in written.text
