"""Changes to namespaces, extensions, enum types, domains and sequences."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from designer.migrate.changes.base import NO_LOCK, Change
from designer.schema.model import Domain, EnumType, Extension, Sequence


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
