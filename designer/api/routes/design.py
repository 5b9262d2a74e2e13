"""The design: the whole schema model (GET, PUT with merge), and its tables, columns,
foreign keys, CHECK/UNIQUE constraints and indexes.

Every edit goes through the service the editor uses. Writes under a table answer with the
table as it is after the edit; ``If-Match`` names the table's ETag (the design's for PUT
design and for a new table).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from designer.api.auth import api_access
from designer.api.errors import ApiError, ErrorOut
from designer.api.etag import ERR_STALE, etag_of, guard, guard_design, json_answer, tag
from designer.api.payloads import design_json, table_payload, table_row, table_summary
from designer.models import (
    ConstraintKind,
    DesignColumn,
    DesignConstraint,
    DesignIndex,
    DesignTable,
)
from designer.schema import model as m
from designer.schema.serialize import schema_from_json
from designer.selectors.design import project_schema
from designer.services import columns, constraints, indexes, tables
from designer.services.errors import DesignError
from designer.services.schema import design_merge
from projects.access import ProjectAccess
from projects.models import Role

router = Router(tags=["design"])
ERR_DESIGN_JSON = "The design is not a schema model document: {reason}"
ERR_NO_OBJECT = "No {what} with id “{uid}” on this table."

Json = dict[str, Any]


class DesignDocument(Schema):
    format: int = Field(description="the schema model's format version (GET design says which)")
    schema_: Json = Field(alias="schema", description="the schema model, as GET design returns")


class TableOut(Schema):
    uid: str
    version: int
    table: Json


class TableSummary(Schema):
    uid: str
    schema_: str = Field(alias="schema")
    name: str
    qualified_name: str
    columns: int
    comment: str
    group: str


class TableIn(Schema):
    name: str
    schema_: str = Field("public", alias="schema")
    comment: str = ""
    group: str = ""
    color: str = ""
    with_id: bool = Field(True, description="start with an id bigint identity primary key")


class TablePatch(Schema):
    name: str | None = None
    schema_: str | None = Field(None, alias="schema")
    comment: str | None = None
    group: str | None = None
    color: str | None = None


class ColumnIn(Schema):
    name: str
    data_type: str
    nullable: bool = True
    default: str | None = None
    identity: Literal["", "ALWAYS", "BY DEFAULT"] = ""
    generated: str | None = None
    comment: str = ""
    primary_key: bool = False
    unique: bool = False


class ColumnPatch(Schema):
    name: str | None = None
    data_type: str | None = None
    nullable: bool | None = None
    default: str | None = None
    identity: Literal["", "ALWAYS", "BY DEFAULT"] | None = None
    generated: str | None = None
    comment: str | None = None
    primary_key: bool | None = None
    unique: bool | None = None


FkAction = Literal["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"]


class ForeignKeyIn(Schema):
    columns: list[str]
    ref_table: str = Field(description="the referenced table's uid, or its schema.name")
    ref_columns: list[str]
    on_delete: FkAction = "NO ACTION"
    on_update: FkAction = "NO ACTION"
    name: str = ""
    deferrable: bool = False
    initially_deferred: bool = False


class ConstraintIn(Schema):
    kind: Literal["check", "unique"]
    name: str = ""
    expression: str = Field("", description="the CHECK body (kind check)")
    columns: list[str] = Field(default_factory=list, description="the columns (kind unique)")
    nulls_not_distinct: bool = False


class IndexIn(Schema):
    name: str
    parts: list[str] = Field(
        description="key parts: “column [opclass] [DESC] [NULLS FIRST|LAST]” or “(expression)”"
    )
    method: Literal["btree", "hash", "gin", "gist", "spgist", "brin"] = "btree"
    unique: bool = False
    include: list[str] = Field(default_factory=list)
    where: str = ""
    nulls_not_distinct: bool = False
    purpose: str = ""


R = {200: TableOut, codes_4xx: ErrorOut}


# -- the whole design -----------------------------------------------------------------------


@router.get(
    "/projects/{slug}/design", response={200: DesignDocument, codes_4xx: ErrorOut}, by_alias=True
)
def design_get(request: HttpRequest, slug: str):
    """The working design as the JSON schema model, every object with its id."""
    access = api_access(request, slug)
    return json_answer(design_json(project_schema(access.project)))


@router.put(
    "/projects/{slug}/design", response={200: DesignDocument, codes_4xx: ErrorOut}, by_alias=True
)
def design_put(request: HttpRequest, slug: str, body: DesignDocument):
    """Replace the working design, merging: objects that keep their id (or, without one, their
    qualified name) keep their identity, so renames stay renames and comments stay attached."""
    with transaction.atomic():
        access = api_access(request, slug, Role.EDITOR)
        guard_design(request, access.project)
        schema = _schema_of(body.dict(by_alias=True))
        stored = design_merge(actor=request.user, project=access.project, schema=schema)
        return json_answer(design_json(stored))


def _schema_of(document: Json) -> m.Schema:
    try:
        return schema_from_json(json.dumps(document))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ApiError(422, "invalid", ERR_DESIGN_JSON.format(reason=exc), field="schema") from None


# -- tables -----------------------------------------------------------------------------------


@router.get(
    "/projects/{slug}/tables",
    response={200: list[TableSummary], codes_4xx: ErrorOut},
    by_alias=True,
)
def table_list(request: HttpRequest, slug: str):
    access = api_access(request, slug)
    return [table_summary(t) for t in project_schema(access.project).tables]


@router.post("/projects/{slug}/tables", response={201: TableOut, codes_4xx: ErrorOut})
def table_new(request: HttpRequest, slug: str, body: TableIn, response: HttpResponse):
    """Create a table (If-Match: the design's ETag)."""
    with transaction.atomic():
        access = api_access(request, slug, Role.EDITOR)
        guard_design(request, access.project)
        row, _ = tables.table_create(
            actor=request.user,
            project=access.project,
            name=body.name,
            schema_name=body.schema_,
            comment=body.comment,
            group=body.group,
            color=body.color,
            with_id=body.with_id,
        )
        return Status(201, tag(response, table_payload(access.project, row.uid)))


@router.get("/projects/{slug}/tables/{uid}", response=R)
def table_get(request: HttpRequest, slug: str, uid: str, response: HttpResponse):
    """A table with its columns, keys, constraints and indexes (and their ids)."""
    access = api_access(request, slug)
    return tag(response, table_payload(access.project, uid))


@router.patch("/projects/{slug}/tables/{uid}", response=R)
def table_edit(request: HttpRequest, slug: str, uid: str, body: TablePatch, response: HttpResponse):
    """Rename, move, comment, group or colour a table; foreign keys that point at it follow."""
    access, row = _guarded(request, slug, uid)
    values = {k: getattr(row, k) for k in ("name", "schema_name", "comment", "group", "color")}
    given = body.dict(exclude_unset=True)
    if "schema_" in given:
        given["schema_name"] = given.pop("schema_")
    values.update({k: v for k, v in given.items() if v is not None})
    _edit(
        access,
        uid,
        lambda: tables.table_update(
            actor=request.user, table=row, expected_version=row.version, **values
        ),
    )
    return tag(response, table_payload(access.project, uid))


@router.delete("/projects/{slug}/tables/{uid}", response={204: None, codes_4xx: ErrorOut})
def table_remove(request: HttpRequest, slug: str, uid: str):
    """Delete a table, and the foreign keys of other tables that point at it."""
    _access, row = _guarded(request, slug, uid)
    tables.table_delete(actor=request.user, table=row)
    return Status(204, None)


def _guarded(request: HttpRequest, slug: str, uid: str) -> tuple[ProjectAccess, Any]:
    """The table ``uid`` for an edit (editors), refused with 412 when If-Match is stale."""
    access = api_access(request, slug, Role.EDITOR)
    row = table_row(access, uid)
    guard(request, table_payload(access.project, uid), "table")
    return access, row


def _edit(access: ProjectAccess, uid: str, edit: Callable[[], Any]) -> Any:
    """Run a service edit; a stale-version refusal from the service becomes 412 too."""
    try:
        return edit()
    except DesignError as exc:
        if exc.field != "version":
            raise
        current = table_payload(access.project, uid)
        now = etag_of(current)
        message = ERR_STALE.format(what="table", sent="(read)", current=now)
        raise ApiError(412, "stale", message, current=current) from None


# -- columns ----------------------------------------------------------------------------------


@router.post("/projects/{slug}/tables/{uid}/columns", response={201: TableOut, codes_4xx: ErrorOut})
def column_new(request: HttpRequest, slug: str, uid: str, body: ColumnIn, response: HttpResponse):
    access, row = _guarded(request, slug, uid)
    columns.column_add(actor=request.user, table=row, **body.dict())
    return Status(201, tag(response, table_payload(access.project, uid)))


@router.patch("/projects/{slug}/tables/{uid}/columns/{cuid}", response=R)
def column_edit(
    request: HttpRequest, slug: str, uid: str, cuid: str, body: ColumnPatch, response: HttpResponse
):
    """Change a column; what is not sent stays. A rename carries into keys and indexes."""
    access, row = _guarded(request, slug, uid)
    column = _child(DesignColumn, row, cuid, "column")
    values: dict[str, Any] = {
        "name": column.name,
        "data_type": column.data_type,
        "nullable": column.nullable,
        "default": column.default,
        "identity": column.identity,
        "generated": column.generated,
        "comment": column.comment,
    }
    values.update(body.dict(exclude_unset=True))
    for key in ("name", "data_type", "nullable", "identity", "comment"):
        if values[key] is None:
            values[key] = getattr(column, key)
    _edit(
        access,
        uid,
        lambda: columns.column_update(
            actor=request.user, column=column, expected_version=row.version, **values
        ),
    )
    return tag(response, table_payload(access.project, uid))


@router.delete("/projects/{slug}/tables/{uid}/columns/{cuid}", response=R)
def column_remove(request: HttpRequest, slug: str, uid: str, cuid: str, response: HttpResponse):
    access, row = _guarded(request, slug, uid)
    columns.column_delete(actor=request.user, column=_child(DesignColumn, row, cuid, "column"))
    return tag(response, table_payload(access.project, uid))


def _child(model: Any, row: Any, uid: str, what: str, **filters: Any) -> Any:
    found = model.objects.filter(table=row, uid=uid, **filters).first()
    if found is None:
        raise Http404(ERR_NO_OBJECT.format(what=what, uid=uid))
    return found


# -- foreign keys and constraints -----------------------------------------------------------------


@router.post(
    "/projects/{slug}/tables/{uid}/foreign-keys", response={201: TableOut, codes_4xx: ErrorOut}
)
def foreign_key_new(
    request: HttpRequest, slug: str, uid: str, body: ForeignKeyIn, response: HttpResponse
):
    """Add a foreign key; the referenced table is named by uid or ``schema.name``."""
    access, row = _guarded(request, slug, uid)
    ref = _table_by_uid_or_name(access, body.ref_table)
    values = body.dict()
    values.pop("ref_table")
    constraints.foreign_key_create(actor=request.user, table=row, ref_table=ref, **values)
    return Status(201, tag(response, table_payload(access.project, uid)))


@router.delete("/projects/{slug}/tables/{uid}/foreign-keys/{kuid}", response=R)
def foreign_key_remove(
    request: HttpRequest, slug: str, uid: str, kuid: str, response: HttpResponse
):
    access, row = _guarded(request, slug, uid)
    fk = _child(DesignConstraint, row, kuid, "foreign key", kind=ConstraintKind.FOREIGN)
    constraints.constraint_delete(actor=request.user, constraint=fk)
    return tag(response, table_payload(access.project, uid))


@router.post(
    "/projects/{slug}/tables/{uid}/constraints", response={201: TableOut, codes_4xx: ErrorOut}
)
def constraint_new(
    request: HttpRequest, slug: str, uid: str, body: ConstraintIn, response: HttpResponse
):
    """Add a CHECK (``expression``) or UNIQUE (``columns``) constraint."""
    access, row = _guarded(request, slug, uid)
    if body.kind == "check":
        constraints.check_create(
            actor=request.user, table=row, expression=body.expression, name=body.name
        )
    else:
        constraints.unique_create(
            actor=request.user,
            table=row,
            columns=body.columns,
            name=body.name,
            nulls_not_distinct=body.nulls_not_distinct,
        )
    return Status(201, tag(response, table_payload(access.project, uid)))


@router.delete("/projects/{slug}/tables/{uid}/constraints/{kuid}", response=R)
def constraint_remove(request: HttpRequest, slug: str, uid: str, kuid: str, response: HttpResponse):
    """Delete a CHECK or UNIQUE constraint (the primary key is a column's flag)."""
    access, row = _guarded(request, slug, uid)
    kinds = [ConstraintKind.CHECK, ConstraintKind.UNIQUE]
    found = _child(DesignConstraint, row, kuid, "constraint", kind__in=kinds)
    constraints.constraint_delete(actor=request.user, constraint=found)
    return tag(response, table_payload(access.project, uid))


def _table_by_uid_or_name(access: ProjectAccess, ref: str) -> Any:
    tables_ = DesignTable.objects.filter(project=access.project)
    found = tables_.filter(uid=ref).first()
    if found is None:
        schema, _, name = ref.rpartition(".")
        found = tables_.filter(schema_name=schema or "public", name=name).first()
    if found is None:
        raise DesignError(f"There is no table “{ref}” in this design.", "ref_table")
    return found


# -- indexes ------------------------------------------------------------------------------------


@router.post("/projects/{slug}/tables/{uid}/indexes", response={201: TableOut, codes_4xx: ErrorOut})
def index_new(request: HttpRequest, slug: str, uid: str, body: IndexIn, response: HttpResponse):
    access, row = _guarded(request, slug, uid)
    indexes.index_save(actor=request.user, table=row, **_index_values(body))
    return Status(201, tag(response, table_payload(access.project, uid)))


@router.put("/projects/{slug}/tables/{uid}/indexes/{iuid}", response=R)
def index_edit(
    request: HttpRequest, slug: str, uid: str, iuid: str, body: IndexIn, response: HttpResponse
):
    """Replace an index's definition (it keeps its id)."""
    access, row = _guarded(request, slug, uid)
    index = _child(DesignIndex, row, iuid, "index")
    indexes.index_save(actor=request.user, table=row, index=index, **_index_values(body))
    return tag(response, table_payload(access.project, uid))


@router.delete("/projects/{slug}/tables/{uid}/indexes/{iuid}", response=R)
def index_remove(request: HttpRequest, slug: str, uid: str, iuid: str, response: HttpResponse):
    access, row = _guarded(request, slug, uid)
    indexes.index_delete(actor=request.user, index=_child(DesignIndex, row, iuid, "index"))
    return tag(response, table_payload(access.project, uid))


def _index_values(body: IndexIn) -> dict[str, Any]:
    values = body.dict()
    values["parts"] = "\n".join(p.replace("\n", " ") for p in body.parts)
    return values
