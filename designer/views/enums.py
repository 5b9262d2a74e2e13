"""Enum types: one panel (also a page) to add, edit and delete them."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from designer.forms import EnumForm
from designer.models import DesignEnum
from designer.services import enums as services
from designer.services.errors import DesignError
from designer.views.common import (
    UNPROCESSABLE,
    Draft,
    FormError,
    HtmxHttpRequest,
    changed,
    editor_role,
    posted_version,
)
from projects.access import ProjectAccess, project_access
from projects.models import Role

ENUMS = "designer/enums.html"
ENUM_FIELDS = ("name", "schema_name", "values", "comment")


def _enum_response(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    *,
    error: FormError | None = None,
    warnings: list[str] | None = None,
    edited: bool = False,
) -> HttpResponse:
    if edited and error is None and not request.htmx:
        return redirect(reverse("enum_list", args=[access.project.slug]))
    draft = Draft(error.form, request.POST) if error else Draft()
    rows: list[dict[str, Any]] = []
    for e in DesignEnum.objects.filter(project=access.project).order_by("schema_name", "name"):
        posted = draft.get(f"enum-{e.uid}")
        rows.append(
            {
                "uid": e.uid,
                "key": f"enum-{e.uid}",
                "name": posted.get("name", e.name),
                "schema_name": posted.get("schema_name", e.schema_name),
                "values": posted.get("values", "\n".join(e.values)),
                "comment": posted.get("comment", e.comment),
                "count": len(e.values),
                "version": e.version,
            }
        )
    context = {
        "access": access,
        "project": access.project,
        "enums": rows,
        "error": error,
        "new_enum": draft.get("enum-new"),
    }
    template = f"{ENUMS}#enum-panel" if request.htmx else ENUMS
    response = render(request, template, context, status=UNPROCESSABLE if error else 200)
    return changed(response, warnings or ()) if edited and error is None else response


@require_http_methods(["GET", "POST"])
def enum_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the enum panel (a page without htmx). POST: add an enum."""
    if request.method == "GET":
        return _enum_response(request, project_access(request.user, slug, Role.VIEWER))
    access = editor_role(request, slug)
    v = EnumForm(request.POST).read()
    try:
        _, warnings = services.enum_save(
            actor=request.user,
            project=access.project,
            name=v["name"] or "",
            schema_name=v["schema_name"] or "public",
            values=v["values"] or "",
            comment=v["comment"] or "",
        )
    except DesignError as exc:
        return _enum_response(request, access, error=FormError.of("enum-new", exc, ENUM_FIELDS))
    return _enum_response(request, access, warnings=warnings, edited=True)


@require_POST
def enum_update(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access = editor_role(request, slug)
    enum = get_object_or_404(DesignEnum, project=access.project, uid=uid)
    v = EnumForm(request.POST).read()
    try:
        _, warnings = services.enum_save(
            actor=request.user,
            project=access.project,
            enum=enum,
            expected_version=posted_version(request, "type"),
            name=v["name"] or "",
            schema_name=v["schema_name"] or "public",
            values=v["values"] or "",
            comment=v["comment"] or "",
        )
    except DesignError as exc:
        return _enum_response(request, access, error=FormError.of(f"enum-{uid}", exc, ENUM_FIELDS))
    return _enum_response(request, access, warnings=warnings, edited=True)


@require_POST
def enum_delete(request: HtmxHttpRequest, slug: str, uid: str) -> HttpResponse:
    access = editor_role(request, slug)
    enum = get_object_or_404(DesignEnum, project=access.project, uid=uid)
    try:
        services.enum_delete(
            actor=request.user, enum=enum, expected_version=posted_version(request, "type")
        )
    except DesignError as exc:
        return _enum_response(request, access, error=FormError.of(f"enum-{uid}", exc, ENUM_FIELDS))
    return _enum_response(request, access, edited=True)
