"""SQL Server: reading its DDL (GO batches, dbo, DEFAULT FOR) and writing it (batches,
brackets), case by case. SQL Server has no engine here: its DDL is proven by sqlglot
reading every batch back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot
from fixtures.ddl import col, column_line, load, one_table, table
from fixtures.designs import kitchen_sink

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
    UniqueConstraint,
)
from designer.sql.readers.postgres import import_postgres
from designer.sql.readers.splitter import split_statements
from designer.sql.readers.sqlglot import import_sql_dialect
from designer.sql.translate import export_tsql

CORPUS = (
    "pagila",
    "chinook",
    "northwind",
    "adventureworks",
    "openstreetmap_website",
    "graphile_starter",
)


# -- reading ----------------------------------------------------------------------

READ_TYPES = [
    ("NVARCHAR(MAX)", "text"),
    ("VARCHAR(MAX)", "text"),
    ("NVARCHAR(40)", "character varying(40)"),
    ("DATETIME2", "timestamp without time zone"),
    ("DATETIME2(3)", "timestamp(3) without time zone"),
    ("DATETIMEOFFSET", "timestamp with time zone"),
    ("DATETIME", "timestamp(3) without time zone"),
    ("SMALLDATETIME", "timestamp(0) without time zone"),
    ("UNIQUEIDENTIFIER", "uuid"),
    ("BIT", "boolean"),
    ("MONEY", "numeric(19,4)"),
    ("SMALLMONEY", "numeric(10,4)"),
    ("FLOAT", "double precision"),
    ("FLOAT(24)", "real"),
    ("IMAGE", "bytea"),
    ("NTEXT", "text"),
    ("XML", "xml"),
    ("ROWVERSION", "bytea"),
]


def test_tsql_types_identity_and_defaults_for() -> None:
    result = load("tsql", "sales")
    customer = table(result.schema, "customer")
    assert customer.columns == (
        Column("customerid", "integer", nullable=False, identity="BY DEFAULT"),
        Column("name", "character varying(100)", nullable=False),
        Column("notes", "text"),
        Column("email", "character varying(255)"),
        Column("isactive", "boolean", nullable=False, default="TRUE"),
        Column(
            "createdat",
            "timestamp(6) without time zone",
            nullable=False,
            default="CURRENT_TIMESTAMP",
        ),
        Column("lastseen", "timestamp(6) with time zone"),
        Column("rowguid", "uuid", nullable=False, default="gen_random_uuid()"),
        Column("balance", "numeric(19,4)", nullable=False, default="0"),
        Column("age", "smallint"),
        Column("legacy", "timestamp(3) without time zone"),
        Column("photo", "bytea"),
    )
    assert customer.primary_key == PrimaryKey(("customerid",), name="pk_customer")
    assert customer.uniques == (UniqueConstraint(("email",), name="uq_customer_email"),)
    assert customer.checks == (CheckConstraint("age >= 0"),)  # tinyint is 0..255


def test_tsql_schemas_foreign_keys_checks_index_and_view() -> None:
    result = load("tsql", "sales")
    assert result.schema.schemas == ("sales",)
    order = table(result.schema, "order", "sales")
    assert order.column("orderid") == Column(
        "orderid",
        "bigint",
        nullable=False,
        identity="BY DEFAULT",
        identity_options="START WITH 1000 INCREMENT BY 5",
    )
    assert order.foreign_keys == (
        ForeignKey(
            ("customerid",),
            "customer",
            ("customerid",),
            name="fk_order_customer",
            on_delete="CASCADE",
        ),
    )
    assert order.checks == (CheckConstraint("total >= 0", name="ck_order_total"),)
    assert order.indexes == (
        Index(
            "ix_order_customer",
            (IndexPart(column="customerid"), IndexPart(column="orderdate", descending=True)),
            include=("total",),
            where="status <> 'cancelled'",
        ),
    )
    (view,) = result.schema.views
    assert (view.schema, view.name) == ("sales", "vcustomerorders")
    assert 'FROM customer AS c LEFT JOIN sales."order" AS o' in view.query
    kinds = [s.kind for s in result.report.skipped]
    assert kinds == ["USE", "SET", "SET", "ALTER", "ALTER", "ROUTINE", "INSERT"]


def test_tsql_go_batches_and_semicolons() -> None:
    text = "CREATE TABLE a (id int)\nGO\nCREATE TABLE b (id int); CREATE TABLE c (id int)\ngo 2\n"
    statements, _ = split_statements(text, "tsql")
    assert [(s.line, s.text) for s in statements] == [
        (1, "CREATE TABLE a (id int)"),
        (3, "CREATE TABLE b (id int)"),
        (3, "CREATE TABLE c (id int)"),
    ]


@pytest.mark.parametrize(("declared", "expected"), READ_TYPES)
def test_documented_type_mapping_in(declared: str, expected: str) -> None:
    result = import_sql_dialect(f"CREATE TABLE t (c {declared});", "tsql")
    assert table(result.schema, "t").columns[0].type == expected


# -- writing ----------------------------------------------------------------------

WRITE_TYPES = [
    ("integer", "INT"),
    ("bigint", "BIGINT"),
    ("numeric(12,2)", "DECIMAL(12,2)"),
    ("varchar(40)", "NVARCHAR(40)"),
    ("text", "NVARCHAR(MAX)"),
    ("boolean", "BIT"),
    ("timestamptz", "DATETIMEOFFSET(6)"),
    ("timestamp(3)", "DATETIME2(3)"),
    ("jsonb", "NVARCHAR(MAX)"),
    ("uuid", "UNIQUEIDENTIFIER"),
    ("bytea", "VARBINARY(MAX)"),
    ("text[]", "NVARCHAR(MAX)"),
    ("inet", "NVARCHAR(49)"),
]


def test_tsql_quotes_with_brackets_doubling_a_closing_bracket() -> None:
    schema = Schema(tables=(Table(name="odd]name", columns=(col("x]y", "integer"),)),))
    text = export_tsql(schema).text
    assert "CREATE TABLE [dbo].[odd]]name] (" in text
    assert "[x]]y] INT NULL" in text


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


@pytest.mark.parametrize(("pg", "tsql"), WRITE_TYPES)
def test_types_map_out(pg: str, tsql: str) -> None:
    schema = one_table(col("c", pg))
    assert column_line(export_tsql(schema).text, "[c]") == f"[c] {tsql} NULL"
