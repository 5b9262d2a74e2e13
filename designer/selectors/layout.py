"""Reads of the canvas: placed tables, the layout stamp that keys cached pictures, viewports."""

from __future__ import annotations

from django.db.models import Count, Max

from designer.diagram.dot import DiagramOptions
from designer.diagram.layout import Point, complete_positions
from designer.models import CanvasViewport, TablePlacement
from designer.schema.model import Schema
from projects.models import Project, SavedView


def placements(project: Project, view: SavedView | None = None) -> dict[str, Point]:
    """Table uid -> the position the user placed it at (project canvas, or a saved view's)."""
    rows = TablePlacement.objects.filter(project=project, saved_view=view)
    return {uid: (x, y) for uid, x, y in rows.values_list("table_uid", "x", "y")}


def layout_stamp(project: Project, view: SavedView | None = None) -> str:
    """Changes whenever a placement does: part of the cache key of pictures (one query)."""
    agg = TablePlacement.objects.filter(project=project, saved_view=view).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return f"{agg['n']}:{agg['last'].isoformat() if agg['last'] else ''}"


def pinned_positions(
    schema: Schema, options: DiagramOptions, placed_by_uid: dict[str, Point]
) -> dict[str, Point] | None:
    """Positions of every drawn table (qualified name -> point), or None when none of the
    drawn tables is placed (then ``dot`` lays the picture out on its own)."""
    placed = {t.qualified_name: placed_by_uid[t.id] for t in schema.tables if t.id in placed_by_uid}
    if options.tables is not None:
        placed = {q: p for q, p in placed.items() if q in options.tables}
    if not placed:
        return None
    return complete_positions(schema, options, placed)


def viewport(user: object, project: Project) -> CanvasViewport | None:
    """The zoom and pan ``user`` left ``project``'s canvas at, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return CanvasViewport.objects.filter(user=user, project=project).first()
