"""Background work, off the request path.

``enqueue("package.module.function", **kwargs)`` runs a module-level function that takes only
keyword arguments (JSON-serialisable) and is idempotent, and returns a job id. Here it runs
in a daemon thread of the web process; with ``ERD_JOBS_EAGER = True`` (tests) it runs
before ``enqueue`` returns. A task stores its own progress and result (the workbench in its
``WorkbenchRun`` row), and pages poll that row: no request ever waits for a job.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import uuid
from typing import Any

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _resolve(task: str) -> Any:
    module, _, name = task.rpartition(".")
    if not module:
        raise ValueError(f"task must be a dotted path, not {task!r}")
    return getattr(importlib.import_module(module), name)


def _run(task: str, job_id: str, kwargs: dict[str, Any]) -> None:
    try:
        _resolve(task)(**kwargs)
    except Exception:  # the task records its own failure; this is the last resort
        logger.exception("job %s (%s) failed", job_id, task)
    finally:
        close_old_connections()


def enqueue(task: str, /, **kwargs: Any) -> str:
    """Run ``task(**kwargs)`` in the background; the job's id."""
    json.dumps(kwargs)  # the same contract as a broker: arguments must serialise
    _resolve(task)  # fail now, in the request, on a wrong name
    job_id = uuid.uuid4().hex
    if getattr(settings, "ERD_JOBS_EAGER", False):
        _resolve(task)(**kwargs)
        return job_id
    threading.Thread(
        target=_run, args=(task, job_id, kwargs), name=f"job-{job_id[:8]}", daemon=True
    ).start()
    return job_id
