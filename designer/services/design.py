"""Writes to a project's working design. Every function is one atomic edit.

Validation happens before anything is written, and every edit runs inside
``transaction.atomic``, so a failed edit leaves the design exactly as it was.
Names of columns inside constraints, indexes and foreign keys are kept in step
on rename and delete, so the design never refers to something that is gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from designer import rows
from designer.models import (
    ConstraintKind,
    DesignColumn,
    DesignConstraint,
    DesignEnum,
    DesignIndex,
    DesignObject,
    DesignTable,
)
from designer.schema import model as m
from designer.schema.sqltext import (
    SqlTextError,
    identifier_errors,
    identifier_warnings,
    normalize_expr,
    normalize_type,
)
from designer.services.errors import (
    ERR_COLOR,
    ERR_DEFAULT_RANGE,
    ERR_DEFAULT_TYPE,
    ERR_DUPLICATE_COLUMN,
    ERR_DUPLICATE_ENUM,
    ERR_DUPLICATE_INDEX,
    ERR_DUPLICATE_TABLE,
    ERR_ENUM_DUPLICATE_VALUE,
    ERR_ENUM_NO_VALUES,
    ERR_FK_ACTION,
    ERR_FK_COLUMN_COUNT,
    ERR_FK_NO_COLUMNS,
    ERR_FK_SET_NULL_NOT_NULL,
    ERR_FK_TARGET_NOT_UNIQUE,
    ERR_FK_TYPE_MISMATCH,
    ERR_GENERATED_AND_DEFAULT,
    ERR_IDENTITY_AND_DEFAULT,
    ERR_IDENTITY_TYPE,
    ERR_INDEX_METHOD,
    ERR_INDEX_NO_PARTS,
    ERR_STALE,
    ERR_UNKNOWN_COLUMN,
    DesignError,
)
from projects.models import Project
from projects.services import activity_log

_COLOR = re.compile(r"#[0-9a-fA-F]{6}\Z")
_SERIAL_BASE = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}
IDENTITY_TYPES = ("smallint", "integer", "bigint")


# -- helpers -------------------------------------------------------------------


def check_name(name: str, field: str = "name") -> list[str]:
    """Raise DesignError for an invalid identifier; return warnings for unwise ones."""
    errors = identifier_errors(name)
    if errors:
        raise DesignError(errors[0], field)
    return identifier_warnings(name)


def _type(text: str, field: str = "data_type") -> str:
    try:
        return normalize_type(text)
    except SqlTextError as exc:
        raise DesignError(str(exc), field) from None


def _expr(text: str | None, field: str) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return normalize_expr(text)
    except SqlTextError as exc:
        raise DesignError(str(exc), field) from None


def comparable_type(type_text: str) -> str:
    """The type a foreign key compares: serial columns hold integers."""
    return _SERIAL_BASE.get(type_text, type_text)


def touch(
    project: Project,
    actor: Any = None,
    verb: str = "",
    kind: str = "",
    name: str = "",
    before: str = "",
    after: str = "",
) -> None:
    """Bump the project's revision and record the edit in its activity log."""
    Project.objects.filter(pk=project.pk).update(revision=F("revision") + 1)
    project.refresh_from_db(fields=["revision", "updated_at"])
    if verb:
        activity_log(
            project=project,
            actor=actor,
            verb=verb,
            kind=kind,
            name=name,
            before=before,
            after=after,
        )


def _bump(table: DesignTable) -> None:
    DesignTable.objects.filter(pk=table.pk).update(version=F("version") + 1)
    table.version += 1


def _check_version(table: DesignTable, expected: int | None) -> None:
    if expected is not None and expected != table.version:
        raise DesignError(ERR_STALE.format(what="table", current=table.version), "version")


def _index_name_taken(
    project: Project, schema_name: str, name: str, *, exclude_uid: str = ""
) -> bool:
    """PostgreSQL keeps indexes and tables in one namespace per schema."""
    tables = DesignTable.objects.filter(project=project, schema_name=schema_name, name=name)
    indexes = DesignIndex.objects.filter(
        table__project=project, table__schema_name=schema_name, name=name
    ).exclude(uid=exclude_uid or "-")
    return tables.exists() or indexes.exists()


