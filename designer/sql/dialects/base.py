"""The base of every SQL dialect: quoting, type mapping, capability flags and
one method per kind of statement.

The base writes standard, PostgreSQL-flavoured DDL and claims few
capabilities; a dialect module subclasses it and changes only what differs
(flags, ``quote``, ``column_type``, a few statement methods). The driver in
``designer.sql.ddl`` removes from the design what a dialect's flags say it
cannot express, with a warning, before any method here is called, so these
methods may assume every feature they are handed is supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    Extension,
    ForeignKey,
    Index,
    IndexPart,
    Policy,
    PrimaryKey,
    RawStatement,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.sqltext import quote_ident, quote_literal
from designer.sql.script import BUILTIN_SCHEMAS, known_schemas, split_qualified, statement

WARN_NUL_IN_TEXT = "A comment on {target} contained the NUL character, which was removed."
WARN_PARTITION_COLUMN = (
    "Column {target} is not a column of the parent table {parent}; a partition has only "
    "its parent's columns, so it was left out."
)
INDENT = "    "


@dataclass(frozen=True)
class ScriptSyntax:
    """How a dialect's scripts are written, for the statement splitter."""

    # opening -> closing character of quoted text and quoted names
    quotes: tuple[tuple[str, str], ...] = (("'", "'"), ('"', '"'))
    backslash_escapes: bool = False  # \' inside a string (MySQL)
    hash_comments: bool = False  # "# ..." to the end of the line (MySQL)
    dash_comment_needs_space: bool = False  # "--" starts a comment only before a space (MySQL)
    delimiter_command: bool = False  # DELIMITER // lines (the mysql client)
    versioned_comments: bool = False  # /*!50705 ... */ runs as code on some versions (MySQL)
    go_batches: bool = False  # a line "GO" ends a batch (SQL Server tools)


@dataclass
class ExportContext:
    """What statement methods need to know about the whole design."""

    schema: Schema
    known_schemas: frozenset[str]
    tables: dict[str, Table]  # by "schema.name"
    warnings: list[str] = field(default_factory=list)

    def table(self, schema: str, name: str) -> Table | None:
        return self.tables.get(f"{schema}.{name}")

    @cached_property
    def columns(self) -> dict[str, tuple[str, str, str]]:
        """(schema, table, column) by the one text the model refers to a column with
        (``schema.table.column``: sequence owners)."""
        return {
            f"{t.schema}.{t.name}.{c.name}": (t.schema, t.name, c.name)
            for t in self.tables.values()
            for c in t.columns
        }


def deferrable_clause(deferrable: bool, initially_deferred: bool) -> str:
    # INITIALLY DEFERRED alone already implies DEFERRABLE; say both for clarity.
    if initially_deferred:
        return " DEFERRABLE INITIALLY DEFERRED"
    return " DEFERRABLE" if deferrable else ""


