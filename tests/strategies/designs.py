"""Hypothesis strategies: random valid designs, and the changes users make to them.

``designs()`` draws a ``Schema`` that applies to an empty PostgreSQL 18 database: tables in
``public`` and a schema whose name needs quoting, columns of the common types (enums and
domains included) with defaults in the form PostgreSQL stores them, single, composite and
identity primary keys, foreign keys (composite and self-referencing), UNIQUE, CHECK,
EXCLUDE (named and unnamed), DEFERRABLE keys, plain, partial and expression indexes, stored
generated columns, collations, comments, row-level security with policies, views and
materialized views, extensions (btree_gist, citext), a RANGE or LIST partitioned table with
partitions, and sequences. Names are drawn from a pool (``vocabulary.py``) that mixes plain
names with reserved words, mixed case, spaces, quotes and non-ASCII letters.

``changed_designs(design)`` draws the design a user makes of it with a few edits of the kinds
the editor offers (add/drop/rename column, type change of a column with a default, set/drop
NOT NULL, add FK/CHECK/UNIQUE/index, drop/rename/split a table, and renames of columns
that keys, CHECKs, indexes, exclusions, policies, generated columns and views use). Every object carries an id,
so renames are known from identity, as in the editor.

Expressions are held normalised (``normalize_expr``), as importers and the editor hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pglast
from hypothesis import strategies as st
from pglast import ast
from strategies.vocabulary import (
    CITEXT,
    COMMENTS,
    DOMAIN,
    ENUM,
    ENUM_VALUES,
    EXTENSIONS,
    OTHER_SCHEMA,
    RANGE,
    SPEC,
    TYPES,
    Namer,
    _column,
    _expr,
    _positive,
    _unique_names,
)

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
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
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.sqltext import (
    normalize_query,
    qualify,
    quote_ident,
    rename_columns,
    rename_query_columns,
)


@st.composite
def _table(
    draw: st.DrawFn,
    name: str,
    schema: str,
    earlier: list[Table],
    namer: Namer,
    tid: str,
    extensions: frozenset[str] = frozenset(),
) -> Table:
    n_cols = draw(st.integers(1, 5))
    names = _unique_names(draw, n_cols)
    pk_kind = draw(st.sampled_from(("single", "identity", "composite", "none")))
    columns: list[Column] = []
    pk_cols: tuple[str, ...] = ()
    if pk_kind == "identity":
        pk_name = _unique_names(draw, 1, names)[0]
        identity = draw(st.sampled_from(("ALWAYS", "BY DEFAULT")))
        columns.append(Column(pk_name, "bigint", nullable=False, identity=identity))
        pk_cols = (pk_name,)
    for i, col_name in enumerate(names):
        in_key = (pk_kind == "single" and i == 0) or (pk_kind == "composite" and i < 2)
        columns.append(draw(_column(col_name, key=in_key)))
        if in_key:
            pk_cols += (col_name,)
    primary_key = (
        PrimaryKey(columns=pk_cols, name=draw(st.none() | st.just(namer("pk"))))
        if pk_cols
        else None
    )
    table = Table(name=name, schema=schema, columns=tuple(columns), primary_key=primary_key)

    # Foreign keys: to an earlier table's primary key, or to this one's (self-reference).
    fks: list[ForeignKey] = []
    targets = [t for t in [*earlier, table] if t.primary_key]
    for target in draw(st.lists(st.sampled_from(targets), max_size=2)) if targets else []:
        assert target.primary_key is not None
        new_cols = []
        for ref in target.primary_key.columns:
            ref_col = target.column(ref) or next(c for c in columns if c.name == ref)
            (col_name,) = _unique_names(draw, 1, [c.name for c in columns] + new_cols)
            new_cols.append(col_name)
            columns.append(Column(col_name, ref_col.type, nullable=True))
        fks.append(
            ForeignKey(
                columns=tuple(new_cols),
                ref_table=target.name,
                ref_schema=target.schema,
                ref_columns=target.primary_key.columns,
                name=namer("fk"),
                on_delete=draw(st.sampled_from(("NO ACTION", "CASCADE", "SET NULL"))),
                **draw(_deferrable()),
            )
        )
    columns += draw(_extra_columns(columns, fks, extensions))
    excludes = draw(_excludes(columns, namer, extensions))
    table = replace(
        table, columns=tuple(columns), foreign_keys=tuple(fks), excludes=tuple(excludes)
    )
    keyable = [c for c in columns if SPEC[c.type].key and c.name not in pk_cols]
    uniques: list[UniqueConstraint] = []
    if keyable and draw(st.booleans()):
        cols = draw(st.lists(st.sampled_from(keyable), min_size=1, max_size=4, unique=True))
        uniques.append(
            UniqueConstraint(
                columns=tuple(c.name for c in cols),
                name=namer("uq"),
                nulls_not_distinct=draw(st.booleans()),
                **draw(_deferrable()),
            )
        )
    checks = [
        CheckConstraint(_positive(c), name=namer("ck"))
        for c in columns
        if SPEC[c.type].integer and c.default != "0" and draw(st.booleans())
    ]
    indexes: list[Index] = []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(("plain", "partial", "expression", "unique")))
        col = draw(st.sampled_from(keyable or [c for c in columns if SPEC[c.type].key] or columns))
        if not SPEC[col.type].key:
            continue
        ident = quote_ident(col.name)
        if kind == "expression" and SPEC[col.type].text:
            # as PostgreSQL stores it: varchar is cast to text for lower()
            cast = "" if col.type == "text" else "::text"
            part = IndexPart(expression=_expr(f"lower({ident}{cast})"))
            parts: tuple[IndexPart, ...] = (part,)
        else:
            more = draw(st.lists(st.sampled_from(keyable or [col]), max_size=3, unique=True))
            cols = [col, *(c for c in more if c is not col)]
            parts = tuple(IndexPart(column=c.name, descending=draw(st.booleans())) for c in cols)
        indexes.append(
            Index(
                name=namer("ix"),
                parts=parts,
                unique=kind == "unique",
                where=_expr(f"{ident} IS NOT NULL") if kind == "partial" else None,
                comment=draw(st.none() | st.sampled_from(COMMENTS)),
            )
        )
    rls = draw(st.booleans()) and draw(st.booleans())
    policies = ()
    if rls:
        # a policy may read a column, so a rename of it has something to carry along
        using = draw(
            st.sampled_from(["true", *(f"{quote_ident(c.name)} IS NOT NULL" for c in columns)])
        )
        policies = (
            Policy(
                name=namer("policy"),
                command=draw(st.sampled_from(("ALL", "SELECT", "UPDATE"))),
                using=_expr(using),
            ),
        )
    return replace(
        table,
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=tuple(indexes),
        comment=draw(st.none() | st.sampled_from(COMMENTS)),
        rls_enabled=rls,
        policies=policies,
        id=tid,
        columns=tuple(replace(c, id=f"{tid}.c{i}") for i, c in enumerate(table.columns)),
    )


@st.composite
def _deferrable(draw: st.DrawFn) -> dict[str, bool]:
    deferrable = draw(st.booleans()) and draw(st.booleans())
    return {"deferrable": deferrable, "initially_deferred": deferrable and draw(st.booleans())}


@st.composite
def _extra_columns(
    draw: st.DrawFn, columns: list[Column], fks: list[ForeignKey], extensions: frozenset[str]
) -> list[Column]:
    """A stored generated column over an integer one, and a column of an extension's type."""
    extra: list[Column] = []
    # never over an identity: MariaDB refuses AUTO_INCREMENT in GENERATED ALWAYS AS;
    # nor over a foreign key's column: MariaDB refuses a generated column over one with an
    # ON DELETE action (both gaps of the MariaDB translation, see test_generative)
    fk_columns = {c for fk in fks for c in fk.columns}
    sources = [
        c
        for c in columns
        if c.type in ("integer", "bigint") and not c.identity and c.name not in fk_columns
    ]
    if sources and draw(st.booleans()):
        source = draw(st.sampled_from(sources))
        (name,) = _unique_names(draw, 1, [c.name for c in columns])
        expression = draw(st.sampled_from(("{} * 2", "{} + 1"))).format(quote_ident(source.name))
        extra.append(Column(name, source.type, generated=_expr(expression)))
    if "citext" in extensions and draw(st.booleans()):
        (name,) = _unique_names(draw, 1, [c.name for c in (*columns, *extra)])
        default = draw(st.none() | st.sampled_from(CITEXT.defaults).map(_expr))
        extra.append(Column(name, CITEXT.type, default=default))
    return extra


