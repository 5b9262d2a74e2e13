"""import_sql_dialect, what every dialect shares: refusing bad input with its line, and
fixtures that apply to a real PostgreSQL once read. The cases of each dialect are in
``tests/designer/sql/dialects/test_<dialect>.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.ddl import catalog_counts

from designer.sql.export_postgres import export_postgres
from designer.sql.readers.report import SchemaImportError
from designer.sql.readers.splitter import ERR_BINARY, ERR_EMPTY
from designer.sql.readers.sqlglot import (
    ERR_NO_STATEMENTS,
    ERR_NOT_STATEMENT,
    import_sql_dialect,
)
from designer.sql.server import apply_sql

FIXTURES = Path(__file__).parents[1] / "fixtures"


# -- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["mysql", "sqlite", "tsql"])
def test_empty_input_is_refused(dialect: str) -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("  \n ", dialect)
    assert err.value.message == ERR_EMPTY


def test_only_comments_is_refused() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("-- nothing\n/* here */\n", "mysql")
    assert err.value.message == ERR_NO_STATEMENTS


def test_binary_input_is_refused() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("SQLite format 3\x00\x04\x00\x01\x01", "sqlite")
    assert err.value.message == ERR_BINARY


def test_garbage_names_its_line() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("CREATE TABLE a (id int);\n\nhello world;\n", "mysql")
    assert (err.value.message, err.value.line) == (ERR_NOT_STATEMENT, 3)
    assert err.value.statement == "hello world"


def test_invalid_create_table_names_line_and_statement() -> None:
    text = "CREATE TABLE a (id int);\nCREATE TABLE b (\n  id int,\n  x int int int\n);\n"
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect(text, "mysql")
    assert err.value.line in (2, 4)
    assert err.value.statement.startswith("CREATE TABLE b")
    assert str(err.value).startswith(f"Line {err.value.line}: This statement is not valid MySQL")


def test_unterminated_string_is_reported() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("CREATE TABLE a (id int);\nINSERT INTO a VALUES ('oops);\n", "mysql")
    assert err.value.line == 2


# -- proof on a real PostgreSQL ---------------------------------------------------

SOURCES = [
    ("mysql", FIXTURES / "mysql" / "shop.sql"),
    ("mysql", FIXTURES / "mysql" / "phpmyadmin.sql"),
    ("mysql", FIXTURES / "mysql" / "mysqldump_view.sql"),
    ("sqlite", FIXTURES / "sqlite" / "blog.sql"),
    ("tsql", FIXTURES / "tsql" / "sales.sql"),
]


@pytest.mark.parametrize(
    ("dialect", "path"), SOURCES, ids=[p.parent.name + "/" + p.name for _, p in SOURCES]
)
def test_fixture_exports_to_valid_postgresql(dialect: str, path: Path, pg_db: str) -> None:
    result = import_sql_dialect(path.read_text(), dialect)
    apply_sql(pg_db, export_postgres(result.schema).text)
    counts = result.report.counts
    assert catalog_counts(pg_db) == (counts["tables"], counts["foreign_keys"], counts["views"])
