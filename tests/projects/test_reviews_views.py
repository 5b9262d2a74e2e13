"""A review from request to approval: diff, plan, advisor findings, comments, decisions."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from designer.services.columns import column_add
from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.models import Membership, ReviewRequest, Role, Version
from projects.services import ERR_NOT_A_REVIEWER, ERR_REVIEWER_ROLE, project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def team(django_user_model):
    make = django_user_model.objects.create_user
    users = {n: make(n, password=PASSWORD) for n in ("olga", "ed", "rita", "rob", "vera")}
    project = project_create(owner=users["olga"], name="Shop")
    for name, role in (("ed", "editor"), ("rita", "reviewer"), ("rob", "reviewer")):
        Membership.objects.create(project=project, user=users[name], role=role)
    Membership.objects.create(project=project, user=users["vera"], role=Role.VIEWER)
    table_create(project=project, name="customers")
    snapshot_create(project=project, name="v1")
    return SimpleNamespace(project=project, **users)


def test_a_review_from_request_to_approval(client, team):
    s = team.project.slug
    # The editor changes the working design and asks for a review of it against v1.
    orders, _ = table_create(project=team.project, name="orders")
    column_add(table=orders, name="customer_id", data_type="bigint")  # FK without index
    client.force_login(team.ed)
    response = client.post(
        reverse("reviews", args=[s]),
        {
            "title": "Add orders",
            "version": "working",
            "base_version": "v1",
            "reviewers": ["rita", "rob"],
            "description": "Orders table for checkout.",
        },
        **HX,
    )
    assert response.status_code == 204
    review = ReviewRequest.objects.get()
    assert response["HX-Redirect"] == reverse("review_detail", args=[s, review.pk])
    assert review.version.name == "Add orders (review)"  # the working design was snapshotted
    assert review.base_version.name == "v1"

    page = client.get(reverse("review_detail", args=[s, review.pk])).content.decode()
    assert "Create table public.orders" in page and "<svg" in page and "#16a34a" in page
    assert "# Migration plan" in page and "up.sql</a>" in page
    assert re.search(r'Advisor findings <span class="count">[1-9]', page)
    assert 'class="badge sev-' in page
    assert 'id="comments-version-' in page
    assert "Approve</button>" not in page  # the author is not a reviewer

    # A reviewer comments on the version, then requests changes; the state follows.
    client.force_login(team.rita)
    comments = reverse("comments", args=[s])
    client.post(
        comments,
        {"anchor_kind": "version", "anchor": review.version.name, "body": "Index customer_id"},
        **HX,
    )
    thread = client.get(
        comments, {"anchor_kind": "version", "anchor": review.version.name}, **HX
    ).content.decode()
    assert "Index customer_id" in thread
    decide = reverse("review_decide", args=[s, review.pk])
    changes = client.post(decide, {"decision": "changes_requested", "note": "See comment"}, **HX)
    assert changes.status_code == 200 and "Changes requested" in changes.content.decode()
    listing = client.get(reverse("reviews", args=[s])).content.decode()
    assert "state-changes_requested" in listing

    client.post(decide, {"decision": "approved", "note": "Fine now"}, **HX)
    client.force_login(team.rob)
    final = client.post(decide, {"decision": "approved"}, **HX).content.decode()
    assert '<span class="badge state-approved">Approved</span></h2>' in final
    review.refresh_from_db()
    assert review.state == "approved"
    assert "0 open" not in client.get("/").content.decode()
    assert "1 approved" in client.get("/").content.decode()


def test_only_named_reviewers_decide(client, team):
    version = Version.objects.get(name="v1")
    review = ReviewRequest.objects.create(project=team.project, title="t", version=version)
    client.force_login(team.rita)
    response = client.post(
        reverse("review_decide", args=[team.project.slug, review.pk]),
        {"decision": "approved"},
        **HX,
    )
    assert response.status_code == 422 and ERR_NOT_A_REVIEWER in response.content.decode()
    client.force_login(team.vera)
    assert (
        client.post(
            reverse("review_decide", args=[team.project.slug, review.pk]),
            {"decision": "approved"},
            **HX,
        ).status_code
        == 403
    )


def test_a_refused_request_leaves_no_snapshot_behind(client, team):
    client.force_login(team.ed)
    response = client.post(
        reverse("reviews", args=[team.project.slug]),
        {"title": "Bad", "version": "working", "reviewers": ["vera"]},
        **HX,
    )
    assert response.status_code == 422
    assert ERR_REVIEWER_ROLE.format(user="vera") in response.content.decode()
    assert list(Version.objects.values_list("name", flat=True)) == ["v1"]
    assert not ReviewRequest.objects.exists()
