"""What leaves a project: advisor findings (lint), exports in every format, the diagram."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import codes_4xx

from designer.advisor import findings_to_json
from designer.advisor.engine import SEVERITIES
from designer.api.auth import api_access
from designer.api.errors import ApiError, ErrorOut
from designer.api.etag import tag
from designer.diagram.render import RenderError
from designer.export.registry import EXPORT_FORMATS, export
from designer.selectors.advisor import project_findings
from designer.selectors.design import project_schema
from designer.selectors.diagrams import MEDIA_TYPES, project_diagram
from designer.views.diagram import svg_file_response

router = Router(tags=["outputs"])
EXIT_FAILING = 1
ERR_NO_FORMAT = "No export format “{name}”; GET …/export lists them."
ERR_RENDER = "The diagram could not be drawn: {reason}"

Severity = Literal["error", "warning", "info"]


class FindingOut(Schema):
    rule: str
    severity: str
    object: str
    table: str | None
    message: str
    fix: str | None


class LintOut(Schema):
    findings: list[FindingOut]
    counts: dict[str, int]
    fail_on: str
    failing: int = Field(description="findings at or above fail_on")
    exit_code: int = Field(description="1 when a finding is at or above fail_on, else 0")


class ExportFormatOut(Schema):
    name: str
    label: str
    extension: str
    media_type: str


class ExportOut(ExportFormatOut):
    warnings: list[str]
    text: str


class DiagramQuery(Schema):
    format: Literal["svg", "png", "dot"] = "svg"
    direction: Literal["LR", "TB"] = "LR"
    mode: Literal["all", "keys", "names"] = "all"


def _raw(media: str) -> dict[str, Any]:
    """OpenAPI for a route answering a file rather than JSON."""
    return {"responses": {200: {"description": "the file", "content": {media: {}}}}}


@router.get("/projects/{slug}/lint", response={200: LintOut, codes_4xx: ErrorOut})
def lint(request: HttpRequest, slug: str, response: HttpResponse, fail_on: Severity = "error"):
    """The design advisor's findings on the working design (with the project's rule settings
    and dismissals), and whether a pipeline should fail (``exit_code``), as ``lint_schema``."""
    access = api_access(request, slug)
    findings = project_findings(access.project)
    limit = SEVERITIES.index(fail_on)
    failing = sum(1 for f in findings if SEVERITIES.index(f.severity) <= limit)
    payload = {
        "findings": findings_to_json(findings),
        "counts": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
        "fail_on": fail_on,
        "failing": failing,
        "exit_code": EXIT_FAILING if failing else 0,
    }
    return tag(response, payload)


@router.get("/projects/{slug}/export", response={200: list[ExportFormatOut], codes_4xx: ErrorOut})
def export_formats(request: HttpRequest, slug: str):
    api_access(request, slug)
    return [_format(f.name) for f in EXPORT_FORMATS.values()]


def _format(name: str) -> dict[str, str]:
    f = EXPORT_FORMATS[name]
    return {"name": f.name, "label": f.label, "extension": f.extension, "media_type": f.media_type}


@router.get("/projects/{slug}/export/{name}", response={200: ExportOut, codes_4xx: ErrorOut})
def export_get(request: HttpRequest, slug: str, name: str, response: HttpResponse):
    """The working design in one format, with what the format could not express."""
    access = api_access(request, slug)
    if name not in EXPORT_FORMATS:
        raise ApiError(404, "not_found", ERR_NO_FORMAT.format(name=name), field="name")
    result = export(project_schema(access.project), name)
    return tag(response, {**_format(name), "warnings": list(result.warnings), "text": result.text})


@router.get(
    "/projects/{slug}/export/{name}/file",
    response={codes_4xx: ErrorOut},
    openapi_extra=_raw("text/plain"),
)
def export_file(request: HttpRequest, slug: str, name: str):
    """The export as a file (its own media type), for ``curl -o``."""
    access = api_access(request, slug)
    if name not in EXPORT_FORMATS:
        raise ApiError(404, "not_found", ERR_NO_FORMAT.format(name=name), field="name")
    fmt = EXPORT_FORMATS[name]
    result = export(project_schema(access.project), name)
    answer = HttpResponse(result.text, content_type=f"{fmt.media_type}; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="{slug}.{fmt.extension}"'
    return answer


@router.get(
    "/projects/{slug}/diagram",
    response={codes_4xx: ErrorOut},
    openapi_extra=_raw("image/svg+xml"),
)
def diagram(request: HttpRequest, slug: str, query: Query[DiagramQuery]):
    """The ER diagram as SVG, PNG or DOT (Graphviz, with its time and memory limits)."""
    access = api_access(request, slug)
    try:
        data = project_diagram(
            access.project, query.format, direction=query.direction, mode=query.mode
        )
    except RenderError as exc:
        raise ApiError(422, "render_failed", ERR_RENDER.format(reason=exc)) from None
    if query.format == "svg":
        return svg_file_response(data)
    return HttpResponse(data, content_type=MEDIA_TYPES[query.format])
