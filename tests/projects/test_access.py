import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.access import ERR_ROLE_TOO_LOW, project_access
from projects.models import Membership, Role
from projects.services import ERR_SLUG_TAKEN, ProjectError, project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    make = get_user_model().objects.create_user
    return {
        name: make(name, password="pw-long-enough-1") for name in ("owner", "viewer", "stranger")
    }


def test_creator_owns_the_project(users):
    project = project_create(owner=users["owner"], name="Billing")
    access = project_access(users["owner"], project.slug, Role.OWNER)
    assert access.is_owner and access.can_edit
    assert project.slug == "billing"


def test_non_members_get_404_not_403(users):
    project = project_create(owner=users["owner"], name="Billing")
    with pytest.raises(Http404):
        project_access(users["stranger"], project.slug)
    with pytest.raises(Http404):
        project_access(users["stranger"], "no-such-project")


def test_a_role_too_low_gets_403_with_the_reason(users):
    project = project_create(owner=users["owner"], name="Billing")
    Membership.objects.create(project=project, user=users["viewer"], role=Role.VIEWER)
    assert project_access(users["viewer"], project.slug).role == Role.VIEWER
    with pytest.raises(PermissionDenied) as info:
        project_access(users["viewer"], project.slug, Role.EDITOR)
    assert str(info.value) == ERR_ROLE_TOO_LOW.format(role="viewer")


def test_slugs_are_unique_and_derived_from_names(users):
    a = project_create(owner=users["owner"], name="Shop DB")
    b = project_create(owner=users["owner"], name="Shop DB")
    assert (a.slug, b.slug) == ("shop-db", "shop-db-2")
    with pytest.raises(ProjectError) as info:
        project_create(owner=users["owner"], name="x", slug="shop-db")
    assert info.value.message == ERR_SLUG_TAKEN.format(slug="shop-db")
