"""Indexes: duplicates, redundant prefixes, too many, and what UNIQUE really promises."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import partial

from designer.advisor import fixes
from designer.advisor.engine import Context, Finding, Fix, finding, rule
from designer.advisor.rules._common import cols, obj
from designer.schema.model import Index, Schema

# Beyond this many indexes (constraint-backed ones included) every write pays noticeably.
MAX_INDEXES_PER_TABLE = 8


def _signature(index: Index) -> tuple[object, ...]:
    return (index.method, index.parts, index.where, tuple(sorted(index.include)))


def _labels(index: Index) -> str:
    return cols([p.label for p in index.parts])


@rule(
    "index-duplicate",
    "warning",
    title="Duplicate index",
    rationale=(
        "Two indexes with the same method, key, predicate and INCLUDE list serve exactly the "
        "same queries; the second one only costs disk, memory and time on every write."
    ),
    references="PostgreSQL wiki: Index Maintenance (duplicate indexes); SchemaSpy; "
    "tbls lint duplicateRelations; Azimutt: duplicated index",
)
def index_duplicate(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        groups: dict[tuple[object, ...], list[tuple[Index, bool]]] = defaultdict(list)
        for index, is_constraint in ctx.indexes(t):
            groups[_signature(index)].append((index, is_constraint))
        for group in groups.values():
            if len(group) < 2:
                continue
            # Keep what enforces something: constraints first, then unique indexes.
            group.sort(key=lambda pair: (not pair[1], not pair[0].unique, pair[0].name))
            keeper = group[0][0]
            for index, is_constraint in group[1:]:
                fix = None
                if not is_constraint:
                    fix = Fix(
                        f"Drop index {index.name}",
                        partial(fixes.drop_index, table=t.qualified_name, index=index.name),
                    )
                yield finding(
                    "index-duplicate",
                    obj(t, index.name),
                    t.qualified_name,
                    f"Index {index.name} on {t.qualified_name} ({_labels(index)}) duplicates "
                    f"{keeper.name}.",
                    fix,
                )


def _redundant_to(small: Index, big: Index) -> bool:
    if small.method != "btree" or big.method != "btree" or small.where != big.where:
        return False
    n = len(small.parts)
    if len(big.parts) <= n or big.parts[:n] != small.parts:
        return False
    covered = {p.column for p in big.parts} | set(big.include)
    return set(small.include) <= covered


@rule(
    "index-redundant",
    "warning",
    title="Index made redundant by a wider one",
    rationale=(
        "A btree index whose key is the leading part of another btree index (same predicate) "
        "answers no query the wider one cannot; dropping it saves a write on every change."
    ),
    references="PostgreSQL docs 11.3 Multicolumn Indexes; Azimutt: redundant index; "
    "tbls lint redundantIndex",
)
def index_redundant(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        indexes = ctx.indexes(t)
        for small, is_constraint in indexes:
            # A unique index enforces something the wider one does not.
            if is_constraint or small.unique:
                continue
            wider = sorted(
                (big.name for big, _ in indexes if big is not small and _redundant_to(small, big))
            )
            if not wider:
                continue
            yield finding(
                "index-redundant",
                obj(t, small.name),
                t.qualified_name,
                f"Index {small.name} on {t.qualified_name} ({_labels(small)}) is a leading "
                f"prefix of {wider[0]}.",
                Fix(
                    f"Drop index {small.name}",
                    partial(fixes.drop_index, table=t.qualified_name, index=small.name),
                ),
            )


@rule(
    "many-indexes",
    "warning",
    title="Many indexes on one table",
    rationale=(
        "Every index is updated on every insert and on updates of its columns and blocks HOT "
        "updates; past a handful, write amplification and bloat usually outweigh the gains."
    ),
    references="PostgreSQL docs 65.5 Heap-Only Tuples; SchemaSpy; Azimutt: too many indexes",
)
def many_indexes(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        count = len(ctx.indexes(t)) + len(t.excludes)
        if count > MAX_INDEXES_PER_TABLE:
            yield finding(
                "many-indexes",
                t.qualified_name,
                t.qualified_name,
                f"Table {t.qualified_name} has {count} indexes (more than "
                f"{MAX_INDEXES_PER_TABLE}).",
            )


@rule(
    "unique-nullable-distinct",
    "info",
    title="UNIQUE on nullable columns lets NULLs repeat",
    rationale=(
        "By default NULLs are distinct, so a unique key on a nullable column accepts any number "
        "of rows with NULL there; declare NULLS NOT DISTINCT or NOT NULL if that is not meant."
    ),
    references="PostgreSQL docs 5.5.3 Unique Constraints (NULLS NOT DISTINCT, PG15+)",
)
def unique_nullable_distinct(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        if t.partition_of is not None:
            continue
        for index, _ in ctx.indexes(t):
            if not index.unique or index.nulls_not_distinct or index.where is not None:
                continue
            nullable = []
            pk_columns = t.primary_key.columns if t.primary_key else ()
            for p in index.parts:
                c = t.column(p.column) if p.column else None
                # PRIMARY KEY makes its columns NOT NULL whatever the column says.
                if c is not None and c.nullable and c.name not in pk_columns:
                    nullable.append(c.name)
            if not nullable:
                continue
            yield finding(
                "unique-nullable-distinct",
                obj(t, index.name),
                t.qualified_name,
                f"Unique {index.name} on {t.qualified_name} includes nullable "
                f"{cols(nullable)}; rows with NULL there are never duplicates.",
            )


@rule(
    "index-unused-by-key-queries",
    "info",
    title="Index no key query uses",
    rationale=(
        "Every index costs disk, memory and time on every write. When the workbench has run "
        "the key queries on data at the design's scale and none of their plans uses an "
        "index, it earns its place only if another query needs it: name that query in the "
        "index's purpose, add it as a key query, or drop the index."
    ),
    references="Query workbench (EXPLAIN ANALYZE of the key queries); pg_stat_user_indexes",
)
def index_unused_by_key_queries(schema: Schema, ctx: Context) -> Iterator[Finding]:
    if ctx.used_indexes is None:
        return
    for t in schema.tables:
        for index in t.indexes:
            if index.unique or index.name in ctx.used_indexes:
                continue
            yield finding(
                "index-unused-by-key-queries",
                obj(t, index.name),
                t.qualified_name,
                f"No key query's plan uses index {index.name} on {t.qualified_name} "
                f"({_labels(index)}).",
            )
