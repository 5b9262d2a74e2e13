"""Versions: named snapshots of a design, and restoring one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Max

from designer.diagram.dot import fk_key
from designer.migrate import Plan, diff, plan
from designer.migrate.changes import (
    AddColumn,
    AddForeignKey,
    AddTable,
    Change,
    DropColumn,
    DropForeignKey,
    DropTable,
    RenameColumn,
    TableChange,
)
from designer.schema.model import Column, Schema, Table
from designer.schema.serialize import schema_from_json, schema_to_json
from designer.selectors.design import project_schema
from designer.services._common import recorded
from designer.services.errors import DesignError
from designer.services.schema import schema_replace
from projects import webhooks
from projects.models import (
    Actor,
    Project,
    ReviewRequest,
    ReviewState,
    Version,
    WebhookEvent,
)
from projects.services import activity_log

ERR_VERSION_NAME_TAKEN = "A version named “{name}” already exists."
ERR_VERSION_NAME_EMPTY = "Give the version a name."
ERR_NO_SUCH_VERSION = "There is no version named “{name}”."
WORKING = "working"
# Aliases a pipeline can name without knowing version names.
APPROVED = "@approved"  # the version of the most recently approved review
LATEST = "@latest"  # the newest version
ERR_NO_APPROVED = "No review has been approved yet, so “@approved” names no version."
ERR_NO_VERSIONS = "This project has no versions yet, so “@latest” names none."


@transaction.atomic
def snapshot_create(
    *, project: Project, name: str, message: str = "", author: Actor = None
) -> Version:
    name = name.strip()
    if not name:
        raise DesignError(ERR_VERSION_NAME_EMPTY, "name")
    if name == WORKING or name.startswith("@"):
        raise DesignError(f"“{name}” is reserved (working, @approved, @latest).", "name")
    if Version.objects.filter(project=project, name=name).exists():
        raise DesignError(ERR_VERSION_NAME_TAKEN.format(name=name), "name")
    version = Version.objects.create(
        project=project,
        name=name,
        message=message.strip(),
        author=author,
        schema_json=schema_to_json(project_schema(project)),
    )
    activity_log(
        project=project, actor=author, verb="created", kind="version", name=name, after=message
    )
    webhooks.emit(
        project,
        WebhookEvent.VERSION_CREATED,
        {"version": name, "message": version.message, "author": getattr(author, "username", None)},
    )
    return version


def resolve_version(project: Project, name: str) -> Version:
    """The version ``name`` names: a version's name, ``@approved`` or ``@latest``."""
    if name == APPROVED:
        review = (
            ReviewRequest.objects.filter(project=project, state=ReviewState.APPROVED)
            .select_related("version")
            .annotate(approved_at=Max("assignments__decided_at"))
            .order_by("-approved_at", "-id")
            .first()
        )
        if review is None:
            raise DesignError(ERR_NO_APPROVED, "name")
        return review.version
    if name == LATEST:
        latest = Version.objects.filter(project=project).first()  # newest first
        if latest is None:
            raise DesignError(ERR_NO_VERSIONS, "name")
        return latest
    version = Version.objects.filter(project=project, name=name).first()
    if version is None:
        raise DesignError(ERR_NO_SUCH_VERSION.format(name=name), "name")
    return version


def version_schema(project: Project, name: str) -> Schema:
    """The schema of a version by name (or alias, see ``resolve_version``); ``working`` is
    the current working design."""
    if name == WORKING:
        return project_schema(project)
    version = resolve_version(project, name)
    return schema_from_json(version.schema_json)


@transaction.atomic
@recorded
def version_restore(*, project: Project, name: str, actor: Actor = None) -> None:
    """Make a version the working design again (atomic; object ids are kept)."""
    schema_replace(actor=actor, project=project, schema=version_schema(project, name))
    activity_log(project=project, actor=actor, verb="restored", kind="version", name=name)


