"""Reads of a project's design. Each runs a fixed number of queries, whatever the size."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict

from django.db import connection, transaction

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

# Designs remembered per revision in this process: an edit's panel reads the design once and
# the picture drawn after it reads nothing. The model is frozen, so every caller can share one
# object. Bounded by the tables held, not the entries. This relies on what the picture cache
# relies on already: every write to a design bumps its revision in the same transaction.
_designs: OrderedDict[tuple[object, ...], Schema] = OrderedDict()
# id of a design read here -> (the design, what callers derived from it, e.g. findings)
_derived: dict[int, tuple[weakref.ref[Schema], dict[object, object]]] = {}
# reentrant: dropping a design inside the lock runs its finalizer (_forget) in this thread
_designs_lock = threading.RLock()
MEMO_TABLES = 20_000


def _design_key(project: Project) -> tuple[object, ...] | None:
    """The revision as the database has it now (the caller's ``project`` may be older than an
    edit it just made). updated_at changes with every revision bump: a bump rolled back and
    made again by the next edit gives the same revision but never the same time."""
    now = Project.objects.filter(pk=project.pk).values_list("revision", "updated_at").first()
    return None if now is None else (project.pk, str(project.created_at), *now)


def project_schema(project: Project) -> Schema:
    """The working design of ``project`` as a schema model: six queries, one per kind, or one
    when this process read the same revision before.

    Tables keep the order they were written or created in, so a written schema reads back equal.
    Inside a transaction the rows are read every time (it may have written some and not bumped
    the revision yet); what it read is remembered once it commits, if no bump came after.
    """
    key = _design_key(project)
    if key is None:
        return _read_schema(project)
    if connection.in_atomic_block:
        schema = _read_schema(project)
        _track(schema)
        transaction.on_commit(lambda: _remember_if_current(project, key, schema))
        return schema
    with _designs_lock:
        hit = _designs.get(key)
        if hit is not None:
            _designs.move_to_end(key)
            return hit
    schema = _read_schema(project)
    _track(schema)
    _remember(key, schema)
    return schema


def _track(schema: Schema) -> None:
    with _designs_lock:
        _derived[id(schema)] = (weakref.ref(schema), {})
    weakref.finalize(schema, _forget, id(schema))


def _forget(schema_id: int) -> None:
    with _designs_lock:
        _derived.pop(schema_id, None)


def _remember(key: tuple[object, ...], schema: Schema) -> None:
    with _designs_lock:
        _designs[key] = schema
        held = sum(len(s.tables) for s in _designs.values())
        while held > MEMO_TABLES and len(_designs) > 1:
            _, dropped = _designs.popitem(last=False)
            held -= len(dropped.tables)


def _remember_if_current(project: Project, key: tuple[object, ...], schema: Schema) -> None:
    # The same revision and time after the commit as at the read: nothing was written after it.
    if _design_key(project) == key:
        _remember(key, schema)


def derived_memo(schema: Schema) -> dict[object, object] | None:
    """A place to remember what is derived from ``schema`` (e.g. the advisor's findings) for as
    long as the design itself lives; None for a design not read by ``project_schema``. Values
    must be immutable: every caller shares them."""
    with _designs_lock:
        entry = _derived.get(id(schema))
    return entry[1] if entry is not None and entry[0]() is schema else None


def _read_schema(project: Project) -> Schema:
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