@st.composite
def _excludes(
    draw: st.DrawFn, columns: list[Column], namer: Namer, extensions: frozenset[str]
) -> list[ExcludeConstraint]:
    """An exclusion constraint over a range column added for it (``&&``), with an equal
    scalar before it when btree_gist is there; unnamed half the time, as users write them."""
    if not (draw(st.booleans()) and draw(st.booleans())):
        return []
    (name,) = _unique_names(draw, 1, [c.name for c in columns])
    columns.append(Column(name, RANGE.type))
    elements = [ExcludeElement(name, "&&")]
    scalars = [c for c in columns if c.type in ("integer", "bigint", "text") and not c.generated]
    if "btree_gist" in extensions and scalars and draw(st.booleans()):
        elements.insert(0, ExcludeElement(draw(st.sampled_from(scalars)).name, "="))
    return [
        ExcludeConstraint(
            elements=tuple(elements),
            method="gist",
            name=draw(st.none() | st.just(namer("ex"))),
            **draw(_deferrable()),
        )
    ]


def _partitioned(schema: str, name: str, strategy: str) -> tuple[Table, ...]:
    """A table partitioned by RANGE (dates) or LIST (text), a bounded and a default partition."""
    key, key_type, bound = (
        ("at", "date", "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')")
        if strategy == "RANGE"
        else ("kind", "text", "FOR VALUES IN ('a', 'b')")
    )
    parent = Table(
        name=name,
        schema=schema,
        columns=(
            Column("id", "bigint", nullable=False),
            Column(key, key_type, nullable=False),
            Column("note", "text"),
        ),
        primary_key=PrimaryKey(columns=("id", key)),
        partitioning=Partitioning(strategy="RANGE" if strategy == "RANGE" else "LIST", key=key),
        id=f"part:{name}",
    )
    return (
        parent,
        Table(
            name=f"{name}_2025",
            schema=schema,
            partition_of=PartitionOf(schema, name, bound),
            id=f"part:{name}_2025",
        ),
        Table(
            name=f"{name}_default",
            schema=schema,
            partition_of=PartitionOf(schema, name, "DEFAULT"),
            id=f"part:{name}_default",
        ),
    )


