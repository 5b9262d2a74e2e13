import re
from dataclasses import replace

import pytest

from designer.demo import demo_schema
from designer.diagram.dot import (
    BIG_GRAPH_TABLES,
    HIGHLIGHT_COLOURS,
    DiagramOptions,
    dot_quote,
    fk_key,
    html_text,
    schema_to_dot,
    short_type,
)
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


def _id() -> Column:
    return Column("id", "bigint", nullable=False)


def _shop() -> Schema:
    """customers <- orders (required FK), orders <- notes (nullable FK),
    customers <- profiles (unique FK: one-to-one), employees -> employees (self)."""
    customers = Table(
        "customers",
        columns=(_id(), Column("email", "text", nullable=False)),
        primary_key=PrimaryKey(("id",)),
        uniques=(UniqueConstraint(("email",)),),
        group="people",
        color="#fef3c7",
        id="11",
    )
    orders = Table(
        "orders",
        schema="sales",
        columns=(
            _id(),
            Column("placed_at", "timestamp with time zone", nullable=False),
            Column("customer_id", "bigint", nullable=False),
            Column("code", "character varying(40)"),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",)),),
        group="sales",
        color="#dcfce7",
    )
    notes = Table(
        "notes",
        columns=(_id(), Column("order_id", "bigint"), Column("body", "text")),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("order_id",), "orders", ("id",), ref_schema="sales"),),
    )
    profiles = Table(
        "profiles",
        columns=(_id(), Column("customer_id", "bigint", nullable=False)),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",)),),
        indexes=(Index("profiles_customer_key", (IndexPart(column="customer_id"),), unique=True),),
        group="people",
    )
    employees = Table(
        "employees",
        columns=(_id(), Column("name", "text"), Column("manager_id", "bigint")),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("manager_id",), "employees", ("id",)),),
    )
    return Schema(tables=(orders, customers, notes, profiles, employees))


def _node_ids(dot: str) -> dict[str, str]:
    """qualified table name -> node id, read back from the tooltips."""
    return {
        m["tooltip"].split("\\n")[0]: m["id"]
        for m in re.finditer(r'^\s*(?P<id>t\d+) \[.*tooltip="(?P<tooltip>[^"]*)"', dot, re.M)
    }


def _edge(dot: str, tooltip: str) -> str:
    lines = [line for line in dot.splitlines() if "->" in line and f'tooltip="{tooltip}"' in line]
    assert len(lines) == 1, lines
    return lines[0]


def _node(dot: str, node_id: str) -> str:
    lines = [line for line in dot.splitlines() if line.strip().startswith(f"{node_id} [")]
    assert len(lines) == 1
    return lines[0]


def test_output_is_deterministic_whatever_the_table_order():
    schema = _shop()
    shuffled = Schema(tables=tuple(reversed(schema.tables)))
    assert schema_to_dot(schema) == schema_to_dot(schema) == schema_to_dot(shuffled)


def test_nodes_are_synthetic_ids_with_a_port_per_column_position():
    dot = schema_to_dot(_shop())
    ids = _node_ids(dot)
    assert set(ids) == {
        "public.customers",
        "public.employees",
        "public.notes",
        "public.profiles",
        "sales.orders",
    }
    assert all(re.fullmatch(r"t\d+", i) for i in ids.values())
    orders = _node(dot, ids["sales.orders"])
    for pos in range(4):
        assert f'PORT="c{pos}w"' in orders and f'PORT="c{pos}e"' in orders
    assert "customer_id" not in re.findall(r'PORT="([^"]*)"', orders)


def test_fk_edges_go_from_the_referenced_column_to_the_fk_column():
    schema = _shop()
    dot = schema_to_dot(schema)
    ids = _node_ids(dot)
    orders = schema.table("orders", "sales")
    edge = _edge(dot, fk_key(orders, orders.foreign_keys[0]))
    # customers.id is column 0; orders.customer_id is column 2
    assert edge.strip().startswith(
        f"{ids['public.customers']}:c0e:e -> {ids['sales.orders']}:c2w:w"
    )


