"""Canonical forms, to compare designs and catalogs: ``canonical()`` and ``differences()``.

``canonical(s)`` is the form PostgreSQL would store ``s`` in: the names it
would choose for unnamed constraints, ``serial`` expanded the way it stores
it, sequence options filled with its defaults, presentation-only fields
dropped and everything without a natural order sorted. Two designs that
PostgreSQL would store identically have equal canonical forms, so
``differences(a, b)`` is empty exactly when they are.

Known approximations: PostgreSQL adds a digit to a default name that collides
with an existing one (``t_a_key1``); this module does not. Expressions are
compared as text normalised by the parser, so ``'x'`` and ``'x'::text`` (what
the catalog prints for a text default) still differ.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import pglast
from pglast.stream import RawStream

from designer.schema import model
from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    ExcludeConstraint,
    ForeignKey,
    Index,
    Schema,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.pgnames import (
    default_check_name,
    default_exclusion_name,
    identity_sequence_name,
    make_object_name,
    name_addition,
)
from designer.schema.sqltext import SERIAL_TYPES, format_type_name, normalize_expr

_INT_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_SERIAL_BASE = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}


# -- sequences ---------------------------------------------------------------------


def sequence_defaults(
    data_type: str, increment: int | None, min_value: int | None, max_value: int | None
) -> dict[str, int]:
    """What PostgreSQL fills in for sequence options left out, given the ones set."""
    low, high = _INT_RANGES.get(data_type, _INT_RANGES["bigint"])
    step = increment if increment is not None else 1
    default_min = 1 if step > 0 else low
    default_max = high if step > 0 else -1
    lo = min_value if min_value is not None else default_min
    hi = max_value if max_value is not None else default_max
    return {
        "start": lo if step > 0 else hi,
        "increment": 1,
        "min_value": default_min,
        "max_value": default_max,
        "cache": 1,
    }


_SEQUENCE_KEYWORDS = (
    ("start", "START WITH"),
    ("increment", "INCREMENT BY"),
    ("min_value", "MINVALUE"),
    ("max_value", "MAXVALUE"),
    ("cache", "CACHE"),
)
_SEQUENCE_OPTION = re.compile(
    r"\s*(?:SEQUENCE\s+NAME\s+(?P<name>[^\s]+)"
    r"|START\s+(?:WITH\s+)?(?P<start>-?\d+)"
    r"|INCREMENT\s+(?:BY\s+)?(?P<increment>-?\d+)"
    r"|MINVALUE\s+(?P<min_value>-?\d+)|(?P<no_min>NO\s+MINVALUE)"
    r"|MAXVALUE\s+(?P<max_value>-?\d+)|(?P<no_max>NO\s+MAXVALUE)"
    r"|CACHE\s+(?P<cache>\d+)|(?P<no_cycle>NO\s+CYCLE)|(?P<cycle>CYCLE))",
    re.IGNORECASE,
)


def sequence_options_sql(
    data_type: str,
    *,
    name: str | None = None,
    start: int | None = None,
    increment: int | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
    cache: int | None = None,
    cycle: bool = False,
) -> str | None:
    """Identity sequence options as SQL text, defaults left out, in pg_dump's order."""
    defaults = sequence_defaults(data_type, increment, min_value, max_value)
    values = {
        "start": start,
        "increment": increment,
        "min_value": min_value,
        "max_value": max_value,
        "cache": cache,
    }
    parts = [f"SEQUENCE NAME {name}"] if name else []
    for key, keyword in _SEQUENCE_KEYWORDS:
        value = values[key]
        if value is not None and value != defaults[key]:
            parts.append(f"{keyword} {value}")
    if cycle:
        parts.append("CYCLE")
    return " ".join(parts) or None


def _canonical_identity_options(column: Column, table: Table) -> str | None:
    """Identity options re-rendered by ``sequence_options_sql``; unknown text kept as is."""
    text = (column.identity_options or "").strip()
    if column.identity is None or not text:
        return column.identity_options or None
    found: dict[str, Any] = {}
    pos = 0
    while pos < len(text):
        match = _SEQUENCE_OPTION.match(text, pos)
        if match is None or match.end() == pos:
            return " ".join(text.split())
        found.update({k: v for k, v in match.groupdict().items() if v is not None})
        pos = match.end()
    name = found.get("name")
    if name is not None:
        # Unqualified: created in the first schema of search_path, public by convention.
        schema, _, bare = name.rpartition(".")
        schema = schema or model.DEFAULT_SCHEMA
        if (schema, bare) == (table.schema, identity_sequence_name(table.name, column.name)):
            name = None
        else:
            name = bare if schema == model.DEFAULT_SCHEMA else f"{schema}.{bare}"

    def number(key: str) -> int | None:
        return int(found[key]) if key in found else None

    return sequence_options_sql(
        column.type,
        name=name,
        start=number("start"),
        increment=number("increment"),
        min_value=number("min_value"),
        max_value=number("max_value"),
        cache=number("cache"),
        cycle="cycle" in found,
    )


