"""The base of every change: what a plain statement costs (locks), ``Change`` and
``TableChange``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from designer.schema.sqltext import qualify

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE = "SHARE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
NO_LOCK = "none"
# Strongest first: the order a reader compares locks in.
LOCK_LEVELS = (ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, SHARE, SHARE_UPDATE_EXCLUSIVE, NO_LOCK)


class Change:
    """Base of every change. Subclasses are frozen dataclasses."""

    lock: ClassVar[str] = ACCESS_EXCLUSIVE
    destructive: ClassVar[bool] = False
    rewrites: ClassVar[bool] = False
    scans: ClassVar[bool] = False

    def describe(self) -> str:
        raise NotImplementedError

    def reverse(self) -> Change:
        raise NotImplementedError

    @property
    def kind(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class TableChange(Change):
    """A change to one table, named by its schema and (current) name."""

    schema: str
    table: str

    @property
    def qualified(self) -> str:
        return qualify(self.schema, self.table)
