"""Reading CREATE TABLE and CREATE INDEX of MySQL/MariaDB, SQLite and SQL Server:
columns (types through the dialect's ``type_in``), defaults, keys, checks, foreign keys
and indexes, into drafts that stay mutable until the script ends."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlglot import exp

from designer.schema.model import (
    DEFAULT_SCHEMA,
    FK_ACTIONS,
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    UniqueConstraint,
)
from designer.schema.pgnames import truncate_identifier
from designer.schema.sqltext import (
    SqlTextError,
    normalize_expr,
    quote_ident,
    quote_string,
)
from designer.sql.readers.report import (
    SchemaImportError,
)

WARN_ENUM = "ENUM column {table}.{column} became the enum type {enum}."


WARN_ON_UPDATE = (
    "{table}.{column}: ON UPDATE {expr} has no PostgreSQL column equivalent; "
    "add a BEFORE UPDATE trigger to keep it."
)


WARN_DEFAULT_DROPPED = "{table}.{column}: default {default} left out: {reason}"


WARN_ZERO_DATE = "MySQL zero dates are not valid in PostgreSQL"


WARN_CHECK_DROPPED = "{table}: CHECK ({expr}) left out: {reason}"


WARN_GENERATED_DROPPED = "{table}.{column}: generated expression left out: {reason}"


WARN_COLLATION = "{table}.{column}: collation {collation} left out (no PostgreSQL equivalent)."


WARN_PREFIX = "{table}.{index}: prefix length on {column} dropped; the whole column is indexed."


WARN_FULLTEXT = (
    "FULLTEXT index {index} on {table} became a GIN index on to_tsvector('simple', …); "
    "queries must use the same expression."
)


WARN_SPATIAL_INDEX = "SPATIAL index {index} on {table} left out: spatial types need PostGIS."


ERR_UNREADABLE = "This {what} uses syntax the importer cannot read."


WARN_COLUMN_OPTION = "{table}.{column}: {option} not imported."


WARN_ALTER_IGNORED = "ALTER TABLE {table}: {action} not imported."


@dataclass
class Draft:
    name: str
    schema: str
    line: int
    columns: list[Column] = field(default_factory=list)
    primary_key: PrimaryKey | None = None
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[UniqueConstraint] = field(default_factory=list)
    checks: list[CheckConstraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None

    def set_column(self, column: Column) -> None:
        for k, c in enumerate(self.columns):
            if c.name == column.name:
                self.columns[k] = column
                return
        self.columns.append(column)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def fold(name: str) -> str:
    return name.lower()


def lower_identifiers(node: exp.Expression) -> exp.Expression:
    node = node.copy()
    for ident in node.find_all(exp.Identifier):
        ident.set("this", fold(ident.name))
    return node


class TablesReader:
    """CREATE TABLE, its columns and constraints, and CREATE INDEX (a mixin of the importer)."""

    # -- CREATE TABLE -------------------------------------------------------------
    def create_table(self, tree: exp.Create) -> None:
        target = tree.this
        if not isinstance(target, exp.Schema) or not isinstance(target.this, exp.Table):
            raise SchemaImportError(
                ERR_UNREADABLE.format(what="CREATE TABLE"), self.line, self.stmt_text
            )
        schema, name = self.table_key(target.this)
        draft = Draft(name=name, schema=schema, line=self.line)
        self.tables[(schema, name)] = draft
        for item in target.expressions:
            if isinstance(item, exp.ColumnDef):
                self.column_def(draft, item)
            elif isinstance(item, exp.Identifier):  # SQLite column without a type
                self.column_def(draft, exp.ColumnDef(this=item))
            else:
                self.table_item(draft, item)
        for prop in (tree.args.get("properties") or exp.Properties()).expressions:
            if isinstance(prop, exp.SchemaCommentProperty):
                draft.comment = prop.this.name

    def column_def(self, draft: Draft, node: exp.ColumnDef) -> None:
        name = fold(node.name)
        line = self.line_of(node.name)
        mapped = self.d.type_in(node.args.get("kind"))
        col_type = mapped.type
        if mapped.enum_values:
            enum_name = truncate_identifier(f"{draft.name}_{name}")
            self.enums = [e for e in self.enums if (e.schema, e.name) != (draft.schema, enum_name)]
            self.enums.append(EnumType(enum_name, mapped.enum_values, schema=draft.schema))
            col_type = quote_ident(enum_name)
            if draft.schema != DEFAULT_SCHEMA:
                col_type = f"{quote_ident(draft.schema)}.{col_type}"
            self.warn(WARN_ENUM.format(table=draft.name, column=name, enum=enum_name), line)
        if mapped.warning:
            self.warn(f"{draft.name}.{name}: {mapped.warning}", line)
        column = Column(name=name, type=col_type)
        for constraint in node.args.get("constraints") or []:
            kind = constraint.args.get("kind")
            column = self.column_constraint(draft, column, kind, mapped.is_set, line)
        if mapped.unsigned:
            check = CheckConstraint(normalize_expr(f"{quote_ident(name)} >= 0"))
            if check not in draft.checks:
                draft.checks.append(check)
        if node.args.get("kind") is not None and node.args["kind"].this.name == "SERIAL":
            column = replace(column, identity="BY DEFAULT", nullable=False)
            draft.uniques.append(UniqueConstraint((name,)))
        draft.set_column(column)

    def column_constraint(
        self, draft: Draft, column: Column, kind: exp.Expression, is_set: bool, line: int
    ) -> Column:
        name = column.name
        if isinstance(kind, exp.NotNullColumnConstraint):
            return replace(column, nullable=bool(kind.args.get("allow_null")))
        if isinstance(kind, exp.DefaultColumnConstraint):
            return replace(column, default=self.default(draft, column, kind.this, is_set, line))
        if isinstance(kind, exp.AutoIncrementColumnConstraint):
            return replace(column, identity="BY DEFAULT", nullable=False)
        if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
            options = []
            start, step = kind.args.get("start"), kind.args.get("increment")
            if start is not None and start.name not in ("1", ""):
                options.append(f"START WITH {start.name}")
            if step is not None and step.name not in ("1", ""):
                options.append(f"INCREMENT BY {step.name}")
            return replace(
                column,
                identity="BY DEFAULT",
                nullable=False,
                identity_options=" ".join(options) or None,
            )
        if isinstance(kind, exp.PrimaryKeyColumnConstraint):
            draft.primary_key = PrimaryKey((name,))
            return replace(column, nullable=False)
        if isinstance(kind, exp.UniqueColumnConstraint):
            draft.uniques.append(UniqueConstraint((name,)))
            return column
        if isinstance(kind, exp.CommentColumnConstraint):
            return replace(column, comment=kind.this.name)
        if isinstance(kind, exp.CheckColumnConstraint):
            self.check(draft, kind.this, None, line)
            return column
        if isinstance(kind, exp.Reference):
            self.foreign_key(draft, (name,), kind, None)
            return column
        if isinstance(kind, exp.ForeignKey):
            self.foreign_key(draft, (name,), kind.args["reference"], None)
            return column
        if isinstance(kind, exp.OnUpdateColumnConstraint):
            self.warn(
                WARN_ON_UPDATE.format(
                    table=draft.name, column=name, expr=kind.this.sql(self.dialect)
                ),
                line,
            )
            return column
        if isinstance(kind, exp.ComputedColumnConstraint):
            try:
                generated = self.to_pg(kind.this)
            except SqlTextError as exc:
                self.warn(
                    WARN_GENERATED_DROPPED.format(table=draft.name, column=name, reason=exc), line
                )
                return column
            stored = bool(kind.args.get("persisted"))
            return replace(
                column, generated=generated, generated_kind="STORED" if stored else "VIRTUAL"
            )
        if isinstance(kind, exp.CollateColumnConstraint):
            self.warn(
                WARN_COLLATION.format(table=draft.name, column=name, collation=kind.this.sql()),
                line,
            )
            return column
        if isinstance(kind, exp.CharacterSetColumnConstraint | exp.BinaryColumnConstraint):
            return column  # encodings: PostgreSQL databases are UTF-8 throughout
        option = kind.sql(self.dialect) if kind is not None else "column option"
        self.warn(WARN_COLUMN_OPTION.format(table=draft.name, column=name, option=option), line)
        return column

    def default(
        self, draft: Draft, column: Column, node: exp.Expression, is_set: bool, line: int
    ) -> str | None:
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, exp.Null):
            return None
        shown = node.sql(self.dialect)
        if column.type == "boolean" and (
            (isinstance(node, exp.Literal) and not node.is_string and node.name in ("0", "1"))
            or (isinstance(node, exp.BitString) and node.name in ("0", "1"))
        ):
            return normalize_expr("false" if node.name == "0" else "true")
        if isinstance(node, exp.Literal) and node.is_string:
            if re.fullmatch(r"0000-00-00( 00:00:00(\.0+)?)?", node.name):
                self.warn(
                    WARN_DEFAULT_DROPPED.format(
                        table=draft.name, column=column.name, default=shown, reason=WARN_ZERO_DATE
                    ),
                    line,
                )
                return None
            if is_set:
                items = [v for v in node.name.split(",") if v]
                literal = "{" + ",".join(items) + "}"
                return normalize_expr(quote_string(literal) + "::text[]")
        try:
            return self.to_pg(node)
        except SqlTextError as exc:
            self.warn(
                WARN_DEFAULT_DROPPED.format(
                    table=draft.name, column=column.name, default=shown, reason=exc
                ),
                line,
            )
            return None

    def check(self, draft: Draft, node: exp.Expression, name: str | None, line: int) -> None:
        try:
            expression = self.to_pg(node)
        except SqlTextError as exc:
            self.warn(
                WARN_CHECK_DROPPED.format(
                    table=draft.name, expr=node.sql(self.dialect), reason=exc
                ),
                line,
            )
            return
        draft.checks.append(CheckConstraint(expression, name=name))

    def table_item(self, draft: Draft, item: exp.Expression, name: str | None = None) -> None:
        if isinstance(item, exp.Constraint):
            cname = fold(item.name) if item.name else None
            for inner in item.expressions:
                self.table_item(draft, inner, cname)
            return
        if isinstance(item, exp.PrimaryKey | exp.PrimaryKeyColumnConstraint):
            cols = self.column_list(draft, item.expressions, name or "primary key")
            draft.primary_key = PrimaryKey(cols, name=name)
            for col in cols:
                existing = draft.column(col)
                if existing is not None:
                    draft.set_column(replace(existing, nullable=False))
        elif isinstance(item, exp.UniqueColumnConstraint):
            target = item.this
            index_name = name
            exprs: list[exp.Expression] = []
            if isinstance(target, exp.Schema):
                exprs = list(target.expressions)
                if target.this is not None and not index_name:
                    index_name = fold(target.this.name)
            elif isinstance(
                target, exp.NonClusteredColumnConstraint | exp.ClusteredColumnConstraint
            ):
                exprs = list(target.this)
            cols = self.column_list(draft, exprs, index_name or "unique key")
            draft.uniques.append(UniqueConstraint(cols, name=index_name))
        elif isinstance(item, exp.ForeignKey):
            cols = self.column_list(draft, item.expressions, name or "foreign key")
            self.foreign_key(draft, cols, item.args["reference"], name)
        elif isinstance(item, exp.CheckColumnConstraint):
            self.check(draft, item.this, name, self.line_of(name) if name else self.line)
        elif isinstance(item, exp.IndexColumnConstraint):
            self.key(draft, item)
        elif isinstance(item, exp.ClusteredColumnConstraint | exp.NonClusteredColumnConstraint):
            # T-SQL: CONSTRAINT pk PRIMARY KEY CLUSTERED (cols) arrives as two pieces
            cols = self.column_list(draft, list(item.this), name or "primary key")
            if draft.primary_key is not None and not draft.primary_key.columns:
                draft.primary_key = PrimaryKey(cols, name=draft.primary_key.name)
            for col in cols:
                existing = draft.column(col)
                if existing is not None:
                    draft.set_column(replace(existing, nullable=False))
        else:
            self.warn(
                WARN_ALTER_IGNORED.format(table=draft.name, action=item.sql(self.dialect)),
            )

    def column_list(
        self, draft: Draft, exprs: Iterable[exp.Expression], what: str
    ) -> tuple[str, ...]:
        names = []
        for e in exprs:
            node = e.this if isinstance(e, exp.Ordered) else e
            if isinstance(node, exp.ColumnPrefix):
                self.warn(WARN_PREFIX.format(table=draft.name, index=what, column=node.this.name))
                node = node.this
            names.append(fold(node.name))
        return tuple(names)

    def foreign_key(
        self,
        draft: Draft,
        cols: tuple[str, ...],
        ref: exp.Reference,
        name: str | None,
    ) -> None:
        target = ref.this
        table = target.this if isinstance(target, exp.Schema) else target
        ref_schema, ref_table = self.table_key(table)
        ref_cols: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            ref_cols = tuple(fold(e.name) for e in target.expressions)
        on_delete = on_update = "NO ACTION"
        deferrable = initially_deferred = False
        for option in ref.args.get("options") or []:
            text = " ".join(str(option).upper().split())
            for prefix in ("ON DELETE ", "ON UPDATE "):
                if text.startswith(prefix):
                    action = text[len(prefix) :]
                    if action in FK_ACTIONS:
                        if prefix == "ON DELETE ":
                            on_delete = action
                        else:
                            on_update = action
            if text == "DEFERRABLE":
                deferrable = True
            if text == "INITIALLY DEFERRED":
                initially_deferred = True
        draft.foreign_keys.append(
            ForeignKey(
                columns=cols,
                ref_table=ref_table,
                ref_columns=ref_cols,
                ref_schema=ref_schema,
                name=name,
                on_delete=on_delete,  # type: ignore[arg-type]
                on_update=on_update,  # type: ignore[arg-type]
                deferrable=deferrable,
                initially_deferred=initially_deferred,
            )
        )

    def key(self, draft: Draft, item: exp.IndexColumnConstraint) -> None:
        kind = str(item.args.get("kind") or "").upper()
        cols = self.column_list(draft, item.expressions, item.name or "index")
        index_name = (
            fold(item.name) if item.name else truncate_identifier(f"{draft.name}_{cols[0]}_idx")
        )
        if kind == "SPATIAL":
            self.warn(WARN_SPATIAL_INDEX.format(index=index_name, table=draft.name))
            return
        if kind == "FULLTEXT":
            self.fulltext(draft, index_name, cols)
            return
        descending = [
            isinstance(e, exp.Ordered) and bool(e.args.get("desc")) for e in item.expressions
        ]
        parts = tuple(
            IndexPart(column=c, descending=d) for c, d in zip(cols, descending, strict=True)
        )
        draft.indexes.append(Index(index_name, parts))

    def fulltext(self, draft: Draft, index_name: str, cols: tuple[str, ...]) -> None:
        doc = " || ' ' || ".join(f"coalesce({quote_ident(c)}, '')" for c in cols)
        expression = normalize_expr(f"to_tsvector('simple'::regconfig, {doc})")
        draft.indexes.append(Index(index_name, (IndexPart(expression=expression),), method="gin"))
        self.warn(WARN_FULLTEXT.format(index=index_name, table=draft.name))

    # -- CREATE INDEX ---------------------------------------------------------------
    def create_index(self, tree: exp.Create) -> None:
        index = tree.this
        table = index.args.get("table")
        draft = self.draft(table, "CREATE INDEX")
        params = index.args.get("params") or exp.IndexParameters()
        fulltext = bool(re.match(r"\s*CREATE\s+(UNIQUE\s+)?FULLTEXT\b", self.stmt_text, re.I))
        name = fold(index.name) if index.name else None
        parts: list[IndexPart] = []
        for ordered in params.args.get("columns") or []:
            node = ordered.this if isinstance(ordered, exp.Ordered) else ordered
            desc = bool(isinstance(ordered, exp.Ordered) and ordered.args.get("desc"))
            if isinstance(node, exp.ColumnPrefix):
                self.warn(WARN_PREFIX.format(table=draft.name, index=name, column=node.this.name))
                node = node.this
            if isinstance(node, exp.Column | exp.Identifier):
                parts.append(IndexPart(column=fold(node.name), descending=desc))
            else:
                try:
                    parts.append(IndexPart(expression=self.to_pg(node), descending=desc))
                except SqlTextError as exc:
                    self.warn(f"Index {name} on {draft.name} left out: {exc}")
                    return
        if name is None:
            label = "_".join(p.column or "expr" for p in parts)
            name = truncate_identifier(f"{draft.name}_{label}_idx")
        if fulltext:
            self.fulltext(draft, name, tuple(p.column for p in parts if p.column))
            return
        where = None
        if params.args.get("where") is not None:
            try:
                where = self.to_pg(params.args["where"].this)
            except SqlTextError as exc:
                self.warn(f"Index {name} on {draft.name} left out: {exc}")
                return
        include = tuple(fold(c.name) for c in params.args.get("include") or [])
        draft.indexes.append(
            Index(
                name,
                tuple(parts),
                unique=bool(tree.args.get("unique")),
                where=where,
                include=include,
            )
        )