def test_crows_foot_for_a_required_fk_is_exactly_one_to_zero_or_many():
    schema = _shop()
    orders = schema.table("orders", "sales")
    edge = _edge(schema_to_dot(schema), fk_key(orders, orders.foreign_keys[0]))
    assert "arrowtail=tee," in edge and "arrowhead=crowodot" in edge


def test_crows_foot_for_a_nullable_fk_makes_the_parent_optional():
    schema = _shop()
    notes = schema.table("notes")
    edge = _edge(schema_to_dot(schema), fk_key(notes, notes.foreign_keys[0]))
    assert "arrowtail=teeodot" in edge and "arrowhead=crowodot" in edge


def test_crows_foot_for_a_unique_fk_is_one_to_one():
    schema = _shop()
    profiles = schema.table("profiles")
    edge = _edge(schema_to_dot(schema), fk_key(profiles, profiles.foreign_keys[0]))
    assert "arrowtail=tee," in edge and "arrowhead=teeodot" in edge


def test_self_reference_loops_on_one_side_of_its_table():
    schema = _shop()
    employees = schema.table("employees")
    dot = schema_to_dot(schema)
    node = _node_ids(dot)["public.employees"]
    edge = _edge(dot, fk_key(employees, employees.foreign_keys[0]))
    assert edge.strip().startswith(f"{node}:c0e:e -> {node}:c2e:e")


def test_multi_column_fk_starts_at_its_first_column():
    parent = Table(
        "periods",
        columns=(
            Column("year", "integer", nullable=False),
            Column("month", "integer", nullable=False),
        ),
        primary_key=PrimaryKey(("year", "month")),
    )
    child = Table(
        "sales",
        columns=(
            _id(),
            Column("year", "integer", nullable=False),
            Column("month", "integer", nullable=False),
        ),
        foreign_keys=(ForeignKey(("year", "month"), "periods", ("year", "month")),),
    )
    dot = schema_to_dot(Schema(tables=(parent, child)))
    ids = _node_ids(dot)
    edge = _edge(dot, fk_key(child, child.foreign_keys[0]))
    assert edge.strip().startswith(f"{ids['public.periods']}:c0e:e -> {ids['public.sales']}:c1w:w")


def test_key_markers_types_and_not_null():
    dot = schema_to_dot(_shop())
    ids = _node_ids(dot)
    orders = _node(dot, ids["sales.orders"])
    assert ">PK</FONT>" in orders and ">FK</FONT>" in orders and ">NN</FONT>" in orders
    assert ">timestamptz</FONT>" in orders and ">varchar(40)</FONT>" in orders
    assert ">UQ</FONT>" in _node(dot, ids["public.customers"])
    # header shows the schema only when it is not public
    assert ">sales.orders</FONT>" in orders
    assert ">customers</FONT>" in _node(dot, ids["public.customers"])


def test_header_takes_the_table_colour_and_bad_colours_are_ignored():
    dot = schema_to_dot(_shop())
    ids = _node_ids(dot)
    assert 'BGCOLOR="#dcfce7"' in _node(dot, ids["sales.orders"])
    hostile = Table("t", columns=(_id(),), color='red" onload="x')
    assert "onload" not in schema_to_dot(Schema(tables=(hostile,)))


def test_show_types_off_drops_the_type_column():
    dot = schema_to_dot(_shop(), DiagramOptions(show_types=False))
    assert "timestamptz" not in dot and 'COLSPAN="3"' in dot


def test_keys_mode_keeps_only_key_and_referenced_columns():
    dot = schema_to_dot(_shop(), DiagramOptions(mode="keys"))
    ids = _node_ids(dot)
    orders = _node(dot, ids["sales.orders"])
    assert "customer_id" in orders and ">id<" in orders.replace("<U>", "").replace("</U>", "")
    assert "placed_at" not in orders and "code" not in orders


def test_names_mode_draws_small_boxes_joined_table_to_table():
    schema = _shop()
    dot = schema_to_dot(schema, DiagramOptions(mode="names"))
    assert "<TABLE" not in dot and "shape=box" in dot
    ids = _node_ids(dot)
    orders = schema.table("orders", "sales")
    edge = _edge(dot, fk_key(orders, orders.foreign_keys[0]))
    assert edge.strip().startswith(f"{ids['public.customers']} -> {ids['sales.orders']} [")


