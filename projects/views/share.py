"""Share links: the owner makes read-only links; a link opens the diagram, DDL and a document.

The public views need no login (``@login_not_required``) and reach nothing else: a token
names one project, and only these three views read it.
Unknown, revoked and expired tokens all answer 404, so a dead link looks like no link.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from designer.diagram.dot import DiagramOptions
from designer.diagram.limits import DrawingTooLarge
from designer.diagram.render import RenderError
from designer.export.registry import export
from designer.schema.model import Schema
from designer.selectors.design import project_schema
from designer.selectors.diagrams import schema_diagram
from designer.views.common import HtmxHttpRequest
from designer.views.diagram import ERR_RENDER, inline_svg
from projects.access import ProjectAccess, project_access
from projects.forms import ShareLinkForm
from projects.models import Project, Role, ShareLink
from projects.services import share_link_create, share_link_project, share_link_revoke
from projects.views.projects import page

SHARE_LINKS = "projects/share_links.html"
SHARED = "projects/shared.html"
ERR_EXPIRY_PAST = "Choose an expiry date in the future, or none."
# A shared page must not leak its token to other sites, nor be indexed.
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


def _links_context(request: HttpRequest, access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    links = list(
        ShareLink.objects.filter(project=access.project)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    for link in links:
        link.live = link.revoked_at is None and (link.expires_at is None or link.expires_at > now)
        link.url = request.build_absolute_uri(reverse("shared", args=[link.token]))
    return {
        "access": access,
        "project": access.project,
        "links": links,
        "page_title": "Share links",
        **extra,
    }


@require_http_methods(["GET", "POST"])
def share_links(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The owner's list of share links (GET) and a new link (POST)."""
    access = project_access(request.user, slug, Role.OWNER)
    if request.method == "POST":
        form = ShareLinkForm(request.POST)
        expires_at = form.expires_at()
        if expires_at is not None and expires_at <= timezone.now():
            error = {"field": "expires_on", "message": ERR_EXPIRY_PAST}
            context = _links_context(request, access, error=error, values=request.POST)
            return page(request, SHARE_LINKS, "links", context, status=422)
        share_link_create(
            project=access.project,
            actor=request.user,
            label=form.read()["label"] or "",
            expires_at=expires_at,
        )
        if not request.htmx:
            return redirect(reverse("share_links", args=[slug]))
    return page(request, SHARE_LINKS, "links", _links_context(request, access))


@require_POST
def share_link_revoke_view(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.OWNER)
    link = get_object_or_404(ShareLink, project=access.project, pk=pk)
    if link.revoked_at is None:
        share_link_revoke(link=link, actor=request.user)
    if not request.htmx:
        return redirect(reverse("share_links", args=[slug]))
    return page(request, SHARE_LINKS, "links", _links_context(request, access))


def _shared(token: str) -> tuple[Project, Schema]:
    project = share_link_project(token)
    if project is None:
        raise Http404("This link does not exist, was revoked or has expired.")
    return project, project_schema(project)


def _private(response: HttpResponse) -> HttpResponse:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def _document(schema: Schema) -> list[dict[str, Any]]:
    """The design document: per table its columns, keys and indexes, sorted by name."""
    out = []
    for t in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        out.append({"table": t, "pk": set(t.primary_key.columns if t.primary_key else ())})
    return out


@login_not_required
@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only page of a share link: diagram, DDL and design document."""
    try:
        project, schema = _shared(token)
    except Http404:
        # A dead link answers the styled page even under DEBUG, never Django's URL listing.
        return render(request, "404.html", {"share_link_dead": True}, status=404)
    svg, render_error = "", ""
    if schema.tables:
        try:
            svg = inline_svg(schema_diagram(schema, "svg", DiagramOptions()))
        except RenderError as exc:
            render_error = ERR_RENDER.format(reason=exc)
    context = {
        "project": project,
        "token": token,
        "svg": svg,
        "render_error": render_error,
        "ddl": export(schema, "postgres").text,
        "document": _document(schema),
        "enums": sorted(schema.enums, key=lambda e: (e.schema, e.name)),
    }
    return _private(render(request, SHARED, context))


@login_not_required
@require_GET
def shared_diagram(request: HttpRequest, token: str) -> HttpResponse:
    _, schema = _shared(token)
    try:
        data = schema_diagram(schema, "svg", DiagramOptions())
    except RenderError as exc:
        message = ERR_RENDER.format(reason=exc)
        # too big to draw is the request's fault (422); a failed drawing is ours (503)
        status = 422 if isinstance(exc, DrawingTooLarge) else 503
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return _private(HttpResponse(data, content_type="image/svg+xml"))


@login_not_required
@require_GET
def shared_schema(request: HttpRequest, token: str) -> HttpResponse:
    project, schema = _shared(token)
    response = HttpResponse(
        export(schema, "postgres").text, content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{project.slug}.sql"'
    return _private(response)
