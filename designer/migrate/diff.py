"""``diff(before, after)``: the typed changes that turn one design into the other.

Renames are never guessed. A table, column or index keeping its ``id`` under a new
name is a rename; for designs without ids (imported files) ``suggest_renames``
proposes candidates, and the caller passes the confirmed ones back as ``renames``:
``{"public.old_table": "new_table", "public.table.old_column": "new_column"}``
(the key names the object as it is in ``before``).

Unnamed constraints get the name PostgreSQL would give them, so a plan can drop
or validate them by name. The output order is deterministic; the planner, not
this module, decides the order statements run in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from designer.migrate.changes import (
    AddCheck,
    AddColumn,
    AddDomain,
    AddEnum,
    AddEnumValue,
    AddExclusion,
    AddExtension,
    AddForeignKey,
    AddIdentity,
    AddIndex,
    AddPolicy,
    AddPrimaryKey,
    AddSchema,
    AddSequence,
    AddTable,
    AddUnique,
    AddView,
    AlterColumnType,
    Change,
    DisableRls,
    DropCheck,
    DropColumn,
    DropDefault,
    DropDomain,
    DropEnum,
    DropExclusion,
    DropExtension,
    DropForeignKey,
    DropIdentity,
    DropIndex,
    DropNotNull,
    DropPolicy,
    DropPrimaryKey,
    DropSchema,
    DropSequence,
    DropTable,
    DropUnique,
    DropView,
    EnableRls,
    EnumUse,
    ManualChange,
    RecreateEnum,
    RefreshView,
    RenameColumn,
    RenameConstraint,
    RenameIndex,
    RenameSequence,
    RenameTable,
    ReplaceView,
    RestoreViewOnRollback,
    SetComment,
    SetDefault,
    SetNotNull,
    type_change_narrows,
    type_change_rewrites,
)
from designer.migrate.facts import appends_only, is_volatile, relations, star_relations
from designer.schema.model import (
    DEFAULT_SCHEMA,
    Column,
    EnumType,
    ExcludeElement,
    Index,
    IndexPart,
    Schema,
    Table,
    View,
)
from designer.schema.pgnames import (
    default_check_name,
    default_exclusion_name,
    default_key_name,
    expression_columns,
    identity_sequence_name,
)
from designer.schema.sqltext import SERIAL_TYPES, qualify, quote_ident, rename_columns

__all__ = [
    "diff",
    "is_volatile",
    "match",
    "qualified",
    "star_relations",
    "type_change_narrows",
    "type_change_rewrites",
]

MANUAL_TABLE_FIELDS = ("partitioning", "partition_of", "inherits", "unlogged", "with_options")
MANUAL_TABLE_FIELD = "table {table}: {field} changes from {old} to {new}; change it by hand"
MANUAL_COLUMN_ORDER = (
    "table {table}: column order changes; PostgreSQL cannot reorder columns"
    " (recreate the table or ignore the order)"
)
MANUAL_GENERATED = "column {table}.{column}: generated expression changes; recreate the column"
MANUAL_GENERATED_READS = (
    "column {column}: its type changes, and PostgreSQL refuses that while generated column(s)"
    " {readers} read it; drop them, change the type, add them again"
)
MANUAL_DOMAIN = "domain {name} changes; alter it by hand"
MANUAL_SEQUENCE = "sequence {name} options change; ALTER SEQUENCE by hand"
MANUAL_RAW = "statements kept verbatim (functions, triggers, ...) differ; apply them by hand"


# -- PostgreSQL's names for unnamed constraints -----------------------------------------


def _named(table: Table) -> Table:
    """``table`` with every constraint named and key columns NOT NULL, as PostgreSQL stores it."""
    pk = table.primary_key
    columns = table.columns
    if pk is not None:
        if pk.name is None:
            pk = replace(pk, name=default_key_name(table.name, (), "pkey"))
        columns = tuple(
            replace(c, nullable=False) if c.name in pk.columns and c.nullable else c
            for c in columns
        )
    named: tuple[Any, ...] = (*table.foreign_keys, *table.uniques, *table.checks, *table.excludes)
    if all(o.name for o in named) and (pk is table.primary_key and columns is table.columns):
        return table
    return replace(
        table,
        columns=columns,
        primary_key=pk,
        foreign_keys=tuple(
            f if f.name else replace(f, name=default_key_name(table.name, f.columns, "fkey"))
            for f in table.foreign_keys
        ),
        uniques=tuple(
            u if u.name else replace(u, name=default_key_name(table.name, u.columns, "key"))
            for u in table.uniques
        ),
        checks=tuple(
            c if c.name else replace(c, name=default_check_name(table, c.expression))
            for c in table.checks
        ),
        excludes=tuple(
            x if x.name else replace(x, name=default_exclusion_name(table, x))
            for x in table.excludes
        ),
    )


# -- matching ----------------------------------------------------------------------------


def match(
    olds: Iterable[Any],
    news: Iterable[Any],
    key: Any,
    renamed: Mapping[str, str] | None = None,
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pair objects by id, then by a confirmed rename, then by name: (pairs, only old, only new)."""
    olds, news = list(olds), list(news)
    by_id = {n.id: n for n in news if getattr(n, "id", "")}
    by_key = {key(n): n for n in news}
    pairs: list[tuple[Any, Any]] = []
    taken: set[int] = set()
    left: list[Any] = []
    for o in olds:
        oid = getattr(o, "id", "")
        found = by_id.get(oid) if oid else None
        if found is None and renamed and key(o) in renamed:
            found = by_key.get(renamed[key(o)])
        if found is None:
            candidate = by_key.get(key(o))
            cid = getattr(candidate, "id", "")
            # Same name but two different ids: a drop and an add, not the same object.
            if candidate is not None and (not oid or not cid or cid == oid):
                found = candidate
        if found is not None and id(found) not in taken:
            taken.add(id(found))
            pairs.append((o, found))
        else:
            left.append(o)
    right = [n for n in news if id(n) not in taken]
    return pairs, left, right


