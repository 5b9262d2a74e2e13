import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from projects.access import project_access
from projects.models import Activity, Membership, Role, Version
from projects.services import (
    ERR_LAST_OWNER,
    ERR_NO_SUCH_USER,
    ERR_REVIEWER_ROLE,
    ProjectError,
    comment_add,
    comment_set_resolved,
    member_invite,
    member_remove,
    member_set_role,
    ownership_transfer,
    project_create,
    review_decide,
    review_request_create,
    share_link_create,
    share_link_project,
    share_link_revoke,
    unresolved_threads_by_anchor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    make = get_user_model().objects.create_user
    return {
        n: make(n, email=f"{n}@example.com", password="pw-long-enough-1")
        for n in ("olga", "ed", "rita", "vera")
    }


@pytest.fixture
def project(people):
    return project_create(owner=people["olga"], name="Team")


def test_owner_invites_by_username_or_email_and_roles_show(project, people):
    member_invite(project=project, who="ed", role="editor", actor=people["olga"])
    member_invite(project=project, who="RITA@example.com", role="reviewer", actor=people["olga"])
    assert project_access(people["ed"], project.slug).role == Role.EDITOR
    assert project_access(people["rita"], project.slug).role == Role.REVIEWER
    assert Activity.objects.filter(project=project, verb="invited").count() == 2


def test_inviting_an_unknown_user_names_them(project):
    with pytest.raises(ProjectError) as info:
        member_invite(project=project, who="nobody", role="viewer")
    assert info.value.message == ERR_NO_SUCH_USER.format(who="nobody")


def test_owner_cannot_be_removed_but_ownership_can_be_transferred(project, people):
    member_invite(project=project, who="ed", role="editor")
    with pytest.raises(ProjectError) as info:
        member_remove(project=project, user=people["olga"])
    assert info.value.message == ERR_LAST_OWNER
    ownership_transfer(project=project, to_user=people["ed"])
    roles = dict(Membership.objects.filter(project=project).values_list("user__username", "role"))
    assert roles == {"olga": "editor", "ed": "owner"}
    member_set_role(project=project, user=people["olga"], role="viewer")
    member_remove(project=project, user=people["olga"])
    assert not Membership.objects.filter(project=project, user=people["olga"]).exists()


def test_comment_threads_resolve_and_a_reply_reopens(project, people):
    thread = comment_add(
        project=project, author=people["olga"], body="Why text?", anchor_kind="column", anchor="c1"
    )
    assert unresolved_threads_by_anchor(project) == {"column:c1": 1}
    comment_set_resolved(comment=thread, resolved=True)
    assert unresolved_threads_by_anchor(project) == {}
    reply = comment_add(project=project, author=people["olga"], body="Still?", thread=thread)
    assert reply.thread == thread and reply.anchor == "c1"
    assert unresolved_threads_by_anchor(project) == {"column:c1": 1}


def test_share_links_expire_and_can_be_revoked(project, people):
    link = share_link_create(project=project, actor=people["olga"])
    assert len(link.token) >= 40
    assert share_link_project(link.token) == project
    share_link_revoke(link=link)
    assert share_link_project(link.token) is None
    old = share_link_create(
        project=project,
        actor=people["olga"],
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert share_link_project(old.token) is None
    assert share_link_project("guess") is None


def test_review_from_request_to_approval(project, people):
    member_invite(project=project, who="rita", role="reviewer")
    member_invite(project=project, who="vera", role="viewer")
    version = Version.objects.create(project=project, name="v1", schema_json="{}")
    with pytest.raises(ProjectError) as info:
        review_request_create(
            project=project,
            author=people["olga"],
            title="v1",
            version=version,
            reviewers=[people["vera"]],
        )
    assert info.value.message == ERR_REVIEWER_ROLE.format(user="vera")
    review = review_request_create(
        project=project,
        author=people["olga"],
        title="Ship v1",
        version=version,
        reviewers=[people["rita"]],
    )
    assert review.state == "open"
    assert (
        review_decide(review=review, reviewer=people["rita"], decision="changes_requested")
        == "changes_requested"
    )
    assert review_decide(review=review, reviewer=people["rita"], decision="approved") == "approved"
