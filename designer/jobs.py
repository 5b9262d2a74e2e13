"""Work slower than a request: whole-design renders, rehearsals, big imports, sample data.

``enqueue("package.module.function", **kwargs)`` records a ``Job`` row and returns its id.
The function is a module-level callable taking only JSON-serialisable keyword arguments; it
must be idempotent (a job whose worker died is run again). Where it runs:

- with a broker (``ERD_TASK_BROKER``, else ``REDIS_URL``): a Celery worker
  (``designer.worker``), with acknowledgement after the run, so a job whose worker is killed
  is delivered again when a worker comes back, and a time limit;
- without one: a daemon thread of this process (the embedded set-up of ``make run``);
- with ``ERD_JOBS_EAGER``: at once, in the caller (the tests).

A running function may call ``report(progress=..., message=...)``; whatever it returns (JSON)
is the job's result. Every job has a time limit (``ERD_JOB_TIME_LIMIT_SECONDS``): Celery stops
a job past it; in a thread nothing can stop it from outside, so long tasks call
``check_time_limit()`` between steps (and pass ``time_left()`` to what takes a deadline). A task
whose effect is a database write records its result with ``commit_result`` inside the same
transaction, and returns ``committed_result()`` when it finds one: a job re-run after its worker
died between that commit and the end of the run then does not write twice. ``JobError("...")`` fails the job with that message for the user; any
other exception fails it with ``ERR_INTERNAL`` (the traceback goes to the log).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from designer.models import Job, JobState

logger = logging.getLogger(__name__)

# Only the project's own functions can be named by a job (the tests add their own package).
TASK_PACKAGES = ("designer.", "projects.")
ERR_INTERNAL = "The job failed because of an internal error; it has been logged. Try again."
ERR_TIME_LIMIT = "The job took longer than its time limit of {seconds} s and was stopped."
ERR_LOST = "The worker running this job stopped; the job was given up."
MESSAGE_MAX = 200

_current_job: contextvars.ContextVar[str | None] = contextvars.ContextVar("erd_job", default=None)
# when the current job started (time.monotonic()), for its time limit
_started: contextvars.ContextVar[float] = contextvars.ContextVar("erd_job_started", default=0.0)


class JobError(Exception):
    """Raised by a task to fail its job with a message meant for the user."""


def enqueue(task: str, /, **kwargs: Any) -> str:
    """Run ``task(**kwargs)`` off the request path; the id of its job (an existing one when
    the same task with the same arguments is already queued or running)."""
    if not task.startswith(TASK_PACKAGES + tuple(getattr(settings, "ERD_JOB_TEST_PACKAGES", ()))):
        raise ValueError(f"not a task of this project: {task}")
    import_string(task)  # fail here, in the caller, for a misspelt name
    payload = json.loads(json.dumps(kwargs))  # what a worker will get, checked now
    key = hashlib.sha256(f"{task}\n{json.dumps(payload, sort_keys=True)}".encode()).hexdigest()
    project_id = payload.get("project_id") if isinstance(payload.get("project_id"), int) else None
    job, created = _create_or_join(task, payload, key, project_id)
    if created:
        _dispatch(str(job.pk))
    return str(job.pk)


def _create_or_join(
    task: str, payload: dict[str, Any], key: str, project_id: int | None
) -> tuple[Job, bool]:
    for _ in range(3):
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    task=task, kwargs=payload, dedupe_key=key, project_id=project_id
                )
            return job, True
        except IntegrityError:
            active = Job.objects.filter(dedupe_key=key, state__in=Job.ACTIVE).first()
            if active is None:
                continue  # it finished in between: try again
            if not _lost(active):
                return active, False
            Job.objects.filter(pk=active.pk, state__in=Job.ACTIVE).update(
                state=JobState.FAILED, error=ERR_LOST, finished_at=timezone.now()
            )
    raise RuntimeError("could not record the job")


def _lost(job: Job) -> bool:
    """A job active for longer than any run may take: its worker died without a trace."""
    since = job.started_at or job.created_at
    limit = timedelta(seconds=settings.ERD_JOB_TIME_LIMIT_SECONDS * 2 + 60)
    return since is not None and timezone.now() - since > limit


def _dispatch(job_id: str) -> None:
    if settings.ERD_JOBS_EAGER:
        execute(job_id)
        return
    # after the commit, so whoever runs the job sees its row
    transaction.on_commit(lambda: _send(job_id))


def _send(job_id: str) -> None:
    if settings.ERD_TASK_BROKER:
        try:
            from designer.worker import run_job

            run_job.apply_async(args=[job_id], task_id=job_id)
            return
        except Exception:
            logger.exception("task broker unreachable; running the job in this process")
    threading.Thread(target=_run_in_thread, args=(job_id,), name=f"erd-job-{job_id}").start()


def _run_in_thread(job_id: str) -> None:
    try:
        execute(job_id)
    finally:
        connections.close_all()  # this thread's own connections


def execute(job_id: str) -> None:
    """Run one job to its end (done or failed). Safe to call again: a finished job is left
    as it is, an active one (its earlier worker died) is run again."""
    claimed = Job.objects.filter(pk=job_id, state__in=Job.ACTIVE).update(
        state=JobState.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    token = _current_job.set(job_id)
    started = _started.set(time.monotonic())
    try:
        result = import_string(job.task)(**job.kwargs)
    except JobError as exc:
        _finish(job_id, JobState.FAILED, error=str(exc))
    except Exception as exc:
        if type(exc).__name__ == "SoftTimeLimitExceeded":  # Celery's, raised inside the task
            error = ERR_TIME_LIMIT.format(seconds=settings.ERD_JOB_TIME_LIMIT_SECONDS)
        else:
            logger.exception("job failed", extra={"job": job_id, "task": job.task})
            error = ERR_INTERNAL
        _finish(job_id, JobState.FAILED, error=error)
    else:
        _finish(job_id, JobState.DONE, result=json.loads(json.dumps(result)))
    finally:
        _current_job.reset(token)
        _started.reset(started)


def _finish(job_id: str, state: str, *, error: str = "", result: Any = None) -> None:
    # state__in: a job another process already gave up as lost keeps that verdict
    Job.objects.filter(pk=job_id, state__in=Job.ACTIVE).update(
        state=state,
        error=error,
        result=result,
        progress=1.0 if state == JobState.DONE else F("progress"),
        finished_at=timezone.now(),
    )


def report(*, progress: float | None = None, message: str | None = None) -> None:
    """From inside a running task: how far it is (0..1) and what it is doing now."""
    job_id = _current_job.get()
    if job_id is None:
        return  # called outside a job (the CLI runs the same functions directly)
    changes: dict[str, Any] = {}
    if progress is not None:
        changes["progress"] = min(1.0, max(0.0, float(progress)))
    if message is not None:
        changes["message"] = message[:MESSAGE_MAX]
    if changes:
        Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(**changes)


def time_left() -> float:
    """Seconds the current job has left under its time limit (the whole limit outside a job)."""
    limit = float(settings.ERD_JOB_TIME_LIMIT_SECONDS)
    if _current_job.get() is None:
        return limit
    return limit - (time.monotonic() - _started.get())


def check_time_limit() -> None:
    """From inside a running task: fail the job when it is past its time limit. A thread
    cannot be stopped from outside, so long tasks call this between their steps; raised
    inside a transaction, it rolls the task's writes back."""
    if time_left() <= 0:
        raise JobError(ERR_TIME_LIMIT.format(seconds=settings.ERD_JOB_TIME_LIMIT_SECONDS))