def _lock_table(table: DesignTable) -> DesignTable:
    """Re-read the table row under a row lock (a no-op on SQLite, which locks the file)."""
    return DesignTable.objects.select_for_update().get(pk=table.pk)


# -- whole schema ------------------------------------------------------------------


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
def schema_replace(*, actor: Any = None, project: Project, schema: m.Schema) -> None:
    """Replace the project's working design with ``schema`` (import, restore a version)."""
    validate_schema(schema)
    DesignTable.objects.filter(project=project).delete()
    DesignEnum.objects.filter(project=project).delete()
    DesignObject.objects.filter(project=project).delete()
    table_rows = [
        DesignTable(
            project=project,
            uid=t.id or rows._uid(),
            schema_name=t.schema,
            name=t.name,
            comment=t.comment or "",
            group=t.group or "",
            color=t.color or "",
            position=i,
            options=rows.table_options(t),
        )
        for i, t in enumerate(schema.tables)
    ]
    DesignTable.objects.bulk_create(table_rows, batch_size=500)
    # bulk_create sets primary keys on SQLite and PostgreSQL alike.
    columns: list[DesignColumn] = []
    constraints: list[DesignConstraint] = []
    indexes: list[DesignIndex] = []
    for t, row in zip(schema.tables, table_rows, strict=True):
        columns += [
            DesignColumn(table=row, uid=c.id or rows._uid(), position=i, **rows.column_fields(c))
            for i, c in enumerate(t.columns)
        ]
        constraints += rows.constraint_rows(t, row)
        indexes += [
            DesignIndex(table=row, uid=ix.id or rows._uid(), position=i, **rows.index_fields(ix))
            for i, ix in enumerate(t.indexes)
        ]
    DesignColumn.objects.bulk_create(columns, batch_size=1000)
    DesignConstraint.objects.bulk_create(constraints, batch_size=1000)
    DesignIndex.objects.bulk_create(indexes, batch_size=1000)
    DesignEnum.objects.bulk_create(
        [
            DesignEnum(
                project=project,
                uid=e.id or rows._uid(),
                schema_name=e.schema,
                name=e.name,
                values=list(e.values),
                comment=e.comment or "",
                position=i,
            )
            for i, e in enumerate(schema.enums)
        ]
    )
    DesignObject.objects.bulk_create(
        [
            DesignObject(project=project, kind=kind, position=i, data=data)
            for i, (kind, data) in enumerate(rows.object_documents(schema))
        ]
    )
    touch(project, actor, "replaced", "design", project.name, after=f"{len(schema.tables)} tables")


# -- tables -------------------------------------------------------------------------


@transaction.atomic
def table_create(
    *,
    actor: Any = None,
    project: Project,
    name: str,
    schema_name: str = "public",
    comment: str = "",
    group: str = "",
    color: str = "",
    with_id: bool = True,
) -> tuple[DesignTable, list[str]]:
    """Create a table, by default with an ``id bigint`` identity primary key."""
    name = name.strip()
    schema_name = (schema_name or "public").strip()
    warnings = check_name(name)
    check_name(schema_name, "schema_name")
    if color and not _COLOR.match(color):
        raise DesignError(ERR_COLOR.format(color=color), "color")
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
def table_update(
    *,
    actor: Any = None,
    table: DesignTable,
    name: str,
    schema_name: str = "public",
    comment: str = "",
    group: str = "",
    color: str = "",
    expected_version: int | None = None,
) -> list[str]:
    """Rename, move, comment or regroup a table; foreign keys that point at it follow."""
    table = _lock_table(table)
    _check_version(table, expected_version)
    name = name.strip()
    schema_name = (schema_name or "public").strip()
    warnings = check_name(name)
    check_name(schema_name, "schema_name")
    if color and not _COLOR.match(color):
        raise DesignError(ERR_COLOR.format(color=color), "color")
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
    _bump(table)
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
def table_delete(*, actor: Any = None, table: DesignTable) -> int:
    """Delete a table and the foreign keys of other tables that point at it; returns their count."""
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


# -- columns --------------------------------------------------------------------------


