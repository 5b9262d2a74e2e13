"""Conversions between design rows and schema-model objects (no queries here)."""

from __future__ import annotations

from dataclasses import MISSING
from typing import Any

from designer.models import (
    ConstraintKind,
    DesignColumn,
    DesignConstraint,
    DesignEnum,
    DesignIndex,
    DesignObject,
    DesignTable,
    ObjectKind,
    new_uid,
)
from designer.schema import model as m
from designer.schema.serialize import from_data, to_data

OBJECT_CLASSES: dict[str, type] = {
    ObjectKind.EXTENSION: m.Extension,
    ObjectKind.DOMAIN: m.Domain,
    ObjectKind.SEQUENCE: m.Sequence,
    ObjectKind.VIEW: m.View,
    ObjectKind.RAW: m.RawStatement,
}

# Table-level fields kept in DesignTable.options, with the model class of their value.
_TABLE_OPTION_FIELDS = (
    "partitioning",
    "partition_of",
    "inherits",
    "unlogged",
    "rls_enabled",
    "rls_forced",
    "policies",
    "excludes",
    "with_options",
    "expected_rows",
    "yearly_growth",
)


# -- rows -> model -----------------------------------------------------------


def column_from_row(row: DesignColumn) -> m.Column:
    return m.Column(
        name=row.name,
        type=row.data_type,
        nullable=row.nullable,
        default=row.default,
        identity=row.identity or None,  # type: ignore[arg-type]
        identity_options=row.identity_options,
        generated=row.generated,
        generated_kind=row.generated_kind,  # type: ignore[arg-type]
        collation=row.collation,
        comment=row.comment or None,
        id=row.uid,
    )


def index_from_row(row: DesignIndex) -> m.Index:
    options = row.options or {}
    return m.Index(
        name=row.name,
        parts=tuple(from_data(m.IndexPart, p) for p in row.parts),
        method=row.method,
        unique=row.unique,
        nulls_not_distinct=row.nulls_not_distinct,
        include=tuple(row.include),
        where=row.where,
        with_options=tuple(options.get("with_options", ())),
        tablespace=options.get("tablespace"),
        comment=options.get("comment"),
        purpose=row.purpose,
        id=row.uid,
    )


def table_from_rows(
    row: DesignTable,
    columns: list[DesignColumn],
    constraints: list[DesignConstraint],
    indexes: list[DesignIndex],
) -> m.Table:
    primary_key = None
    fks: list[m.ForeignKey] = []
    uniques: list[m.UniqueConstraint] = []
    checks: list[m.CheckConstraint] = []
    for c in constraints:
        o = c.options or {}
        if c.kind == ConstraintKind.PRIMARY:
            primary_key = m.PrimaryKey(
                columns=tuple(c.columns),
                name=c.name,
                include=tuple(o.get("include", ())),
                deferrable=c.deferrable,
                initially_deferred=c.initially_deferred,
                without_overlaps=o.get("without_overlaps", False),
                id=c.uid,
            )
        elif c.kind == ConstraintKind.UNIQUE:
            uniques.append(
                m.UniqueConstraint(
                    columns=tuple(c.columns),
                    name=c.name,
                    nulls_not_distinct=o.get("nulls_not_distinct", False),
                    include=tuple(o.get("include", ())),
                    deferrable=c.deferrable,
                    initially_deferred=c.initially_deferred,
                    without_overlaps=o.get("without_overlaps", False),
                    id=c.uid,
                )
            )
        elif c.kind == ConstraintKind.CHECK:
            checks.append(
                m.CheckConstraint(
                    expression=c.expression or "true",
                    name=c.name,
                    not_valid=c.not_valid,
                    no_inherit=o.get("no_inherit", False),
                    id=c.uid,
                )
            )
        elif c.kind == ConstraintKind.FOREIGN:
            fks.append(
                m.ForeignKey(
                    columns=tuple(c.columns),
                    ref_table=c.ref_table,
                    ref_columns=tuple(c.ref_columns),
                    ref_schema=c.ref_schema or "public",
                    name=c.name,
                    on_delete=c.on_delete,  # type: ignore[arg-type]
                    on_update=c.on_update,  # type: ignore[arg-type]
                    match=c.match,  # type: ignore[arg-type]
                    deferrable=c.deferrable,
                    initially_deferred=c.initially_deferred,
                    not_valid=c.not_valid,
                    period=o.get("period", False),
                    on_delete_columns=tuple(o.get("on_delete_columns", ())),
                    id=c.uid,
                )
            )
    extra: dict[str, Any] = {}
    hints = {f: m.Table.__dataclass_fields__[f].type for f in _TABLE_OPTION_FIELDS}
    if row.options:
        partial = from_data(m.Table, {"name": row.name, **row.options})
        extra = {k: getattr(partial, k) for k in row.options if k in hints}
    return m.Table(
        name=row.name,
        schema=row.schema_name,
        columns=tuple(column_from_row(c) for c in columns),
        primary_key=primary_key,
        foreign_keys=tuple(fks),
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=tuple(index_from_row(i) for i in indexes),
        comment=row.comment or None,
        group=row.group or None,
        color=row.color or None,
        id=row.uid,
        **extra,
    )


def enum_from_row(row: DesignEnum) -> m.EnumType:
    return m.EnumType(
        name=row.name,
        values=tuple(row.values),
        schema=row.schema_name,
        comment=row.comment or None,
        id=row.uid,
    )


# -- model -> rows (unsaved) -------------------------------------------------


