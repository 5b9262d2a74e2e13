"""The editable store of a project's working design.

Rows with stable ``uid``s, one table per kind of object, so the selector in
``designer.selectors.design`` rebuilds the whole ``Schema`` in a fixed number of
queries. Rarely edited kinds (domains, sequences, views, extensions, raw SQL)
are kept as JSON documents of the schema model in ``DesignObject``.
"""

import os
import uuid

from django.conf import settings
from django.db import models

from projects.models import Project


def new_uid() -> str:
    """``uuid.uuid4().hex`` without building a UUID object (an import makes tens of
    thousands): 32 hex digits of random bits with the version 4 and RFC 4122 variant bits."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    return raw.hex()


class DesignTable(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="design_tables")
    uid = models.CharField(max_length=40, default=new_uid, db_index=True)
    schema_name = models.CharField(max_length=63, default="public")
    name = models.CharField(max_length=63)
    comment = models.TextField(blank=True)
    group = models.CharField(max_length=63, blank=True)
    color = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Partitioning, inheritance, RLS, policies, EXCLUDE constraints, storage
    # options and primary-key extras, as schema-model JSON.
    options = models.JSONField(default=dict, blank=True)
    # Optimistic concurrency: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["schema_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "schema_name", "name"], name="design_table_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name}.{self.name}"

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}"


class DesignColumn(models.Model):
    table = models.ForeignKey(DesignTable, on_delete=models.CASCADE, related_name="columns")
    uid = models.CharField(max_length=40, default=new_uid, db_index=True)
    name = models.CharField(max_length=63)
    data_type = models.CharField(max_length=200)
    nullable = models.BooleanField(default=True)
    default = models.TextField(null=True, blank=True)
    identity = models.CharField(max_length=12, blank=True)  # "", "ALWAYS", "BY DEFAULT"
    identity_options = models.TextField(null=True, blank=True)
    generated = models.TextField(null=True, blank=True)
    generated_kind = models.CharField(max_length=8, default="STORED")
    collation = models.CharField(max_length=100, null=True, blank=True)
    comment = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["table_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "name"], name="design_column_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ConstraintKind(models.TextChoices):
    PRIMARY = "primary", "Primary key"
    UNIQUE = "unique", "Unique"
    CHECK = "check", "Check"
    FOREIGN = "foreign", "Foreign key"


class DesignConstraint(models.Model):
    table = models.ForeignKey(DesignTable, on_delete=models.CASCADE, related_name="constraints")
    uid = models.CharField(max_length=40, default=new_uid, db_index=True)
    kind = models.CharField(max_length=10, choices=ConstraintKind.choices)
    name = models.CharField(max_length=63, null=True, blank=True)
    columns = models.JSONField(default=list, blank=True)
    expression = models.TextField(null=True, blank=True)  # CHECK body
    ref_schema = models.CharField(max_length=63, blank=True)
    ref_table = models.CharField(max_length=63, blank=True)
    ref_columns = models.JSONField(default=list, blank=True)
    on_delete = models.CharField(max_length=12, default="NO ACTION")
    on_update = models.CharField(max_length=12, default="NO ACTION")
    match = models.CharField(max_length=8, default="SIMPLE")
    deferrable = models.BooleanField(default=False)
    initially_deferred = models.BooleanField(default=False)
    not_valid = models.BooleanField(default=False)
    # include, nulls_not_distinct, without_overlaps, period, no_inherit, ...
    options = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["table_id", "position", "id"]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.columns}"


class DesignIndex(models.Model):
    table = models.ForeignKey(DesignTable, on_delete=models.CASCADE, related_name="indexes")
    uid = models.CharField(max_length=40, default=new_uid, db_index=True)
    name = models.CharField(max_length=63)
    method = models.CharField(max_length=20, default="btree")
    unique = models.BooleanField(default=False)
    parts = models.JSONField(default=list)  # IndexPart documents
    include = models.JSONField(default=list, blank=True)
    where = models.TextField(null=True, blank=True)
    nulls_not_distinct = models.BooleanField(default=False)
    purpose = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)  # with_options, tablespace, comment
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["table_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class DesignEnum(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="design_enums")
    uid = models.CharField(max_length=40, default=new_uid, db_index=True)
    schema_name = models.CharField(max_length=63, default="public")
    name = models.CharField(max_length=63)
    values = models.JSONField(default=list)
    comment = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    # Optimistic concurrency, as for tables: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["schema_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "schema_name", "name"], name="design_enum_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name}.{self.name}"


class ObjectKind(models.TextChoices):
    NAMESPACE = "namespace", "Schema"
    SCHEMA_COMMENT = "schema_comment", "Schema comment"
    EXTENSION = "extension", "Extension"
    DOMAIN = "domain", "Domain"
    SEQUENCE = "sequence", "Sequence"
    VIEW = "view", "View"
    RAW = "raw", "Raw SQL"


class DesignObject(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="design_objects")
    uid = models.CharField(max_length=40, default=new_uid, db_index=True)
    kind = models.CharField(max_length=20, choices=ObjectKind.choices)
    position = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.position}"


class AdvisorRuleSetting(models.Model):
    """A project's choice for one advisor rule: another severity, or ``off``.

    Only rules that differ from their default have a row, so new rules start at their default.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="advisor_settings")
    rule = models.CharField(max_length=60)
    severity = models.CharField(max_length=8)  # error, warning, info or off
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rule"]
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], name="advisor_setting_unique_rule")
        ]

    def __str__(self) -> str:
        return f"{self.rule}={self.severity}"