# -- canonical form ---------------------------------------------------------------


def _option(text: str) -> str:
    """``key=value`` with the key lower-cased and quotes around the value removed."""
    key, eq, value = text.partition("=")
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1].replace("''", "'")
    return f"{key.strip().lower()}{eq}{value}"


def _options(options: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(_option(o) for o in options))


def _by_name(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda o: o.name or ""))


def _canonical_sequence(seq: model.Sequence) -> model.Sequence:
    defaults = sequence_defaults(seq.data_type, seq.increment, seq.min_value, seq.max_value)
    return replace(
        seq,
        start=defaults["start"] if seq.start is None else seq.start,
        increment=defaults["increment"] if seq.increment is None else seq.increment,
        min_value=defaults["min_value"] if seq.min_value is None else seq.min_value,
        max_value=defaults["max_value"] if seq.max_value is None else seq.max_value,
        cache=defaults["cache"] if seq.cache is None else seq.cache,
    )


def _expand_serial(table: Table) -> tuple[Table, list[model.Sequence]]:
    """``serial`` as PostgreSQL stores it: integer, NOT NULL, nextval default, owned sequence."""
    columns: list[Column] = []
    sequences: list[model.Sequence] = []
    for column in table.columns:
        if column.type not in SERIAL_TYPES:
            columns.append(column)
            continue
        seq_name = identity_sequence_name(table.name, column.name)
        ref = seq_name if table.schema == model.DEFAULT_SCHEMA else f"{table.schema}.{seq_name}"
        base = _SERIAL_BASE[column.type]
        columns.append(
            replace(
                column,
                type=base,
                nullable=False,
                default=normalize_expr(f"nextval('{ref}'::regclass)"),
            )
        )
        sequences.append(
            model.Sequence(
                name=seq_name,
                schema=table.schema,
                data_type=base,
                owned_by=f"{table.schema}.{table.name}.{column.name}",
            )
        )
    return replace(table, columns=tuple(columns)), sequences


def _canonical_index(index: Index) -> Index:
    return replace(index, with_options=_options(index.with_options), purpose="")


def _collation(name: str | None) -> str | None:
    """``"C"`` and ``C`` name the same collation: names are kept unquoted."""
    if name is None:
        return None
    return ".".join(part.strip('"') for part in name.split("."))


def _default(default: str | None, type_: str) -> str | None:
    """A literal cast to the column's own type is the cast PostgreSQL adds: drop it.

    ``'ok'`` on a ``mood`` column is stored as ``'ok'::mood``; both mean the same.
    """
    if default is None or "::" not in default:
        return default
    try:
        node = pglast.parse_sql(f"SELECT {default}")[0].stmt.targetList[0].val  # type: ignore[union-attr]
        if type(node).__name__ != "TypeCast" or type(node.arg).__name__ != "A_Const":
            return default
        if format_type_name(node.typeName) != type_:
            return default
        return str(RawStream()(node.arg))
    except pglast.parser.ParseError:
        return default


def _canonical_column(column: Column, table: Table, pk_columns: tuple[str, ...]) -> Column:
    return replace(
        column,
        # PostgreSQL makes primary key and identity columns NOT NULL.
        nullable=column.nullable and column.name not in pk_columns and column.identity is None,
        default=_default(column.default, column.type),
        collation=_collation(column.collation),
        identity_options=_canonical_identity_options(column, table)
        if column.identity
        else column.identity_options,
    )


