"""The canvas's endpoints: placing, auto-arrange, viewport, drawn relationships, roles."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from designer.models import CanvasViewport, DesignConstraint, DesignTable
from designer.selectors.layout import placements
from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.layout import ERR_NOT_IN_DESIGN
from designer.services.tables import table_create
from designer.views.canvas import ERR_BAD_JSON
from projects.models import Membership, Role
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def project(client, django_user_model):
    owner = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    client.force_login(owner)
    project = project_create(owner=owner, name="Shop")
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint")
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    return project


def _uid(project, name):
    return project.design_tables.get(name=name).uid


def test_dropped_tables_are_placed_and_the_diagram_is_drawn_there(client, project):
    users = _uid(project, "users")
    url = reverse("canvas_place", args=[project.slug])
    response = client.post(url, {"positions": json.dumps({users: [321.5, -40]})})
    assert response.status_code == 204
    assert placements(project) == {users: (321.5, -40.0)}
    html = client.get(reverse("diagram", args=[project.slug, "svg"]), **HX).content.decode()
    assert 'id="erd&#45;pinned"' in html and f'id="tbl&#45;{users}"' in html


@pytest.mark.parametrize("body", ["not json", "[1, 2]", json.dumps({"nope": [1, 2]})])
def test_unreadable_positions_are_refused_with_a_message(client, project, body):
    response = client.post(reverse("canvas_place", args=[project.slug]), {"positions": body})
    assert response.status_code == 422
    assert response.content.decode() in (ERR_BAD_JSON, ERR_NOT_IN_DESIGN.format(uid="nope"))
    assert placements(project) == {}


def test_viewers_cannot_place_or_arrange_but_keep_their_own_viewport(
    client, project, django_user_model
):
    viewer = django_user_model.objects.create_user("vic", password="pw-long-enough-1")
    Membership.objects.create(project=project, user=viewer, role=Role.VIEWER)
    client.force_login(viewer)
    users = _uid(project, "users")
    place = client.post(
        reverse("canvas_place", args=[project.slug]), {"positions": json.dumps({users: [0, 0]})}
    )
    arrange = client.post(reverse("canvas_arrange", args=[project.slug]))
    assert (place.status_code, arrange.status_code) == (403, 403)
    response = client.post(
        reverse("canvas_viewport", args=[project.slug]), {"x": "-20", "y": "15", "k": "0.75"}
    )
    assert response.status_code == 204
    assert CanvasViewport.objects.get(user=viewer).k == 0.75
    page = client.get(reverse("editor", args=[project.slug])).content.decode()
    assert 'data-viewport="-20.0,15.0,0.7500"' in page and 'data-can-edit=""' in page


def test_strangers_get_404(client, project, django_user_model):
    client.force_login(django_user_model.objects.create_user("eve", password="pw-long-enough-1"))
    for name in ("canvas_place", "canvas_arrange", "canvas_viewport"):
        assert client.post(reverse(name, args=[project.slug])).status_code == 404


def test_auto_arrange_places_every_table(client, project):
    response = client.post(reverse("canvas_arrange", args=[project.slug]), {"direction": "TB"})
    assert response.status_code == 204
    assert len(placements(project)) == 2


def test_a_drawn_relationship_answers_the_panel_with_its_settings_open(client, project):
    posts, users = _uid(project, "posts"), _uid(project, "users")
    url = reverse("foreign_key_drawn", args=[project.slug, posts])
    response = client.post(url, {"ref_table": users}, **HX)
    assert response.status_code == 200
    assert "schema-changed" in response["HX-Trigger"]
    assert "users_id" in response["HX-Trigger"]  # the toast names the added column
    html = response.content.decode()
    fk = DesignConstraint.objects.get(table__uid=posts, columns=["users_id"])
    assert reverse("foreign_key_settings", args=[project.slug, posts, fk.uid]) in html
    settings_url = reverse("foreign_key_settings", args=[project.slug, posts, fk.uid])
    version = DesignTable.objects.get(uid=posts).version
    saved = client.post(
        settings_url, {"on_delete": "CASCADE", "on_update": "NO ACTION", "version": version}, **HX
    )
    assert saved.status_code == 200
    fk.refresh_from_db()
    assert fk.on_delete == "CASCADE"


def test_a_refused_drawn_relationship_says_why_in_the_panel(client, project):
    posts = _uid(project, "posts")
    url = reverse("foreign_key_drawn", args=[project.slug, posts])
    response = client.post(url, {"ref_table": "missing"}, **HX)
    assert response.status_code == 422
    assert "There is no table" in response.content.decode()


def test_clicking_an_edge_opens_its_foreign_key(client, project):
    posts = _uid(project, "posts")
    fk = DesignConstraint.objects.get(table__uid=posts, columns=["author_id"])
    html = client.get(reverse("diagram", args=[project.slug, "svg"]), **HX).content.decode()
    assert f'id="fk&#45;{fk.uid}"' in html
    panel = client.get(reverse("table_panel", args=[project.slug, posts]) + f"?fk={fk.uid}", **HX)
    assert "fk-settings" in panel.content.decode()


def test_partitions_are_folded_unless_asked_for(client, project):
    from designer.schema import model as m
    from designer.services.schema import schema_replace

    key = (m.Column("id", "bigint", nullable=False), m.Column("day", "date", nullable=False))
    parent = m.Table(
        "payment",
        columns=key,
        primary_key=m.PrimaryKey(("id", "day")),
        partitioning=m.Partitioning(strategy="RANGE", key="day"),
    )
    parts = tuple(
        m.Table(
            f"payment_p{i}",
            columns=key,
            partition_of=m.PartitionOf(
                "public", "payment", f"FOR VALUES FROM ('2020-0{i}-01') TO ('2020-0{i + 1}-01')"
            ),
        )
        for i in range(1, 4)
    )
    schema_replace(project=project, schema=m.Schema(tables=(parent, *parts)))
    url = reverse("diagram", args=[project.slug, "dot"])
    folded = client.get(url).content.decode()
    assert "3 partitions, range on day" in folded and "payment_p1" not in folded
    shown = client.get(url + "?partitions=show").content.decode()
    assert "payment_p1" in shown and "partitions, range" not in shown
