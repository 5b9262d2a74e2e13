"""Small helpers the rule modules share: object names and type-text tests."""

from __future__ import annotations

import re

from designer.advisor.fixes import SERIAL_BASE, nextval_sequence, truncate_identifier
from designer.schema.model import Column, ForeignKey, Table

INTEGER_TYPES = frozenset({"smallint", "integer", "bigint"})
_ARRAY = re.compile(r"(\[\d*\])+$")


def obj(table: Table, name: str) -> str:
    """The finding object of a column, index or constraint of ``table``."""
    return f"{table.qualified_name}.{name}"


def fk_name(table: Table, fk: ForeignKey) -> str:
    """The constraint's name, or the one PostgreSQL would choose for it."""
    return fk.name or truncate_identifier(f"{table.name}_{'_'.join(fk.columns)}_fkey")


def cols(columns: tuple[str, ...] | list[str]) -> str:
    return ", ".join(columns)


def split_array(type_text: str) -> tuple[str, str]:
    """``("integer", "[]")`` for ``integer[]``; the suffix is empty for scalars."""
    m = _ARRAY.search(type_text)
    if m is None:
        return type_text, ""
    return type_text[: m.start()], m.group(0)


def plain_type(type_text: str) -> str:
    """serial types as the integer type they stand for, so serial ≡ integer."""
    return SERIAL_BASE.get(type_text, type_text)


def is_generated_key(column: Column) -> bool:
    """True when values come from a sequence: identity, serial or a nextval() default."""
    return (
        column.identity is not None
        or column.type in SERIAL_BASE
        or nextval_sequence(column.default) is not None
    )


def own_columns(table: Table) -> tuple[Column, ...]:
    """Columns a designer edits on this table: a partition's columns belong to its parent."""
    return () if table.partition_of is not None else table.columns
