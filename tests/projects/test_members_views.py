"""The members page: the owner invites, changes roles, removes and hands over the project."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.models import Membership, ReviewRequest, Role
from projects.services import (
    ERR_ALREADY_MEMBER,
    ERR_NO_SUCH_USER,
    ERR_OWNER_ROLE,
    project_create,
)

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def team(django_user_model):
    make = django_user_model.objects.create_user
    users = {n: make(n, email=f"{n}@example.com", password=PASSWORD) for n in ("olga", "ed", "sam")}
    project = project_create(owner=users["olga"], name="Shop")
    Membership.objects.create(project=project, user=users["ed"], role=Role.EDITOR)
    return SimpleNamespace(project=project, **users)


def roles(project) -> dict[str, str]:
    rows = Membership.objects.filter(project=project).values_list("user__username", "role")
    return dict(rows)


def test_members_page_lists_members_with_roles(client, team):
    client.force_login(team.ed)
    html = client.get(reverse("members", args=[team.project.slug])).content.decode()
    assert 'data-member="olga"' in html and 'data-member="ed"' in html
    assert re.search(r'data-member="olga">(?:(?!</tr>).)*badge-owner">Owner<', html, re.S)
    assert re.search(r'data-member="ed">(?:(?!</tr>).)*badge-editor">Editor<', html, re.S)
    assert 'id="invite"' not in html  # only the owner manages members


def test_owner_invites_by_email_and_the_list_updates(client, team):
    client.force_login(team.olga)
    url = reverse("members", args=[team.project.slug])
    response = client.post(url, {"who": "SAM@example.com", "role": "reviewer"}, **HX)
    assert response.status_code == 200
    assert 'data-member="sam"' in response.content.decode()
    assert roles(team.project)["sam"] == Role.REVIEWER


@pytest.mark.parametrize(
    ("who", "role", "message"),
    [
        ("nobody", "viewer", ERR_NO_SUCH_USER.format(who="nobody")),
        ("ed", "viewer", ERR_ALREADY_MEMBER.format(user="ed")),
        ("sam", "owner", ERR_OWNER_ROLE),
    ],
)
def test_invite_errors_show_beside_the_form(client, team, who, role, message):
    client.force_login(team.olga)
    url = reverse("members", args=[team.project.slug])
    response = client.post(url, {"who": who, "role": role}, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'<span class="field-error" role="alert">{message}</span>' in html
    assert f'value="{who}"' in html  # what was typed stays
    assert set(roles(team.project)) == {"olga", "ed"}


def test_owner_changes_a_role_and_removes_a_member(client, team):
    client.force_login(team.olga)
    s, ed = team.project.slug, team.ed.pk
    assert (
        client.post(reverse("member_role", args=[s, ed]), {"role": "viewer"}, **HX).status_code
        == 200
    )
    assert roles(team.project)["ed"] == Role.VIEWER
    response = client.post(reverse("member_remove", args=[s, ed]), **HX)
    assert response.status_code == 200 and 'data-member="ed"' not in response.content.decode()
    assert "ed" not in roles(team.project)


def test_ownership_transfer_makes_the_old_owner_an_editor(client, team):
    client.force_login(team.olga)
    s = team.project.slug
    response = client.post(reverse("ownership_transfer", args=[s, team.ed.pk]), **HX)
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("members", args=[s])
    assert roles(team.project) == {"olga": Role.EDITOR, "ed": Role.OWNER}
    # The old owner can no longer manage members.
    assert client.post(reverse("member_remove", args=[s, team.ed.pk]), **HX).status_code == 403


def test_editors_cannot_manage_members(client, team):
    client.force_login(team.ed)
    url = reverse("members", args=[team.project.slug])
    assert client.post(url, {"who": "sam", "role": "viewer"}, **HX).status_code == 403
    assert "sam" not in roles(team.project)


def test_project_list_shows_role_and_open_reviews(client, team):
    from designer.services.versions import snapshot_create

    version = snapshot_create(project=team.project, name="v1")
    ReviewRequest.objects.create(project=team.project, title="r1", version=version)
    ReviewRequest.objects.create(
        project=team.project, title="r2", version=version, state="changes_requested"
    )
    ReviewRequest.objects.create(project=team.project, title="r3", version=version, state="closed")
    client.force_login(team.ed)
    html = client.get("/").content.decode()
    assert '<span class="badge badge-editor">Editor</span>' in html
    assert "1 open" in html and "1 changes requested" in html and "closed" not in html
    assert f'href="{reverse("reviews", args=[team.project.slug])}"' in html
