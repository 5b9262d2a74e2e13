"""Writes of the canvas: where tables are placed, auto-arrange, and each user's viewport.

Positions are not design edits: they never bump the project's revision (so nobody's form
goes stale because a table moved) and are not in the activity log; pictures notice them
through ``designer.selectors.layout.layout_stamp``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.diagram.layout import Box, arrange_block, layout_positions, valid_point
from designer.diagram.render import RenderError, render
from designer.models import CanvasViewport, DesignTable, TablePlacement
from designer.selectors.design import project_schema
from designer.selectors.layout import pinned_positions, placements
from designer.services._common import recording_active, store_entry
from designer.services.errors import DesignError
from projects.models import Actor, Project, SavedView

MAX_PLACEMENTS = 5000
MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
ERR_POSITION = "“{value}” is not a position on the canvas."
ERR_NOT_IN_DESIGN = "Table {uid} is not in this design (it may have been deleted)."
ERR_TOO_MANY = "At most {n} tables can be placed at once."
ERR_VIEWPORT = "The zoom and pan were not numbers in range."
ERR_ARRANGE = "Auto-arrange could not lay the diagram out: {reason}"


@transaction.atomic
def place_tables(
    *,
    project: Project,
    actor: Actor,
    positions: Mapping[str, object],
    view: SavedView | None = None,
) -> int:
    """Pin tables (uid -> [x, y], Graphviz points, centre, y up) on the project's canvas or
    on ``view``'s. All or nothing: an unknown table or a bad position changes nothing and
    raises ``DesignError``. Returns how many tables were placed."""
    if len(positions) > MAX_PLACEMENTS:
        raise DesignError(ERR_TOO_MANY.format(n=MAX_PLACEMENTS), "positions")
    points = {}
    for uid, value in positions.items():
        point = valid_point(value)
        if point is None:
            raise DesignError(ERR_POSITION.format(value=str(value)[:40]), "positions")
        points[str(uid)] = point
    known = set(
        DesignTable.objects.filter(project=project, uid__in=list(points)).values_list(
            "uid", flat=True
        )
    )
    for uid in points:
        if uid not in known:
            raise DesignError(ERR_NOT_IN_DESIGN.format(uid=uid[:40]), "positions")
    existing = {
        p.table_uid: p
        for p in TablePlacement.objects.select_for_update().filter(
            project=project, saved_view=view, table_uid__in=list(points)
        )
    }
    was = {uid: [p.x, p.y] for uid, p in existing.items()}
    changed, created = [], []
    for uid, (x, y) in points.items():
        row = existing.get(uid)
        if row is None:
            created.append(
                TablePlacement(project=project, saved_view=view, table_uid=uid, x=x, y=y)
            )
        elif (row.x, row.y) != (x, y):
            row.x, row.y = x, y
            changed.append(row)
    if (changed or created) and not recording_active():
        _record_moves(project, actor, view, was, [*changed, *created])
    TablePlacement.objects.bulk_create(created)
    # bulk_update skips auto_now: the stamp that keys cached pictures needs a fresh time
    for row in changed:
        row.save(update_fields=["x", "y", "updated_at"])
    return len(points)


def _record_moves(
    project: Project,
    actor: Actor,
    view: SavedView | None,
    was: Mapping[str, list[float]],
    moved: list[TablePlacement],
) -> None:
    """One undo entry for a drop (or an auto-arrange): where the moved tables were (None:
    not placed yet) and where they went."""
    if not getattr(actor, "is_authenticated", False):
        return
    before = {r.table_uid: was.get(r.table_uid) for r in moved}
    label = f"moved {len(moved)} table{'s' if len(moved) != 1 else ''} on the canvas"
    data = {
        "kind": "placements",
        "view": view.pk if view else None,
        "before": before,
        "after": {r.table_uid: [r.x, r.y] for r in moved},
    }
    store_entry(project, actor, label, data)


def restore_placements(
    *, project: Project, view_id: int | None, expected: Mapping[str, Any], wanted: Mapping[str, Any]
) -> list[str]:
    """Undo or redo of a move: put the tables of ``wanted`` where it says (None: unplace),
    but only if they are still where ``expected`` says. Returns the uids found elsewhere (then
    nothing changed)."""
    rows = {
        p.table_uid: p
        for p in TablePlacement.objects.select_for_update().filter(
            project=project, saved_view_id=view_id, table_uid__in=list(expected)
        )
    }

    def where(uid: str) -> list[float] | None:
        row = rows.get(uid)
        return None if row is None else [row.x, row.y]

    moved_since = [uid for uid, point in expected.items() if where(uid) != point]
    if moved_since:
        return moved_since
    live = set(DesignTable.objects.filter(project=project).values_list("uid", flat=True))
    for uid, point in wanted.items():
        row = rows.get(uid)
        if point is None:
            if row is not None:
                row.delete()
        elif row is None:
            if uid in live:
                TablePlacement.objects.create(
                    project=project, saved_view_id=view_id, table_uid=uid, x=point[0], y=point[1]
                )
        else:
            row.x, row.y = point
            row.save(update_fields=["x", "y", "updated_at"])
    return []


def arrange_tables(
    *,
    project: Project,
    actor: Actor,
    table_uids: Collection[str] | None = None,
    view: SavedView | None = None,
    direction: str = "LR",
    mode: str = "all",
) -> int:
    """Auto-arrange: lay the drawn tables out with ``dot`` again and place them there.

    With ``table_uids`` only those tables are arranged, as a block starting where they
    were; the other tables stay. Returns how many tables were placed."""
    schema = project_schema(project)
    options = DiagramOptions(direction=direction, mode=mode)  # type: ignore[arg-type]
    by_name = {t.qualified_name: t.id for t in schema.tables}
    if table_uids is not None:
        wanted = set(table_uids)
        picked = frozenset(t.qualified_name for t in schema.tables if t.id in wanted)
        if not picked:
            return 0
        options = DiagramOptions(direction=direction, mode=mode, tables=picked)  # type: ignore[arg-type]
    try:
        plain = render(
            schema_to_dot(schema, options), "plain", timeout=settings.ERD_DOT_TIMEOUT_SECONDS
        )
    except RenderError as exc:
        raise DesignError(ERR_ARRANGE.format(reason=exc), "__all__") from None
    arranged = layout_positions(schema, plain)
    if table_uids is None:
        new = {q: p for q, (p, _size) in arranged.items()}
    else:
        whole = DiagramOptions(direction=direction, mode=mode)  # type: ignore[arg-type]
        current = pinned_positions(schema, whole, placements(project, view)) or {
            q: p for q, (p, _s) in arranged.items()
        }
        # the sizes Graphviz just measured, at the positions the tables have now
        boxes = {q: Box(*current.get(q, point), *size) for q, (point, size) in arranged.items()}
        new = arrange_block(boxes, arranged)
    return place_tables(
        project=project,
        actor=actor,
        positions={by_name[q]: p for q, p in new.items() if by_name.get(q)},
        view=view,
    )


@transaction.atomic
def save_viewport(*, user: object, project: Project, x: float, y: float, k: float) -> None:
    """Remember where ``user`` left the canvas (pan ``x``, ``y`` in pixels, zoom ``k``)."""
    values = (x, y, k)
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        raise DesignError(ERR_VIEWPORT, "viewport")
    if not (MIN_ZOOM <= k <= MAX_ZOOM and abs(x) < 1e7 and abs(y) < 1e7):
        raise DesignError(ERR_VIEWPORT, "viewport")
    CanvasViewport.objects.update_or_create(
        user=user, project=project, defaults={"x": x, "y": y, "k": k}
    )