def _canonical_table(table: Table, schema: Schema) -> Table:
    t = table
    pk = t.primary_key
    if pk is not None and pk.name is None:
        pk = replace(pk, name=make_object_name(t.name, None, "pkey"))
    t = replace(
        t,
        columns=tuple(_canonical_column(c, t, pk.columns if pk else ()) for c in t.columns),
    )
    uniques: list[UniqueConstraint] = [
        u if u.name else replace(u, name=make_object_name(t.name, name_addition(u.columns), "key"))
        for u in t.uniques
    ]
    fks: list[ForeignKey] = []
    for fk in t.foreign_keys:
        if not fk.ref_columns:
            target = schema.table(fk.ref_table, fk.ref_schema)
            if target is not None and target.primary_key is not None:
                fk = replace(fk, ref_columns=target.primary_key.columns)
        if fk.name is None:
            fk = replace(fk, name=make_object_name(t.name, name_addition(fk.columns), "fkey"))
        fks.append(fk)
    checks: list[CheckConstraint] = [
        c if c.name else replace(c, name=default_check_name(t, c.expression)) for c in t.checks
    ]
    excludes: list[ExcludeConstraint] = []
    for ex in t.excludes:
        if ex.name is None:
            ex = replace(ex, name=default_exclusion_name(t, ex))
        excludes.append(ex)
    inherits = tuple(p if "." in p else f"{model.DEFAULT_SCHEMA}.{p}" for p in t.inherits)
    return replace(
        t,
        primary_key=pk,
        uniques=_by_name(uniques),
        foreign_keys=_by_name(fks),
        checks=_by_name(checks),
        excludes=_by_name(excludes),
        indexes=_by_name(_canonical_index(i) for i in t.indexes),
        policies=_by_name(replace(p, roles=tuple(sorted(p.roles))) for p in t.policies),
        inherits=inherits,
        with_options=_options(t.with_options),
        group=None,
        color=None,
    )


def _canonical_domain(domain: Domain) -> Domain:
    checks = [
        c if c.name else replace(c, name=make_object_name(domain.name, None, "check"))
        for c in domain.checks
    ]
    return replace(
        domain,
        checks=_by_name(checks),
        default=_default(domain.default, domain.type),
        collation=_collation(domain.collation),
    )


def _canonical_view(view: View) -> View:
    return replace(
        view,
        with_options=_options(view.with_options),
        indexes=_by_name(_canonical_index(i) for i in view.indexes),
        column_comments=tuple(sorted(view.column_comments)),
    )


def canonical(schema: Schema) -> Schema:
    """The form of ``schema`` in which designs PostgreSQL stores identically are equal."""
    tables: list[Table] = []
    sequences = list(schema.sequences)
    for table in schema.tables:
        expanded, owned = _expand_serial(table)
        tables.append(expanded)
        sequences += owned
    expanded_schema = replace(schema, tables=tuple(tables))
    qualified: Callable[[Any], tuple[str, str]] = lambda o: (o.schema, o.name)  # noqa: E731
    return replace(
        schema,
        tables=tuple(sorted((_canonical_table(t, expanded_schema) for t in tables), key=qualified)),
        enums=tuple(sorted(schema.enums, key=qualified)),
        domains=tuple(sorted((_canonical_domain(d) for d in schema.domains), key=qualified)),
        sequences=tuple(sorted((_canonical_sequence(s) for s in sequences), key=qualified)),
        views=tuple(sorted((_canonical_view(v) for v in schema.views), key=qualified)),
        extensions=tuple(
            sorted(
                (
                    e if e.schema else replace(e, schema=model.DEFAULT_SCHEMA)
                    for e in schema.extensions
                ),
                key=lambda e: e.name,
            )
        ),
        schemas=tuple(sorted(set(schema.schemas) - {model.DEFAULT_SCHEMA})),
        schema_comments=tuple(sorted(schema.schema_comments)),
    )


# -- differences ------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if dataclasses.is_dataclass(value):
        return repr(value)
    return str(value)


# Fields compared object by object (by name) rather than as one value.
_NESTED = {"columns", "primary_key", "foreign_keys", "uniques", "checks", "excludes", "indexes"}
_NESTED |= {"policies"}
_KIND = {
    "columns": "column",
    "foreign_keys": "foreign key",
    "uniques": "unique constraint",
    "checks": "check constraint",
    "excludes": "exclusion constraint",
    "indexes": "index",
    "policies": "policy",
}


def _field_differences(prefix: str, a: Any, b: Any, nested: set[str]) -> list[str]:
    out: list[str] = []
    for f in dataclasses.fields(a):
        if not f.compare or f.name in nested:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x != y:
            out.append(f"{prefix}: {f.name.replace('_', ' ')} {_show(x)} vs {_show(y)}")
    return out


