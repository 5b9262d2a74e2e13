"""Schema -> DDL for MySQL 8, MariaDB 10.11, SQLite and SQL Server.

The model speaks PostgreSQL. Exporting to another engine happens in two steps:

1. ``translate`` turns the design into the target's terms, still as a ``Schema``: column
   types become the target's type text, defaults, CHECK bodies, generated columns, index
   predicates and view queries are transpiled by sqlglot (``read="postgres"``), domains are
   inlined into their columns, partitions and legacy inheritance are flattened, raw
   PostgreSQL statements are left out. Everything lost is a warning.
2. ``designer.sql.ddl.export_ddl`` writes the statements with the target's
   ``PortableDialect`` subclass (``designer.sql.dialects.mysql`` / ``sqlite`` / ``tsql``).

The warnings head the file as SQL comments and are returned in ``ExportResult.warnings``.
The dialect-specific knowledge (type maps, which defaults and actions exist, quoting) lives
in the dialect classes (``designer.sql.dialects``); this module holds the translation the
targets share. ``export_dialect`` exports to any registered dialect by name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from designer.schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    Domain,
    Index,
    IndexPart,
    Schema,
    Table,
    View,
)
from designer.schema.sqltext import quote_ident, quote_string
from designer.sql.case_names import distinct_column_names
from designer.sql.ddl import ExportResult, export_ddl
from designer.sql.dialects import DIALECTS
from designer.sql.dialects.portable import (
    SKIP,
    PgType,
    PortableDialect,
    flat_name,
    parse_type,
    portable_tree,
    value_to_column,
)

WARN_RAW = (
    "{n} PostgreSQL-specific statement(s) ({kinds}) are not exported to {dialect}: "
    "rewrite them by hand."
)
WARN_PARTITIONS = (
    "{dialect} has no declarative partitioning: the {n} partition(s) of {parent} were left out "
    "(their rows belong in {parent})."
)
WARN_INHERITS = (
    "{dialect} has no table inheritance: {target} gets the columns of {parents} written out."
)
WARN_DOMAIN = "{dialect} has no domains: {name} was written into its {n} column(s) as {type}."
# Not "has no {pg}": MySQL has text, only not in a key; the note says why the type changed.
WARN_TYPE = "{dialect}: {n} {pg} column(s) written as {target}{note} ({examples})."
WARN_DEFAULT = "Column {target}: the default {default} has no {dialect} equivalent; left out."
WARN_DEFAULT_CHANGED = "Column {target}: the default {default} became {new} in {dialect}: {why}."
WARN_DEFAULT_DROPPED = "Column {target}: the default {default} was left out of {dialect}: {why}."
WARN_GENERATED = (
    "Column {target}: the generation expression cannot be written in {dialect}; left out."
)
WARN_CHECK = "CHECK ({expr}) on {target} cannot be written in {dialect}; left out."
WARN_NOT_VALID = "{dialect} has no NOT VALID: constraints on {target} are checked from the start."
WARN_INDEX_EXPR = "{dialect} cannot index expressions: index {name} on {target} was left out."
WARN_INDEX_METHOD = (
    "{dialect} has no {method} indexes: index {name} on {target} was left out "
    "(a B-tree over the same columns would not serve the same queries)."
)
WARN_INDEX_WHERE = (
    "Index {name} on {target}: its predicate cannot be written in {dialect}; left out."
)
WARN_INDEX_OPTS = (
    "{dialect} has no operator classes, collations or storage options on index keys: "
    "dropped from index {name} on {target}."
)
WARN_INDEX_NULLS = (
    "{dialect} has no NULLS FIRST/LAST in indexes: dropped from index {name} on {target}."
)
WARN_VIEW = "View {name} cannot be written in {dialect} ({reason}); left out."
WARN_FK_ACTION = (
    "{dialect} has no ON {event} {action}: foreign key {name} on {target} uses {fallback}."
)
WARN_FK_OPTION = "{dialect} has no {feature}: dropped from foreign key {name} on {target}."
WARN_FK_TARGET = "Foreign key {name} on {target} references {ref}, which is not exported; left out."
WARN_FK_TYPE = (
    "Column {target} is written as {type} to match the column it references ({ref}); "
    "{dialect} requires equal types on both sides of a foreign key."
)
WARN_TEMPORAL = (
    "{dialect} has no temporal keys (WITHOUT OVERLAPS / PERIOD): {target} uses a plain key."
)
WARN_KEY_INCLUDE = "{dialect} has no INCLUDE on keys: dropped from {target}."
WARN_IDENTITY = (
    "Column {target}: {dialect} allows auto-numbering only {where}; it is a plain column."
)
WARN_IDENTITY_OPTIONS = "Column {target}: identity options ({options}) are not kept by {dialect}."
WARN_SEQUENCE_DEFAULT = (
    "Column {target} takes its values from sequence {seq}, which {dialect} cannot express; "
    "its default was left out."
)
WARN_COMMENTS = "{dialect} has no comments: {n} comment(s) were left out."
WARN_COLLATION = "{dialect} does not know collation {collation}: dropped from {target}."
WARN_NULLS = "{dialect} has no NULLS NOT DISTINCT: dropped from a unique key of {target}."
WARN_CASE_RENAME = (
    "Column {target} is written as {new}: {dialect} compares column names without case, and"
    " another column of the table has the same name but for case (views are not rewritten)."
)
WARN_NAME = (
    "The name {name} is longer than {dialect} allows ({limit}); it was shortened to {short}."
)

_NOW_FUNCS = frozenset(
    {"now", "statement_timestamp", "transaction_timestamp", "clock_timestamp", "timezone"}
)
_UUID_FUNCS = frozenset({"uuid_generate_v4", "uuid_generate_v1", "gen_random_uuid", "uuidv4"})


# -- expression trees -----------------------------------------------------------------------


def _qualify_star(node: exp.Expression) -> exp.Expression:
    """``SELECT a, * FROM t`` -> ``SELECT a, t.* FROM t``: MySQL allows a bare * only first."""
    if not isinstance(node, exp.Select) or len(node.expressions) < 2 or node.args.get("joins"):
        return node
    source = node.args.get("from_") or node.args.get("from")
    table = source.this if source is not None else None
    if not isinstance(table, exp.Table):
        return node
    name = table.alias_or_name
    for i, e in enumerate(node.expressions):
        if isinstance(e, exp.Star):
            node.expressions[i] = exp.Column(
                this=exp.Star(), table=exp.to_identifier(name, quoted=True)
            )
    return node


def _strip_casts(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    return node


# -- translation of a design ---------------------------------------------------------------


class _Translator:
    """Turns a PostgreSQL design into ``dialect``'s terms; collects warnings."""

    def __init__(self, schema: Schema, dialect: PortableDialect) -> None:
        self.schema = schema
        self.d = dialect
        self.warnings: list[str] = []
        self.type_notes: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self.enums = {(e.schema, e.name): e for e in schema.enums}
        self.domains = {(d.schema, d.name): d for d in schema.domains}
        self.domain_uses: Counter[tuple[str, str]] = Counter()
        self.domain_types: dict[tuple[str, str], str] = {}
        # CHECKs the dialect writes itself (already in its own SQL), per table
        self.native_checks: dict[tuple[str, str], list[str]] = defaultdict(list)

    def warn(self, template: str, **kwargs: object) -> None:
        self.warnings.append(template.format(dialect=self.d.label, **kwargs))

    # -- the whole design ----------------------------------------------------------------

    def run(self) -> Schema:
        s = self.schema
        if s.raw:
            kinds = sorted({r.kind or "statement" for r in s.raw})
            self.warn(WARN_RAW, n=len(s.raw), kinds=", ".join(kinds))
        tables = self.flatten_partitions(list(s.tables))
        tables = self.inline_inheritance(tables)
        tables = self.distinct_column_names(tables)
        self.key_columns = _key_columns(tables)
        self.unique_columns = _key_columns(tables, plain_indexes=False)
        self.exported = {(t.schema, t.name) for t in tables}
        tables = [self.table(t) for t in tables]
        tables, notes = self.d.fit_keys(tables)
        self.warnings.extend(notes)
        typed = {(t.schema, t.name): t for t in tables}
        tables = [self.foreign_keys(t, typed) for t in tables]
        for key, n in sorted(self.domain_uses.items()):
            self.warn(
                WARN_DOMAIN, name=f"{key[0]}.{key[1]}", n=n, type=self.domain_types.get(key, "")
            )
        for (pg, target, note), columns in sorted(self.type_notes.items()):
            examples = ", ".join(columns)  # every column: a warning says what changed where
            self.warn(WARN_TYPE, pg=pg, n=len(columns), target=target, note=note, examples=examples)
        views = self.views(s.views)
        comments = _count_comments(s)
        if comments and not self.d.supports_comments:
            self.warn(WARN_COMMENTS, n=comments)
        sequences = s.sequences if self.d.supports_sequences else ()
        return replace(
            s,
            tables=tuple(tables),
            views=tuple(views),
            raw=(),
            domains=(),
            enums=s.enums if self.d.supports_enums else (),
            sequences=sequences,
            extensions=(),
        )

    def flatten_partitions(self, tables: list[Table]) -> list[Table]:
        if self.d.supports_partitioning:
            return tables
        parts: dict[str, int] = Counter()
        kept = []
        for t in tables:
            if t.partition_of is not None:
                parent = f"{t.partition_of.parent_schema}.{t.partition_of.parent_table}"
                parts[parent] += 1
            else:
                kept.append(t)
        for parent, n in sorted(parts.items()):
            self.warn(WARN_PARTITIONS, n=n, parent=parent)
        return kept

    def inline_inheritance(self, tables: list[Table]) -> list[Table]:
        by_ref = {t.qualified_name: t for t in tables}

        def all_columns(t: Table, seen: frozenset[str]) -> list[Column]:
            cols: list[Column] = []
            for ref in t.inherits:
                parent = by_ref.get(ref)
                if parent is not None and ref not in seen:
                    cols += all_columns(parent, seen | {ref})
            for c in t.columns:
                cols = [x for x in cols if x.name != c.name] + [c]
            return cols

        out = []
        for t in tables:
            if t.inherits:
                self.warn(WARN_INHERITS, target=t.qualified_name, parents=", ".join(t.inherits))
                t = replace(t, columns=tuple(all_columns(t, frozenset())), inherits=())
            out.append(t)
        return out

    def distinct_column_names(self, tables: list[Table]) -> list[Table]:
        """Columns named as another of their table but for case renamed (the targets compare
        column names without case), warned."""
        tables, renamed = distinct_column_names(tables)
        for target, new in renamed:
            self.warn(WARN_CASE_RENAME, target=target, new=new)
        return tables

    # -- one table ------------------------------------------------------------------------

    def table(self, t: Table) -> Table:
        target = t.qualified_name
        keys = self.key_columns.get((t.schema, t.name), set())
        uniques = self.unique_columns.get((t.schema, t.name), set())
        checks = list(t.checks)
        columns = []
        for col in t.columns:
            indexed_only = col.name in keys and col.name not in uniques
            col, extra = self.column(t, col, col.name in keys, indexed_only=indexed_only)
            columns.append(col)
            checks.extend(extra)
        t = replace(t, columns=tuple(columns))
        t = self.identities(t)
        t, notes = self.d.fit_row(t, keys, target)
        self.warnings.extend(notes)
        pk = t.primary_key
        if pk and (pk.without_overlaps or (pk.include and not self.d.supports_include)):
            if pk.without_overlaps:
                self.warn(WARN_TEMPORAL, target=target)
            if pk.include and not self.d.supports_include:
                self.warn(WARN_KEY_INCLUDE, target=f"the primary key of {target}")
            pk = replace(pk, without_overlaps=False, include=())
        uniques = []
        for u in t.uniques:
            if u.nulls_not_distinct and not self.d.supports_nulls_not_distinct:
                self.warn(WARN_NULLS, target=target)
                u = replace(u, nulls_not_distinct=False)
            if u.without_overlaps:
                self.warn(WARN_TEMPORAL, target=target)
            if u.include:
                self.warn(WARN_KEY_INCLUDE, target=f"a unique key of {target}")
            uniques.append(replace(u, without_overlaps=False, include=()))
        new_checks = []
        if any(c.not_valid for c in checks):
            self.warn(WARN_NOT_VALID, target=target)
        for c in checks:
            text = self.d.expression(c.expression)
            if text is None:
                self.warn(WARN_CHECK, expr=c.expression, target=target)
                continue
            new_checks.append(replace(c, expression=text, not_valid=False, no_inherit=False))
        new_checks.extend(CheckConstraint(text) for text in self.native_checks[(t.schema, t.name)])
        indexes = [i for i in (self.index(i, t) for i in t.indexes) if i is not None]
        return replace(
            t,
            primary_key=pk,
            uniques=tuple(uniques),
            checks=tuple(new_checks),
            indexes=tuple(indexes),
        )

    def column(
        self, t: Table, col: Column, key: bool, *, indexed_only: bool = False
    ) -> tuple[Column, list[CheckConstraint]]:
        target = f"{t.qualified_name}.{col.name}"
        checks: list[CheckConstraint] = []
        pg = parse_type(col.type)
        default = col.default
        nullable = col.nullable
        identity = col.identity
        if pg.name in ("serial", "bigserial", "smallserial") and not pg.array:
            base = {"serial": "int4", "bigserial": "int8", "smallserial": "int2"}[pg.name]
            pg = PgType(base)
            identity = identity or "BY DEFAULT"
        domain_key = (pg.schema or DEFAULT_SCHEMA, pg.name)
        seen: set[tuple[str, str]] = set()
        while not pg.array and domain_key in self.domains and domain_key not in seen:
            seen.add(domain_key)
            domain: Domain = self.domains[domain_key]
            self.domain_uses[(domain.schema, domain.name)] += 1
            default = default if default is not None else domain.default
            nullable = nullable and not domain.not_null
            for c in domain.checks:
                text = _replace_value_pg(c.expression, col.name)
                checks.append(CheckConstraint(text, name=None))
            pg = parse_type(domain.type)
            domain_key = (pg.schema or DEFAULT_SCHEMA, pg.name)
        if indexed_only and self.d.prefix_indexes_text and _is_text(pg):
            key = False  # only in plain indexes: kept whole, indexed by a prefix (warned)
        type_text = self.type_text(pg, key, target)
        for d_key in seen:
            self.domain_types.setdefault(d_key, type_text)
        enum = self.enums.get((pg.schema or DEFAULT_SCHEMA, pg.name))
        if enum is not None and not pg.array and self.d.enum_as_check:
            values = ", ".join(quote_string(v) for v in enum.values)
            checks.append(CheckConstraint(f"{quote_ident(col.name, always=True)} IN ({values})"))
        if default is not None:
            default = self.default(default, type_text, target, col)
            if default is not None and default.startswith("nextval"):
                if identity is None and self.d.supports_identity:
                    identity = "BY DEFAULT"
                default = None
        if col.collation:
            self.warn(WARN_COLLATION, collation=col.collation, target=target)
        self.native_checks[(t.schema, t.name)].extend(self.d.column_checks(col.name, pg))
        generated = col.generated
        if generated is not None:
            generated = self.d.expression(generated)
            if generated is None:
                self.warn(WARN_GENERATED, target=target)
        return (
            replace(
                col,
                type=type_text,
                default=default,
                nullable=nullable,
                identity=identity,
                generated=generated,
                collation=None,
            ),
            checks,
        )

    def type_text(self, pg: PgType, key: bool, target: str) -> str:
        enum = self.enums.get((pg.schema or DEFAULT_SCHEMA, pg.name))
        if pg.array:
            text, note = self.d.array_type(key=key)
        elif enum is not None:
            text, note = self.d.enum_type(enum, key=key), None
            if self.d.enum_as_check:
                note = " with a CHECK of its values"
        elif not pg.builtin or pg.schema:
            text, note = self.d.map_type(PgType("text"), key=key)[0], " (unknown type, as text)"
        else:
            text, note = self.d.map_type(pg, key=key)
        if note is not None:
            self.type_notes[
                (pg.label if enum is None else "enum-typed (no enum types)", text, note)
            ].append(target)
        return text

    def default(self, text: str, type_text: str, target: str, col: Column) -> str | None:
        try:
            node = sqlglot.parse_one(text, read="postgres")
        except (SqlglotError, RecursionError):
            node = None
        core = _strip_casts(node) if node is not None else None
        result: str | None = None
        if isinstance(core, exp.Anonymous) and core.name.lower() == "nextval":
            return "nextval"
        if (
            isinstance(core, exp.CurrentTimestamp | exp.Localtimestamp)
            or (isinstance(core, exp.Anonymous) and core.name.lower() in _NOW_FUNCS)
            or (
                isinstance(core, exp.AtTimeZone)
                and isinstance(_strip_casts(core.this), exp.CurrentTimestamp)
            )
        ):
            result = self.d.now_default(type_text)
        elif isinstance(core, exp.CurrentDate):
            result = self.d.today_default(type_text)
        elif isinstance(core, exp.Literal) and core.is_string and core.this == "now":
            is_date = isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DATE)
            result = self.d.today_default(type_text) if is_date else self.d.now_default(type_text)
        elif isinstance(core, exp.Uuid) or (
            isinstance(core, exp.Anonymous) and core.name.lower() in _UUID_FUNCS
        ):
            result = self.d.uuid_default()
        elif isinstance(core, exp.Literal | exp.Boolean | exp.Null) or (
            isinstance(core, exp.Neg) and isinstance(core.this, exp.Literal)
        ):
            if not (isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.ARRAY)):
                result, why = self.d.fit_literal(core, type_text)
                if why is not None:
                    template = WARN_DEFAULT_CHANGED if result is not None else WARN_DEFAULT_DROPPED
                    self.warn(template, target=target, default=text, new=result, why=why)
                    return result
        elif isinstance(core, exp.Add | exp.Sub) and (shifted := self.shifted(core, type_text)):
            result = shifted
        elif node is not None:
            sql = self.d.expression(text)
            if sql is not None and not any(isinstance(n, exp.Column) for n in node.walk()):
                result = self.d.expression_default(sql, type_text)
        if result is None:
            self.warn(WARN_DEFAULT, target=target, default=text)
        return result

    def shifted(self, node: exp.Add | exp.Sub, type_text: str) -> str | None:
        """``now() - '1 day'::interval``, ``CURRENT_DATE + 7`` in the target's terms, or None."""
        base_node, amount = _strip_casts(node.this), node.expression
        if isinstance(base_node, exp.CurrentDate):
            base = self.d.today_default(type_text)
        elif isinstance(base_node, exp.CurrentTimestamp) or (
            isinstance(base_node, exp.Anonymous) and base_node.name.lower() in _NOW_FUNCS
        ):
            base = self.d.now_default(type_text)
        else:
            return None
        if isinstance(amount, exp.Interval) and amount.this is not None:
            unit = amount.unit.name if amount.unit is not None else ""
            interval = f"{amount.this.name} {unit}".strip()
        elif isinstance(amount, exp.Cast) and amount.to.is_type(exp.DataType.Type.INTERVAL):
            interval = amount.this.name
        elif isinstance(amount, exp.Literal) and not amount.is_string:
            if not isinstance(base_node, exp.CurrentDate):
                return None
            interval = f"{amount.this} days"
        else:
            return None
        if base is None:
            return None
        sign = "-" if isinstance(node, exp.Sub) else "+"
        if base.startswith("(") and base.endswith(")"):
            base = base[1:-1]
        return self.d.shifted_default(base, sign, interval, type_text)

    def identities(self, t: Table) -> Table:
        columns = []
        for col in t.columns:
            target = f"{t.qualified_name}.{col.name}"
            if col.identity is not None:
                where = self.d.identity_where(t, col)
                if where is not None:
                    self.warn(WARN_IDENTITY, target=target, where=where)
                    col = replace(col, identity=None, identity_options=None)
                elif col.identity_options and not self.d.identity_keeps_options():
                    self.warn(WARN_IDENTITY_OPTIONS, target=target, options=col.identity_options)
                    col = replace(col, identity_options=None)
            columns.append(col)
        return replace(t, columns=tuple(columns))

    def index(self, index: Index, t: Table) -> Index | None:
        target = t.qualified_name
        methods = self.d.index_methods
        if index.method not in ("btree", "hash") and (
            methods is None or index.method not in methods
        ):
            self.warn(WARN_INDEX_METHOD, method=index.method, name=index.name, target=target)
            return None
        parts = []
        lossy = bool(index.with_options or index.tablespace)
        nulls = False
        for p in index.parts:
            lossy = lossy or bool(p.opclass or p.collation)
            nulls = nulls or p.nulls_first is not None
            if p.expression is not None:
                expr = self.d.expression(p.expression) if self.d.supports_expression_index else None
                if expr is None:
                    self.warn(WARN_INDEX_EXPR, name=index.name, target=target)
                    return None
                parts.append(IndexPart(expression=expr, descending=p.descending))
            else:
                parts.append(IndexPart(column=p.column, descending=p.descending))
        if lossy:
            self.warn(WARN_INDEX_OPTS, name=index.name, target=target)
        if nulls:
            self.warn(WARN_INDEX_NULLS, name=index.name, target=target)
        where = index.where
        if where is not None and self.d.supports_partial_index:
            where = self.d.expression(where)
            if where is None:
                self.warn(WARN_INDEX_WHERE, name=index.name, target=target)
        return replace(
            index, parts=tuple(parts), where=where, with_options=(), tablespace=None, method="btree"
        )

    def foreign_keys(self, t: Table, typed: dict[tuple[str, str], Table]) -> Table:
        target = t.qualified_name
        fks = []
        columns = {c.name: c for c in t.columns}
        for fk in t.foreign_keys:
            name = fk.name or "(unnamed)"
            ref = typed.get((fk.ref_schema, fk.ref_table))
            if ref is None:
                self.warn(
                    WARN_FK_TARGET, name=name, target=target, ref=f"{fk.ref_schema}.{fk.ref_table}"
                )
                continue
            if fk.period:
                self.warn(WARN_TEMPORAL, target=f"foreign key {name} on {target}")
            if fk.match == "FULL":
                self.warn(WARN_FK_OPTION, feature="MATCH FULL", name=name, target=target)
            if fk.not_valid:
                self.warn(WARN_FK_OPTION, feature="NOT VALID", name=name, target=target)
            if fk.on_delete_columns:
                self.warn(WARN_FK_OPTION, feature="SET NULL (columns)", name=name, target=target)
            actions = {}
            for event, action in (("UPDATE", fk.on_update), ("DELETE", fk.on_delete)):
                nullable = all(columns[c].nullable for c in fk.columns if c in columns)
                if action not in self.d.fk_actions or (
                    action == "SET NULL" and self.d.set_null_needs_nullable and not nullable
                ):
                    fallback = self.d.fk_action_fallback
                    self.warn(
                        WARN_FK_ACTION,
                        event=event,
                        action=action,
                        name=name,
                        target=target,
                        fallback=fallback,
                    )
                    action = fallback
                actions[event] = action
            if self.d.fk_types_must_match:
                for c, rc in zip(fk.columns, fk.ref_columns, strict=False):
                    mine, theirs = columns.get(c), ref.column(rc)
                    if mine and theirs and mine.type != theirs.type:
                        self.warn(
                            WARN_FK_TYPE,
                            target=f"{target}.{c}",
                            type=theirs.type,
                            ref=f"{ref.qualified_name}.{rc}",
                        )
                        columns[c] = replace(mine, type=theirs.type)
            fks.append(
                replace(
                    fk,
                    match="SIMPLE",
                    not_valid=False,
                    period=False,
                    on_delete_columns=(),
                    on_update=actions["UPDATE"],
                    on_delete=actions["DELETE"],
                )
            )
        cols = tuple(columns[c.name] for c in t.columns)
        return replace(t, foreign_keys=tuple(fks), columns=cols)

    # -- views ------------------------------------------------------------------------------

    def views(self, views: tuple[View, ...]) -> list[View]:
        out = []
        available = {(s, n) for s, n in self.exported}
        for v in views:
            reason, query = self.view_query(v, available)
            if query is None:
                self.warn(WARN_VIEW, name=v.qualified_name, reason=reason)
                continue
            available.add((v.schema, v.name))
            out.append(replace(v, query=query, materialized=False, indexes=(), with_options=()))
        return out

    def view_query(self, v: View, available: set[tuple[str, str]]) -> tuple[str, str | None]:
        try:
            return self._view_query(v, available)
        except RecursionError:
            return "its query nests too deeply", None

    def _view_query(self, v: View, available: set[tuple[str, str]]) -> tuple[str, str | None]:
        try:
            node = sqlglot.parse_one(v.query, read="postgres")
        except SqlglotError:
            return "sqlglot cannot read its query", None
        ctes = {c.alias_or_name for c in node.find_all(exp.CTE)}
        for table in node.find_all(exp.Table):
            if not table.name or isinstance(table.this, exp.Func):
                return "it selects from a function", None
            key = (table.db or DEFAULT_SCHEMA, table.name)
            if not table.db and table.name in ctes:
                continue
            if key not in available:
                return f"it reads {key[0]}.{key[1]}, which is not exported", None
            self.rename_table(table, key)
        node = node.transform(portable_tree).transform(_qualify_star)
        funcs = sorted({n.name for n in node.find_all(exp.Anonymous)})
        if funcs:
            return f"it calls {', '.join(funcs)}", None
        if not self.d.expression_ok(node):
            return "it uses arrays", None
        try:
            return "", self.d.glot(node)
        except SqlglotError as exc:
            return str(exc).splitlines()[0], None

    def rename_table(self, table: exp.Table, key: tuple[str, str]) -> None:
        if self.d.supports_schemas:
            schema = self.d.public_schema if key[0] == DEFAULT_SCHEMA else key[0]
            table.set("db", exp.to_identifier(schema, quoted=True))
            table.set("this", exp.to_identifier(key[1], quoted=True))
        else:
            table.set("db", None)
            table.set("this", exp.to_identifier(self.d.short(flat_name(*key)), quoted=True))


