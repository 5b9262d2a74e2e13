"""Proven structures a designer applies in one step: pure functions ``Schema -> Schema``.

Each ``apply_<name>(schema, *, table=None, **options)`` returns a ``PatternResult``: the
new schema, notes that explain what was decided and why, and example queries that run
on the result. Invalid input raises ``PatternError`` with a user-facing message and
nothing changes. ``PATTERNS`` is the registry the service and the views read.

No Django here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from designer.migrate import diff, plan, up_sql
from designer.migrate.changes import AddTable, Change, ManualChange
from designer.migrate.diff import MANUAL_RAW, MANUAL_TABLE_FIELDS
from designer.schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    ExcludeConstraint,
    ExcludeElement,
    Extension,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    Policy,
    PrimaryKey,
    RawStatement,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import (
    MAX_IDENTIFIER_BYTES,
    identifier_errors,
    normalize_expr,
    normalize_type,
    qualify,
    quote_ident,
)
from designer.sql.compare import expression_columns
from designer.sql.export_postgres import export_postgres

# -- errors users see ------------------------------------------------------------------

ERR_UNKNOWN_PATTERN = "There is no pattern “{pattern}”."
ERR_TABLE_REQUIRED = "Choose a table for this pattern."
ERR_UNKNOWN_TABLE = "There is no table “{table}” in this design."
ERR_UNKNOWN_COLUMN = "Table “{table}” has no column named “{column}”."
ERR_COLUMN_EXISTS = "Table “{table}” already has a column named “{column}”."
ERR_COLUMN_TYPE = "Column “{table}.{column}” is {type}; this pattern needs {expected}."
ERR_TABLE_EXISTS = "A table named “{table}” already exists; choose another name."
ERR_BAD_NAME = "“{name}” cannot be used as a name: {reason}"
ERR_NO_PRIMARY_KEY = "Table “{table}” has no primary key; this pattern needs one."
ERR_ALREADY_APPLIED = "This pattern is already applied to “{table}”."
ERR_PARTITION = "“{table}” is a partition; apply the pattern to its parent table."
ERR_OPTION_INT = "“{option}” must be a whole number from {low} to {high}."
ERR_OPTION_MONTH = "“{option}” must be a month written YYYY-MM, e.g. 2025-01."
ERR_UNKNOWN_OPTION = "This pattern has no option “{option}”."
ERR_TENANTS_KEY = "Table “{table}” needs a single-column primary key for tenant_id to reference it."
ERR_NO_TENANT_TABLES = "No table is left to make tenant-scoped."
ERR_TEMPORAL_KEY = (
    "Give the key columns whose periods must not overlap (e.g. product_id); “{table}” has no"
    " unique constraint to take them from."
)
ERR_TEMPORAL_KEY_TYPE = "Column “{table}.{column}” is {type}; btree_gist cannot compare it with =."
ERR_KEY_REFERENCED = (
    "The unique key ({columns}) of “{table}” is referenced by foreign keys from {referencing};"
    " it cannot be replaced. Point those foreign keys at the primary key first."
)
ERR_PARTITIONED = "“{table}” is already partitioned."
ERR_PARTITION_REFERENCED = (
    "“{table}” is referenced by foreign keys from {referencing}. A foreign key to a partitioned"
    " table must include the partition key, which those tables do not have: drop or change"
    " those foreign keys first."
)
ERR_PARTITION_EXCLUDES = (
    "“{table}” has exclusion constraints; on a partitioned table they must include the"
    " partition key with =. Remove them first."
)
ERR_PARTITION_NAME_TAKEN = "A table named “{name}” already exists; the partitions need that name."

TIMESTAMPTZ = "timestamp with time zone"
TIMESTAMP_TYPES = ("timestamp with time zone", "timestamp without time zone", "date")
# Types btree_gist gives an equality operator class (plus enums, via anyenum).
BTREE_GIST_TYPES = frozenset(
    {
        "smallint",
        "integer",
        "bigint",
        "numeric",
        "real",
        "double precision",
        "text",
        "uuid",
        "date",
        "boolean",
        "bytea",
        "inet",
        "cidr",
        "interval",
        "money",
        "macaddr",
        TIMESTAMPTZ,
        "timestamp without time zone",
        "time without time zone",
    }
)


class PatternError(ValueError):
    """A pattern cannot be applied as asked; ``message`` says why, in words a user reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PatternResult:
    schema: Schema
    notes: list[str] = field(default_factory=list)
    example_queries: list[str] = field(default_factory=list)


# -- small helpers -------------------------------------------------------------------------


def _col(name: str, type_: str, *, nullable: bool = True, default: str | None = None) -> Column:
    return Column(
        name=name,
        type=normalize_type(type_),
        nullable=nullable,
        default=normalize_expr(default) if default is not None else None,
    )


def _name(*parts: str, suffix: str) -> str:
    """An object name PostgreSQL-style, ``<parts>_<suffix>``, truncated to 63 bytes."""
    head = "_".join(parts)
    room = MAX_IDENTIFIER_BYTES - len(suffix.encode()) - 1
    while len(head.encode()) > room:
        head = head[:-1]
    return f"{head}_{suffix}"


