"""The Celery application: ``celery -A designer.worker worker`` runs the jobs of ``designer.jobs``.

There is one generic task, ``run_job(job_id)``: the job's row names the function and its
arguments, so adding work never means adding a Celery task. Settings are Django's ``CELERY_*``
(``designer/settings.py``): acknowledgement after the run (a killed worker's job is delivered
again), one job prefetched at a time, and the job time limit.

The worker runs below the app processes' priority (``ERD_WORKER_NICE``, default 10; 0 keeps it
level): on a shared host a background drawing of 500 tables then takes the CPU the requests
leave, instead of slowing every editor's request while it runs.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")

app = Celery("erd")
app.config_from_object("django.conf:settings", namespace="CELERY")


@worker_init.connect
def _below_the_requests(**_: object) -> None:
    # before the pool's processes are forked: they, and the dot they run, inherit it
    os.nice(max(0, int(os.environ.get("ERD_WORKER_NICE", "10"))))


@worker_ready.connect
def _sweep_sandboxes(**_: object) -> None:
    """A worker killed in the middle of a rehearsal left its sandbox on the server: the
    next worker to start drops sandboxes older than twice the job time limit."""
    import threading

    from designer.jobs import sweep_sandboxes

    # on a thread: the worker takes jobs at once, even if the rehearsal server is slow to answer
    threading.Thread(target=sweep_sandboxes, name="erd-sweep-sandboxes", daemon=True).start()


@app.task(name="erd.run_job")
def run_job(job_id: str) -> None:
    from designer.jobs import execute

    execute(job_id)