def _enum_type_name(enum: EnumType) -> str:
    name = quote_ident(enum.name)
    return name if enum.schema == DEFAULT_SCHEMA else f"{quote_ident(enum.schema)}.{name}"


def _enum_uses(schema: Schema, enum: EnumType) -> tuple[EnumUse, ...]:
    name = _enum_type_name(enum)
    return tuple(
        EnumUse(t.schema, t.name, c.name, c.type, c.default)
        for t in schema.tables
        for c in t.columns
        if c.type.rstrip("[]") == name
    )


def _enum_changes(before: Schema, old: EnumType, new: EnumType) -> list[Change]:
    if old.values == new.values:
        return []
    kept = [v for v in new.values if v in old.values]
    if kept != list(old.values):  # a value removed or moved: PostgreSQL cannot do that in place
        return [RecreateEnum(old, new, _enum_uses(before, old))]
    out: list[Change] = []
    current = old
    uses = _enum_uses(before, old)
    for i, value in enumerate(new.values):
        if value in current.values:
            continue
        following = next((v for v in new.values[i + 1 :] if v in current.values), None)
        change = AddEnumValue(current, value, following, uses)
        out.append(change)
        current = change.after_enum
    return out


# -- tables ------------------------------------------------------------------------------


def _comment(kind: str, target: str, old: str | None, new: str | None) -> list[Change]:
    return [] if old == new else [SetComment(kind, target, new, old)]


