"""PostgreSQL: everything the model holds is native, so only quoting and the
session settings a script needs differ from the base."""

from __future__ import annotations

from typing import ClassVar

from designer.schema.sqltext import qualify, quote_ident
from designer.sql.dialects.base import Dialect


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
