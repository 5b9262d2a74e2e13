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


OLD_FILE = (
    "CREATE TABLE customer (id bigint PRIMARY KEY, name text NOT NULL);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer(id),"
    " status text DEFAULT 'pending' NOT NULL);\n"
)


def _files(tmp_path, old: str, new: str) -> list[str]:
    (tmp_path / "old.sql").write_text(old)
    (tmp_path / "new.sql").write_text(new)
    return ["--from-file", str(tmp_path / "old.sql"), "--to-file", str(tmp_path / "new.sql")]


def test_plan_between_two_files_needs_no_project(tmp_path, capsys):
    new = OLD_FILE.replace("NOT NULL);\n", "NOT NULL, note text);\n", 1)
    args = _files(tmp_path, OLD_FILE, new)
    call_command("plan_migration", *args)
    up = capsys.readouterr().out
    assert "ADD COLUMN note text" in up and "DROP" not in up
    call_command("plan_migration", *args, "--down")
    assert "DROP COLUMN IF EXISTS note" in capsys.readouterr().out
    call_command("plan_migration", *args, "--format", "markdown")
    assert "old.sql → " in capsys.readouterr().out
    assert not Project.objects.exists()


def test_plan_between_files_is_destructive_unless_allowed_and_takes_renames(tmp_path, capsys):
    renamed = OLD_FILE.replace("name text", "full_name text")
    args = _files(tmp_path, OLD_FILE, renamed)
    with pytest.raises(CommandError) as info:
        call_command("plan_migration", *args)
    assert info.value.returncode == 3
    call_command("plan_migration", *args, "--rename", "public.customer.name=full_name")
    up = capsys.readouterr().out
    assert "RENAME COLUMN name TO full_name" in up and "DROP" not in up


def test_plan_between_files_rehearses_on_real_postgresql(
    tmp_path, capsys, monkeypatch, pg_server_dsn
):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    new = OLD_FILE.replace(
        "CREATE TABLE orders",
        "CREATE INDEX customer_name_idx ON customer (name);\nCREATE TABLE orders",
    )
    call_command("plan_migration", *_files(tmp_path, OLD_FILE, new), "--rehearse")
    captured = capsys.readouterr()
    assert "Rehearsal passed" in captured.err and "CREATE INDEX CONCURRENTLY" in captured.out


def test_plan_between_files_refuses_unreadable_input_with_exit_2(tmp_path):
    args = _files(tmp_path, OLD_FILE, "CREATE TABLE broken (id int,, x text);")
    with pytest.raises(CommandError) as info:
        call_command("plan_migration", *args)
    assert info.value.returncode == 2 and "new.sql: Line 1" in str(info.value)
    with pytest.raises(CommandError) as info:
        call_command(
            "plan_migration", "--from-file", str(tmp_path / "missing.sql"), "--to-file", args[3]
        )
    assert info.value.returncode == 2 and "no such file" in str(info.value)
    with pytest.raises(CommandError) as info:
        call_command("plan_migration", "demo", *args)
    assert info.value.returncode == 2