def _check_name(name: str) -> str:
    errors = identifier_errors(name)
    if errors:
        raise PatternError(ERR_BAD_NAME.format(name=name, reason=errors[0]))
    return name


def _target(schema: Schema, table: str | None) -> Table:
    if not table:
        raise PatternError(ERR_TABLE_REQUIRED)
    t = schema.table(table)
    if t is None:
        raise PatternError(ERR_UNKNOWN_TABLE.format(table=table))
    if t.partition_of is not None:
        raise PatternError(ERR_PARTITION.format(table=t.qualified_name))
    return t


def _require_new_column(t: Table, column: str) -> None:
    _check_name(column)
    if t.column(column) is not None:
        raise PatternError(ERR_COLUMN_EXISTS.format(table=t.qualified_name, column=column))


def _require_new_table(schema: Schema, name: str) -> None:
    _check_name(name)
    if schema.table(name) is not None:
        raise PatternError(ERR_TABLE_EXISTS.format(table=name))


def _ref(t: Table) -> str:
    """The table as SQL text: qualified only outside ``public`` (examples read better)."""
    return quote_ident(t.name) if t.schema == DEFAULT_SCHEMA else qualify(t.schema, t.name)


def _cols(names: Iterable[str]) -> str:
    return ", ".join(quote_ident(n) for n in names)


def _referencing(schema: Schema, t: Table, columns: tuple[str, ...] | None = None) -> list[str]:
    """Tables with a foreign key to ``t`` (to exactly ``columns`` when given), sorted."""
    found = set()
    for other in schema.tables:
        for fk in other.foreign_keys:
            if (fk.ref_schema, fk.ref_table) != (t.schema, t.name):
                continue
            if columns is None or set(fk.ref_columns) == set(columns):
                found.add(other.qualified_name)
    return sorted(found)


def _with_raw(schema: Schema, *statements: RawStatement) -> Schema:
    """Append statements not already present (a shared function is created once)."""
    raw = list(schema.raw)
    for s in statements:
        if s not in raw:
            raw.append(s)
    return replace(schema, raw=tuple(raw))


def _has_raw(schema: Schema, sql: str) -> bool:
    return any(r.sql == sql for r in schema.raw)


def _function(sql: str) -> RawStatement:
    return RawStatement(sql=sql, phase="pre", kind="CreateFunctionStmt")


def _trigger(name: str, t: Table, timing: str, function_call: str) -> RawStatement:
    sql = (
        f"CREATE TRIGGER {quote_ident(name)} {timing} ON {qualify(t.schema, t.name)}"
        f" FOR EACH ROW EXECUTE FUNCTION {function_call};"
    )
    return RawStatement(sql=sql, phase="post", kind="CreateTrigStmt")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- soft delete ------------------------------------------------------------------------------


def apply_soft_delete(
    schema: Schema, *, table: str | None = None, column: str = "deleted_at", live_index: bool = True
) -> PatternResult:
    t = _target(schema, table)
    _require_new_column(t, column)
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
        referenced = _referencing(schema, t, u.columns)
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
        name = _name(t.name, *u.columns, suffix="live_key")
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
        referenced = _referencing(schema, t, columns) if ix.where is None else []
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
        name = _name(t.name, "live", suffix="idx")
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
        columns=(*t.columns, _col(column, "timestamptz")),
        uniques=tuple(uniques),
        indexes=tuple(indexes),
    )
    ref = _ref(t)
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


# -- audit columns ----------------------------------------------------------------------------

SET_UPDATED_AT = """CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;"""


def apply_audit_columns(schema: Schema, *, table: str | None = None) -> PatternResult:
    t = _target(schema, table)
    notes = []
    columns = list(t.columns)
    for name in ("created_at", "updated_at"):
        existing = t.column(name)
        if existing is None:
            columns.append(_col(name, "timestamptz", nullable=False, default="now()"))
        elif existing.type != TIMESTAMPTZ:
            raise PatternError(
                ERR_COLUMN_TYPE.format(
                    table=t.qualified_name, column=name, type=existing.type, expected=TIMESTAMPTZ
                )
            )
        else:
            notes.append(f"{name} already exists as {TIMESTAMPTZ}; it is kept as it is.")
    trigger = _trigger(
        _name(t.name, "set_updated_at", suffix="trg"), t, "BEFORE UPDATE", "set_updated_at()"
    )
    if _has_raw(schema, trigger.sql):
        raise PatternError(ERR_ALREADY_APPLIED.format(table=t.qualified_name))
    new_schema = schema.with_table(replace(t, columns=tuple(columns)))
    new_schema = _with_raw(new_schema, _function(SET_UPDATED_AT), trigger)
    notes += [
        "created_at and updated_at default to now(), so inserts need not name them.",
        "A BEFORE UPDATE trigger sets updated_at on every update, whoever writes the row;"
        " set_updated_at() is shared by every table that uses this pattern.",
        "now() is the transaction's start time: rows changed in one transaction share it.",
    ]
    ref = _ref(t)
    examples = [
        f"SELECT * FROM {ref} WHERE updated_at > $1 ORDER BY updated_at;",
        f"SELECT * FROM {ref} ORDER BY created_at DESC LIMIT 20;",
    ]
    return PatternResult(new_schema, notes, examples)


