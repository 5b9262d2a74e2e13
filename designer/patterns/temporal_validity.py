"""Temporal validity: a validity period per row, and an exclusion constraint (btree_gist) that
refuses overlapping periods of the same key."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from designer.patterns.base import (
    ERR_UNKNOWN_COLUMN,
    TIMESTAMPTZ,
    Pattern,
    PatternError,
    PatternOption,
    PatternResult,
    new_column,
    object_name,
    referencing_tables,
    require_new_column,
    table_ref,
    target_table,
)
from designer.schema.model import ExcludeConstraint, ExcludeElement, Extension, Schema
from designer.schema.pgnames import expression_columns
from designer.schema.sqltext import quote_ident

ERR_TEMPORAL_KEY = (
    "Give the key columns whose periods must not overlap (e.g. product_id); “{table}” has no"
    " unique constraint to take them from."
)
ERR_TEMPORAL_KEY_TYPE = "Column “{table}.{column}” is {type}; btree_gist cannot compare it with =."
ERR_KEY_REFERENCED = (
    "The unique key ({columns}) of “{table}” is referenced by foreign keys from {referencing};"
    " it cannot be replaced. Point those foreign keys at the primary key first."
)
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
    t = target_table(schema, table)
    require_new_column(t, column)
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
            referencing = referencing_tables(schema, t, u.columns)
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
        referencing = referencing_tables(schema, t, primary_key.columns)
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
        name=object_name(t.name, *keys, column, suffix="excl"),
    )
    new = replace(
        t,
        columns=(
            *t.columns,
            new_column(column, "tstzrange", nullable=False, default="tstzrange(now(), NULL)"),
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
    ref = table_ref(t)
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


PATTERN = Pattern(
    "temporal-validity",
    "Temporal validity",
    "A validity period per row; periods of the same key may not overlap (btree_gist"
    " exclusion constraint).",
    "table",
    apply_temporal_validity,
    (
        PatternOption("key", "Key columns", "", "columns", "Default: the first unique key."),
        PatternOption("column", "Period column", "valid"),
    ),
)
