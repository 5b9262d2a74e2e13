"""Optimistic locking: a version column, checked and bumped by the UPDATE that writes a row."""

from __future__ import annotations

from dataclasses import replace

from designer.patterns.base import (
    ERR_NO_PRIMARY_KEY,
    Pattern,
    PatternError,
    PatternOption,
    PatternResult,
    new_column,
    require_new_column,
    table_ref,
    target_table,
)
from designer.schema.model import Schema
from designer.schema.sqltext import quote_ident


def apply_optimistic_locking(
    schema: Schema, *, table: str | None = None, column: str = "version"
) -> PatternResult:
    t = target_table(schema, table)
    require_new_column(t, column)
    if t.primary_key is None:
        raise PatternError(ERR_NO_PRIMARY_KEY.format(table=t.qualified_name))
    new = replace(
        t, columns=(*t.columns, new_column(column, "integer", nullable=False, default="1"))
    )
    pk = t.primary_key.columns
    n = len(pk)
    v = quote_ident(column)
    match = " AND ".join(f"{quote_ident(c)} = ${i}" for i, c in enumerate(pk, 1))
    ref = table_ref(t)
    examples = [
        f"SELECT * FROM {ref} WHERE {match};",
        f"UPDATE {ref} SET {v} = {v} + 1 WHERE {match} AND {v} = ${n + 1} RETURNING {v};",
    ]
    notes = [
        f"Read the row with its {column}; write back with WHERE {column} = <the value read>"
        f" and SET {column} = {column} + 1. No row updated means someone else changed it first:"
        " reload and retry, or show the conflict.",
        "The increment is written in the UPDATE rather than done by a trigger: the check and"
        " the bump sit in one statement you can read, ORMs that support version columns"
        " (Django, SQLAlchemy's version_id_col) already write exactly this, and a trigger"
        " would bump twice for them.",
        "No lock is held between read and write, so this suits edits that rarely collide"
        " (forms, APIs); for hot rows use SELECT ... FOR UPDATE instead.",
    ]
    return PatternResult(schema.with_table(new), notes, examples)


PATTERN = Pattern(
    "optimistic-locking",
    "Optimistic locking",
    "A version column: an update succeeds only if nobody changed the row since it was read.",
    "table",
    apply_optimistic_locking,
    (PatternOption("column", "Column", "version"),),
)