def test_subset_draws_only_chosen_tables_and_edges_between_them():
    schema = _shop()
    dot = schema_to_dot(
        schema, DiagramOptions(tables=frozenset({"public.customers", "sales.orders"}))
    )
    assert set(_node_ids(dot)) == {"public.customers", "sales.orders"}
    edges = [line for line in dot.splitlines() if "->" in line]
    assert len(edges) == 1 and "sales.orders(customer_id)" in edges[0]


def test_groups_become_clusters_with_a_pale_fill_from_their_colour():
    dot = schema_to_dot(_shop())
    clusters = re.findall(
        r"subgraph (cluster_g\d+) \{\n\s*graph \[label=<<B>([^<]*)</B>>.*fillcolor=\"(#[0-9a-f]{6})\"",
        dot,
    )
    assert [(c[0], c[1]) for c in clusters] == [("cluster_g0", "people"), ("cluster_g1", "sales")]
    # people's tables are #fef3c7 (or uncoloured): the fill is that colour, paler
    assert clusters[0][2] == "#fffae9"
    ids = _node_ids(dot)
    people = dot.split("subgraph cluster_g0")[1].split("}")[0]
    assert ids["public.customers"] + " [" in people and ids["public.profiles"] + " [" in people
    assert ids["public.notes"] + " [" not in people


def test_cluster_by_schema_and_none():
    by_schema = schema_to_dot(_shop(), DiagramOptions(cluster_by="schema"))
    assert re.findall(r"<B>([^<]*)</B>", by_schema) == ["public", "sales"]
    assert "subgraph" not in schema_to_dot(_shop(), DiagramOptions(cluster_by=None))


def test_ungrouped_cluster_colour_is_derived_deterministically_from_the_name():
    t = Table("a", columns=(_id(),), group="billing")
    first = schema_to_dot(Schema(tables=(t,)))
    assert re.search(r'fillcolor="#[0-9a-f]{6}"', first)
    assert first == schema_to_dot(Schema(tables=(t,)))


@pytest.mark.parametrize(
    "hostile",
    [
        '"; drop [label=x]',
        "<script>alert(1)</script>",
        "a & b > c < d",
        "back\\slash\\",
        "new\nline\r\ttab",
        "ünïcødé 表 🐘",
        "nul\x00and\x07bell",
        "}}] -> t0",
    ],
)
def test_hostile_names_are_escaped_everywhere(hostile):
    table = Table(
        hostile,
        schema=hostile,
        columns=(Column(hostile, hostile, nullable=False), Column("id", "bigint")),
        foreign_keys=(ForeignKey((hostile,), hostile, ("id",), ref_schema=hostile),),
        group=hostile,
        comment=hostile,
    )
    options = DiagramOptions(
        table_href="/p/demo/tables/{name}/",
        markers={table.qualified_name: hostile},
    )
    dot = schema_to_dot(Schema(tables=(table,)), options)
    # structure intact: exactly one node, one edge, one cluster, balanced braces
    assert len(re.findall(r"^\s*t\d+ \[", dot, re.M)) == 1
    assert len([line for line in dot.splitlines() if " -> " in line and "arrowtail" in line]) == 1
    assert dot.count("subgraph") == 1
    # raw markup never reaches an HTML-like label (quoted strings are escaped by dot itself,
    # see test_render); control characters reach nothing
    labels = " ".join(re.findall(r"label=<(.*?)>, tooltip=", dot))
    assert "<script>" not in labels and "\x00" not in dot and "\x07" not in dot
    if "<script>" in hostile:
        assert "&lt;script&gt;" in labels
    # quoted strings never contain an unescaped quote or a raw newline
    for line in dot.splitlines():
        for quoted in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
            assert "\n" not in quoted
    assert "/p/demo/tables/" in dot and "\n" not in re.search(r'URL="([^"]*)"', dot)[1]