def _column_changes(
    schema: str, table: str, old: Column, new: Column, readers: tuple[str, ...] = ()
) -> list[Change]:
    """``readers``: the generated columns that read ``new``."""
    out: list[Change] = []
    name = new.name
    type_changes = old.type != new.type or old.collation != new.collation
    # ALTER COLUMN TYPE keeps a string literal's old cast ('pending'::text on a varchar
    # column), where the design built afresh casts it to the new type: re-set it around the
    # change. (A number default is re-cast the same way both routes.)
    default_changes = old.default != new.default or (
        type_changes and old.default is not None and "'" in (new.default or "")
    )
    if old.generated != new.generated:
        out.append(ManualChange(MANUAL_GENERATED.format(table=f"{schema}.{table}", column=name)))
    if old.identity and (
        old.identity != new.identity or old.identity_options != new.identity_options
    ):
        out.append(DropIdentity(schema, table, name, old.identity, old.identity_options))
    if old.default is not None and default_changes:
        out.append(DropDefault(schema, table, name, old.default))
    if type_changes and readers:
        where = f"{schema}.{table}.{name}"
        out.append(
            ManualChange(MANUAL_GENERATED_READS.format(column=where, readers=", ".join(readers)))
        )
    elif type_changes:
        out.append(
            AlterColumnType(
                schema, table, name, old.type, new.type, None, old.collation, new.collation
            )
        )
    if new.default is not None and default_changes:
        out.append(SetDefault(schema, table, name, new.default, None))
    if old.nullable and not new.nullable:
        out.append(SetNotNull(schema, table, name))
    elif new.nullable and not old.nullable:
        out.append(DropNotNull(schema, table, name))
    if new.identity and (
        old.identity != new.identity or old.identity_options != new.identity_options
    ):
        out.append(AddIdentity(schema, table, name, new.identity, new.identity_options))
    target = f"{qualify(schema, table)}.{quote_ident(name)}"
    out += _comment("COLUMN", target, old.comment, new.comment)
    return out


def _sequence_follows(
    schema: str, old_table: str, old: Column, new_table: str, new: Column
) -> list[Change]:
    """The sequence behind a serial or identity column keeps its name when the table or
    column is renamed; rename it to the name PostgreSQL would give it now."""
    if (old_table, old.name) == (new_table, new.name):
        return []
    owns = (old.identity or old.type in SERIAL_TYPES) and (new.identity or new.type in SERIAL_TYPES)
    explicit = "SEQUENCE NAME" in (old.identity_options or "") + (new.identity_options or "")
    if not owns or explicit:
        return []
    return [
        RenameSequence(
            schema,
            identity_sequence_name(old_table, old.name),
            identity_sequence_name(new_table, new.name),
        )
    ]


def _same_but_name(a: Any, b: Any, **ignore: Any) -> bool:
    return bool(replace(a, name=None, **ignore) == replace(b, name=None, **ignore))


def _constraint_changes(
    schema: str, table: str, olds: Iterable[Any], news: Iterable[Any], add: Any, drop: Any
) -> tuple[list[Change], list[Change]]:
    """(renames and additions, drops) for one kind of named constraint."""
    pairs, gone, new = match(olds, news, lambda c: c.name)
    ups: list[Change] = []
    drops: list[Change] = []
    for o, n in pairs:
        if _same_but_name(o, n):
            if o.name != n.name:
                ups.append(RenameConstraint(schema, table, o.name, n.name))
        else:
            drops.append(drop(schema, table, o))
            ups.append(add(schema, table, n))
    # Unmatched ones with the same definition under another name are renames.
    for n in list(new):
        twin = next((o for o in gone if _same_but_name(o, n)), None)
        if twin is not None:
            gone.remove(twin)
            new.remove(n)
            ups.append(RenameConstraint(schema, table, twin.name, n.name))
    drops += [drop(schema, table, o) for o in gone]
    ups += [add(schema, table, n) for n in new]
    return ups, drops


