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
from designer.schema.model import Schema, Table
from projects.models import Project


def project_schema(project: Project) -> Schema:
    """The working design of ``project`` as a schema model: six queries, one per kind.

    Tables keep the order they were written or created in, so a written schema reads back equal.
    """
    tables = list(DesignTable.objects.filter(project=project).order_by("position", "id"))
    enums = [
        rows.enum_from_row(e)
        for e in DesignEnum.objects.filter(project=project).order_by("schema_name", "name")
    ]
    objects = list(DesignObject.objects.filter(project=project).order_by("position", "id"))
    return rows.schema_from_objects(model_tables(tables, table__project=project), enums, objects)


def table_rows(project: Project) -> list[DesignTable]:
    return list(DesignTable.objects.filter(project=project).order_by("schema_name", "name"))


def tables_by_uid(project: Project, uids: set[str]) -> list[Table]:
    """Some tables of the design, as schema-model tables: four queries, however many."""
    if not uids:
        return []
    tables = list(DesignTable.objects.filter(project=project, uid__in=uids))
    return model_tables(tables, table_id__in=[t.pk for t in tables])


def model_tables(tables: list[DesignTable], **child_filter: object) -> list[Table]:
    """``tables`` as schema-model tables, their columns, keys and indexes read in three
    queries (``child_filter`` selects the child rows: the tables' ids, or their project)."""
    children: list[dict[int, list]] = [defaultdict(list), defaultdict(list), defaultdict(list)]
    for kind, by_table in zip((DesignColumn, DesignConstraint, DesignIndex), children):
        for row in kind.objects.filter(**child_filter).order_by("position", "id"):
            by_table[row.table_id].append(row)
    columns, constraints, indexes = children
    return [
        rows.table_from_rows(t, columns[t.id], constraints[t.id], indexes[t.id]) for t in tables
    ]
