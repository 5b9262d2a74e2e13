"""plan_migration: plans between versions, destructive opt-in, rehearsal on real PostgreSQL."""

import json

import pytest
from django.core.management import CommandError, call_command

from designer.models import DesignColumn, DesignTable
from designer.services.columns import column_add, column_update
from designer.services.indexes import index_save
from designer.services.tables import table_delete
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    call_command("seed_demo")
    call_command("snapshot", "demo", "--name", "v1")
    return Project.objects.get(slug="demo")


def test_adding_a_column_and_an_index_plans_the_safe_patterns(project, capsys):
    orders = DesignTable.objects.get(project=project, name="orders")
    column_add(table=orders, name="note", data_type="text")
    index_save(table=orders, name="orders_note_idx", parts="note")
    call_command("plan_migration", "demo", "--from", "v1", "--to", "working")
    up = capsys.readouterr().out
    assert "ADD COLUMN note text" in up
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_note_idx" in up
    assert "SET lock_timeout" in up


def test_a_rename_from_the_editor_is_a_rename_not_a_drop(project, capsys):
    column = DesignColumn.objects.get(
        table__project=project, table__name="shipments", name="carrier"
    )
    column_update(column=column, name="carrier_name", data_type="text", nullable=False)
    call_command("plan_migration", "demo", "--from", "v1", "--to", "working", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    sql = json.dumps(data)
    assert "RENAME COLUMN carrier TO carrier_name" in sql
    assert "DROP COLUMN" not in sql


def test_a_destructive_plan_exits_3_listing_the_steps_unless_allowed(project, capsys):
    table_delete(table=DesignTable.objects.get(project=project, name="reviews"))
    with pytest.raises(CommandError) as info:
        call_command("plan_migration", "demo", "--from", "v1", "--to", "working")
    assert info.value.returncode == 3
    assert "reviews" in str(info.value)
    call_command(
        "plan_migration", "demo", "--from", "v1", "--to", "working", "--allow-destructive", "--down"
    )
    assert "CREATE TABLE" in capsys.readouterr().out  # down re-creates the table


def test_rehearsal_passes_on_real_postgresql(project, pg_server_dsn, capsys, monkeypatch):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    orders = DesignTable.objects.get(project=project, name="orders")
    column_add(table=orders, name="coupon", data_type="text")
    call_command(
        "plan_migration",
        "demo",
        "--from",
        "v1",
        "--to",
        "working",
        "--format",
        "markdown",
        "--rehearse",
    )
    captured = capsys.readouterr()
    assert "Rehearsal passed" in captured.err
    assert "coupon" in captured.out


def test_unknown_version_is_a_clear_error(project):
    with pytest.raises(CommandError, match="There is no version named"):
        call_command("plan_migration", "demo", "--from", "nope", "--to", "working")


def test_latest_and_approved_name_versions(project, capsys, django_user_model):
    from projects.models import Version
    from projects.services import review_decide, review_request_create

    orders = DesignTable.objects.get(project=project, name="orders")
    column_add(table=orders, name="note", data_type="text")
    call_command("snapshot", "demo", "--name", "v2")
    with pytest.raises(CommandError, match="No review has been approved yet"):
        call_command("plan_migration", "demo", "--from", "@approved", "--to", "@latest")
    author, reviewer = (django_user_model.objects.create_user(n) for n in ("author", "rev"))
    project.memberships.create(user=reviewer, role="reviewer")
    review = review_request_create(
        project=project, author=author, title="v1", version=Version.objects.get(name="v1"),
        reviewers=[reviewer],
    )  # fmt: skip
    review_decide(review=review, reviewer=reviewer, decision="approved")
    call_command("plan_migration", "demo", "--from", "@approved", "--to", "@latest")
    assert "ADD COLUMN note text" in capsys.readouterr().out


def test_version_names_starting_with_at_are_reserved(project):
    with pytest.raises(CommandError, match="reserved"):
        call_command("snapshot", "demo", "--name", "@approved")
