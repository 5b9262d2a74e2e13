"""PostgreSQL, the home dialect: the one writer of its DDL, for exports and migrations.

Everything the model holds is native, so creating a design differs from the base only in
quoting and the session settings a script needs. Changing a database that exists (the
migration planner's statements: ``ALTER ...``, ``CREATE INDEX CONCURRENTLY``, constraints
added ``NOT VALID`` then validated, ``USING INDEX``, timeouts, batched backfills) is written
here too, so the planner (``designer.migrate``) decides what to run and when, never how it
is spelled. Scripts are read by ``designer.sql.readers.postgres`` (PostgreSQL's own parser).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import ClassVar

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    Extension,
    Policy,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.pgnames import default_check_name
from designer.schema.sqltext import qualify, quote_ident
from designer.sql.dialects.base import Dialect, ExportContext, deferrable_clause

_DETECT_CLUES = (
    (re.compile(r"\bSERIAL\b|\bBIGSERIAL\b", re.I), 3),
    (re.compile(r"::\w+"), 2),
    (re.compile(r"\bCREATE\s+(EXTENSION|DOMAIN|TYPE\s+\w+\s+AS\s+ENUM)\b", re.I), 5),
    (re.compile(r"\bOWNER\s+TO\b", re.I), 5),
    (re.compile(r"^\s*COPY\s+\S+.*FROM\s+stdin", re.I | re.M), 5),
    (re.compile(r"\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", re.I), 3),
    (re.compile(r"\bLANGUAGE\s+plpgsql\b", re.I), 5),
    (re.compile(r"\bTIMESTAMPTZ\b|\bJSONB\b", re.I), 2),
)
_TEXT_TYPES = ("text", "character varying", "character")


class PostgresDialect(Dialect):
    name: ClassVar[str] = "postgres"
    label: ClassVar[str] = "PostgreSQL"
    export_label = "PostgreSQL DDL"
    import_label = "PostgreSQL (DDL or pg_dump --schema-only)"
    reader = "pglast"
    file_extensions = (".psql", ".pgsql")
    detect_clues = _DETECT_CLUES

    supports_extensions = True
    supports_enums = True
    supports_domains = True
    supports_sequences = True
    supports_partial_index = True
    supports_include = True
    supports_nulls_not_distinct = True
    supports_exclude = True
    supports_deferrable = True
    supports_rls = True
    supports_partitioning = True
    supports_inheritance = True
    supports_unlogged = True
    supports_storage_options = True
    supports_materialized_views = True
    index_methods = None

    def quote(self, name: str) -> str:
        return quote_ident(name)

    def qualify(self, schema: str | None, name: str) -> str:
        return qualify(schema, name)

    def preamble(self) -> list[str]:
        return [
            # The model's expressions print strings without E'' (the parser's form).
            "SET client_encoding = 'UTF8';",
            "SET standard_conforming_strings = on;",
            # Raw functions may name tables created further down.
            "SET check_function_bodies = false;",
        ]

    def create_table(self, table: Table, ctx: ExportContext) -> str:
        """A partition that lists all its parent's columns is written as pg_dump writes it:
        a table of its own, then ``ATTACH PARTITION``.

        The two spellings store different catalogs: ``PARTITION OF`` takes the parent's
        column order and NOT NULL constraint names, a table attached later keeps its own.
        The importer lists a partition's columns only when the source spelled them out.
        """
        of = table.partition_of
        if of is None or not _declares_all_columns(table, ctx):
            return super().create_table(table, ctx)
        create = super().create_table(
            replace(table, partition_of=None, checks=_with_parent_checks(table, ctx)), ctx
        )
        parent = self.qualify(of.parent_schema, of.parent_table)
        child = self.qualify(table.schema, table.name)
        return f"{create}\n\nALTER TABLE ONLY {parent} ATTACH PARTITION {child} {of.bound};"

    def table_constraints(self, table: Table, ctx: ExportContext) -> list[str]:
        merged = _merged_uniques(table)
        kept = replace(table, uniques=tuple(u for u in table.uniques if u not in merged))
        return super().table_constraints(kept, ctx)

    def add_late_checks(self, table: Table, ctx: ExportContext) -> list[str]:
        """Besides NOT VALID checks, the UNIQUEs CREATE TABLE would fold into a key."""
        late = [f"{self.alter_table(table)} ADD {self.unique(u)};" for u in _merged_uniques(table)]
        return super().add_late_checks(table, ctx) + late

    # -- a design object complete with what comes with it (migrations create one at a time) --

    def create_table_complete(self, table: Table, ctx: ExportContext) -> list[str]:
        """A table with its late checks, indexes, comments, row-level security and policies
        (its foreign keys come separately: they may reference tables created later)."""
        out = [self.create_table(table, ctx), *self.add_late_checks(table, ctx)]
        out += [self.create_index(table.schema, table.name, i, ctx) for i in table.indexes]
        out += self.table_comments(table, ctx)
        out += self.row_level_security(table, ctx)
        for p in table.policies:
            out += self.create_policy_complete(table.schema, table.name, p, ctx)
        return out

    def create_view_complete(
        self, view: View, ctx: ExportContext, *, replace: bool = False
    ) -> list[str]:
        out = [self.create_view(view, ctx, replace=replace)]
        out += [self.create_index(view.schema, view.name, i, ctx) for i in view.indexes]
        return out + self.view_comments(view, ctx)

    def create_policy_complete(
        self, schema: str, table: str, policy: Policy, ctx: ExportContext
    ) -> list[str]:
        out = [self.create_policy(schema, table, policy, ctx)]
        return out + self.policy_comments(schema, table, (policy,), ctx)

    def create_enum_complete(self, enum: EnumType, ctx: ExportContext) -> list[str]:
        out = [self.create_enum(enum, ctx)]
        if enum.comment is not None:
            out.append(
                self.comment_on("TYPE", self.qualify(enum.schema, enum.name), enum.comment, ctx)
            )
        return out

    def create_domain_complete(self, domain: Domain, ctx: ExportContext) -> list[str]:
        out = self.create_domain(domain, ctx)
        if domain.comment is not None:
            name = self.qualify(domain.schema, domain.name)
            out.append(self.comment_on("DOMAIN", name, domain.comment, ctx))
        return out

    def create_sequence_complete(self, seq: Sequence, ctx: ExportContext) -> list[str]:
        out = [self.create_sequence(seq, ctx)]
        if seq.comment is not None:
            name = self.qualify(seq.schema, seq.name)
            out.append(self.comment_on("SEQUENCE", name, seq.comment, ctx))
        return out

    # -- changing a database that exists: the migration planner's statements -------------

    def session_timeouts(self, *, lock_timeout: str, statement_timeout: str) -> list[str]:
        """Never queue for long behind another session's lock, nor run unbounded."""
        return [
            f"SET lock_timeout = {self.literal(lock_timeout)};",
            f"SET statement_timeout = {self.literal(statement_timeout)};",
        ]

    def alter(self, schema: str, table: str, action: str) -> str:
        return f"ALTER TABLE {self.qualify(schema, table)} {action};"

    def drop_schema(self, name: str) -> str:
        return f"DROP SCHEMA {self.quote(name)};"

    def drop_extension(self, ext: Extension) -> str:
        return f"DROP EXTENSION IF EXISTS {self.quote(ext.name)};"

    def drop_type(self, schema: str, name: str) -> str:
        return f"DROP TYPE {self.qualify(schema, name)};"

    def rename_type(self, schema: str, name: str, new_name: str) -> str:
        return f"ALTER TYPE {self.qualify(schema, name)} RENAME TO {self.quote(new_name)};"

    def add_enum_value(
        self, enum: EnumType, value: str, *, before: str | None = None, after: str | None = None
    ) -> str:
        sql = f"ALTER TYPE {self.qualify(enum.schema, enum.name)} ADD VALUE {self.literal(value)}"
        if before is not None:
            sql += f" BEFORE {self.literal(before)}"
        elif after is not None:
            sql += f" AFTER {self.literal(after)}"
        return sql + ";"

    def drop_domain(self, domain: Domain) -> str:
        return f"DROP DOMAIN {self.qualify(domain.schema, domain.name)};"

    def drop_sequence(self, seq: Sequence) -> str:
        return f"DROP SEQUENCE IF EXISTS {self.qualify(seq.schema, seq.name)};"

    def sequence_owned_by_none(self, seq: Sequence) -> str:
        return f"ALTER SEQUENCE {self.qualify(seq.schema, seq.name)} OWNED BY NONE;"

    def rename_sequence(self, schema: str, name: str, new_name: str) -> str:
        return f"ALTER SEQUENCE {self.qualify(schema, name)} RENAME TO {self.quote(new_name)};"

    def drop_table(self, schema: str, name: str) -> str:
        return f"DROP TABLE {self.qualify(schema, name)};"

    def rename_table(self, schema: str, name: str, new_name: str) -> str:
        return self.alter(schema, name, f"RENAME TO {self.quote(new_name)}")

    def add_column(self, schema: str, table: str, column: Column, ctx: ExportContext) -> str:
        return self.alter(schema, table, f"ADD COLUMN {self.column_definition(column, ctx)}")

    def drop_column(self, schema: str, table: str, column: str, *, if_exists: bool = False) -> str:
        exists = "IF EXISTS " if if_exists else ""
        return self.alter(schema, table, f"DROP COLUMN {exists}{self.quote(column)}")

    def rename_column(self, schema: str, table: str, old: str, new: str) -> str:
        return self.alter(schema, table, f"RENAME COLUMN {self.quote(old)} TO {self.quote(new)}")

    def alter_column(self, schema: str, table: str, column: str, action: str) -> str:
        return self.alter(schema, table, f"ALTER COLUMN {self.quote(column)} {action}")

    def alter_column_type(
        self,
        schema: str,
        table: str,
        column: str,
        new_type: str,
        ctx: ExportContext,
        *,
        old_type: str,
        collation: str | None = None,
        using: str | None = None,
    ) -> str:
        """``ALTER COLUMN ... TYPE``; text becomes another type only through an explicit
        cast, so one is written when ``using`` does not say how."""
        action = f"TYPE {new_type}"
        if collation:
            action += f" COLLATE {self.ref(collation, ctx)}"
        if (
            using is None
            and old_type.startswith(_TEXT_TYPES)
            and not new_type.startswith(_TEXT_TYPES)
        ):
            using = f"{self.quote(column)}::{new_type}"
        if using:
            action += f" USING {using}"
        return self.alter_column(schema, table, column, action)

    def set_not_null(self, schema: str, table: str, column: str) -> str:
        return self.alter_column(schema, table, column, "SET NOT NULL")

    def drop_not_null(self, schema: str, table: str, column: str) -> str:
        return self.alter_column(schema, table, column, "DROP NOT NULL")

    def set_default(self, schema: str, table: str, column: str, default: str | None) -> str:
        """``SET DEFAULT default``, or ``DROP DEFAULT`` when ``default`` is None."""
        action = "DROP DEFAULT" if default is None else f"SET DEFAULT {default}"
        return self.alter_column(schema, table, column, action)

    def add_identity(
        self, schema: str, table: str, column: str, identity: str, options: str | None
    ) -> str:
        opts = f" ({options})" if options else ""
        return self.alter_column(
            schema, table, column, f"ADD GENERATED {identity} AS IDENTITY{opts}"
        )

    def drop_identity(self, schema: str, table: str, column: str) -> str:
        return self.alter_column(schema, table, column, "DROP IDENTITY")

    def recast_enum_column(self, schema: str, table: str, column: str, type_: str) -> str:
        """A column of an enum type (or an array of it) moved to a rebuilt type of that name."""
        array = "[]" if type_.endswith("[]") else ""
        using = f"{self.quote(column)}::text{array}::{type_}"
        return self.alter_column(schema, table, column, f"TYPE {type_} USING {using}")

    def not_null_check(self, name: str, column: str) -> CheckConstraint:
        """The CHECK that lets ``SET NOT NULL`` skip its scan once it is validated."""
        return CheckConstraint(f"{self.quote(column)} IS NOT NULL", name=name)

    def add_constraint(
        self, schema: str, table: str, definition: str, *, not_valid: bool = False
    ) -> str:
        """``ADD`` a constraint definition (``check``, ``unique``, ``foreign_key`` ...);
        ``not_valid`` skips checking the rows already there until ``validate_constraint``."""
        return self.alter(schema, table, f"ADD {definition}" + (" NOT VALID" if not_valid else ""))

    def add_constraint_using_index(
        self, schema: str, table: str, name: str, kind: str, *, deferrable: bool, deferred: bool
    ) -> str:
        """A PRIMARY KEY or UNIQUE constraint taking over the unique index ``name``."""
        sql = f"ADD CONSTRAINT {self.quote(name)} {kind} USING INDEX {self.quote(name)}"
        return self.alter(schema, table, sql + deferrable_clause(deferrable, deferred))

    def validate_constraint(self, schema: str, table: str, name: str) -> str:
        return self.alter(schema, table, f"VALIDATE CONSTRAINT {self.quote(name)}")

    def drop_constraint(
        self, schema: str, table: str, name: str, *, if_exists: bool = False
    ) -> str:
        exists = "IF EXISTS " if if_exists else ""
        return self.alter(schema, table, f"DROP CONSTRAINT {exists}{self.quote(name)}")

    def rename_constraint(self, schema: str, table: str, old: str, new: str) -> str:
        action = f"RENAME CONSTRAINT {self.quote(old)} TO {self.quote(new)}"
        return self.alter(schema, table, action)

    def drop_index(self, schema: str, name: str, *, concurrently: bool = False) -> str:
        how = "CONCURRENTLY " if concurrently else ""
        return f"DROP INDEX {how}IF EXISTS {self.qualify(schema, name)};"

    def rename_index(self, schema: str, name: str, new_name: str) -> str:
        return f"ALTER INDEX {self.qualify(schema, name)} RENAME TO {self.quote(new_name)};"

    def drop_view(self, view: View) -> str:
        kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
        return f"DROP {kind} {self.qualify(view.schema, view.name)};"

    def set_row_level_security(
        self, schema: str, table: str, *, on: bool, force: bool
    ) -> list[str]:
        """RLS switched on or off, and FORCE (for the table's owner too) with it when ``force``."""
        out = [self.alter(schema, table, ("ENABLE" if on else "DISABLE") + " ROW LEVEL SECURITY")]
        if force:
            out.append(
                self.alter(schema, table, ("FORCE" if on else "NO FORCE") + " ROW LEVEL SECURITY")
            )
        return out

    def drop_policy(self, schema: str, table: str, name: str) -> str:
        return f"DROP POLICY {self.quote(name)} ON {self.qualify(schema, table)};"

    def backfill_in_batches(self, schema: str, table: str, column: str, *, pages: int) -> str:
        """Set ``column`` to its default where it is NULL, ``pages`` heap pages at a time,
        committing after each batch so no lock is held for long (safe to re-run)."""
        name = self.qualify(schema, table)
        col = self.quote(column)
        return f"""DO $backfill$
DECLARE
    last_page bigint := pg_relation_size({self.literal(name)}::regclass)
        / current_setting('block_size')::bigint;
    first_page bigint := 0;
BEGIN
    -- Batches of {pages} pages by ctid range: each commits, so locks stay short.
    WHILE first_page <= last_page LOOP
        UPDATE {name} SET {col} = DEFAULT
        WHERE ctid >= format('(%s,0)', first_page)::tid
          AND ctid < format('(%s,0)', first_page + {pages})::tid
          AND {col} IS NULL;
        COMMIT;
        first_page := first_page + {pages};
    END LOOP;
END
$backfill$;"""


