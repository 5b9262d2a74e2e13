"""What every DDL exporter shares: the result type, literal quoting, name
resolution, table ordering, fitting a design to a dialect, and the driver that
writes the statements in dependency order.

A dialect (``designer.sql.dialects``) renders single statements; this module
decides which statements there are and in what order, and turns what a
dialect cannot express into warnings instead of dropping it silently.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from designer.schema.model import (
    DEFAULT_SCHEMA,
    Column,
    ExcludeConstraint,
    ForeignKey,
    Index,
    PrimaryKey,
    RawStatement,
    Schema,
    Table,
    UniqueConstraint,
    View,
)

if TYPE_CHECKING:
    from designer.sql.dialects.base import Dialect

# Schemas that always exist, so a design never creates them.
BUILTIN_SCHEMAS = frozenset({DEFAULT_SCHEMA, "pg_catalog", "information_schema"})

WARN_TABLE_CYCLE = (
    "Tables {names} inherit from each other in a cycle; they are written in name order."
)
WARN_NUL_IN_TEXT = "A comment on {target} contained the NUL character, which was removed."
WARN_UNSUPPORTED = "{dialect} has no {feature}: left out for {target}."
WARN_DEFAULT_IGNORED = "Column {target} is {kind}, so its DEFAULT was left out."


@dataclass(frozen=True)
class ExportResult:
    """Exported text plus what could not be expressed (shown beside the output)."""

    text: str
    warnings: tuple[str, ...] = ()


# -- text helpers ----------------------------------------------------------------


def quote_literal(text: str) -> str:
    """A string literal by PostgreSQL's ``quote_literal()`` rule.

    Quotes are doubled; a text with a backslash becomes ``E'...'`` with the
    backslashes doubled, so it reads the same whatever
    ``standard_conforming_strings`` says.
    """
    body = text.replace("'", "''")
    if "\\" in text:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


def statement(sql: str) -> str:
    """``sql`` as one statement: stripped, ending with exactly one ``;``."""
    sql = sql.strip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    # A trailing "-- comment" would swallow the semicolon.
    if "--" in sql.rsplit("\n", 1)[-1]:
        return sql + "\n;"
    return sql + ";"


def join_statements(statements: Iterable[str]) -> str:
    """Statements separated by blank lines, the file ending with one newline."""
    return "\n\n".join(statements) + "\n"


def split_qualified(ref: str, known_schemas: Iterable[str]) -> tuple[str | None, str]:
    """Split a ``schema.name`` reference as the model stores it (unquoted, dot-joined).

    The model stores collations, opclasses and inheritance parents as one
    dotted text, and names may themselves contain dots (collation
    ``C.utf8``). So the text is split at a dot only when what precedes it is a
    schema the design knows; otherwise it is one unqualified name.
    """
    for schema in sorted(set(known_schemas), key=len, reverse=True):
        if ref.startswith(schema + ".") and len(ref) > len(schema) + 1:
            return schema, ref[len(schema) + 1 :]
    return None, ref


def known_schemas(schema: Schema) -> frozenset[str]:
    """Every schema a reference in ``schema`` can name."""
    names = set(schema.all_schemas) | BUILTIN_SCHEMAS
    names |= {e.schema for e in schema.extensions if e.schema}
    return frozenset(names)


def table_key(table: Table) -> tuple[str, str]:
    return (table.schema, table.name)


def find_table(schema: Schema, ref: str) -> Table | None:
    """The table a ``schema.table`` reference names, matched whole (names may hold dots)."""
    for t in schema.tables:
        if f"{t.schema}.{t.name}" == ref:
            return t
    return None


def table_parents(table: Table, tables: dict[str, Table]) -> list[tuple[str, str]]:
    """Keys of the tables that must exist before ``table``: its partition parent and
    legacy inheritance parents, where they are part of the design."""
    parents = []
    if table.partition_of is not None:
        parents.append((table.partition_of.parent_schema, table.partition_of.parent_table))
    for ref in table.inherits:
        parent = tables.get(ref)
        if parent is not None:
            parents.append(table_key(parent))
    return parents


def order_tables(schema: Schema) -> tuple[list[Table], list[str]]:
    """Tables sorted by (schema, name), each after its partition and inheritance parents."""
    by_ref = {f"{t.schema}.{t.name}": t for t in schema.tables}
    by_key = {table_key(t): t for t in schema.tables}
    waiting: dict[tuple[str, str], set[tuple[str, str]]] = {}
    children: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, t in by_key.items():
        parents = {p for p in table_parents(t, by_ref) if p in by_key and p != key}
        waiting[key] = parents
        for p in parents:
            children.setdefault(p, []).append(key)
    ready = [k for k, parents in waiting.items() if not parents]
    heapq.heapify(ready)
    ordered: list[Table] = []
    while ready:
        key = heapq.heappop(ready)
        ordered.append(by_key[key])
        for child in children.get(key, ()):
            waiting[child].discard(key)
            if not waiting[child]:
                heapq.heappush(ready, child)
    warnings: list[str] = []
    done = {table_key(t) for t in ordered}
    rest = sorted(k for k in by_key if k not in done)
    if rest:
        names = ", ".join(f"{s}.{n}" for s, n in rest)
        warnings.append(WARN_TABLE_CYCLE.format(names=names))
        ordered.extend(by_key[k] for k in rest)
    return ordered, warnings


# -- fitting a design to a dialect -------------------------------------------------


class _Fitter:
    """Removes from a design what a dialect cannot express, noting each removal."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.warnings: list[str] = []

    def unsupported(self, feature: str, target: str) -> bool:
        self.warnings.append(
            WARN_UNSUPPORTED.format(dialect=self.dialect.label, feature=feature, target=target)
        )
        return True

    def lacks(self, flag: str, feature: str, target: str) -> bool:
        return not getattr(self.dialect, flag) and self.unsupported(feature, target)

    def column(self, table: Table, col: Column) -> Column:
        target = f"{table.qualified_name}.{col.name}"
        if col.generated is not None and self.lacks(
            "supports_generated", "generated columns", target
        ):
            col = replace(col, generated=None)
        if col.identity is not None and self.lacks("supports_identity", "identity columns", target):
            col = replace(col, identity=None, identity_options=None)
        if col.default is not None and (col.identity or col.generated):
            kind = "an identity column" if col.identity else "generated"
            self.warnings.append(WARN_DEFAULT_IGNORED.format(target=target, kind=kind))
            col = replace(col, default=None)
        return col

    def index(self, index: Index, target: str) -> Index:
        target = f"index {index.name} on {target}"
        methods = self.dialect.index_methods
        if (
            methods is not None
            and index.method not in methods
            and self.unsupported(f"{index.method} indexes", target)
        ):
            index = replace(index, method=self.dialect.default_index_method)
        if index.where is not None and self.lacks(
            "supports_partial_index", "partial indexes", target
        ):
            index = replace(index, where=None)
        if index.include and self.lacks("supports_include", "INCLUDE columns", target):
            index = replace(index, include=())
        if index.nulls_not_distinct and self.lacks(
            "supports_nulls_not_distinct", "NULLS NOT DISTINCT", target
        ):
            index = replace(index, nulls_not_distinct=False)
        return index

    def table(self, table: Table) -> Table:
        target = table.qualified_name
        table = replace(
            table,
            columns=tuple(self.column(table, c) for c in table.columns),
            indexes=tuple(self.index(i, target) for i in table.indexes),
        )
        if table.excludes and self.lacks("supports_exclude", "EXCLUDE constraints", target):
            table = replace(table, excludes=())
        if (table.rls_enabled or table.rls_forced or table.policies) and self.lacks(
            "supports_rls", "row-level security", target
        ):
            table = replace(table, rls_enabled=False, rls_forced=False, policies=())
        if (table.partitioning or table.partition_of) and self.lacks(
            "supports_partitioning", "declarative partitioning", target
        ):
            table = replace(table, partitioning=None, partition_of=None)
        if table.inherits and self.lacks("supports_inheritance", "table inheritance", target):
            table = replace(table, inherits=())
        if table.unlogged and self.lacks("supports_unlogged", "UNLOGGED tables", target):
            table = replace(table, unlogged=False)
        if table.with_options and self.lacks(
            "supports_storage_options", "storage parameters", target
        ):
            table = replace(table, with_options=())
        pk = table.primary_key
        keys: list[PrimaryKey | UniqueConstraint | ForeignKey | ExcludeConstraint] = [
            *([pk] if pk else []),
            *table.uniques,
            *table.foreign_keys,
            *table.excludes,
        ]
        deferrable = [c.deferrable or c.initially_deferred for c in keys]
        if any(deferrable) and self.lacks("supports_deferrable", "deferrable constraints", target):
            table = replace(
                table,
                primary_key=replace(pk, deferrable=False, initially_deferred=False) if pk else None,
                uniques=tuple(
                    replace(u, deferrable=False, initially_deferred=False) for u in table.uniques
                ),
                foreign_keys=tuple(
                    replace(f, deferrable=False, initially_deferred=False)
                    for f in table.foreign_keys
                ),
                excludes=tuple(
                    replace(x, deferrable=False, initially_deferred=False) for x in table.excludes
                ),
            )
        return table

    def view(self, view: View) -> View:
        if view.materialized and self.lacks(
            "supports_materialized_views", "materialized views", view.qualified_name
        ):
            return replace(view, materialized=False, indexes=())
        target = view.qualified_name
        return replace(view, indexes=tuple(self.index(i, target) for i in view.indexes))

    def schema(self, schema: Schema) -> Schema:
        if schema.enums and self.lacks("supports_enums", "enum types", "this design"):
            schema = replace(schema, enums=())
        if schema.domains and self.lacks("supports_domains", "domains", "this design"):
            schema = replace(schema, domains=())
        if schema.sequences and self.lacks("supports_sequences", "sequences", "this design"):
            schema = replace(schema, sequences=())
        if schema.extensions and self.lacks("supports_extensions", "extensions", "this design"):
            schema = replace(schema, extensions=())
        return replace(
            schema,
            tables=tuple(self.table(t) for t in schema.tables),
            views=tuple(self.view(v) for v in schema.views),
        )


