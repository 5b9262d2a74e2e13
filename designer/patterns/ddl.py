"""The SQL a pattern adds to a database: new functions, the migration plan of the change,
new triggers; tables that must be rebuilt (partitioning) as their full definition."""

from __future__ import annotations

from collections.abc import Sequence

from designer.migrate import diff, plan, up_sql
from designer.migrate.changes import AddTable, Change, ManualChange
from designer.migrate.diff import MANUAL_RAW, MANUAL_TABLE_FIELDS
from designer.schema.model import Schema
from designer.sql.export_postgres import export_postgres

DDL_REBUILD = (
    "-- {table} cannot be altered into this shape: create it as below beside the old table,"
    " copy the rows (INSERT ... SELECT), then swap the names in one transaction."
)


def _rebuilt(before: Schema, after: Schema) -> set[tuple[str, str]]:
    """Tables whose change the planner cannot script (partitioning, inheritance, ...)."""
    out = set()
    for t in after.tables:
        old = before.table(t.name, t.schema)
        if old is not None and any(getattr(old, f) != getattr(t, f) for f in MANUAL_TABLE_FIELDS):
            out.add((t.schema, t.name))
    return out


def _touches(change: Change, tables: set[tuple[str, str]]) -> bool:
    if isinstance(change, AddTable):
        p = change.table.partition_of
        return p is not None and (p.parent_schema, p.parent_table) in tables
    if isinstance(change, ManualChange):
        return change.what != MANUAL_RAW
    key = (getattr(change, "schema", None), getattr(change, "table", None))
    return key in tables


def pattern_ddl(before: Schema, after: Schema, changes: Sequence[Change] | None = None) -> str:
    """The SQL that takes a database from ``before`` to ``after``: new functions, the
    migration plan's ``up.sql``, new triggers; tables that must be rebuilt (partitioning)
    as their full target definition, with how to get there."""
    changes = diff(before, after) if changes is None else changes
    rebuilt = _rebuilt(before, after)
    scripted = [
        c
        for c in changes
        if not _touches(c, rebuilt) and not (isinstance(c, ManualChange) and c.what == MANUAL_RAW)
    ]
    added = [r for r in after.raw if r not in before.raw]
    parts = [r.sql for r in added if r.phase == "pre"]
    if scripted:
        parts.append(up_sql(plan(scripted, allow_destructive=True)).strip())
    for schema_name, name in sorted(rebuilt):
        parent = after.table(name, schema_name)
        assert parent is not None
        partitions = [
            t
            for t in after.tables
            if t.partition_of is not None
            and (t.partition_of.parent_schema, t.partition_of.parent_table) == (schema_name, name)
        ]
        text = export_postgres(Schema(tables=(parent, *partitions)), header=False).text
        body = "\n".join(line for line in text.splitlines() if not line.startswith("SET "))
        parts.append(DDL_REBUILD.format(table=parent.qualified_name) + "\n" + body.strip())
    parts += [r.sql for r in added if r.phase == "post"]
    return "\n\n".join(parts) + "\n"
