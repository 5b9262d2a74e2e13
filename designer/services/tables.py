"""Writes of tables: create, rename or move, delete. Foreign keys that point at a table
follow its renames and go with it when it is deleted."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max

from designer.models import ConstraintKind, DesignColumn, DesignConstraint, DesignTable
from designer.services._common import (
    bump_version,
    check_name,
    check_room,
    check_version,
    lock_table,
    recorded_table,
    recorded_table_and_referrers,
    touch,
)
from designer.services.errors import ERR_COLOR, ERR_DUPLICATE_TABLE, DesignError
from projects.models import Actor, Project

_COLOR = re.compile(r"#[0-9a-fA-F]{6}\Z")


def _checked(name: str, schema_name: str, color: str) -> tuple[str, str, list[str]]:
    """The stripped name and schema, and the name's warnings; DesignError when one is invalid."""
    name = name.strip()
    schema_name = (schema_name or "public").strip()
    warnings = check_name(name)
    check_name(schema_name, "schema_name")
    if color and not _COLOR.match(color):
        raise DesignError(ERR_COLOR.format(color=color), "color")
    return name, schema_name, warnings


@transaction.atomic
@recorded_table
def table_create(
    *,
    actor: Actor = None,
    project: Project,
    name: str,
    schema_name: str = "public",
    comment: str = "",
    group: str = "",
    color: str = "",
    with_id: bool = True,
) -> tuple[DesignTable, list[str]]:
    """Create a table, by default with an ``id bigint`` identity primary key."""
    name, schema_name, warnings = _checked(name, schema_name, color)
    check_room(project)
    if DesignTable.objects.filter(project=project, schema_name=schema_name, name=name).exists():
        raise DesignError(ERR_DUPLICATE_TABLE.format(name=name, schema=schema_name), "name")
    position = (
        DesignTable.objects.filter(project=project).aggregate(p=Max("position"))["p"] or 0
    ) + 1
    table = DesignTable.objects.create(
        project=project,
        name=name,
        schema_name=schema_name,
        comment=comment.strip(),
        group=group.strip(),
        color=color,
        position=position,
    )
    if with_id:
        DesignColumn.objects.create(
            table=table,
            name="id",
            data_type="bigint",
            nullable=False,
            identity="ALWAYS",
            position=0,
        )
        DesignConstraint.objects.create(table=table, kind=ConstraintKind.PRIMARY, columns=["id"])
    touch(project, actor, "created", "table", f"{schema_name}.{name}")
    return table, warnings


@transaction.atomic
@recorded_table_and_referrers
def table_update(
    *,
    actor: Actor = None,
    table: DesignTable,
    name: str,
    schema_name: str = "public",
    comment: str = "",
    group: str = "",
    color: str = "",
    expected_version: int | None = None,
) -> list[str]:
    """Rename, move, comment or regroup a table; foreign keys that point at it follow."""
    table = lock_table(table)
    check_version(table, expected_version)
    name, schema_name, warnings = _checked(name, schema_name, color)
    renamed = (schema_name, name) != (table.schema_name, table.name)
    if (
        renamed
        and DesignTable.objects.filter(
            project_id=table.project_id, schema_name=schema_name, name=name
        )
        .exclude(pk=table.pk)
        .exists()
    ):
        raise DesignError(ERR_DUPLICATE_TABLE.format(name=name, schema=schema_name), "name")
    if renamed:
        DesignConstraint.objects.filter(
            table__project_id=table.project_id,
            kind=ConstraintKind.FOREIGN,
            ref_schema=table.schema_name,
            ref_table=table.name,
        ).update(ref_schema=schema_name, ref_table=name)
    before = _table_summary(table)
    table.name, table.schema_name = name, schema_name
    table.comment, table.group, table.color = comment.strip(), group.strip(), color
    table.save(update_fields=["name", "schema_name", "comment", "group", "color"])
    bump_version(table)
    touch(
        table.project,
        actor,
        "changed",
        "table",
        table.qualified_name,
        before,
        _table_summary(table),
    )
    return warnings


def _table_summary(table: DesignTable) -> str:
    parts = [table.qualified_name]
    if table.comment:
        parts.append(f"comment: {table.comment}")
    if table.group:
        parts.append(f"group: {table.group}")
    return "; ".join(parts)


@transaction.atomic
@recorded_table_and_referrers
def table_delete(
    *, actor: Actor = None, table: DesignTable, expected_version: int | None = None
) -> int:
    """Delete a table and the foreign keys of other tables that point at it; returns their count."""
    table = lock_table(table)
    check_version(table, expected_version)
    referencing = DesignConstraint.objects.filter(
        table__project_id=table.project_id,
        kind=ConstraintKind.FOREIGN,
        ref_schema=table.schema_name,
        ref_table=table.name,
    ).exclude(table=table)
    dropped, _ = referencing.delete()
    project, name = table.project, table.qualified_name
    table.delete()
    touch(project, actor, "deleted", "table", name)
    return dropped


ERR_SCALE_ROWS = "Expected rows must be a whole number of 0 or more (or empty)."
ERR_SCALE_GROWTH = "Yearly growth must be a number of percent between -100 and 10000."


@transaction.atomic
def table_scale_update(
    *,
    actor: Actor = None,
    table: DesignTable,
    expected_rows: str,
    yearly_growth: str,
    expected_version: int | None = None,
) -> None:
    """Set the rows a table is expected to hold and its yearly growth in percent."""
    table = lock_table(table)
    check_version(table, expected_version)
    rows_text, growth_text = expected_rows.replace(",", "").strip(), yearly_growth.strip()
    if rows_text and not rows_text.isdigit():
        raise DesignError(ERR_SCALE_ROWS, "expected_rows")
    try:
        growth = float(growth_text) if growth_text else 0.0
    except ValueError:
        raise DesignError(ERR_SCALE_GROWTH, "yearly_growth") from None
    if not -100 <= growth <= 10_000:
        raise DesignError(ERR_SCALE_GROWTH, "yearly_growth")
    options = dict(table.options or {})
    options.pop("expected_rows", None)
    options.pop("yearly_growth", None)
    if rows_text:
        options["expected_rows"] = int(rows_text)
    if growth:
        options["yearly_growth"] = growth
    before = {k: (table.options or {}).get(k) for k in ("expected_rows", "yearly_growth")}
    table.options = options
    table.save(update_fields=["options"])
    bump_version(table)
    after = {k: options.get(k) for k in ("expected_rows", "yearly_growth")}
    touch(
        table.project,
        actor,
        "changed",
        "table scale",
        table.qualified_name,
        str(before),
        str(after),
    )
