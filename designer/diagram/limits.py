"""How big a drawing may get before Graphviz runs.

Graphviz's time and memory grow with the rows it lays out: 3,000 tables of 200 columns
took 25 s and 2.6 GB in one request. A drawing over the limit is refused at once with a
message that says how to draw less, instead of being attempted.
"""

from __future__ import annotations

from designer.diagram.dot import DiagramOptions
from designer.diagram.render import RenderError
from designer.schema.model import Schema

DEFAULT_MAX_ROWS = 60_000
ERR_TOO_MANY_ROWS = (
    "This diagram would draw {rows:,} rows over {tables:,} tables; the limit is {limit:,} "
    "(ERD_MAX_DIAGRAM_ROWS). Switch to the “names” or “keys” mode, or draw a table's "
    "neighbourhood or a saved view."
)


class DrawingTooLarge(RenderError):
    """A drawing over the row limit; the message says how to draw less."""


def drawn_rows(schema: Schema, options: DiagramOptions) -> tuple[int, int]:
    """(rows, tables) the drawing would lay out: one row per table, plus its columns unless
    only names are drawn (keys mode is counted as all columns: an upper bound)."""
    tables = [
        t for t in schema.tables if options.tables is None or t.qualified_name in options.tables
    ]
    if options.mode == "names":
        return len(tables), len(tables)
    return sum(1 + len(t.columns) for t in tables), len(tables)


def check_drawable(schema: Schema, options: DiagramOptions, limit: int = DEFAULT_MAX_ROWS) -> None:
    rows, tables = drawn_rows(schema, options)
    if rows > limit:
        raise DrawingTooLarge(ERR_TOO_MANY_ROWS.format(rows=rows, tables=tables, limit=limit))
