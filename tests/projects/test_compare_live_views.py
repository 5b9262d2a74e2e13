"""Comparing a live database with the design; rehearsing a plan from the compare page."""

import re

import pytest
from django.core.management import call_command

from designer.demo import demo_schema
from designer.models import DesignTable
from designer.services.columns import column_add
from designer.services.versions import snapshot_create
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres
from projects.models import Project

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


def test_rehearsal_from_the_compare_page_passes(client, project, pg_server_dsn, monkeypatch):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    snapshot_create(project=project, name="v1")
    orders = DesignTable.objects.get(project=project, name="orders")
    column_add(table=orders, name="coupon", data_type="text")
    html = client.post(
        "/p/demo/versions/rehearse/", {"base": "v1", "target": "working"}, **HX
    ).content.decode()
    assert "passed" in html and "failed" not in html
