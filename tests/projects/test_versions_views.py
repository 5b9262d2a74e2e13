"""Versions: snapshot, list, restore, and compare with a visual diff and a migration plan."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.models import DesignColumn, DesignTable
from designer.services.columns import column_add, column_delete, column_update
from designer.services.tables import table_create, table_delete
from designer.services.versions import (
    ERR_VERSION_NAME_TAKEN,
    compare_versions,
    snapshot_create,
)
from projects.models import Membership, Role, Version
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def team(django_user_model):
    make = django_user_model.objects.create_user
    users = {n: make(n, password=PASSWORD) for n in ("olga", "ed", "vera")}
    project = project_create(owner=users["olga"], name="Shop")
    Membership.objects.create(project=project, user=users["ed"], role=Role.EDITOR)
    Membership.objects.create(project=project, user=users["vera"], role=Role.VIEWER)
    return SimpleNamespace(project=project, **users)


@pytest.fixture
def history(team):
    """v1: customers, orders(note); working: orders.note gone, orders.total added,
    customers dropped, invoices added, customers.name renamed before the drop."""
    p = team.project
    customers, _ = table_create(project=p, name="customers")
    orders, _ = table_create(project=p, name="orders")
    column_add(table=orders, name="note", data_type="text")
    column_add(table=orders, name="status", data_type="text")
    v1 = snapshot_create(project=p, name="v1", message="first cut", author=team.ed)
    column_delete(column=DesignColumn.objects.get(table=orders, name="note"))
    column_add(table=orders, name="total", data_type="numeric(12,2)")
    status = DesignColumn.objects.get(table=orders, name="status")
    column_update(column=status, name="status", data_type="varchar(20)", nullable=True)
    table_delete(table=customers)
    table_create(project=p, name="invoices")
    return v1


def test_editor_takes_a_snapshot_and_it_is_listed(client, team):
    client.force_login(team.ed)
    url = reverse("versions", args=[team.project.slug])
    response = client.post(url, {"name": "v1", "message": "first cut"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-version="v1"' in html and "first cut" in html and ">ed<" in html
    duplicate = client.post(url, {"name": "v1"}, **HX)
    assert duplicate.status_code == 422
    assert ERR_VERSION_NAME_TAKEN.format(name="v1") in duplicate.content.decode()


def test_viewers_see_versions_but_no_snapshot_or_restore(client, team, history):
    client.force_login(team.vera)
    html = client.get(reverse("versions", args=[team.project.slug])).content.decode()
    assert 'data-version="v1"' in html
    assert 'id="snapshot"' not in html and "Restore</button>" not in html
    restore = reverse("version_restore", args=[team.project.slug, history.pk])
    assert client.post(restore, **HX).status_code == 403


def test_restore_brings_a_version_back_with_its_ids(client, team, history):
    client.force_login(team.ed)
    before_uid = {t.name: t.uid for t in DesignTable.objects.filter(project=team.project)}
    response = client.post(reverse("version_restore", args=[team.project.slug, history.pk]), **HX)
    assert response.status_code == 200
    assert "The working design is now version “v1”." in response.content.decode()
    names = sorted(DesignTable.objects.filter(project=team.project).values_list("name", flat=True))
    assert names == ["customers", "orders"]
    orders = DesignTable.objects.get(project=team.project, name="orders")
    assert orders.uid == before_uid["orders"]  # identity survives: a diff sees no drop/add
    assert [c.name for c in orders.columns.order_by("position")] == ["id", "note", "status"]


def test_comparison_highlights_added_removed_and_changed(team, history):
    comparison = compare_versions(team.project, "v1", "working")
    h = comparison.highlight
    assert h["public.invoices"] == "added"
    assert h["public.customers"] == "removed"
    assert h["public.orders"] == "changed"
    assert h["public.orders.total"] == "added"
    assert h["public.orders.note"] == "removed"
    assert h["public.orders.status"] == "changed"
    # The union keeps what was removed, so the diagram can draw it struck through.
    union_tables = {t.name for t in comparison.union.tables}
    assert union_tables == {"customers", "orders", "invoices"}
    orders = comparison.union.table("orders")
    assert orders.column_names == ("id", "note", "status", "total")
    dot = schema_to_dot(comparison.union, DiagramOptions(highlight=h))
    assert "<S>note</S>" in dot and "#16a34a" in dot and "#dc2626" in dot and "#d97706" in dot


def test_compare_page_shows_diff_changes_and_plan(client, team, history):
    client.force_login(team.vera)
    url = reverse("version_compare", args=[team.project.slug])
    response = client.get(url, {"base": "v1", "target": "working"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "#16a34a" in html and "#dc2626" in html  # real render, colours in
    assert "Create table public.invoices" in html
    assert "Drop table public.customers" in html
    assert "Drop column public.orders.note" in html
    # The plan is rendered Markdown (a heading, SQL in code blocks), its source kept to copy.
    assert (
        '<div class="plan-rendered markdown-body" tabindex="0" aria-label="Migration plan"><h1>Migration plan'
        in html
    )
    assert '<code class="language-sql">' in html
    assert '<pre id="plan-markdown" hidden># Migration plan' in html
    assert "can lose data" in html
    up = client.get(reverse("version_migration", args=[team.project.slug, "up"]), {"base": "v1"})
    down = client.get(
        reverse("version_migration", args=[team.project.slug, "down"]), {"base": "v1"}
    )
    assert up.status_code == down.status_code == 200
    assert up["Content-Disposition"] == f'attachment; filename="{team.project.slug}-up.sql"'
    up_text, down_text = up.content.decode(), down.content.decode()
    assert "CREATE TABLE public.invoices" in up_text and "DROP TABLE public.customers" in up_text
    assert "CREATE TABLE public.customers" in down_text


def test_compare_two_versions_and_unknown_version_is_404(client, team, history):
    client.force_login(team.vera)
    snapshot_create(project=team.project, name="v2")
    url = reverse("version_compare", args=[team.project.slug])
    response = client.get(url, {"base": "v1", "target": "v2"}, **HX)
    assert (
        response.status_code == 200 and "Create table public.invoices" in response.content.decode()
    )
    same = client.get(url, {"base": "v2", "target": "working"}).content.decode()
    assert "No differences: the designs are the same." in same
    assert client.get(url, {"base": "nope", "target": "v2"}).status_code == 404
    assert Version.objects.filter(project=team.project).count() == 2
