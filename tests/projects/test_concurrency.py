"""Two editors edit the same table at once: no update is lost.

Both open the table panel (and so carry the same table version in their forms), then both
save. The first save wins; the second is refused with ERR_STALE and answered with the
current values, never silently overwriting; saved again from the fresh form, it wins too.
Every interleaving is replayed 100 times, alternating who is first and which form (the
table's own or a column's) they use.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from designer.models import DesignColumn, DesignTable
from designer.services.columns import column_add
from designer.services.errors import ERR_STALE
from designer.services.tables import table_create
from projects.models import Membership, Role
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
ROUNDS = 100
_VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)">')


@pytest.fixture
def setup(django_user_model):
    ann = django_user_model.objects.create_user("ann")
    ben = django_user_model.objects.create_user("ben")
    project = project_create(owner=django_user_model.objects.create_user("olga"), name="Shop")
    for user in (ann, ben):
        Membership.objects.create(project=project, user=user, role=Role.EDITOR)
    table, _ = table_create(project=project, name="orders")
    column_add(table=table, name="label", data_type="text")
    clients = []
    for user in (ann, ben):
        c = Client()
        c.force_login(user)
        clients.append(c)
    return project, table, clients


def form_version(html: str) -> int:
    return int(_VERSION.search(html).group(1))


def save(client, project, table, kind: str, version: int, text: str):
    if kind == "table":
        url = reverse("table_update", args=[project.slug, table.uid])
        data = {"name": "orders", "schema_name": "public", "comment": text}
    else:
        column = DesignColumn.objects.get(table=table, name="label")
        url = reverse("column_update", args=[project.slug, table.uid, column.uid])
        data = {"name": "label", "data_type": "text", "comment": text}
    return client.post(url, {**data, "version": version}, **HX)


def stored(table, kind: str) -> str:
    if kind == "table":
        return DesignTable.objects.get(pk=table.pk).comment
    return DesignColumn.objects.get(table=table, name="label").comment


def test_conflicting_saves_never_lose_an_update(setup):
    project, table, clients = setup
    panel = reverse("table_panel", args=[project.slug, table.uid])
    accepted: list[tuple[str, str]] = []
    refused = 0
    for r in range(ROUNDS):
        kind = "table" if r % 4 < 2 else "column"
        first, second = (clients[0], clients[1]) if r % 2 == 0 else (clients[1], clients[0])
        # Both open the panel before either saves: the forms carry the same version.
        v_first = form_version(first.get(panel, **HX).content.decode())
        v_second = form_version(second.get(panel, **HX).content.decode())
        assert v_first == v_second

        won = save(first, project, table, kind, v_first, f"first {r}")
        assert won.status_code == 200
        assert form_version(won.content.decode()) == v_first + 1
        accepted.append((kind, f"first {r}"))

        lost = save(second, project, table, kind, v_second, f"second {r}")
        html = lost.content.decode()
        assert lost.status_code == 422
        assert ERR_STALE.format(what="table", current=v_first + 1) in html
        assert f'"first {r}"' in html or f">first {r}<" in html  # the current value is shown
        assert f"second {r}" not in html
        assert stored(table, kind) == f"first {r}"  # nothing was overwritten
        refused += 1

        # Saved again from the refreshed form, the second edit lands on top of the first.
        retry = save(second, project, table, kind, form_version(html), f"second {r}")
        assert retry.status_code == 200
        assert stored(table, kind) == f"second {r}"
        accepted.append((kind, f"second {r}"))

    assert refused == ROUNDS and len(accepted) == 2 * ROUNDS
    table.refresh_from_db()
    assert table.version == 1 + 1 + 2 * ROUNDS  # created, column added, every accepted save