def commit_result(result: Any) -> None:
    """From inside a running task and its transaction: record the result with the task's
    writes, so that a re-run finds it (``committed_result``) instead of writing again."""
    job_id = _current_job.get()
    if job_id is not None:
        Job.objects.filter(pk=job_id).update(result=json.loads(json.dumps(result)))


def committed_result() -> Any:
    """The result an earlier run of the current job committed with its writes, or None."""
    job_id = _current_job.get()
    if job_id is None:
        return None
    return Job.objects.filter(pk=job_id).values_list("result", flat=True).first()


def ping(*, seconds: float = 0.0, tag: str = "") -> dict[str, Any]:
    """A job that proves the queue runs work (the load benchmark's fault run, the tests)."""
    import os

    report(progress=0.0, message="sleeping")
    time.sleep(min(max(seconds, 0.0), 60.0))
    return {"pid": os.getpid(), "tag": tag}


def current_job() -> str | None:
    """The id of the job the caller runs in, or None."""
    return _current_job.get()


def sweep_sandboxes() -> list[str]:
    """Drop the sandboxes a killed job left on the rehearsal server (``server.sweep_sandboxes``):
    those older than twice the job time limit and an hour, so neither a running job nor a
    long rehearsal from the CLI loses its own. Never raises: a worker starts regardless."""
    from designer.sql import server

    older = max(timedelta(seconds=settings.ERD_JOB_TIME_LIMIT_SECONDS * 2 + 60), timedelta(hours=1))
    try:
        dsn = server.running_server_dsn()
        dropped = server.sweep_sandboxes(dsn, older) if dsn else []
    except Exception:
        logger.warning("sandboxes not swept", exc_info=True)
        return []
    if dropped:
        logger.warning("dropped %d sandboxes left by killed jobs: %s", len(dropped), dropped)
    return dropped