def _column_values(
    *,
    data_type: str,
    default: str | None,
    identity: str,
    generated: str | None,
) -> dict[str, Any]:
    data_type = _type(data_type)
    default_expr = _expr(default, "default")
    generated_expr = _expr(generated, "generated")
    identity = (identity or "").upper()
    if identity not in ("", "ALWAYS", "BY DEFAULT"):
        raise DesignError("Identity must be ALWAYS or BY DEFAULT.", "identity")
    if identity and comparable_type(data_type) not in IDENTITY_TYPES:
        raise DesignError(ERR_IDENTITY_TYPE.format(type=data_type), "identity")
    if identity and default_expr:
        raise DesignError(ERR_IDENTITY_AND_DEFAULT, "default")
    if generated_expr and (default_expr or identity):
        raise DesignError(ERR_GENERATED_AND_DEFAULT, "generated")
    if default_expr:
        problem = default_type_problem(default_expr, data_type)
        if problem:
            raise DesignError(problem, "default")
    return {
        "data_type": data_type,
        "default": default_expr,
        "identity": identity,
        "generated": generated_expr,
    }


_INT_RANGES = {
    "smallint": 2**15,
    "integer": 2**31,
    "bigint": 2**63,
    "serial": 2**31,
    "bigserial": 2**63,
    "smallserial": 2**15,
}
_FLOAT_TYPES = ("real", "double precision", "numeric")
_BOOL_WORDS = {"t", "f", "true", "false", "y", "n", "yes", "no", "on", "off", "1", "0"}
_UUID = re.compile(r"\{?[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}\}?\Z")


def default_type_problem(default: str, data_type: str) -> str | None:
    """Why a constant default cannot be stored in a column of ``data_type`` (None if it can).

    PostgreSQL checks this only when the DDL runs; catching the common cases here (text in
    a number, a number in a boolean, an out-of-range integer, a malformed uuid) keeps a
    design from exporting DDL that fails. Expressions other than plain constants are left
    to the database.
    """
    import pglast

    node = pglast.parse_sql(f"SELECT {default}")[0].stmt.targetList[0].val  # type: ignore[union-attr,index]
    negative = False
    if type(node).__name__ == "A_Expr" and getattr(node, "lexpr", None) is None:
        node, negative = node.rexpr, True
    if type(node).__name__ != "A_Const" or node.isnull:
        return None
    value = node.val
    kind = type(value).__name__  # Integer, Float, String, Boolean
    text = str(
        getattr(value, "sval", None) or getattr(value, "fval", None) or getattr(value, "ival", "")
    )
    if kind == "Boolean":
        text = "true" if value.boolval else "false"
    if kind == "Float" and re.fullmatch(r"[+-]?\d+", text):
        kind = "Integer"  # integers beyond int4 (and -2^31) come out of the parser as Float
    base = data_type.split("(")[0].strip()
    bad = ERR_DEFAULT_TYPE.format(default=default, type=data_type)
    if base in _INT_RANGES:
        if kind == "Boolean" or (kind == "String" and not re.fullmatch(r"\s*[+-]?\d+\s*", text)):
            return bad
        if kind == "Float":
            return bad
        try:
            number = int(text) * (-1 if negative else 1)
        except ValueError:
            return bad
        limit = _INT_RANGES[base]
        if not -limit <= number < limit:
            return ERR_DEFAULT_RANGE.format(default=default, type=data_type)
    elif base in _FLOAT_TYPES:
        if kind == "Boolean":
            return bad
        if kind == "String":
            try:
                float(text)
            except ValueError:
                return bad
    elif base == "boolean":
        if kind in ("Integer", "Float") or (
            kind == "String" and text.strip().lower() not in _BOOL_WORDS
        ):
            return bad
    elif base == "uuid" and (kind != "String" or not _UUID.match(text.strip())):
        return bad
    return None


def _fk_mismatches(table: DesignTable, column_name: str, new_type: str) -> str | None:
    """The error for giving an FK column a type that differs from its target, if any."""
    for fk in DesignConstraint.objects.filter(table=table, kind=ConstraintKind.FOREIGN):
        if column_name not in fk.columns:
            continue
        ref_col = fk.ref_columns[fk.columns.index(column_name)]
        target = DesignColumn.objects.filter(
            table__project_id=table.project_id,
            table__schema_name=fk.ref_schema,
            table__name=fk.ref_table,
            name=ref_col,
        ).first()
        if target and comparable_type(target.data_type) != comparable_type(new_type):
            return ERR_FK_TYPE_MISMATCH.format(
                column=column_name, type=new_type, ref=ref_col, ref_type=target.data_type
            )
    return None


