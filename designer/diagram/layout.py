"""Placed tables: where each drawn table sits when the user has placed some of them.

Coordinates are Graphviz's: points, node centres, y growing upwards (what ``-Tplain``
reports, and what ``neato -n2`` with ``notranslate`` draws back unchanged).

* ``complete_positions`` keeps every placed table exactly where it is and finds a
  spot for the others: next to a table it references (or that references it), else
  in a column to the right of the drawing, never on top of another table.
* ``layout_positions`` reads a ``dot`` layout (``-Tplain``): the positions and sizes
  auto-arrange saves.
* ``arrange_block`` moves an auto-arranged subset so it starts where the subset was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from designer.diagram.dot import (
    SMALL_POINTS,
    TEXT_POINTS,
    DiagramOptions,
    drawn_tables,
    node_ids,
    short_type,
)
from designer.schema.model import DEFAULT_SCHEMA, Schema, Table

Point = tuple[float, float]
Size = tuple[float, float]

GAP = 48.0
# A column of tables nobody placed wraps after this height (points).
MAX_COLUMN_HEIGHT = 2400.0
# Coordinates outside this range are refused (a typo or a hostile client, not a layout).
LIMIT = 1_000_000.0
_POINTS_PER_INCH = 72.0
# Helvetica's average advance is about 0.55 em; cells have 4 pt padding on each side.
_CHAR = 0.58
_PAD = 8.0
_ROW = TEXT_POINTS * 1.25 + _PAD


@dataclass(frozen=True)
class Box:
    """A table's rectangle: centre and size, y up."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return (
            abs(self.x - other.x) * 2 < self.w + other.w + 2 * gap
            and abs(self.y - other.y) * 2 < self.h + other.h + 2 * gap
        )

    @property
    def top(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y - self.h / 2

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2


def estimate_size(table: Table, options: DiagramOptions, note: str = "") -> Size:
    """About the size Graphviz gives ``table``'s node, in points (for spacing, not drawing)."""
    name = table.name if table.schema == DEFAULT_SCHEMA else table.qualified_name
    if options.mode == "names":
        text = name + (f" ({note})" if note else "")
        return len(text) * TEXT_POINTS * _CHAR + 16.0, 24.0
    title = len(name) * (TEXT_POINTS + 1) * _CHAR + 2 * _PAD
    widest = 0.0
    rows = 0
    for col in table.columns:
        rows += 1
        width = 3 * SMALL_POINTS * _CHAR + len(col.name) * TEXT_POINTS * _CHAR + 4 * _PAD + 20
        if options.show_types:
            width += len(short_type(col.type)) * TEXT_POINTS * _CHAR + _PAD
        widest = max(widest, width)
    if note:
        rows += 1
        widest = max(widest, len(note) * SMALL_POINTS * _CHAR + 2 * _PAD)
    return max(title, widest, 60.0), (rows + 1) * _ROW + 2


def _neighbours(tables: Iterable[Table]) -> dict[str, list[tuple[str, bool]]]:
    """qualified name -> (other table, True when this one references it), in FK order."""
    near: dict[str, list[tuple[str, bool]]] = {}
    for t in tables:
        if t.partition_of is not None:
            # a partition shown beside its parent, like a child beside what it references
            parent = f"{t.partition_of.parent_schema}.{t.partition_of.parent_table}"
            near.setdefault(t.qualified_name, []).append((parent, True))
        for fk in t.foreign_keys:
            parent = f"{fk.ref_schema}.{fk.ref_table}"
            if parent == t.qualified_name:
                continue
            near.setdefault(t.qualified_name, []).append((parent, True))
            near.setdefault(parent, []).append((t.qualified_name, False))
    return near


def _free_spot(box: Box, boxes: list[Box]) -> Box:
    """``box`` moved down (never sideways) until it overlaps none of ``boxes``."""
    for _ in range(len(boxes) + 1):
        hit = next((b for b in boxes if box.overlaps(b, GAP / 2)), None)
        if hit is None:
            return box
        box = Box(box.x, hit.bottom - GAP - box.h / 2, box.w, box.h)
    return box


def complete_positions(
    schema: Schema, options: DiagramOptions, placed: Mapping[str, Point]
) -> dict[str, Point]:
    """A position for every table ``options`` draws: placed ones as given, the rest added.

    A table nobody placed goes beside a positioned table it references (to its right, as
    ``dot`` draws children right of parents) or that references it (to its left), moved
    down past anything in the way; the others stack in columns right of the drawing.
    Deterministic: same design and placements, same positions.
    """
    tables, notes = drawn_tables(schema, options)
    positions: dict[str, Point] = {}
    boxes: list[Box] = []
    sizes: dict[str, Size] = {}
    for t in tables:
        q = t.qualified_name
        sizes[q] = estimate_size(t, options, notes.get(q, ""))
        if q in placed:
            positions[q] = placed[q]
            boxes.append(Box(*placed[q], *sizes[q]))
    waiting = [t.qualified_name for t in tables if t.qualified_name not in positions]
    if not waiting:
        return positions
    near = _neighbours(tables)
    progress = True
    while waiting and progress:
        progress = False
        for q in list(waiting):
            anchor = next(((n, refs) for n, refs in near.get(q, ()) if n in positions), None)
            if anchor is None:
                continue
            other, references = anchor
            ox, oy = positions[other]
            ow, oh = sizes[other]
            w, h = sizes[q]
            x = ox + (ow / 2 + GAP + w / 2) * (1 if references else -1)
            box = _free_spot(Box(x, oy + oh / 2 - h / 2, w, h), boxes)
            positions[q] = (box.x, box.y)
            boxes.append(box)
            waiting.remove(q)
            progress = True
    if waiting:
        left = max((b.right for b in boxes), default=0.0) + GAP * 2
        top = max((b.top for b in boxes), default=0.0)
        y = top
        column: list[Box] = []
        for q in waiting:
            w, h = sizes[q]
            if column and top - (y - h) > MAX_COLUMN_HEIGHT:
                left = max(b.right for b in column) + GAP
                y, column = top, []
            box = _free_spot(Box(left + w / 2, y - h / 2, w, h), boxes)
            positions[q] = (box.x, box.y)
            boxes.append(box)
            column.append(box)
            y = box.bottom - GAP
    return positions


def layout_positions(schema: Schema, plain: bytes) -> dict[str, tuple[Point, Size]]:
    """Qualified name -> (centre, size) in points, read from ``dot -Tplain`` of ``schema``."""
    by_node = {node: name for name, node in node_ids(schema).items()}
    found: dict[str, tuple[Point, Size]] = {}
    for line in plain.decode("utf-8", "replace").splitlines():
        if not line.startswith("node "):
            continue
        parts = line.split(None, 6)
        name = by_node.get(parts[1])
        if name is None:
            continue
        x, y, w, h = (float(v) * _POINTS_PER_INCH for v in parts[2:6])
        found[name] = ((round(x, 1), round(y, 1)), (w, h))
    return found


def arrange_block(
    current: Mapping[str, Box], arranged: Mapping[str, tuple[Point, Size]]
) -> dict[str, Point]:
    """``arranged`` (a fresh layout of some tables) moved so its top-left corner is where
    the top-left corner of those tables' ``current`` boxes was."""
    if not arranged:
        return {}
    boxes = [Box(*p, *s) for p, s in arranged.values()]
    dx = min(b.left for b in current.values()) - min(b.left for b in boxes)
    dy = max(b.top for b in current.values()) - max(b.top for b in boxes)
    return {q: (round(p[0] + dx, 1), round(p[1] + dy, 1)) for q, (p, _s) in arranged.items()}


def valid_point(value: object) -> Point | None:
    """``value`` as a finite (x, y) within ``LIMIT``, or None."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    try:
        x, y = float(value[0]), float(value[1])
    except (TypeError, ValueError):
        return None
    if not (abs(x) <= LIMIT and abs(y) <= LIMIT):  # also False for NaN
        return None
    return round(x, 1), round(y, 1)
