"""PostgreSQL: everything the model holds is native, so only quoting and the
session settings a script needs differ from the base."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from designer.schema.model import CheckConstraint, Table
from designer.schema.sqltext import qualify, quote_ident
from designer.sql.compare import default_check_name
from designer.sql.dialects.base import Dialect, ExportContext


class PostgresDialect(Dialect):
    name: ClassVar[str] = "postgres"
    label: ClassVar[str] = "PostgreSQL"

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
