"""Table design: natural keys, join tables, normal form, size and isolation."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from designer.advisor.engine import Context, Finding, finding, rule
from designer.advisor.rules._common import cols, fk_name, obj, own_columns
from designer.schema.model import Schema, Table

# More columns than this usually means several entities share one table.
WIDE_TABLE_COLUMNS = 40
NATURAL_KEY_NAMES = frozenset(
    {"email", "email_address", "username", "user_name", "login", "slug", "sku", "isbn"}
    | {"isbn13", "ean", "upc", "code", "handle", "iban", "vin"}
)
AUDIT_COLUMNS = frozenset(
    {"created_at", "updated_at", "inserted_at", "modified_at", "deleted_at", "created_on"}
    | {"updated_on", "last_update", "last_updated", "created_by", "updated_by"}
)
_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_NUMBERED = re.compile(r"([a-z][a-z_]*?)_?(\d+)\Z")
_RULE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?RULE\s+(\"[^\"]+\"|\S+)\s+AS\s+ON\s+\w+\s+TO\s+(\S+)",
    re.IGNORECASE,
)


def _unique_column_sets(table: Table, ctx: Context) -> list[set[str]]:
    """Columns each unique index or constraint involves, expression columns included.
    Partial unique indexes count: "unique among live rows" is what soft-deleting designs want."""
    names = set(table.column_names)
    out = []
    for index, _ in ctx.indexes(table):
        if not index.unique:
            continue
        involved: set[str] = set()
        for p in index.parts:
            if p.column is not None:
                involved.add(p.column)
            elif p.expression:
                involved.update(w for w in _WORD.findall(p.expression) if w in names)
        out.append(involved)
    return out


@rule(
    "natural-key-not-unique",
    "warning",
    title="Natural key without a unique constraint",
    rationale=(
        "Columns such as email, username, slug or sku identify a row in the real world; "
        "without a unique constraint duplicates arrive through races and imports, and lookups "
        "return several rows."
    ),
    references="Azimutt: missing unique on natural key; SchemaSpy",
)
def natural_key_not_unique(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        if t.partition_of is not None:
            continue
        fk_columns = {c for fk in t.foreign_keys for c in fk.columns}
        candidates = [c.name for c in t.columns if c.name in NATURAL_KEY_NAMES]
        candidates = [c for c in candidates if c not in fk_columns]
        if not candidates:
            continue
        # A tenant column (a foreign key or *_id) may share the key: unique per organisation.
        tenant = fk_columns | {c for c in t.column_names if c.endswith("_id")}
        uniques = _unique_column_sets(t, ctx)
        for name in candidates:
            if any(name in u and u - {name} <= tenant for u in uniques):
                continue
            yield finding(
                "natural-key-not-unique",
                obj(t, name),
                t.qualified_name,
                f"{t.qualified_name}.{name} looks like a natural key but nothing keeps it unique.",
            )


@rule(
    "join-table-no-composite-key",
    "warning",
    title="Join table that allows duplicate pairs",
    rationale=(
        "A table made only of foreign keys records a many-to-many link; without a primary key "
        "or unique constraint on the key columns the same pair can be stored twice and counts "
        "double in every join."
    ),
    references="Azimutt: join table without composite key; SchemaSpy",
)
def join_table_no_composite_key(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        if len(t.foreign_keys) < 2 or t.partition_of is not None:
            continue
        # Something else points at its rows: it is an entity (a rental's inventory item),
        # and two rows for the same pair may be meant.
        if ctx.referencing.get(t.qualified_name):
            continue
        fk_columns = {c for fk in t.foreign_keys for c in fk.columns}
        pk = t.primary_key
        if pk is not None and set(pk.columns) & fk_columns:
            continue  # the designer keyed it on the links (plus, say, a position)
        surrogate = set(pk.columns) if pk else set()
        extra = [
            c
            for c in t.column_names
            if c not in fk_columns and c not in surrogate and c not in AUDIT_COLUMNS
        ]
        # Any column of its own (a role, a comment body) makes it an entity that may repeat.
        if extra:
            continue
        if any(u and u <= fk_columns for u in ctx.unique_sets(t)):
            continue
        yield finding(
            "join-table-no-composite-key",
            t.qualified_name,
            t.qualified_name,
            f"Join table {t.qualified_name} has no primary key or unique constraint on "
            f"({cols(sorted(fk_columns))}), so the same link can be stored twice.",
        )


@rule(
    "repeating-group",
    "warning",
    title="Repeating group of numbered columns",
    rationale=(
        "phone1, phone2, phone3 caps the count at the number of columns and makes every query "
        "check each one; a child table with one row per value is the first normal form."
    ),
    references="First normal form; Azimutt: repeated column names",
)
def repeating_group(schema: Schema, ctx: Context) -> Iterator[Finding]:
    # table -> stem -> [(number, column)], built from each distinct column name once
    groups: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    tables: dict[str, Table] = {}
    for name, pairs in ctx.columns_by_name.items():
        m = _NUMBERED.match(name.lower())
        if m is None:
            continue
        stem = m.group(1).rstrip("_")
        # x1/y2 coordinates and address_line1/2 are accepted conventions, not lists.
        if len(stem) < 2 or stem.endswith("line"):
            continue
        for t, c in pairs:
            tables[t.qualified_name] = t
            groups[t.qualified_name][stem].append((int(m.group(2)), c.name))
    for qn in sorted(groups):
        t = tables[qn]
        for stem in sorted(groups[qn]):
            members = sorted(groups[qn][stem])
            numbers = {n for n, _ in members}
            # ipv4/ipv6 or sha1/sha256 are different things, not items 1, 2, 3 of a list.
            if not ({0, 1} <= numbers or {1, 2} <= numbers):
                continue
            names = [name for _, name in members]
            yield finding(
                "repeating-group",
                obj(t, names[0]),
                qn,
                f"{qn} repeats “{stem}” in {cols(names)}.",
            )


@rule(
    "wide-table",
    "warning",
    title="Very wide table",
    rationale=(
        "A table with dozens of columns usually mixes several entities or optional facets; "
        "rows get large, most columns are NULL and every change touches everything."
    ),
    references="SchemaSpy: tables with many columns; Azimutt: too many columns",
)
def wide_table(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        count = len(own_columns(t))
        if count > WIDE_TABLE_COLUMNS:
            yield finding(
                "wide-table",
                t.qualified_name,
                t.qualified_name,
                f"Table {t.qualified_name} has {count} columns (more than {WIDE_TABLE_COLUMNS}).",
            )


@rule(
    "isolated-table",
    "info",
    title="Table with no relationships",
    rationale=(
        "A table that references nothing and is referenced by nothing is often a missing "
        "foreign key, or a leftover nobody uses."
    ),
    references="SchemaSpy: orphan tables; tbls; Azimutt: entity without relation",
)
def isolated_table(schema: Schema, ctx: Context) -> Iterator[Finding]:
    if len(schema.tables) < 2:
        return
    related: set[str] = set()
    for t in schema.tables:
        for fk in t.foreign_keys:
            related.add(t.qualified_name)
            related.add(f"{fk.ref_schema}.{fk.ref_table}")
            if t.partition_of is not None:
                related.add(f"{t.partition_of.parent_schema}.{t.partition_of.parent_table}")
    for t in schema.tables:
        if t.qualified_name in related or t.partition_of is not None:
            continue
        yield finding(
            "isolated-table",
            t.qualified_name,
            t.qualified_name,
            f"Table {t.qualified_name} has no foreign keys to or from other tables.",
        )


@rule(
    "table-inheritance",
    "warning",
    title="Legacy table inheritance",
    rationale=(
        "Inherited tables share no unique constraints, primary keys or foreign keys with their "
        "parents; use declarative partitioning or a foreign key to a shared table instead."
    ),
    references="PostgreSQL wiki: Don't Do This (table inheritance); docs 5.11 caveats",
)
def table_inheritance(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        if t.inherits:
            yield finding(
                "table-inheritance",
                t.qualified_name,
                t.qualified_name,
                f"Table {t.qualified_name} inherits from {cols(sorted(t.inherits))}.",
            )


@rule(
    "rule-object",
    "warning",
    title="CREATE RULE",
    rationale=(
        "Rules rewrite queries rather than act on rows, with surprising results for volatile "
        "functions, RETURNING and multi-row statements; use a trigger."
    ),
    references="PostgreSQL wiki: Don't Do This (rules)",
)
def rule_object(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for raw in schema.raw:
        if raw.kind != "RuleStmt":
            continue
        m = _RULE.search(raw.sql)
        if m is None:
            yield finding("rule-object", "rule", None, "The design contains a rule.")
            continue
        name = m.group(1).strip('"')
        table = m.group(2).rstrip(";").replace('"', "")
        if "." not in table:
            table = f"public.{table}"
        yield finding(
            "rule-object",
            f"{table}.{name}",
            table if table in ctx.tables else None,
            f"Rule {name} on {table} rewrites queries; a trigger is clearer.",
        )


@rule(
    "constraint-not-valid",
    "info",
    title="Constraint left NOT VALID",
    rationale=(
        "NOT VALID is a step of a zero-downtime migration: existing rows are unchecked until "
        "VALIDATE CONSTRAINT runs, and the planner cannot rely on the constraint meanwhile."
    ),
    references="PostgreSQL docs ALTER TABLE … VALIDATE CONSTRAINT",
)
def constraint_not_valid(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        for check in t.checks:
            if check.not_valid:
                name = check.name or f"CHECK ({check.expression})"
                yield finding(
                    "constraint-not-valid",
                    obj(t, name),
                    t.qualified_name,
                    f"Check constraint {name} on {t.qualified_name} is NOT VALID.",
                )
        for fk in t.foreign_keys:
            if fk.not_valid:
                name = fk_name(t, fk)
                yield finding(
                    "constraint-not-valid",
                    obj(t, name),
                    t.qualified_name,
                    f"Foreign key {name} on {t.qualified_name} is NOT VALID.",
                )
