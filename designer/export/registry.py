"""The export formats the app offers, by name. Each maps a Schema to an ExportResult."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from designer.export import TEXT_EXPORTS
from designer.schema.model import Schema
from designer.sql.ddl import ExportResult
from designer.sql.dialects import DIALECTS
from designer.sql.translate import export_dialect


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    media_type: str
    produce: Callable[[Schema], ExportResult]
    highlight: str = "sql"  # language for the preview
    group: str = "SQL DDL"  # the heading the export page lists it under


# The export page's groups, in order; SQL dialects are "SQL DDL".
EXPORT_GROUPS = ("SQL DDL", "Diagrams", "Documents", "ORM models")
_GROUP = {
    "dbml": "Diagrams",
    "mermaid": "Diagrams",
    "plantuml": "Diagrams",
    "markdown": "Documents",
    "index-csv": "Documents",
    "index-markdown": "Documents",
    "sqlalchemy": "ORM models",
    "sqlmodel": "ORM models",
    "django": "ORM models",
}


# Every SQL dialect of the registry, in its order, then the other formats.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    d.name: ExportFormat(
        d.name,
        d.export_label or d.label,
        "sql",
        "application/sql",
        partial(export_dialect, name=d.name),
    )
    for d in DIALECTS.values()
}
_HIGHLIGHT = {"py": "python", "md": "markdown", "csv": "text"}
for _name, (_label, _ext, _media, _fn) in TEXT_EXPORTS.items():
    EXPORT_FORMATS[_name] = ExportFormat(
        _name,
        _label,
        _ext,
        _media,
        _fn,
        highlight=_HIGHLIGHT.get(_ext, "text"),
        group=_GROUP.get(_name, "Documents"),
    )


def export_groups() -> list[tuple[str, list[ExportFormat]]]:
    """Every format under its group's heading, groups in EXPORT_GROUPS order."""
    return [(g, [f for f in EXPORT_FORMATS.values() if f.group == g]) for g in EXPORT_GROUPS]


def export(schema: Schema, format_name: str) -> ExportResult:
    fmt = EXPORT_FORMATS.get(format_name)
    if fmt is None:
        raise ValueError(f"Unknown export format “{format_name}”.")
    return fmt.produce(schema)
