"""The query workbench page: key queries, background runs with their plans, capacity."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from designer.models import KeyQuery, WorkbenchRun
from designer.selectors.design import project_schema
from designer.services import workbench as services
from designer.services.errors import DesignError
from designer.views.common import HtmxHttpRequest
from designer.workbench.capacity import estimate
from projects.access import ProjectAccess, project_access
from projects.models import Role

PAGE = "designer/workbench.html"
YEARS = 3


def _context(access: ProjectAccess, **extra: object) -> dict[str, object]:
    project = access.project
    run = extra.pop("run", None) or WorkbenchRun.objects.filter(project=project).first()
    return {
        "access": access,
        "project": project,
        "queries": KeyQuery.objects.filter(project=project),
        "run": run,
        "capacity": estimate(project_schema(project), years=YEARS),
        **extra,
    }


def _answer(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    fragment: str,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    if not request.htmx and status == 200:
        return redirect("workbench", access.project.slug)
    name = f"{PAGE}#{fragment}" if request.htmx else PAGE
    return render(request, name, _context(access, **extra), status=status)


@require_GET
def workbench(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    return render(request, PAGE, _context(access))


@require_POST
def key_query_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.EDITOR)
    try:
        _, warnings = services.key_query_save(
            project=access.project,
            name=request.POST.get("name", ""),
            sql=request.POST.get("sql", ""),
            params=request.POST.get("params", ""),
            schema=project_schema(access.project),
        )
    except DesignError as exc:
        return _answer(request, access, "queries", 422, error=exc.message, form=request.POST)
    return _answer(request, access, "queries", warnings=warnings)


@require_POST
def key_query_delete(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.EDITOR)
    services.key_query_delete(query=get_object_or_404(KeyQuery, project=access.project, pk=pk))
    return _answer(request, access, "queries")


@require_POST
def run_start(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.EDITOR)
    try:
        scale = min(max(float(request.POST.get("scale", "1") or 1), 0.0001), 10.0)
    except ValueError:
        scale = 1.0
    try:
        run = services.run_start(
            project=access.project, user=request.user, scale=scale, suggest=True
        )
    except DesignError as exc:
        return _answer(request, access, "run", 422, run_error=exc.message)
    return _answer(request, access, "run", run=run)


@require_GET
def run_status(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    run = get_object_or_404(WorkbenchRun, project=access.project, pk=pk)
    return render(request, f"{PAGE}#run", _context(access, run=run))


@require_POST
def suggestion_apply(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.EDITOR)
    run = get_object_or_404(WorkbenchRun, project=access.project, pk=pk)
    try:
        services.suggestion_apply(
            actor=request.user,
            run=run,
            query_name=request.POST.get("query", ""),
            ddl=request.POST.get("ddl", ""),
        )
    except DesignError as exc:
        return _answer(request, access, "run", 422, run=run, run_error=exc.message)
    return _answer(request, access, "run", run=run, applied=request.POST.get("ddl", ""))