@st.composite
def designs(draw: st.DrawFn, *, max_tables: int = 4, partitions: bool = True) -> Schema:
    """A random valid design (see the module docstring)."""
    namer = Namer()
    extensions = frozenset(draw(st.sets(st.sampled_from(EXTENSIONS))))
    n_tables = draw(st.integers(1, max_tables))
    table_names = _unique_names(draw, n_tables, (ENUM, DOMAIN))
    tables: list[Table] = []
    for i, name in enumerate(table_names):
        schema = draw(st.sampled_from(("public", "public", OTHER_SCHEMA)))
        tables.append(draw(_table(name, schema, tables, namer, f"t{i}", extensions)))
    if partitions and draw(st.booleans()):
        tables += _partitioned("public", "events", draw(st.sampled_from(("RANGE", "LIST"))))
    views: list[View] = []
    for table in draw(st.lists(st.sampled_from(tables[:n_tables]), max_size=2, unique=True)):
        cols = draw(st.lists(st.sampled_from(table.columns), min_size=1, max_size=3, unique=True))
        select = ", ".join(quote_ident(c.name) for c in cols)
        # as pg_get_viewdef prints it: tables on the search path unqualified
        source = (
            quote_ident(table.name)
            if table.schema == "public"
            else qualify(table.schema, table.name)
        )
        materialized = draw(st.booleans())
        indexed = [c for c in cols if SPEC[c.type].key]
        indexes = (
            (Index(name=namer("mvix"), parts=(IndexPart(column=indexed[0].name),)),)
            if materialized and indexed and draw(st.booleans())
            else ()
        )
        views.append(
            View(
                name=namer("view"),
                schema=table.schema,
                query=normalize_query(f"SELECT {select} FROM {source}"),
                materialized=materialized,
                indexes=indexes,
                comment=draw(st.none() | st.sampled_from(COMMENTS)),
            )
        )
    sequences = (
        (Sequence(name=namer("seq"), start=draw(st.integers(1, 1000)), increment=2),)
        if draw(st.booleans())
        else ()
    )
    used_schemas = {t.schema for t in tables} - {"public"}
    return Schema(
        tables=tuple(tables),
        enums=(EnumType(name=ENUM, values=ENUM_VALUES),),
        domains=(
            Domain(
                name=DOMAIN,
                type="integer",
                checks=(CheckConstraint(_expr("VALUE > 0"), name="positive"),),
            ),
        ),
        sequences=sequences,
        views=tuple(views),
        extensions=tuple(Extension(name) for name in sorted(extensions)),
        schemas=tuple(sorted(used_schemas)),
    )


