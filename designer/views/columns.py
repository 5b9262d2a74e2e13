"""Columns of a table: add, edit, delete and move, answered with the table panel."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from designer.forms import ColumnForm
from designer.models import DesignColumn
from designer.services import columns as services
from designer.services.column_spec import column_add_spec, parse_spec
from designer.services.errors import DesignError
from designer.views.common import (
    FormError,
    HtmxHttpRequest,
    load_table,
    panel_response,
    posted_version,
)
from projects.models import Role

COLUMN_FIELDS = (
    "name",
    "data_type",
    "not_null",
    "default",
    "identity",
    "comment",
    "primary_key",
    "unique",
)
MOVES = {"up": -1, "down": 1}


@require_POST
def column_add(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    form = ColumnForm(request.POST)
    values = form.service_kwargs()
    # "email text" or "customer_id > customers" typed in the name, with no type: a spec.
    spec = None if values["data_type"] else parse_spec(values["name"])
    try:
        if spec is not None:
            _, warnings = column_add_spec(
                actor=request.user, table=table, spec=spec, nullable=values["nullable"]
            )
        else:
            _, warnings = services.column_add(actor=request.user, table=table, **values)
    except DesignError as exc:
        error = FormError.of("column-new", exc, COLUMN_FIELDS)
        return panel_response(request, access, table, error=error)
    return panel_response(request, access, table, warnings=warnings, edited=True)


@require_POST
def column_update(request: HtmxHttpRequest, slug: str, uid: str, cuid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    column = get_object_or_404(DesignColumn, table=table, uid=cuid)
    form = ColumnForm(request.POST)
    try:
        warnings = services.column_update(
            actor=request.user,
            column=column,
            expected_version=posted_version(request),
            **form.service_kwargs(),
        )
    except DesignError as exc:
        error = FormError.of(f"column-{cuid}", exc, COLUMN_FIELDS)
        return panel_response(request, access, table, error=error)
    return panel_response(request, access, table, warnings=warnings, edited=True)


@require_POST
def column_delete(request: HtmxHttpRequest, slug: str, uid: str, cuid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    column = get_object_or_404(DesignColumn, table=table, uid=cuid)
    try:
        services.column_delete(
            actor=request.user, column=column, expected_version=posted_version(request)
        )
    except DesignError as exc:
        error = FormError.of(f"column-{cuid}", exc, COLUMN_FIELDS)
        return panel_response(request, access, table, error=error)
    return panel_response(request, access, table, edited=True)


@require_POST
def column_move(
    request: HtmxHttpRequest, slug: str, uid: str, cuid: str, direction: str
) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    column = get_object_or_404(DesignColumn, table=table, uid=cuid)
    try:
        services.column_move(
            actor=request.user,
            column=column,
            offset=MOVES[direction],
            expected_version=posted_version(request),
        )
    except DesignError as exc:
        error = FormError.of(f"column-{cuid}", exc, COLUMN_FIELDS)
        return panel_response(request, access, table, error=error)
    return panel_response(request, access, table, edited=True)
