"""Changes to views, comments and row-level security, and the changes done by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from designer.migrate.changes.base import ACCESS_EXCLUSIVE, NO_LOCK, Change, TableChange
from designer.schema.model import Policy, View


@dataclass(frozen=True)
class AddView(Change):
    view: View
    # True when the view reads a table with ``*`` and a column of it is dropped: PostgreSQL
    # would expand the star to the doomed column, so the view comes back after the drop.
    late: bool = False
    lock: ClassVar[str] = NO_LOCK

    @property
    def scans(self) -> bool:  # type: ignore[override]
        return self.view.materialized and self.view.with_data

    def describe(self) -> str:
        kind = "materialized view" if self.view.materialized else "view"
        return f"Create {kind} {self.view.qualified_name}"

    def reverse(self) -> Change:
        return DropView(self.view)


@dataclass(frozen=True)
class DropView(Change):
    view: View
    # True when the view is dropped only to let a column under it change, and comes back
    rebuild: bool = False
    # True when it can wait until just before the columns it reads are dropped (contract)
    late: bool = False
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        why = " (recreated after the columns it reads change)" if self.rebuild else ""
        kind = "materialized view" if self.view.materialized else "view"
        return f"Drop {kind} {self.view.qualified_name}{why}"

    def reverse(self) -> Change:
        return AddView(self.view)


@dataclass(frozen=True)
class ReplaceView(Change):
    old: View
    new: View
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Replace the query of view {self.new.qualified_name}"

    def reverse(self) -> Change:
        return ReplaceView(self.new, self.old)


@dataclass(frozen=True)
class RefreshView(Change):
    """``CREATE OR REPLACE`` a view that reads a table gaining columns with ``*``.

    PostgreSQL expands ``*`` when the view is created, so without this the migrated
    database keeps the old column list while one built from the design has the new
    columns. Replacing appends the new columns and keeps the view readable throughout.
    Views reading a refreshed view are refreshed too: the rollback drops them all, and
    ``RestoreViewOnRollback`` re-creates them once the new columns are gone.
    """

    old: View
    new: View
    lock: ClassVar[str] = ACCESS_EXCLUSIVE

    def describe(self) -> str:
        return f"Re-create view {self.new.qualified_name} so its * includes the new columns"

    def reverse(self) -> Change:
        return RefreshView(self.new, self.old)


@dataclass(frozen=True)
class RestoreViewOnRollback(Change):
    """Runs nothing on the way up; sits before the columns a ``RefreshView`` waits for.

    CREATE OR REPLACE VIEW cannot drop columns, so the rollback drops the refreshed view
    before the added columns go and re-creates the old one here, after they are gone.
    """

    view: View
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return (
            f"Rollback point: view {self.view.qualified_name} is re-created here with its"
            " old columns"
        )

    def reverse(self) -> Change:
        return self


@dataclass(frozen=True)
class SetComment(Change):
    """``COMMENT ON <object_kind> <target> IS ...``; ``target`` is quoted SQL text."""

    object_kind: str  # TABLE, COLUMN, INDEX, VIEW, TYPE, ...
    target: str
    comment: str | None
    old_comment: str | None = None
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        if self.comment is None:
            return f"Remove the comment on {self.object_kind.lower()} {self.target}"
        return f"Comment on {self.object_kind.lower()} {self.target}"

    def reverse(self) -> Change:
        return SetComment(self.object_kind, self.target, self.old_comment, self.comment)


@dataclass(frozen=True)
class EnableRls(TableChange):
    force: bool = False

    def describe(self) -> str:
        forced = " (forced for the owner too)" if self.force else ""
        return f"Enable row-level security on {self.schema}.{self.table}{forced}"

    def reverse(self) -> Change:
        return DisableRls(self.schema, self.table, self.force)


@dataclass(frozen=True)
class DisableRls(TableChange):
    force: bool = False  # the FORCE setting it had

    def describe(self) -> str:
        return f"Disable row-level security on {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return EnableRls(self.schema, self.table, self.force)


@dataclass(frozen=True)
class AddPolicy(TableChange):
    policy: Policy

    def describe(self) -> str:
        return f"Create policy {self.policy.name} on {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return DropPolicy(self.schema, self.table, self.policy)


@dataclass(frozen=True)
class DropPolicy(TableChange):
    policy: Policy

    def describe(self) -> str:
        return f"Drop policy {self.policy.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddPolicy(self.schema, self.table, self.policy)


@dataclass(frozen=True)
class ManualChange(Change):
    """A difference the planner cannot script safely; shown so it is never silently lost."""

    what: str
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Manual: {self.what}"

    def reverse(self) -> Change:
        return self
