"""What every DDL exporter shares: the result type, table ordering, fitting a design to a
dialect, and the driver that writes the statements in dependency order.

A dialect (``designer.sql.dialects``) renders single statements; this module
decides which statements there are and in what order, and turns what a
dialect cannot express into warnings instead of dropping it silently.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from designer.schema.model import (
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    ForeignKey,
    Index,
    PrimaryKey,
    RawStatement,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.sqltext import qualify, quote_ident
from designer.sql.dialects.base import Dialect
from designer.sql.script import join_statements

WARN_TABLE_CYCLE = (
    "Tables {names} inherit from each other in a cycle; they are written in name order."
)
WARN_UNSUPPORTED = "{dialect} has no {feature}: left out for {target}."
WARN_DEFAULT_IGNORED = "Column {target} is {kind}, so its DEFAULT was left out."


@dataclass(frozen=True)
class ExportResult:
    """Exported text plus what could not be expressed (shown beside the output)."""

    text: str
    warnings: tuple[str, ...] = ()


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


def export_order(schema: Schema) -> Schema:
    """``schema`` with its objects in the order ``export_ddl`` writes them.

    The export does not depend on the order a design lists tables, indexes, policies, types
    and sequences in (so output stays stable however the design was edited). An importer
    returns its design in this order, so that exporting and importing again gives an
    equal ``Schema``. Views keep their order (it is their dependency order), and so do
    columns and constraints; raw statements are grouped as ``raw_rank`` says, each group
    in its own order.
    """

    def placed(obj: EnumType | Domain | Sequence | Table) -> tuple[str, str]:
        return (obj.schema, obj.name)

    def table(t: Table) -> Table:
        return replace(
            t,
            indexes=tuple(sorted(t.indexes, key=_by_name)),
            policies=tuple(sorted(t.policies, key=_by_name)),
        )

    return replace(
        schema,
        tables=tuple(sorted((table(t) for t in schema.tables), key=placed)),
        enums=tuple(sorted(schema.enums, key=placed)),
        domains=tuple(sorted(schema.domains, key=placed)),
        sequences=tuple(sorted(schema.sequences, key=placed)),
        views=tuple(
            replace(v, indexes=tuple(sorted(v.indexes, key=_by_name))) for v in schema.views
        ),
        extensions=tuple(sorted(schema.extensions, key=_by_name)),
        schemas=tuple(sorted(schema.schemas)),
        # each group keeps its own order
        raw=tuple(sorted(schema.raw, key=raw_rank)),
    )


def order_domains(domains: Iterable[Domain]) -> list[Domain]:
    """Domains sorted by (schema, name), each moved after the domain it is based on."""
    pending = sorted(domains, key=_by_qname)
    names: dict[str, Domain] = {}
    for d in pending:
        for ref in (d.name, f"{d.schema}.{d.name}", qualify(d.schema, d.name), quote_ident(d.name)):
            names.setdefault(ref, d)
    ordered: list[Domain] = []
    placed: set[tuple[str, str]] = set()

    def place(d: Domain, seen: frozenset[tuple[str, str]]) -> None:
        key = _by_qname(d)
        if key in placed or key in seen:
            return
        base = names.get(d.type.removesuffix("[]"))
        if base is not None and base is not d:
            place(base, seen | {key})
        placed.add(key)
        ordered.append(d)

    for d in pending:
        place(d, frozenset())
    return ordered


def partitions_first(tables: list[Table]) -> list[Table]:
    """``tables`` with partitions before their parents, otherwise in the same order.

    An index created on a partitioned table adopts an equal index its partitions already
    have, and creates one with a name of its own choosing where they have none. Writing
    the partitions' indexes first keeps their names (pg_dump's ``ON ONLY`` + ``ATTACH``).
    """
    by_key = {table_key(t): t for t in tables}

    def depth(table: Table) -> int:
        seen = 0
        while table.partition_of is not None and seen < len(by_key):
            parent = by_key.get((table.partition_of.parent_schema, table.partition_of.parent_table))
            if parent is None:
                break
            table, seen = parent, seen + 1
        return seen

    return sorted(tables, key=lambda t: -depth(t))


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


# "post" statements written after the tables and their indexes, before foreign keys and
# views: functions naming a table's row type (a view may call them) and tables the model
# does not hold (CREATE TABLE ... (LIKE t), OF type), which foreign keys may reference.
_RANK_1_KINDS = frozenset({"CreateFunctionStmt", "CreateStmt"})


def raw_rank(raw: RawStatement) -> int:
    """Where a raw statement is written: 0 before the tables ("pre"); 1 after the tables
    and their indexes, before foreign keys and views (see ``_RANK_1_KINDS``); 2 at the end,
    for the rest of "post" (triggers, grants, comments, renames)."""
    if raw.phase == "pre":
        return 0
    return 1 if raw.kind in _RANK_1_KINDS else 2


def _raw(schema: Schema, rank: int) -> list[RawStatement]:
    return [r for r in schema.raw if raw_rank(r) == rank]


def export_ddl(schema: Schema, dialect: Dialect, *, header: bool = True) -> ExportResult:
    """DDL for ``schema`` in ``dialect``, every statement in an order that applies.

    Order: settings; schemas; extensions; enums; domains; sequences; raw
    ``pre`` statements; tables (parents before partitions and children);
    checks added NOT VALID; indexes (partitions' first); raw ``post`` functions
    and tables (``raw_rank`` 1); foreign keys (after all tables, so cycles work);
    sequence ownership; views in the design's order with the indexes of
    materialized views; row-level security and policies; comments; the other
    raw ``post`` statements.
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
    for domain in order_domains(schema.domains):
        out.extend(dialect.create_domain(domain, ctx))
    sequences = sorted(schema.sequences, key=_by_qname)
    out.extend(dialect.create_sequence(s, ctx) for s in sequences)
    out.extend(dialect.raw(r) for r in _raw(schema, 0))
    out.extend(dialect.create_table(t, ctx) for t in tables)
    for t in tables:
        out.extend(dialect.add_late_checks(t, ctx))
    # Indexes before foreign keys: a key may reference columns only a unique index covers.
    for t in partitions_first(tables):
        out.extend(
            dialect.create_index(t.schema, t.name, i, ctx) for i in sorted(t.indexes, key=_by_name)
        )
    out.extend(dialect.raw(r) for r in _raw(schema, 1))
    for t in tables:
        out.extend(dialect.add_foreign_key(t, fk, ctx) for fk in t.foreign_keys)
    out.extend(dialect.sequence_owned_by(s, ctx) for s in sequences if s.owned_by)
    for view in schema.views:
        out.append(dialect.create_view(view, ctx))
        out.extend(
            dialect.create_index(view.schema, view.name, i, ctx)
            for i in sorted(view.indexes, key=_by_name)
        )
    for t in tables:
        out.extend(dialect.row_level_security(t, ctx))
        out.extend(
            dialect.create_policy(t.schema, t.name, p, ctx)
            for p in sorted(t.policies, key=_by_name)
        )
    out.extend(dialect.comments(tables, ctx))
    out.extend(dialect.raw(r) for r in _raw(schema, 2))
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
