"""Comparing a live database with the design; rehearsing a plan from the compare page."""

import re

import pytest
from django.core.management import call_command

from designer import jobs
from designer.demo import demo_schema
from designer.models import DesignTable
from designer.services.background import ERR_NOT_ALLOWED
from designer.services.columns import column_add
from designer.services.versions import ERR_NO_SUCH_VERSION, snapshot_create
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres
from projects.models import Membership, Project, Role, Version

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def project(client, django_user_model):
    call_command("seed_demo")
    client.force_login(django_user_model.objects.get(username="admin"))
    return Project.objects.get(slug="demo")


@pytest.mark.usefixtures("live_pg_allowed")
def test_live_database_behind_the_design_gets_a_plan_and_rename_suggestions(client, project, pg_db):
    # The live database is the demo with an older column name and without the reviews table.
    old = export_postgres(demo_schema()).text.replace("full_name", "name_of_customer")
    pgserver.apply_sql(pg_db, old + "\nDROP TABLE public.reviews;")
    response = client.post("/p/demo/versions/compare-live/", {"dsn": pg_db}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "CREATE TABLE public.reviews" in html  # the missing table is planned
    assert "name_of_customer" in html and "Possible renames" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    key = re.search(r'name="rename" value="([^"]*name_of_customer[^"]*)"', html).group(1)
    confirmed = client.post(
        "/p/demo/versions/compare-live/", {"token": token, "rename": key}, **HX
    ).content.decode()
    assert "RENAME COLUMN name_of_customer TO full_name" in confirmed


def test_an_unreachable_database_is_a_clear_error_without_the_password(client, project):
    response = client.post(
        "/p/demo/versions/compare-live/", {"dsn": "postgresql://u:s3cret@127.0.0.1:1/db"}, **HX
    )
    assert response.status_code == 422
    assert "s3cret" not in response.content.decode()


def test_rehearsal_from_the_compare_page_passes(
    client, project, pg_server_dsn, monkeypatch, settings
):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    settings.ERD_JOBS_EAGER = True
    snapshot_create(project=project, name="v1")
    orders = DesignTable.objects.get(project=project, name="orders")
    column_add(table=orders, name="coupon", data_type="text")
    html = client.post(
        "/p/demo/versions/rehearse/", {"base": "v1", "target": "working"}, **HX
    ).content.decode()
    assert "passed" in html and "failed" not in html


@pytest.fixture
def queued(settings, pg_server_dsn, monkeypatch):
    """Jobs stay queued until the test runs them (as a worker would, later)."""
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    settings.ERD_JOBS_EAGER = False
    settings.ERD_TASK_BROKER = ""


def _started_job(client) -> str:
    html = client.post(
        "/p/demo/versions/rehearse/", {"base": "v1", "target": "working"}, **HX
    ).content.decode()
    assert "Rehearsal in the background" in html and "<progress" in html
    match = re.search(r'hx-get="(/jobs/[0-9a-f-]+/)" hx-trigger="every 1s"', html)
    assert match, html
    return match.group(1)


def test_a_rehearsal_runs_as_a_job_and_the_page_polls_it_to_the_result(client, project, queued):
    snapshot_create(project=project, name="v1")
    column_add(
        table=DesignTable.objects.get(project=project, name="orders"), name="c", data_type="text"
    )
    url = _started_job(client)
    waiting = client.get(url, **HX).content.decode()
    assert "waiting for a worker" in waiting and "hx-get" in waiting
    jobs.execute(url.split("/")[2])
    html = client.get(url, **HX).content.decode()
    assert "rehearsal-pass" in html and "passed" in html
    assert "hx-get" not in html  # finished: the polling stops
    # the same address is a page of its own without JavaScript
    page = client.get(url).content.decode()
    assert "<html" in page and "rehearsal-pass" in page
    assert client.post("/p/demo/versions/rehearse/", {"base": "v1", "target": "working"})[
        "Location"
    ].startswith("/jobs/")


def test_a_rehearsal_whose_version_went_away_says_why(client, project, queued):
    snapshot_create(project=project, name="v1")
    url = _started_job(client)
    Version.objects.filter(project=project, name="v1").delete()
    jobs.execute(url.split("/")[2])
    html = client.get(url, **HX).content.decode()
    assert "Rehearsal failed: " + ERR_NO_SUCH_VERSION.format(name="v1") in html


def test_a_reviewer_demoted_before_the_rehearsal_ran_is_refused(
    client, project, queued, django_user_model
):
    snapshot_create(project=project, name="v1")
    rita = django_user_model.objects.create_user("rita")
    Membership.objects.create(project=project, user=rita, role=Role.REVIEWER)
    client.force_login(rita)
    url = _started_job(client)
    Membership.objects.filter(project=project, user=rita).update(role=Role.VIEWER)
    jobs.execute(url.split("/")[2])
    assert "Rehearsal failed: " + ERR_NOT_ALLOWED in client.get(url, **HX).content.decode()
    client.force_login(django_user_model.objects.get(username="admin"))
    assert client.get(url, **HX).status_code == 404  # someone else's job