def _index_changes(schema: str, table: str, old: Table, new: Table) -> list[Change]:
    pairs, gone, added = match(old.indexes, new.indexes, lambda i: i.name)
    out: list[Change] = []
    partitioned = new.partitioning is not None

    def same(a: Index, b: Index) -> bool:
        return replace(a, name="", comment=None) == replace(b, name="", comment=None)

    for o, n in pairs:
        if not same(o, n):
            out += [
                DropIndex(schema, table, o, partitioned),
                AddIndex(schema, table, n, partitioned),
            ]
            continue
        if o.name != n.name:
            out.append(RenameIndex(schema, table, o.name, n.name))
        out += _comment("INDEX", qualify(schema, n.name), o.comment, n.comment)
    for n in list(added):
        twin = next((o for o in gone if same(o, n)), None)
        if twin is not None:
            gone.remove(twin)
            added.remove(n)
            out.append(RenameIndex(schema, table, twin.name, n.name))
            out += _comment("INDEX", qualify(schema, n.name), twin.comment, n.comment)
    out += [DropIndex(schema, table, o, partitioned) for o in gone]
    out += [AddIndex(schema, table, n, partitioned) for n in added]
    return out


def _renamed(
    table: Table,
    columns: Mapping[str, str],
    moved: Mapping[tuple[str, str], tuple[str, Mapping[str, str]]],
) -> Table:
    """``table``'s keys, constraints, indexes and policies with renamed tables and columns
    applied, in names and in expressions alike: PostgreSQL carries a rename into both."""

    def cols(names: tuple[str, ...], mapping: Mapping[str, str] = columns) -> tuple[str, ...]:
        return tuple(mapping.get(c, c) for c in names)

    fks = []
    for fk in table.foreign_keys:
        fk = replace(fk, columns=cols(fk.columns), on_delete_columns=cols(fk.on_delete_columns))
        target = moved.get((fk.ref_schema, fk.ref_table))
        if target is not None:
            fk = replace(fk, ref_table=target[0], ref_columns=cols(fk.ref_columns, target[1]))
        fks.append(fk)

    def expr(text: str | None) -> str | None:
        return rename_columns(text, columns) if text is not None else None

    def part(p: IndexPart) -> IndexPart:
        if p.column is not None:
            return replace(p, column=columns.get(p.column, p.column))
        return replace(p, expression=expr(p.expression))

    def element(e: ExcludeElement) -> ExcludeElement:
        if e.expression in table.column_names:  # a column, held as its bare name
            return replace(e, expression=columns.get(e.expression, e.expression))
        return replace(e, expression=rename_columns(e.expression, columns))

    pk = table.primary_key
    return replace(
        table,
        checks=tuple(
            replace(c, expression=rename_columns(c.expression, columns)) for c in table.checks
        ),
        excludes=tuple(
            replace(
                x,
                elements=tuple(element(e) for e in x.elements),
                include=cols(x.include),
                where=expr(x.where),
            )
            for x in table.excludes
        ),
        policies=tuple(
            replace(p, using=expr(p.using), with_check=expr(p.with_check)) for p in table.policies
        ),
        primary_key=replace(pk, columns=cols(pk.columns), include=cols(pk.include)) if pk else None,
        uniques=tuple(
            replace(u, columns=cols(u.columns), include=cols(u.include)) for u in table.uniques
        ),
        foreign_keys=tuple(fks),
        indexes=tuple(
            replace(
                i,
                parts=tuple(part(p) for p in i.parts),
                include=cols(i.include),
                where=expr(i.where),
            )
            for i in table.indexes
        ),
    )


