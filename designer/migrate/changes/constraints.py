"""Changes to keys, checks, exclusion constraints and indexes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from designer.migrate.changes.base import (
    SHARE,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    Change,
    TableChange,
)
from designer.schema.model import (
    CheckConstraint,
    ExcludeConstraint,
    ForeignKey,
    Index,
    PrimaryKey,
    UniqueConstraint,
)

AnyConstraint = PrimaryKey | UniqueConstraint | CheckConstraint | ForeignKey | ExcludeConstraint


@dataclass(frozen=True)
class ConstraintChange(TableChange):
    """A change adding or dropping one table constraint, known by its name."""

    @property
    def constraint(self) -> AnyConstraint:
        raise NotImplementedError

    @property
    def constraint_name(self) -> str:
        return self.constraint.name or ""


@dataclass(frozen=True)
class AddPrimaryKey(ConstraintChange):
    primary_key: PrimaryKey
    scans: ClassVar[bool] = True

    @property
    def constraint(self) -> AnyConstraint:
        return self.primary_key

    def describe(self) -> str:
        cols = ", ".join(self.primary_key.columns)
        return f"Add primary key {self.primary_key.name} on {self.schema}.{self.table} ({cols})"

    def reverse(self) -> Change:
        return DropPrimaryKey(self.schema, self.table, self.primary_key)


@dataclass(frozen=True)
class DropPrimaryKey(ConstraintChange):
    primary_key: PrimaryKey

    @property
    def constraint(self) -> AnyConstraint:
        return self.primary_key

    def describe(self) -> str:
        return f"Drop primary key {self.primary_key.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddPrimaryKey(self.schema, self.table, self.primary_key)


@dataclass(frozen=True)
class AddForeignKey(ConstraintChange):
    foreign_key: ForeignKey
    lock: ClassVar[str] = SHARE_ROW_EXCLUSIVE
    scans: ClassVar[bool] = True

    @property
    def constraint(self) -> AnyConstraint:
        return self.foreign_key

    def describe(self) -> str:
        fk = self.foreign_key
        return (
            f"Add foreign key {fk.name} {self.schema}.{self.table} ({', '.join(fk.columns)})"
            f" -> {fk.ref_schema}.{fk.ref_table} ({', '.join(fk.ref_columns)})"
        )

    def reverse(self) -> Change:
        return DropForeignKey(self.schema, self.table, self.foreign_key)


@dataclass(frozen=True)
class DropForeignKey(ConstraintChange):
    foreign_key: ForeignKey
    lock: ClassVar[str] = SHARE_ROW_EXCLUSIVE

    @property
    def constraint(self) -> AnyConstraint:
        return self.foreign_key

    def describe(self) -> str:
        return f"Drop foreign key {self.foreign_key.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddForeignKey(self.schema, self.table, self.foreign_key)


@dataclass(frozen=True)
class AddUnique(ConstraintChange):
    unique: UniqueConstraint
    lock: ClassVar[str] = SHARE
    scans: ClassVar[bool] = True

    @property
    def constraint(self) -> AnyConstraint:
        return self.unique

    def describe(self) -> str:
        cols = ", ".join(self.unique.columns)
        return f"Add unique constraint {self.unique.name} on {self.schema}.{self.table} ({cols})"

    def reverse(self) -> Change:
        return DropUnique(self.schema, self.table, self.unique)


@dataclass(frozen=True)
class DropUnique(ConstraintChange):
    unique: UniqueConstraint

    @property
    def constraint(self) -> AnyConstraint:
        return self.unique

    def describe(self) -> str:
        return f"Drop unique constraint {self.unique.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddUnique(self.schema, self.table, self.unique)


@dataclass(frozen=True)
class AddCheck(ConstraintChange):
    check: CheckConstraint
    scans: ClassVar[bool] = True

    @property
    def constraint(self) -> AnyConstraint:
        return self.check

    def describe(self) -> str:
        return f"Add check {self.check.name} on {self.schema}.{self.table}: {self.check.expression}"

    def reverse(self) -> Change:
        return DropCheck(self.schema, self.table, self.check)


@dataclass(frozen=True)
class DropCheck(ConstraintChange):
    check: CheckConstraint

    @property
    def constraint(self) -> AnyConstraint:
        return self.check

    def describe(self) -> str:
        return f"Drop check {self.check.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddCheck(self.schema, self.table, self.check)


@dataclass(frozen=True)
class AddExclusion(ConstraintChange):
    exclusion: ExcludeConstraint
    lock: ClassVar[str] = SHARE
    scans: ClassVar[bool] = True

    @property
    def constraint(self) -> AnyConstraint:
        return self.exclusion

    def describe(self) -> str:
        return f"Add exclusion constraint {self.exclusion.name} on {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return DropExclusion(self.schema, self.table, self.exclusion)


@dataclass(frozen=True)
class DropExclusion(ConstraintChange):
    exclusion: ExcludeConstraint

    @property
    def constraint(self) -> AnyConstraint:
        return self.exclusion

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
    # on a partitioned table: PostgreSQL cannot build or drop its index CONCURRENTLY
    partitioned: bool = False
    lock: ClassVar[str] = SHARE
    scans: ClassVar[bool] = True

    def describe(self) -> str:
        parts = ", ".join(p.label for p in self.index.parts)
        unique = "unique " if self.index.unique else ""
        where = f" WHERE {self.index.where}" if self.index.where else ""
        return f"Add {unique}index {self.index.name} on {self.schema}.{self.table} ({parts}){where}"

    def reverse(self) -> Change:
        return DropIndex(self.schema, self.table, self.index, self.partitioned)


@dataclass(frozen=True)
class DropIndex(TableChange):
    index: Index
    partitioned: bool = False

    def describe(self) -> str:
        return f"Drop index {self.index.name} of {self.schema}.{self.table}"

    def reverse(self) -> Change:
        return AddIndex(self.schema, self.table, self.index, self.partitioned)


@dataclass(frozen=True)
class RenameIndex(TableChange):
    old_name: str
    new_name: str
    lock: ClassVar[str] = SHARE_UPDATE_EXCLUSIVE

    def describe(self) -> str:
        return f"Rename index {self.schema}.{self.old_name} to {self.new_name}"

    def reverse(self) -> Change:
        return RenameIndex(self.schema, self.table, self.new_name, self.old_name)
