"""Reads of a project's design. Each runs a fixed number of queries, whatever the size."""

from __future__ import annotations

from collections import defaultdict

from designer import rows
from designer.models import (
    DesignColumn,
    DesignConstraint,
    DesignEnum,
    DesignIndex,
    DesignObject,
    DesignTable,
)
from designer.schema.model import Schema
from projects.models import Project


def project_schema(project: Project) -> Schema:
    """The working design of ``project`` as a schema model: six queries, one per kind.

    Tables keep the order they were written or created in, so a written schema reads back equal.
    """
    tables = list(DesignTable.objects.filter(project=project).order_by("position", "id"))
    columns: dict[int, list] = defaultdict(list)
    for c in DesignColumn.objects.filter(table__project=project).order_by("position", "id"):
        columns[c.table_id].append(c)
    constraints: dict[int, list] = defaultdict(list)
    for c in DesignConstraint.objects.filter(table__project=project).order_by("position", "id"):
        constraints[c.table_id].append(c)
    indexes: dict[int, list] = defaultdict(list)
    for i in DesignIndex.objects.filter(table__project=project).order_by("position", "id"):
        indexes[i.table_id].append(i)
    enums = [
        rows.enum_from_row(e)
        for e in DesignEnum.objects.filter(project=project).order_by("schema_name", "name")
    ]
    objects = list(DesignObject.objects.filter(project=project).order_by("position", "id"))
    model_tables = [
        rows.table_from_rows(t, columns[t.id], constraints[t.id], indexes[t.id]) for t in tables
    ]
    return rows.schema_from_objects(model_tables, enums, objects)


def table_rows(project: Project) -> list[DesignTable]:
    return list(DesignTable.objects.filter(project=project).order_by("schema_name", "name"))


def tables_by_uid(project: Project, uids: set[str]) -> list:
    """Some tables of the design, as schema-model tables: four queries, however many."""
    if not uids:
        return []
    tables = list(DesignTable.objects.filter(project=project, uid__in=uids))
    pks = [t.pk for t in tables]
    columns: dict[int, list] = defaultdict(list)
    for c in DesignColumn.objects.filter(table_id__in=pks).order_by("position", "id"):
        columns[c.table_id].append(c)
    constraints: dict[int, list] = defaultdict(list)
    for c in DesignConstraint.objects.filter(table_id__in=pks).order_by("position", "id"):
        constraints[c.table_id].append(c)
    indexes: dict[int, list] = defaultdict(list)
    for i in DesignIndex.objects.filter(table_id__in=pks).order_by("position", "id"):
        indexes[i.table_id].append(i)
    return [
        rows.table_from_rows(t, columns[t.id], constraints[t.id], indexes[t.id]) for t in tables
    ]
