"""Re-importing an edited schema file into its project keeps identity: the plan from the
version before is the edit, not a drop and a re-create of every table."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import CommandError, call_command
from fixtures.designs import kitchen_sink

from designer.selectors.design import project_schema
from designer.sql.export_postgres import export_postgres
from projects.models import Project

pytestmark = pytest.mark.django_db

FILES = ["pagila.sql", "chinook.sql", "northwind.sql", "graphile_starter.sql"]


@pytest.fixture(autouse=True)
def admin(django_user_model):
    return django_user_model.objects.create_user("admin", password="pw-long-enough-1")


def _steps(capsys, *args: str) -> list[str]:
    """The descriptions of the plan's steps between v1 and the working design."""
    capsys.readouterr()
    call_command(
        "plan_migration", "p", "--from", "v1", "--to", "working", "--format", "json", *args
    )
    return [s["description"] for s in json.loads(capsys.readouterr().out)["steps"]]


def _import_and_snapshot(tmp_path, text: str):
    path = tmp_path / "schema.sql"
    path.write_text(text)
    call_command("import_schema", "p", str(path), "--create")
    call_command("snapshot", "p", "--name", "v1")
    return path


def _add_column_to_first_table(text: str) -> str:
    edited, n = re.subn(
        r"(CREATE TABLE [^(;]+\()", r"\1\n    added_in_git text,", text, count=1, flags=re.I
    )
    assert n == 1
    return edited


@pytest.mark.parametrize("name", FILES)
def test_reimporting_a_file_with_one_added_column_plans_exactly_that_column(
    name, corpus_dir, tmp_path, capsys
):
    text = (corpus_dir / name).read_text(encoding="utf-8")
    path = _import_and_snapshot(tmp_path, text)
    path.write_text(_add_column_to_first_table(text))
    call_command("import_schema", "p", str(path))
    steps = _steps(capsys)
    assert len(steps) == 1, steps
    assert "added_in_git" in steps[0] and steps[0].lower().startswith("add column")


def test_reimporting_an_unchanged_export_of_every_object_kind_plans_nothing(tmp_path, capsys):
    path = _import_and_snapshot(tmp_path, export_postgres(kitchen_sink()).text)
    before = project_schema(Project.objects.get(slug="p"))
    call_command("import_schema", "p", str(path))
    assert _steps(capsys) == []
    assert project_schema(Project.objects.get(slug="p")) == before


RENAME_V1 = (
    "CREATE TABLE customer (id bigint PRIMARY KEY, full_name text NOT NULL);\n"
    "CREATE TABLE invoice (id bigint PRIMARY KEY,"
    " customer_id bigint REFERENCES customer(id), total numeric(12,2));\n"
)
RENAME_V2 = (
    RENAME_V1.replace("customer (", "client (")
    .replace("REFERENCES customer", "REFERENCES client")
    .replace("total numeric", "amount numeric")
)


def test_renames_in_a_file_are_a_drop_and_an_add_unless_confirmed(tmp_path, capsys):
    path = _import_and_snapshot(tmp_path, RENAME_V1)
    path.write_text(RENAME_V2)
    call_command("import_schema", "p", str(path))
    with pytest.raises(CommandError) as info:
        _steps(capsys)
    assert info.value.returncode == 3


def test_renames_given_on_the_command_line_are_renames_in_the_plan(tmp_path, capsys):
    path = _import_and_snapshot(tmp_path, RENAME_V1)
    path.write_text(RENAME_V2)
    call_command(
        "import_schema",
        "p",
        str(path),
        "--rename",
        "public.customer=client",
        "--rename",
        "public.invoice.total=amount",
    )
    capsys.readouterr()
    call_command("plan_migration", "p", "--from", "v1", "--to", "working")
    up = capsys.readouterr().out
    assert "RENAME TO client" in up and "RENAME COLUMN total TO amount" in up
    assert "DROP" not in up


def test_a_rename_of_something_that_does_not_exist_is_refused_and_changes_nothing(
    tmp_path,
):
    path = _import_and_snapshot(tmp_path, "CREATE TABLE a (id int);\n")
    before = project_schema(Project.objects.get(slug="p"))
    with pytest.raises(CommandError, match="the current design has no such table"):
        call_command("import_schema", "p", str(path), "--rename", "public.nope=a")
    with pytest.raises(CommandError, match="not a rename"):
        call_command("import_schema", "p", str(path), "--rename", "a")
    assert project_schema(Project.objects.get(slug="p")) == before
