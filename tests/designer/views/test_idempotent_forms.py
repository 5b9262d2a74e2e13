"""The browser's writes: a POST sent again with its Idempotency-Key (static/js/once.js) after
a lost answer is not applied twice; the first answer comes back, htmx instructions and all."""

from __future__ import annotations

import pytest

from designer.idempotency import ERR_KEY_REUSED
from designer.models import DesignConstraint, IdempotentRequest
from designer.services.columns import column_add
from designer.services.tables import table_create
from projects.models import Comment, Project
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def posts(client, django_user_model):
    user = django_user_model.objects.create_user("ed")
    client.force_login(user)
    project = project_create(owner=user, name="Shop")
    table, _ = table_create(project=project, name="posts")
    column_add(table=table, name="title", data_type="text")
    return table


def test_an_unnamed_check_sent_twice_with_its_key_is_added_once(client, posts):
    url = f"/p/shop/tables/{posts.uid}/checks/"
    data = {"expression": "length(title) > 0"}
    first = client.post(url, data, HTTP_IDEMPOTENCY_KEY="form-1", **HX)
    again = client.post(url, data, HTTP_IDEMPOTENCY_KEY="form-1", **HX)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert again["HX-Trigger"] == first["HX-Trigger"]  # the diagram still refreshes
    assert DesignConstraint.objects.filter(table=posts, kind="check").count() == 1
    # a new key (the next add from a fresh form) adds again, as the user asked
    client.post(url, data, HTTP_IDEMPOTENCY_KEY="form-2", **HX)
    assert DesignConstraint.objects.filter(table=posts, kind="check").count() == 2


def test_a_comment_sent_again_after_a_lost_answer_is_posted_once(client, posts):
    data = {"body": "Why text?", "anchor_kind": "project"}
    for _ in range(2):
        assert (
            client.post("/p/shop/comments/", data, HTTP_IDEMPOTENCY_KEY="c-1", **HX).status_code
            == 200
        )
    assert Comment.objects.filter(body="Why text?").count() == 1


def test_a_refused_add_keeps_nothing_and_the_corrected_form_goes_through(client, posts):
    url = f"/p/shop/tables/{posts.uid}/checks/"
    bad = client.post(url, {"expression": "length(("}, HTTP_IDEMPOTENCY_KEY="f", **HX)
    assert bad.status_code == 422 and not IdempotentRequest.objects.exists()
    good = client.post(url, {"expression": "true"}, HTTP_IDEMPOTENCY_KEY="f", **HX)
    assert good.status_code == 200
    assert DesignConstraint.objects.filter(table=posts, kind="check").count() == 1
    reused = client.post(url, {"expression": "false"}, HTTP_IDEMPOTENCY_KEY="f", **HX)
    assert reused.status_code == 422 and reused.content.decode() == ERR_KEY_REUSED
    assert DesignConstraint.objects.filter(table=posts, kind="check").count() == 1


def test_a_key_never_replays_to_someone_else(client, posts, django_user_model):
    url = f"/p/shop/tables/{posts.uid}/checks/"
    client.post(url, {"expression": "true"}, HTTP_IDEMPOTENCY_KEY="k", **HX)
    client.force_login(django_user_model.objects.create_user("stranger"))
    answer = client.post(url, {"expression": "true"}, HTTP_IDEMPOTENCY_KEY="k", **HX)
    assert answer.status_code == 404 and not answer.has_header("Idempotent-Replayed")


def test_a_write_answered_with_a_redirect_is_kept_and_its_retry_follows_it(client, posts):
    first = client.post("/projects/new/", {"name": "Library"}, HTTP_IDEMPOTENCY_KEY="new")
    again = client.post("/projects/new/", {"name": "Library"}, HTTP_IDEMPOTENCY_KEY="new")
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] and again["Idempotent-Replayed"] == "true"
    assert Project.objects.filter(name="Library").count() == 1
