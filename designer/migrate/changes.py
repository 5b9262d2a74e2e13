"""Typed schema changes: what ``diff()`` finds and the planner turns into steps.

Each change is a small frozen dataclass that carries the state it replaces, so
``reverse()`` needs nothing else. Class attributes say what the plain statement
costs: the lock it takes on an existing table, whether it rewrites or scans the
table, and whether it loses data (``destructive``). The planner may use a safer
pattern than the plain statement; its steps then carry their own costs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import ClassVar

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    Extension,
    ForeignKey,
    Index,
    Policy,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
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


# -- namespaces, extensions, types, sequences ----------------------------------------


@dataclass(frozen=True)
class AddSchema(Change):
    name: str
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Create schema {self.name}"

    def reverse(self) -> Change:
        return DropSchema(self.name)


@dataclass(frozen=True)
class DropSchema(Change):
    name: str
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Drop schema {self.name}"

    def reverse(self) -> Change:
        return AddSchema(self.name)


@dataclass(frozen=True)
class AddExtension(Change):
    extension: Extension
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Create extension {self.extension.name}"

    def reverse(self) -> Change:
        return DropExtension(self.extension)


@dataclass(frozen=True)
class DropExtension(Change):
    extension: Extension
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Drop extension {self.extension.name}"

    def reverse(self) -> Change:
        return AddExtension(self.extension)


@dataclass(frozen=True)
class AddEnum(Change):
    enum: EnumType
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Create enum {self.enum.qualified_name} ({', '.join(self.enum.values)})"

    def reverse(self) -> Change:
        return DropEnum(self.enum)


@dataclass(frozen=True)
class DropEnum(Change):
    enum: EnumType
    lock: ClassVar[str] = NO_LOCK
    destructive: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Drop enum {self.enum.qualified_name}"

    def reverse(self) -> Change:
        return AddEnum(self.enum)


@dataclass(frozen=True)
class EnumUse:
    """A column whose type is an enum (or an array of it): needed to rebuild the enum."""

    schema: str
    table: str
    column: str
    type: str
    default: str | None = None


@dataclass(frozen=True)
class AddEnumValue(Change):
    """``ALTER TYPE ... ADD VALUE``; ``enum`` is the type before the change."""

    enum: EnumType
    value: str
    before: str | None = None  # the value the new one goes before, when not appended
    uses: tuple[EnumUse, ...] = ()
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        where = f" before '{self.before}'" if self.before else ""
        return f"Add value '{self.value}' to enum {self.enum.qualified_name}{where}"

    @property
    def after_enum(self) -> EnumType:
        values = list(self.enum.values)
        values.insert(values.index(self.before) if self.before else len(values), self.value)
        return replace(self.enum, values=tuple(values))

    def reverse(self) -> Change:
        return RecreateEnum(self.after_enum, self.enum, self.uses)


@dataclass(frozen=True)
class RecreateEnum(Change):
    """Values removed or reordered: a new type, every column cast to it, the old one dropped."""

    old: EnumType
    new: EnumType
    uses: tuple[EnumUse, ...] = ()
    rewrites: ClassVar[bool] = True

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return bool(set(self.old.values) - set(self.new.values))

    def describe(self) -> str:
        return (
            f"Rebuild enum {self.old.qualified_name}: ({', '.join(self.old.values)})"
            f" -> ({', '.join(self.new.values)})"
        )

    def reverse(self) -> Change:
        return RecreateEnum(self.new, self.old, self.uses)


@dataclass(frozen=True)
class AddDomain(Change):
    domain: Domain
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Create domain {self.domain.qualified_name}"

    def reverse(self) -> Change:
        return DropDomain(self.domain)


@dataclass(frozen=True)
class DropDomain(Change):
    domain: Domain
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Drop domain {self.domain.qualified_name}"

    def reverse(self) -> Change:
        return AddDomain(self.domain)


@dataclass(frozen=True)
class AddSequence(Change):
    sequence: Sequence
    lock: ClassVar[str] = NO_LOCK

    def describe(self) -> str:
        return f"Create sequence {self.sequence.qualified_name}"

    def reverse(self) -> Change:
        return DropSequence(self.sequence)


@dataclass(frozen=True)
class DropSequence(Change):
    sequence: Sequence
    lock: ClassVar[str] = NO_LOCK
    destructive: ClassVar[bool] = True  # its current value is lost

    def describe(self) -> str:
        return f"Drop sequence {self.sequence.qualified_name}"

    def reverse(self) -> Change:
        return AddSequence(self.sequence)


@dataclass(frozen=True)
class RenameSequence(Change):
    """Follows a table or column rename: PostgreSQL keeps the old serial/identity sequence name."""

    schema: str
    old_name: str
    new_name: str

    def describe(self) -> str:
        return f"Rename sequence {self.schema}.{self.old_name} to {self.new_name}"

    def reverse(self) -> Change:
        return RenameSequence(self.schema, self.new_name, self.old_name)


# -- tables ----------------------------------------------------------------------------


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


# -- constraints and indexes ----------------------------------------------------------


@dataclass(frozen=True)
class AddPrimaryKey(TableChange):
    primary_key: PrimaryKey
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        cols = ", ".join(self.primary_key.columns)
        return f"Add primary key {self.primary_key.name} on {self.schema}.{self.table} ({cols})"

    def reverse(self) -> Change:
        return DropPrimaryKey(self.schema, self.table, self.primary_key)


@dataclass(frozen=True)
class DropPrimaryKey(TableChange):
    primary_key: PrimaryKey

    def describe(self) -> str:
        return f"Drop primary key {self.primary_key.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddPrimaryKey(self.schema, self.table, self.primary_key)


@dataclass(frozen=True)
class AddForeignKey(TableChange):
    foreign_key: ForeignKey
    lock: ClassVar[str] = SHARE_ROW_EXCLUSIVE
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        fk = self.foreign_key
        return (
            f"Add foreign key {fk.name} {self.schema}.{self.table} ({', '.join(fk.columns)})"
            f" -> {fk.ref_schema}.{fk.ref_table} ({', '.join(fk.ref_columns)})"
        )

    def reverse(self) -> Change:
        return DropForeignKey(self.schema, self.table, self.foreign_key)


@dataclass(frozen=True)
class DropForeignKey(TableChange):
    foreign_key: ForeignKey
    lock: ClassVar[str] = SHARE_ROW_EXCLUSIVE

    def describe(self) -> str:
        return f"Drop foreign key {self.foreign_key.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddForeignKey(self.schema, self.table, self.foreign_key)


@dataclass(frozen=True)
class AddUnique(TableChange):
    unique: UniqueConstraint
    lock: ClassVar[str] = SHARE
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        cols = ", ".join(self.unique.columns)
        return f"Add unique constraint {self.unique.name} on {self.schema}.{self.table} ({cols})"

    def reverse(self) -> Change:
        return DropUnique(self.schema, self.table, self.unique)


@dataclass(frozen=True)
class DropUnique(TableChange):
    unique: UniqueConstraint

    def describe(self) -> str:
        return f"Drop unique constraint {self.unique.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddUnique(self.schema, self.table, self.unique)


@dataclass(frozen=True)
class AddCheck(TableChange):
    check: CheckConstraint
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Add check {self.check.name} on {self.schema}.{self.table}: {self.check.expression}"

    def reverse(self) -> Change:
        return DropCheck(self.schema, self.table, self.check)


@dataclass(frozen=True)
class DropCheck(TableChange):
    check: CheckConstraint

    def describe(self) -> str:
        return f"Drop check {self.check.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddCheck(self.schema, self.table, self.check)


@dataclass(frozen=True)
class AddExclusion(TableChange):
    exclusion: ExcludeConstraint
    lock: ClassVar[str] = SHARE
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Add exclusion constraint {self.exclusion.name} on {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return DropExclusion(self.schema, self.table, self.exclusion)


@dataclass(frozen=True)
class DropExclusion(TableChange):
    exclusion: ExcludeConstraint

    def describe(self) -> str:
        return f"Drop exclusion constraint {self.exclusion.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddExclusion(self.schema, self.table, self.exclusion)


@dataclass(frozen=True)
class RenameConstraint(TableChange):
    old_name: str
    new_name: str

    def describe(self) -> str:
        return f"Rename constraint {self.old_name} of {self.schema}.{self.table} to {self.new_name}"

    def reverse(self) -> Change:
        return RenameConstraint(self.schema, self.table, self.new_name, self.old_name)


@dataclass(frozen=True)
class AddIndex(TableChange):
    index: Index
    lock: ClassVar[str] = SHARE
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        parts = ", ".join(p.label for p in self.index.parts)
        unique = "unique " if self.index.unique else ""
        where = f" WHERE {self.index.where}" if self.index.where else ""
        return f"Add {unique}index {self.index.name} on {self.schema}.{self.table} ({parts}){where}"

    def reverse(self) -> Change:
        return DropIndex(self.schema, self.table, self.index)


@dataclass(frozen=True)
class DropIndex(TableChange):
    index: Index

    def describe(self) -> str:
        return f"Drop index {self.index.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddIndex(self.schema, self.table, self.index)


@dataclass(frozen=True)
class RenameIndex(TableChange):
    old_name: str
    new_name: str
    lock: ClassVar[str] = SHARE_UPDATE_EXCLUSIVE

    def describe(self) -> str:
        return f"Rename index {self.schema}.{self.old_name} to {self.new_name}"

    def reverse(self) -> Change:
        return RenameIndex(self.schema, self.table, self.new_name, self.old_name)


# -- views, comments, row-level security ----------------------------------------------


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


CHANGE_TYPES: tuple[type[Change], ...] = (
    AddSchema,
    DropSchema,
    AddExtension,
    DropExtension,
    AddEnum,
    DropEnum,
    AddEnumValue,
    RecreateEnum,
    AddDomain,
    DropDomain,
    AddSequence,
    DropSequence,
    RenameSequence,
    AddTable,
    DropTable,
    RenameTable,
    AddColumn,
    DropColumn,
    RenameColumn,
    AlterColumnType,
    SetNotNull,
    DropNotNull,
    SetDefault,
    DropDefault,
    AddIdentity,
    DropIdentity,
    AddPrimaryKey,
    DropPrimaryKey,
    AddForeignKey,
    DropForeignKey,
    AddUnique,
    DropUnique,
    AddCheck,
    DropCheck,
    AddExclusion,
    DropExclusion,
    RenameConstraint,
    AddIndex,
    DropIndex,
    RenameIndex,
    AddView,
    DropView,
    ReplaceView,
    RefreshView,
    RestoreViewOnRollback,
    SetComment,
    EnableRls,
    DisableRls,
    AddPolicy,
    DropPolicy,
    ManualChange,
)