def _table_changes(
    old: Table,
    new: Table,
    renames: Mapping[str, str],
    moved: Mapping[tuple[str, str], tuple[str, Mapping[str, str]]],
) -> list[Change]:
    schema, name = new.schema, new.name
    out: list[Change] = []
    if old.name != name:
        out.append(RenameTable(schema, old.name, name))
    for field in MANUAL_TABLE_FIELDS:
        if getattr(old, field) != getattr(new, field):
            out.append(
                ManualChange(
                    MANUAL_TABLE_FIELD.format(
                        table=f"{schema}.{name}",
                        field=field.replace("_", " "),
                        old=getattr(old, field),
                        new=getattr(new, field),
                    )
                )
            )
    col_renames = _column_renames(old, new, renames)
    pairs, gone, added = match(old.columns, new.columns, lambda c: c.name, col_renames)
    for o, n in pairs:
        if o.name != n.name:
            out.append(RenameColumn(schema, name, o.name, n.name))
        out += _sequence_follows(schema, old.name, o, name, n)
    kept_old = [n.name for o, n in sorted(pairs, key=lambda p: old.columns.index(p[0]))]
    kept_new = [c.name for c in new.columns if c.name in set(kept_old)]
    if kept_old != kept_new:
        out.append(ManualChange(MANUAL_COLUMN_ORDER.format(table=f"{schema}.{name}")))
    out += [AddColumn(schema, name, c) for c in added]
    column_renames = {o.name: n.name for o, n in pairs if o.name != n.name}
    for o, n in pairs:
        if o.generated is not None:  # a generated column follows the columns it reads
            o = replace(o, generated=rename_columns(o.generated, column_renames))
        readers = tuple(
            c.name
            for c in new.columns
            if c.generated is not None and n.name in expression_columns(c.generated)
        )
        out += _column_changes(schema, name, o, n, readers)

    # PostgreSQL carries renames into keys and indexes: compare them under the new names.
    old = _renamed(old, column_renames, moved)
    drops: list[Change] = []
    if old.primary_key != new.primary_key:
        if old.primary_key and new.primary_key and _same_but_name(old.primary_key, new.primary_key):
            out.append(
                RenameConstraint(
                    schema, name, old.primary_key.name or "", new.primary_key.name or ""
                )
            )
        else:
            if old.primary_key:
                drops.append(DropPrimaryKey(schema, name, old.primary_key))
            if new.primary_key:
                out.append(AddPrimaryKey(schema, name, new.primary_key))
    for olds, news, add, drop in (
        (old.uniques, new.uniques, AddUnique, DropUnique),
        (old.checks, new.checks, AddCheck, DropCheck),
        (old.excludes, new.excludes, AddExclusion, DropExclusion),
        (old.foreign_keys, new.foreign_keys, AddForeignKey, DropForeignKey),
    ):
        ups, downs = _constraint_changes(schema, name, olds, news, add, drop)
        out += ups
        drops += downs
    out += _index_changes(schema, name, old, new)
    out += drops
    out += [DropColumn(schema, name, c) for c in gone]
    out += _comment("TABLE", qualify(schema, name), old.comment, new.comment)
    if new.rls_enabled and (not old.rls_enabled or old.rls_forced != new.rls_forced):
        out.append(EnableRls(schema, name, new.rls_forced))
    elif old.rls_enabled and not new.rls_enabled:
        out.append(DisableRls(schema, name, old.rls_forced))
    ppairs, pgone, padded = match(old.policies, new.policies, lambda p: p.name)
    for o, n in ppairs:
        if replace(o, comment=None) != replace(n, comment=None):
            out += [DropPolicy(schema, name, o), AddPolicy(schema, name, n)]
        elif o.comment != n.comment:
            target = f"{quote_ident(n.name)} ON {qualify(schema, name)}"
            out += _comment("POLICY", target, o.comment, n.comment)
    out += [DropPolicy(schema, name, p) for p in pgone]
    out += [AddPolicy(schema, name, p) for p in padded]
    return out


def _column_renames(old: Table, new: Table, renames: Mapping[str, str]) -> dict[str, str]:
    return {
        k.rsplit(".", 1)[1]: v.rsplit(".", 1)[-1]
        for k, v in renames.items()
        if k.count(".") == 2 and k.rsplit(".", 1)[0] == f"{old.schema}.{old.name}"
    }


def _moves(
    pairs: list[tuple[Table, Table]], renames: Mapping[str, str]
) -> dict[tuple[str, str], tuple[str, Mapping[str, str]]]:
    """Old (schema, table) -> (new table name, old -> new column names), for foreign keys."""
    out: dict[tuple[str, str], tuple[str, Mapping[str, str]]] = {}
    for o, n in pairs:
        col_pairs, _, _ = match(
            o.columns, n.columns, lambda c: c.name, _column_renames(o, n, renames)
        )
        mapping = {a.name: b.name for a, b in col_pairs if a.name != b.name}
        if o.name != n.name or mapping:
            out[(o.schema, o.name)] = (n.name, mapping)
    return out


