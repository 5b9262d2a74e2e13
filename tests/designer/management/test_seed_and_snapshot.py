import pytest
from django.core.management import CommandError, call_command

from designer.demo import demo_schema
from designer.selectors.design import project_schema
from projects.models import Project, Version

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_meets_the_brief(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert Project.objects.filter(slug="demo").count() == 1
    schema = project_schema(Project.objects.get(slug="demo"))
    assert schema == demo_schema()
    assert len(schema.tables) >= 8
    assert {t.group for t in schema.tables} >= {"catalog", "sales"}
    assert any(len(ix.parts) > 1 for t in schema.tables for ix in t.indexes)  # composite
    assert any(ix.where for t in schema.tables for ix in t.indexes)  # partial
    assert any(t.checks for t in schema.tables) and schema.enums
    types = {c.type for t in schema.tables for c in t.columns}
    assert {"jsonb", "timestamp with time zone"} <= types
    actions = {fk.on_delete for t in schema.tables for fk in t.foreign_keys}
    assert {"CASCADE", "SET NULL", "RESTRICT"} <= actions
    assert "already present" in capsys.readouterr().out


def test_snapshot_saves_a_version_and_refuses_a_duplicate():
    call_command("seed_demo")
    call_command("snapshot", "demo", "--name", "v1", "--message", "first")
    assert Version.objects.get(name="v1").message == "first"
    with pytest.raises(CommandError, match="already exists"):
        call_command("snapshot", "demo", "--name", "v1")


def test_unknown_project_is_a_clear_error():
    with pytest.raises(CommandError, match="No project with slug “nope”"):
        call_command("snapshot", "nope", "--name", "v1")
