"""Jobs: recorded, run once per task and arguments, progress and failures kept for the browser."""

from __future__ import annotations

import json
import time

import pytest
from fixtures import jobtasks

from designer import jobs
from designer.models import Job, JobState


@pytest.fixture
def eager(settings):
    settings.ERD_JOBS_EAGER = True
    settings.ERD_TASK_BROKER = ""
    settings.ERD_JOB_TEST_PACKAGES = ("fixtures.",)
    jobtasks.CALLS.clear()


@pytest.mark.django_db
def test_an_eager_job_runs_at_once_and_keeps_its_result(eager):
    job = Job.objects.get(pk=jobs.enqueue("fixtures.jobtasks.add", a=2, b=3))
    assert job.state == JobState.DONE
    assert job.result == {"sum": 5}
    assert job.progress == 1.0 and job.message == "adding"
    assert job.attempts == 1 and job.started_at and job.finished_at
    # run again (a redelivery): a finished job is left alone
    jobs.execute(str(job.pk))
    assert jobtasks.CALLS == [{"a": 2, "b": 3}]


@pytest.mark.django_db
def test_a_job_that_refuses_says_why_and_a_crash_hides_its_details(eager):
    refused = Job.objects.get(pk=jobs.enqueue("fixtures.jobtasks.refuse", why="No tables."))
    assert (refused.state, refused.error) == (JobState.FAILED, "No tables.")
    crashed = Job.objects.get(pk=jobs.enqueue("fixtures.jobtasks.crash"))
    assert (crashed.state, crashed.error) == (JobState.FAILED, jobs.ERR_INTERNAL)
    assert "/srv/secret" not in crashed.error


@pytest.mark.django_db
def test_the_same_work_asked_twice_while_queued_is_one_job(settings):
    settings.ERD_JOBS_EAGER = False
    settings.ERD_TASK_BROKER = ""
    settings.ERD_JOB_TEST_PACKAGES = ("fixtures.",)
    # inside the test's transaction nothing is dispatched: both stay queued
    first = jobs.enqueue("fixtures.jobtasks.add", a=1, b=1)
    assert jobs.enqueue("fixtures.jobtasks.add", b=1, a=1) == first
    assert jobs.enqueue("fixtures.jobtasks.add", a=1, b=2) != first
    assert Job.objects.filter(state=JobState.QUEUED).count() == 2
    # a queued job older than any run may take lost its worker: a new request replaces it
    Job.objects.filter(pk=first).update(created_at="2000-01-01T00:00:00Z")
    again = jobs.enqueue("fixtures.jobtasks.add", a=1, b=1)
    assert again != first
    lost = Job.objects.get(pk=first)
    assert (lost.state, lost.error) == (JobState.FAILED, jobs.ERR_LOST)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_job_runs_in_a_thread_after_the_commit(settings):
    settings.ERD_JOBS_EAGER = False
    settings.ERD_TASK_BROKER = ""
    settings.ERD_JOB_TEST_PACKAGES = ("fixtures.",)
    job_id = jobs.enqueue("fixtures.jobtasks.add", a=20, b=22)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.finished:
            break
        time.sleep(0.05)
    assert job.state == JobState.DONE and job.result == {"sum": 42}


def test_only_the_projects_own_functions_can_be_jobs(eager):
    with pytest.raises(ValueError, match="not a task of this project"):
        jobs.enqueue("os.system", command="true")
    with pytest.raises(ImportError):
        jobs.enqueue("designer.jobs.no_such_function")


@pytest.mark.django_db
def test_a_saved_views_options_travel_to_a_render_job_and_back(django_user_model):
    from designer.selectors import diagrams
    from designer.services.tables import table_create
    from projects.models import SavedView
    from projects.services import project_create

    user = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    project = project_create(owner=user, name="Views")
    table_create(actor=user, project=project, name="orders")
    view = SavedView.objects.create(project=project, name="All", tables=["public.orders"])
    options = diagrams.saved_view_options(view)
    encoded = diagrams._encode_options(options)
    assert json.loads(json.dumps(encoded)) == encoded
    assert diagrams._decode_options(encoded) == options