def qualified(o: Any) -> tuple[str, str]:
    return (o.schema, o.name)


def diff(
    before: Schema, after: Schema, *, renames: Mapping[str, str] | None = None
) -> list[Change]:
    """The changes from ``before`` to ``after``, in a deterministic order."""
    renames = dict(renames or {})
    out: list[Change] = []
    for name in sorted(set(after.schemas) - set(before.schemas) - {DEFAULT_SCHEMA}):
        out.append(AddSchema(name))
    old_sc, new_sc = dict(before.schema_comments), dict(after.schema_comments)
    for name in sorted(old_sc.keys() | new_sc.keys()):
        out += _comment("SCHEMA", quote_ident(name), old_sc.get(name), new_sc.get(name))

    old_ext = {e.name: e for e in before.extensions}
    new_ext = {e.name: e for e in after.extensions}
    out += [AddExtension(new_ext[n]) for n in sorted(new_ext.keys() - old_ext.keys())]

    enum_pairs, enum_gone, enum_added = match(before.enums, after.enums, qualified)
    out += [AddEnum(e) for e in sorted(enum_added, key=qualified)]
    for o, n in sorted(enum_pairs, key=lambda p: qualified(p[1])):
        out += _enum_changes(before, o, n)
        out += _comment("TYPE", qualify(n.schema, n.name), o.comment, n.comment)

    dom_pairs, dom_gone, dom_added = match(before.domains, after.domains, qualified)
    out += [AddDomain(d) for d in sorted(dom_added, key=qualified)]
    out += [
        ManualChange(MANUAL_DOMAIN.format(name=n.qualified_name)) for o, n in dom_pairs if o != n
    ]
    seq_pairs, seq_gone, seq_added = match(before.sequences, after.sequences, qualified)
    out += [AddSequence(s) for s in sorted(seq_added, key=qualified)]
    for o, n in seq_pairs:
        if replace(o, comment=None) != replace(n, comment=None):
            out.append(ManualChange(MANUAL_SEQUENCE.format(name=n.qualified_name)))
        out += _comment("SEQUENCE", qualify(n.schema, n.name), o.comment, n.comment)

    table_renames = {
        k: f"{k.split('.')[0]}.{v.rsplit('.', 1)[-1]}"
        for k, v in renames.items()
        if k.count(".") == 1
    }
    pairs, gone, added = match(
        [_named(t) for t in before.tables],
        [_named(t) for t in after.tables],
        lambda t: f"{t.schema}.{t.name}",
        table_renames,
    )
    for t in sorted(added, key=qualified):
        out.append(AddTable(replace(t, foreign_keys=())))
    for t in sorted(added, key=qualified):
        out += [AddForeignKey(t.schema, t.name, fk) for fk in t.foreign_keys]
    moved = _moves(pairs, renames)
    for o, n in sorted(pairs, key=lambda p: qualified(p[1])):
        out += _table_changes(o, n, renames, moved)
    for t in sorted(gone, key=qualified):
        out += [DropForeignKey(t.schema, t.name, fk) for fk in t.foreign_keys]
    out += [DropTable(t) for t in sorted(gone, key=qualified)]

    out += _view_changes(before, after, out, {(o.schema, o.name) for o in gone})

    out += [DropSequence(s) for s in sorted(seq_gone, key=qualified)]
    out += [DropDomain(d) for d in sorted(dom_gone, key=qualified)]
    out += [DropEnum(e) for e in sorted(enum_gone, key=qualified)]
    out += [DropExtension(old_ext[n]) for n in sorted(old_ext.keys() - new_ext.keys())]
    for name in sorted(set(before.schemas) - set(after.schemas) - {DEFAULT_SCHEMA}):
        out.append(DropSchema(name))
    if before.raw != after.raw:
        out.append(ManualChange(MANUAL_RAW))
    return out


