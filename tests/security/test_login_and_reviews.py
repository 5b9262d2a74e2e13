"""Sign-ins are rate limited per username and per client address; a review's author cannot
approve it."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from designer.security.login import ERR_TOO_MANY
from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.models import Membership, ReviewRequest, ReviewState
from projects.services import ERR_OWN_REVIEW, project_create, review_request_create

pytestmark = pytest.mark.django_db
PASSWORD = "pw-long-enough-1"
LOGIN = "/accounts/login/"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


def _fail(client, username: str, times: int, ip: str = "10.0.0.1") -> list[int]:
    return [
        client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=ip).status_code
        for _ in range(times)
    ]


def test_ten_failures_for_a_username_lock_it_even_with_the_right_password(client, alice, settings):
    assert _fail(client, "alice", 10) == [200] * 10
    response = client.post(
        LOGIN, {"username": "Alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= settings.ERD_LOGIN_WINDOW_SECONDS
    assert ERR_TOO_MANY.format(minutes=15, s="s") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_with_the_window(client, alice, settings):
    settings.ERD_LOGIN_FAILURES_PER_USER = 2
    settings.ERD_LOGIN_WINDOW_SECONDS = 3
    _fail(client, "alice", 2)
    locked = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    time.sleep(int(locked["Retry-After"]) + 0.2)
    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_a_success_clears_the_count_for_its_username(client, alice):
    _fail(client, "alice", 9)
    assert client.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302
    client.logout()
    assert _fail(client, "alice", 9) == [200] * 9


def test_one_address_trying_many_usernames_is_locked(client, alice, settings):
    settings.ERD_LOGIN_FAILURES_PER_IP = 20
    for n in range(20):
        _fail(client, f"user{n}", 1, ip="192.0.2.7")
    assert _fail(client, "alice", 1, ip="192.0.2.7") == [429]
    assert (
        client.post(
            LOGIN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8"
        ).status_code
        == 302
    )  # another address is not affected


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(client, alice, settings):
    settings.ERD_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.ERD_LOGIN_FAILURES_PER_IP = 3
    for spoofed in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        client.post(
            LOGIN,
            {"username": f"x{spoofed}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.5",
        )
    response = client.post(
        LOGIN,
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
    )
    assert response.status_code == 429


# -- reviews -----------------------------------------------------------------------------------


def test_an_editor_cannot_approve_their_own_review(client, django_user_model):
    make = django_user_model.objects.create_user
    ed, rita = make("ed", password=PASSWORD), make("rita", password=PASSWORD)
    project = project_create(owner=make("olga", password=PASSWORD), name="Shop")
    Membership.objects.create(project=project, user=ed, role="editor")
    Membership.objects.create(project=project, user=rita, role="reviewer")
    table_create(project=project, name="customers")
    version = snapshot_create(project=project, name="v1")
    review = review_request_create(
        project=project, author=ed, title="Mine", version=version, reviewers=[ed, rita]
    )
    url = reverse("review_decide", args=[project.slug, review.pk])
    client.force_login(ed)
    response = client.post(url, {"decision": "approved"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert ERR_OWN_REVIEW in response.content.decode()
    review.refresh_from_db()
    assert review.state == ReviewState.OPEN
    # asking for changes to one's own work is fine
    response = client.post(url, {"decision": "changes_requested"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    client.force_login(rita)
    client.post(url, {"decision": "approved"}, HTTP_HX_REQUEST="true")
    assert ReviewRequest.objects.get().state == ReviewState.CHANGES_REQUESTED