def _named_differences(
    prefix: str,
    kind: str,
    xs: Iterable[Any],
    ys: Iterable[Any],
    key: Callable[[Any], str],
    nested: set[str] | None = None,
) -> list[str]:
    left = {key(x): x for x in xs}
    right = {key(y): y for y in ys}
    out: list[str] = []
    for name in sorted(left.keys() | right.keys()):
        head = f"{prefix}{kind} {name}"
        if name not in right:
            out.append(f"{head}: only in the first schema")
        elif name not in left:
            out.append(f"{head}: only in the second schema")
        else:
            out += _field_differences(head, left[name], right[name], nested or set())
    return out


def _table_differences(a: Table, b: Table) -> list[str]:
    head = f"table {a.qualified_name}"
    out = _field_differences(head, a, b, _NESTED)
    out += _named_differences(f"{head}: ", "column", a.columns, b.columns, lambda c: c.name)
    if a.column_names != b.column_names and set(a.column_names) == set(b.column_names):
        out.append(f"{head}: column order {_show(a.column_names)} vs {_show(b.column_names)}")
    if (a.primary_key is None) != (b.primary_key is None):
        out.append(
            f"{head}: primary key {_show(a.primary_key and a.primary_key.columns)}"
            f" vs {_show(b.primary_key and b.primary_key.columns)}"
        )
    elif a.primary_key is not None and b.primary_key is not None:
        out += _field_differences(f"{head}: primary key", a.primary_key, b.primary_key, set())
    for attr in ("foreign_keys", "uniques", "checks", "excludes", "indexes", "policies"):
        out += _named_differences(
            f"{head}: ", _KIND[attr], getattr(a, attr), getattr(b, attr), lambda o: o.name or ""
        )
    return out


def _view_differences(a: View, b: View) -> list[str]:
    head = f"view {a.qualified_name}"
    out = _field_differences(head, a, b, {"indexes"})
    out += _named_differences(f"{head}: ", "index", a.indexes, b.indexes, lambda i: i.name)
    return out


def _relation_differences(
    kind: str, xs: Iterable[Any], ys: Iterable[Any], compare: Callable[[Any, Any], list[str]]
) -> list[str]:
    """Tables (or views) only on one side, and ``compare`` of those on both, by name."""
    left = {x.qualified_name: x for x in xs}
    right = {y.qualified_name: y for y in ys}
    out: list[str] = []
    for name in sorted(left.keys() | right.keys()):
        if name not in right:
            out.append(f"{kind} {name}: only in the first schema")
        elif name not in left:
            out.append(f"{kind} {name}: only in the second schema")
        else:
            out += compare(left[name], right[name])
    return out


def differences(a: Schema, b: Schema, *, compare_raw: bool = True) -> list[str]:
    """What differs between ``a`` and ``b`` once both are canonical, one line per difference.

    Empty when PostgreSQL would store both identically. Lines read like
    ``table public.orders: column total: default 0 vs NULL``. ``compare_raw=False``
    leaves out the raw statements (a live database has none: functions, triggers).
    """
    a, b = canonical(a), canonical(b)
    if not compare_raw:
        a, b = replace(a, raw=()), replace(b, raw=())
    if a == b:
        return []
    out: list[str] = []

    def qualified(o: Any) -> str:
        return f"{o.schema}.{o.name}"

    for name in sorted(set(a.schemas) ^ set(b.schemas)):
        where = "first" if name in a.schemas else "second"
        out.append(f"schema {name}: only in the {where} schema")
    if a.schema_comments != b.schema_comments:
        out.append(f"schema comments: {_show(a.schema_comments)} vs {_show(b.schema_comments)}")
    out += _named_differences("", "extension", a.extensions, b.extensions, lambda e: e.name)
    out += _named_differences("", "enum", a.enums, b.enums, qualified)
    out += _named_differences("", "domain", a.domains, b.domains, qualified)
    out += _named_differences("", "sequence", a.sequences, b.sequences, qualified)
    out += _relation_differences("table", a.tables, b.tables, _table_differences)
    out += _relation_differences("view", a.views, b.views, _view_differences)
    if a.raw != b.raw:
        out.append(f"raw statements differ: {len(a.raw)} vs {len(b.raw)}")
    return out


__all__ = [
    "canonical",
    "differences",
    "sequence_defaults",
    "sequence_options_sql",
]
