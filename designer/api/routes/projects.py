"""Projects: list, create, read, rename, delete."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.responses import codes_4xx

from designer.api.auth import api_access, require_unscoped, token_of
from designer.api.errors import ErrorOut
from designer.api.etag import guard, tag
from designer.api.payloads import project_payload
from projects.models import ROLE_RANK, Membership, Role
from projects.services import project_create, project_delete, project_update

router = Router(tags=["projects"])


class ProjectOut(Schema):
    slug: str
    name: str
    description: str
    role: str
    revision: int
    created_at: str


class ProjectIn(Schema):
    name: str
    slug: str = ""
    description: str = ""


class ProjectPatch(Schema):
    name: str
    description: str | None = None


@router.get("/projects", response={200: list[ProjectOut], codes_4xx: ErrorOut})
def project_list(request: HttpRequest, response: HttpResponse):
    """The projects the caller is a member of (a project token: its one project)."""
    return tag(response, _project_list(request))


def _project_list(request: HttpRequest) -> list[dict]:
    """One query whatever the number of projects; a token's role caps the user's, as in
    ``api_access``."""
    memberships = Membership.objects.filter(user=request.user).select_related("project")
    token = token_of(request)
    if token is not None and token.project_id is not None:
        memberships = memberships.filter(project_id=token.project_id)
    out = []
    for membership in memberships.order_by("project__name"):
        role = membership.role
        if token is not None and token.role and ROLE_RANK[Role(token.role)] < ROLE_RANK[Role(role)]:
            role = token.role
        out.append(project_payload(membership.project, role))
    return out


@router.post("/projects", response={201: ProjectOut, codes_4xx: ErrorOut})
def project_new(request: HttpRequest, body: ProjectIn):
    """Create a project; the caller owns it. Not with a token held to one project."""
    require_unscoped(request)
    guard(request, lambda: _project_list(request), "project list")
    project = project_create(
        owner=request.user, name=body.name, slug=body.slug, description=body.description
    )
    return Status(201, project_payload(project, Role.OWNER))


@router.get("/projects/{slug}", response={200: ProjectOut, codes_4xx: ErrorOut})
def project_detail(request: HttpRequest, slug: str, response: HttpResponse):
    access = api_access(request, slug)
    return tag(response, project_payload(access.project, access.role))


@router.patch("/projects/{slug}", response={200: ProjectOut, codes_4xx: ErrorOut})
def project_rename(request: HttpRequest, slug: str, body: ProjectPatch, response: HttpResponse):
    """Rename a project (owner). The slug, its address, stays."""
    access = api_access(request, slug, Role.OWNER)
    guard(request, project_payload(access.project, access.role), "project")
    project = project_update(
        project=access.project, name=body.name, description=body.description, actor=request.user
    )
    return tag(response, project_payload(project, access.role))


@router.delete("/projects/{slug}", response={204: None, codes_4xx: ErrorOut})
def project_remove(request: HttpRequest, slug: str):
    """Delete a project with everything in it (owner)."""
    access = api_access(request, slug, Role.OWNER)
    guard(request, project_payload(access.project, access.role), "project")
    project_delete(project=access.project)
    return Status(204, None)