# -- audit log --------------------------------------------------------------------------------

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
            _col("table_name", "text", nullable=False),
            _col("op", "text", nullable=False),
            _col("row_pk", "jsonb"),
            _col("old_row", "jsonb"),
            _col("new_row", "jsonb"),
            _col("changed_by", "text", nullable=False, default="current_user"),
            _col("changed_at", "timestamptz", nullable=False, default="now()"),
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
    t = _target(schema, table)
    if (t.schema, t.name) == (DEFAULT_SCHEMA, AUDIT_LOG):
        raise PatternError(ERR_TABLE_EXISTS.format(table=AUDIT_LOG))
    if t.primary_key is None:
        raise PatternError(ERR_NO_PRIMARY_KEY.format(table=t.qualified_name))
    args = ", ".join(_literal(c) for c in t.primary_key.columns)
    trigger = _trigger(
        _name(t.name, "audit", suffix="trg"),
        t,
        "AFTER INSERT OR UPDATE OR DELETE",
        f"audit_row_change({args})",
    )
    if _has_raw(schema, trigger.sql):
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
    new_schema = _with_raw(new_schema, _function(AUDIT_FUNCTION), trigger)
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
    pk_json = ", ".join(f"{_literal(c)}, ${i}::{types.get(c, 'text')}" for i, c in enumerate(pk, 1))
    name = _literal(f"{t.schema}.{t.name}")
    examples = [
        f"SELECT op, changed_by, changed_at, old_row, new_row FROM audit_log"
        f" WHERE table_name = {name} AND row_pk = jsonb_build_object({pk_json})"
        " ORDER BY changed_at, id;",
        f"SELECT * FROM audit_log WHERE table_name = {name}"
        " AND changed_at >= now() - interval '1 day' ORDER BY changed_at;",
    ]
    return PatternResult(new_schema, notes, examples)


# -- optimistic locking -----------------------------------------------------------------------


def apply_optimistic_locking(
    schema: Schema, *, table: str | None = None, column: str = "version"
) -> PatternResult:
    t = _target(schema, table)
    _require_new_column(t, column)
    if t.primary_key is None:
        raise PatternError(ERR_NO_PRIMARY_KEY.format(table=t.qualified_name))
    new = replace(t, columns=(*t.columns, _col(column, "integer", nullable=False, default="1")))
    pk = t.primary_key.columns
    n = len(pk)
    v = quote_ident(column)
    match = " AND ".join(f"{quote_ident(c)} = ${i}" for i, c in enumerate(pk, 1))
    ref = _ref(t)
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


# -- multi-tenancy ----------------------------------------------------------------------------


