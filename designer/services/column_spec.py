"""A column typed in one field: ``email text``, ``customer_id > customers``.

The new-column row accepts a short spec in its name field when the type field is left
empty, so a design can be typed without reaching for the mouse: ``name type`` adds a
column, and ``name [type] > table[.column]`` adds it with a foreign key to that table (its
primary key by default; the type follows the referenced column when none is given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from designer.models import ConstraintKind, DesignColumn, DesignConstraint, DesignTable
from designer.services._common import comparable_type, recorded_table
from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.errors import DesignError
from projects.models import Actor

ERR_SPEC_TARGET = "There is no table “{name}” to reference."
ERR_SPEC_TARGET_KEY = (
    "Table “{name}” has no single-column primary key to reference; name the column."
)

_SPEC = re.compile(r"\s*(?P<name>\S+)(?:\s+(?P<type>[^>]+?))?\s*(?:>\s*(?P<ref>\S+))?\s*\Z")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    data_type: str
    ref: str  # "", "table", "schema.table" or "schema.table.column" / "table.column"


def parse_spec(text: str) -> ColumnSpec | None:
    """The spec in ``text``, or None when it is a plain name."""
    if not re.search(r"\s|>", text.strip()):
        return None
    found = _SPEC.match(text)
    if not found:
        return None
    return ColumnSpec(found["name"], (found["type"] or "").strip(), found["ref"] or "")


def _target(table: DesignTable, ref: str) -> tuple[DesignTable, str]:
    parts = ref.split(".")
    tables = DesignTable.objects.filter(project_id=table.project_id)
    candidates = []
    if len(parts) == 1:
        candidates = [(parts[0], "public", "")]
    elif len(parts) == 2:
        candidates = [(parts[1], parts[0], ""), (parts[0], "public", parts[1])]
    else:
        candidates = [(parts[1], parts[0], parts[2])]
    for name, schema, column in candidates:
        found = tables.filter(schema_name=schema, name=name).first()
        if found is None:
            continue
        if column:
            return found, column
        pk = DesignConstraint.objects.filter(table=found, kind=ConstraintKind.PRIMARY).first()
        if pk is None or len(pk.columns) != 1:
            raise DesignError(ERR_SPEC_TARGET_KEY.format(name=found.name), "name")
        return found, pk.columns[0]
    raise DesignError(ERR_SPEC_TARGET.format(name=ref), "name")


@transaction.atomic
@recorded_table
def column_add_spec(
    *, actor: Actor = None, table: DesignTable, spec: ColumnSpec, nullable: bool = True
) -> tuple[DesignColumn, list[str]]:
    """Add the column the spec names, with its foreign key when it has one (one edit)."""
    data_type = spec.data_type
    target = None
    if spec.ref:
        target = _target(table, spec.ref)
        if not data_type:
            ref_column = DesignColumn.objects.filter(table=target[0], name=target[1]).first()
            data_type = comparable_type(ref_column.data_type) if ref_column else ""
    column, warnings = column_add(
        actor=actor, table=table, name=spec.name, data_type=data_type, nullable=nullable
    )
    if target is not None:
        foreign_key_create(
            actor=actor,
            table=DesignTable.objects.get(pk=table.pk),
            columns=[spec.name],
            ref_table=target[0],
            ref_columns=[target[1]],
        )
    return column, warnings