# -- comparing two designs ------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two designs side by side: the changes, the plan, and what the visual diff draws."""

    base: str
    target: str
    changes: tuple[Change, ...]
    plan: Plan
    # the target design plus what it dropped, so removed tables and columns still show
    union: Schema
    highlight: dict[str, str]
    edge_highlight: dict[str, str]

    @property
    def is_empty(self) -> bool:
        return not self.changes


def _mark(marks: dict[str, str], key: str, state: str) -> None:
    # "added"/"removed" say more than "changed": never downgrade them.
    if marks.get(key) in ("added", "removed"):
        return
    marks[key] = state


def _with_column(table: Table, column: Column, before: Table | None) -> Table:
    """``table`` with a dropped ``column`` put back where it stood in ``before``."""
    position = len(table.columns)
    if before is not None and column.name in before.column_names:
        position = min(before.column_names.index(column.name), position)
    columns = list(table.columns)
    columns.insert(position, column)
    return replace(table, columns=tuple(columns))


def compare_schemas(
    before: Schema,
    after: Schema,
    *,
    base: str = "",
    target: str = "",
    renames: dict[str, str] | None = None,
) -> Comparison:
    """Diff ``before`` -> ``after`` and derive the visual diff's union schema and highlight map.

    ``renames`` are renames the user confirmed (keys as ``designer.migrate.diff`` takes them);
    designs edited here carry object ids, so their renames need no confirmation.
    """
    changes = diff(before, after, renames=renames)
    marks: dict[str, str] = {}
    edges: dict[str, str] = {}
    union = after
    for change in changes:
        if isinstance(change, AddTable):
            qname = change.table.qualified_name
            _mark(marks, qname, "added")
            for column in change.table.columns:
                _mark(marks, f"{qname}.{column.name}", "added")
        elif isinstance(change, DropTable):
            dropped = change.table
            union = replace(union, tables=(*union.tables, dropped))
            _mark(marks, dropped.qualified_name, "removed")
            for column in dropped.columns:
                _mark(marks, f"{dropped.qualified_name}.{column.name}", "removed")
        elif isinstance(change, TableChange):
            qname = f"{change.schema}.{change.table}"
            current = union.table(change.table, change.schema)
            if isinstance(change, AddColumn):
                _mark(marks, f"{qname}.{change.column.name}", "added")
            elif isinstance(change, DropColumn) and current is not None:
                old = next(
                    (t for t in before.tables if t.id and t.id == current.id), None
                ) or before.table(change.table, change.schema)
                union = union.with_table(_with_column(current, change.column, old))
                _mark(marks, f"{qname}.{change.column.name}", "removed")
            elif isinstance(change, RenameColumn):
                _mark(marks, f"{qname}.{change.new_name}", "changed")
            elif isinstance(change, AddForeignKey) and current is not None:
                edges[fk_key(current, change.foreign_key)] = "added"
            elif isinstance(change, DropForeignKey) and current is not None:
                fk = change.foreign_key
                if fk not in current.foreign_keys:
                    current = replace(current, foreign_keys=(*current.foreign_keys, fk))
                    union = union.with_table(current)
                edges[fk_key(current, fk)] = "removed"
            elif isinstance(getattr(change, "column", None), str):
                _mark(marks, f"{qname}.{change.column}", "changed")  # type: ignore[attr-defined]
            if qname not in marks:
                _mark(marks, qname, "changed")
    return Comparison(
        base=base,
        target=target,
        changes=tuple(changes),
        plan=plan(changes, allow_destructive=True),
        union=union,
        highlight=dict(sorted(marks.items())),
        edge_highlight=dict(sorted(edges.items())),
    )


def compare_versions(project: Project, base: str, target: str) -> Comparison:
    """Compare two versions by name (``working`` is the working design, "" an empty design)."""
    before = version_schema(project, base) if base else Schema()
    after = version_schema(project, target)
    return compare_schemas(before, after, base=base, target=target)


__all__ = [
    "APPROVED",
    "LATEST",
    "WORKING",
    "Comparison",
    "compare_schemas",
    "compare_versions",
    "resolve_version",
    "snapshot_create",
    "version_restore",
    "version_schema",
]
