"""Soft delete: rows are marked deleted with a timestamp instead of removed; unique keys
become partial unique indexes over live rows, unless foreign keys need them table-wide."""

from __future__ import annotations

from dataclasses import replace

from designer.patterns.base import (
    Pattern,
    PatternOption,
    PatternResult,
    new_column,
    object_name,
    referencing_tables,
    require_new_column,
    table_ref,
    target_table,
)
from designer.schema.model import Index, IndexPart, Schema, UniqueConstraint
from designer.schema.sqltext import normalize_expr, quote_ident


def apply_soft_delete(
    schema: Schema, *, table: str | None = None, column: str = "deleted_at", live_index: bool = True
) -> PatternResult:
    t = target_table(schema, table)
    require_new_column(t, column)
    live = f"{quote_ident(column)} IS NULL"
    where = normalize_expr(live)
    notes = [
        f"Rows are deleted by setting {column}; a NULL {column} means the row is live.",
        "The primary key stays global: a soft-deleted row keeps its key, so foreign keys"
        " pointing at it stay valid (delete or archive children yourself if needed).",
    ]
    uniques: list[UniqueConstraint] = []
    indexes: list[Index] = []
    for u in t.uniques:
        referenced = referencing_tables(schema, t, u.columns)
        if referenced or u.deferrable or u.without_overlaps:
            uniques.append(u)
            why = (
                f"foreign keys from {', '.join(referenced)} need it"
                if referenced
                else "a partial unique index cannot be deferrable or WITHOUT OVERLAPS"
            )
            notes.append(
                f"UNIQUE ({', '.join(u.columns)}) stays a table-wide constraint: {why};"
                " a deleted row keeps blocking its value."
            )
            continue
        # A new name: the constraint's index keeps its own name until the constraint is
        # dropped, so reusing it would clash during the migration.
        name = object_name(t.name, *u.columns, suffix="live_key")
        indexes.append(
            Index(
                name=name,
                parts=tuple(IndexPart(column=c) for c in u.columns),
                unique=True,
                nulls_not_distinct=u.nulls_not_distinct,
                include=u.include,
                where=where,
            )
        )
        notes.append(
            f"UNIQUE ({', '.join(u.columns)}) becomes the partial unique index {name}"
            f" WHERE {where}: a deleted row no longer blocks its value."
        )
    for ix in t.indexes:
        columns = tuple(c for c in ix.column_names if c is not None)
        if not ix.unique or ix.where == where:
            indexes.append(ix)
            continue
        referenced = referencing_tables(schema, t, columns) if ix.where is None else []
        if referenced:
            indexes.append(ix)
            notes.append(
                f"Unique index {ix.name} stays table-wide: foreign keys from"
                f" {', '.join(referenced)} need it."
            )
            continue
        new_where = where if ix.where is None else normalize_expr(f"({ix.where}) AND {live}")
        indexes.append(replace(ix, where=new_where))
        notes.append(f"Unique index {ix.name} now only covers live rows (WHERE {new_where}).")
    if live_index and t.primary_key is not None:
        name = object_name(t.name, "live", suffix="idx")
        if name not in {i.name for i in indexes}:
            indexes.append(
                Index(
                    name=name,
                    parts=tuple(IndexPart(column=c) for c in t.primary_key.columns),
                    where=where,
                    purpose="live rows in key order",
                )
            )
            notes.append(
                f"The partial index {name} holds only live rows, so listing and counting them"
                " stays fast however many deleted rows pile up."
            )
    new = replace(
        t,
        columns=(*t.columns, new_column(column, "timestamptz")),
        uniques=tuple(uniques),
        indexes=tuple(indexes),
    )
    ref = table_ref(t)
    examples = [f"SELECT * FROM {ref} WHERE {live};"]
    if t.primary_key is not None:
        keys = t.primary_key.columns
        match = " AND ".join(f"{quote_ident(c)} = ${i}" for i, c in enumerate(keys, 1))
        examples += [
            f"UPDATE {ref} SET {quote_ident(column)} = now() WHERE {match} AND {live};",
            f"UPDATE {ref} SET {quote_ident(column)} = NULL WHERE {match};",
        ]
    notes.append("Every query for live rows must say WHERE " + where + "; a view can do it once.")
    return PatternResult(schema.with_table(new), notes, examples)


PATTERN = Pattern(
    "soft-delete",
    "Soft delete",
    "Mark rows deleted with deleted_at instead of removing them; unique keys only"
    " apply to live rows.",
    "table",
    apply_soft_delete,
    (
        PatternOption("column", "Column", "deleted_at"),
        PatternOption("live_index", "Partial index of live rows", True, "bool"),
    ),
)
