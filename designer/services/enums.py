"""Writes of enum types: create, edit (a rename follows into the columns of that type), delete."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F

from designer.models import DesignColumn, DesignEnum
from designer.services._common import check_name, recorded, touch
from designer.services.errors import (
    ERR_DUPLICATE_ENUM,
    ERR_ENUM_DUPLICATE_VALUE,
    ERR_ENUM_NO_VALUES,
    ERR_ENUM_VALUE_TOO_LONG,
    ERR_STALE,
    DesignError,
)
from projects.models import Actor, Project


def _enum_values(values: str | Sequence[str]) -> list[str]:
    items = (
        [v.strip() for v in re.split(r"[\n,]", values)] if isinstance(values, str) else list(values)
    )
    items = [v for v in items if v]
    if not items:
        raise DesignError(ERR_ENUM_NO_VALUES, "values")
    seen: set[str] = set()
    for v in items:
        if v in seen:
            raise DesignError(ERR_ENUM_DUPLICATE_VALUE.format(value=v), "values")
        if len(v.encode()) > 63:
            raise DesignError(ERR_ENUM_VALUE_TOO_LONG.format(value=v), "values")
        seen.add(v)
    return items


def _lock_current(enum: DesignEnum, expected: int | None) -> DesignEnum:
    """Re-read the enum under a row lock; refuse a form older than it."""
    current = DesignEnum.objects.select_for_update().get(pk=enum.pk)
    if expected is not None and expected != current.version:
        raise DesignError(ERR_STALE.format(what="type", current=current.version), "version")
    return current


@transaction.atomic
@recorded
def enum_save(
    *,
    actor: Actor = None,
    project: Project,
    name: str,
    values: str | Sequence[str],
    schema_name: str = "public",
    comment: str = "",
    enum: DesignEnum | None = None,
    expected_version: int | None = None,
) -> tuple[DesignEnum, list[str]]:
    if enum is not None:
        enum = _lock_current(enum, expected_version)
    name = name.strip()
    schema_name = (schema_name or "public").strip()
    warnings = check_name(name)
    items = _enum_values(values)
    clash = DesignEnum.objects.filter(project=project, schema_name=schema_name, name=name)
    if enum is not None:
        clash = clash.exclude(pk=enum.pk)
    if clash.exists():
        raise DesignError(ERR_DUPLICATE_ENUM.format(name=name, schema=schema_name), "name")
    if enum is None:
        enum = DesignEnum.objects.create(
            project=project, name=name, schema_name=schema_name, values=items, comment=comment
        )
    else:
        old_type = enum.name if enum.schema_name == "public" else f"{enum.schema_name}.{enum.name}"
        new_type = name if schema_name == "public" else f"{schema_name}.{name}"
        if old_type != new_type:
            for suffix in ("", "[]"):
                DesignColumn.objects.filter(
                    table__project=project, data_type=old_type + suffix
                ).update(data_type=new_type + suffix)
        enum.name, enum.schema_name, enum.values, enum.comment = name, schema_name, items, comment
        enum.version = F("version") + 1
        enum.save()
        enum.refresh_from_db(fields=["version"])
    touch(project, actor, "saved", "enum", f"{schema_name}.{name}", after=", ".join(items))
    return enum, warnings


@transaction.atomic
@recorded
def enum_delete(
    *, actor: Actor = None, enum: DesignEnum, expected_version: int | None = None
) -> None:
    enum = _lock_current(enum, expected_version)
    project = enum.project
    enum.delete()
    touch(project, actor, "deleted", "enum", f"{enum.schema_name}.{enum.name}")