def _propagate_type(table: DesignTable, column_name: str, new_type: str) -> None:
    """Columns that reference this one follow its type, so keys keep matching."""
    target_type = comparable_type(new_type)
    for fk in DesignConstraint.objects.filter(
        table__project_id=table.project_id,
        kind=ConstraintKind.FOREIGN,
        ref_schema=table.schema_name,
        ref_table=table.name,
    ):
        if column_name in fk.ref_columns:
            child = fk.columns[fk.ref_columns.index(column_name)]
            DesignColumn.objects.filter(table_id=fk.table_id, name=child).update(
                data_type=target_type
            )


def _set_single_column_flag(table: DesignTable, column: str, kind: str, on: bool) -> None:
    """Add or drop the primary-key membership / single-column UNIQUE of ``column``."""
    if kind == ConstraintKind.PRIMARY:
        pk = DesignConstraint.objects.filter(table=table, kind=kind).first()
        cols = list(pk.columns) if pk else []
        if on and column not in cols:
            cols.append(column)
        if not on and column in cols:
            cols.remove(column)
        if pk and not cols:
            pk.delete()
        elif pk:
            pk.columns = cols
            pk.save(update_fields=["columns"])
        elif cols:
            DesignConstraint.objects.create(table=table, kind=kind, columns=cols)
        if on:
            DesignColumn.objects.filter(table=table, name=column).update(nullable=False)
    else:
        existing = [
            c
            for c in DesignConstraint.objects.filter(table=table, kind=kind)
            if c.columns == [column]
        ]
        if on and not existing:
            DesignConstraint.objects.create(table=table, kind=kind, columns=[column])
        if not on:
            for c in existing:
                c.delete()


@transaction.atomic
def column_add(
    *,
    actor: Any = None,
    table: DesignTable,
    name: str,
    data_type: str,
    nullable: bool = True,
    default: str | None = None,
    identity: str = "",
    generated: str | None = None,
    comment: str = "",
    primary_key: bool = False,
    unique: bool = False,
) -> tuple[DesignColumn, list[str]]:
    table = _lock_table(table)
    name = name.strip()
    warnings = check_name(name)
    values = _column_values(
        data_type=data_type, default=default, identity=identity, generated=generated
    )
    if DesignColumn.objects.filter(table=table, name=name).exists():
        raise DesignError(ERR_DUPLICATE_COLUMN.format(table=table.name, name=name), "name")
    position = (DesignColumn.objects.filter(table=table).aggregate(p=Max("position"))["p"] or 0) + 1
    column = DesignColumn.objects.create(
        table=table,
        name=name,
        nullable=nullable and not primary_key and not values["identity"],
        comment=comment.strip(),
        position=position,
        **values,
    )
    if primary_key:
        _set_single_column_flag(table, name, ConstraintKind.PRIMARY, True)
    if unique:
        _set_single_column_flag(table, name, ConstraintKind.UNIQUE, True)
    _bump(table)
    touch(
        table.project,
        actor,
        "added",
        "column",
        f"{table.qualified_name}.{name}",
        after=_column_summary(column),
    )
    return column, warnings


