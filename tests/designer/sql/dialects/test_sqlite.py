"""SQLite: reading its DDL (type affinity, trigger bodies) and writing it, case by case."""

from __future__ import annotations

import pytest
from fixtures.ddl import col, column_line, load, messages, one_table, table

from designer.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.sql.readers.sqlglot import import_sql_dialect
from designer.sql.translate import export_sqlite

# -- reading ----------------------------------------------------------------------

READ_TYPES = [
    ("INTEGER", "bigint"),
    ("TEXT", "text"),
    ("REAL", "double precision"),
    ("BLOB", "bytea"),
    ("NUMERIC", "numeric"),
    ("CLOB", "text"),
    ("DATETIME", "timestamp without time zone"),
]


def test_sqlite_affinity_and_autoincrement() -> None:
    result = load("sqlite", "blog")
    author = table(result.schema, "author")
    assert author.columns == (
        Column("id", "bigint", nullable=False, identity="BY DEFAULT"),
        Column("name", "text", nullable=False),
        Column("email", "character varying(120)", nullable=False),
        Column("karma", "double precision", default="0.0"),
        Column("avatar", "bytea"),
        Column("balance", "numeric(12,2)", default="0"),
        Column("joined", "timestamp without time zone", default="CURRENT_TIMESTAMP"),
        Column("active", "boolean", nullable=False, default="TRUE"),
        Column("legacy_code", "bigint"),
        Column("nickname", "character varying(40)"),
        Column("extra", "text"),
    )
    assert author.uniques == (UniqueConstraint(("email",)),)
    assert (15, "author.extra: The column has no type (SQLite BLOB affinity); it became text.") in {
        (w.line, w.message) for w in result.report.warnings
    }


def test_sqlite_constraints_indexes_view_and_trigger() -> None:
    result = load("sqlite", "blog")
    post = table(result.schema, "post")
    assert post.foreign_keys == (
        ForeignKey(("author_id",), "author", ("id",), on_delete="CASCADE"),
    )
    assert post.checks == (
        CheckConstraint("length(title) > 0"),
        CheckConstraint("status IN ('draft', 'published')"),
    )
    assert post.indexes == (
        Index(
            "post_author_idx",
            (IndexPart(column="author_id"), IndexPart(column="published_at", descending=True)),
        ),
        Index(
            "post_title_uq",
            (IndexPart(expression="lower(title)"),),
            unique=True,
            where="status = 'published'",
        ),
    )
    post_tag = table(result.schema, "post_tag")
    # "REFERENCES tag" without columns points at tag's primary key
    assert post_tag.foreign_keys[1] == ForeignKey(
        ("tag_name",), "tag", ("name",), on_update="CASCADE"
    )
    assert table(result.schema, "tag").primary_key == PrimaryKey(("name",))  # WITHOUT ROWID
    assert [v.name for v in result.schema.views] == ["published_post"]
    kinds = [(s.line, s.kind) for s in result.report.skipped]
    assert (38, "TRIGGER") in kinds  # its BEGIN … END body holds semicolons
    assert (47, "VIRTUAL TABLE") in kinds
    assert result.report.data_rows == 2


def test_sqlite_free_form_type_names_follow_affinity_rules() -> None:
    result = import_sql_dialect(
        "CREATE TABLE t (a BIGINTEGERISH, b SHORTCHARS, c PICTUREBLOB, d FLOATISH, e MONEYISH);",
        "sqlite",
    )
    assert [c.type for c in table(result.schema, "t").columns] == [
        "bigint",
        "text",
        "bytea",
        "double precision",
        "numeric",
    ]
    assert (
        messages(result)[0]
        == "t.a: Type “BIGINTEGERISH” has SQLite INTEGER affinity; it became bigint."
    )


@pytest.mark.parametrize(("declared", "expected"), READ_TYPES)
def test_documented_type_mapping_in(declared: str, expected: str) -> None:
    result = import_sql_dialect(f"CREATE TABLE t (c {declared});", "sqlite")
    assert table(result.schema, "t").columns[0].type == expected


# -- writing ----------------------------------------------------------------------

WRITE_TYPES = [
    ("integer", "INTEGER"),
    ("bigint", "INTEGER"),
    ("numeric(12,2)", "NUMERIC"),
    ("varchar(40)", "TEXT"),
    ("text", "TEXT"),
    ("boolean", "INTEGER"),
    ("timestamptz", "TEXT"),
    ("timestamp(3)", "TEXT"),
    ("jsonb", "TEXT"),
    ("uuid", "TEXT"),
    ("bytea", "BLOB"),
    ("text[]", "TEXT"),
    ("inet", "TEXT"),
]


def test_sqlite_quotes_with_double_quotes_and_flattens_schemas() -> None:
    schema = Schema(tables=(Table(name='sa"y', schema="app", columns=(col("id", "integer"),)),))
    text = export_sqlite(schema).text
    assert 'CREATE TABLE "app_sa""y" (' in text


@pytest.mark.parametrize(("pg", "sqlite"), WRITE_TYPES)
def test_types_map_out(pg: str, sqlite: str) -> None:
    schema = one_table(col("c", pg))
    assert column_line(export_sqlite(schema).text, '"c"') == f'"c" {sqlite}'