def fit_to_dialect(schema: Schema, dialect: Dialect) -> tuple[Schema, list[str]]:
    """``schema`` without what ``dialect`` cannot express, and a warning for each loss."""
    fitter = _Fitter(dialect)
    return fitter.schema(schema), fitter.warnings


# -- the driver ----------------------------------------------------------------------


def _raw(schema: Schema, phase: str) -> list[RawStatement]:
    return [r for r in schema.raw if r.phase == phase]


def export_ddl(schema: Schema, dialect: Dialect, *, header: bool = True) -> ExportResult:
    """DDL for ``schema`` in ``dialect``, every statement in an order that applies.

    Order: settings; schemas; extensions; enums; domains; sequences; raw
    ``pre`` statements; tables (parents before partitions and children);
    checks added NOT VALID; foreign keys (after all tables, so cycles work);
    sequence ownership; indexes; views in the design's order with the indexes
    of materialized views; row-level security and policies; comments; raw
    ``post`` statements.
    """
    schema, warnings = fit_to_dialect(schema, dialect)
    tables, order_warnings = order_tables(schema)
    warnings.extend(order_warnings)
    ctx = dialect.context(schema)
    out: list[str] = []
    if header:
        out.append(dialect.header(schema))
    out.extend(dialect.preamble())
    out.extend(dialect.create_schema(name) for name in dialect.schemas_to_create(schema))
    out.extend(dialect.create_extension(e, ctx) for e in sorted(schema.extensions, key=_by_name))
    out.extend(dialect.create_enum(e, ctx) for e in sorted(schema.enums, key=_by_qname))
    for domain in sorted(schema.domains, key=_by_qname):
        out.extend(dialect.create_domain(domain, ctx))
    sequences = sorted(schema.sequences, key=_by_qname)
    out.extend(dialect.create_sequence(s, ctx) for s in sequences)
    out.extend(dialect.raw(r) for r in _raw(schema, "pre"))
    out.extend(dialect.create_table(t, ctx) for t in tables)
    for t in tables:
        out.extend(dialect.add_late_checks(t, ctx))
    for t in tables:
        out.extend(dialect.add_foreign_key(t, fk, ctx) for fk in t.foreign_keys)
    out.extend(dialect.sequence_owned_by(s, ctx) for s in sequences if s.owned_by)
    for t in tables:
        out.extend(
            dialect.create_index(t.schema, t.name, i, ctx) for i in sorted(t.indexes, key=_by_name)
        )
    for view in schema.views:
        out.append(dialect.create_view(view, ctx))
        out.extend(
            dialect.create_index(view.schema, view.name, i, ctx)
            for i in sorted(view.indexes, key=_by_name)
        )
    for t in tables:
        out.extend(dialect.row_level_security(t, ctx))
        out.extend(dialect.create_policy(t, p, ctx) for p in sorted(t.policies, key=_by_name))
    out.extend(dialect.comments(tables, ctx))
    out.extend(dialect.raw(r) for r in _raw(schema, "post"))
    warnings.extend(ctx.warnings)
    return ExportResult(text=join_statements(out), warnings=tuple(warnings))


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _Placed(Protocol):
    @property
    def schema(self) -> str: ...

    @property
    def name(self) -> str: ...


def _by_name(obj: _Named) -> str:
    return obj.name


def _by_qname(obj: _Placed) -> tuple[str, str]:
    return (obj.schema, obj.name)
