"""The Celery application: ``celery -A designer.worker worker`` runs the jobs of ``designer.jobs``.

There is one generic task, ``run_job(job_id)``: the job's row names the function and its
arguments, so adding work never means adding a Celery task. Settings are Django's ``CELERY_*``
(``designer/settings.py``): acknowledgement after the run (a killed worker's job is delivered
again), one job prefetched at a time, and the job time limit.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")

app = Celery("erd")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="erd.run_job")
def run_job(job_id: str) -> None:
    from designer.jobs import execute

    execute(job_id)
