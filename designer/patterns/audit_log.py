"""Audit log: every INSERT, UPDATE and DELETE of a table recorded as jsonb in ``audit_log`` by
one generic trigger function."""

from __future__ import annotations

from designer.patterns.base import (
    ERR_ALREADY_APPLIED,
    ERR_NO_PRIMARY_KEY,
    ERR_TABLE_EXISTS,
    ERR_UNKNOWN_COLUMN,
    Pattern,
    PatternError,
    PatternResult,
    function_statement,
    has_raw,
    new_column,
    object_name,
    target_table,
    trigger_statement,
    with_raw,
)
from designer.schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
)
from designer.schema.sqltext import normalize_expr, quote_literal

AUDIT_LOG = "audit_log"
AUDIT_FUNCTION = """CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
    pk jsonb;
    col text;
BEGIN
    -- The trigger's arguments name the primary-key columns of the audited table.
    FOREACH col IN ARRAY TG_ARGV LOOP
        pk := coalesce(pk, '{}'::jsonb)
            || jsonb_build_object(col, coalesce(new_row, old_row) -> col);
    END LOOP;
    INSERT INTO public.audit_log (table_name, op, row_pk, old_row, new_row)
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, pk, old_row, new_row);
    RETURN NULL;
END;
$$;"""


def _audit_log_table() -> Table:
    return Table(
        name=AUDIT_LOG,
        columns=(
            Column(name="id", type="bigint", nullable=False, identity="ALWAYS"),
            new_column("table_name", "text", nullable=False),
            new_column("op", "text", nullable=False),
            new_column("row_pk", "jsonb"),
            new_column("old_row", "jsonb"),
            new_column("new_row", "jsonb"),
            new_column("changed_by", "text", nullable=False, default="current_user"),
            new_column("changed_at", "timestamptz", nullable=False, default="now()"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        checks=(
            CheckConstraint(
                expression=normalize_expr("op IN ('INSERT', 'UPDATE', 'DELETE')"),
                name="audit_log_op_check",
            ),
        ),
        indexes=(
            Index(
                name="audit_log_table_name_changed_at_idx",
                parts=(IndexPart(column="table_name"), IndexPart(column="changed_at")),
                purpose="history of one table, newest last",
            ),
        ),
        comment="One row per INSERT, UPDATE or DELETE on an audited table.",
    )


def apply_audit_log(schema: Schema, *, table: str | None = None) -> PatternResult:
    t = target_table(schema, table)
    if (t.schema, t.name) == (DEFAULT_SCHEMA, AUDIT_LOG):
        raise PatternError(ERR_TABLE_EXISTS.format(table=AUDIT_LOG))
    if t.primary_key is None:
        raise PatternError(ERR_NO_PRIMARY_KEY.format(table=t.qualified_name))
    args = ", ".join(quote_literal(c) for c in t.primary_key.columns)
    trigger = trigger_statement(
        object_name(t.name, "audit", suffix="trg"),
        t,
        "AFTER INSERT OR UPDATE OR DELETE",
        f"audit_row_change({args})",
    )
    if has_raw(schema, trigger.sql):
        raise PatternError(ERR_ALREADY_APPLIED.format(table=t.qualified_name))
    notes = []
    new_schema = schema
    existing = schema.table(AUDIT_LOG)
    if existing is None:
        new_schema = new_schema.with_table(_audit_log_table())
        notes.append(
            "audit_log holds one row per change: the table, the operation, the primary key"
            " and the whole row before and after as jsonb."
        )
    else:
        missing = [c for c in _audit_log_table().column_names if existing.column(c) is None]
        if missing:
            raise PatternError(ERR_UNKNOWN_COLUMN.format(table=AUDIT_LOG, column=missing[0]))
        notes.append("audit_log already exists; this table's changes are logged there too.")
    new_schema = with_raw(new_schema, function_statement(AUDIT_FUNCTION), trigger)
    notes += [
        "audit_row_change() is one generic function for every audited table: to_jsonb(OLD)"
        " and to_jsonb(NEW) need no per-table code, so new columns are logged automatically.",
        "The trigger runs AFTER the change, in the same transaction: a rolled-back change"
        " leaves no log row.",
        "changed_by is current_user. Roles that write the audited table also need INSERT on"
        " audit_log; an application user can be recorded by writing it into a setting.",
        "audit_log grows without bound: partition it by month or prune it on a schedule.",
    ]
    pk = t.primary_key.columns
    types = {c.name: c.type for c in t.columns}
    # jsonb_build_object cannot infer a parameter's type: the key columns' types give it.
    pk_json = ", ".join(
        f"{quote_literal(c)}, ${i}::{types.get(c, 'text')}" for i, c in enumerate(pk, 1)
    )
    name = quote_literal(f"{t.schema}.{t.name}")
    examples = [
        f"SELECT op, changed_by, changed_at, old_row, new_row FROM audit_log"
        f" WHERE table_name = {name} AND row_pk = jsonb_build_object({pk_json})"
        " ORDER BY changed_at, id;",
        f"SELECT * FROM audit_log WHERE table_name = {name}"
        " AND changed_at >= now() - interval '1 day' ORDER BY changed_at;",
    ]
    return PatternResult(new_schema, notes, examples)


PATTERN = Pattern(
    "audit-log",
    "Audit log",
    "Every INSERT, UPDATE and DELETE of a table recorded as jsonb in audit_log by a"
    " generic trigger.",
    "table",
    apply_audit_log,
)