def _key_columns(
    tables: list[Table], *, plain_indexes: bool = True
) -> dict[tuple[str, str], set[str]]:
    """Per table, the columns in a key, an index or a foreign key (either side); without
    ``plain_indexes``, only the unique ones of the indexes."""
    keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for t in tables:
        k = keys[(t.schema, t.name)]
        if t.primary_key:
            k.update(t.primary_key.columns)
        for u in t.uniques:
            k.update(u.columns)
        for i in t.indexes:
            if plain_indexes or i.unique:
                k.update(c for c in i.column_names if c)
        for fk in t.foreign_keys:
            k.update(fk.columns)
            keys[(fk.ref_schema, fk.ref_table)].update(fk.ref_columns)
    return keys


def _is_text(pg: PgType) -> bool:
    return pg.builtin and not pg.array and pg.name in ("text", "varchar", "bytea")


def _count_comments(s: Schema) -> int:
    n = sum(1 for t in s.tables if t.comment) + sum(1 for v in s.views if v.comment)
    n += sum(1 for t in s.tables for c in t.columns if c.comment)
    n += sum(1 for t in s.tables for i in t.indexes if i.comment)
    return n


def _replace_value_pg(expression: str, column: str) -> str:
    """A domain CHECK body with VALUE replaced by ``column`` (still PostgreSQL text)."""
    try:
        node = sqlglot.parse_one(expression, read="postgres")
        return node.transform(lambda n: value_to_column(n, column)).sql("postgres")
    except (SqlglotError, RecursionError):
        return expression