def _declares_all_columns(table: Table, ctx: ExportContext) -> bool:
    parent: Table | None = table
    seen = 0
    # a partition made by PARTITION OF lists no columns: its own parent's are the ones
    while parent is not None and parent.partition_of is not None and seen < len(ctx.tables):
        of = parent.partition_of
        parent, seen = ctx.table(of.parent_schema, of.parent_table), seen + 1
        if parent is not None and parent.columns:
            break
    if parent is None or not table.columns:
        return False
    return sorted(table.column_names) == sorted(parent.column_names)


def _with_parent_checks(table: Table, ctx: ExportContext) -> tuple[CheckConstraint, ...]:
    """The partition's CHECKs plus its parent's, by name: ATTACH PARTITION refuses a table
    that lacks one. (A design read from a live database leaves them to the parent.)"""
    assert table.partition_of is not None
    parent = ctx.table(table.partition_of.parent_schema, table.partition_of.parent_table)
    own = {c.name for c in table.checks}
    inherited = []
    for check in parent.checks if parent else ():
        if check.no_inherit:
            continue
        named = (
            check
            if check.name
            else replace(
                check,
                name=default_check_name(parent, check.expression),  # type: ignore[arg-type]
            )
        )
        if named.name not in own:
            inherited.append(named)
    return (*table.checks, *inherited)


POSTGRES = PostgresDialect()


def _merged_uniques(table: Table) -> list[UniqueConstraint]:
    """The UNIQUEs that CREATE TABLE would silently fold into the primary key or an earlier
    UNIQUE (same columns in order, INCLUDE, NULLS NOT DISTINCT, deferrability): PostgreSQL
    keeps one index and one constraint for them (transformIndexConstraints), so they are
    added by ALTER TABLE after it, where each gets its own."""

    def shape(key: PrimaryKey | UniqueConstraint) -> tuple[object, ...]:
        nulls = isinstance(key, UniqueConstraint) and key.nulls_not_distinct
        deferral = (key.deferrable, key.initially_deferred)
        return (key.columns, key.include, nulls, *deferral, key.without_overlaps)

    seen = {shape(table.primary_key)} if table.primary_key else set()
    merged: list[UniqueConstraint] = []
    for u in table.uniques:
        if shape(u) in seen:
            merged.append(u)
        seen.add(shape(u))
    return merged
