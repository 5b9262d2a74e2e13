"""Versions (list, create, read, restore) and the migration plan between any two of them.

A version is named by its name, ``working`` (the working design), ``@latest`` (the newest
version) or ``@approved`` (the version of the most recently approved review).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import codes_4xx

from designer.api.auth import api_access
from designer.api.errors import ErrorOut
from designer.api.etag import guard_design, json_answer, tag
from designer.api.payloads import design_json, design_payload, version_payload
from designer.migrate import (
    DestructivePlanError,
    diff,
    down_sql,
    plan,
    plan_json,
    plan_markdown,
    up_sql,
)
from designer.selectors.design import project_schema
from designer.services.versions import (
    resolve_version,
    snapshot_create,
    version_restore,
    version_schema,
)
from projects.models import Role, Version

router = Router(tags=["versions"])

# Exit-code-like status of a plan, as `manage.py plan_migration` exits.
EXIT_OK = 0
EXIT_DESTRUCTIVE = 3


class VersionOut(Schema):
    name: str
    message: str
    author: str | None
    created_at: str


class VersionDetail(VersionOut):
    design: dict[str, Any]


class VersionIn(Schema):
    name: str
    message: str = ""


class PlanQuery(Schema):
    from_: str = Field(alias="from", description="version name, @approved, @latest or working")
    to: str = Field("working", description="version name, @approved, @latest or working")
    format: Literal["sql", "markdown", "json"] = "sql"
    direction: Literal["up", "down"] = "up"
    allow_destructive: bool = False


class PlanOut(Schema):
    from_: str = Field(alias="from")
    to: str
    format: str
    direction: str
    status: Literal["unchanged", "changes", "destructive", "refused"] = Field(
        description="unchanged: nothing to do; changes: a safe plan; destructive: a plan that "
        "drops data, allowed; refused: destructive and not allowed (exit_code 3)"
    )
    exit_code: int = Field(description="0, or 3 when refused, as manage.py plan_migration exits")
    changes: list[str]
    destructive_steps: list[str]
    output: str = Field(description="the plan in the chosen format (empty when refused)")


@router.get("/projects/{slug}/versions", response={200: list[VersionOut], codes_4xx: ErrorOut})
def version_list(request: HttpRequest, slug: str, response: HttpResponse):
    access = api_access(request, slug)
    rows = Version.objects.filter(project=access.project).select_related("author")
    return tag(response, [version_payload(v) for v in rows])


@router.post("/projects/{slug}/versions", response={201: VersionOut, codes_4xx: ErrorOut})
def version_new(request: HttpRequest, slug: str, body: VersionIn):
    """Save the working design as a version (If-Match: the design's ETag)."""
    with transaction.atomic():
        access = api_access(request, slug, Role.EDITOR)
        guard_design(request, access.project)
        version = snapshot_create(
            project=access.project, name=body.name, message=body.message, author=request.user
        )
        return Status(201, version_payload(version))


@router.get("/projects/{slug}/versions/{name}", response={200: VersionDetail, codes_4xx: ErrorOut})
def version_get(request: HttpRequest, slug: str, name: str, response: HttpResponse):
    """A version with its design (the JSON schema model); aliases resolve."""
    access = api_access(request, slug)
    version = resolve_version(access.project, name)
    payload = {
        **version_payload(version),
        "design": design_payload(version_schema(access.project, version.name)),
    }
    return tag(response, payload)


@router.post(
    "/projects/{slug}/versions/{name}/restore",
    response={200: dict[str, Any], codes_4xx: ErrorOut},
)
def version_restore_route(request: HttpRequest, slug: str, name: str):
    """Make a version the working design again (If-Match: the design's ETag); answers with the
    design as restored."""
    with transaction.atomic():
        access = api_access(request, slug, Role.EDITOR)
        guard_design(request, access.project)
        version = resolve_version(access.project, name)
        version_restore(project=access.project, name=version.name, actor=request.user)
        return json_answer(design_json(project_schema(access.project)))


@router.get("/projects/{slug}/plan", response={200: PlanOut, codes_4xx: ErrorOut}, by_alias=True)
def migration_plan(request: HttpRequest, slug: str, query: Query[PlanQuery]):
    """Compare two designs and plan the migration between them, in any output format.

    A destructive plan that is not allowed is not an error: it answers ``status: refused``
    and ``exit_code: 3`` with the destructive steps, so a pipeline can fail on it.
    """
    access = api_access(request, slug)
    before = version_schema(access.project, query.from_)
    after = version_schema(access.project, query.to)
    changes = diff(before, after)
    base: dict[str, Any] = {
        "from": query.from_,
        "to": query.to,
        "format": query.format,
        "direction": query.direction,
        "changes": [c.describe() for c in changes],
    }
    try:
        migration = plan(changes, allow_destructive=query.allow_destructive)
    except DestructivePlanError as exc:
        steps = [s.description for s in exc.steps]
        return {**base, "status": "refused", "exit_code": EXIT_DESTRUCTIVE,
                "destructive_steps": steps, "output": ""}  # fmt: skip
    destructive = [s.description for s in migration.steps if s.destructive]
    title = f"{access.project.name}: {query.from_} → {query.to}"
    if query.format == "markdown":
        output = plan_markdown(migration, title=title)
    elif query.format == "json":
        output = plan_json(migration)
    else:
        output = down_sql(migration) if query.direction == "down" else up_sql(migration)
    status = "unchanged" if not changes else "destructive" if destructive else "changes"
    return {**base, "status": status, "exit_code": EXIT_OK,
            "destructive_steps": destructive, "output": output}  # fmt: skip
