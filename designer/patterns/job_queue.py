"""Job queue: a jobs table that concurrent workers dequeue from with FOR UPDATE SKIP LOCKED."""

from __future__ import annotations

from designer.patterns.base import (
    Pattern,
    PatternOption,
    PatternResult,
    new_column,
    object_name,
    require_new_table,
)
from designer.schema.model import (
    CheckConstraint,
    Column,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
)
from designer.schema.sqltext import normalize_expr, quote_ident, quote_literal

JOB_STATUSES = ("queued", "running", "done", "failed")


def apply_job_queue(
    schema: Schema, *, table: str | None = None, name: str = "jobs"
) -> PatternResult:
    require_new_table(schema, name)
    statuses = ", ".join(quote_literal(s) for s in JOB_STATUSES)
    jobs = Table(
        name=name,
        columns=(
            Column(name="id", type="bigint", nullable=False, identity="ALWAYS"),
            new_column("queue", "text", nullable=False, default="'default'"),
            new_column("payload", "jsonb", nullable=False, default="'{}'::jsonb"),
            new_column("status", "text", nullable=False, default="'queued'"),
            new_column("run_at", "timestamptz", nullable=False, default="now()"),
            new_column("attempts", "integer", nullable=False, default="0"),
            new_column("max_attempts", "integer", nullable=False, default="5"),
            new_column("locked_at", "timestamptz"),
            new_column("locked_by", "text"),
            new_column("last_error", "text"),
            new_column("created_at", "timestamptz", nullable=False, default="now()"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        checks=(
            CheckConstraint(
                expression=normalize_expr(f"status IN ({statuses})"),
                name=object_name(name, "status", suffix="check"),
            ),
        ),
        indexes=(
            Index(
                name=object_name(name, "queue_run_at", suffix="idx"),
                parts=(IndexPart(column="queue"), IndexPart(column="run_at")),
                where=normalize_expr("status = 'queued'"),
                purpose="dequeue: the next due job of a queue",
            ),
            Index(
                name=object_name(name, "locked_at", suffix="idx"),
                parts=(IndexPart(column="locked_at"),),
                where=normalize_expr("status = 'running'"),
                purpose="find jobs whose worker died",
            ),
        ),
        comment="A work queue: workers take due jobs with FOR UPDATE SKIP LOCKED.",
    )
    ref = quote_ident(name)
    examples = [
        f"INSERT INTO {ref} (queue, payload) VALUES ($1, $2::jsonb) RETURNING id;",
        f"WITH next AS (\n    SELECT id FROM {ref}\n"
        "    WHERE queue = $1 AND status = 'queued' AND run_at <= now()\n"
        "    ORDER BY run_at\n    LIMIT 1\n    FOR UPDATE SKIP LOCKED\n)\n"
        f"UPDATE {ref} AS j\n"
        "SET status = 'running', locked_at = now(), locked_by = $2, attempts = j.attempts + 1\n"
        "FROM next\nWHERE j.id = next.id\nRETURNING j.id, j.payload, j.attempts;",
        f"UPDATE {ref} SET status = 'done', locked_at = NULL WHERE id = $1 AND locked_by = $2;",
        f"UPDATE {ref}\nSET status = CASE WHEN attempts >= max_attempts THEN 'failed'"
        " ELSE 'queued' END,\n"
        "    run_at = now() + interval '1 second' * 2 ^ attempts,\n"
        "    last_error = $2, locked_at = NULL, locked_by = NULL\nWHERE id = $1;",
        f"UPDATE {ref} SET status = 'queued', locked_at = NULL, locked_by = NULL\n"
        "WHERE status = 'running' AND locked_at < now() - $1::interval;",
    ]
    notes = [
        f"{name}.status is text with a CHECK rather than an enum: a CHECK can later drop or"
        " rename a state, an enum value cannot be removed.",
        "Dequeue locks the next due job with FOR UPDATE SKIP LOCKED inside the UPDATE's CTE:"
        " concurrent workers skip each other's rows instead of waiting, and each gets a"
        " different job.",
        "The partial index on (queue, run_at) WHERE status = 'queued' holds only waiting"
        " jobs, so it stays small however many finished jobs the table keeps.",
        "A failed job is retried with exponential back-off until max_attempts; jobs whose"
        " worker died (running, locked long ago) are put back by the last example.",
        "Delete or archive done jobs regularly: dead rows slow the dequeue scan.",
    ]
    return PatternResult(schema.with_table(jobs), notes, examples)


PATTERN = Pattern(
    "job-queue",
    "Job queue",
    "A jobs table that concurrent workers dequeue from with FOR UPDATE SKIP LOCKED.",
    "project",
    apply_job_queue,
    (PatternOption("name", "Table name", "jobs"),),
)
