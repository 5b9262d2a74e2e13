"""Changes to tables and their columns, and what a column type change costs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from designer.migrate.changes.base import NO_LOCK, Change, TableChange
from designer.schema.model import Column, Table

# -- type changes: which rewrite the table, which can lose data --------------------------

_TYPE_TEXT = re.compile(
    r"(?P<base>[a-z][a-z ]*?)(?:\((?P<mods>[0-9, ]+)\))?(?P<tz> with(?:out)? time zone)?"
    r"(?P<array>(?:\[\])*)\Z"
)
_VARLEN = frozenset({"character varying", "bit varying"})
_TEXTLIKE = frozenset({"text", "character varying"})
_INT_RANK = {"smallint": 1, "integer": 2, "bigint": 3}
# Pairs PostgreSQL converts without touching a row (binary-coercible, no length check).
_FREE_CASTS = frozenset(
    {("character varying", "text"), ("text", "character varying"), ("cidr", "inet")}
)


def _parse_type(text: str) -> tuple[str, tuple[int, ...], str] | None:
    m = _TYPE_TEXT.match(text)
    if not m:
        return None
    mods = tuple(int(x) for x in (m["mods"] or "").replace(" ", "").split(",") if x)
    return m["base"] + (m["tz"] or ""), mods, m["array"]


def type_change_rewrites(old: str, new: str) -> bool:
    """True when ``ALTER COLUMN TYPE old -> new`` rewrites the table (and its indexes).

    Binary-coercible changes only relabel the column: a longer (or no) length limit
    on varchar/varbit, varchar <-> text, more numeric precision at the same scale.
    Everything else (int -> bigint included) is assumed to rewrite.
    """
    if old == new:
        return False
    a, b = _parse_type(old), _parse_type(new)
    if a is None or b is None or a[2] != b[2]:
        return True
    (base_a, mods_a, array), (base_b, mods_b, _) = a, b
    if array:  # element-wise coercion of arrays always rewrites
        return True
    if (base_a, base_b) in _FREE_CASTS:
        return bool(mods_b)  # text -> varchar(n) must check every value
    if base_a == base_b and base_a in _VARLEN:
        return bool(mods_b) and (not mods_a or mods_b[0] < mods_a[0])
    if base_a == base_b == "numeric":
        if not mods_b:
            return False
        if not mods_a:
            return True
        scale_a = mods_a[1] if len(mods_a) > 1 else 0
        scale_b = mods_b[1] if len(mods_b) > 1 else 0
        return scale_a != scale_b or mods_b[0] < mods_a[0]
    return True


def type_change_narrows(old: str, new: str) -> bool:
    """True when values of ``old`` may not fit ``new``: the change can fail or lose data."""
    a, b = _parse_type(old), _parse_type(new)
    if a is None or b is None or old == new:
        return False
    (base_a, mods_a, _), (base_b, mods_b, _) = a, b
    if base_a in _INT_RANK and base_b in _INT_RANK:
        return _INT_RANK[base_b] < _INT_RANK[base_a]
    if base_a in _TEXTLIKE | _VARLEN and base_b in _VARLEN | {"character"}:
        return bool(mods_b) and (not mods_a or mods_b[0] < mods_a[0])
    if base_a == base_b == "numeric" and mods_b:
        if not mods_a:
            return True
        scale_a = mods_a[1] if len(mods_a) > 1 else 0
        scale_b = mods_b[1] if len(mods_b) > 1 else 0
        return scale_b < scale_a or mods_b[0] - scale_b < mods_a[0] - scale_a
    if base_a == "double precision" and base_b == "real":
        return True
    return base_a in _TEXTLIKE and base_b not in _TEXTLIKE


@dataclass(frozen=True)
class AddTable(Change):
    """A new table with its columns, keys, checks and indexes; foreign keys come separately."""

    table: Table
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Create table {self.table.qualified_name}"

    def reverse(self) -> Change:
        return DropTable(self.table)


@dataclass(frozen=True)
class DropTable(Change):
    table: Table
    destructive: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Drop table {self.table.qualified_name}"

    def reverse(self) -> Change:
        return AddTable(self.table)


@dataclass(frozen=True)
class RenameTable(TableChange):
    new_name: str

    def describe(self) -> str:
        return f"Rename table {self.schema}.{self.table} to {self.new_name}"

    def reverse(self) -> Change:
        return RenameTable(self.schema, self.new_name, self.table)


@dataclass(frozen=True)
class AddColumn(TableChange):
    column: Column

    def describe(self) -> str:
        return f"Add column {self.schema}.{self.table}.{self.column.name} {self.column.type}"

    def reverse(self) -> Change:
        return DropColumn(self.schema, self.table, self.column)


@dataclass(frozen=True)
class DropColumn(TableChange):
    column: Column
    destructive: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Drop column {self.schema}.{self.table}.{self.column.name}"

    def reverse(self) -> Change:
        return AddColumn(self.schema, self.table, self.column)


@dataclass(frozen=True)
class RenameColumn(TableChange):
    old_name: str
    new_name: str

    def describe(self) -> str:
        return f"Rename column {self.schema}.{self.table}.{self.old_name} to {self.new_name}"

    def reverse(self) -> Change:
        return RenameColumn(self.schema, self.table, self.new_name, self.old_name)


@dataclass(frozen=True)
class AlterColumnType(TableChange):
    column: str
    old_type: str
    new_type: str
    # USING expression for casts PostgreSQL will not do implicitly (None: plain cast)
    using: str | None = None
    old_collation: str | None = None
    new_collation: str | None = None

    @property
    def rewrites(self) -> bool:  # type: ignore[override]
        return self.old_collation != self.new_collation or type_change_rewrites(
            self.old_type, self.new_type
        )

    @property
    def scans(self) -> bool:  # type: ignore[override]
        return self.rewrites

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return type_change_narrows(self.old_type, self.new_type)

    def describe(self) -> str:
        return (
            f"Change type of {self.schema}.{self.table}.{self.column}"
            f" from {self.old_type} to {self.new_type}"
        )

    def reverse(self) -> Change:
        return AlterColumnType(
            self.schema,
            self.table,
            self.column,
            self.new_type,
            self.old_type,
            None,
            self.new_collation,
            self.old_collation,
        )


@dataclass(frozen=True)
class SetNotNull(TableChange):
    column: str
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Make {self.schema}.{self.table}.{self.column} NOT NULL"

    def reverse(self) -> Change:
        return DropNotNull(self.schema, self.table, self.column)


@dataclass(frozen=True)
class DropNotNull(TableChange):
    column: str

    def describe(self) -> str:
        return f"Allow NULL in {self.schema}.{self.table}.{self.column}"

    def reverse(self) -> Change:
        return SetNotNull(self.schema, self.table, self.column)


@dataclass(frozen=True)
class SetDefault(TableChange):
    column: str
    default: str
    old_default: str | None = None

    def describe(self) -> str:
        return f"Set default of {self.schema}.{self.table}.{self.column} to {self.default}"

    def reverse(self) -> Change:
        if self.old_default is None:
            return DropDefault(self.schema, self.table, self.column, self.default)
        return SetDefault(self.schema, self.table, self.column, self.old_default, self.default)


@dataclass(frozen=True)
class DropDefault(TableChange):
    column: str
    old_default: str

    def describe(self) -> str:
        return f"Drop default of {self.schema}.{self.table}.{self.column}"

    def reverse(self) -> Change:
        return SetDefault(self.schema, self.table, self.column, self.old_default)


@dataclass(frozen=True)
class AddIdentity(TableChange):
    column: str
    identity: str  # ALWAYS | BY DEFAULT
    options: str | None = None

    def describe(self) -> str:
        return f"Make {self.schema}.{self.table}.{self.column} an identity column"

    def reverse(self) -> Change:
        return DropIdentity(self.schema, self.table, self.column, self.identity, self.options)


@dataclass(frozen=True)
class DropIdentity(TableChange):
    column: str
    identity: str
    options: str | None = None

    def describe(self) -> str:
        return f"Drop identity of {self.schema}.{self.table}.{self.column}"

    def reverse(self) -> Change:
        return AddIdentity(self.schema, self.table, self.column, self.identity, self.options)
