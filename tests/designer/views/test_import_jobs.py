"""Big imports are applied by a job: progress in the page, then the project; atomic, and the
job checks the user's role again when it runs."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from strategies.designs import designs

from designer import jobs
from designer.models import DesignTable, Job, JobState
from designer.selectors.design import project_schema
from designer.services.background import ERR_NOT_ALLOWED, PENDING_IMPORT_KEY
from projects.models import Membership, Project, Role
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
SQL = """
CREATE TABLE authors (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (id bigint PRIMARY KEY, author_id bigint REFERENCES authors);
"""


@pytest.fixture
def user(django_user_model, client):
    u = django_user_model.objects.create_user("ivy", password="pw-long-enough-1")
    client.force_login(u)
    return u


@pytest.fixture
def big(settings):
    """Every script counts as big; jobs stay queued until the test runs them."""
    settings.ERD_IMPORT_INLINE_BYTES = 10
    settings.ERD_JOBS_EAGER = False
    settings.ERD_TASK_BROKER = ""


def _preview_token(client, url: str, sql: str = SQL) -> str:
    html = client.post(url, {"text": sql, "format": "auto"}, **HX).content.decode()
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def _job_url(html: str) -> str:
    match = re.search(r'hx-get="(/jobs/[0-9a-f-]+/)"', html)
    assert match, html[:800]
    return match.group(1)


def test_a_big_import_shows_progress_then_opens_the_new_project(client, user, big):
    token = _preview_token(client, "/import/")
    started = client.post("/import/confirm/", {"token": token, "name": "Library"}, **HX)
    assert started.status_code == 200
    html = started.content.decode()
    assert "Import in the background" in html and "<progress" in html
    assert not Project.objects.exists()  # nothing written yet: the job has not run
    url = _job_url(html)
    jobs.execute(url.split("/")[2])
    done = client.get(url, **HX)
    assert done.status_code == 204 and done["HX-Redirect"] == "/p/library/"
    project = Project.objects.get(slug="library")
    assert [t.name for t in project_schema(project).tables] == ["authors", "books"]
    assert cache.get(PENDING_IMPORT_KEY.format(token=token)) is None
    # without JavaScript the job's address leads to the project too
    assert client.get(url)["Location"] == "/p/library/"


def test_a_job_rerun_after_its_worker_died_past_the_commit_does_not_import_twice(client, user, big):
    token = _preview_token(client, "/import/")
    pending = cache.get(PENDING_IMPORT_KEY.format(token=token))
    url = _job_url(
        client.post("/import/confirm/", {"token": token, "name": "Lib"}, **HX).content.decode()
    )
    job_id = url.split("/")[2]
    jobs.execute(job_id)
    # the worker "died" after the import committed, before the job was marked done and the
    # preview dropped: the broker delivers the job again
    Job.objects.filter(pk=job_id).update(state=JobState.RUNNING, finished_at=None)
    cache.set(PENDING_IMPORT_KEY.format(token=token), pending, 60)
    jobs.execute(job_id)
    assert Project.objects.filter(name="Lib").count() == 1
    assert Job.objects.get(pk=job_id).state == JobState.DONE


def test_an_editor_demoted_while_the_job_waited_is_refused_and_nothing_changes(
    client, user, big, django_user_model
):
    owner = django_user_model.objects.create_user("olga")
    project = project_create(owner=owner, name="Shop")
    Membership.objects.create(project=project, user=user, role=Role.EDITOR)
    token = _preview_token(client, "/p/shop/import/")
    html = client.post("/p/shop/import/confirm/", {"token": token}, **HX).content.decode()
    Membership.objects.filter(project=project, user=user).update(role=Role.VIEWER)
    url = _job_url(html)
    jobs.execute(url.split("/")[2])
    failed = client.get(url, **HX).content.decode()
    assert f"Import failed: {ERR_NOT_ALLOWED}" in failed and 'role="alert"' in failed
    assert "hx-get" not in failed  # no more polling
    assert not DesignTable.objects.filter(project=project).exists()


def test_a_failed_import_says_why_and_creates_no_project(client, user, big):
    token = _preview_token(client, "/import/")
    data = {"token": token, "name": "Lib", "rename": "public.nope=authors"}
    url = _job_url(client.post("/import/confirm/", data, **HX).content.decode())
    jobs.execute(url.split("/")[2])
    html = client.get(url, **HX).content.decode()
    assert "Import failed: " in html and "nope" in html
    assert 'href="/import/">Start the import again' in html
    assert not Project.objects.exists()


def test_an_import_past_the_job_time_limit_is_rolled_back(client, user, big, settings):
    settings.ERD_JOB_TIME_LIMIT_SECONDS = 0
    token = _preview_token(client, "/import/")
    url = _job_url(
        client.post("/import/confirm/", {"token": token, "name": "L"}, **HX).content.decode()
    )
    jobs.execute(url.split("/")[2])
    assert jobs.ERR_TIME_LIMIT.format(seconds=0) in client.get(url, **HX).content.decode()
    assert not Project.objects.exists()


def test_a_job_is_shown_only_to_the_user_who_started_it(client, user, big, django_user_model):
    token = _preview_token(client, "/import/")
    url = _job_url(
        client.post("/import/confirm/", {"token": token, "name": "L"}, **HX).content.decode()
    )
    client.force_login(django_user_model.objects.create_user("mallory"))
    assert client.get(url, **HX).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_under_make_run_a_big_import_runs_in_a_thread_and_the_page_follows_it(client, user, big):
    """No broker, not eager: what ``make run`` does. The job runs in a thread after the
    request commits; polling its address ends at the project."""
    token = _preview_token(client, "/import/")
    url = _job_url(
        client.post("/import/confirm/", {"token": token, "name": "Thr"}, **HX).content.decode()
    )
    deadline = time.monotonic() + 20
    answer = client.get(url, **HX)
    while answer.status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
        answer = client.get(url, **HX)
    assert answer.status_code == 204 and answer["HX-Redirect"] == "/p/thr/"
    assert DesignTable.objects.filter(project__slug="thr").count() == 2


@hyp_settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=designs(max_tables=3))
def test_every_design_imported_by_a_job_and_run_again_equals_the_inline_import(schema):
    """For any design: the job's import, delivered a second time after it committed (a
    worker killed before it could report), leaves the design the inline import leaves."""
    from django.conf import settings as django_settings
    from django.contrib.auth import get_user_model

    from designer.schema.serialize import schema_to_json
    from designer.services.imports import apply_import

    django_settings.ERD_JOBS_EAGER = True
    try:
        user = get_user_model().objects.create_user(uuid.uuid4().hex)
        inline, queued = (project_create(owner=user, name=n) for n in ("Inline", "Queued"))
        apply_import(project=inline, schema=schema, actor=user)
        pending = {"user": user.pk, "schema": schema_to_json(schema)}
        token = uuid.uuid4().hex
        cache.set(PENDING_IMPORT_KEY.format(token=token), pending, 60)
        job_id = jobs.enqueue(
            "designer.services.background.import_job",
            token=token,
            user_id=user.pk,
            project_id=queued.pk,
        )
        written = Project.objects.get(pk=queued.pk).revision
        Job.objects.filter(pk=job_id).update(state=JobState.RUNNING)
        cache.set(PENDING_IMPORT_KEY.format(token=token), pending, 60)
        jobs.execute(job_id)
        job = Job.objects.get(pk=job_id)
        assert (job.state, job.attempts) == (JobState.DONE, 2)
        assert Project.objects.get(pk=queued.pk).revision == written  # not written again
        assert project_schema(queued) == project_schema(inline)
    finally:
        django_settings.ERD_JOBS_EAGER = False
