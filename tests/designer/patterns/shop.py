"""The small shop design the pattern tests apply patterns to, and helpers that run a
pattern's result and example queries on a real PostgreSQL."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from designer.patterns.base import PatternResult
from designer.schema.model import (
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres

TSTZ = "timestamp with time zone"


def id_column() -> Column:
    return Column(name="id", type="bigint", nullable=False, identity="ALWAYS", id="col-id")


def shop() -> Schema:
    """customers <- orders; prices with a business key; a sku index that is unique."""
    return Schema(
        tables=(
            Table(
                name="customers",
                columns=(
                    id_column(),
                    Column(name="email", type="text", nullable=False),
                    Column(name="name", type="text"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                uniques=(UniqueConstraint(columns=("email",), name="customers_email_key"),),
                id="t-customers",
            ),
            Table(
                name="orders",
                columns=(
                    id_column(),
                    Column(name="customer_id", type="bigint", nullable=False),
                    Column(name="placed_at", type=TSTZ, nullable=False, default="now()"),
                    Column(name="total", type="numeric(12,2)"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                foreign_keys=(
                    ForeignKey(
                        columns=("customer_id",), ref_table="customers", ref_columns=("id",)
                    ),
                ),
                indexes=(
                    Index(name="orders_customer_id_idx", parts=(IndexPart(column="customer_id"),)),
                ),
                id="t-orders",
            ),
            Table(
                name="prices",
                columns=(
                    id_column(),
                    Column(name="sku", type="text", nullable=False),
                    Column(name="amount", type="numeric(12,2)", nullable=False),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                uniques=(UniqueConstraint(columns=("sku",), name="prices_sku_key"),),
                indexes=(
                    Index(
                        name="prices_lower_sku_idx",
                        parts=(IndexPart(expression="lower(sku)"),),
                        unique=True,
                    ),
                ),
            ),
        )
    )


def raw_sql(schema: Schema) -> list[str]:
    return [r.sql for r in schema.raw]


def build(dsn: str, result: PatternResult) -> psycopg.Connection:
    """Apply the pattern's whole design to the empty database; an autocommit connection."""
    pgserver.apply_sql(dsn, export_postgres(result.schema).text)
    return psycopg.connect(dsn, autocommit=True)


def run(conn: psycopg.Connection, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run an example query as written, binding ``$n`` through PREPARE/EXECUTE."""
    text = query.strip().rstrip(";")
    if "$1" not in text:
        cur = conn.execute(text.encode())
    else:
        conn.execute(f"PREPARE example AS {text}".encode())
        try:
            args = sql.SQL(", ").join(sql.Literal(p) for p in params)
            cur = conn.execute(sql.SQL("EXECUTE example({})").format(args))
        finally:
            conn.execute("DEALLOCATE example")
    return cur.fetchall() if cur.description else [("rowcount", cur.rowcount)]


def rowcount(conn: psycopg.Connection, query: str, *params: Any) -> int:
    rows = run(conn, query, *params)
    return rows[0][1] if rows and rows[0][0] == "rowcount" else len(rows)
