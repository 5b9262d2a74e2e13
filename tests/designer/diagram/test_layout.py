"""Placed tables: pinned DOT, positions for unplaced tables, dot layouts read back, folding."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.diagram.dot import DiagramOptions, drawn_tables, schema_to_dot
from designer.diagram.layout import (
    GAP,
    Box,
    arrange_block,
    complete_positions,
    estimate_size,
    layout_positions,
    valid_point,
)
from designer.diagram.render import render
from designer.schema.model import (
    Column,
    ForeignKey,
    Partitioning,
    PartitionOf,
    PrimaryKey,
    Schema,
    Table,
)


def _table(name: str, *refs: str, columns: int = 2) -> Table:
    cols = (
        Column("id", "bigint", nullable=False),
        *(Column(f"{r}_id", "bigint") for r in refs),
        *(Column(f"c{i}", "text") for i in range(columns)),
    )
    fks = tuple(ForeignKey((f"{r}_id",), r, ("id",)) for r in refs)
    return Table(
        name, columns=cols, primary_key=PrimaryKey(("id",)), foreign_keys=fks, id=f"u-{name}"
    )


def _pos(dot: str) -> dict[str, str]:
    """node name -> its pos attribute in DOT text."""
    return dict(re.findall(r"^  (t\d+) \[.*?pos=\"([^\"]+)\"", dot, re.M))


def _boxes(schema: Schema, options: DiagramOptions, positions) -> list[Box]:
    tables, notes = drawn_tables(schema, options)
    return [
        Box(
            *positions[t.qualified_name],
            *estimate_size(t, options, notes.get(t.qualified_name, "")),
        )
        for t in tables
    ]


SHOP = Schema(
    tables=(
        _table("customers"),
        _table("orders", "customers"),
        _table("items", "orders"),
        _table("notes"),
    )
)


def test_placed_tables_keep_their_positions_and_new_ones_go_beside_what_they_reference():
    placed = {"public.customers": (100.0, 500.0)}
    positions = complete_positions(SHOP, DiagramOptions(), placed)
    assert positions["public.customers"] == (100.0, 500.0)
    assert set(positions) == {t.qualified_name for t in SHOP.tables}
    # orders references customers: right of it, tops aligned
    cw, ch = estimate_size(SHOP.tables[0], DiagramOptions())
    ow, oh = estimate_size(SHOP.tables[1], DiagramOptions())
    ox, oy = positions["public.orders"]
    assert ox - ow / 2 == pytest.approx(100.0 + cw / 2 + GAP)
    assert oy + oh / 2 == pytest.approx(500.0 + ch / 2)
    # items goes right of orders, once orders has a place
    assert positions["public.items"][0] > ox
    # no table lands on another
    boxes = _boxes(SHOP, DiagramOptions(), positions)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_a_new_table_referenced_by_a_placed_one_goes_to_its_left():
    positions = complete_positions(SHOP, DiagramOptions(), {"public.orders": (500.0, 0.0)})
    assert positions["public.customers"][0] < 500.0
    assert positions["public.items"][0] > 500.0


def test_positions_are_deterministic():
    placed = {"public.items": (0.0, 0.0)}
    assert complete_positions(SHOP, DiagramOptions(), placed) == complete_positions(
        SHOP, DiagramOptions(), dict(placed)
    )


def test_pinned_dot_renders_every_table_at_its_position():
    positions = complete_positions(SHOP, DiagramOptions(), {"public.customers": (100.0, 500.0)})
    dot = schema_to_dot(SHOP, DiagramOptions(positions=positions, canvas_ids=True))
    assert 'id="erd-pinned", notranslate=true' in dot
    svg = render(dot, "svg").decode()
    # the table's border polygon is centred on its position (y flipped in SVG)
    node = svg[svg.index('id="tbl&#45;u&#45;customers"') :]
    points = re.search(r'<polygon fill="none"[^>]* points="([^"]+)"', node)
    assert points is not None
    xs, ys = zip(*(map(float, p.split(",")) for p in points.group(1).split()), strict=True)
    assert abs((min(xs) + max(xs)) / 2 - 100.0) < 1.0
    assert abs((min(ys) + max(ys)) / 2 + 500.0) < 1.0
    # edges are routed by Graphviz, with the ids the canvas clicks
    assert svg.count('class="edge"') == 2


def test_dot_layout_read_back_and_block_moved_to_where_the_tables_were():
    plain = render(schema_to_dot(SHOP), "plain")
    laid = layout_positions(SHOP, plain)
    assert set(laid) == {t.qualified_name for t in SHOP.tables}
    (cx, _cy), _size = laid["public.customers"]
    (ox, _oy), _size = laid["public.orders"]
    assert cx < ox  # left to right: the parent first
    current = {q: Box(x + 1000, y - 1000, *size) for q, ((x, y), size) in laid.items()}
    moved = arrange_block(current, laid)
    assert moved["public.customers"] == (
        round(cx + 1000, 1),
        round(laid["public.customers"][0][1] - 1000, 1),
    )


def test_partitions_fold_into_their_parent_unless_shown():
    parent = replace(
        _table("payment"), partitioning=Partitioning(strategy="RANGE", key="payment_date")
    )
    parts = tuple(
        replace(
            _table(f"payment_p{i}"),
            partition_of=PartitionOf("public", "payment", f"FOR VALUES FROM ({i}) TO ({i + 1})"),
        )
        for i in range(55)
    )
    schema = Schema(tables=(parent, *parts, _table("rental")))
    dot = schema_to_dot(schema)
    assert "55 partitions, range on payment_date" in dot
    assert "payment_p1<" not in dot and dot.count("[label=<") == 2
    shown = schema_to_dot(schema, DiagramOptions(fold_partitions=False))
    assert "partitions, range" not in shown and shown.count("[label=<") == 57


def test_valid_point_refuses_what_is_not_a_finite_position():
    assert valid_point([1, "2.25"]) == (1.0, 2.2)
    for bad in (None, [1], [1, 2, 3], ["x", 1], [float("nan"), 0], [1e9, 0], "1,2"):
        assert valid_point(bad) is None


# -- no edit moves a placed table ------------------------------------------------------------

NAMES = [f"t{i}" for i in range(8)]


@st.composite
def designs_and_edits(draw):
    n = draw(st.integers(2, 7))
    tables = []
    for i in range(n):
        refs = draw(st.lists(st.sampled_from(NAMES[:i] or ["t0"]), max_size=2, unique=True))
        refs = [r for r in refs if r != NAMES[i]]
        tables.append(_table(NAMES[i], *refs, columns=draw(st.integers(0, 4))))
    schema = Schema(tables=tuple(tables))
    placed_names = draw(st.lists(st.sampled_from(NAMES[:n]), min_size=1, unique=True))
    placed = {
        f"public.{name}": (draw(st.integers(-800, 800)) * 1.0, draw(st.integers(-800, 800)) * 1.0)
        for name in placed_names
    }
    edit = draw(st.sampled_from(["table", "column", "fk"]))
    target = draw(st.sampled_from(NAMES[:n]))
    if edit == "table":
        refs = draw(st.lists(st.sampled_from(NAMES[:n]), max_size=2, unique=True))
        edited = Schema(tables=(*tables, _table("fresh", *refs, columns=3)))
    elif edit == "column":
        edited = Schema(
            tables=tuple(
                replace(t, columns=(*t.columns, Column("added_column_with_a_long_name", "text")))
                if t.name == target
                else t
                for t in tables
            )
        )
    else:
        parent = draw(st.sampled_from(NAMES[:n]))
        edited = Schema(
            tables=tuple(
                replace(
                    t,
                    columns=(*t.columns, Column("new_ref", "bigint")),
                    foreign_keys=(*t.foreign_keys, ForeignKey(("new_ref",), parent, ("id",))),
                )
                if t.name == target
                else t
                for t in tables
            )
        )
    mode = draw(st.sampled_from(["all", "keys", "names"]))
    return schema, edited, placed, mode


@settings(max_examples=60, deadline=None)
@given(designs_and_edits())
def test_no_edit_moves_a_placed_table(case):
    schema, edited, placed, mode = case
    options = DiagramOptions(mode=mode)
    before = complete_positions(schema, options, placed)
    after = complete_positions(edited, options, placed)
    for name, point in placed.items():
        assert before[name] == after[name] == point
    # and the DOT pins them at the same coordinates
    dot_before = _pos(schema_to_dot(schema, replace(options, positions=before)))
    dot_after = _pos(schema_to_dot(edited, replace(options, positions=after)))
    ids_before = {
        t.qualified_name: f"t{i}" for i, t in enumerate(sorted(schema.tables, key=lambda t: t.name))
    }
    ids_after = {
        t.qualified_name: f"t{i}" for i, t in enumerate(sorted(edited.tables, key=lambda t: t.name))
    }
    for name in placed:
        assert dot_before[ids_before[name]] == dot_after[ids_after[name]]
    # a table nobody placed never lands on a placed one
    boxes = {
        t.qualified_name: Box(*after[t.qualified_name], *estimate_size(t, options))
        for t in edited.tables
    }
    for name, b in boxes.items():
        if name not in placed:
            assert not any(b.overlaps(boxes[p]) for p in placed), name


def test_shown_partitions_go_beside_their_placed_parent():
    parent = replace(_table("payment"), partitioning=Partitioning(strategy="RANGE", key="id"))
    part = replace(_table("payment_p1"), partition_of=PartitionOf("public", "payment", "DEFAULT"))
    schema = Schema(tables=(parent, part, _table("other")))
    options = DiagramOptions(fold_partitions=False)
    positions = complete_positions(schema, options, {"public.payment": (0.0, 0.0)})
    width = estimate_size(parent, options)[0]
    assert positions["public.payment_p1"][0] == pytest.approx(
        width / 2 + GAP + estimate_size(part, options)[0] / 2
    )
