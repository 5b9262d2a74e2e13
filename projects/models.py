from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

# Who makes a change: the signed-in user, or None for the CLI and other non-web callers.
# An AnonymousUser is accepted and recorded as nobody.
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    REVIEWER = "reviewer", "Reviewer"
    EDITOR = "editor", "Editor"
    OWNER = "owner", "Owner"


# What each role may do; a role includes everything below it.
ROLE_RANK = {Role.VIEWER: 0, Role.REVIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}


class Project(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every successful edit: keys the diagram cache and tells open
    # editors that something changed.
    revision = models.PositiveIntegerField(default=0)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.project}"

    def allows(self, needed: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(needed)]


class Version(models.Model):
    """A named snapshot of a project's design, stored as schema-model JSON."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=100)
    message = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    schema_json = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="version_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}@{self.name}"


class AnchorKind(models.TextChoices):
    PROJECT = "project", "Project"
    TABLE = "table", "Table"
    COLUMN = "column", "Column"
    VERSION = "version", "Version"


class Comment(models.Model):
    """A comment; top-level comments are threads, replies point at their thread."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    thread = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    anchor_kind = models.CharField(max_length=10, choices=AnchorKind.choices, default="project")
    # The stable uid of the table or column, or the version's name; empty for the project.
    anchor = models.CharField(max_length=100, blank=True)
    # Human label of the anchor when the comment was made ("public.orders.total").
    anchor_label = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class ReviewState(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    CLOSED = "closed", "Closed"


class ReviewRequest(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # What is reviewed: a version against a base version (or nothing: the whole design).
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")
    base_version = models.ForeignKey(
        Version, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=ReviewState.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReviewerDecision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class ReviewAssignment(models.Model):
    review = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=ReviewerDecision.choices, default="pending")
    note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "reviewer"], name="review_unique_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.decision}"


class Activity(models.Model):
    """Who changed what, when, with a before/after summary."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    verb = models.CharField(max_length=40)
    object_kind = models.CharField(max_length=20)
    object_name = models.CharField(max_length=200)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_kind} {self.object_name}"


class ShareLink(models.Model):
    """A read-only link with an unguessable token: diagram, DDL and document, nothing else."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    label = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.label or self.token[:8]


class SavedView(models.Model):
    """A subject area: a named subset of a design's tables with its own display options."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=100)
    # Qualified table names picked by hand; empty means "every table the filters let through".
    tables = models.JSONField(default=list, blank=True)
    schema_filter = models.CharField(max_length=63, blank=True)
    group_filter = models.CharField(max_length=63, blank=True)
    mode = models.CharField(max_length=10, default="all")  # all | keys | names
    direction = models.CharField(max_length=2, default="LR")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token. Only a hash of the secret is kept; the secret is shown once.

    A token acts as its user, optionally held to one project and to a role no higher than the
    user's role there (the lower of the two applies on every call).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # sha256 of the secret; the secret itself is never stored
    digest = models.CharField(max_length=64, unique=True)
    # the first characters of the secret, so a user can tell tokens apart
    prefix = models.CharField(max_length=12)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookEvent(models.TextChoices):
    VERSION_CREATED = "version.created", "A version is created"
    REVIEW_APPROVED = "review.approved", "A review is approved"


class Webhook(models.Model):
    """A URL a project notifies on events, with an HMAC-SHA256 signature made with ``secret``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    # the shared secret the receiver checks signatures with (it must be readable to sign)
    secret = models.CharField(max_length=64)
    events = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=200, blank=True)  # "200", or what failed

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url
