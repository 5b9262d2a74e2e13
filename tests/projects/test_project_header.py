"""Every page of a project carries the one project header, which links every other page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.models import Membership, Role
from projects.services import project_create, review_request_create

pytestmark = pytest.mark.django_db
PASSWORD = "pw-long-enough-1"

# Every full page of a project, by URL name.
PROJECT_PAGES = [
    "editor",
    "explore",
    "advisor",
    "pattern_page",
    "export",
    "index_table",
    "document",
    "import_project",
    "enum_list",
    "versions",
    "version_compare",
    "version_compare_live",
    "reviews",
    "review_detail",
    "activity",
    "members",
    "comments",
    "share_links",
    "project_settings",
    "webhooks",
]
OWNER_ONLY = {"share_links", "project_settings", "webhooks"}


@pytest.fixture
def world(django_user_model):
    owner = django_user_model.objects.create_user("olga", password=PASSWORD)
    editor = django_user_model.objects.create_user("eddie", password=PASSWORD)
    project = project_create(owner=owner, name="Shop")
    Membership.objects.create(project=project, user=editor, role=Role.EDITOR)
    table_create(project=project, name="customers")
    version = snapshot_create(project=project, name="v1", author=owner)
    review = review_request_create(
        project=project, author=owner, title="First", version=version, reviewers=[editor]
    )
    return owner, editor, project, review


def _url(name: str, project, review) -> str:
    args = [project.slug, review.pk] if name == "review_detail" else [project.slug]
    return reverse(name, args=args)


@pytest.mark.parametrize("name", PROJECT_PAGES)
def test_every_project_page_has_the_project_header(client, world, name):
    owner, _, project, review = world
    client.force_login(owner)
    html = client.get(_url(name, project, review)).content.decode()
    assert 'aria-label="Project pages"' in html
    assert 'class="menu more-menu"' in html
    # Each page reaches every other one from the header.
    for other in PROJECT_PAGES:
        if other not in ("review_detail", "version_compare_live"):
            assert f'href="{_url(other, project, review)}"' in html, other
    assert html.count('aria-current="page"') >= 1


def test_owner_only_pages_are_not_offered_to_an_editor(client, world):
    _, editor, project, review = world
    client.force_login(editor)
    html = client.get(reverse("editor", args=[project.slug])).content.decode()
    for name in OWNER_ONLY:
        assert f'href="{_url(name, project, review)}"' not in html
