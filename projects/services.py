"""Writes to projects and memberships."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify

from projects import webhooks
from projects.models import (
    ROLE_RANK,
    Activity,
    Actor,
    AnchorKind,
    ApiToken,
    Comment,
    Membership,
    Project,
    ReviewAssignment,
    ReviewerDecision,
    ReviewRequest,
    ReviewState,
    Role,
    ShareLink,
    Webhook,
    WebhookEvent,
)

ERR_PROJECT_NAME = "Give the project a name."
ERR_SLUG_TAKEN = "The address “{slug}” is taken; choose another."
ERR_SLUG_INVALID = "Use lower-case letters, digits and hyphens for the address."
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}\Z")


class ProjectError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _free_slug(base: str) -> str:
    base = (slugify(base) or "project")[:50]
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def project_create(*, owner, name: str, slug: str = "", description: str = "") -> Project:
    """Create a project owned by ``owner``; the slug is derived from the name when not given."""
    name = name.strip()
    if not name:
        raise ProjectError(ERR_PROJECT_NAME, "name")
    if slug:
        if not _SLUG.match(slug):
            raise ProjectError(ERR_SLUG_INVALID, "slug")
        if Project.objects.filter(slug=slug).exists():
            raise ProjectError(ERR_SLUG_TAKEN.format(slug=slug), "slug")
    else:
        slug = _free_slug(name)
    project = Project.objects.create(
        slug=slug, name=name, description=description.strip(), created_by=owner
    )
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


ERR_DELETE_CONFIRM = "Type the project's name, “{name}”, exactly, to delete it."


@transaction.atomic
def project_update(
    *, project: Project, name: str, description: str | None = None, actor: Actor = None
) -> Project:
    """Rename a project (its address, the slug, stays: links and tokens keep working)."""
    name = name.strip()
    if not name:
        raise ProjectError(ERR_PROJECT_NAME, "name")
    before = project.name
    project.name = name
    if description is not None:
        project.description = description.strip()
    project.save(update_fields=["name", "description", "updated_at"])
    activity_log(
        project=project, actor=actor, verb="renamed", kind="project", name=name, before=before
    )
    return project


@transaction.atomic
def project_delete(*, project: Project, confirm_name: str | None = None) -> None:
    """Delete the project and everything of it: design, versions, reviews, comments, links, log.

    The settings page passes ``confirm_name``, which must repeat the project's name: deleting
    keeps nothing to restore from. (The API's DELETE confirms by being a DELETE.)
    """
    if confirm_name is not None and confirm_name.strip() != project.name:
        raise ProjectError(ERR_DELETE_CONFIRM.format(name=project.name), "confirm_name")
    # Reviews protect the versions they point at; they go first, the rest cascades.
    ReviewRequest.objects.filter(project=project).delete()
    project.delete()


# -- members ------------------------------------------------------------------------

ERR_NO_SUCH_USER = "No user with the username or email “{who}”."
ERR_ALREADY_MEMBER = "{user} is already a member of this project."
ERR_NOT_MEMBER = "{user} is not a member of this project."
ERR_OWNER_ROLE = "Use “transfer ownership” to make someone the owner."
ERR_LAST_OWNER = "The owner cannot be removed or demoted; transfer ownership first."
ERR_BAD_ROLE = "“{role}” is not a role."


def _find_user(who: str):

    users = get_user_model().objects
    who = who.strip()
    user = users.filter(username=who).first() or (
        users.filter(email__iexact=who).first() if "@" in who else None
    )
    if user is None:
        raise ProjectError(ERR_NO_SUCH_USER.format(who=who), "who")
    return user


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ProjectError(ERR_BAD_ROLE.format(role=role), "role") from None


@transaction.atomic
def member_invite(*, project: Project, who: str, role: str, actor: Actor = None) -> Membership:
    """Add an existing user (by username or email) with a role other than owner."""
    user = _find_user(who)
    role = _role(role)
    if role == Role.OWNER:
        raise ProjectError(ERR_OWNER_ROLE, "role")
    if Membership.objects.filter(project=project, user=user).exists():
        raise ProjectError(ERR_ALREADY_MEMBER.format(user=user.username), "who")
    membership = Membership.objects.create(project=project, user=user, role=role)
    activity_log(
        project=project, actor=actor, verb="invited", kind="member", name=user.username, after=role
    )
    return membership


@transaction.atomic
def member_set_role(*, project: Project, user, role: str, actor: Actor = None) -> None:
    role = _role(role)
    membership = Membership.objects.select_for_update().filter(project=project, user=user).first()
    if membership is None:
        raise ProjectError(ERR_NOT_MEMBER.format(user=user.username), "who")
    if role == Role.OWNER:
        raise ProjectError(ERR_OWNER_ROLE, "role")
    if membership.role == Role.OWNER:
        raise ProjectError(ERR_LAST_OWNER, "role")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    activity_log(
        project=project,
        actor=actor,
        verb="changed role",
        kind="member",
        name=user.username,
        before=before,
        after=role,
    )


@transaction.atomic
def member_remove(*, project: Project, user, actor: Actor = None) -> None:
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is None:
        raise ProjectError(ERR_NOT_MEMBER.format(user=user.username), "who")
    if membership.role == Role.OWNER:
        raise ProjectError(ERR_LAST_OWNER, "who")
    membership.delete()
    activity_log(
        project=project,
        actor=actor,
        verb="removed",
        kind="member",
        name=user.username,
        before=membership.role,
    )


@transaction.atomic
def ownership_transfer(*, project: Project, to_user, actor: Actor = None) -> None:
    """Make ``to_user`` (already a member) the owner; the old owner becomes an editor."""
    target = Membership.objects.select_for_update().filter(project=project, user=to_user).first()
    if target is None:
        raise ProjectError(ERR_NOT_MEMBER.format(user=to_user.username), "who")
    Membership.objects.filter(project=project, role=Role.OWNER).update(role=Role.EDITOR)
    target.role = Role.OWNER
    target.save(update_fields=["role"])
    activity_log(
        project=project,
        actor=actor,
        verb="transferred ownership",
        kind="member",
        name=to_user.username,
        after=Role.OWNER,
    )


# -- activity --------------------------------------------------------------------------


def activity_log(
    *,
    project: Project,
    actor: Actor,
    verb: str,
    kind: str,
    name: str,
    before: str = "",
    after: str = "",
) -> Activity:

    return Activity.objects.create(
        project=project,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        object_kind=kind,
        object_name=name[:200],
        before=before[:2000],
        after=after[:2000],
    )


# -- comments -----------------------------------------------------------------------------

ERR_COMMENT_EMPTY = "Write something first."


@transaction.atomic
def comment_add(
    *,
    project: Project,
    author,
    body: str,
    anchor_kind: str = "project",
    anchor: str = "",
    anchor_label: str = "",
    thread=None,
):

    body = body.strip()
    if not body:
        raise ProjectError(ERR_COMMENT_EMPTY, "body")
    if thread is not None:
        if thread.project_id != project.pk:
            raise ProjectError("That thread belongs to another project.", "thread")
        thread = thread.thread or thread  # replies attach to the thread, not to a reply
        anchor_kind, anchor, anchor_label = thread.anchor_kind, thread.anchor, thread.anchor_label
        if thread.resolved:
            thread.resolved = False  # a reply reopens the discussion
            thread.save(update_fields=["resolved"])
    AnchorKind(anchor_kind)
    return Comment.objects.create(
        project=project,
        author=author,
        body=body,
        anchor_kind=anchor_kind,
        anchor=anchor,
        anchor_label=anchor_label,
        thread=thread,
    )


@transaction.atomic
def comment_set_resolved(*, comment, resolved: bool) -> None:
    thread = comment.thread or comment
    thread.resolved = resolved
    thread.save(update_fields=["resolved"])


def unresolved_threads_by_anchor(project: Project) -> dict[str, int]:
    """anchor -> number of unresolved threads (one query), for markers in editor and diagram."""

    rows = (
        Comment.objects.filter(project=project, thread__isnull=True, resolved=False)
        .values("anchor_kind", "anchor")
        .annotate(n=Count("id"))
    )
    return {f"{r['anchor_kind']}:{r['anchor']}": r["n"] for r in rows}


# -- share links ----------------------------------------------------------------------------


@transaction.atomic
def share_link_create(
    *, project: Project, actor: Actor, label: str = "", expires_at: datetime | None = None
) -> ShareLink:
    import secrets

    link = ShareLink.objects.create(
        project=project,
        token=secrets.token_urlsafe(32),
        created_by=actor,
        label=label.strip()[:100],
        expires_at=expires_at,
    )
    activity_log(
        project=project,
        actor=actor,
        verb="created",
        kind="share link",
        name=link.label or link.token[:8],
    )
    return link


@transaction.atomic
def share_link_revoke(*, link: ShareLink, actor: Actor = None) -> None:

    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    activity_log(
        project=link.project,
        actor=actor,
        verb="revoked",
        kind="share link",
        name=link.label or link.token[:8],
    )


def share_link_project(token: str) -> Project | None:
    """The project a live share link opens, or None (unknown, revoked or expired)."""
    link = (
        ShareLink.objects.select_related("project")
        .filter(token=token, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .first()
    )
    return link.project if link else None


# -- reviews ----------------------------------------------------------------------------------

ERR_REVIEW_NO_REVIEWERS = "Name at least one reviewer."
ERR_REVIEWER_ROLE = "{user} cannot review: reviewers need the reviewer, editor or owner role."
ERR_NOT_A_REVIEWER = "You are not a reviewer of this request."
ERR_OWN_REVIEW = "You asked for this review; someone else has to approve it."


@transaction.atomic
def review_request_create(
    *,
    project: Project,
    author,
    title: str,
    version,
    reviewers,
    base_version=None,
    description: str = "",
):

    title = title.strip()
    if not title:
        raise ProjectError("Give the review a title.", "title")
    reviewers = list(reviewers)
    if not reviewers:
        raise ProjectError(ERR_REVIEW_NO_REVIEWERS, "reviewers")
    for user in reviewers:
        membership = Membership.objects.filter(project=project, user=user).first()
        if membership is None or not membership.allows(Role.REVIEWER):
            raise ProjectError(ERR_REVIEWER_ROLE.format(user=user.username), "reviewers")
    review = ReviewRequest.objects.create(
        project=project,
        author=author,
        title=title,
        description=description.strip(),
        version=version,
        base_version=base_version,
    )
    ReviewAssignment.objects.bulk_create(
        [ReviewAssignment(review=review, reviewer=u) for u in reviewers]
    )
    activity_log(
        project=project,
        actor=author,
        verb="requested review",
        kind="review",
        name=title,
        after=version.name,
    )
    return review


@transaction.atomic
def review_decide(*, review, reviewer, decision: str, note: str = "") -> str:
    """Record a reviewer's decision; returns the review's new state."""

    assignment = (
        ReviewAssignment.objects.select_for_update()
        .filter(review=review, reviewer=reviewer)
        .first()
    )
    if assignment is None:
        raise ProjectError(ERR_NOT_A_REVIEWER, "decision")
    ReviewerDecision(decision)
    # the point of a review is a second pair of eyes; asking for changes to one's own is fine
    if decision == ReviewerDecision.APPROVED and review.author_id == reviewer.pk:
        raise ProjectError(ERR_OWN_REVIEW, "decision")
    assignment.decision, assignment.note, assignment.decided_at = (
        decision,
        note.strip(),
        timezone.now(),
    )
    assignment.save()
    decisions = set(review.assignments.values_list("decision", flat=True))
    if ReviewerDecision.CHANGES_REQUESTED in decisions:
        state = ReviewState.CHANGES_REQUESTED
    elif decisions == {ReviewerDecision.APPROVED}:
        state = ReviewState.APPROVED
    else:
        state = ReviewState.OPEN
    approved_now = state == ReviewState.APPROVED and review.state != ReviewState.APPROVED
    review.state = state
    review.save(update_fields=["state"])
    if approved_now:
        webhooks.emit(
            review.project,
            WebhookEvent.REVIEW_APPROVED,
            {"review": review.pk, "title": review.title, "version": review.version.name},
        )
    activity_log(
        project=review.project,
        actor=reviewer,
        verb=decision.replace("_", " "),
        kind="review",
        name=review.title,
    )
    return state


# -- API tokens -----------------------------------------------------------------------------

ERR_TOKEN_NAME = "Give the token a name."
ERR_TOKEN_ROLE = "The token's role ({role}) cannot be higher than yours on {project} ({mine})."
ERR_TOKEN_PROJECT = "You are not a member of the project “{slug}”."
TOKEN_PREFIX = "erd_"


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user, name: str, project: Project | None = None, role: str = ""
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its secret, which is not stored and cannot be shown again.

    A token scoped to a project may carry a role no higher than the user's role there.
    """
    name = name.strip()
    if not name:
        raise ProjectError(ERR_TOKEN_NAME, "name")
    if role:
        role = _role(role)
    if project is not None:
        membership = Membership.objects.filter(project=project, user=user).first()
        if membership is None:
            raise ProjectError(ERR_TOKEN_PROJECT.format(slug=project.slug), "project")
        if role and ROLE_RANK[Role(role)] > ROLE_RANK[Role(membership.role)]:
            raise ProjectError(
                ERR_TOKEN_ROLE.format(role=role, project=project.slug, mine=membership.role),
                "role",
            )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        digest=token_digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        project=project,
        role=role,
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_user(secret: str) -> ApiToken | None:
    """The live token ``secret`` names (recording its use), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "project")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # one write a minute at most, not one per call
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# -- webhooks -------------------------------------------------------------------------------

ERR_WEBHOOK_EVENTS = "Choose at least one event: {choices}."


@transaction.atomic
def webhook_create(
    *, project: Project, url: str, events: list[str], actor: Actor = None
) -> tuple[Webhook, str]:
    """Add a webhook; returns it with its signing secret (shown to the user once)."""
    url = url.strip()
    try:
        webhooks.check_url(url)
    except webhooks.WebhookError as exc:
        raise ProjectError(str(exc), "url") from None
    chosen = sorted(set(events))
    if not chosen or not set(chosen) <= set(WebhookEvent.values):
        raise ProjectError(
            ERR_WEBHOOK_EVENTS.format(choices=", ".join(WebhookEvent.values)), "events"
        )
    secret = secrets.token_hex(32)
    hook = Webhook.objects.create(
        project=project,
        url=url,
        secret=secret,
        events=chosen,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    activity_log(project=project, actor=actor, verb="added", kind="webhook", name=url[:200])
    return hook, secret


@transaction.atomic
def webhook_delete(*, webhook: Webhook, actor: Actor = None) -> None:
    activity_log(
        project=webhook.project, actor=actor, verb="removed", kind="webhook", name=webhook.url[:200]
    )
    webhook.delete()
