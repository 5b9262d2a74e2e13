"""Sample data speed: 1,000,000 rows over a 10-table design loaded in under 30 s.

Generates the rows (types, keys, foreign keys, CHECKs, realistic values) and COPYs them into
a scratch database of the server (``ERD_PG_DSN`` or the embedded one), as the workbench does.
Baseline, in the same run: a bare COPY of the same rows, generated beforehand as COPY text,
into a fresh database with the same design. ``--quick``: 100,000 rows.

Run: .venv/bin/python benchmarks/bench_workbench.py [--quick]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from psycopg import sql

from designer.schema.model import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.sql.server import scratch_database
from designer.workbench.load import add_foreign_keys, copy_rows, create_schema
from designer.workbench.sampledata import SampleData

TARGET_SECONDS = 30.0
ROWS = 1_000_000
# share of the rows per table (sums to 1)
SHARES = {
    "categories": 0.001,
    "users": 0.05,
    "addresses": 0.05,
    "products": 0.009,
    "orders": 0.15,
    "order_items": 0.35,
    "payments": 0.14,
    "reviews": 0.05,
    "sessions": 0.1,
    "events": 0.1,
}


def _id() -> Column:
    return Column("id", "bigint", nullable=False, identity="BY DEFAULT")


def _fk(column: str, table: str) -> ForeignKey:
    return ForeignKey((column,), table, ("id",))


def _ix(table: str, *columns: str) -> Index:
    return Index(f"{table}_{'_'.join(columns)}_idx", tuple(IndexPart(column=c) for c in columns))


def bench_schema(total: int) -> Schema:
    def t(name: str, columns: list[Column], **kw: object) -> Table:
        return Table(
            name,
            columns=tuple(columns),
            primary_key=kw.pop("pk", PrimaryKey(("id",))),  # type: ignore[arg-type]
            expected_rows=int(total * SHARES[name]),
            **kw,  # type: ignore[arg-type]
        )

    ts = "timestamp with time zone"
    return Schema(
        enums=(EnumType("order_status", ("pending", "paid", "shipped", "cancelled")),),
        tables=(
            t(
                "categories",
                [_id(), Column("name", "text", False), Column("parent_id", "bigint")],
                foreign_keys=(_fk("parent_id", "categories"),),
            ),
            t(
                "users",
                [
                    _id(),
                    Column("email", "text", False),
                    Column("full_name", "text", False),
                    Column("created_at", ts, False),
                ],
                uniques=(UniqueConstraint(("email",)),),
            ),
            t(
                "addresses",
                [
                    _id(),
                    Column("user_id", "bigint", False),
                    Column("city", "text", False),
                    Column("postcode", "character varying(12)"),
                ],
                foreign_keys=(_fk("user_id", "users"),),
                indexes=(_ix("addresses", "user_id"),),
            ),
            t(
                "products",
                [
                    _id(),
                    Column("category_id", "bigint", False),
                    Column("name", "text", False),
                    Column("price", "numeric(10,2)", False),
                    Column("sku", "character varying(40)", False),
                ],
                foreign_keys=(_fk("category_id", "categories"),),
                uniques=(UniqueConstraint(("sku",)),),
                checks=(CheckConstraint("price > 0"),),
            ),
            t(
                "orders",
                [
                    _id(),
                    Column("user_id", "bigint", False),
                    Column("status", "order_status", False),
                    Column("total", "numeric(12,2)", False),
                    Column("created_at", ts, False),
                    Column("updated_at", ts, False),
                ],
                foreign_keys=(_fk("user_id", "users"),),
                indexes=(_ix("orders", "user_id"),),
            ),
            t(
                "order_items",
                [
                    _id(),
                    Column("order_id", "bigint", False),
                    Column("product_id", "bigint", False),
                    Column("quantity", "integer", False),
                    Column("unit_price", "numeric(10,2)", False),
                ],
                foreign_keys=(_fk("order_id", "orders"), _fk("product_id", "products")),
                checks=(CheckConstraint("quantity BETWEEN 1 AND 50"),),
            ),
            t(
                "payments",
                [
                    _id(),
                    Column("order_id", "bigint", False),
                    Column("amount", "numeric(12,2)", False),
                    Column("paid_at", ts, False),
                ],
                foreign_keys=(_fk("order_id", "orders"),),
            ),
            t(
                "reviews",
                [
                    _id(),
                    Column("product_id", "bigint", False),
                    Column("user_id", "bigint", False),
                    Column("rating", "smallint", False),
                    Column("body", "text"),
                ],
                foreign_keys=(_fk("product_id", "products"), _fk("user_id", "users")),
                checks=(CheckConstraint("rating BETWEEN 1 AND 5"),),
            ),
            t(
                "sessions",
                [
                    _id(),
                    Column("user_id", "bigint", False),
                    Column("started_at", ts, False),
                    Column("ip", "inet"),
                ],
                foreign_keys=(_fk("user_id", "users"),),
            ),
            t(
                "events",
                [
                    _id(),
                    Column("user_id", "bigint"),
                    Column("kind", "text", False),
                    Column("payload", "jsonb"),
                    Column("created_at", ts, False),
                ],
                foreign_keys=(_fk("user_id", "users"),),
            ),
        ),
    )


def _copy_text(value: str | None) -> str:
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def bare_copy_seconds(schema: Schema) -> float:
    """COPY of rows generated beforehand (as COPY text), keys added after as the workbench
    does: what the server alone costs."""
    data = SampleData(schema, seed=1)
    prepared = []
    for plan, chunks in data.tables():
        text = "".join(
            "\t".join(_copy_text(v) for v in row) + "\n" for chunk in chunks for row in chunk
        )
        prepared.append((plan, text))
    with scratch_database() as dsn:
        create_schema(dsn, data, foreign_keys_later=True)
        start = time.perf_counter()
        with psycopg.connect(dsn) as conn:
            conn.execute("SET statement_timeout = '10min'")
            for plan, text in prepared:
                columns = sql.SQL(", ").join(sql.Identifier(c) for c in plan.columns)
                target = sql.SQL("{}.{}").format(
                    sql.Identifier(plan.table.schema), sql.Identifier(plan.table.name)
                )
                with conn.cursor().copy(
                    sql.SQL("COPY {} ({}) FROM STDIN").format(target, columns)
                ) as copy:
                    for i in range(0, len(text), 1 << 20):
                        copy.write(text[i : i + (1 << 20)])
            conn.commit()
            add_foreign_keys(dsn, data)
            conn.autocommit = True
            conn.execute("ANALYZE")
        return time.perf_counter() - start


def main() -> int:
    quick = "--quick" in sys.argv
    total = ROWS // 10 if quick else ROWS
    target = TARGET_SECONDS / 10 if quick else TARGET_SECONDS
    schema = bench_schema(total)
    with scratch_database() as dsn:
        data = SampleData(schema, seed=1)
        create_schema(dsn, data, foreign_keys_later=True)
        report = copy_rows(dsn, data, foreign_keys_later=True)
    baseline = bare_copy_seconds(schema)
    ok = report.seconds < target
    print(
        f"sample data: {report.total_rows:,} rows over {len(schema.tables)} tables in "
        f"{report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s); "
        f"bare COPY of pre-generated rows {baseline:.1f} s (ratio {report.seconds / baseline:.2f}); "
        f"target < {target:g} s: {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
