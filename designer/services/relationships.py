"""Relationships drawn on the canvas: drag from a column (or a table's header) onto another
table, and a foreign key to that table's primary key is made, with its column when needed;
then its settings (actions, name) are confirmed or changed."""

from __future__ import annotations

from django.db import transaction

from designer.models import ConstraintKind, DesignColumn, DesignConstraint, DesignTable
from designer.schema import model as m
from designer.services import columns as column_services
from designer.services._common import (
    bump_version,
    check_name,
    check_version,
    comparable_type,
    lock_table,
    recorded_table,
    touch,
)
from designer.services.constraints import foreign_key_create
from designer.services.errors import ERR_FK_ACTION, ERR_FK_SET_NULL_NOT_NULL, DesignError
from projects.models import Actor

ERR_DRAW_NO_PK = (
    "“{table}” has no primary key to point at: give it one, or use the foreign-key form "
    "to reference a unique column."
)
ERR_DRAW_COMPOSITE = (
    "“{table}” has a primary key of {n} columns; drag from its table header, or use the "
    "foreign-key form to choose the columns."
)


def fk_column_name(ref_table: DesignTable, pk_column: str) -> str:
    """The column a drawn foreign key adds: ``customer_id`` for ``customer(id)``,
    ``country_code`` for ``country(code)``."""
    suffix = "id" if pk_column == "id" else pk_column
    return f"{ref_table.name}_{suffix}"


@transaction.atomic
@recorded_table
def foreign_key_drawn(
    *, actor: Actor, table: DesignTable, ref_table: DesignTable, column: str | None = None
) -> tuple[DesignConstraint, list[str]]:
    """A foreign key from ``table`` to ``ref_table``'s primary key.

    From a ``column``: that column references the (one-column) key. From the header
    (``column`` None): ``<ref_table>_id`` columns of the key's types are added when
    ``table`` lacks them. Returns the key and the names of the columns it added.
    """
    pk = DesignConstraint.objects.filter(table=ref_table, kind=ConstraintKind.PRIMARY).first()
    if pk is None or not pk.columns:
        raise DesignError(ERR_DRAW_NO_PK.format(table=ref_table.name), "ref_table")
    ref_columns = list(pk.columns)
    added: list[str] = []
    if column is not None:
        if len(ref_columns) != 1:
            raise DesignError(
                ERR_DRAW_COMPOSITE.format(table=ref_table.name, n=len(ref_columns)), "columns"
            )
        columns = [column]
    else:
        ref_types = {c.name: c.data_type for c in DesignColumn.objects.filter(table=ref_table)}
        existing = set(DesignColumn.objects.filter(table=table).values_list("name", flat=True))
        columns = []
        for ref in ref_columns:
            name = fk_column_name(ref_table, ref)
            if name not in existing:
                column_services.column_add(
                    actor=actor,
                    table=table,
                    name=name,
                    data_type=comparable_type(ref_types[ref]),
                )
                added.append(name)
            columns.append(name)
        table.refresh_from_db()
    fk = foreign_key_create(
        actor=actor, table=table, columns=columns, ref_table=ref_table, ref_columns=ref_columns
    )
    return fk, added


@transaction.atomic
@recorded_table
def foreign_key_settings(
    *,
    actor: Actor,
    constraint: DesignConstraint,
    on_delete: str,
    on_update: str,
    name: str = "",
    deferrable: bool = False,
    expected_version: int | None = None,
) -> DesignConstraint:
    """Change a foreign key's actions, name and deferrability (its columns stay)."""
    table = lock_table(constraint.table)
    check_version(table, expected_version)
    for action in (on_delete, on_update):
        if action not in m.FK_ACTIONS:
            raise DesignError(ERR_FK_ACTION.format(action=action), "on_delete")
    name = name.strip()
    if name:
        check_name(name)
    if on_delete == "SET NULL":
        nullable = dict(DesignColumn.objects.filter(table=table).values_list("name", "nullable"))
        for col in constraint.columns:
            if not nullable.get(col, True):
                raise DesignError(ERR_FK_SET_NULL_NOT_NULL.format(column=col), "on_delete")
    before = f"ON DELETE {constraint.on_delete} ON UPDATE {constraint.on_update}"
    constraint.on_delete, constraint.on_update = on_delete, on_update
    constraint.name = name or None
    constraint.deferrable = deferrable
    if not deferrable:
        constraint.initially_deferred = False
    constraint.save()
    bump_version(table)
    touch(
        table.project,
        actor,
        "changed",
        "foreign key",
        f"{table.qualified_name}({', '.join(constraint.columns)})",
        before=before,
        after=f"ON DELETE {on_delete} ON UPDATE {on_update}",
    )
    return constraint