class FindingDismissal(models.Model):
    """A finding a designer accepted, with the reason: kept, shown, and restorable."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="finding_dismissals"
    )
    rule = models.CharField(max_length=60)
    object = models.CharField(max_length=400)
    reason = models.TextField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "object"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "rule", "object"], name="finding_dismissal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.object}"


class TablePlacement(models.Model):
    """Where the user put a table on the canvas (Graphviz points, centre, y up).

    Per project, and per saved view when ``saved_view`` is set. Positions are not design
    edits: writing them never bumps the project's revision.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    saved_view = models.ForeignKey(
        "projects.SavedView", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    table_uid = models.CharField(max_length=40)
    x = models.FloatField()
    y = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "table_uid"],
                condition=models.Q(saved_view__isnull=True),
                name="table_placement_unique_project",
            ),
            models.UniqueConstraint(
                fields=["saved_view", "table_uid"],
                condition=models.Q(saved_view__isnull=False),
                name="table_placement_unique_view",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table_uid} at ({self.x:g}, {self.y:g})"


class CanvasViewport(models.Model):
    """The zoom and pan a user last left a project's canvas at, restored on the next visit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    x = models.FloatField()
    y = models.FloatField()
    k = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="canvas_viewport_unique")
        ]

    def __str__(self) -> str:
        return f"({self.x:g}, {self.y:g}) × {self.k:g}"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """One piece of work slower than a request (``designer.jobs``): a whole-design render, a
    rehearsal, a big import. Its row is how progress, results and failures reach the browser,
    whichever process runs it."""

    ACTIVE = (JobState.QUEUED, JobState.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    # The task and its arguments, hashed: at most one active job per key (a unique index on
    # the active rows), so a second request for the same work joins the first.
    dedupe_key = models.CharField(max_length=64)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=200, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(state__in=["queued", "running"]),
                name="designer_job_one_active_per_key",
            )
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


class KeyQuery(models.Model):
    """A query the design must serve well: explained on sample data in the workbench."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="key_queries")
    name = models.CharField(max_length=200)
    sql = models.TextField()
    # values of $1, $2, ... as SQL constants ("42", "'x'")
    params = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="key_query_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class WorkbenchRun(models.Model):
    """One background run of the workbench: progress while it runs, the result after."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="workbench_runs")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.CharField(max_length=300, blank=True)
    options = models.JSONField(default=dict, blank=True)  # scale, rows, suggest
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} {self.state}"


class DesignHistory(models.Model):
    """One design edit a user made, as the parts of the design it changed, before and after.

    Parts are whole tables (by id), the enums, and the rest of the design; ``data`` holds
    them as zlib-compressed JSON. Undo puts the "before" parts back only while the design
    still holds the "after" parts (nobody changed them since); redo the other way round.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    label = models.CharField(max_length=300)
    undone = models.BooleanField(default=False)
    data = models.BinaryField()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["project", "user", "undone"], name="design_history_stack")]

    def __str__(self) -> str:
        return self.label


class IdempotentRequest(models.Model):
    """A write of the JSON API sent with an ``Idempotency-Key`` header, and what it answered:
    the same key from the same user on the same route within a day gets that answer again
    instead of a second write (``designer/api/idempotency.py``). The unique constraint is
    what makes two processes racing with one key apply it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.TextField()
    # sha256 of method, path and key: what the unique constraint holds (paths can be long)
    scope = models.CharField(max_length=64)
    # sha256 of the request's query string and body: the same key with other content is refused
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope"], name="idempotent_request_one_per_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_age")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
