"""A small shop whose key queries are slow until the right indexes exist."""

from designer.schema.model import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    PrimaryKey,
    Schema,
    Table,
)


def shop(orders: int = 40_000) -> Schema:
    return Schema(
        enums=(EnumType("order_status", ("pending", "paid", "shipped", "cancelled")),),
        tables=(
            Table(
                "customers",
                columns=(
                    Column("id", "bigint", nullable=False, identity="ALWAYS"),
                    Column("email", "text", nullable=False),
                    Column("full_name", "text", nullable=False),
                    Column("created_at", "timestamp with time zone", nullable=False),
                ),
                primary_key=PrimaryKey(("id",)),
                expected_rows=2_000,
            ),
            Table(
                "orders",
                columns=(
                    Column("id", "bigint", nullable=False, identity="ALWAYS"),
                    # a foreign key without an index: the classic slow lookup
                    Column("customer_id", "bigint", nullable=False),
                    Column("status", "order_status", nullable=False),
                    Column("total", "numeric(12,2)", nullable=False),
                    Column("placed_at", "timestamp with time zone", nullable=False),
                ),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",)),),
                checks=(CheckConstraint("total >= 0"),),
                expected_rows=orders,
                yearly_growth=50.0,
            ),
        ),
    )


QUERIES = """\
-- name: orders of a customer
-- params: 42
SELECT id, total FROM orders WHERE customer_id = $1;

-- name: oldest pending orders
SELECT id, placed_at FROM orders WHERE status = 'pending' ORDER BY placed_at LIMIT 20;
"""
