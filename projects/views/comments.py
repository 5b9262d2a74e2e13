"""Comment threads anchored to the project, a table, a column or a version.

One fragment serves every place threads show (the table panel, a review, the project's
discussion): ``projects/_comments.html`` loads it with an hx-get, and every form in it
answers with the fragment again. Reviewers and above write; viewers read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from designer.models import DesignColumn, DesignTable
from designer.views.common import UNPROCESSABLE, HtmxHttpRequest
from projects.access import ProjectAccess, project_access
from projects.forms import CommentForm
from projects.models import AnchorKind, Comment, Role, Version
from projects.services import ProjectError, comment_add, comment_set_resolved

THREADS = "projects/_threads.html"
COMMENTS_PAGE = "projects/comments.html"


def anchor_label(access: ProjectAccess, kind: str, anchor: str) -> str:
    """The human label of an anchor; 404 when it names nothing in this project."""
    project = access.project
    if kind == AnchorKind.PROJECT:
        return project.name
    if kind == AnchorKind.TABLE:
        table = DesignTable.objects.filter(project=project, uid=anchor).first()
        if table:
            return table.qualified_name
    elif kind == AnchorKind.COLUMN:
        column = (
            DesignColumn.objects.select_related("table")
            .filter(table__project=project, uid=anchor)
            .first()
        )
        if column:
            return f"{column.table.qualified_name}.{column.name}"
    elif (
        kind == AnchorKind.VERSION and Version.objects.filter(project=project, name=anchor).exists()
    ):
        return f"version {anchor}"
    raise Http404("Nothing to comment on here.")


def _anchor(data: Any) -> tuple[str, str]:
    kind = data.get("anchor_kind") or AnchorKind.PROJECT
    if kind not in AnchorKind.values:
        raise Http404("Nothing to comment on here.")
    return kind, "" if kind == AnchorKind.PROJECT else (data.get("anchor") or "")


def _threads(access: ProjectAccess, kind: str, anchor: str) -> list[Comment]:
    replies = Comment.objects.select_related("author").order_by("created_at", "id")
    return list(
        Comment.objects.filter(
            project=access.project, thread__isnull=True, anchor_kind=kind, anchor=anchor
        )
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("resolved", "created_at", "id")
    )


def _page_url(slug: str, kind: str, anchor: str) -> str:
    query = urlencode({"anchor_kind": kind, "anchor": anchor})
    return f"{reverse('comments', args=[slug])}?{query}"


def _answer(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    kind: str,
    anchor: str,
    *,
    error: dict[str, Any] | None = None,
    edited: bool = False,
) -> HttpResponse:
    slug = access.project.slug
    if edited and not request.htmx:
        return redirect(_page_url(slug, kind, anchor))
    threads = _threads(access, kind, anchor)
    context = {
        "access": access,
        "project": access.project,
        "threads": threads,
        "unresolved": sum(1 for t in threads if not t.resolved),
        "anchor_kind": kind,
        "anchor": anchor,
        "anchor_label": anchor_label(access, kind, anchor),
        "comments_url": reverse("comments", args=[slug]),
        "error": error,
        "values": request.POST if error else {},
        "page_title": "Comments",
    }
    template = THREADS if request.htmx else COMMENTS_PAGE
    return render(request, template, context, status=UNPROCESSABLE if error else 200)


@require_http_methods(["GET", "POST"])
def comments(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the threads of one anchor (?anchor_kind=&anchor=). POST: start a thread there."""
    if request.method == "GET":
        access = project_access(request.user, slug, Role.VIEWER)
        kind, anchor = _anchor(request.GET)
        return _answer(request, access, kind, anchor)
    access = project_access(request.user, slug, Role.REVIEWER)
    v = CommentForm(request.POST).read()
    kind, anchor = _anchor(v)
    label = anchor_label(access, kind, anchor)
    try:
        comment_add(
            project=access.project,
            author=request.user,
            body=v["body"] or "",
            anchor_kind=kind,
            anchor=anchor,
            anchor_label=label,
        )
    except ProjectError as exc:
        return _answer(request, access, kind, anchor, error={"form": "new", "message": exc.message})
    return _answer(request, access, kind, anchor, edited=True)


@require_POST
def comment_reply(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.REVIEWER)
    thread = get_object_or_404(Comment, project=access.project, pk=pk)
    try:
        comment_add(
            project=access.project,
            author=request.user,
            body=CommentForm(request.POST).read()["body"] or "",
            thread=thread,
        )
    except ProjectError as exc:
        error = {"form": "reply", "thread": thread.pk, "message": exc.message}
        return _answer(request, access, thread.anchor_kind, thread.anchor, error=error)
    return _answer(request, access, thread.anchor_kind, thread.anchor, edited=True)


@require_POST
def comment_resolve(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Resolve a thread (``resolved=1``) or reopen it (``resolved=0``)."""
    access = project_access(request.user, slug, Role.REVIEWER)
    thread = get_object_or_404(Comment, project=access.project, pk=pk)
    resolved = request.POST.get("resolved", "1") not in ("0", "", "false")
    comment_set_resolved(comment=thread, resolved=resolved)
    return _answer(request, access, thread.anchor_kind, thread.anchor, edited=True)
