"""What every design edit shares: name and SQL-text checks, the table lock, the stale check,
and the revision bump with its activity-log line.

Edits lock their table's row, refuse a form older than the table (``check_version``), and
end with ``bump_version`` (the table) and ``touch`` (the project), so open editors learn
that something changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from designer import events
from designer.models import DesignColumn, DesignTable
from designer.schema.sqltext import (
    SqlTextError,
    identifier_errors,
    identifier_warnings,
    normalize_expr,
    normalize_type,
)
from designer.services.errors import (
    ERR_DESIGN_COLUMNS,
    ERR_DESIGN_TABLES,
    ERR_STALE,
    ERR_TABLE_COLUMNS,
    ERR_UNKNOWN_COLUMN,
    DesignError,
)
from projects.models import Actor, Project
from projects.services import activity_log

PG_MAX_COLUMNS = 1600  # PostgreSQL's limit of columns a table (MaxHeapAttributeNumber)
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
