"""SQL dialects: one module each, holding only what differs from ``base.Dialect``."""

from designer.sql.dialects.base import Dialect, ExportContext
from designer.sql.dialects.postgres import PostgresDialect

DIALECTS: dict[str, Dialect] = {d.name: d for d in (PostgresDialect(),)}

__all__ = ["DIALECTS", "Dialect", "ExportContext", "PostgresDialect"]