# -- changes ------------------------------------------------------------------------------


def _mentions(text: str | None, name: str) -> bool:
    return text is not None and (name in text or quote_ident(name) in text)


def _used(schema: Schema, table: Table, column: str) -> bool:
    """Whether anything besides the column list names ``column`` of ``table``."""
    key_cols: set[str] = set()
    if table.primary_key:
        key_cols |= set(table.primary_key.columns)
    for fk in table.foreign_keys:
        key_cols |= set(fk.columns)
    for u in table.uniques:
        key_cols |= set(u.columns)
    for i in table.indexes:
        key_cols |= {p.column for p in i.parts if p.column}
    if column in key_cols:
        return True
    texts = [c.expression for c in table.checks]
    texts += [p.expression for i in table.indexes for p in i.parts] + [
        i.where for i in table.indexes
    ]
    texts += [v.query for v in schema.views]
    texts += [e.expression for x in table.excludes for e in x.elements]
    texts += [c.generated for c in table.columns] + [p.using for p in table.policies]
    if table.partitioning:
        texts.append(table.partitioning.key)
    if any(_mentions(t, column) for t in texts):
        return True
    return any(
        fk.ref_table == table.name and fk.ref_schema == table.schema and column in fk.ref_columns
        for t in schema.tables
        for fk in t.foreign_keys
    )


def _plain_tables(schema: Schema) -> list[Table]:
    return [
        t
        for t in schema.tables
        if t.partitioning is None and t.partition_of is None and not t.id.startswith("part:")
    ]


def _partitioned_parents(schema: Schema) -> list[Table]:
    return [t for t in schema.tables if t.partitioning is not None]


def _in_views(schema: Schema, table: Table) -> bool:
    return any(_mentions(v.query, table.name) for v in schema.views)


def _referenced(schema: Schema, table: Table) -> bool:
    return any(
        fk.ref_table == table.name and fk.ref_schema == table.schema
        for t in schema.tables
        if t.qualified_name != table.qualified_name
        for fk in t.foreign_keys
    )


Edit = Callable[[st.DrawFn, Schema, Namer], Schema | None]


def _with_columns(schema: Schema, table: Table, columns: Iterable[Column]) -> Schema:
    return schema.with_table(replace(table, columns=tuple(columns)))