@transaction.atomic
def column_update(
    *,
    actor: Any = None,
    column: DesignColumn,
    name: str,
    data_type: str,
    nullable: bool,
    default: str | None = None,
    identity: str = "",
    generated: str | None = None,
    comment: str = "",
    primary_key: bool | None = None,
    unique: bool | None = None,
    expected_version: int | None = None,
) -> list[str]:
    """Edit a column; a rename is carried into keys, indexes and referencing FKs."""
    table = _lock_table(column.table)
    _check_version(table, expected_version)
    column = DesignColumn.objects.get(pk=column.pk)
    name = name.strip()
    warnings = check_name(name)
    values = _column_values(
        data_type=data_type, default=default, identity=identity, generated=generated
    )
    old_name = column.name
    before = _column_summary(column)
    if name != old_name and DesignColumn.objects.filter(table=table, name=name).exists():
        raise DesignError(ERR_DUPLICATE_COLUMN.format(table=table.name, name=name), "name")
    mismatch = _fk_mismatches(table, old_name, values["data_type"])
    if mismatch:
        raise DesignError(mismatch, "data_type")
    if name != old_name:
        _rename_column_references(table, old_name, name)
    if values["data_type"] != column.data_type:
        _propagate_type(table, old_name if name == old_name else name, values["data_type"])
    for key, value in values.items():
        setattr(column, key, value)
    column.name = name
    column.nullable = nullable and not values["identity"]
    column.comment = comment.strip()
    column.save()
    if primary_key is not None:
        _set_single_column_flag(table, name, ConstraintKind.PRIMARY, primary_key)
        if primary_key:
            column.nullable = False
    if unique is not None:
        _set_single_column_flag(table, name, ConstraintKind.UNIQUE, unique)
    _check_set_null(table)
    _bump(table)
    column.refresh_from_db()
    touch(
        table.project,
        actor,
        "changed",
        "column",
        f"{table.qualified_name}.{name}",
        before,
        _column_summary(column),
    )
    return warnings


def _column_summary(column: DesignColumn) -> str:
    text = f"{column.name} {column.data_type}"
    if not column.nullable:
        text += " NOT NULL"
    if column.default:
        text += f" DEFAULT {column.default}"
    if column.identity:
        text += f" GENERATED {column.identity} AS IDENTITY"
    return text


def _rename_in(names: Sequence[str], old: str, new: str) -> list[str]:
    return [new if n == old else n for n in names]


def _rename_column_references(table: DesignTable, old: str, new: str) -> None:
    for c in DesignConstraint.objects.filter(table=table):
        c.columns = _rename_in(c.columns, old, new)
        o = dict(c.options or {})
        for key in ("include", "on_delete_columns"):
            if key in o:
                o[key] = _rename_in(o[key], old, new)
        c.options = o
        c.save(update_fields=["columns", "options"])
    for ix in DesignIndex.objects.filter(table=table):
        ix.parts = [{**p, "column": new} if p.get("column") == old else p for p in ix.parts]
        ix.include = _rename_in(ix.include, old, new)
        ix.save(update_fields=["parts", "include"])
    for fk in DesignConstraint.objects.filter(
        table__project_id=table.project_id,
        kind=ConstraintKind.FOREIGN,
        ref_schema=table.schema_name,
        ref_table=table.name,
    ):
        fk.ref_columns = _rename_in(fk.ref_columns, old, new)
        fk.save(update_fields=["ref_columns"])


def _check_set_null(table: DesignTable) -> None:
    for fk in DesignConstraint.objects.filter(table=table, kind=ConstraintKind.FOREIGN):
        if fk.on_delete == "SET NULL":
            cols = fk.options.get("on_delete_columns") or fk.columns
            for col in DesignColumn.objects.filter(table=table, name__in=cols, nullable=False):
                raise DesignError(ERR_FK_SET_NULL_NOT_NULL.format(column=col.name), "nullable")


@transaction.atomic
def column_delete(*, actor: Any = None, column: DesignColumn) -> None:
    """Delete a column and every key, index or foreign key that used it."""
    table = _lock_table(column.table)
    name = column.name
    for c in DesignConstraint.objects.filter(table=table):
        if name in c.columns or name in (c.options or {}).get("include", []):
            if c.kind == ConstraintKind.PRIMARY and len(c.columns) > 1 and name in c.columns:
                c.columns = [x for x in c.columns if x != name]
                c.save(update_fields=["columns"])
            else:
                c.delete()
        elif (
            c.kind == ConstraintKind.CHECK
            and c.expression
            and re.search(rf"\b{re.escape(name)}\b", c.expression)
        ):
            c.delete()
    for ix in DesignIndex.objects.filter(table=table):
        if any(p.get("column") == name for p in ix.parts) or name in ix.include:
            ix.delete()
    for fk in DesignConstraint.objects.filter(
        table__project_id=table.project_id,
        kind=ConstraintKind.FOREIGN,
        ref_schema=table.schema_name,
        ref_table=table.name,
    ):
        if name in fk.ref_columns:
            fk.delete()
    before = _column_summary(column)
    column.delete()
    _bump(table)
    touch(table.project, actor, "deleted", "column", f"{table.qualified_name}.{name}", before)


