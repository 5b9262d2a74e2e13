"""Audit columns: created_at and updated_at, kept current by one shared BEFORE UPDATE trigger."""

from __future__ import annotations

from dataclasses import replace

from designer.patterns.base import (
    ERR_ALREADY_APPLIED,
    ERR_COLUMN_TYPE,
    TIMESTAMPTZ,
    Pattern,
    PatternError,
    PatternResult,
    function_statement,
    has_raw,
    new_column,
    object_name,
    table_ref,
    target_table,
    trigger_statement,
    with_raw,
)
from designer.schema.model import Schema

SET_UPDATED_AT = """CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;"""


def apply_audit_columns(schema: Schema, *, table: str | None = None) -> PatternResult:
    t = target_table(schema, table)
    notes = []
    columns = list(t.columns)
    for name in ("created_at", "updated_at"):
        existing = t.column(name)
        if existing is None:
            columns.append(new_column(name, "timestamptz", nullable=False, default="now()"))
        elif existing.type != TIMESTAMPTZ:
            raise PatternError(
                ERR_COLUMN_TYPE.format(
                    table=t.qualified_name, column=name, type=existing.type, expected=TIMESTAMPTZ
                )
            )
        else:
            notes.append(f"{name} already exists as {TIMESTAMPTZ}; it is kept as it is.")
    trigger = trigger_statement(
        object_name(t.name, "set_updated_at", suffix="trg"), t, "BEFORE UPDATE", "set_updated_at()"
    )
    if has_raw(schema, trigger.sql):
        raise PatternError(ERR_ALREADY_APPLIED.format(table=t.qualified_name))
    new_schema = schema.with_table(replace(t, columns=tuple(columns)))
    new_schema = with_raw(new_schema, function_statement(SET_UPDATED_AT), trigger)
    notes += [
        "created_at and updated_at default to now(), so inserts need not name them.",
        "A BEFORE UPDATE trigger sets updated_at on every update, whoever writes the row;"
        " set_updated_at() is shared by every table that uses this pattern.",
        "now() is the transaction's start time: rows changed in one transaction share it.",
    ]
    ref = table_ref(t)
    examples = [
        f"SELECT * FROM {ref} WHERE updated_at > $1 ORDER BY updated_at;",
        f"SELECT * FROM {ref} ORDER BY created_at DESC LIMIT 20;",
    ]
    return PatternResult(new_schema, notes, examples)


PATTERN = Pattern(
    "audit-columns",
    "Audit columns",
    "created_at and updated_at, kept current by a shared BEFORE UPDATE trigger.",
    "table",
    apply_audit_columns,
)