def _view_changes(
    before: Schema, after: Schema, changes: list[Change], dropped: set[tuple[str, str]]
) -> list[Change]:
    """Views: new, gone, changed, and those rebuilt or refreshed because columns under them
    change."""
    early = set(dropped)  # tables whose changes need the views over them gone first
    shrinking: set[tuple[str, str]] = set()  # tables losing columns
    gaining: set[tuple[str, str]] = set()  # tables gaining columns
    for c in changes:
        if isinstance(c, AlterColumnType | RenameColumn):
            early.add((c.schema, c.table))
        elif isinstance(c, DropColumn):
            shrinking.add((c.schema, c.table))
        elif isinstance(c, AddColumn):
            gaining.add((c.schema, c.table))
        elif isinstance(c, RenameTable):
            early |= {(c.schema, c.table), (c.schema, c.new_name)}
        elif isinstance(c, RecreateEnum):
            early |= {(u.schema, u.table) for u in c.uses}
    # PostgreSQL refuses to alter a column a view reads: drop such views first (and the views
    # reading them), recreate them after. A view reading a shrinking table with * would expand
    # to the doomed column again, so it comes back only after the drop ("late"). A view reading
    # a gaining table with * is replaced in place (refreshed), and so is every view reading it,
    # which the rollback has to drop before the new columns go.
    new_views = {qualified(v): v for v in after.views}
    rebuild: set[tuple[str, str]] = set()
    early_views: set[tuple[str, str]] = set()
    late_views: set[tuple[str, str]] = set()
    refresh: set[tuple[str, str]] = set()
    for v in before.views:
        key = qualified(v)
        rels = relations(v.query)
        new = new_views.get(key)
        if rels & (early | shrinking | rebuild):
            rebuild.add(key)
            if rels & (early | early_views):
                early_views.add(key)
            if star_relations(v.query) & shrinking or rels & late_views:
                late_views.add(key)
        elif (
            new is not None
            and not _needs_recreate(v, new)
            and (star_relations(v.query) & gaining or rels & refresh)
        ):
            # CREATE OR REPLACE cannot touch a materialized view, nor put new columns
            # anywhere but at the end (``SELECT t.*, 1 AS one``): rebuild those.
            in_place = not v.materialized and appends_only(v.query, gaining | refresh)
            (refresh if in_place else rebuild).add(key)
    out: list[Change] = []
    old_views = {qualified(v): v for v in before.views}
    for v in reversed(before.views):
        key = qualified(v)
        new = new_views.get(key)
        if new is None or key in rebuild or _needs_recreate(v, new):
            late = new is not None and key in late_views and key not in early_views
            out.append(DropView(v, rebuild=key in rebuild or new is not None, late=late))
        elif key in refresh:
            out.append(RestoreViewOnRollback(v))
    for v in after.views:
        key = qualified(v)
        old = old_views.get(key)
        if old is None or key in rebuild or _needs_recreate(old, v):
            late = key in late_views or bool(relations(v.query) & late_views)
            if late:
                late_views.add(key)
            out.append(AddView(v, late=late))
        elif key in refresh:
            out.append(RefreshView(old, v))
        elif _strip_comments(old) != _strip_comments(v):
            out.append(ReplaceView(old, v))
        else:
            kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
            target = qualify(v.schema, v.name)
            out += _comment(kind, target, old.comment, v.comment)
            cols = dict(old.column_comments)
            for col, text in v.column_comments:
                out += _comment("COLUMN", f"{target}.{quote_ident(col)}", cols.pop(col, None), text)
            for col, text in sorted(cols.items()):
                out += _comment("COLUMN", f"{target}.{quote_ident(col)}", text, None)
    return out


def _strip_comments(v: View) -> View:
    return replace(v, comment=None, column_comments=())


def _needs_recreate(old: View, new: View) -> bool:
    """CREATE OR REPLACE VIEW only swaps the query of a plain view; anything else is rebuilt."""
    if _strip_comments(old) == _strip_comments(new):
        return False
    return (
        old.materialized
        or new.materialized
        or replace(_strip_comments(old), query="") != replace(_strip_comments(new), query="")
    )
