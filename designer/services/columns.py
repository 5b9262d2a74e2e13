"""Writes of columns: add, edit, delete, reorder.

A rename is carried into the table's keys, indexes and the foreign keys that reference the
column; a new type is carried into the columns that reference it, so keys keep matching.
Deleting a column drops every key, index or foreign key that used it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pglast
from django.db import transaction
from django.db.models import Max

from designer.models import ConstraintKind, DesignColumn, DesignConstraint, DesignIndex, DesignTable
from designer.services._common import (
    bump_version,
    check_name,
    check_room,
    check_version,
    comparable_type,
    lock_table,
    recorded_table,
    recorded_table_and_referrers,
    sql_expr,
    sql_type,
    touch,
)
from designer.services.errors import (
    ERR_DEFAULT_RANGE,
    ERR_DEFAULT_TYPE,
    ERR_DUPLICATE_COLUMN,
    ERR_FK_SET_NULL_NOT_NULL,
    ERR_FK_TYPE_MISMATCH,
    ERR_GENERATED_AND_DEFAULT,
    ERR_IDENTITY_AND_DEFAULT,
    ERR_IDENTITY_KIND,
    ERR_IDENTITY_TYPE,
    DesignError,
)
from projects.models import Actor

IDENTITY_TYPES = ("smallint", "integer", "bigint")


def _column_values(
    *,
    data_type: str,
    default: str | None,
    identity: str,
    generated: str | None,
) -> dict[str, Any]:
    data_type = sql_type(data_type)
    default_expr = sql_expr(default, "default")
    generated_expr = sql_expr(generated, "generated")
    identity = (identity or "").upper()
    if identity not in ("", "ALWAYS", "BY DEFAULT"):
        raise DesignError(ERR_IDENTITY_KIND, "identity")
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
@recorded_table
def column_add(
    *,
    actor: Actor = None,
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
    table = lock_table(table)
    check_room(table.project, table=table)
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
    bump_version(table)
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
@recorded_table_and_referrers
def column_update(
    *,
    actor: Actor = None,
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
    table = lock_table(column.table)
    check_version(table, expected_version)
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
    bump_version(table)
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
@recorded_table_and_referrers
def column_delete(
    *, actor: Actor = None, column: DesignColumn, expected_version: int | None = None
) -> None:
    """Delete a column and every key, index or foreign key that used it."""
    table = lock_table(column.table)
    check_version(table, expected_version)
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
    bump_version(table)
    touch(table.project, actor, "deleted", "column", f"{table.qualified_name}.{name}", before)


@transaction.atomic
@recorded_table
def column_move(
    *, actor: Actor = None, column: DesignColumn, offset: int, expected_version: int | None = None
) -> None:
    """Move a column up (offset -1) or down (+1) in its table."""
    table = lock_table(column.table)
    check_version(table, expected_version)
    columns = list(DesignColumn.objects.filter(table=table).order_by("position", "id"))
    index = next(i for i, c in enumerate(columns) if c.pk == column.pk)
    target = max(0, min(len(columns) - 1, index + offset))
    columns.insert(target, columns.pop(index))
    for i, c in enumerate(columns):
        if c.position != i:
            c.position = i
            c.save(update_fields=["position"])
    bump_version(table)
    touch(table.project, actor, "moved", "column", f"{table.qualified_name}.{column.name}")
