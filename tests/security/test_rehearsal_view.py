"""The rehearsal page: a design's SQL that sleeps, escapes or fails answers a clear page within
seconds, never a 500; the log is printed line by line."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import call_command

from designer.migrate.rehearse import ERR_TIMEOUT
from designer.models import DesignTable
from designer.schema.model import RawStatement
from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.schema import schema_replace
from designer.services.versions import snapshot_create
from projects.models import Project

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def project(client, django_user_model, pg_server_dsn, monkeypatch, settings):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    settings.ERD_SANDBOX_TIMEOUT_SECONDS = 3
    settings.ERD_JOBS_EAGER = True  # the rehearsal job runs inside the request
    call_command("seed_demo")
    client.force_login(django_user_model.objects.get(username="admin"))
    return Project.objects.get(slug="demo")


def _rehearse_with(client, project: Project, statement: str | None) -> tuple[int, str, float]:
    if statement is not None:
        schema = project_schema(project)
        schema_replace(
            project=project, schema=replace(schema, raw=(*schema.raw, RawStatement(statement)))
        )
    snapshot_create(project=project, name="v1")
    orders = DesignTable.objects.get(project=project, name="orders")
    column_add(table=orders, name="coupon", data_type="text")
    started = time.monotonic()
    response = client.post("/p/demo/versions/rehearse/", {"base": "v1", "target": "working"}, **HX)
    return response.status_code, response.content.decode(), time.monotonic() - started


def test_a_design_that_sleeps_gets_a_clear_page_within_seconds(client, project):
    status, html, seconds = _rehearse_with(
        client, project, "DO $$ BEGIN SET statement_timeout = 0; PERFORM pg_sleep(400); END $$"
    )
    assert status == 200
    assert seconds < 20
    assert ERR_TIMEOUT.format(seconds=3) in html and "failed" in html


def test_a_design_that_runs_a_program_gets_a_refusal_and_runs_nothing(client, project):
    marker = Path(f"/tmp/erd-view-escape-{uuid.uuid4().hex}")
    status, html, _ = _rehearse_with(
        client,
        project,
        f"DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch {marker}'''; END $$",
    )
    assert status == 200
    assert "permission denied to COPY to or from an external program" in html
    assert not marker.exists()
    assert "/tmp/" not in html.replace(str(marker), "")  # only the user's own text


def test_the_rehearsal_log_is_printed_line_by_line(client, project):
    status, html, _ = _rehearse_with(client, project, None)
    assert status == 200 and "passed" in html
    assert "built before and after\nup.sql ran\n" in html
    assert "join:" not in html and "result.log" not in html
