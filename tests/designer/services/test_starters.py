"""Starter designs: each file imports through the normal importer, and its DDL runs on PostgreSQL."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.auth import get_user_model

from designer.export.registry import export
from designer.selectors.design import project_schema
from designer.services.starters import ERR_STARTER, project_create_from_starter
from designer.starters import STARTERS
from projects.models import Project
from projects.services import ProjectError

pytestmark = pytest.mark.django_db
# What each starter is for, as a user would check it on the diagram.
EXPECTED_TABLES = {
    "blank": set(),
    "saas": {"tenants", "users", "tenant_members", "projects", "invoices"},
    "shop": {"customers", "products", "orders", "order_items", "payments"},
    "blog": {"authors", "posts", "tags", "post_tags", "comments"},
    "job-queue": {"queues", "jobs", "job_attempts"},
}


@pytest.fixture
def owner():
    return get_user_model().objects.create_user("sam", password="pw-long-enough-1")


def test_every_starter_is_listed_with_its_expectation():
    assert set(STARTERS) == set(EXPECTED_TABLES)


@pytest.mark.parametrize("starter", sorted(EXPECTED_TABLES))
def test_a_new_project_starts_from_the_chosen_design(owner, starter, pg_db):
    project = project_create_from_starter(owner=owner, name=f"From {starter}", starter=starter)
    schema = project_schema(project)
    assert {t.name for t in schema.tables} == EXPECTED_TABLES[starter]
    ddl = export(schema, "postgres").text
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute(ddl)
        created = {
            r[0]
            for r in conn.execute(
                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        }
    assert created == EXPECTED_TABLES[starter]


def test_the_saas_starter_isolates_tenants_with_row_level_security(owner):
    project = project_create_from_starter(owner=owner, name="Tenants", starter="saas")
    tables = {t.name: t for t in project_schema(project).tables}
    for name in ("tenant_members", "projects", "invoices"):
        assert tables[name].rls_enabled
        assert "tenant_id" in tables[name].policies[0].using


def test_an_unknown_starter_creates_nothing(owner):
    with pytest.raises(ProjectError) as err:
        project_create_from_starter(owner=owner, name="X", starter="nope")
    assert err.value.message == ERR_STARTER.format(starter="nope")
    assert not Project.objects.exists()