def _tenants_table(name: str) -> Table:
    return Table(
        name=name,
        columns=(
            Column(name="id", type="bigint", nullable=False, identity="ALWAYS"),
            _col("name", "text", nullable=False),
            _col("created_at", "timestamptz", nullable=False, default="now()"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        comment="The customers whose data the other tables keep apart.",
    )


def _lead_with(parts: tuple[IndexPart, ...], column: str) -> tuple[IndexPart, ...]:
    return (IndexPart(column=column), *parts)


def apply_multi_tenancy(
    schema: Schema,
    *,
    table: str | None = None,
    tenants_table: str = "tenants",
    column: str = "tenant_id",
) -> PatternResult:
    """Scope one table (or every table when ``table`` is None) to a tenant, with forced RLS."""
    _check_name(tenants_table)
    _check_name(column)
    notes: list[str] = []
    tenants = schema.table(tenants_table)
    if tenants is None:
        tenants = _tenants_table(tenants_table)
        schema = schema.with_table(tenants)
        notes.append(f"New table {tenants_table}: one row per tenant.")
    if tenants.primary_key is None or len(tenants.primary_key.columns) != 1:
        raise PatternError(ERR_TENANTS_KEY.format(table=tenants.qualified_name))
    tenant_pk = tenants.primary_key.columns[0]
    pk_col = tenants.column(tenant_pk)
    tenant_type = {"serial": "integer", "bigserial": "bigint"}.get(
        pk_col.type if pk_col else "bigint", pk_col.type if pk_col else "bigint"
    )
    if table:
        targets = [_target(schema, table)]
        if (targets[0].schema, targets[0].name) == (tenants.schema, tenants.name):
            raise PatternError(ERR_ALREADY_APPLIED.format(table=targets[0].qualified_name))
        if targets[0].column(column) is not None:
            raise PatternError(ERR_ALREADY_APPLIED.format(table=targets[0].qualified_name))
    else:
        targets = [
            t
            for t in schema.tables
            if t.partition_of is None
            and (t.schema, t.name) != (tenants.schema, tenants.name)
            and t.column(column) is None
        ]
    if not targets:
        raise PatternError(ERR_NO_TENANT_TABLES)
    for t in targets:
        if t.primary_key is None:
            raise PatternError(ERR_NO_PRIMARY_KEY.format(table=t.qualified_name))
    scoped = {(t.schema, t.name): t for t in targets}
    # Tables already scoped by an earlier run count as tenant parents too.
    parents = {
        (t.schema, t.name): t
        for t in schema.tables
        if (t.schema, t.name) in scoped
        or (t.column(column) is not None and t.rls_enabled and t.primary_key)
    }
    rule = normalize_expr(
        f"{quote_ident(column)} = current_setting('app.tenant_id')::{tenant_type}"
    )
    # The default tolerates an unset setting (NULL, refused by NOT NULL with a clear message)
    # so the column can be added to an empty table without a tenant set.
    default = normalize_expr(f"nullif(current_setting('app.tenant_id', true), '')::{tenant_type}")
    for t in targets:
        schema = schema.with_table(
            _scope_table(t, column, tenant_type, default, rule, tenants, tenant_pk, parents)
        )
    names = ", ".join(sorted(t.qualified_name for t in targets))
    notes += [
        f"Tenant-scoped: {names}. Each gets {column} NOT NULL referencing"
        f" {tenants_table}({tenant_pk}), defaulting to the session's app.tenant_id.",
        f"The primary key stays (id): ids stay unique across tenants, URLs and caches keep"
        f" working, and nothing that references the table breaks. A UNIQUE ({column}, id)"
        " is added beside it so child tables can reference (tenant_id, id): a child row can"
        " then never point at another tenant's parent.",
        "Foreign keys between tenant-scoped tables now include tenant_id; unique keys and"
        " btree indexes lead with tenant_id (uniqueness is per tenant, and every query"
        " filtered by the policy can use them).",
        "Row-level security is enabled and FORCED with a policy comparing tenant_id to"
        " current_setting('app.tenant_id'): USING hides other tenants' rows, WITH CHECK"
        " refuses writing them. FORCE makes the table's owner subject to it too; only"
        " superusers and roles with BYPASSRLS are not.",
        "Set the tenant per transaction with SELECT set_config('app.tenant_id', $1, true)"
        " (safe behind a connection pooler). Without a tenant set, queries fail (an unset or"
        " empty setting cannot be cast) rather than show every tenant's rows.",
        f"Existing rows need a tenant: run the migration with app.tenant_id set to the"
        f" tenant that owns them (the default fills {column}), or backfill it first.",
    ]
    first = targets[0]
    examples = [
        f"INSERT INTO {_ref(tenants)} (name) VALUES ($1) RETURNING {quote_ident(tenant_pk)};",
        "SELECT set_config('app.tenant_id', $1, true);",
        f"SELECT * FROM {_ref(first)};",
    ]
    return PatternResult(schema, notes, examples)


def _scope_table(
    t: Table,
    column: str,
    tenant_type: str,
    default: str,
    rule: str,
    tenants: Table,
    tenant_pk: str,
    parents: Mapping[tuple[str, str], Table],
) -> Table:
    assert t.primary_key is not None
    pk = t.primary_key.columns
    tenant_col = Column(name=column, type=tenant_type, nullable=False, default=default)
    fks = [
        ForeignKey(
            columns=(column,),
            ref_table=tenants.name,
            ref_schema=tenants.schema,
            ref_columns=(tenant_pk,),
            name=_name(t.name, column, suffix="fkey"),
        )
    ]
    for fk in t.foreign_keys:
        parent = parents.get((fk.ref_schema, fk.ref_table))
        if (
            parent is None
            or parent.primary_key is None
            or fk.ref_columns != parent.primary_key.columns
            or column in fk.columns
        ):
            fks.append(fk)
            continue
        on_delete_columns = fk.on_delete_columns
        if fk.on_delete in ("SET NULL", "SET DEFAULT") and not on_delete_columns:
            # Nulling tenant_id too would break NOT NULL: null only the original columns.
            on_delete_columns = fk.columns
        fks.append(
            replace(
                fk,
                columns=(column, *fk.columns),
                ref_columns=(column, *fk.ref_columns),
                on_delete_columns=on_delete_columns,
            )
        )
    uniques = [
        UniqueConstraint(columns=(column, *pk), name=_name(t.name, column, *pk, suffix="key"))
    ]
    for u in t.uniques:
        uniques.append(u if column in u.columns else replace(u, columns=(column, *u.columns)))
    indexes = []
    for ix in t.indexes:
        if ix.method == "btree" and column not in ix.column_names:
            ix = replace(ix, parts=_lead_with(ix.parts, column))
        indexes.append(ix)
    policy = Policy(name="tenant_isolation", using=rule, with_check=rule)
    return replace(
        t,
        columns=(*t.columns, tenant_col),
        foreign_keys=tuple(fks),
        uniques=tuple(uniques),
        indexes=tuple(indexes),
        rls_enabled=True,
        rls_forced=True,
        policies=(*(p for p in t.policies if p.name != policy.name), policy),
    )


# -- job queue --------------------------------------------------------------------------------

JOB_STATUSES = ("queued", "running", "done", "failed")


def apply_job_queue(
    schema: Schema, *, table: str | None = None, name: str = "jobs"
) -> PatternResult:
    _require_new_table(schema, name)
    statuses = ", ".join(_literal(s) for s in JOB_STATUSES)
    jobs = Table(
        name=name,
        columns=(
            Column(name="id", type="bigint", nullable=False, identity="ALWAYS"),
            _col("queue", "text", nullable=False, default="'default'"),
            _col("payload", "jsonb", nullable=False, default="'{}'::jsonb"),
            _col("status", "text", nullable=False, default="'queued'"),
            _col("run_at", "timestamptz", nullable=False, default="now()"),
            _col("attempts", "integer", nullable=False, default="0"),
            _col("max_attempts", "integer", nullable=False, default="5"),
            _col("locked_at", "timestamptz"),
            _col("locked_by", "text"),
            _col("last_error", "text"),
            _col("created_at", "timestamptz", nullable=False, default="now()"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        checks=(
            CheckConstraint(
                expression=normalize_expr(f"status IN ({statuses})"),
                name=_name(name, "status", suffix="check"),
            ),
        ),
        indexes=(
            Index(
                name=_name(name, "queue_run_at", suffix="idx"),
                parts=(IndexPart(column="queue"), IndexPart(column="run_at")),
                where=normalize_expr("status = 'queued'"),
                purpose="dequeue: the next due job of a queue",
            ),
            Index(
                name=_name(name, "locked_at", suffix="idx"),
                parts=(IndexPart(column="locked_at"),),
                where=normalize_expr("status = 'running'"),
                purpose="find jobs whose worker died",
            ),
        ),
        comment="A work queue: workers take due jobs with FOR UPDATE SKIP LOCKED.",
    )
    ref = quote_ident(name)
    examples = [
        f"INSERT INTO {ref} (queue, payload) VALUES ($1, $2::jsonb) RETURNING id;",
        f"WITH next AS (\n    SELECT id FROM {ref}\n"
        "    WHERE queue = $1 AND status = 'queued' AND run_at <= now()\n"
        "    ORDER BY run_at\n    LIMIT 1\n    FOR UPDATE SKIP LOCKED\n)\n"
        f"UPDATE {ref} AS j\n"
        "SET status = 'running', locked_at = now(), locked_by = $2, attempts = j.attempts + 1\n"
        "FROM next\nWHERE j.id = next.id\nRETURNING j.id, j.payload, j.attempts;",
        f"UPDATE {ref} SET status = 'done', locked_at = NULL WHERE id = $1 AND locked_by = $2;",
        f"UPDATE {ref}\nSET status = CASE WHEN attempts >= max_attempts THEN 'failed'"
        " ELSE 'queued' END,\n"
        "    run_at = now() + interval '1 second' * 2 ^ attempts,\n"
        "    last_error = $2, locked_at = NULL, locked_by = NULL\nWHERE id = $1;",
        f"UPDATE {ref} SET status = 'queued', locked_at = NULL, locked_by = NULL\n"
        "WHERE status = 'running' AND locked_at < now() - $1::interval;",
    ]
    notes = [
        f"{name}.status is text with a CHECK rather than an enum: a CHECK can later drop or"
        " rename a state, an enum value cannot be removed.",
        "Dequeue locks the next due job with FOR UPDATE SKIP LOCKED inside the UPDATE's CTE:"
        " concurrent workers skip each other's rows instead of waiting, and each gets a"
        " different job.",
        "The partial index on (queue, run_at) WHERE status = 'queued' holds only waiting"
        " jobs, so it stays small however many finished jobs the table keeps.",
        "A failed job is retried with exponential back-off until max_attempts; jobs whose"
        " worker died (running, locked long ago) are put back by the last example.",
        "Delete or archive done jobs regularly: dead rows slow the dequeue scan.",
    ]
    return PatternResult(schema.with_table(jobs), notes, examples)


# -- temporal validity ------------------------------------------------------------------------


def _split(text: str | Iterable[str]) -> tuple[str, ...]:
    items = re.split(r"[\s,]+", text) if isinstance(text, str) else list(text)
    return tuple(i for i in (s.strip() for s in items) if i)


def apply_temporal_validity(
    schema: Schema,
    *,
    table: str | None = None,
    key: str | Iterable[str] = "",
    column: str = "valid",
) -> PatternResult:
    t = _target(schema, table)
    _require_new_column(t, column)
    notes = []
    keys = _split(key)
    uniques = list(t.uniques)
    if not keys:
        if not t.uniques:
            raise PatternError(ERR_TEMPORAL_KEY.format(table=t.qualified_name))
        keys = t.uniques[0].columns
    for k in keys:
        c = t.column(k)
        if c is None:
            raise PatternError(ERR_UNKNOWN_COLUMN.format(table=t.qualified_name, column=k))
        if (
            c.type not in BTREE_GIST_TYPES
            and not c.type.startswith(("character varying", "character(", "numeric("))
            and not any(e.name == c.type or e.qualified_name == c.type for e in schema.enums)
        ):
            raise PatternError(
                ERR_TEMPORAL_KEY_TYPE.format(table=t.qualified_name, column=k, type=c.type)
            )
    # A unique key over key columns only would forbid a second version: it goes.
    indexes = list(t.indexes)
    for ix in t.indexes:
        used = {p.column for p in ix.parts if p.column} | {
            col for p in ix.parts if p.expression for col in expression_columns(p.expression)
        }
        if ix.unique and ix.where is None and used <= set(keys):
            indexes.remove(ix)
            notes.append(
                f"Unique index {ix.name} is dropped: it would forbid a second period of a key."
                " Add an exclusion constraint on its expression if you need that rule per period."
            )
    for u in t.uniques:
        if set(u.columns) <= set(keys):
            referencing = _referencing(schema, t, u.columns)
            if referencing:
                raise PatternError(
                    ERR_KEY_REFERENCED.format(
                        columns=", ".join(keys),
                        table=t.qualified_name,
                        referencing=", ".join(referencing),
                    )
                )
            uniques.remove(u)
            notes.append(
                f"UNIQUE ({', '.join(u.columns)}) is replaced by the exclusion constraint:"
                " a key may now have many rows, one per period."
            )
    primary_key = t.primary_key
    if primary_key is not None and set(primary_key.columns) == set(keys):
        referencing = _referencing(schema, t, primary_key.columns)
        if referencing:
            raise PatternError(
                ERR_KEY_REFERENCED.format(
                    columns=", ".join(keys),
                    table=t.qualified_name,
                    referencing=", ".join(referencing),
                )
            )
        primary_key = replace(primary_key, columns=(*primary_key.columns, column))
        notes.append(
            f"The primary key becomes ({', '.join(primary_key.columns)}): the key alone is"
            " no longer unique."
        )
    excl = ExcludeConstraint(
        elements=(
            *(ExcludeElement(expression=k, operator="=") for k in keys),
            ExcludeElement(expression=column, operator="&&"),
        ),
        name=_name(t.name, *keys, column, suffix="excl"),
    )
    new = replace(
        t,
        columns=(
            *t.columns,
            _col(column, "tstzrange", nullable=False, default="tstzrange(now(), NULL)"),
        ),
        primary_key=primary_key,
        uniques=tuple(uniques),
        indexes=tuple(indexes),
        excludes=(*t.excludes, excl),
    )
    new_schema = schema.with_table(new)
    if not any(e.name == "btree_gist" for e in schema.extensions):
        new_schema = replace(
            new_schema, extensions=(*new_schema.extensions, Extension(name="btree_gist"))
        )
        notes.append("Adds the btree_gist extension: it lets a GiST index compare keys with =.")
    k = " AND ".join(f"{quote_ident(c)} = ${i}" for i, c in enumerate(keys, 1))
    n = len(keys)
    v = quote_ident(column)
    ref = _ref(t)
    notes += [
        f"{column} is the period a row is true for, [from, to); an open upper bound means"
        " 'until further notice'. The exclusion constraint refuses two rows of the same key"
        " with overlapping periods.",
        "To change a value, close the current row's period and insert the new row in one"
        " transaction (see the examples).",
        "PostgreSQL 18 can say the same as PRIMARY KEY (key, valid WITHOUT OVERLAPS); the"
        " exclusion constraint also works on older servers.",
    ]
    examples = [
        f"SELECT * FROM {ref} WHERE {k} AND {v} @> now();",
        f"SELECT * FROM {ref} WHERE {k} AND {v} @> ${n + 1}::timestamptz;",
        f"UPDATE {ref} SET {v} = tstzrange(lower({v}), now())"
        f" WHERE {k} AND {v} @> now() AND lower({v}) < now();",
    ]
    return PatternResult(new_schema, notes, examples)


# -- monthly range partitioning ---------------------------------------------------------------


def _month(text: str | date) -> date:
    if isinstance(text, date):
        return text.replace(day=1)
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PatternError(ERR_OPTION_MONTH.format(option="start"))
    return date(int(m.group(1)), int(m.group(2)), 1)


def _month_name(t: Table, month: date) -> str:
    return _name(t.name, suffix=f"y{month:%Y}m{month:%m}")


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def apply_monthly_partitioning(
    schema: Schema,
    *,
    table: str | None = None,
    column: str = "created_at",
    start: str | date = "2025-01",
    months: int = 12,
    default_partition: bool = True,
) -> PatternResult:
    t = _target(schema, table)
    if t.partitioning is not None:
        raise PatternError(ERR_PARTITIONED.format(table=t.qualified_name))
    c = t.column(column)
    if c is None:
        raise PatternError(ERR_UNKNOWN_COLUMN.format(table=t.qualified_name, column=column))
    if c.type not in TIMESTAMP_TYPES:
        raise PatternError(
            ERR_COLUMN_TYPE.format(
                table=t.qualified_name,
                column=column,
                type=c.type,
                expected="timestamptz, timestamp or date",
            )
        )
    if not 1 <= months <= 120:
        raise PatternError(ERR_OPTION_INT.format(option="months", low=1, high=120))
    first = _month(start)
    referencing = sorted(r for r in _referencing(schema, t) if r != t.qualified_name)
    if referencing or any(
        (fk.ref_schema, fk.ref_table) == (t.schema, t.name) for fk in t.foreign_keys
    ):
        raise PatternError(
            ERR_PARTITION_REFERENCED.format(
                table=t.qualified_name, referencing=", ".join(referencing) or t.qualified_name
            )
        )
    if t.excludes:
        raise PatternError(ERR_PARTITION_EXCLUDES.format(table=t.qualified_name))
    notes = [
        f"{t.qualified_name} becomes PARTITION BY RANGE ({column}) with one partition per"
        f" month from {first:%Y-%m} ({months} months)"
        + (" and a DEFAULT partition for rows outside them." if default_partition else ".")
    ]
    columns = list(t.columns)
    if c.nullable:
        columns[columns.index(c)] = replace(c, nullable=False)
        notes.append(f"{column} becomes NOT NULL: it is part of the primary key now.")
    primary_key = t.primary_key
    if primary_key is not None and column not in primary_key.columns:
        primary_key = replace(primary_key, columns=(*primary_key.columns, column))
        notes.append(
            f"The primary key becomes ({', '.join(primary_key.columns)}): PostgreSQL requires"
            " every unique key of a partitioned table to include the partition key. The old"
            " key alone is no longer enforced across partitions."
        )
    uniques = []
    for u in t.uniques:
        if column not in u.columns:
            u = replace(u, columns=(*u.columns, column))
            notes.append(
                f"UNIQUE constraint {u.name or ', '.join(u.columns)} now includes {column}"
                " (the partition key), so it is unique per timestamp, not table-wide."
            )
        uniques.append(u)
    indexes = []
    for ix in t.indexes:
        if ix.unique and column not in ix.column_names:
            ix = replace(ix, parts=(*ix.parts, IndexPart(column=column)))
            notes.append(f"Unique index {ix.name} now includes {column} (the partition key).")
        indexes.append(ix)
    parent = replace(
        t,
        columns=tuple(columns),
        primary_key=primary_key,
        uniques=tuple(uniques),
        indexes=tuple(indexes),
        partitioning=Partitioning(strategy="RANGE", key=quote_ident(column)),
    )
    new_schema = schema.with_table(parent)
    tz = "+00" if c.type == TIMESTAMPTZ else ""
    month = first
    partitions = []
    for _ in range(months):
        following = _next_month(month)
        low = f"{month:%Y-%m-%d}" + (" 00:00:00" + tz if tz else "")
        high = f"{following:%Y-%m-%d}" + (" 00:00:00" + tz if tz else "")
        partitions.append((_month_name(t, month), f"FOR VALUES FROM ('{low}') TO ('{high}')"))
        month = following
    if default_partition:
        partitions.append((_name(t.name, suffix="default"), "DEFAULT"))
    for name, bound in partitions:
        if schema.table(name, t.schema) is not None:
            raise PatternError(ERR_PARTITION_NAME_TAKEN.format(name=name))
        new_schema = new_schema.with_table(
            Table(
                name=name,
                schema=t.schema,
                partition_of=PartitionOf(parent_schema=t.schema, parent_table=t.name, bound=bound),
            )
        )
    if tz:
        notes.append("Bounds are midnight UTC; a row goes to the month of its time in UTC.")
    notes += [
        "Indexes declared on the table are created on every partition automatically.",
        "An existing table cannot be switched to partitioned in place: create the new table,"
        " copy the rows (INSERT ... SELECT), then swap names in one transaction.",
        "Create next months' partitions ahead of time (a monthly job, or pg_partman); rows"
        " with no matching month land in the DEFAULT partition, which must be emptied before"
        " a partition covering them can be added.",
        "Old months are dropped instantly with DROP TABLE or detached with ALTER TABLE ..."
        " DETACH PARTITION, instead of a slow DELETE.",
    ]
    ref = _ref(t)
    after = following  # the month after the last partition
    col = quote_ident(column)
    examples = [
        f"SELECT tableoid::regclass AS partition, count(*) FROM {ref} GROUP BY 1 ORDER BY 1;",
        f"SELECT * FROM {ref} WHERE {col} >= $1 AND {col} < $2;",
        f"CREATE TABLE IF NOT EXISTS"
        f" {qualify(t.schema, _month_name(t, after))}"
        f" PARTITION OF {qualify(t.schema, t.name)}"
        f" FOR VALUES FROM ('{after:%Y-%m-%d}{' 00:00:00' + tz if tz else ''}')"
        f" TO ('{_next_month(after):%Y-%m-%d}{' 00:00:00' + tz if tz else ''}');",
    ]
    return PatternResult(new_schema, notes, examples)


# -- the DDL a pattern adds ------------------------------------------------------------------

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


# -- registry ---------------------------------------------------------------------------------

OptionKind = Literal["text", "int", "bool", "month", "column", "columns"]


@dataclass(frozen=True)
class PatternOption:
    name: str
    label: str
    default: Any
    kind: OptionKind = "text"
    help: str = ""


@dataclass(frozen=True)
class Pattern:
    id: str
    title: str
    description: str
    scope: Literal["table", "project"]
    apply: Callable[..., PatternResult]
    options: tuple[PatternOption, ...] = ()
    # Table patterns that may also run over every table when no table is chosen.
    all_tables: bool = False


PATTERNS: dict[str, Pattern] = {
    p.id: p
    for p in (
        Pattern(
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
        ),
        Pattern(
            "audit-columns",
            "Audit columns",
            "created_at and updated_at, kept current by a shared BEFORE UPDATE trigger.",
            "table",
            apply_audit_columns,
        ),
        Pattern(
            "audit-log",
            "Audit log",
            "Every INSERT, UPDATE and DELETE of a table recorded as jsonb in audit_log by a"
            " generic trigger.",
            "table",
            apply_audit_log,
        ),
        Pattern(
            "optimistic-locking",
            "Optimistic locking",
            "A version column: an update succeeds only if nobody changed the row since it"
            " was read.",
            "table",
            apply_optimistic_locking,
            (PatternOption("column", "Column", "version"),),
        ),
        Pattern(
            "multi-tenancy",
            "Multi-tenancy",
            "tenant_id on the chosen table (or every table) with forced row-level security:"
            " each tenant sees only its own rows.",
            "table",
            apply_multi_tenancy,
            (
                PatternOption("tenants_table", "Tenants table", "tenants"),
                PatternOption("column", "Column", "tenant_id"),
            ),
            all_tables=True,
        ),
        Pattern(
            "job-queue",
            "Job queue",
            "A jobs table that concurrent workers dequeue from with FOR UPDATE SKIP LOCKED.",
            "project",
            apply_job_queue,
            (PatternOption("name", "Table name", "jobs"),),
        ),
        Pattern(
            "temporal-validity",
            "Temporal validity",
            "A validity period per row; periods of the same key may not overlap (btree_gist"
            " exclusion constraint).",
            "table",
            apply_temporal_validity,
            (
                PatternOption(
                    "key", "Key columns", "", "columns", "Default: the first unique key."
                ),
                PatternOption("column", "Period column", "valid"),
            ),
        ),
        Pattern(
            "monthly-range-partitioning",
            "Monthly range partitioning",
            "PARTITION BY RANGE on a timestamp column, one partition per month plus a"
            " DEFAULT partition.",
            "table",
            apply_monthly_partitioning,
            (
                PatternOption("column", "Timestamp column", "created_at", "column"),
                PatternOption("start", "First month (YYYY-MM)", "2025-01", "month"),
                PatternOption("months", "Number of months", 12, "int"),
                PatternOption("default_partition", "DEFAULT partition", True, "bool"),
            ),
        ),
    )
}


def _parse_option(option: PatternOption, raw: Any) -> Any:
    if option.kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "true", "on", "yes")
    if option.kind == "int":
        try:
            return int(str(raw).strip())
        except ValueError:
            raise PatternError(ERR_OPTION_INT.format(option=option.name, low=1, high=120)) from None
    text = str(raw).strip() if raw is not None else ""
    return text if text or option.kind == "columns" else option.default


def parse_options(pattern: Pattern, options: Mapping[str, Any]) -> dict[str, Any]:
    """Typed keyword arguments from form values; missing options take their defaults.

    A bool option absent from a submitted form means unchecked, so callers posting a form
    pass every bool option (``"0"`` when off).
    """
    known = {o.name: o for o in pattern.options}
    for name in options:
        if name not in known:
            raise PatternError(ERR_UNKNOWN_OPTION.format(option=name))
    return {
        o.name: _parse_option(o, options[o.name]) if o.name in options else o.default
        for o in pattern.options
    }


def get_pattern(pattern_id: str) -> Pattern:
    try:
        return PATTERNS[pattern_id]
    except KeyError:
        raise PatternError(ERR_UNKNOWN_PATTERN.format(pattern=pattern_id)) from None


def run_pattern(
    schema: Schema, pattern_id: str, table: str | None, options: Mapping[str, Any]
) -> PatternResult:
    """Apply a registered pattern with options as a form sends them (strings)."""
    pattern = get_pattern(pattern_id)
    kwargs = parse_options(pattern, options)
    if pattern.scope == "table" and not table and not pattern.all_tables:
        raise PatternError(ERR_TABLE_REQUIRED)
    return pattern.apply(schema, table=table or None, **kwargs)
