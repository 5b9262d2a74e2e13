"""The demo design: a small shop, realistic enough to show every editor feature."""

from __future__ import annotations

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
from designer.schema.sqltext import normalize_expr, normalize_type

CATALOG, SALES, CUSTOMERS = "catalog", "sales", "customers"
COLORS = {CATALOG: "#dbeafe", SALES: "#dcfce7", CUSTOMERS: "#fef3c7"}


def _id() -> Column:
    return Column("id", "bigint", nullable=False, identity="ALWAYS")


def _col(
    name: str,
    type_: str,
    *,
    null: bool = True,
    default: str | None = None,
    comment: str | None = None,
) -> Column:
    return Column(
        name,
        normalize_type(type_),
        nullable=null,
        default=normalize_expr(default) if default else None,
        comment=comment,
    )


def _check(expr: str) -> CheckConstraint:
    return CheckConstraint(normalize_expr(expr))


def _table(name: str, group: str, columns: list[Column], **kw) -> Table:
    kw.setdefault("primary_key", PrimaryKey(("id",)))
    return Table(name=name, group=group, color=COLORS[group], columns=tuple(columns), **kw)


def demo_schema() -> Schema:
    now = "now()"
    customers = _table(
        "customers",
        CUSTOMERS,
        [
            _id(),
            _col("email", "text", null=False, comment="Login and contact address"),
            _col("full_name", "text", null=False),
            _col("created_at", "timestamptz", null=False, default=now),
            _col("preferences", "jsonb", null=False, default="'{}'::jsonb"),
        ],
        uniques=(UniqueConstraint(("email",)),),
        comment="People who buy from the shop",
    )
    addresses = _table(
        "addresses",
        CUSTOMERS,
        [
            _id(),
            _col("customer_id", "bigint", null=False),
            _col("line1", "text", null=False),
            _col("city", "text", null=False),
            _col("country_code", "char(2)", null=False),
        ],
        foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",), on_delete="CASCADE"),),
        checks=(_check("country_code ~ '^[A-Z]{2}$'"),),
        indexes=(Index("addresses_customer_id_idx", (IndexPart(column="customer_id"),)),),
    )
    categories = _table(
        "categories",
        CATALOG,
        [
            _id(),
            _col("parent_id", "bigint"),
            _col("name", "text", null=False),
            _col("slug", "text", null=False),
        ],
        uniques=(UniqueConstraint(("slug",)),),
        foreign_keys=(ForeignKey(("parent_id",), "categories", ("id",), on_delete="SET NULL"),),
        indexes=(Index("categories_parent_id_idx", (IndexPart(column="parent_id"),)),),
        comment="A tree of product categories",
    )
    products = _table(
        "products",
        CATALOG,
        [
            _id(),
            _col("category_id", "bigint", null=False),
            _col("sku", "text", null=False),
            _col("name", "text", null=False),
            _col("price", "numeric(12,2)", null=False),
            _col("attributes", "jsonb", null=False, default="'{}'::jsonb"),
            _col("created_at", "timestamptz", null=False, default=now),
            _col("deleted_at", "timestamptz", comment="Soft delete: set instead of deleting"),
        ],
        foreign_keys=(ForeignKey(("category_id",), "categories", ("id",), on_delete="RESTRICT"),),
        checks=(_check("price >= 0"),),
        indexes=(
            Index(
                "products_sku_live_key",
                (IndexPart(column="sku"),),
                unique=True,
                where=normalize_expr("deleted_at IS NULL"),
                purpose="SKU lookups; SKUs of deleted products may be reused",
            ),
            Index("products_category_id_idx", (IndexPart(column="category_id"),)),
            Index("products_attributes_idx", (IndexPart(column="attributes"),), method="gin"),
        ),
    )
    orders = _table(
        "orders",
        SALES,
        [
            _id(),
            _col("customer_id", "bigint", null=False),
            _col("shipping_address_id", "bigint"),
            Column(
                "status",
                "order_status",
                nullable=False,
                default=normalize_expr("'pending'::order_status"),
            ),
            _col("placed_at", "timestamptz", null=False, default=now),
            _col("total", "numeric(12,2)", null=False, default="0"),
        ],
        foreign_keys=(
            ForeignKey(("customer_id",), "customers", ("id",), on_delete="RESTRICT"),
            ForeignKey(("shipping_address_id",), "addresses", ("id",), on_delete="SET NULL"),
        ),
        checks=(_check("total >= 0"),),
        indexes=(
            Index(
                "orders_customer_recent_idx",
                (IndexPart(column="customer_id"), IndexPart(column="placed_at", descending=True)),
                purpose="A customer's order history, newest first",
            ),
            Index("orders_shipping_address_id_idx", (IndexPart(column="shipping_address_id"),)),
        ),
    )
    order_items = _table(
        "order_items",
        SALES,
        [
            _col("order_id", "bigint", null=False),
            _col("product_id", "bigint", null=False),
            _col("quantity", "integer", null=False),
            _col("unit_price", "numeric(12,2)", null=False),
        ],
        primary_key=PrimaryKey(("order_id", "product_id")),
        foreign_keys=(
            ForeignKey(("order_id",), "orders", ("id",), on_delete="CASCADE"),
            ForeignKey(("product_id",), "products", ("id",), on_delete="RESTRICT"),
        ),
        checks=(_check("quantity > 0"),),
        indexes=(Index("order_items_product_id_idx", (IndexPart(column="product_id"),)),),
    )
    payments = _table(
        "payments",
        SALES,
        [
            _id(),
            _col("order_id", "bigint", null=False),
            _col("amount", "numeric(12,2)", null=False),
            _col("provider", "text", null=False),
            _col("payload", "jsonb"),
            _col("paid_at", "timestamptz", null=False, default=now),
        ],
        foreign_keys=(ForeignKey(("order_id",), "orders", ("id",), on_delete="CASCADE"),),
        checks=(_check("amount > 0"),),
        indexes=(Index("payments_order_id_idx", (IndexPart(column="order_id"),)),),
    )
    shipments = _table(
        "shipments",
        SALES,
        [
            _id(),
            _col("order_id", "bigint", null=False),
            _col("carrier", "text", null=False),
            _col("tracking_code", "text"),
            _col("shipped_at", "timestamptz"),
            _col("delivered_at", "timestamptz"),
        ],
        foreign_keys=(ForeignKey(("order_id",), "orders", ("id",), on_delete="CASCADE"),),
        checks=(_check("delivered_at IS NULL OR delivered_at >= shipped_at"),),
        indexes=(
            Index(
                "shipments_in_transit_idx",
                (IndexPart(column="shipped_at"),),
                where=normalize_expr("delivered_at IS NULL"),
                purpose="The dashboard of parcels still on their way",
            ),
            Index("shipments_order_id_idx", (IndexPart(column="order_id"),)),
        ),
    )
    reviews = _table(
        "reviews",
        CATALOG,
        [
            _id(),
            _col("product_id", "bigint", null=False),
            _col("customer_id", "bigint"),
            _col("rating", "smallint", null=False),
            _col("body", "text"),
            _col("created_at", "timestamptz", null=False, default=now),
        ],
        foreign_keys=(
            ForeignKey(("product_id",), "products", ("id",), on_delete="CASCADE"),
            ForeignKey(("customer_id",), "customers", ("id",), on_delete="SET NULL"),
        ),
        uniques=(UniqueConstraint(("product_id", "customer_id")),),
        checks=(_check("rating BETWEEN 1 AND 5"),),
        indexes=(Index("reviews_customer_id_idx", (IndexPart(column="customer_id"),)),),
    )
    tables = (
        customers,
        addresses,
        categories,
        products,
        orders,
        order_items,
        payments,
        shipments,
        reviews,
    )
    return Schema(
        tables=tuple(sorted(tables, key=lambda t: (t.schema, t.name))),
        enums=(
            EnumType(
                "order_status",
                ("pending", "paid", "shipped", "delivered", "cancelled"),
                comment="Lifecycle of an order",
            ),
        ),
    )
