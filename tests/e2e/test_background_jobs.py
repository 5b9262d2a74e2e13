"""Slow work in the browser, as ``make run`` does it (no broker: a thread of the server): a
big import shows its progress and then opens the project; a rehearsal shows its progress and
then its result in the compare page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.models import DesignTable, Job, JobState
from designer.services.columns import column_add
from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.services import project_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"
SQL = "".join(f"CREATE TABLE t{i} (id bigint PRIMARY KEY, note text);\n" for i in range(40))


@pytest.fixture
def threaded(settings):
    settings.ERD_JOBS_EAGER = False
    settings.ERD_TASK_BROKER = ""


def log_in(page, url: str, next_path: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_path}")


def test_a_big_import_shows_progress_then_opens_the_project(
    page, live_server, django_user_model, settings, threaded
):
    settings.ERD_IMPORT_INLINE_BYTES = 1024  # this script is 2 KB: a job
    django_user_model.objects.create_user("ada", password=PASSWORD)
    log_in(page, live_server.url, "/import/")
    page.fill("textarea[name=text]", SQL)
    page.get_by_role("button", name="Preview").click()
    page.fill("input[name=name]", "Big one")
    with page.expect_response("**/import/confirm/") as confirm:
        page.get_by_role("button", name="Import 40 tables").click()
    assert "Import in the background" in confirm.value.text()
    page.wait_for_url("**/p/big-one/")
    expect(page.locator("#table-list a")).to_have_count(40)
    job = Job.objects.get(task="designer.services.background.import_job")
    assert (job.state, job.attempts) == (JobState.DONE, 1)


def test_a_rehearsal_shows_progress_then_its_result(
    page, live_server, django_user_model, threaded, pg_server_dsn, monkeypatch
):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name="Shop")
    orders, _ = table_create(project=project, name="orders")
    snapshot_create(project=project, name="v1")
    column_add(table=orders, name="coupon", data_type="text")
    log_in(page, live_server.url, "/p/shop/versions/")
    page.goto(live_server.url + "/p/shop/versions/compare/?base=v1&target=working")
    page.get_by_role("button", name="Rehearse on a real PostgreSQL").click()
    slot = page.locator("#rehearsal-slot")
    expect(slot.locator("progress, .rehearsal")).not_to_have_count(0)
    expect(slot.locator(".rehearsal")).to_contain_text("passed", timeout=90_000)
    expect(slot.locator("progress")).to_have_count(0)
    assert DesignTable.objects.filter(project=project).count() == 1
