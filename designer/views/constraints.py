"""Foreign keys, CHECK and UNIQUE constraints of a table, answered with the table panel."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from designer.forms import CheckForm, ForeignKeyForm, UniqueForm
from designer.models import DesignConstraint, DesignTable
from designer.services import constraints as services
from designer.services.errors import ERR_UNKNOWN_TABLE, DesignError
from designer.views.common import (
    EDITOR,
    FormError,
    HtmxHttpRequest,
    load_table,
    panel_response,
    posted_version,
    ref_column_options,
)
from projects.models import Role

FK_FIELDS = ("columns", "ref_table", "ref_columns", "on_delete", "on_update", "name")
CHECK_FIELDS = ("name", "expression")
UNIQUE_FIELDS = ("columns", "name")


@require_POST
def foreign_key_create(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    v = ForeignKeyForm(request.POST).read()
    ref_table = DesignTable.objects.filter(project=access.project, uid=v["ref_table"] or "").first()
    try:
        if ref_table is None:
            raise DesignError(ERR_UNKNOWN_TABLE.format(name=v["ref_table"] or "?"), "ref_table")
        services.foreign_key_create(
            actor=request.user,
            table=table,
            columns=v["columns"],
            ref_table=ref_table,
            ref_columns=v["ref_columns"],
            on_delete=v["on_delete"] or "NO ACTION",
            on_update=v["on_update"] or "NO ACTION",
            deferrable=bool(v["deferrable"]),
            name=v["name"] or "",
        )
    except DesignError as exc:
        return panel_response(request, access, table, error=FormError.of("fk", exc, FK_FIELDS))
    return panel_response(request, access, table, edited=True)


@require_GET
def foreign_key_targets(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    """The target-column options for the table chosen in the foreign-key builder."""
    access, _ = load_table(request, slug, uid, Role.VIEWER)
    ref_table = DesignTable.objects.filter(
        project=access.project, uid=request.GET.get("ref_table", "")
    ).first()
    context = {"fk_ref_options": ref_column_options(ref_table)}
    return render(request, f"{EDITOR}#fk-ref-options", context)


@require_POST
def check_create(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    v = CheckForm(request.POST).read()
    try:
        services.check_create(
            actor=request.user, table=table, expression=v["expression"] or "", name=v["name"] or ""
        )
    except DesignError as exc:
        return panel_response(
            request, access, table, error=FormError.of("check", exc, CHECK_FIELDS)
        )
    return panel_response(request, access, table, edited=True)


@require_POST
def unique_create(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    v = UniqueForm(request.POST).read()
    try:
        services.unique_create(
            actor=request.user,
            table=table,
            columns=v["columns"],
            name=v["name"] or "",
            nulls_not_distinct=bool(v["nulls_not_distinct"]),
        )
    except DesignError as exc:
        error = FormError.of("unique", exc, UNIQUE_FIELDS)
        return panel_response(request, access, table, error=error)
    return panel_response(request, access, table, edited=True)


@require_POST
def constraint_delete(request: HtmxHttpRequest, slug: str, uid: str, kuid: str) -> HttpResponse:
    access, table = load_table(request, slug, uid, Role.EDITOR)
    constraint = get_object_or_404(DesignConstraint, table=table, uid=kuid)
    try:
        services.constraint_delete(
            actor=request.user, constraint=constraint, expected_version=posted_version(request)
        )
    except DesignError as exc:
        return panel_response(request, access, table, error=FormError.of("table", exc, ()))
    return panel_response(request, access, table, edited=True)
