"""What every design edit shares: name and SQL-text checks, the table lock, the stale check,
and the revision bump with its activity-log line.

Edits lock their table's row, refuse a form older than the table (``check_version``), and
end with ``bump_version`` (the table) and ``touch`` (the project), so open editors learn
that something changed.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from functools import partial
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from designer import events
from designer.models import (
    ConstraintKind,
    DesignColumn,
    DesignConstraint,
    DesignHistory,
    DesignTable,
)
from designer.schema import model as m
from designer.schema.serialize import to_data
from designer.schema.sqltext import (
    SqlTextError,
    identifier_errors,
    identifier_warnings,
    normalize_expr,
    normalize_type,
)
from designer.selectors.design import (
    design_key,
    forget_pending_edit,
    project_schema,
    remember_table_edit,
    tables_by_uid,
)
from designer.services.errors import (
    ERR_DESIGN_COLUMNS,
    ERR_DESIGN_TABLES,
    ERR_STALE,
    ERR_TABLE_COLUMNS,
    ERR_UNKNOWN_COLUMN,
    DesignError,
)
from projects.models import Activity, Actor, Project
from projects.services import activity_log

PG_MAX_COLUMNS = 1600  # PostgreSQL's limit of columns a table (MaxHeapAttributeNumber)
P = ParamSpec("P")
R = TypeVar("R")

_SERIAL_BASE = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


def check_name(name: str, field: str = "name") -> list[str]:
    """Raise DesignError for an invalid identifier; return warnings for unwise ones."""
    errors = identifier_errors(name)
    if errors:
        raise DesignError(errors[0], field)
    return identifier_warnings(name)


def sql_type(text: str, field: str = "data_type") -> str:
    """``text`` as PostgreSQL's parser spells the type, or DesignError on ``field``."""
    try:
        return normalize_type(text)
    except SqlTextError as exc:
        raise DesignError(str(exc), field) from None


def sql_expr(text: str | None, field: str) -> str | None:
    """``text`` normalised by PostgreSQL's parser; None when blank; DesignError when invalid."""
    if text is None or not text.strip():
        return None
    try:
        return normalize_expr(text)
    except SqlTextError as exc:
        raise DesignError(str(exc), field) from None


def comparable_type(type_text: str) -> str:
    """The type a foreign key compares: serial columns hold integers."""
    return _SERIAL_BASE.get(type_text, type_text)


