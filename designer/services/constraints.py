"""Writes of constraints: foreign keys (checked against their target's type and keys),
CHECK and UNIQUE constraints, and deleting any of them. Primary keys are set from the
columns grid (``designer.services.columns``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from designer.models import ConstraintKind, DesignConstraint, DesignIndex, DesignTable
from designer.schema import model as m
from designer.services._common import (
    bump_version,
    check_name,
    check_version,
    comparable_type,
    lock_table,
    recorded_table,
    require_columns,
    sql_expr,
    touch,
)
from designer.services.errors import (
    ERR_CHECK_NO_EXPRESSION,
    ERR_FK_ACTION,
    ERR_FK_COLUMN_COUNT,
    ERR_FK_NO_COLUMNS,
    ERR_FK_SET_NULL_NOT_NULL,
    ERR_FK_TARGET_NOT_UNIQUE,
    ERR_FK_TYPE_MISMATCH,
    ERR_UNIQUE_NO_COLUMNS,
    DesignError,
)
from projects.models import Actor


@transaction.atomic
@recorded_table
def foreign_key_create(
    *,
    actor: Actor = None,
    table: DesignTable,
    columns: Sequence[str],
    ref_table: DesignTable,
    ref_columns: Sequence[str],
    on_delete: str = "NO ACTION",
    on_update: str = "NO ACTION",
    name: str = "",
    deferrable: bool = False,
    initially_deferred: bool = False,
    match: str = "SIMPLE",
) -> DesignConstraint:
    table = lock_table(table)
    columns, ref_columns = [c for c in columns if c], [c for c in ref_columns if c]
    if not columns:
        raise DesignError(ERR_FK_NO_COLUMNS, "columns")
    if len(columns) != len(ref_columns):
        raise DesignError(
            ERR_FK_COLUMN_COUNT.format(n=len(columns), m=len(ref_columns)), "ref_columns"
        )
    for action in (on_delete, on_update):
        if action not in m.FK_ACTIONS:
            raise DesignError(ERR_FK_ACTION.format(action=action), "on_delete")
    name = name.strip()
    if name:
        check_name(name)
    mine = require_columns(table, columns, "columns")
    theirs = require_columns(ref_table, ref_columns, "ref_columns")
    for col, ref in zip(columns, ref_columns, strict=True):
        a, b = mine[col].data_type, theirs[ref].data_type
        if comparable_type(a) != comparable_type(b):
            raise DesignError(
                ERR_FK_TYPE_MISMATCH.format(column=col, type=a, ref=ref, ref_type=b), "ref_columns"
            )
    target_unique = any(
        set(c.columns) == set(ref_columns)
        for c in DesignConstraint.objects.filter(
            table=ref_table, kind__in=[ConstraintKind.PRIMARY, ConstraintKind.UNIQUE]
        )
    ) or any(
        ix.unique and not ix.where and {p.get("column") for p in ix.parts} == set(ref_columns)
        for ix in DesignIndex.objects.filter(table=ref_table)
    )
    if not target_unique:
        raise DesignError(
            ERR_FK_TARGET_NOT_UNIQUE.format(columns=", ".join(ref_columns), table=ref_table.name),
            "ref_columns",
        )
    if on_delete == "SET NULL":
        for col in columns:
            if not mine[col].nullable:
                raise DesignError(ERR_FK_SET_NULL_NOT_NULL.format(column=col), "on_delete")
    position = DesignConstraint.objects.filter(table=table).count()
    fk = DesignConstraint.objects.create(
        table=table,
        kind=ConstraintKind.FOREIGN,
        name=name or None,
        columns=list(columns),
        ref_schema=ref_table.schema_name,
        ref_table=ref_table.name,
        ref_columns=list(ref_columns),
        on_delete=on_delete,
        on_update=on_update,
        match=match if match in ("SIMPLE", "FULL") else "SIMPLE",
        deferrable=deferrable or initially_deferred,
        initially_deferred=initially_deferred,
        position=position,
    )
    bump_version(table)
    touch(
        table.project,
        actor,
        "added",
        "foreign key",
        f"{table.qualified_name}({', '.join(columns)})",
        after=f"→ {ref_table.qualified_name}({', '.join(ref_columns)}) ON DELETE {on_delete}",
    )
    return fk


@transaction.atomic
@recorded_table
def constraint_delete(
    *, actor: Actor = None, constraint: DesignConstraint, expected_version: int | None = None
) -> None:
    table = lock_table(constraint.table)
    check_version(table, expected_version)
    label = f"{table.qualified_name}: {constraint.name or constraint.kind} ({', '.join(constraint.columns) or constraint.expression})"
    constraint.delete()
    bump_version(table)
    touch(table.project, actor, "deleted", constraint.get_kind_display().lower(), label)


@transaction.atomic
@recorded_table
def check_create(
    *, actor: Actor = None, table: DesignTable, expression: str, name: str = ""
) -> DesignConstraint:
    table = lock_table(table)
    body = sql_expr(expression, "expression")
    if body is None:
        raise DesignError(ERR_CHECK_NO_EXPRESSION, "expression")
    name = name.strip()
    if name:
        check_name(name)
    check = DesignConstraint.objects.create(
        table=table,
        kind=ConstraintKind.CHECK,
        name=name or None,
        expression=body,
        position=DesignConstraint.objects.filter(table=table).count(),
    )
    bump_version(table)
    touch(table.project, actor, "added", "check", table.qualified_name, after=body)
    return check


@transaction.atomic
@recorded_table
def unique_create(
    *,
    actor: Actor = None,
    table: DesignTable,
    columns: Sequence[str],
    name: str = "",
    nulls_not_distinct: bool = False,
) -> DesignConstraint:
    table = lock_table(table)
    columns = [c for c in columns if c]
    if not columns:
        raise DesignError(ERR_UNIQUE_NO_COLUMNS, "columns")
    require_columns(table, columns, "columns")
    name = name.strip()
    if name:
        check_name(name)
    constraint = DesignConstraint.objects.create(
        table=table,
        kind=ConstraintKind.UNIQUE,
        name=name or None,
        columns=list(columns),
        options={"nulls_not_distinct": True} if nulls_not_distinct else {},
        position=DesignConstraint.objects.filter(table=table).count(),
    )
    bump_version(table)
    touch(table.project, actor, "added", "unique", f"{table.qualified_name}({', '.join(columns)})")
    return constraint
