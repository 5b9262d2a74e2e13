"""Project diagrams: the design's schema drawn by Graphviz, cached by DOT hash."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.diagram.render import render
from designer.schema.model import Schema
from designer.selectors import project_schema
from projects.models import Project

DIAGRAM_FORMATS = ["svg", "png", "pdf", "dot"]
MEDIA_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz",
}


def schema_diagram(schema: Schema, fmt: str, options: DiagramOptions) -> bytes:
    return render(
        schema_to_dot(schema, options),
        fmt,  # type: ignore[arg-type]
        timeout=settings.ERD_DOT_TIMEOUT_SECONDS,
        cache=cache,
    )


def project_diagram(
    project: Project,
    fmt: str = "svg",
    *,
    direction: str = "LR",
    mode: str = "all",
    table_href: str | None = None,
    markers: dict[str, str] | None = None,
) -> bytes:
    options = DiagramOptions(
        direction=direction,  # type: ignore[arg-type]
        mode=mode,  # type: ignore[arg-type]
        table_href=table_href,
        markers=markers or {},
    )
    return schema_diagram(project_schema(project), fmt, options)