def touch(
    project: Project,
    actor: Actor = None,
    verb: str = "",
    kind: str = "",
    name: str = "",
    before: str = "",
    after: str = "",
) -> None:
    """Bump the project's revision, record the edit in its activity log, and (after the
    commit) push the new revision to every open editor."""
    # update() skips auto_now: "Updated" on the project list follows design edits only if set here.
    Project.objects.filter(pk=project.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    project.refresh_from_db(fields=["revision", "updated_at"])
    bumps = _bumps.get()
    if bumps is not None:
        bumps.append(project.revision)
    user = actor if actor is not None and actor.is_authenticated else None
    event = {
        "type": "revision",
        "revision": project.revision,
        "actor": user.get_username() if user else "",
        "actor_id": user.pk if user else None,
    }
    transaction.on_commit(partial(events.publish, project.pk, event))
    if verb:
        activity_log(
            project=project,
            actor=actor,
            verb=verb,
            kind=kind,
            name=name,
            before=before,
            after=after,
        )


def lock_table(table: DesignTable) -> DesignTable:
    """Re-read the table row under a row lock (a no-op on SQLite, which locks the file)."""
    return DesignTable.objects.select_for_update().get(pk=table.pk)


def check_version(table: DesignTable, expected: int | None) -> None:
    """Refuse an edit made on a form older than the table (someone else saved since)."""
    if expected is not None and expected != table.version:
        raise DesignError(ERR_STALE.format(what="table", current=table.version), "version")


def check_room(project: Project, *, table: DesignTable | None = None) -> None:
    """Refuse one more table (``table`` None) or one more column of ``table`` past the limits."""
    if table is None:
        count = DesignTable.objects.filter(project=project).count()
        if count >= settings.ERD_MAX_TABLES:
            raise DesignError(ERR_DESIGN_TABLES.format(count=count), "name")
        return
    width = DesignColumn.objects.filter(table=table).count()
    if width >= PG_MAX_COLUMNS:
        raise DesignError(
            ERR_TABLE_COLUMNS.format(table=table.name, count=width, limit=PG_MAX_COLUMNS), "name"
        )
    total = DesignColumn.objects.filter(table__project=project).count()
    if total >= settings.ERD_MAX_COLUMNS:
        raise DesignError(ERR_DESIGN_COLUMNS.format(count=total), "name")


def bump_version(table: DesignTable) -> None:
    DesignTable.objects.filter(pk=table.pk).update(version=F("version") + 1)
    table.version += 1


def require_columns(
    table: DesignTable, names: Iterable[str], field: str
) -> dict[str, DesignColumn]:
    """The table's columns by name; DesignError on ``field`` when one of ``names`` is missing."""
    existing = {c.name: c for c in DesignColumn.objects.filter(table=table)}
    for n in names:
        if n not in existing:
            raise DesignError(ERR_UNKNOWN_COLUMN.format(table=table.name, name=n), field)
    return existing


# -- the undo history: one entry per user action ----------------------------------------------

# Set while an edit is being recorded (or undone): the services it calls are part of it.
_recording: ContextVar[bool] = ContextVar("design_history_recording", default=False)
# The revisions the edit being recorded bumped the project to (``touch``), in order.
_bumps: ContextVar[list[int] | None] = ContextVar("design_edit_bumps", default=None)
# Entries kept per user and project; older ones can no longer be undone.
HISTORY_LIMIT = 200


def design_parts(schema: m.Schema) -> dict[str, Any]:
    """The parts of a design that undo compares and restores: each table, the enums, the rest."""
    parts: dict[str, Any] = {f"table:{t.id}": t for t in schema.tables}
    parts["enums"] = schema.enums
    parts["rest"] = replace(schema, tables=(), enums=())
    return parts


def part_data(part: Any) -> Any:
    """A part as JSON data (None for a part the design does not hold)."""
    return None if part is None else json.loads(json.dumps(to_data(part)))


def _project_of(kwargs: Mapping[str, Any]) -> Project | None:
    if isinstance(kwargs.get("project"), Project):
        return kwargs["project"]
    for key in ("table", "enum"):
        if key in kwargs:
            return kwargs[key].project
    for key in ("column", "constraint", "index"):
        if key in kwargs:
            return kwargs[key].table.project
    return None


def _table_of(kwargs: Mapping[str, Any]) -> DesignTable | None:
    if isinstance(kwargs.get("table"), DesignTable):
        return kwargs["table"]
    for key in ("column", "constraint", "index"):
        if key in kwargs:
            return kwargs[key].table
    return None


def _newest_table(project: Project) -> int:
    return DesignTable.objects.filter(project=project).aggregate(n=Max("id"))["n"] or 0


def _positions(project: Project, uids: Iterable[str]) -> dict[str, int]:
    rows = DesignTable.objects.filter(project=project, uid__in=list(uids))
    return {f"table:{uid}": p for uid, p in rows.values_list("uid", "position")}


def _scope(table: DesignTable) -> set[str]:
    """What an edit of ``table`` can touch: it, and the tables whose foreign keys point at it
    (renames and deletes carry into them, type changes follow into their columns)."""
    referencing = DesignConstraint.objects.filter(
        table__project_id=table.project_id,
        kind=ConstraintKind.FOREIGN,
        ref_schema=table.schema_name,
        ref_table=table.name,
    ).values_list("table__uid", flat=True)
    return {table.uid, *referencing}


@contextmanager
def recording(
    project: Project | None,
    actor: Actor,
    table: DesignTable | None = None,
    *,
    whole: bool = True,
    referrers: bool = True,
) -> Iterator[None]:
    """Record what the block changes in ``actor``'s undo history, as one entry.

    ``whole``: the block may change anything, so the whole design is compared before and
    after. Otherwise it edits one ``table`` (or creates tables): only that table (with
    ``referrers``, also the tables pointing at it) and the tables created are read, so an edit costs the same at 10 tables
    as at 3,000. Nested edits belong to the outermost one; edits without a signed-in actor
    (the CLI) are not recorded; a block that raises records nothing.
    """
    forget_pending_edit()
    if _recording.get() or project is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    token = _recording.set(True)
    try:
        # The project's row first, before anything is read (FOR NO KEY UPDATE, the lock the
        # revision bump takes, which leaves other rows' foreign keys to the project free):
        # no other edit of the design commits between what this one reads as "before" and
        # what it writes, so its undo entry holds only its own change (it never undoes
        # another user's) and the design it patches into the memo is exact. Undo and whole-
        # design writes take this row first too: one lock order, no deadlock.
        if connection.in_atomic_block:
            locked = Project.objects.select_for_update(no_key=True).filter(pk=project.pk)
            locked.values_list("pk").first()
        last_activity = Activity.objects.filter(project=project).aggregate(n=Max("id"))["n"] or 0
        if whole:
            before = project_schema(project)
            old = design_parts(before)
            positions = {"before": {f"table:{t.id}": i for i, t in enumerate(before.tables)}}
        else:
            newest = _newest_table(project)
            scope = set()
            if table is not None:
                scope = _scope(table) if referrers else {table.uid}
            old = {f"table:{t.id}": t for t in tables_by_uid(project, scope)}
            positions = {"before": _positions(project, scope)}
            revision = design_key(project)
        bumps: list[int] = []
        bumps_token = _bumps.set(bumps)
        try:
            yield
        finally:
            _bumps.reset(bumps_token)
        if whole:
            after = project_schema(project)
            new = design_parts(after)
            positions["after"] = {f"table:{t.id}": i for i, t in enumerate(after.tables)}
        else:
            created = DesignTable.objects.filter(project=project, id__gt=newest)
            scope |= set(created.values_list("uid", flat=True))
            new = {f"table:{t.id}": t for t in tables_by_uid(project, scope)}
            same_tables = old.keys() == new.keys()
            old.update({f"table:{u}": None for u in scope if f"table:{u}" not in old})
            positions["after"] = _positions(project, scope)
            if same_tables and positions["after"] == positions["before"]:
                remember_table_edit(project, revision, list(new.values()), len(bumps))
        _record(project, actor, old, new, positions, last_activity)
    finally:
        _recording.reset(token)


@contextmanager
def not_recorded() -> Iterator[None]:
    """Run edits that must not become history entries of their own (undo and redo)."""
    forget_pending_edit()
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


def recorded(func: Callable[P, R]) -> Callable[P, R]:
    """Make a design service one undoable entry in the acting user's history (a service
    that may change anything in the design: the whole design is compared)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with recording(_project_of(kwargs), kwargs.get("actor")):
            return func(*args, **kwargs)

    return wrapper


def _table_recorder(*, referrers: bool) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            table = _table_of(kwargs)
            project = _project_of(kwargs)
            with recording(project, kwargs.get("actor"), table, whole=False, referrers=referrers):
                return func(*args, **kwargs)

        return wrapper

    return decorate


# Like ``recorded``, for a service that edits one table (named by its ``table``, ``column``,
# ``constraint`` or ``index`` argument) or creates tables: only that table is compared ...
recorded_table = _table_recorder(referrers=False)
# ... and for edits that carry into the foreign keys of other tables (renames, deletes, type
# changes), that table and the tables whose foreign keys point at it.
recorded_table_and_referrers = _table_recorder(referrers=True)


def _record(
    project: Project,
    actor: Actor,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    positions: dict[str, dict[str, int]],
    last_activity: int,
) -> None:
    keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
    if not keys:
        return
    activity = (
        Activity.objects.filter(project=project, id__gt=last_activity).order_by("-id").first()
    )
    label = str(activity) if activity else "edit"
    data = {
        "before": {k: part_data(old.get(k)) for k in keys},
        "after": {k: part_data(new.get(k)) for k in keys},
        "positions": {
            side: {k: i for k, i in found.items() if k in keys} for side, found in positions.items()
        },
    }
    store_entry(project, actor, label, data)


def recording_active() -> bool:
    """True inside an edit being recorded, undone or redone: what it calls is part of it."""
    return _recording.get()


def store_entry(project: Project, actor: Actor, label: str, data: dict[str, Any]) -> None:
    """Push one entry on ``actor``'s undo stack of ``project`` (design edits and canvas moves)."""
    stack = DesignHistory.objects.filter(project=project, user=actor)
    stack.filter(undone=True).delete()  # a new edit ends what could be redone
    DesignHistory.objects.create(
        project=project,
        user=actor,
        label=label[:300],
        data=zlib.compress(json.dumps(data, ensure_ascii=False).encode()),
    )
    stale = list(stack.values_list("id", flat=True)[HISTORY_LIMIT:])
    if stale:
        DesignHistory.objects.filter(id__in=stale).delete()


def history_data(entry: DesignHistory) -> dict[str, Any]:
    return json.loads(zlib.decompress(bytes(entry.data)))
