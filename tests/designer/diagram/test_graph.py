from designer.demo import demo_schema
from designer.diagram.graph import find_table, neighbourhood, search
from designer.schema.model import Column, ForeignKey, Schema, Table


def test_neighbourhood_depth_one_goes_both_ways():
    near = neighbourhood(demo_schema(), "public.orders")
    # parents: customers, addresses; children: order_items, payments, shipments
    assert near == {
        "public.orders",
        "public.customers",
        "public.addresses",
        "public.order_items",
        "public.payments",
        "public.shipments",
    }


def test_neighbourhood_depth_zero_and_two():
    schema = demo_schema()
    assert neighbourhood(schema, "public.orders", depth=0) == {"public.orders"}
    two = neighbourhood(schema, "orders", depth=2)
    # products via order_items, reviews via customers
    assert {"public.products", "public.reviews"} <= two
    assert "public.categories" not in two


def test_neighbourhood_of_an_unknown_table_is_empty():
    assert neighbourhood(demo_schema(), "public.nope") == frozenset()


def test_neighbourhood_ignores_fks_to_missing_tables_and_handles_self_references():
    t = Table(
        "nodes",
        columns=(Column("id", "bigint"), Column("parent_id", "bigint"), Column("x_id", "bigint")),
        foreign_keys=(
            ForeignKey(("parent_id",), "nodes", ("id",)),
            ForeignKey(("x_id",), "gone", ("id",)),
        ),
    )
    assert neighbourhood(Schema(tables=(t,)), "nodes", depth=3) == {"public.nodes"}


def _two_schemas() -> Schema:
    return Schema(
        tables=(
            Table("events", schema="audit"),
            Table("events", schema="public"),
            Table("logins", schema="audit"),
            Table("Mixed"),
        )
    )


def test_find_table_by_qualified_or_bare_name():
    schema = _two_schemas()
    assert find_table(schema, "audit.events").schema == "audit"
    assert find_table(schema, "events").schema == "public"  # public wins a bare name
    assert find_table(schema, "logins").qualified_name == "audit.logins"
    assert find_table(schema, "mixed").name == "Mixed"  # unique case-insensitive match
    assert find_table(schema, "nope") is None


def test_find_table_refuses_ambiguous_bare_names():
    schema = Schema(tables=(Table("events", schema="a"), Table("events", schema="b")))
    assert find_table(schema, "events") is None


def test_search_ranks_exact_prefix_substring_column_comment():
    schema = Schema(
        tables=(
            Table("order_notes", comment="free text"),
            Table("orders"),
            Table("reorders"),
            Table("payments", columns=(Column("order_id", "bigint"),)),
            Table("archive", comment="Old ORDERS kept for audits"),
            Table("misc", columns=(Column("x", "text", comment="see orders"),)),
            Table("unrelated"),
        )
    )
    assert search(schema, "ORDER") == [
        ("public.order_notes", "table name"),
        ("public.orders", "table name"),
        ("public.reorders", "table name"),
        ("public.payments", "column order_id"),
        ("public.archive", "table comment"),
        ("public.misc", "comment on x"),
    ]
    assert search(schema, "orders")[0] == ("public.orders", "table name")
    assert search(schema, "   ") == []


def test_search_matches_qualified_names():
    assert search(_two_schemas(), "audit.")[:2] == [
        ("audit.events", "table name"),
        ("audit.logins", "table name"),
    ]
