"""Comment threads on tables, columns, versions and the project: reviewers write, viewers read."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from designer.models import DesignColumn
from designer.services.tables import table_create
from projects.access import ProjectAccess
from projects.models import Comment, Membership, Role
from projects.services import ERR_COMMENT_EMPTY, project_create, unresolved_threads_by_anchor

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def team(django_user_model):
    make = django_user_model.objects.create_user
    users = {n: make(n, password=PASSWORD) for n in ("olga", "rita", "vera")}
    project = project_create(owner=users["olga"], name="Shop")
    Membership.objects.create(project=project, user=users["rita"], role=Role.REVIEWER)
    Membership.objects.create(project=project, user=users["vera"], role=Role.VIEWER)
    table, _ = table_create(project=project, name="orders")
    return SimpleNamespace(project=project, table=table, **users)


def test_the_table_include_loads_its_threads(team):
    access = ProjectAccess(project=team.project, role=Role.VIEWER)
    html = render_to_string(
        "projects/_comments.html",
        {
            "project": team.project,
            "access": access,
            "anchor_kind": "table",
            "anchor": team.table.uid,
        },
    )
    url = reverse("comments", args=[team.project.slug])
    assert f'hx-get="{url}?anchor_kind=table&amp;anchor={team.table.uid}"' in html
    assert 'hx-trigger="load"' in html


def test_reviewer_comments_on_a_table_replies_resolves_and_reopens(client, team):
    client.force_login(team.rita)
    url = reverse("comments", args=[team.project.slug])
    data = {"anchor_kind": "table", "anchor": team.table.uid, "body": "Why no created_at?"}
    response = client.post(url, data, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Why no created_at?" in html and "Comment on public.orders" in html
    thread = Comment.objects.get(project=team.project)
    assert thread.anchor_label == "public.orders"
    assert unresolved_threads_by_anchor(team.project) == {f"table:{team.table.uid}": 1}

    reply = client.post(
        reverse("comment_reply", args=[team.project.slug, thread.pk]), {"body": "Added."}, **HX
    )
    assert "Added." in reply.content.decode()
    resolve = reverse("comment_resolve", args=[team.project.slug, thread.pk])
    resolved = client.post(resolve, {"resolved": "1"}, **HX).content.decode()
    assert "resolved</span>" in resolved and "Reopen</button>" in resolved
    assert unresolved_threads_by_anchor(team.project) == {}
    client.post(resolve, {"resolved": "0"}, **HX)
    assert unresolved_threads_by_anchor(team.project) == {f"table:{team.table.uid}": 1}


def test_an_empty_comment_is_refused_beside_the_form(client, team):
    client.force_login(team.rita)
    url = reverse("comments", args=[team.project.slug])
    response = client.post(url, {"anchor_kind": "project", "body": "  "}, **HX)
    assert response.status_code == 422
    assert f'<span class="field-error" role="alert">{ERR_COMMENT_EMPTY}</span>' in (
        response.content.decode()
    )


def test_column_comments_carry_the_column_label(client, team):
    client.force_login(team.rita)
    column = DesignColumn.objects.get(table=team.table, name="id")
    url = reverse("comments", args=[team.project.slug])
    client.post(url, {"anchor_kind": "column", "anchor": column.uid, "body": "uuid?"}, **HX)
    assert Comment.objects.get().anchor_label == "public.orders.id"


def test_viewers_read_threads_but_cannot_write(client, team):
    client.force_login(team.rita)
    url = reverse("comments", args=[team.project.slug])
    client.post(url, {"anchor_kind": "project", "body": "Kick-off notes"}, **HX)
    client.force_login(team.vera)
    html = client.get(url, {"anchor_kind": "project"}, **HX).content.decode()
    assert "Kick-off notes" in html and "<textarea" not in html
    assert client.post(url, {"anchor_kind": "project", "body": "hi"}, **HX).status_code == 403
    thread = Comment.objects.get()
    resolve = reverse("comment_resolve", args=[team.project.slug, thread.pk])
    assert client.post(resolve, **HX).status_code == 403


def test_anchors_outside_the_project_are_404(client, team):
    client.force_login(team.rita)
    other = project_create(owner=team.rita, name="Other")
    foreign, _ = table_create(project=other, name="secret")
    url = reverse("comments", args=[team.project.slug])
    assert client.get(url, {"anchor_kind": "table", "anchor": foreign.uid}).status_code == 404
    assert client.get(url, {"anchor_kind": "version", "anchor": "nope"}).status_code == 404
    assert client.get(url, {"anchor_kind": "bogus"}).status_code == 404
