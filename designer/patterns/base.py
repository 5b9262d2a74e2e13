"""What every pattern shares: the result and error types, the registry entry types, the
messages users see when a pattern cannot apply, and small helpers that build columns, names,
triggers and SQL text.

A pattern is a pure function ``apply(schema, *, table=None, **options) -> PatternResult``:
the new schema, notes that explain what was decided and why, and example queries that run
on the result. Invalid input raises ``PatternError`` and nothing changes. No Django here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from designer.schema.model import DEFAULT_SCHEMA, Column, RawStatement, Schema, Table
from designer.schema.sqltext import (
    MAX_IDENTIFIER_BYTES,
    identifier_errors,
    normalize_expr,
    normalize_type,
    qualify,
    quote_ident,
)

# -- errors users see ------------------------------------------------------------------

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

TIMESTAMPTZ = "timestamp with time zone"


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


# -- helpers -------------------------------------------------------------------------------


def new_column(
    name: str, type_: str, *, nullable: bool = True, default: str | None = None
) -> Column:
    return Column(
        name=name,
        type=normalize_type(type_),
        nullable=nullable,
        default=normalize_expr(default) if default is not None else None,
    )


def object_name(*parts: str, suffix: str) -> str:
    """An object name PostgreSQL-style, ``<parts>_<suffix>``, truncated to 63 bytes."""
    head = "_".join(parts)
    room = MAX_IDENTIFIER_BYTES - len(suffix.encode()) - 1
    while len(head.encode()) > room:
        head = head[:-1]
    return f"{head}_{suffix}"


def valid_name(name: str) -> str:
    errors = identifier_errors(name)
    if errors:
        raise PatternError(ERR_BAD_NAME.format(name=name, reason=errors[0]))
    return name


def target_table(schema: Schema, table: str | None) -> Table:
    if not table:
        raise PatternError(ERR_TABLE_REQUIRED)
    t = schema.table(table)
    if t is None:
        raise PatternError(ERR_UNKNOWN_TABLE.format(table=table))
    if t.partition_of is not None:
        raise PatternError(ERR_PARTITION.format(table=t.qualified_name))
    return t


def require_new_column(t: Table, column: str) -> None:
    valid_name(column)
    if t.column(column) is not None:
        raise PatternError(ERR_COLUMN_EXISTS.format(table=t.qualified_name, column=column))


def require_new_table(schema: Schema, name: str) -> None:
    valid_name(name)
    if schema.table(name) is not None:
        raise PatternError(ERR_TABLE_EXISTS.format(table=name))


def table_ref(t: Table) -> str:
    """The table as SQL text: qualified only outside ``public`` (examples read better)."""
    return quote_ident(t.name) if t.schema == DEFAULT_SCHEMA else qualify(t.schema, t.name)


def referencing_tables(
    schema: Schema, t: Table, columns: tuple[str, ...] | None = None
) -> list[str]:
    """Tables with a foreign key to ``t`` (to exactly ``columns`` when given), sorted."""
    found = set()
    for other in schema.tables:
        for fk in other.foreign_keys:
            if (fk.ref_schema, fk.ref_table) != (t.schema, t.name):
                continue
            if columns is None or set(fk.ref_columns) == set(columns):
                found.add(other.qualified_name)
    return sorted(found)


def with_raw(schema: Schema, *statements: RawStatement) -> Schema:
    """Append statements not already present (a shared function is created once)."""
    raw = list(schema.raw)
    for s in statements:
        if s not in raw:
            raw.append(s)
    return replace(schema, raw=tuple(raw))


def has_raw(schema: Schema, sql: str) -> bool:
    return any(r.sql == sql for r in schema.raw)


def function_statement(sql: str) -> RawStatement:
    return RawStatement(sql=sql, phase="pre", kind="CreateFunctionStmt")


def trigger_statement(name: str, t: Table, timing: str, function_call: str) -> RawStatement:
    sql = (
        f"CREATE TRIGGER {quote_ident(name)} {timing} ON {qualify(t.schema, t.name)}"
        f" FOR EACH ROW EXECUTE FUNCTION {function_call};"
    )
    return RawStatement(sql=sql, phase="post", kind="CreateTrigStmt")
