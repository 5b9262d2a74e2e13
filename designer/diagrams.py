"""Project diagrams: the design's schema drawn by Graphviz, cached by DOT hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from designer.diagram import dot as dot_module
from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.diagram.graph import find_table, neighbourhood
from designer.diagram.render import render, render_keyed
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
    around: str | None = None,
    depth: int = 1,
    tables: frozenset[str] | None = None,
) -> bytes:
    """Render the project's design; ``around`` limits it to a table's neighbourhood.

    A re-render of an unchanged design is a cache hit on a cheap key (the project's
    revision and the options), without reading the design or building DOT.
    Raises ``LookupError`` with a message naming the table when ``around`` is unknown.
    """
    key = repr(
        (
            _DIAGRAM_CODE,
            project.pk,
            project.revision,
            direction,
            mode,
            table_href,
            sorted((markers or {}).items()),
            around,
            depth,
            sorted(tables) if tables is not None else None,
        )
    )

    def make_dot() -> str:
        schema = project_schema(project)
        subset = around_tables(schema, around, depth) if around else tables
        options = DiagramOptions(
            direction=direction,  # type: ignore[arg-type]
            mode=mode,  # type: ignore[arg-type]
            table_href=table_href,
            markers=markers or {},
            tables=subset,
        )
        return schema_to_dot(schema, options)

    return render_keyed(
        key,
        make_dot,
        fmt,  # type: ignore[arg-type]
        timeout=settings.ERD_DOT_TIMEOUT_SECONDS,
        cache=cache,
    )


# The cheap cache key must change when the drawing code does.
_DIAGRAM_CODE = hashlib.sha256(Path(dot_module.__file__).read_bytes()).hexdigest()[:12]
ERR_NO_TABLE = "No table “{name}” in this design."
MAX_DEPTH = 5


def around_tables(schema: Schema, name: str, depth: int = 1) -> frozenset[str]:
    """Qualified names of ``name`` (qualified or not) and its neighbours up to ``depth`` hops."""
    table = find_table(schema, name)
    if table is None:
        raise LookupError(ERR_NO_TABLE.format(name=name))
    return neighbourhood(schema, table.qualified_name, max(0, min(depth, MAX_DEPTH)))
