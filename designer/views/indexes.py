"""Indexes of a table: add, edit and delete, answered with the table panel."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from designer.forms import IndexForm
from designer.models import DesignIndex
from designer.services import indexes as services
from designer.services.errors import DesignError
from designer.views.common import (
    FormError,
    HtmxHttpRequest,
    load_table,
    panel_response,
    posted_version,
)
from projects.models import Role

INDEX_FIELDS = ("name", "method", "parts", "include", "where", "purpose")


@require_POST
def index_create(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    form = IndexForm(request.POST)
    try:
        _, warnings = services.index_save(actor=request.user, table=table, **form.service_kwargs())
    except DesignError as exc:
        return panel_response(
            request, access, table, error=FormError.of("index-new", exc, INDEX_FIELDS)
        )
    return panel_response(request, access, table, warnings=warnings, edited=True)


@require_POST
def index_update(request: HtmxHttpRequest, slug: str, uid: str, iuid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    index = get_object_or_404(DesignIndex, table=table, uid=iuid)
    form = IndexForm(request.POST)
    try:
        _, warnings = services.index_save(
            actor=request.user,
            table=table,
            index=index,
            expected_version=posted_version(request),
            **form.service_kwargs(),
        )
    except DesignError as exc:
        error = FormError.of(f"index-{iuid}", exc, INDEX_FIELDS)
        return panel_response(request, access, table, error=error)
    return panel_response(request, access, table, warnings=warnings, edited=True)


@require_POST
def index_delete(request: HtmxHttpRequest, slug: str, uid: str, iuid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    index = get_object_or_404(DesignIndex, table=table, uid=iuid)
    try:
        services.index_delete(
            actor=request.user, index=index, expected_version=posted_version(request)
        )
    except DesignError as exc:
        error = FormError.of(f"index-{iuid}", exc, INDEX_FIELDS)
        return panel_response(request, access, table, error=error)
    return panel_response(request, access, table, edited=True)