@transaction.atomic
def column_move(*, actor: Any = None, column: DesignColumn, offset: int) -> None:
    """Move a column up (offset -1) or down (+1) in its table."""
    table = _lock_table(column.table)
    columns = list(DesignColumn.objects.filter(table=table).order_by("position", "id"))
    index = next(i for i, c in enumerate(columns) if c.pk == column.pk)
    target = max(0, min(len(columns) - 1, index + offset))
    columns.insert(target, columns.pop(index))
    for i, c in enumerate(columns):
        if c.position != i:
            c.position = i
            c.save(update_fields=["position"])
    _bump(table)
    touch(table.project, actor, "moved", "column", f"{table.qualified_name}.{column.name}")


# -- foreign keys, checks, indexes -------------------------------------------------------

FK_ACTIONS = m.FK_ACTIONS


def _existing_columns(table: DesignTable) -> dict[str, DesignColumn]:
    return {c.name: c for c in DesignColumn.objects.filter(table=table)}


def _require_columns(
    table: DesignTable, names: Iterable[str], field: str
) -> dict[str, DesignColumn]:
    existing = _existing_columns(table)
    for n in names:
        if n not in existing:
            raise DesignError(ERR_UNKNOWN_COLUMN.format(table=table.name, name=n), field)
    return existing