def test_html_text_and_dot_quote():
    assert html_text('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    assert html_text("a\nb\x00") == "a b\ufffd"
    assert dot_quote('say "hi" \\N') == '"say \\"hi\\" \\\\N"'
    assert dot_quote("two\nlines") == '"two\\nlines"'


@pytest.mark.parametrize(
    ("canonical", "short"),
    [
        ("character varying(40)", "varchar(40)"),
        ("character varying", "varchar"),
        ("character(2)", "char(2)"),
        ("timestamp with time zone", "timestamptz"),
        ("timestamp(3) with time zone", "timestamptz(3)"),
        ("timestamp without time zone", "timestamp"),
        ("time with time zone", "timetz"),
        ("double precision", "float8"),
        ("boolean", "bool"),
        ("integer", "int"),
        ("integer[]", "int[]"),
        ("character varying(20)[]", "varchar(20)[]"),
        ("numeric(12,2)", "numeric(12,2)"),
        ("order_status", "order_status"),
        ("geometry(Point,4326)", "geometry(Point,4326)"),
        ("x" * 50, "x" * 31 + "…"),
    ],
)
def test_short_type(canonical, short):
    assert short_type(canonical) == short


def test_markers_become_header_badges():
    dot = schema_to_dot(_shop(), DiagramOptions(markers={"sales.orders": "⚠ 3"}))
    orders = _node(dot, _node_ids(dot)["sales.orders"])
    assert ">⚠ 3</FONT>" in orders
    names = schema_to_dot(_shop(), DiagramOptions(mode="names", markers={"sales.orders": "⚠ 3"}))
    assert 'label="sales.orders  ⚠ 3"' in names


def test_table_href_is_filled_and_url_quoted():
    options = DiagramOptions(table_href="/p/demo/tables/{id}/?q={qualified}")
    dot = schema_to_dot(_shop(), options)
    customers = _node(dot, _node_ids(dot)["public.customers"])
    assert 'URL="/p/demo/tables/11/?q=public.customers"' in customers


def test_highlights_colour_tables_columns_and_edges():
    schema = _shop()
    orders = schema.table("orders", "sales")
    options = DiagramOptions(
        highlight={
            "sales.orders": "added",
            "public.customers.email": "changed",
            "public.notes.body": "removed",
        },
        edge_highlight={fk_key(orders, orders.foreign_keys[0]): "removed"},
    )
    dot = schema_to_dot(schema, options)
    ids = _node_ids(dot)
    added, _ = HIGHLIGHT_COLOURS["added"]
    assert f'COLOR="{added}"' in _node(dot, ids["sales.orders"])
    assert f'BGCOLOR="{HIGHLIGHT_COLOURS["changed"][1]}"' in _node(dot, ids["public.customers"])
    notes = _node(dot, ids["public.notes"])
    assert f'BGCOLOR="{HIGHLIGHT_COLOURS["removed"][1]}"' in notes and "<S>body</S>" in notes
    edge = _edge(dot, fk_key(orders, orders.foreign_keys[0]))
    assert HIGHLIGHT_COLOURS["removed"][0] in edge and "style=dashed" in edge


def test_layout_settings_follow_size():
    small = schema_to_dot(_shop())
    assert "splines=spline" in small and "ortho" not in small and "nslimit" not in small
    tables = tuple(Table(f"t{i}", columns=(_id(),)) for i in range(BIG_GRAPH_TABLES + 1))
    big = schema_to_dot(Schema(tables=tables))
    assert "nslimit=1" in big and "mclimit=0.3" in big and "newrank=true" in big
    # newrank with clusters breaks dot 2.43 on big graphs: clustered ones go without
    grouped = tuple(replace(t, group=f"g{i % 5}") for i, t in enumerate(tables))
    clustered = schema_to_dot(Schema(tables=grouped))
    assert "nslimit=1" in clustered and "newrank" not in clustered


def test_demo_design_draws_every_table_and_fk():
    schema = demo_schema()
    dot = schema_to_dot(schema)
    assert len(_node_ids(dot)) == len(schema.tables)
    n_fks = sum(len(t.foreign_keys) for t in schema.tables)
    assert len([line for line in dot.splitlines() if " -> " in line]) == n_fks
    assert 'fontname="Helvetica"' in dot
