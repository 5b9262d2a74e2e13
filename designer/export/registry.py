"""The export formats the app offers, by name. Each maps a Schema to an ExportResult."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from designer.export import TEXT_EXPORTS
from designer.schema.model import Schema
from designer.sql.ddl import ExportResult
from designer.sql.export_postgres import export_postgres
from designer.sql.translate import DIALECT_EXPORTS


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    media_type: str
    produce: Callable[[Schema], ExportResult]
    highlight: str = "sql"  # language for the preview


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "postgres": ExportFormat(
        "postgres", "PostgreSQL DDL", "sql", "application/sql", export_postgres
    ),
}
for _name, (_label, _ext, _fn) in DIALECT_EXPORTS.items():
    EXPORT_FORMATS[_name] = ExportFormat(_name, _label, _ext, "application/sql", _fn)
_HIGHLIGHT = {"py": "python", "md": "markdown", "csv": "text"}
for _name, (_label, _ext, _media, _fn) in TEXT_EXPORTS.items():
    EXPORT_FORMATS[_name] = ExportFormat(
        _name, _label, _ext, _media, _fn, highlight=_HIGHLIGHT.get(_ext, "text")
    )


def export(schema: Schema, format_name: str) -> ExportResult:
    fmt = EXPORT_FORMATS.get(format_name)
    if fmt is None:
        raise ValueError(f"Unknown export format “{format_name}”.")
    return fmt.produce(schema)
