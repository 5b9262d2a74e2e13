"""Projects are renamed and deleted by their owner; "Updated" follows design edits."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.models import Activity, Membership, Project, Role
from projects.services import (
    ERR_DELETE_CONFIRM,
    ERR_PROJECT_NAME,
    comment_add,
    project_create,
    review_request_create,
    share_link_create,
)

pytestmark = pytest.mark.django_db
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olga", password=PASSWORD)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("eddie", password=PASSWORD)


@pytest.fixture
def project(owner, editor):
    """A project with something in every kind of row a project owns."""
    project = project_create(owner=owner, name="Shop")
    Membership.objects.create(project=project, user=editor, role=Role.EDITOR)
    customers, _ = table_create(project=project, name="customers", actor=owner)
    orders, _ = table_create(project=project, name="orders", actor=owner)
    column_add(table=orders, name="customer_id", data_type="bigint", nullable=False)
    foreign_key_create(
        table=orders, columns=["customer_id"], ref_table=customers, ref_columns=["id"]
    )
    version = snapshot_create(project=project, name="v1", author=owner)
    review_request_create(
        project=project, author=owner, title="First cut", version=version, reviewers=[editor]
    )
    comment_add(project=project, author=editor, body="Looks fine")
    share_link_create(project=project, actor=owner)
    return project


def _rows_of(project_pk: int) -> dict[str, int]:
    """Every model with a ``project`` foreign key, and how many of its rows name the project."""
    counts = {}
    for model in apps.get_models():
        field = next((f for f in model._meta.fields if f.name == "project"), None)
        if field is not None and field.related_model is Project:
            counts[model._meta.label] = model.objects.filter(project_id=project_pk).count()
    return counts


def test_owner_renames_the_project_and_the_address_stays(client, owner, project):
    client.force_login(owner)
    url = reverse("project_settings", args=[project.slug])
    response = client.post(url, {"name": "Shop 2", "description": "Orders and payments"})
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.name, project.description, project.slug) == (
        "Shop 2",
        "Orders and payments",
        "shop",
    )
    assert Activity.objects.filter(project=project, verb="renamed", before="Shop").exists()
    assert "Shop 2" in client.get(reverse("project_list")).content.decode()


def test_an_empty_name_is_refused_and_nothing_changes(client, owner, project):
    client.force_login(owner)
    response = client.post(reverse("project_settings", args=[project.slug]), {"name": "  "})
    assert response.status_code == 422
    assert ERR_PROJECT_NAME in response.content.decode()
    project.refresh_from_db()
    assert project.name == "Shop"


def test_only_the_owner_sees_settings_and_may_delete(client, editor, project):
    client.force_login(editor)
    assert client.get(reverse("project_settings", args=[project.slug])).status_code == 403
    response = client.post(reverse("project_delete", args=[project.slug]), {"confirm_name": "Shop"})
    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("typed", ["", "shop", "Shop ", "Sho"])
def test_delete_needs_the_exact_name_and_keeps_everything_otherwise(client, owner, project, typed):
    client.force_login(owner)
    before = _rows_of(project.pk)
    response = client.post(reverse("project_delete", args=[project.slug]), {"confirm_name": typed})
    if typed == "Shop ":  # surrounding white space is forgiven, as in every form here
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert escape(ERR_DELETE_CONFIRM.format(name="Shop")) in response.content.decode()
    assert _rows_of(project.pk) == before


def test_delete_keeps_nothing_of_the_project(client, owner, project):
    pk = project.pk
    before = _rows_of(pk)
    # The fixture filled the kinds of rows a project owns, so "keeps nothing" is tested on them.
    for label in ("designer.DesignTable", "projects.Version", "projects.ReviewRequest"):
        assert before[label] > 0, label
    client.force_login(owner)
    response = client.post(reverse("project_delete", args=[project.slug]), {"confirm_name": "Shop"})
    assert response.status_code == 302
    assert response["Location"] == reverse("project_list")
    assert not Project.objects.filter(pk=pk).exists()
    assert set(_rows_of(pk).values()) == {0}
    page = client.get(reverse("project_list")).content.decode()
    assert "“Shop” and everything in it were deleted" in page


def test_updated_on_the_project_list_follows_design_edits(owner, project):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Project.objects.filter(pk=project.pk).update(updated_at=long_ago)
    table_create(project=project, name="payments", actor=owner)
    project.refresh_from_db()
    assert project.updated_at > long_ago + datetime.timedelta(days=29)