class Dialect:
    """Standard SQL with double-quoted identifiers; subclasses say what more they can do."""

    name: ClassVar[str] = "sql"
    label: ClassVar[str] = "Standard SQL"

    # -- how the app offers it: import and export formats, detection ------------------
    export_label: ClassVar[str] = ""  # the export format's label; empty: ``label``
    import_label: ClassVar[str | None] = None  # None: not offered as an import format
    reader: ClassVar[str | None] = None  # "pglast" or "sqlglot": which reader imports it
    file_extensions: ClassVar[tuple[str, ...]] = ()  # file names that settle the format
    # (pattern, weight): clues in a script's code that it is written in this dialect
    detect_clues: ClassVar[tuple[tuple[re.Pattern[str], int], ...]] = ()
    syntax: ClassVar[ScriptSyntax] = ScriptSyntax()

    supports_schemas: ClassVar[bool] = True
    supports_extensions: ClassVar[bool] = False
    supports_enums: ClassVar[bool] = False
    supports_domains: ClassVar[bool] = False
    supports_sequences: ClassVar[bool] = False
    supports_identity: ClassVar[bool] = True
    supports_generated: ClassVar[bool] = True
    supports_partial_index: ClassVar[bool] = False
    supports_include: ClassVar[bool] = False
    supports_nulls_not_distinct: ClassVar[bool] = False
    supports_exclude: ClassVar[bool] = False
    supports_deferrable: ClassVar[bool] = False
    supports_rls: ClassVar[bool] = False
    supports_partitioning: ClassVar[bool] = False
    supports_inheritance: ClassVar[bool] = False
    supports_unlogged: ClassVar[bool] = False
    supports_storage_options: ClassVar[bool] = False
    supports_materialized_views: ClassVar[bool] = False
    # None: any access method the server has
    index_methods: ClassVar[frozenset[str] | None] = frozenset({"btree"})
    default_index_method: ClassVar[str] = "btree"

    # -- names, types and literals ---------------------------------------------------

    def quote(self, name: str) -> str:
        return quote_ident(name, always=True)

    def qualify(self, schema: str | None, name: str) -> str:
        if not schema or not self.supports_schemas:
            return self.quote(name)
        return f"{self.quote(schema)}.{self.quote(name)}"

    def names(self, names: Iterable[str]) -> str:
        return ", ".join(self.quote(n) for n in names)

    def ref(self, text: str, ctx: ExportContext) -> str:
        """A dotted reference as the model stores it (collation, opclass), quoted."""
        return self.qualify(*split_qualified(text, ctx.known_schemas))

    def column_type(self, col: Column) -> str:
        """The type of ``col`` in this dialect; the model holds PostgreSQL's spelling."""
        return col.type

    def literal(self, text: str) -> str:
        return quote_literal(text)

    # -- the frame of the script ------------------------------------------------------

    def context(self, schema: Schema) -> ExportContext:
        return ExportContext(
            schema=schema,
            known_schemas=known_schemas(schema),
            tables={f"{t.schema}.{t.name}": t for t in schema.tables},
        )

    def header(self, schema: Schema) -> str:
        return (
            f"-- {self.label} DDL written by ERD Designer: {len(schema.tables)} tables, "
            f"{len(schema.views)} views.\n"
            "-- Apply to an empty database, e.g. psql -v ON_ERROR_STOP=1 -f <this file>"
        )

    def preamble(self) -> list[str]:
        return []

    def schemas_to_create(self, schema: Schema) -> list[str]:
        if not self.supports_schemas:
            return []
        wanted = set(schema.schemas) | set(schema.all_schemas)
        wanted |= {e.schema for e in schema.extensions if e.schema}
        return sorted(wanted - BUILTIN_SCHEMAS)

    def raw(self, raw: RawStatement) -> str:
        return statement(raw.sql)

    def script_comment(self, text: str) -> str:
        """``text`` as SQL comment lines, for notes a script carries to its reader."""
        return "\n".join("-- " + line for line in text.splitlines())

    # -- types and sequences -------------------------------------------------------------

    def create_schema(self, name: str) -> str:
        return f"CREATE SCHEMA {self.quote(name)};"

    def create_extension(self, ext: Extension, ctx: ExportContext) -> str:
        sql = f"CREATE EXTENSION IF NOT EXISTS {self.quote(ext.name)}"
        if ext.schema:
            sql += f" WITH SCHEMA {self.quote(ext.schema)}"
        if ext.version:
            sql += f" VERSION {self.literal(ext.version)}"
        return sql + ";"

    def create_enum(self, enum: EnumType, ctx: ExportContext) -> str:
        values = ", ".join(self.literal(v) for v in enum.values)
        return f"CREATE TYPE {self.qualify(enum.schema, enum.name)} AS ENUM ({values});"

    def check(self, check: CheckConstraint) -> str:
        sql = self.constraint_name(check.name) + f"CHECK ({check.expression})"
        return sql + (" NO INHERIT" if check.no_inherit else "")

    def create_domain(self, domain: Domain, ctx: ExportContext) -> list[str]:
        name = self.qualify(domain.schema, domain.name)
        sql = f"CREATE DOMAIN {name} AS {domain.type}"
        if domain.collation:
            sql += f" COLLATE {self.ref(domain.collation, ctx)}"
        if domain.default is not None:
            sql += f" DEFAULT {domain.default}"
        if domain.not_null:
            sql += " NOT NULL"
        for c in domain.checks:
            if not c.not_valid:
                sql += " " + self.constraint_name(c.name) + f"CHECK ({c.expression})"
        out = [sql + ";"]
        # CREATE DOMAIN has no NOT VALID; only ALTER DOMAIN ... ADD does.
        out.extend(
            f"ALTER DOMAIN {name} ADD {self.constraint_name(c.name)}"
            f"CHECK ({c.expression}) NOT VALID;"
            for c in domain.checks
            if c.not_valid
        )
        return out

    def create_sequence(self, seq: Sequence, ctx: ExportContext) -> str:
        sql = f"CREATE SEQUENCE {self.qualify(seq.schema, seq.name)}"
        if seq.data_type != "bigint":
            sql += f" AS {seq.data_type}"
        for keyword, value in (
            ("INCREMENT BY", seq.increment),
            ("MINVALUE", seq.min_value),
            ("MAXVALUE", seq.max_value),
            ("START WITH", seq.start),
            ("CACHE", seq.cache),
        ):
            if value is not None:
                sql += f" {keyword} {value}"
        return sql + (" CYCLE;" if seq.cycle else ";")

    def sequence_owned_by(self, seq: Sequence, ctx: ExportContext) -> str:
        owner = seq.owned_by or ""
        column = ctx.columns.get(owner)
        target = self.column_ref(*column) if column else None
        if target is None:  # a table the design does not hold (made by a raw statement)
            schema, rest = split_qualified(owner, ctx.known_schemas)
            table, _, column = rest.rpartition(".")
            target = f"{self.qualify(schema, table)}.{self.quote(column)}"
        return f"ALTER SEQUENCE {self.qualify(seq.schema, seq.name)} OWNED BY {target};"

    # -- tables ---------------------------------------------------------------------------

    def constraint_name(self, name: str | None) -> str:
        return f"CONSTRAINT {self.quote(name)} " if name else ""

    def column_definition(self, col: Column, ctx: ExportContext) -> str:
        sql = f"{self.quote(col.name)} {self.column_type(col)}"
        if col.collation:
            sql += f" COLLATE {self.ref(col.collation, ctx)}"
        if col.generated is not None:
            sql += f" GENERATED ALWAYS AS ({col.generated}) {col.generated_kind}"
        elif col.identity is not None:
            sql += f" GENERATED {col.identity} AS IDENTITY"
            if col.identity_options:
                sql += f" ({col.identity_options})"
        elif col.default is not None:
            sql += f" DEFAULT {col.default}"
        if not col.nullable:
            sql += " NOT NULL"
        return sql

    def key_columns(self, columns: tuple[str, ...], without_overlaps: bool) -> str:
        text = self.names(columns)
        return text + " WITHOUT OVERLAPS" if without_overlaps and columns else text

    def primary_key(self, pk: PrimaryKey) -> str:
        sql = self.constraint_name(pk.name)
        sql += f"PRIMARY KEY ({self.key_columns(pk.columns, pk.without_overlaps)})"
        if pk.include:
            sql += f" INCLUDE ({self.names(pk.include)})"
        return sql + deferrable_clause(pk.deferrable, pk.initially_deferred)

    def unique(self, u: UniqueConstraint) -> str:
        sql = self.constraint_name(u.name) + "UNIQUE"
        if u.nulls_not_distinct:
            sql += " NULLS NOT DISTINCT"
        sql += f" ({self.key_columns(u.columns, u.without_overlaps)})"
        if u.include:
            sql += f" INCLUDE ({self.names(u.include)})"
        return sql + deferrable_clause(u.deferrable, u.initially_deferred)

    def exclude(self, x: ExcludeConstraint, columns: Iterable[str], ctx: ExportContext) -> str:
        """``x`` on a table with ``columns`` (an element naming one is a column, not an
        expression: the model holds a bare column name as is)."""
        names = set(columns)
        elements = []
        for e in x.elements:
            text = self.quote(e.expression) if e.expression in names else f"({e.expression})"
            if e.opclass:
                text += f" {self.ref(e.opclass, ctx)}"
            elements.append(f"{text} WITH {self.operator(e.operator, ctx)}")
        sql = self.constraint_name(x.name) + f"EXCLUDE USING {self.quote(x.method)}"
        sql += f" ({', '.join(elements)})"
        if x.include:
            sql += f" INCLUDE ({self.names(x.include)})"
        if x.where is not None:
            sql += f" WHERE ({x.where})"
        return sql + deferrable_clause(x.deferrable, x.initially_deferred)

    def operator(self, op: str, ctx: ExportContext) -> str:
        schema, name = split_qualified(op, ctx.known_schemas)
        return f"OPERATOR({self.quote(schema)}.{name})" if schema else op

    def table_constraints(self, table: Table, ctx: ExportContext) -> list[str]:
        items = [self.primary_key(table.primary_key)] if table.primary_key else []
        items.extend(self.unique(u) for u in table.uniques)
        items.extend(self.check(c) for c in table.checks if not c.not_valid)
        items.extend(self.exclude(x, table.column_names, ctx) for x in table.excludes)
        return items

    def partition_columns(self, table: Table, ctx: ExportContext) -> list[str]:
        """A partition's own column options (defaults, NOT NULL) beyond its parent's."""
        assert table.partition_of is not None
        parent = ctx.table(table.partition_of.parent_schema, table.partition_of.parent_table)
        items = []
        for col in table.columns:
            own = parent.column(col.name) if parent else col
            if own is None:
                ctx.warnings.append(
                    WARN_PARTITION_COLUMN.format(
                        target=f"{table.qualified_name}.{col.name}",
                        parent=parent.qualified_name if parent else "",
                    )
                )
                continue
            options = ""
            if col.default is not None and col.default != own.default:
                options += f" DEFAULT {col.default}"
            if not col.nullable and own.nullable:
                options += " NOT NULL"
            if options:
                items.append(f"{self.quote(col.name)} WITH OPTIONS{options}")
        return items

    def table_ref(self, ref: str, ctx: ExportContext) -> str:
        table = ctx.tables.get(ref)
        if table is not None:
            return self.qualify(table.schema, table.name)
        return self.ref(ref, ctx)

    def create_table(self, table: Table, ctx: ExportContext) -> str:
        head = "CREATE UNLOGGED TABLE " if table.unlogged else "CREATE TABLE "
        sql = head + self.qualify(table.schema, table.name)
        if table.partition_of is not None:
            parent = table.partition_of
            items = self.partition_columns(table, ctx) + self.table_constraints(table, ctx)
            sql += f" PARTITION OF {self.qualify(parent.parent_schema, parent.parent_table)}"
            if items:
                sql += " (\n" + ",\n".join(INDENT + i for i in items) + "\n)"
            sql += f" {parent.bound}"
        else:
            items = [self.column_definition(c, ctx) for c in table.columns]
            items += self.table_constraints(table, ctx)
            sql += " (\n" + ",\n".join(INDENT + i for i in items) + "\n)" if items else " ()"
            if table.inherits:
                parents = ", ".join(self.table_ref(r, ctx) for r in table.inherits)
                sql += f" INHERITS ({parents})"
        if table.partitioning is not None:
            p = table.partitioning
            sql += f" PARTITION BY {p.strategy} ({p.key})"
        if table.with_options:
            sql += f" WITH ({', '.join(table.with_options)})"
        return sql + ";"

    def alter_table(self, table: Table) -> str:
        return f"ALTER TABLE {self.qualify(table.schema, table.name)}"

    def add_late_checks(self, table: Table, ctx: ExportContext) -> list[str]:
        """CHECKs that must be added after CREATE TABLE (NOT VALID is not accepted there)."""
        return [
            f"{self.alter_table(table)} ADD {self.check(c)} NOT VALID;"
            for c in table.checks
            if c.not_valid
        ]

    def foreign_key(self, fk: ForeignKey) -> str:
        """``CONSTRAINT name FOREIGN KEY (...) REFERENCES ...`` (without NOT VALID)."""
        cols = [self.quote(c) for c in fk.columns]
        ref_cols = [self.quote(c) for c in fk.ref_columns]
        if fk.period:
            cols[-1] = "PERIOD " + cols[-1]
            if ref_cols:
                ref_cols[-1] = "PERIOD " + ref_cols[-1]
        sql = f"{self.constraint_name(fk.name)}FOREIGN KEY ({', '.join(cols)}) REFERENCES "
        sql += self.qualify(fk.ref_schema, fk.ref_table)
        if ref_cols:
            sql += f" ({', '.join(ref_cols)})"
        if fk.match == "FULL":
            sql += " MATCH FULL"
        if fk.on_update != "NO ACTION":
            sql += f" ON UPDATE {fk.on_update}"
        if fk.on_delete != "NO ACTION":
            sql += f" ON DELETE {fk.on_delete}"
            if fk.on_delete_columns:
                sql += f" ({self.names(fk.on_delete_columns)})"
        return sql + deferrable_clause(fk.deferrable, fk.initially_deferred)

    def add_foreign_key(self, table: Table, fk: ForeignKey, ctx: ExportContext) -> str:
        sql = f"{self.alter_table(table)}\n{INDENT}ADD {self.foreign_key(fk)}"
        return sql + (" NOT VALID;" if fk.not_valid else ";")

    # -- indexes and views ------------------------------------------------------------------

    def index_part(self, part: IndexPart, ctx: ExportContext) -> str:
        sql = self.quote(part.column) if part.column is not None else f"({part.expression})"
        if part.collation:
            sql += f" COLLATE {self.ref(part.collation, ctx)}"
        if part.opclass:
            sql += f" {self.ref(part.opclass, ctx)}"
        if part.descending:
            sql += " DESC"
        if part.nulls_first is not None:
            sql += " NULLS FIRST" if part.nulls_first else " NULLS LAST"
        return sql

    def create_index(
        self,
        schema: str,
        table: str,
        index: Index,
        ctx: ExportContext,
        *,
        concurrently: bool = False,
        if_not_exists: bool = False,
    ) -> str:
        """``CREATE INDEX``; a migration builds it ``concurrently`` on a table in use, and
        ``if_not_exists`` lets a re-run after a partial failure skip the finished ones."""
        sql = "CREATE UNIQUE INDEX " if index.unique else "CREATE INDEX "
        if concurrently:
            sql += "CONCURRENTLY "
        if if_not_exists:
            sql += "IF NOT EXISTS "
        sql += f"{self.quote(index.name)} ON {self.qualify(schema, table)}"
        # The default method is left implicit, as people write it.
        if index.method != self.default_index_method:
            sql += f" USING {self.quote(index.method)}"
        sql += f" ({', '.join(self.index_part(p, ctx) for p in index.parts)})"
        if index.include:
            sql += f" INCLUDE ({self.names(index.include)})"
        if index.nulls_not_distinct:
            sql += " NULLS NOT DISTINCT"
        if index.with_options:
            sql += f" WITH ({', '.join(index.with_options)})"
        if index.tablespace:
            sql += f" TABLESPACE {self.quote(index.tablespace)}"
        if index.where is not None:
            sql += f" WHERE ({index.where})"
        return sql + ";"

    def create_view(self, view: View, ctx: ExportContext, *, replace: bool = False) -> str:
        kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
        head = "CREATE OR REPLACE" if replace else "CREATE"
        sql = f"{head} {kind} {self.qualify(view.schema, view.name)}"
        if view.columns:
            sql += f" ({self.names(view.columns)})"
        if view.with_options:
            sql += f" WITH ({', '.join(view.with_options)})"
        sql += f" AS\n{view.query.strip().rstrip(';')}"
        if view.materialized:
            sql += "\nWITH DATA" if view.with_data else "\nWITH NO DATA"
        elif view.check_option:
            sql += f"\nWITH {view.check_option} CHECK OPTION"
        return sql + ";"

    # -- security ------------------------------------------------------------------------------

    def row_level_security(self, table: Table, ctx: ExportContext) -> list[str]:
        out = []
        if table.rls_enabled:
            out.append(f"{self.alter_table(table)} ENABLE ROW LEVEL SECURITY;")
        if table.rls_forced:
            out.append(f"{self.alter_table(table)} FORCE ROW LEVEL SECURITY;")
        return out

    def role(self, role: str) -> str:
        # "public" is the pseudo-role only when written bare.
        return "PUBLIC" if role == "public" else self.quote(role)

    def create_policy(self, schema: str, table: str, policy: Policy, ctx: ExportContext) -> str:
        sql = f"CREATE POLICY {self.quote(policy.name)} ON {self.qualify(schema, table)}"
        if not policy.permissive:
            sql += " AS RESTRICTIVE"
        if policy.command != "ALL":
            sql += f" FOR {policy.command}"
        if policy.roles and tuple(policy.roles) != ("public",):
            sql += " TO " + ", ".join(self.role(r) for r in policy.roles)
        if policy.using is not None:
            sql += f"\n{INDENT}USING ({policy.using})"
        if policy.with_check is not None:
            sql += f"\n{INDENT}WITH CHECK ({policy.with_check})"
        return sql + ";"

    # -- comments ------------------------------------------------------------------------------

    def comment_on(self, kind: str, target: str, text: str | None, ctx: ExportContext) -> str:
        """``COMMENT ON kind target IS 'text'``; ``target`` is quoted SQL, None removes it."""
        if text is None:
            return f"COMMENT ON {kind} {target} IS NULL;"
        if "\x00" in text:
            ctx.warnings.append(WARN_NUL_IN_TEXT.format(target=f"{kind.lower()} {target}"))
            text = text.replace("\x00", "")
        return f"COMMENT ON {kind} {target} IS {self.literal(text)};"

    def comments(self, tables: list[Table], ctx: ExportContext) -> list[str]:
        """Every comment of the design, objects in the order they were created."""
        s = ctx.schema
        q = self.qualify
        out = [
            self.comment_on("SCHEMA", self.quote(name), text, ctx)
            for name, text in sorted(s.schema_comments)
        ]
        for ext in sorted(s.extensions, key=lambda e: e.name):
            if ext.comment is not None:
                out.append(self.comment_on("EXTENSION", self.quote(ext.name), ext.comment, ctx))

        def placed(objects: Iterable[EnumType | Domain | Sequence]) -> list[Any]:
            return sorted(objects, key=lambda o: (o.schema, o.name))

        for kind, objects in (
            ("TYPE", placed(s.enums)),
            ("DOMAIN", placed(s.domains)),
            ("SEQUENCE", placed(s.sequences)),
        ):
            for obj in objects:
                if obj.comment is not None:
                    out.append(self.comment_on(kind, q(obj.schema, obj.name), obj.comment, ctx))
        for t in tables:
            out.extend(self.table_comments(t, ctx))
            out.extend(self.policy_comments(t.schema, t.name, t.policies, ctx))
        for v in s.views:
            out.extend(self.view_comments(v, ctx))
        return out

    def table_comments(self, t: Table, ctx: ExportContext) -> list[str]:
        """The comments of a table, its columns and its indexes."""
        name = self.qualify(t.schema, t.name)
        out = []
        if t.comment is not None:
            out.append(self.comment_on("TABLE", name, t.comment, ctx))
        parent = (
            ctx.table(t.partition_of.parent_schema, t.partition_of.parent_table)
            if t.partition_of
            else None
        )
        for c in t.columns:
            # A partition column the parent lacks was left out (and warned about).
            if c.comment is not None and (parent is None or parent.column(c.name)):
                out.append(
                    self.comment_on(
                        "COLUMN", self.column_ref(t.schema, t.name, c.name), c.comment, ctx
                    )
                )
        out.extend(self.index_comments(t.schema, t.indexes, ctx))
        return out

    def column_ref(self, schema: str, relation: str, column: str) -> str:
        return f"{self.qualify(schema, relation)}.{self.quote(column)}"

    def policy_comments(
        self, schema: str, table: str, policies: Iterable[Policy], ctx: ExportContext
    ) -> list[str]:
        return [
            self.comment_on("POLICY", self.policy_ref(schema, table, p.name), p.comment, ctx)
            for p in sorted(policies, key=lambda p: p.name)
            if p.comment is not None
        ]

    def policy_ref(self, schema: str, table: str, name: str) -> str:
        return f"{self.quote(name)} ON {self.qualify(schema, table)}"

    def view_comments(self, v: View, ctx: ExportContext) -> list[str]:
        """The comments of a view, its columns and (materialized) its indexes."""
        name = self.qualify(v.schema, v.name)
        kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
        out = []
        if v.comment is not None:
            out.append(self.comment_on(kind, name, v.comment, ctx))
        for column, text in v.column_comments:
            out.append(
                self.comment_on("COLUMN", self.column_ref(v.schema, v.name, column), text, ctx)
            )
        out.extend(self.index_comments(v.schema, v.indexes, ctx))
        return out

    def index_comments(
        self, schema: str, indexes: tuple[Index, ...], ctx: ExportContext
    ) -> list[str]:
        return [
            self.comment_on("INDEX", self.qualify(schema, i.name), i.comment, ctx)
            for i in sorted(indexes, key=lambda i: i.name)
            if i.comment is not None
        ]