# -- the exporters --------------------------------------------------------------------------


def translate(schema: Schema, dialect: PortableDialect) -> tuple[Schema, list[str]]:
    """``schema`` in ``dialect``'s terms (types, expressions, names) and what was lost."""
    translator = _Translator(schema, dialect)
    return translator.run(), translator.warnings


def export_portable(schema: Schema, dialect: PortableDialect) -> ExportResult:
    """DDL for ``schema`` in ``dialect``; the warnings head the file as comments."""
    translated, warnings = translate(schema, dialect)
    result = export_ddl(translated, dialect, header=False)
    warnings += result.warnings
    statements = [s for s in result.text.split("\n\n") if s.strip() and SKIP not in s]
    body = statements
    head = [dialect.header(translated)]
    if warnings:
        head.append(
            f"-- {len(warnings)} thing(s) {dialect.label} cannot express:\n"
            + "\n".join("--   " + w.replace("\n", " ") for w in warnings)
        )
    text = "\n\n".join([*head, *body]) + "\n"
    return ExportResult(text=text, warnings=tuple(warnings))


def export_dialect(schema: Schema, name: str) -> ExportResult:
    """DDL for ``schema`` in the registered dialect ``name``: PostgreSQL writes the design as
    it is; every other dialect gets it translated, with warnings."""
    dialect = DIALECTS[name]
    if isinstance(dialect, PortableDialect):
        return export_portable(schema, dialect)
    return export_ddl(schema, dialect)


def export_mysql(schema: Schema) -> ExportResult:
    """MySQL 8 DDL."""
    return export_dialect(schema, "mysql")


def export_mariadb(schema: Schema) -> ExportResult:
    """MariaDB 10.11 DDL."""
    return export_dialect(schema, "mariadb")


def export_sqlite(schema: Schema) -> ExportResult:
    """SQLite 3 DDL (foreign keys inside CREATE TABLE; enforce with PRAGMA foreign_keys=ON)."""
    return export_dialect(schema, "sqlite")


def export_tsql(schema: Schema) -> ExportResult:
    """SQL Server (T-SQL) DDL, batches separated by GO."""
    return export_dialect(schema, "tsql")


# The translated exports, by name: (label, file extension, function).
DIALECT_EXPORTS: dict[str, tuple[str, str, Callable[[Schema], ExportResult]]] = {
    d.name: (d.export_label or d.label, "sql", partial(export_portable, dialect=d))
    for d in DIALECTS.values()
    if isinstance(d, PortableDialect)
}

__all__ = [
    "DIALECT_EXPORTS",
    "export_dialect",
    "export_mariadb",
    "export_mysql",
    "export_sqlite",
    "export_tsql",
    "translate",
]