def _non_default_data(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """``to_data(obj)`` restricted to ``names`` (in field order): serialising only the fields
    kept, not the whole object (a table with its columns), saves most of writing a big import."""
    out: dict[str, Any] = {}
    for name, f in obj.__dataclass_fields__.items():
        if name not in names:
            continue
        value = getattr(obj, name)
        if f.default is not MISSING and value == f.default:
            continue
        out[name] = to_data(value)
    return out


def table_options(table: m.Table) -> dict[str, Any]:
    return _non_default_data(table, _TABLE_OPTION_FIELDS)


def column_fields(column: m.Column) -> dict[str, Any]:
    return {
        "name": column.name,
        "data_type": column.type,
        "nullable": column.nullable,
        "default": column.default,
        "identity": column.identity or "",
        "identity_options": column.identity_options,
        "generated": column.generated,
        "generated_kind": column.generated_kind,
        "collation": column.collation,
        "comment": column.comment or "",
    }


def index_fields(index: m.Index) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if index.with_options:
        options["with_options"] = list(index.with_options)
    if index.tablespace:
        options["tablespace"] = index.tablespace
    if index.comment:
        options["comment"] = index.comment
    return {
        "name": index.name,
        "method": index.method,
        "unique": index.unique,
        "parts": [to_data(p) for p in index.parts],
        "include": list(index.include),
        "where": index.where,
        "nulls_not_distinct": index.nulls_not_distinct,
        "purpose": index.purpose,
        "options": options,
    }


def constraint_rows(table: m.Table, table_row: DesignTable) -> list[DesignConstraint]:
    return [DesignConstraint(table=table_row, **fields) for fields in constraint_fields(table)]


def constraint_fields(table: m.Table) -> list[dict[str, Any]]:
    """The field values of a table's constraint rows (without the table), in row order."""
    rows: list[dict[str, Any]] = []

    def add(obj_id: str, **fields: Any) -> None:
        rows.append({"uid": obj_id or new_uid(), "position": len(rows), **fields})

    pk = table.primary_key
    if pk:
        add(
            pk.id,
            kind=ConstraintKind.PRIMARY,
            name=pk.name,
            columns=list(pk.columns),
            deferrable=pk.deferrable,
            initially_deferred=pk.initially_deferred,
            options=_non_default_data(pk, ("include", "without_overlaps")),
        )
    for u in table.uniques:
        add(
            u.id,
            kind=ConstraintKind.UNIQUE,
            name=u.name,
            columns=list(u.columns),
            deferrable=u.deferrable,
            initially_deferred=u.initially_deferred,
            options=_non_default_data(u, ("include", "without_overlaps", "nulls_not_distinct")),
        )
    for c in table.checks:
        add(
            c.id,
            kind=ConstraintKind.CHECK,
            name=c.name,
            expression=c.expression,
            not_valid=c.not_valid,
            options={"no_inherit": True} if c.no_inherit else {},
        )
    for fk in table.foreign_keys:
        add(
            fk.id,
            kind=ConstraintKind.FOREIGN,
            name=fk.name,
            columns=list(fk.columns),
            ref_schema=fk.ref_schema,
            ref_table=fk.ref_table,
            ref_columns=list(fk.ref_columns),
            on_delete=fk.on_delete,
            on_update=fk.on_update,
            match=fk.match,
            deferrable=fk.deferrable,
            initially_deferred=fk.initially_deferred,
            not_valid=fk.not_valid,
            options=_non_default_data(fk, ("period", "on_delete_columns")),
        )
    return rows


def object_documents(schema: m.Schema) -> list[tuple[str, dict[str, Any]]]:
    """(kind, JSON document) for every object kept in DesignObject, in model order."""
    docs: list[tuple[str, dict[str, Any]]] = []
    docs += [(ObjectKind.NAMESPACE, {"name": s}) for s in schema.schemas]
    docs += [
        (ObjectKind.SCHEMA_COMMENT, {"name": n, "comment": c}) for n, c in schema.schema_comments
    ]
    docs += [(ObjectKind.EXTENSION, to_data(o)) for o in schema.extensions]
    docs += [(ObjectKind.DOMAIN, to_data(o)) for o in schema.domains]
    docs += [(ObjectKind.SEQUENCE, to_data(o)) for o in schema.sequences]
    docs += [(ObjectKind.VIEW, to_data(o)) for o in schema.views]
    docs += [(ObjectKind.RAW, to_data(o)) for o in schema.raw]
    return docs


def schema_from_objects(
    tables: list[m.Table], enums: list[m.EnumType], objects: list[DesignObject]
) -> m.Schema:
    by_kind: dict[str, list[Any]] = {k: [] for k in ObjectKind.values}
    for obj in objects:
        if obj.kind in OBJECT_CLASSES:
            by_kind[obj.kind].append(from_data(OBJECT_CLASSES[obj.kind], obj.data))
        else:
            by_kind[obj.kind].append(obj.data)
    return m.Schema(
        tables=tuple(tables),
        enums=tuple(enums),
        domains=tuple(by_kind[ObjectKind.DOMAIN]),
        sequences=tuple(by_kind[ObjectKind.SEQUENCE]),
        views=tuple(by_kind[ObjectKind.VIEW]),
        extensions=tuple(by_kind[ObjectKind.EXTENSION]),
        schemas=tuple(d["name"] for d in by_kind[ObjectKind.NAMESPACE]),
        schema_comments=tuple(
            (d["name"], d["comment"]) for d in by_kind[ObjectKind.SCHEMA_COMMENT]
        ),
        raw=tuple(by_kind[ObjectKind.RAW]),
    )
