"""Writes of a whole design at once: import, restore a version, apply a pattern."""

from __future__ import annotations

import operator
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Max

from designer import rows
from designer.models import (
    DesignColumn,
    DesignConstraint,
    DesignEnum,
    DesignIndex,
    DesignObject,
    DesignTable,
    new_uid,
)
from designer.schema import model as m
from designer.schema.identity import adopt_ids
from designer.selectors.design import project_schema
from designer.services._common import check_name, recorded, touch
from designer.services.errors import (
    ERR_DUPLICATE_COLUMN,
    ERR_DUPLICATE_ENUM,
    ERR_DUPLICATE_TABLE,
    DesignError,
)
from designer.sql.readers.gcpause import collector_paused
from projects.models import Actor, Project


def validate_schema(schema: m.Schema) -> None:
    """Refuse a schema the design store cannot hold: duplicate or invalid names."""
    seen_tables: set[tuple[str, str]] = set()
    for t in schema.tables:
        check_name(t.name)
        if (t.schema, t.name) in seen_tables:
            raise DesignError(ERR_DUPLICATE_TABLE.format(name=t.name, schema=t.schema), "name")
        seen_tables.add((t.schema, t.name))
        seen_columns: set[str] = set()
        for c in t.columns:
            check_name(c.name)
            if c.name in seen_columns:
                raise DesignError(ERR_DUPLICATE_COLUMN.format(table=t.name, name=c.name), "name")
            seen_columns.add(c.name)
    seen_enums: set[tuple[str, str]] = set()
    for e in schema.enums:
        if (e.schema, e.name) in seen_enums:
            raise DesignError(ERR_DUPLICATE_ENUM.format(name=e.name, schema=e.schema), "name")
        seen_enums.add((e.schema, e.name))


@transaction.atomic
@recorded
def schema_replace(*, actor: Actor = None, project: Project, schema: m.Schema) -> None:
    """Replace the project's working design with ``schema`` (import, restore a version)."""
    validate_schema(schema)
    DesignTable.objects.filter(project=project).delete()
    DesignEnum.objects.filter(project=project).delete()
    DesignObject.objects.filter(project=project).delete()
    with collector_paused():  # tens of thousands of rows made and kept until written
        _create_tables(project, list(enumerate(schema.tables)))
        _write_enums(project, schema.enums)
        _write_objects(project, schema)
    touch(project, actor, "replaced", "design", project.name, after=f"{len(schema.tables)} tables")


def _create_tables(project: Project, tables: list[tuple[int, m.Table]]) -> None:
    """Insert tables (at the given positions) with their columns, keys and indexes."""
    if not tables:
        return
    _insert_many(
        DesignTable,
        [
            {
                "project_id": project.pk,
                "uid": t.id or new_uid(),
                "schema_name": t.schema,
                "name": t.name,
                "comment": t.comment or "",
                "group": t.group or "",
                "color": t.color or "",
                "position": i,
                "options": rows.table_options(t),
            }
            for i, t in tables
        ],
    )
    # A table's qualified name is unique in its project (a constraint of the store), so it
    # finds the id each row was given, on SQLite and PostgreSQL alike.
    table_ids = {
        (schema_name, name): pk
        for pk, schema_name, name in DesignTable.objects.filter(project=project).values_list(
            "pk", "schema_name", "name"
        )
    }
    columns: list[dict[str, Any]] = []
    constraints: list[dict[str, Any]] = []
    indexes: list[dict[str, Any]] = []
    for _, t in tables:
        table_id = table_ids[t.schema, t.name]
        columns += [
            {"table_id": table_id, "uid": c.id or new_uid(), "position": i, **rows.column_fields(c)}
            for i, c in enumerate(t.columns)
        ]
        constraints += [{"table_id": table_id, **f} for f in rows.constraint_fields(t)]
        indexes += [
            {
                "table_id": table_id,
                "uid": ix.id or new_uid(),
                "position": i,
                **rows.index_fields(ix),
            }
            for i, ix in enumerate(t.indexes)
        ]
    _insert_many(DesignColumn, columns)
    _insert_many(DesignConstraint, constraints)
    _insert_many(DesignIndex, indexes)


