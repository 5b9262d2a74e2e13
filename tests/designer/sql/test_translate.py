"""The translation of a PostgreSQL design to MySQL/MariaDB, SQLite and SQL Server: what the
targets share (keys, identity, enums, warnings at the top of the file, determinism). The
cases of each dialect (quoting, its type table) are in ``tests/designer/sql/dialects/``."""

from __future__ import annotations

import pytest
from fixtures.ddl import col, one_table
from fixtures.designs import kitchen_sink

from designer.demo import demo_schema
from designer.schema.model import (
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
)
from designer.schema.sqltext import normalize_expr
from designer.sql.translate import (
    DIALECT_EXPORTS,
    export_mysql,
    export_sqlite,
    export_tsql,
)


def test_text_in_a_key_becomes_a_bounded_string_with_a_warning() -> None:
    schema = one_table(col("code", "text", nullable=False), primary_key=PrimaryKey(("code",)))
    mysql = export_mysql(schema)
    assert "`code` VARCHAR(255) NOT NULL" in mysql.text
    assert any(
        "text column(s) written as VARCHAR(255) (in a primary, unique or foreign key: TEXT takes"
        " part in a key only by a prefix, which would compare only the prefix)" in w
        for w in mysql.warnings
    )
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
