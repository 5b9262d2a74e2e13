"""How a background job (``designer.jobs``) is going, shown to the user who started it.

A view that starts a job answers with ``job_answer``: the job's partial, which polls this
view every second while the job runs (htmx ``every 1s``), says why when it failed, and when
it is done shows the task's result template, or goes where the result's ``redirect`` says.
Without JavaScript the same URL is a page with a refresh link. Only tasks listed in
``TASKS`` are shown, each to the user who asked (``user_id``, 404 for anyone else) while
that user is still a member of the job's project.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from designer.models import Job, JobState
from designer.views.common import HtmxHttpRequest
from projects.access import project_access
from projects.models import Role

PAGE = "designer/job.html"
# task -> (what the user calls it, the template showing its result)
TASKS: dict[str, tuple[str, str]] = {
    "designer.services.background.rehearse_job": (
        "Rehearsal",
        "projects/_rehearsal.html#rehearsal",
    ),
    "designer.services.background.import_job": ("Import", ""),
}


def _job(request: HtmxHttpRequest, job_id: str) -> Job:
    job = Job.objects.filter(pk=job_id, task__in=TASKS).select_related("project").first()
    if job is None or job.kwargs.get("user_id") != request.user.pk:
        raise Http404("No such job.")
    if job.project is not None:
        project_access(request.user, job.project.slug, Role.VIEWER)
    return job


def _context(job: Job) -> dict[str, Any]:
    title, result_template = TASKS[job.task]
    result = job.result if isinstance(job.result, dict) else {}
    return {
        "job": job,
        "project": job.project,
        "title": title,
        "result": result,
        "result_template": result_template if job.state == JobState.DONE else "",
        "percent": round(job.progress * 100),
        "again_url": _again_url(job) if job.state == JobState.FAILED else "",
        # what the result templates name beside ``result``
        "base": result.get("base"),
        "target": result.get("target"),
    }


def _again_url(job: Job) -> str:
    """Where to start a failed import again (a rehearsal fails inside its compare page)."""
    if job.task != "designer.services.background.import_job":
        return ""
    if job.project is not None:
        return reverse("import_project", args=[job.project.slug])
    return reverse("import_new")


def job_answer(request: HtmxHttpRequest, job_id: str) -> HttpResponse:
    """The answer of a view that started job ``job_id``: its partial, or (no htmx) its page."""
    if not request.htmx:
        return redirect("job_status", job_id=job_id)
    return _status(request, _job(request, job_id))


@require_GET
def job_status(request: HtmxHttpRequest, job_id: str) -> HttpResponse:
    """GET: the job's partial (htmx) or page; a finished job with a ``redirect`` goes there."""
    return _status(request, _job(request, str(job_id)))


def _status(request: HtmxHttpRequest, job: Job) -> HttpResponse:
    target = (job.result or {}).get("redirect") if job.state == JobState.DONE else None
    if isinstance(target, str) and target.startswith("/"):
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    name = f"{PAGE}#job" if request.htmx else PAGE
    return render(request, name, _context(job))
