"""Comments (threads on the project, a table, a column or a version) and review requests."""

from __future__ import annotations

from typing import Literal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from designer.api.auth import api_access
from designer.api.errors import ErrorOut
from designer.api.etag import guard, tag
from designer.api.payloads import comment_payload, review_payload
from designer.services.versions import resolve_version
from projects.models import Comment, ReviewAssignment, ReviewRequest, Role
from projects.services import (
    ERR_REVIEWER_ROLE,
    ProjectError,
    comment_add,
    comment_set_resolved,
    review_decide,
    review_request_create,
)
from projects.views.comments import anchor_label

router = Router(tags=["reviews"])
ERR_NO_COMMENT = "No comment {pk} in this project."
ERR_NO_REVIEW = "No review request {pk} in this project."
ERR_BASE_IS_VERSION = "Compare the version with another version, not with itself."

AnchorKindName = Literal["project", "table", "column", "version"]


class CommentOut(Schema):
    id: int
    thread: int | None
    author: str | None
    anchor_kind: str
    anchor: str
    body: str
    resolved: bool
    created_at: str


class CommentIn(Schema):
    body: str
    anchor_kind: AnchorKindName = "project"
    anchor: str = Field("", description="a table's or column's id, or a version's name")
    thread: int | None = Field(None, description="reply to this thread")


class CommentPatch(Schema):
    resolved: bool


class ReviewerOut(Schema):
    username: str
    decision: str
    note: str


class ReviewOut(Schema):
    id: int
    title: str
    description: str
    state: str
    author: str | None
    version: str
    base_version: str | None
    reviewers: list[ReviewerOut]
    created_at: str


class ReviewIn(Schema):
    title: str
    version: str = Field(description="the version to review: a name, @latest or @approved")
    base_version: str | None = Field(None, description="compared against (name or alias)")
    reviewers: list[str] = Field(description="usernames with the reviewer role or higher")
    description: str = ""


class DecisionIn(Schema):
    decision: Literal["approved", "changes_requested"]
    note: str = ""


# -- comments ------------------------------------------------------------------------------------


@router.get("/projects/{slug}/comments", response={200: list[CommentOut], codes_4xx: ErrorOut})
def comment_list(request: HttpRequest, slug: str, response: HttpResponse):
    """Every comment of the project, threads first then their replies, oldest first."""
    access = api_access(request, slug)
    return tag(response, _comment_list(access.project))


def _comment_list(project) -> list:
    rows = Comment.objects.filter(project=project).select_related("author")
    return [comment_payload(c) for c in rows]


@router.post("/projects/{slug}/comments", response={201: CommentOut, codes_4xx: ErrorOut})
def comment_new(request: HttpRequest, slug: str, body: CommentIn):
    """Start a thread on an anchor, or reply to ``thread`` (reviewers and up)."""
    access = api_access(request, slug, Role.REVIEWER)
    guard(request, lambda: _comment_list(access.project), "comments")
    thread = _comment(access.project, body.thread) if body.thread is not None else None
    anchor = "" if body.anchor_kind == "project" else body.anchor
    comment = comment_add(
        project=access.project,
        author=request.user,
        body=body.body,
        anchor_kind=body.anchor_kind,
        anchor=anchor,
        anchor_label="" if thread else anchor_label(access, body.anchor_kind, anchor),
        thread=thread,
    )
    return Status(201, comment_payload(comment))


@router.patch("/projects/{slug}/comments/{pk}", response={200: CommentOut, codes_4xx: ErrorOut})
def comment_resolve(request: HttpRequest, slug: str, pk: int, body: CommentPatch):
    """Resolve or reopen a comment's thread (reviewers and up)."""
    access = api_access(request, slug, Role.REVIEWER)
    comment = _comment(access.project, pk)
    guard(request, comment_payload(comment), "comment")
    comment_set_resolved(comment=comment, resolved=body.resolved)
    comment.refresh_from_db()
    return comment_payload(comment)


def _comment(project, pk: int) -> Comment:
    found = Comment.objects.filter(project=project, pk=pk).select_related("author").first()
    if found is None:
        raise Http404(ERR_NO_COMMENT.format(pk=pk))
    return found


# -- review requests ------------------------------------------------------------------------------


def _reviews(project):
    assignments = ReviewAssignment.objects.select_related("reviewer").order_by("id")
    return (
        ReviewRequest.objects.filter(project=project)
        .select_related("author", "version", "base_version")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
    )


def _review(project, pk: int) -> ReviewRequest:
    found = _reviews(project).filter(pk=pk).first()
    if found is None:
        raise Http404(ERR_NO_REVIEW.format(pk=pk))
    return found


@router.get("/projects/{slug}/reviews", response={200: list[ReviewOut], codes_4xx: ErrorOut})
def review_list(request: HttpRequest, slug: str, response: HttpResponse):
    access = api_access(request, slug)
    return tag(response, [review_payload(r) for r in _reviews(access.project)])


@router.post("/projects/{slug}/reviews", response={201: ReviewOut, codes_4xx: ErrorOut})
def review_new(request: HttpRequest, slug: str, body: ReviewIn):
    """Ask reviewers to look at a version, against a base version (editors and up)."""
    access = api_access(request, slug, Role.EDITOR)
    project = access.project
    guard(request, lambda: [review_payload(r) for r in _reviews(project)], "reviews")
    version = resolve_version(project, body.version)
    base = resolve_version(project, body.base_version) if body.base_version else None
    if base is not None and base.pk == version.pk:
        raise ProjectError(ERR_BASE_IS_VERSION, "base_version")
    users = {u.username: u for u in get_user_model().objects.filter(username__in=body.reviewers)}
    for name in body.reviewers:
        if name not in users:
            raise ProjectError(ERR_REVIEWER_ROLE.format(user=name), "reviewers")
    review = review_request_create(
        project=project,
        author=request.user,
        title=body.title,
        description=body.description,
        version=version,
        base_version=base,
        reviewers=[users[n] for n in dict.fromkeys(body.reviewers)],
    )
    return Status(201, review_payload(_review(project, review.pk)))


@router.get("/projects/{slug}/reviews/{pk}", response={200: ReviewOut, codes_4xx: ErrorOut})
def review_get(request: HttpRequest, slug: str, pk: int, response: HttpResponse):
    access = api_access(request, slug)
    return tag(response, review_payload(_review(access.project, pk)))


@router.post(
    "/projects/{slug}/reviews/{pk}/decision", response={200: ReviewOut, codes_4xx: ErrorOut}
)
def review_decision(request: HttpRequest, slug: str, pk: int, body: DecisionIn):
    """Approve or ask for changes, as one of the review's reviewers (If-Match: the review)."""
    access = api_access(request, slug, Role.REVIEWER)
    review = _review(access.project, pk)
    guard(request, review_payload(review), "review")
    review_decide(review=review, reviewer=request.user, decision=body.decision, note=body.note)
    return review_payload(_review(access.project, pk))