@transaction.atomic
def foreign_key_create(
    *,
    actor: Any = None,
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
    table = _lock_table(table)
    columns, ref_columns = [c for c in columns if c], [c for c in ref_columns if c]
    if not columns:
        raise DesignError(ERR_FK_NO_COLUMNS, "columns")
    if len(columns) != len(ref_columns):
        raise DesignError(
            ERR_FK_COLUMN_COUNT.format(n=len(columns), m=len(ref_columns)), "ref_columns"
        )
    for action in (on_delete, on_update):
        if action not in FK_ACTIONS:
            raise DesignError(ERR_FK_ACTION.format(action=action), "on_delete")
    name = name.strip()
    if name:
        check_name(name)
    mine = _require_columns(table, columns, "columns")
    theirs = _require_columns(ref_table, ref_columns, "ref_columns")
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
    _bump(table)
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
def constraint_delete(*, actor: Any = None, constraint: DesignConstraint) -> None:
    table = _lock_table(constraint.table)
    label = f"{table.qualified_name}: {constraint.name or constraint.kind} ({', '.join(constraint.columns) or constraint.expression})"
    constraint.delete()
    _bump(table)
    touch(table.project, actor, "deleted", constraint.get_kind_display().lower(), label)


@transaction.atomic
def check_create(
    *, actor: Any = None, table: DesignTable, expression: str, name: str = ""
) -> DesignConstraint:
    table = _lock_table(table)
    body = _expr(expression, "expression")
    if body is None:
        raise DesignError("A CHECK constraint needs an expression.", "expression")
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
    _bump(table)
    touch(table.project, actor, "added", "check", table.qualified_name, after=body)
    return check


@transaction.atomic
def unique_create(
    *,
    actor: Any = None,
    table: DesignTable,
    columns: Sequence[str],
    name: str = "",
    nulls_not_distinct: bool = False,
) -> DesignConstraint:
    table = _lock_table(table)
    columns = [c for c in columns if c]
    if not columns:
        raise DesignError("Choose at least one column.", "columns")
    _require_columns(table, columns, "columns")
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
    _bump(table)
    touch(table.project, actor, "added", "unique", f"{table.qualified_name}({', '.join(columns)})")
    return constraint


_PART = re.compile(
    r"^(?P<body>.+?)(?:\s+(?P<dir>ASC|DESC))?(?:\s+NULLS\s+(?P<nulls>FIRST|LAST))?$", re.I
)


def parse_index_parts(text: str) -> list[m.IndexPart]:
    """Parse one key part per line: ``col [opclass] [ASC|DESC] [NULLS FIRST|LAST]`` or ``(expr) …``."""
    parts = []
    for raw in text.replace(",", "\n").splitlines() if "(" not in text else text.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _PART.match(line)
        assert match
        body = match.group("body").strip()
        descending = (match.group("dir") or "").upper() == "DESC"
        nulls = (match.group("nulls") or "").upper()
        nulls_first = None if not nulls else nulls == "FIRST"
        if body.startswith("("):
            depth, end = 0, 0
            for i, ch in enumerate(body):
                depth += ch == "("
                depth -= ch == ")"
                if depth == 0:
                    end = i
                    break
            expr = _expr(body[1:end], "parts")
            rest = body[end + 1 :].split()
            parts.append(
                m.IndexPart(
                    expression=expr,
                    opclass=rest[0] if rest else None,
                    descending=descending,
                    nulls_first=nulls_first,
                )
            )
        else:
            words = body.split()
            parts.append(
                m.IndexPart(
                    column=words[0].strip('"'),
                    opclass=words[1] if len(words) > 1 else None,
                    descending=descending,
                    nulls_first=nulls_first,
                )
            )
    return parts


def _split_names(text: str | Sequence[str]) -> list[str]:
    if isinstance(text, str):
        return [p.strip() for p in text.split(",") if p.strip()]
    return [p for p in text if p]


@transaction.atomic
def index_save(
    *,
    actor: Any = None,
    table: DesignTable,
    name: str,
    parts: str,
    method: str = "btree",
    unique: bool = False,
    include: str | Sequence[str] = "",
    where: str = "",
    nulls_not_distinct: bool = False,
    purpose: str = "",
    index: DesignIndex | None = None,
) -> tuple[DesignIndex, list[str]]:
    """Create an index, or update ``index`` when given."""
    table = _lock_table(table)
    name = name.strip()
    warnings = check_name(name)
    if method not in m.INDEX_METHODS:
        raise DesignError(ERR_INDEX_METHOD.format(method=method), "method")
    key_parts = parse_index_parts(parts)
    if not key_parts:
        raise DesignError(ERR_INDEX_NO_PARTS, "parts")
    include_cols = _split_names(include)
    _require_columns(table, [p.column for p in key_parts if p.column] + include_cols, "parts")
    predicate = _expr(where, "where")
    if _index_name_taken(
        table.project, table.schema_name, name, exclude_uid=index.uid if index else ""
    ):
        raise DesignError(ERR_DUPLICATE_INDEX.format(name=name, schema=table.schema_name), "name")
    fields = rows.index_fields(
        m.Index(
            name=name,
            parts=tuple(key_parts),
            method=method,
            unique=unique,
            nulls_not_distinct=nulls_not_distinct,
            include=tuple(include_cols),
            where=predicate,
            purpose=purpose.strip(),
        )
    )
    verb = "added" if index is None else "changed"
    if index is None:
        index = DesignIndex.objects.create(
            table=table, position=DesignIndex.objects.filter(table=table).count(), **fields
        )
    else:
        for key, value in fields.items():
            if key != "options":
                setattr(index, key, value)
        index.save()
    _bump(table)
    touch(table.project, actor, verb, "index", f"{table.schema_name}.{name}", after=parts.strip())
    return index, warnings


@transaction.atomic
def index_delete(*, actor: Any = None, index: DesignIndex) -> None:
    table = _lock_table(index.table)
    index.delete()
    _bump(table)
    touch(table.project, actor, "deleted", "index", f"{table.schema_name}.{index.name}")


# -- enums -------------------------------------------------------------------------------


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
            raise DesignError(f"The value “{v}” is longer than 63 bytes.", "values")
        seen.add(v)
    return items


@transaction.atomic
def enum_save(
    *,
    actor: Any = None,
    project: Project,
    name: str,
    values: str | Sequence[str],
    schema_name: str = "public",
    comment: str = "",
    enum: DesignEnum | None = None,
) -> tuple[DesignEnum, list[str]]:
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
        enum.save()
    touch(project, actor, "saved", "enum", f"{schema_name}.{name}", after=", ".join(items))
    return enum, warnings


@transaction.atomic
def enum_delete(*, actor: Any = None, enum: DesignEnum) -> None:
    project = enum.project
    enum.delete()
    touch(project, actor, "deleted", "enum", f"{enum.schema_name}.{enum.name}")
