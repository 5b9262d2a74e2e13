"""How much disk a design takes at its stated scale, now and after N years of growth.

The arithmetic is PostgreSQL's heap and b-tree layout: a 23-byte tuple header (plus the
null bitmap) aligned to 8 bytes, each column aligned to its type's ``typalign``, a 4-byte
line pointer per tuple, 8 kB pages with a 24-byte header, b-tree leaves filled to 90 %.
Variable-width types take a typical width (what the sample data generator writes); the
result is an estimate to size a disk, not a promise.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from designer.schema.model import Index, IndexPart, Schema, Table

PAGE = 8192
PAGE_HEADER = 24
ITEM_POINTER = 4
TUPLE_HEADER = 23
INDEX_TUPLE_HEADER = 8
BTREE_FILL = 0.9
MAXALIGN = 8

# type -> (typical width in bytes, alignment)
_FIXED: dict[str, tuple[int, int]] = {
    "boolean": (1, 1),
    "smallint": (2, 2),
    "integer": (4, 4),
    "bigint": (8, 8),
    "real": (4, 4),
    "double precision": (8, 8),
    "date": (4, 4),
    "time without time zone": (8, 8),
    "time with time zone": (12, 8),
    "timestamp without time zone": (8, 8),
    "timestamp with time zone": (8, 8),
    "interval": (16, 8),
    "uuid": (16, 1),
    "money": (8, 8),
    "oid": (4, 4),
    '"char"': (1, 1),
    "inet": (8, 1),
    "cidr": (8, 1),
    "macaddr": (6, 4),
    "point": (16, 8),
}
# variable-width types -> typical stored width (1-byte varlena header included)
_VARIABLE: dict[str, int] = {
    "text": 33,
    "citext": 33,
    "jsonb": 120,
    "json": 100,
    "bytea": 65,
    "tsvector": 80,
    "xml": 100,
}
_LENGTH = re.compile(r"^(character varying|character|bit varying|bit)\((\d+)\)$")
_NUMERIC = re.compile(r"^numeric(?:\((\d+)(?:,\s*(\d+))?\))?$")


@dataclass(frozen=True)
class TableCapacity:
    schema: str
    name: str
    rows: int
    yearly_growth: float
    row_bytes: int  # one tuple on disk: header, aligned data and line pointer
    table_bytes: int
    index_bytes: int
    rows_later: int
    table_bytes_later: int
    index_bytes_later: int

    @property
    def total_bytes(self) -> int:
        return self.table_bytes + self.index_bytes

    @property
    def total_bytes_later(self) -> int:
        return self.table_bytes_later + self.index_bytes_later


@dataclass(frozen=True)
class Capacity:
    years: int
    tables: tuple[TableCapacity, ...]

    @property
    def total_bytes(self) -> int:
        return sum(t.total_bytes for t in self.tables)

    @property
    def total_bytes_later(self) -> int:
        return sum(t.total_bytes_later for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _align(offset: int, alignment: int) -> int:
    return (offset + alignment - 1) // alignment * alignment


def type_width(type_text: str, enums: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(typical bytes, alignment) of one value of ``type_text`` as stored in a heap tuple."""
    t = type_text.strip().lower()
    if t.endswith("[]"):
        element, _ = type_width(t[:-2], enums)
        return 24 + 3 * element, 4
    if t in _FIXED:
        return _FIXED[t]
    if t in _VARIABLE:
        return _VARIABLE[t], 1
    if t in enums or t.split(".")[-1] in enums:
        return 4, 4
    m = _LENGTH.match(t)
    if m:
        n = int(m.group(2))
        if m.group(1).startswith("bit"):
            return 5 + (n + 7) // 8, 4
        # fixed char(n) is padded; varchar(n) averages about half its limit, at most ~40
        typical = n if m.group(1) == "character" else min(max(n // 2, 1), 40)
        return typical + (1 if typical < 127 else 4), 1
    m = _NUMERIC.match(t)
    if m:
        digits = int(m.group(1)) if m.group(1) else 12
        return 3 + 2 * math.ceil(digits / 4), 1  # header + base-10000 digit groups
    if t.startswith(("character varying", "varchar")):
        return 21, 1
    if t.startswith(("timestamp", "time")):
        return 8, 8
    return 33, 1


def _tuple_bytes(widths: list[tuple[int, int]], nullable: bool) -> int:
    header = TUPLE_HEADER + ((len(widths) + 7) // 8 if nullable else 0)
    offset = 0
    for width, alignment in widths:
        offset = _align(offset, alignment) + width
    return _align(header, MAXALIGN) + _align(offset, MAXALIGN)


def _heap_bytes(rows: int, tuple_bytes: int, fill: float = 1.0) -> int:
    if rows <= 0:
        return 0
    per_page = max(1, int((PAGE - PAGE_HEADER) * fill) // (tuple_bytes + ITEM_POINTER))
    return math.ceil(rows / per_page) * PAGE


def _index_key_widths(table: Table, index: Index, enums: frozenset[str]) -> list[tuple[int, int]]:
    widths = []
    names = [p.column for p in index.parts] + list(index.include)
    for name in names:
        column = table.column(name) if name else None
        widths.append(type_width(column.type, enums) if column else (16, 4))
    return widths


def _index_bytes(table: Table, index_widths: list[list[tuple[int, int]]], rows: int) -> int:
    total = 0
    for widths in index_widths:
        entry = INDEX_TUPLE_HEADER + _align(sum(w for w, _ in widths), MAXALIGN)
        leaf = _heap_bytes(rows, entry, BTREE_FILL)
        total += leaf + (PAGE * math.ceil(leaf / PAGE / 200) if leaf else 0)  # inner pages
    return total


def _keys(table: Table) -> list[Index]:
    """Every b-tree PostgreSQL builds for the table: indexes, primary key and uniques."""
    keys = list(table.indexes)
    if table.primary_key:
        keys.append(Index("pk", tuple(IndexPart(column=c) for c in table.primary_key.columns)))
    keys += [Index("uq", tuple(IndexPart(column=c) for c in u.columns)) for u in table.uniques]
    return keys


def table_capacity(
    table: Table, *, years: int = 3, rows: int | None = None, enums: frozenset[str] = frozenset()
) -> TableCapacity:
    count = rows if rows is not None else (table.expected_rows or 0)
    widths = [type_width(c.type, enums) for c in table.columns if c.generated_kind != "VIRTUAL"]
    row = _tuple_bytes(widths, any(c.nullable for c in table.columns))
    later = round(count * (1 + table.yearly_growth / 100) ** years)
    index_widths = [_index_key_widths(table, i, enums) for i in _keys(table)]
    return TableCapacity(
        schema=table.schema,
        name=table.name,
        rows=count,
        yearly_growth=table.yearly_growth,
        row_bytes=row + ITEM_POINTER,
        table_bytes=_heap_bytes(count, row),
        index_bytes=_index_bytes(table, index_widths, count),
        rows_later=later,
        table_bytes_later=_heap_bytes(later, row),
        index_bytes_later=_index_bytes(table, index_widths, later),
    )


def estimate(schema: Schema, *, years: int = 3) -> Capacity:
    """Capacity of every table (partitions are counted in their parent)."""
    enums = frozenset(e.name for e in schema.enums) | frozenset(
        e.qualified_name for e in schema.enums
    )
    tables = tuple(
        table_capacity(t, years=years, enums=enums) for t in schema.tables if t.partition_of is None
    )
    return Capacity(years=years, tables=tables)


def human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover
