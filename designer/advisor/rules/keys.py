"""Keys and relationships: primary keys, foreign keys and what deleting a row sets off."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import partial

from designer.advisor import fixes
from designer.advisor.engine import Context, Finding, Fix, finding, rule
from designer.advisor.rules._common import cols, fk_name, is_generated_key, obj, plain_type
from designer.schema.model import ForeignKey, Schema, Table

# A delete that fans out through this many tables (the deleted one included) gets reported.
CASCADE_CHAIN_TABLES = 3


@rule(
    "pk-missing",
    "error",
    title="Table without a primary key",
    rationale=(
        "Without a primary key a row has no reliable address: duplicates creep in, logical "
        "replication cannot send UPDATE or DELETE, and ORMs and editors cannot change one row."
    ),
    references="PostgreSQL docs 5.5.4 Primary Keys; SchemaSpy: tables without indexes/PK; "
    "tbls lint requirePrimaryKey; Azimutt: entity with no primary key",
)
def pk_missing(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        # A partition gets its key from the partitioned parent, which is checked instead.
        if t.primary_key is not None or t.partition_of is not None:
            continue
        fix = None
        # A partitioned table's key must contain the partition key, so a lone id cannot be it.
        if t.column("id") is None and t.partitioning is None:
            fix = Fix(
                f"Add “id bigint GENERATED ALWAYS AS IDENTITY” as the primary key of {t.name}",
                partial(fixes.add_surrogate_pk, table=t.qualified_name),
            )
        yield finding(
            "pk-missing",
            t.qualified_name,
            t.qualified_name,
            f"Table {t.qualified_name} has no primary key.",
            fix,
        )


def _index_covers(parts: tuple[str | None, ...], method: str, fk_columns: tuple[str, ...]) -> bool:
    lead = parts[: len(fk_columns)]
    if len(lead) != len(fk_columns) or None in lead or set(lead) != set(fk_columns):
        return False
    if method == "btree":
        return True
    # A hash index serves equality on exactly its one column.
    return method == "hash" and len(parts) == 1


def fk_is_indexed(table: Table, fk: ForeignKey, ctx: Context) -> bool:
    return any(
        index.where is None and _index_covers(index.column_names, index.method, fk.columns)
        for index, _ in ctx.indexes(table)
    )


@rule(
    "fk-missing-index",
    "warning",
    title="Foreign key without a supporting index",
    rationale=(
        "PostgreSQL indexes the referenced side of a foreign key but not the referencing side; "
        "without an index starting with the key's columns every delete or key update of a "
        "parent row scans the child table, and joins along the relationship are slow."
    ),
    references="PostgreSQL docs 5.5.5 Foreign Keys (last paragraph); Azimutt: relation "
    "without index; SchemaSpy: foreign keys without indexes",
)
def fk_missing_index(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        for fk in t.foreign_keys:
            if fk_is_indexed(t, fk, ctx):
                continue
            name = fk_name(t, fk)
            yield finding(
                "fk-missing-index",
                obj(t, name),
                t.qualified_name,
                f"Foreign key {name} on {t.qualified_name} ({cols(fk.columns)}) has no index "
                f"whose leading columns are {cols(fk.columns)}.",
                Fix(
                    f"Add an index on {t.name} ({cols(fk.columns)})",
                    partial(fixes.add_fk_index, table=t.qualified_name, columns=fk.columns),
                ),
            )


@rule(
    "fk-type-mismatch",
    "warning",
    title="Foreign key column type differs from the referenced column",
    rationale=(
        "A key compared across types needs a cast on every join and cannot always use the "
        "index, and the narrower side overflows first (an integer reference to a bigint key "
        "fails once ids pass 2^31)."
    ),
    references="Azimutt: relation with different types; SchemaSpy: column type mismatch",
)
def fk_type_mismatch(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        for fk in t.foreign_keys:
            ref = ctx.ref_table(fk)
            if ref is None:
                continue
            pairs = []
            for c_name, r_name in zip(fk.columns, fk.ref_columns):
                c, r = t.column(c_name), ref.column(r_name)
                if c is None or r is None:
                    continue
                mine = plain_type(ctx.base_type(c.type))
                theirs = plain_type(ctx.base_type(r.type))
                if mine != theirs:
                    pairs.append((c_name, c.type, r_name, plain_type(r.type)))
            if not pairs:
                continue
            name = fk_name(t, fk)
            detail = "; ".join(f"{c} is {ct} but {ref.name}.{r} is {rt}" for c, ct, r, rt in pairs)
            changes = tuple((c, rt) for c, _, _, rt in pairs)
            yield finding(
                "fk-type-mismatch",
                obj(t, name),
                t.qualified_name,
                f"Foreign key {name} on {t.qualified_name}: {detail}.",
                Fix(
                    "Change "
                    + ", ".join(f"{t.name}.{c} to {rt}" for c, rt in changes)
                    + " to match the referenced column",
                    partial(_retype, table=t.qualified_name, changes=changes),
                ),
            )


def _retype(schema: Schema, *, table: str, changes: tuple[tuple[str, str], ...]) -> Schema:
    for column, new_type in changes:
        schema = fixes.change_column_type(schema, table=table, column=column, new_type=new_type)
    return schema


@rule(
    "fk-ref-missing",
    "warning",
    title="Foreign key to a table or column not in the design",
    rationale=(
        "The design cannot be created as it stands: the referenced table or column must exist "
        "first, or belong to a schema the design also describes."
    ),
    references="PostgreSQL docs CREATE TABLE … REFERENCES",
)
def fk_ref_missing(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        for fk in t.foreign_keys:
            ref = ctx.ref_table(fk)
            target = f"{fk.ref_schema}.{fk.ref_table}"
            name = fk_name(t, fk)
            if ref is None:
                problem = f"references {target}, which is not in the design"
            else:
                missing = [c for c in fk.ref_columns if ref.column(c) is None]
                if not missing:
                    continue
                problem = f"references {target} ({cols(missing)}), which it does not have"
            yield finding(
                "fk-ref-missing",
                obj(t, name),
                t.qualified_name,
                f"Foreign key {name} on {t.qualified_name} {problem}.",
            )


@rule(
    "fk-target-not-unique",
    "error",
    title="Foreign key to columns that are not unique",
    rationale=(
        "PostgreSQL refuses a foreign key unless the referenced columns carry a primary key, a "
        "unique constraint or a non-partial unique index on exactly those columns."
    ),
    references="PostgreSQL docs 5.5.5 Foreign Keys",
)
def fk_target_not_unique(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        for fk in t.foreign_keys:
            ref = ctx.ref_table(fk)
            if ref is None or any(ref.column(c) is None for c in fk.ref_columns):
                continue
            if frozenset(fk.ref_columns) in ctx.unique_sets(ref):
                continue
            name = fk_name(t, fk)
            yield finding(
                "fk-target-not-unique",
                obj(t, name),
                t.qualified_name,
                f"Foreign key {name} on {t.qualified_name} references "
                f"{ref.qualified_name} ({cols(fk.ref_columns)}), which has no primary key or "
                "unique constraint on those columns.",
            )


@rule(
    "fk-set-null-not-nullable",
    "error",
    title="ON DELETE SET NULL / SET DEFAULT that cannot succeed",
    rationale=(
        "When the parent row is deleted PostgreSQL writes NULL (or the default) into the "
        "referencing columns; on a NOT NULL column without a default that write fails, so the "
        "delete is refused at run time instead of at design time."
    ),
    references="PostgreSQL docs 5.5.5 Foreign Keys (referential actions)",
)
def fk_set_null_not_nullable(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        for fk in t.foreign_keys:
            for when, action in (("DELETE", fk.on_delete), ("UPDATE", fk.on_update)):
                if action not in ("SET NULL", "SET DEFAULT"):
                    continue
                targets = (
                    fk.on_delete_columns
                    if when == "DELETE" and fk.on_delete_columns
                    else fk.columns
                )
                bad = []
                for c_name in targets:
                    c = t.column(c_name)
                    if c is None or c.nullable:
                        continue
                    if action == "SET NULL" or c.default is None:
                        bad.append(c_name)
                if not bad:
                    continue
                name = fk_name(t, fk)
                what = "NOT NULL" if action == "SET NULL" else "NOT NULL without a default"
                yield finding(
                    "fk-set-null-not-nullable",
                    obj(t, name),
                    t.qualified_name,
                    f"Foreign key {name} on {t.qualified_name} is ON {when} {action} but "
                    f"{cols(bad)} {'is' if len(bad) == 1 else 'are'} {what}.",
                )


def _longest_chains(edges: dict[str, list[str]]) -> dict[str, list[str]]:
    """Longest simple cascade path from each node, iteratively (chains can be thousands deep).

    Edges back into the current path are ignored, which is exact on the acyclic graphs real
    designs have and a sound approximation on cycles.
    """
    best: dict[str, list[str]] = {}
    on_path: set[str] = set()
    for start in sorted(edges):
        if start in best:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        on_path.add(start)
        while stack:
            node, i = stack[-1]
            children = edges.get(node, [])
            if i < len(children):
                stack[-1] = (node, i + 1)
                child = children[i]
                if child not in best and child not in on_path:
                    on_path.add(child)
                    stack.append((child, 0))
                continue
            # A finished child's path cannot contain ``node``: had it been reachable, ``node``
            # would have finished first (or been on the path and skipped).
            tail: list[str] = []
            for child in children:
                path = best.get(child)
                if path is not None and len(path) > len(tail):
                    tail = path
            best[node] = [node, *tail]
            on_path.discard(node)
            stack.pop()
    return best


@rule(
    "cascade-chain",
    "warning",
    title="ON DELETE CASCADE chain through three or more tables",
    rationale=(
        "One DELETE silently removes rows several relationships away, holding locks on every "
        "table in the chain; a mistaken delete of a top-level row wipes out whole subtrees."
    ),
    references="Azimutt: cascading delete chains; PostgreSQL docs 5.5.5 referential actions",
)
def cascade_chain(schema: Schema, ctx: Context) -> Iterator[Finding]:
    edges: dict[str, set[str]] = defaultdict(set)
    cascaded: set[str] = set()
    for t in schema.tables:
        for fk in t.foreign_keys:
            parent = f"{fk.ref_schema}.{fk.ref_table}"
            if fk.on_delete == "CASCADE" and parent != t.qualified_name:
                edges[parent].add(t.qualified_name)
                cascaded.add(t.qualified_name)
    chains = _longest_chains({k: sorted(v) for k, v in edges.items()})
    for root in sorted(edges):
        chain = chains[root]
        if root in cascaded or len(chain) < CASCADE_CHAIN_TABLES:
            continue
        yield finding(
            "cascade-chain",
            root,
            root,
            f"Deleting a row of {root} cascades through {len(chain)} tables: "
            + " → ".join(chain)
            + ".",
        )


@rule(
    "id-not-pk",
    "warning",
    title="Column named id that is not the primary key",
    rationale=(
        "Everyone reading the design, and most ORMs, assume a column called id is the row's "
        "key; when it is not, joins and lookups on it go wrong quietly."
    ),
    references="Azimutt: naming conventions; tbls lint",
)
def id_not_pk(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        if t.partition_of is not None or t.primary_key is None or t.column("id") is None:
            continue
        if "id" in t.primary_key.columns:
            continue
        yield finding(
            "id-not-pk",
            obj(t, "id"),
            t.qualified_name,
            f"{t.qualified_name}.id is not part of the primary key "
            f"({cols(t.primary_key.columns)}).",
        )


@rule(
    "int-pk-overflow",
    "info",
    title="Generated integer primary key that may run out",
    rationale=(
        "An integer key stops at 2,147,483,647; busy tables reach it and the fix then needs a "
        "rewrite of the table and of every referencing table. bigint costs 4 bytes more per row."
    ),
    references="PostgreSQL wiki: Don't Do This (serial); Azimutt: int primary key",
)
def int_pk_overflow(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        pk = t.primary_key
        if t.partition_of is not None or pk is None or len(pk.columns) != 1:
            continue
        c = t.column(pk.columns[0])
        if c is None or plain_type(ctx.base_type(c.type)) != "integer" or not is_generated_key(c):
            continue
        fix = None
        # A domain over integer is the designer's own type: widening it is their call.
        if c.type in ("integer", "serial"):
            fix = Fix(
                f"Change {t.name}.{c.name} and the foreign keys referencing it to bigint",
                partial(fixes.widen_key_to_bigint, table=t.qualified_name, column=c.name),
            )
        yield finding(
            "int-pk-overflow",
            obj(t, c.name),
            t.qualified_name,
            f"Primary key {t.qualified_name}.{c.name} is a generated {c.type}; consider bigint.",
            fix,
        )
