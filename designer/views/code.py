"""The code view beside the diagram: the design as text, checked as it is typed, applied."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from designer.selectors.design import project_schema
from designer.services import code as services
from designer.services.errors import DesignError
from designer.views.common import UNPROCESSABLE, HtmxHttpRequest, editor_role
from projects.access import project_access
from projects.models import Role


def _format(request: HtmxHttpRequest) -> str:
    data = request.POST if request.method == "POST" else request.GET
    fmt = data.get("format", "dbml")
    return fmt if fmt in services.CODE_FORMATS else "dbml"


def _answer(check: services.CodeCheck, **extra: object) -> JsonResponse:
    return JsonResponse(
        {
            "errors": [{"line": e.line, "message": e.message} for e in check.errors],
            "changes": list(check.changes),
            **extra,
        },
        status=UNPROCESSABLE if check.errors else 200,
    )


@require_GET
def code_text(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The design as DBML or PostgreSQL DDL, with the revision it was read at."""
    access = project_access(request.user, slug, Role.VIEWER)
    fmt = _format(request)
    project = access.project
    revision = project.revision
    text = services.design_text(project_schema(project), fmt)
    return JsonResponse(
        {"text": text, "format": fmt, "revision": revision, "can_edit": access.can_edit}
    )


@require_POST
def code_check(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Parse errors (with their lines) or the change list the text would make."""
    access = editor_role(request, slug)
    check = services.design_check(
        project_schema(access.project), request.POST.get("text", ""), _format(request)
    )
    return _answer(check)


@require_POST
def code_apply(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = editor_role(request, slug)
    revision = request.POST.get("revision", "")
    try:
        check = services.design_apply_text(
            actor=request.user,
            project=access.project,
            text=request.POST.get("text", ""),
            fmt=_format(request),
            revision=int(revision) if revision.isdigit() else None,
        )
    except DesignError as exc:
        return JsonResponse(
            {"errors": [{"line": 0, "message": exc.message}], "changes": []}, status=UNPROCESSABLE
        )
    access.project.refresh_from_db(fields=["revision"])
    return _answer(check, revision=access.project.revision)
