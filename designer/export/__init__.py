"""Exports of a design to formats other than DDL: each a pure ``Schema -> ExportResult``.

``TEXT_EXPORTS`` maps a format name to (label, file extension, media type,
function), for the app's export registry.
"""

from __future__ import annotations

from collections.abc import Callable

from designer.export.dbml import export_dbml
from designer.export.document import design_document_markdown
from designer.export.index_table import index_table_csv, index_table_markdown
from designer.export.mermaid import export_mermaid
from designer.export.orm_django import export_django
from designer.export.orm_sqlalchemy import export_sqlalchemy
from designer.export.orm_sqlmodel import export_sqlmodel
from designer.export.plantuml import export_plantuml
from designer.schema.model import Schema
from designer.sql.ddl import ExportResult


def _document(schema: Schema) -> ExportResult:
    return design_document_markdown(schema, title="Database design")


TEXT_EXPORTS: dict[str, tuple[str, str, str, Callable[[Schema], ExportResult]]] = {
    "dbml": ("DBML (dbdiagram.io)", "dbml", "text/plain", export_dbml),
    "mermaid": ("Mermaid ER diagram", "mmd", "text/vnd.mermaid", export_mermaid),
    "plantuml": ("PlantUML ER diagram", "puml", "text/plain", export_plantuml),
    "markdown": ("Design document (Markdown)", "md", "text/markdown", _document),
    "index-csv": ("Index table (CSV)", "csv", "text/csv", index_table_csv),
    "index-markdown": ("Index table (Markdown)", "md", "text/markdown", index_table_markdown),
    "sqlalchemy": ("SQLAlchemy 2.0 models", "py", "text/x-python", export_sqlalchemy),
    "sqlmodel": ("SQLModel models", "py", "text/x-python", export_sqlmodel),
    "django": ("Django models.py", "py", "text/x-python", export_django),
}