def _write_enums(project: Project, enums: tuple[m.EnumType, ...]) -> None:
    DesignEnum.objects.bulk_create(
        [
            DesignEnum(
                project=project,
                uid=e.id or new_uid(),
                schema_name=e.schema,
                name=e.name,
                values=list(e.values),
                comment=e.comment or "",
                position=i,
            )
            for i, e in enumerate(enums)
        ]
    )


def _write_objects(project: Project, schema: m.Schema) -> None:
    _insert_many(
        DesignObject,
        [
            {"project_id": project.pk, "uid": new_uid(), "kind": kind, "position": i, "data": data}
            for i, (kind, data) in enumerate(rows.object_documents(schema))
        ],
    )


def _insert_many(model: type[models.Model], values: list[dict[str, Any]]) -> None:
    """INSERT rows of ``model``, given as field values by attname, with one ``executemany``.

    ``bulk_create`` builds a model instance per row, compiles SQL for every batch and prepares
    every value through its field, which made writing a big design slower than reading it.
    Here only JSON values are prepared, fields left out take their default, and rows get no
    primary key back (tables' ids are read back by name)."""
    if not values:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    # A default made by a call (a uid) is made per row; the others once.
    generated = [f for f in fields if f.has_default() and callable(f.default)]
    defaults = {f.attname: f.get_default() for f in fields if f not in generated}
    row_values = operator.itemgetter(*(f.attname for f in fields))
    json_fields = [(i, f) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    adapt_json = connection.ops.adapt_json_value
    empty: dict[tuple[int, type], Any] = {}  # most JSON values are [] or {}: adapted once
    params = []
    for row in values:
        if len(row) < len(fields):  # a row that gives every field (a column's) needs no default
            row = {**defaults, **row}
            for f in generated:
                if f.attname not in row:
                    row[f.attname] = f.get_default()
        out = list(row_values(row))
        for i, f in json_fields:
            value = out[i]
            if value is None:
                continue
            if value:
                out[i] = adapt_json(value, f.encoder)  # type: ignore[attr-defined]
            else:
                key = (i, type(value))
                if key not in empty:
                    empty[key] = adapt_json(value, f.encoder)  # type: ignore[attr-defined]
                out[i] = empty[key]
        params.append(out)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@transaction.atomic
def schema_write(*, actor: Actor = None, project: Project, old: m.Schema, new: m.Schema) -> None:
    """Write ``new`` over ``old`` (the stored design) touching only what changed.

    Tables are matched by id: tables gone are deleted, new ones (without an id, or with an
    id the design does not hold) created, changed ones rewritten keeping their ids, so open
    editors and the undo history still know them. Only when a kept table takes the name
    another kept table had (a swap) does this fall back to ``schema_replace``.
    """
    validate_schema(new)
    old_by_id = {t.id: t for t in old.tables}
    new_ids = [t.id for t in new.tables if t.id]
    kept = set(new_ids) & set(old_by_id)
    holder = {(t.schema, t.name): t.id for t in old.tables if t.id in kept}
    if len(new_ids) != len(set(new_ids)) or any(
        holder.get((t.schema, t.name), t.id) != t.id for t in new.tables if t.id in kept
    ):
        schema_replace(project=project, schema=new, actor=actor)
        return
    DesignTable.objects.filter(project=project).exclude(uid__in=kept).delete()
    by_uid = {r.uid: r for r in DesignTable.objects.filter(project=project, uid__in=kept)}
    added: list[tuple[int, m.Table]] = []
    for i, after in enumerate(new.tables):
        if after.id not in kept:
            added.append((i, after))
            continue
        row = by_uid[after.id]
        before = old_by_id[after.id]
        if before != after or _ids(before) != _ids(after):
            _table_write(row, after)
        if row.position != i:
            DesignTable.objects.filter(pk=row.pk).update(position=i)
    _create_tables(project, added)
    if old.enums != new.enums:
        DesignEnum.objects.filter(project=project).delete()
        _write_enums(project, new.enums)
    if rows.object_documents(old) != rows.object_documents(new):
        DesignObject.objects.filter(project=project).delete()
        _write_objects(project, new)


def _ids(table: m.Table) -> tuple[str, ...]:
    pk = (table.primary_key.id,) if table.primary_key else ()
    return (
        *(c.id for c in table.columns),
        *pk,
        *(x.id for x in (*table.uniques, *table.checks, *table.foreign_keys, *table.indexes)),
    )


def _table_write(row: DesignTable, table: m.Table) -> None:
    """Rewrite one table's rows from the model, keeping ids, and bump its version so an
    editor that still shows the old table is told its form is stale."""
    DesignTable.objects.filter(pk=row.pk).update(
        name=table.name,
        schema_name=table.schema,
        comment=table.comment or "",
        group=table.group or "",
        color=table.color or "",
        options=rows.table_options(table),
        version=F("version") + 1,
    )
    DesignColumn.objects.filter(table=row).delete()
    DesignConstraint.objects.filter(table=row).delete()
    DesignIndex.objects.filter(table=row).delete()
    DesignColumn.objects.bulk_create(
        [
            DesignColumn(table=row, uid=c.id or new_uid(), position=i, **rows.column_fields(c))
            for i, c in enumerate(table.columns)
        ]
    )
    DesignConstraint.objects.bulk_create(rows.constraint_rows(table, row))
    DesignIndex.objects.bulk_create(
        [
            DesignIndex(table=row, uid=ix.id or new_uid(), position=i, **rows.index_fields(ix))
            for i, ix in enumerate(table.indexes)
        ]
    )


@transaction.atomic
@recorded
def design_merge(
    *,
    actor: Actor = None,
    project: Project,
    schema: m.Schema,
    renames: dict[str, str] | None = None,
) -> m.Schema:
    """Make ``schema`` the working design, keeping the identity of the objects it keeps.

    Objects without ids are paired with the current ones by qualified name (or a confirmed
    rename) and take their ids (``adopt_ids``), so a design pushed from a file diffs as the
    real changes: versions, plans and comments keep pointing at the same tables and columns.
    Only tables that changed are rewritten. Returns the design as stored.
    """
    # Serialise writers: the merge must run on the design it replaces.
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    old = project_schema(project)
    new = adopt_ids(old, schema, renames)
    if new == old and [t.id for t in new.tables] == [t.id for t in old.tables]:
        return old
    revision = project.revision
    schema_write(actor=actor, project=project, old=old, new=new)
    project.refresh_from_db(fields=["revision"])
    if project.revision == revision:  # schema_write rewrote tables in place
        touch(project, actor, "merged", "design", project.name, after=f"{len(new.tables)} tables")
    return project_schema(project)


@transaction.atomic
def tables_write(
    *, project: Project, tables: dict[str, m.Table | None], positions: dict[str, int]
) -> None:
    """Put some tables (by id) in the state given: rewritten, created (with the position
    values in ``positions``) or, for None, deleted; the rest of the design is not read.
    Used by undo and redo."""
    rows_by_uid = {r.uid: r for r in DesignTable.objects.filter(project=project, uid__in=tables)}
    wanted = {(t.schema, t.name): uid for uid, t in tables.items() if t is not None}
    taken = (
        DesignTable.objects.filter(project=project)
        .exclude(uid__in=tables)
        .values_list("schema_name", "name")
    )
    for schema_name, name in taken:
        if (schema_name, name) in wanted:
            raise DesignError(ERR_DUPLICATE_TABLE.format(name=name, schema=schema_name), "name")
    gone = [uid for uid, t in tables.items() if t is None]
    DesignTable.objects.filter(project=project, uid__in=gone).delete()
    # Rename through a free name first, so two tables may swap names.
    kept = [uid for uid, t in tables.items() if t is not None and uid in rows_by_uid]
    for uid in kept:
        DesignTable.objects.filter(pk=rows_by_uid[uid].pk).update(name=f"__undo_{uid}"[:63])
    for uid in kept:
        _table_write(rows_by_uid[uid], tables[uid])  # type: ignore[arg-type]
    # Tables that come back take the position they had; the design orders by position.
    last = DesignTable.objects.filter(project=project).aggregate(p=Max("position"))["p"] or 0
    _create_tables(
        project,
        [
            (positions.get(uid, last + 1), t)
            for uid, t in tables.items()
            if t is not None and uid not in rows_by_uid
        ],
    )
