"""User text (a table named <script>…) shows as text on every team-review page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.models import Membership, Role
from projects.services import (
    comment_add,
    project_create,
    review_request_create,
    share_link_create,
)

pytestmark = pytest.mark.django_db
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_hostile_table_name_is_text_everywhere(client, django_user_model):
    olga = django_user_model.objects.create_user("olga", password="pw-long-enough-1")
    rita = django_user_model.objects.create_user("rita", password="pw-long-enough-1")
    project = project_create(owner=olga, name="Shop")
    Membership.objects.create(project=project, user=rita, role=Role.REVIEWER)
    snapshot_create(project=project, name="v1")
    table, _ = table_create(actor=olga, project=project, name=EVIL)
    version = snapshot_create(project=project, name="v2", message=EVIL, author=olga)
    review = review_request_create(
        project=project,
        author=olga,
        title=EVIL,
        version=version,
        reviewers=[rita],
        description=EVIL,
    )
    comment_add(
        project=project,
        author=rita,
        body=EVIL,
        anchor_kind="table",
        anchor=table.uid,
        anchor_label=table.qualified_name,
    )
    comment_add(project=project, author=rita, body=EVIL, anchor_kind="version", anchor="v2")
    link = share_link_create(project=project, actor=olga, label=EVIL)
    client.force_login(olga)
    s = project.slug
    pages = {
        "list": client.get("/"),
        "members": client.get(reverse("members", args=[s])),
        "versions": client.get(reverse("versions", args=[s])),
        "compare": client.get(reverse("version_compare", args=[s]), {"base": "v1"}),
        "table comments": client.get(
            reverse("comments", args=[s]), {"anchor_kind": "table", "anchor": table.uid}
        ),
        "reviews": client.get(reverse("reviews", args=[s])),
        "review": client.get(reverse("review_detail", args=[s, review.pk])),
        "activity": client.get(reverse("activity", args=[s])),
        "share links": client.get(reverse("share_links", args=[s])),
    }
    client.logout()
    pages["shared"] = client.get(reverse("shared", args=[link.token]))
    pages["shared svg"] = client.get(reverse("shared_diagram", args=[link.token]))
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert EVIL not in html, name
    for name in ("compare", "table comments", "review", "activity", "shared", "shared svg"):
        assert ESCAPED in pages[name].content.decode(), name
