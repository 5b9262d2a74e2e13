"""Undo and redo of design edits, per project and per user, kept on the server.

Every design service is wrapped by ``_common.recorded``: it stores the parts of the design
the edit changed (whole tables by id, the enums, the rest) as they were before and after.
Undo puts the "before" parts back, but only while the design still holds the "after" parts:
when someone (or another edit) has changed one of them since, undo is refused and says
which; nothing is applied blindly. Redo is the same the other way round. Ids are kept, so a
table brought back by undo is the same table to the diff, the comments and open editors.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction

from designer.models import DesignHistory, DesignTable
from designer.schema import model as m
from designer.schema.serialize import from_data
from designer.selectors.design import project_schema, tables_by_uid
from designer.services._common import (
    design_parts,
    history_data,
    not_recorded,
    part_data,
    touch,
)
from designer.services.errors import DesignError
from designer.services.layout import restore_placements
from designer.services.schema import schema_write, tables_write
from projects.models import Actor, Project

ERR_NOTHING_TO_UNDO = "Nothing to undo."
ERR_NOTHING_TO_REDO = "Nothing to redo."
ERR_CONFLICT = (
    "Cannot {action} “{label}”: {what} changed since, by someone else or by a later edit. "
    "Nothing was {done}."
)


def _describe(key: str, *datas: Any) -> str:
    if key.startswith("table:"):
        for data in datas:
            if data:
                return f"table “{data.get('name', '?')}”"
        return "a table"
    return "the enums" if key == "enums" else "the views, domains and other objects"


def _current_parts(project: Project, keys: list[str]) -> dict[str, Any]:
    """The parts ``keys`` name as the design holds them now; only tables are read when only
    tables are named, so undoing a one-table edit costs the same at any design size."""
    if all(k.startswith("table:") for k in keys):
        uids = {k.split(":", 1)[1] for k in keys}
        return {f"table:{t.id}": t for t in tables_by_uid(project, uids)}
    return design_parts(project_schema(project))


def _conflict(entry: DesignHistory, what: str, *, undo: bool) -> DesignError:
    return DesignError(
        ERR_CONFLICT.format(
            action="undo" if undo else "redo",
            label=entry.label,
            what=what,
            done="undone" if undo else "redone",
        )
    )


def _apply(project: Project, entry: DesignHistory, *, undo: bool) -> None:
    data = history_data(entry)
    source, target = ("after", "before") if undo else ("before", "after")
    if data.get("kind") == "placements":
        moved = restore_placements(
            project=project, view_id=data["view"], expected=data[source], wanted=data[target]
        )
        if moved:
            names = dict(
                DesignTable.objects.filter(project=project, uid__in=moved[:3]).values_list(
                    "uid", "name"
                )
            )
            what = ", ".join(f"the place of table “{names.get(u, '?')}”" for u in moved[:3])
            raise _conflict(entry, what, undo=undo)
        return
    parts = _current_parts(project, list(data[source]))
    changed = [
        key for key, expected in data[source].items() if part_data(parts.get(key)) != expected
    ]
    if changed:
        what = ", ".join(
            _describe(k, part_data(parts.get(k)), data[source][k]) for k in changed[:3]
        )
        raise _conflict(entry, what, undo=undo)
    wanted = data[target]
    with not_recorded():
        if all(k.startswith("table:") for k in wanted):
            tables_write(
                project=project,
                tables={
                    k.split(":", 1)[1]: None if v is None else from_data(m.Table, v)
                    for k, v in wanted.items()
                },
                positions={k.split(":", 1)[1]: i for k, i in data["positions"][target].items()},
            )
        else:
            current = project_schema(project)
            schema_write(project=project, old=current, new=_with_parts(current, data, target))


def _with_parts(current: m.Schema, data: dict[str, Any], target: str) -> m.Schema:
    """``current`` with the parts of ``data[target]`` put in place."""
    wanted = data[target]
    # Tables that stay or go, in place; tables that come back, at the place they had.
    tables = [
        from_data(m.Table, wanted[k]) if k in wanted else t
        for t in current.tables
        if (k := f"table:{t.id}") not in wanted or wanted[k] is not None
    ]
    present = {f"table:{t.id}" for t in tables}
    returning = sorted(
        (data["positions"][target].get(k, len(tables)), k)
        for k, v in wanted.items()
        if k.startswith("table:") and v is not None and k not in present
    )
    for position, key in returning:
        tables.insert(min(position, len(tables)), from_data(m.Table, wanted[key]))
    new = replace(current, tables=tuple(tables))
    if "enums" in wanted:
        new = replace(new, enums=tuple(from_data(m.EnumType, e) for e in wanted["enums"] or ()))
    if "rest" in wanted and wanted["rest"] is not None:
        rest = from_data(m.Schema, wanted["rest"])
        new = replace(rest, tables=new.tables, enums=new.enums)
    return new


def _step(actor: Actor, project: Project, *, undo: bool) -> str:
    """Undo the actor's latest edit, or redo their latest undone one; returns its label."""
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    stack = DesignHistory.objects.filter(project=project, user=actor, undone=not undo)
    entry = stack.order_by("-id" if undo else "id").first()
    if entry is None:
        raise DesignError(ERR_NOTHING_TO_UNDO if undo else ERR_NOTHING_TO_REDO)
    _apply(project, entry, undo=undo)
    entry.undone = undo
    entry.save(update_fields=["undone"])
    touch(project, actor, "undid" if undo else "redid", "edit", entry.label)
    return entry.label


@transaction.atomic
def history_undo(*, actor: Actor, project: Project) -> str:
    """Undo the actor's latest edit of the design; returns what was undone."""
    return _step(actor, project, undo=True)


@transaction.atomic
def history_redo(*, actor: Actor, project: Project) -> str:
    """Redo the actor's latest undone edit; returns what was redone."""
    return _step(actor, project, undo=False)


def history_state(*, actor: Actor, project: Project) -> dict[str, str | None]:
    """The labels the undo and redo buttons offer (None when there is nothing)."""
    if not getattr(actor, "is_authenticated", False):
        return {"undo": None, "redo": None}
    stack = DesignHistory.objects.filter(project=project, user=actor)
    undo = stack.filter(undone=False).order_by("-id").values_list("label", flat=True).first()
    redo = stack.filter(undone=True).order_by("id").values_list("label", flat=True).first()
    return {"undo": undo, "redo": redo}
