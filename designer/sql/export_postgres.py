"""Schema -> PostgreSQL DDL that applies with ``psql -v ON_ERROR_STOP=1 -f``."""

from __future__ import annotations

from designer.schema.model import Schema
from designer.sql.ddl import ExportResult, export_ddl
from designer.sql.dialects.postgres import POSTGRES


def export_postgres(schema: Schema, *, header: bool = True) -> ExportResult:
    """Complete, deterministic DDL for every object of ``schema``.

    ``header`` adds a comment naming the tool and how to apply the file.
    """
    return export_ddl(schema, POSTGRES, header=header)
