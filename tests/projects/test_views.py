"""The project list and creating a project from it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from designer.services.tables import table_create
from projects.models import Membership, Project, Role
from projects.services import ERR_PROJECT_NAME, ERR_SLUG_TAKEN, project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, django_user_model):
    user = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    client.force_login(user)
    return user


def test_list_shows_my_projects_with_role_and_table_count(client, owner, django_user_model):
    mine = project_create(owner=owner, name="Billing")
    table_create(project=mine, name="invoices")
    other = django_user_model.objects.create_user("bob", password="pw-long-enough-1")
    shared = project_create(owner=other, name="Shared")
    Membership.objects.create(project=shared, user=owner, role=Role.VIEWER)
    project_create(owner=other, name="Secret")
    html = client.get("/").content.decode()
    assert "Billing" in html and "Shared" in html and "Secret" not in html
    assert re.search(r"Billing(?:(?!</tr>).)*badge-owner\">Owner<", html, re.S)
    assert re.search(r"Shared(?:(?!</tr>).)*badge-viewer\">Viewer<", html, re.S)
    assert '<td class="num">1</td>' in html


def test_create_project_redirects_to_its_editor(client, owner):
    response = client.post(reverse("project_create"), {"name": "Billing service"})
    project = Project.objects.get(name="Billing service")
    assert response.status_code == 302
    assert response["Location"] == reverse("editor", args=[project.slug])
    assert Membership.objects.get(project=project).role == Role.OWNER
    htmx = client.post(reverse("project_create"), {"name": "Other"}, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("editor", args=["other"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  "}, ERR_PROJECT_NAME),
        ({"name": "X", "slug": "taken"}, ERR_SLUG_TAKEN.format(slug="taken")),
    ],
)
def test_create_project_errors_are_shown_beside_the_field(client, owner, data, message):
    project_create(owner=owner, name="Taken", slug="taken")
    response = client.post(reverse("project_create"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Project.objects.count() == 1
