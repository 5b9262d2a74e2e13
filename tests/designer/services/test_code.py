"""The code view: text in, the same merge as a re-import out, one undoable edit."""

import pytest
from django.contrib.auth import get_user_model

from designer.demo import demo_schema
from designer.selectors.design import project_schema
from designer.services import history
from designer.services.code import (
    ERR_CODE_STALE,
    design_apply_text,
    design_check,
    design_text,
)
from designer.services.errors import DesignError
from designer.services.schema import schema_replace
from projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("cody", password="pw-long-enough-1")


@pytest.fixture
def project(user):
    project = project_create(owner=user, name="Code")
    schema_replace(project=project, schema=demo_schema())
    project.refresh_from_db()
    return project


@pytest.mark.parametrize("fmt", ["dbml", "postgres"])
def test_the_text_as_shown_changes_nothing(project, fmt):
    current = project_schema(project)
    check = design_check(current, design_text(current, fmt), fmt)
    assert check.errors == () and check.changes == ()


def test_a_column_added_in_dbml_is_the_only_change_and_keeps_what_dbml_cannot_say(project, user):
    before = project_schema(project)
    text = design_text(before, "dbml").replace(
        "  full_name text [not null]\n", "  full_name text [not null]\n  phone text\n"
    )
    check = design_apply_text(actor=user, project=project, text=text, fmt="dbml")
    assert check.changes == ("Add column public.customers.phone text",)
    after = project_schema(project)
    customers = after.table("customers")
    names = [c.name for c in customers.columns]
    assert names[names.index("full_name") + 1] == "phone"
    # Identity columns and CHECKs are not DBML, yet they survive; ids are kept.
    assert customers.column("id").identity == before.table("customers").column("id").identity
    assert after.table("products").checks == before.table("products").checks
    assert [t.id for t in after.tables] == [t.id for t in before.tables]
    assert customers.column("email").id == before.table("customers").column("email").id


def test_a_parse_error_names_its_line_and_changes_nothing(project, user):
    before = project_schema(project)
    text = design_text(before, "postgres")
    lines = text.count("\n")
    check = design_apply_text(
        actor=user, project=project, text=text + "CREATE TABLE broken (id int,,);\n", fmt="postgres"
    )
    assert check.changes == ()
    assert [e.line for e in check.errors] == [lines + 1]
    assert "syntax error" in check.errors[0].message
    assert project_schema(project) == before


def test_applying_text_is_one_undoable_edit(project, user):
    before = project_schema(project)
    text = design_text(before, "postgres").replace("full_name", "display_name")
    design_apply_text(actor=user, project=project, text=text, fmt="postgres")
    assert project_schema(project).table("customers").column("display_name") is not None
    assert history.history_undo(actor=user, project=project) == "edited design PostgreSQL code"
    assert project_schema(project) == before


def test_text_loaded_before_another_change_is_refused(project, user):
    loaded = project.revision
    schema_replace(project=project, schema=demo_schema())  # someone else, meanwhile
    with pytest.raises(DesignError) as info:
        design_apply_text(actor=user, project=project, text="", fmt="dbml", revision=loaded)
    assert info.value.message == ERR_CODE_STALE.format(loaded=loaded, current=loaded + 1)