def add_column(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    """A new column, also on a partitioned table (its partitions get it too)."""
    table = draw(st.sampled_from(_plain_tables(schema) + _partitioned_parents(schema)))
    (name,) = _unique_names(draw, 1, table.column_names)
    column = draw(_column(name))
    if not column.nullable and column.default is None:
        column = replace(column, nullable=True)
    column = replace(column, id=namer("newcol"))
    return _with_columns(schema, table, [*table.columns, column])


def drop_column(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    table = draw(st.sampled_from(_plain_tables(schema)))
    free = [c for c in table.columns if not _used(schema, table, c.name)]
    if not free or len(table.columns) < 2:
        return None
    gone = draw(st.sampled_from(free))
    return _with_columns(schema, table, [c for c in table.columns if c is not gone])


def rename_column(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    table = draw(st.sampled_from(_plain_tables(schema)))
    free = [c for c in table.columns if not _used(schema, table, c.name)]
    if not free:
        return None
    old = draw(st.sampled_from(free))
    (new,) = _unique_names(draw, 1, table.column_names)
    columns = [replace(c, name=new) if c is old else c for c in table.columns]
    return _with_columns(schema, table, columns)


def _view_after_rename(query: str, table: Table, old: str, new: str) -> str:
    """A view over ``table`` as PostgreSQL keeps it when ``old`` is renamed ``new``: it reads
    the new name and still shows the old one (``SELECT new AS old``)."""
    stmt = pglast.parse_sql(query)[0].stmt
    if not any(r.relname == table.name for r in _range_vars(stmt)):
        return query
    for target in stmt.targetList or ():  # type: ignore[union-attr]
        ref = target.val
        if isinstance(ref, ast.ColumnRef) and getattr(ref.fields[-1], "sval", None) == old:
            target.name = target.name or old
    return normalize_query(rename_query_columns(stmt, {old: new}))


def _range_vars(stmt: object) -> list[ast.RangeVar]:
    return list(getattr(stmt, "fromClause", None) or ())


def rename_used_column(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    """A rename of a column that keys, CHECKs, indexes, exclusions, policies, generated columns
    or views use: the design after it names the new column everywhere, as PostgreSQL does."""
    table = draw(st.sampled_from(_plain_tables(schema)))
    used = [c for c in table.columns if _used(schema, table, c.name) or c.generated]
    if not used:
        return None
    old = draw(st.sampled_from(used)).name
    (new,) = _unique_names(draw, 1, table.column_names)
    renames = {old: new}

    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(renames.get(n, n) for n in names)

    def expr(text: str | None) -> str | None:
        return rename_columns(text, renames) if text is not None else None

    pk = table.primary_key
    changed = replace(
        table,
        columns=tuple(
            replace(c, name=renames.get(c.name, c.name), generated=expr(c.generated))
            for c in table.columns
        ),
        primary_key=replace(pk, columns=cols(pk.columns)) if pk else None,
        foreign_keys=tuple(replace(f, columns=cols(f.columns)) for f in table.foreign_keys),
        uniques=tuple(replace(u, columns=cols(u.columns)) for u in table.uniques),
        checks=tuple(
            replace(c, expression=rename_columns(c.expression, renames)) for c in table.checks
        ),
        indexes=tuple(
            replace(
                i,
                parts=tuple(
                    replace(p, column=renames.get(p.column, p.column))
                    if p.column
                    else replace(p, expression=expr(p.expression))
                    for p in i.parts
                ),
                where=expr(i.where),
            )
            for i in table.indexes
        ),
        excludes=tuple(
            replace(
                x,
                elements=tuple(
                    replace(e, expression=renames.get(e.expression, e.expression))
                    for e in x.elements
                ),
            )
            for x in table.excludes
        ),
        policies=tuple(replace(p, using=expr(p.using)) for p in table.policies),
    )
    tables = []
    for t in schema.tables:
        t = changed if t is table else t
        fks = tuple(
            replace(f, ref_columns=cols(f.ref_columns))
            if (f.ref_schema, f.ref_table) == (table.schema, table.name)
            else f
            for f in t.foreign_keys
        )
        tables.append(replace(t, foreign_keys=fks))
    views = tuple(
        replace(v, query=_view_after_rename(v.query, table, old, new))
        if v.schema == table.schema
        else v
        for v in schema.views
    )
    return replace(schema, tables=tuple(tables), views=views)


# (old type, new type, how the stored default reads after the change)
TYPE_CHANGES: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("text", "character varying(20)", lambda d: d.replace("::text", "::varchar")),
    # the editor keeps the default as typed when only the type changes
    ("text", "character varying(20)", lambda d: d),
    ("character varying(40)", "text", lambda d: d.replace("::varchar", "::text")),
    ("integer", "bigint", lambda d: d),
    ("smallint", "integer", lambda d: d),
    ("integer", "numeric(12,2)", lambda d: d),
    ("boolean", "text", lambda d: f"'{d.lower()}'::text"),
)


def change_type(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    """A type change of a column (with its default), also when a CHECK, an index or a view
    uses it; never a key column (foreign keys on both sides would have to change too)."""
    table = draw(st.sampled_from(_plain_tables(schema)))
    key_cols = set(table.primary_key.columns if table.primary_key else ())
    key_cols |= {c for fk in table.foreign_keys for c in fk.columns}
    # PostgreSQL refuses it under a generated column: the diff says so (a manual step)
    key_cols |= {
        c.name for c in table.columns if any(_mentions(g.generated, c.name) for g in table.columns)
    }
    candidates = [
        (c, new, convert)
        for c in table.columns
        for old, new, convert in TYPE_CHANGES
        if c.type == old and c.name not in key_cols and not c.identity
    ]
    candidates = [
        x
        for x in candidates
        if not any(
            fk.ref_table == table.name and x[0].name in fk.ref_columns
            for t in schema.tables
            for fk in t.foreign_keys
        )
    ]
    if not candidates:
        return None
    column, new_type, convert = draw(st.sampled_from(candidates))
    if new_type == "text" and any(_mentions(c.expression, column.name) for c in table.checks):
        return None  # "col > 0" does not apply to text
    changed = replace(
        column,
        type=new_type,
        default=convert(column.default) if column.default else None,
    )
    return _with_columns(schema, table, [changed if c is column else c for c in table.columns])


def toggle_not_null(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    table = draw(st.sampled_from(_plain_tables(schema)))
    key_cols = set(table.primary_key.columns if table.primary_key else ())
    candidates = [c for c in table.columns if c.name not in key_cols and not c.identity]
    if not candidates:
        return None
    column = draw(st.sampled_from(candidates))
    changed = replace(column, nullable=not column.nullable)
    return _with_columns(schema, table, [changed if c is column else c for c in table.columns])


def add_foreign_key(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    tables = _plain_tables(schema)
    table = draw(st.sampled_from(tables))
    targets = [t for t in tables if t.primary_key]
    if not targets:
        return None
    target = draw(st.sampled_from(targets))
    assert target.primary_key is not None
    taken = list(table.column_names)
    new_cols: list[Column] = []
    for ref in target.primary_key.columns:
        ref_col = target.column(ref)
        assert ref_col is not None
        (name,) = _unique_names(draw, 1, taken)
        taken.append(name)
        new_cols.append(Column(name, ref_col.type, id=namer("fkcol")))
    fk = ForeignKey(
        columns=tuple(c.name for c in new_cols),
        ref_table=target.name,
        ref_schema=target.schema,
        ref_columns=target.primary_key.columns,
        name=namer("newfk"),
    )
    return schema.with_table(
        replace(table, columns=(*table.columns, *new_cols), foreign_keys=(*table.foreign_keys, fk))
    )


def add_check(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    table = draw(st.sampled_from(_plain_tables(schema)))
    ints = [c for c in table.columns if SPEC.get(c.type, TYPES[1]).integer and c.default != "0"]
    if not ints:
        return None
    column = draw(st.sampled_from(ints))
    check = CheckConstraint(_positive(column), name=namer("newck"))
    return schema.with_table(replace(table, checks=(*table.checks, check)))


def add_unique(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    table = draw(st.sampled_from(_plain_tables(schema)))
    keyable = [c for c in table.columns if SPEC.get(c.type, TYPES[0]).key]
    if not keyable:
        return None
    column = draw(st.sampled_from(keyable))
    unique = UniqueConstraint(columns=(column.name,), name=namer("newuq"))
    return schema.with_table(replace(table, uniques=(*table.uniques, unique)))


def add_index(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    """A plain or partial index, also on a partitioned table (each partition gets one)."""
    table = draw(st.sampled_from(_plain_tables(schema) + _partitioned_parents(schema)))
    keyable = [c for c in table.columns if SPEC.get(c.type, TYPES[0]).key]
    if not keyable:
        return None
    column = draw(st.sampled_from(keyable))
    ident = quote_ident(column.name)
    partial = draw(st.booleans())
    index = Index(
        name=namer("newix"),
        parts=(IndexPart(column=column.name),),
        where=_expr(f"{ident} IS NOT NULL") if partial else None,
    )
    return schema.with_table(replace(table, indexes=(*table.indexes, index)))


def drop_table(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    candidates = [
        t for t in _plain_tables(schema) if not _referenced(schema, t) and not _in_views(schema, t)
    ]
    if not candidates or len(schema.tables) < 2:
        return None
    gone = draw(st.sampled_from(candidates))
    return replace(schema, tables=tuple(t for t in schema.tables if t is not gone))


def _retarget(schema: Schema, old: Table, new_name: str) -> Schema:
    tables = []
    for t in schema.tables:
        fks = tuple(
            replace(fk, ref_table=new_name)
            if (fk.ref_schema, fk.ref_table) == (old.schema, old.name)
            else fk
            for fk in t.foreign_keys
        )
        tables.append(replace(t, foreign_keys=fks))
    return replace(schema, tables=tuple(tables))


def rename_table(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    candidates = [t for t in _plain_tables(schema) if not _in_views(schema, t)]
    if not candidates:
        return None
    table = draw(st.sampled_from(candidates))
    (new,) = _unique_names(draw, 1, [t.name for t in schema.tables] + [ENUM, DOMAIN])
    schema = _retarget(schema, table, new)
    table = next(t for t in schema.tables if t.id == table.id)
    renamed = replace(table, name=new)
    return replace(schema, tables=tuple(renamed if t is table else t for t in schema.tables))


def split_table(draw: st.DrawFn, schema: Schema, namer: Namer) -> Schema | None:
    """Move some columns into a new table keyed by the old one's primary key."""
    candidates = [t for t in _plain_tables(schema) if t.primary_key]
    if not candidates:
        return None
    table = draw(st.sampled_from(candidates))
    assert table.primary_key is not None
    # a generated column stays with the columns it reads
    free = [c for c in table.columns if not _used(schema, table, c.name) and not c.generated]
    if not free:
        return None
    moved = draw(st.lists(st.sampled_from(free), min_size=1, max_size=len(free), unique=True))
    (name,) = _unique_names(draw, 1, [t.name for t in schema.tables] + [ENUM, DOMAIN])
    key = [
        replace(c, id=namer("splitkey"), identity=None, default=None, nullable=False)
        for c in table.columns
        if c.name in table.primary_key.columns
    ]
    detail = Table(
        name=name,
        schema=table.schema,
        columns=(*key, *(replace(c, id=namer("splitcol")) for c in moved)),
        primary_key=PrimaryKey(columns=table.primary_key.columns, name=namer("splitpk")),
        foreign_keys=(
            ForeignKey(
                columns=table.primary_key.columns,
                ref_table=table.name,
                ref_schema=table.schema,
                ref_columns=table.primary_key.columns,
                name=namer("splitfk"),
                on_delete="CASCADE",
            ),
        ),
        id=namer("splittable"),
    )
    kept = replace(table, columns=tuple(c for c in table.columns if c not in moved))
    tables = [kept if t is table else t for t in schema.tables]
    return replace(schema, tables=(*tables, detail))


EDITS: dict[str, Edit] = {
    "add column": add_column,
    "drop column": drop_column,
    "rename column": rename_column,
    "rename used column": rename_used_column,
    "change type": change_type,
    "toggle NOT NULL": toggle_not_null,
    "add foreign key": add_foreign_key,
    "add check": add_check,
    "add unique": add_unique,
    "add index": add_index,
    "drop table": drop_table,
    "rename table": rename_table,
    "split table": split_table,
}


@st.composite
def changed_designs(
    draw: st.DrawFn, design: Schema, *, max_edits: int = 3
) -> tuple[Schema, tuple[str, ...]]:
    """``design`` after 1..``max_edits`` random edits, and the names of the edits made."""
    namer = Namer("e")
    made: list[str] = []
    for kind in draw(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=max_edits)):
        if not _plain_tables(design):
            break
        changed = EDITS[kind](draw, design, namer)
        if changed is not None:
            design = changed
            made.append(kind)
    return design, tuple(made)


__all__ = ["EDITS", "changed_designs", "designs"]
