"""Saved views (subject areas): named subsets of a big design with their display options."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from designer.selectors.graph import design_graph
from designer.services.errors import DesignError
from projects.models import Actor, Project, SavedView
from projects.services import activity_log

MODES = ("all", "keys", "names")
DIRECTIONS = ("LR", "TB")
MAX_NAME = 100

ERR_VIEW_NAME_EMPTY = "A saved view needs a name."
ERR_VIEW_NAME_LONG = "A saved view's name can be at most 100 characters."
ERR_VIEW_NAME_TAKEN = "There is already a saved view called “{name}”."
ERR_VIEW_NOTHING = "Pick tables, the neighbourhood of a table, or a schema or group filter to save."
ERR_VIEW_UNKNOWN_TABLE = "There is no table “{name}” in this design."
ERR_VIEW_SCHEMA = "There is no schema “{name}” in this design."
ERR_VIEW_GROUP = "There is no group “{name}” in this design."
ERR_VIEW_MODE = "“{mode}” is not a display mode (all, keys or names)."
ERR_VIEW_DIRECTION = "“{direction}” is not a direction (LR or TB)."


@transaction.atomic
def saved_view_create(
    *,
    actor: Actor = None,
    project: Project,
    name: str,
    tables: Iterable[str] = (),
    schema_filter: str = "",
    group_filter: str = "",
    mode: str = "all",
    direction: str = "LR",
) -> SavedView:
    """Save a subject area: hand-picked tables (qualified names) or schema/group filters.

    Every table must exist, the filters must match something, and the name must be new.
    """
    name = name.strip()
    if not name:
        raise DesignError(ERR_VIEW_NAME_EMPTY, "name")
    if len(name) > MAX_NAME:
        raise DesignError(ERR_VIEW_NAME_LONG, "name")
    if mode not in MODES:
        raise DesignError(ERR_VIEW_MODE.format(mode=mode), "mode")
    if direction not in DIRECTIONS:
        raise DesignError(ERR_VIEW_DIRECTION.format(direction=direction), "direction")
    picked = sorted({t.strip() for t in tables if t.strip()})
    if not picked and not schema_filter and not group_filter:
        raise DesignError(ERR_VIEW_NOTHING, "tables")
    graph = design_graph(project)
    known = graph.by_name()
    for table in picked:
        if table not in known:
            raise DesignError(ERR_VIEW_UNKNOWN_TABLE.format(name=table), "tables")
    if schema_filter and schema_filter not in graph.schemas:
        raise DesignError(ERR_VIEW_SCHEMA.format(name=schema_filter), "schema_filter")
    if group_filter and group_filter not in graph.groups:
        raise DesignError(ERR_VIEW_GROUP.format(name=group_filter), "group_filter")
    if SavedView.objects.filter(project=project, name=name).exists():
        raise DesignError(ERR_VIEW_NAME_TAKEN.format(name=name), "name")
    view = SavedView.objects.create(
        project=project,
        name=name,
        tables=picked,
        schema_filter=schema_filter,
        group_filter=group_filter,
        mode=mode,
        direction=direction,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    activity_log(project=project, actor=actor, verb="created", kind="saved view", name=name)
    return view


@transaction.atomic
def saved_view_delete(*, actor: Actor = None, view: SavedView) -> None:
    name, project = view.name, view.project
    view.delete()
    activity_log(project=project, actor=actor, verb="deleted", kind="saved view", name=name)
