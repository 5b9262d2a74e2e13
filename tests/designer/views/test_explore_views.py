"""The Explorer: search, neighbourhoods, filters, display modes, saved views and access."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from designer.schema.model import Column, ForeignKey, PrimaryKey, Schema, Table
from designer.selectors import diagrams
from designer.services.saved_views import ERR_VIEW_NAME_TAKEN, ERR_VIEW_NOTHING
from designer.services.schema import schema_replace
from designer.services.tables import table_create
from projects.models import Role, SavedView
from projects.services import member_invite, project_create

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from _gen import generate_schema

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "pw-long-enough-1"
EVIL = "<script>alert(1)</script>"


def _table(name: str, *, fks: tuple[str, ...] = (), group: str = "", schema: str = "public"):
    columns = [Column("id", "bigint", nullable=False)]
    columns += [Column(f"{p}_id", "bigint") for p in fks]
    columns.append(Column("label", "text", comment=f"label of {name}"))
    return Table(
        name=name,
        schema=schema,
        columns=tuple(columns),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=tuple(ForeignKey((f"{p}_id",), p, ("id",)) for p in fks),
        group=group or None,
    )


# customers <- orders <- order_items -> products; invoices -> orders; audit.log stands alone
SHOP = Schema(
    tables=(
        _table("customers", group="sales"),
        _table("orders", fks=("customers",), group="sales"),
        _table("products", group="catalog"),
        _table("order_items", fks=("orders", "products"), group="sales"),
        _table("invoices", fks=("orders",), group="billing"),
        _table("log", schema="audit"),
    ),
    schemas=("audit",),
)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olive", password=PASSWORD)


@pytest.fixture
def project(client, owner):
    client.force_login(owner)
    project = project_create(owner=owner, name="Shop")
    schema_replace(project=project, schema=SHOP)
    project.refresh_from_db()
    return project


def _url(project, name: str = "explore", *args) -> str:
    return reverse(name, args=[project.slug, *args])


def _member(django_user_model, project, role: str, name: str):
    user = django_user_model.objects.create_user(name, password=PASSWORD)
    member_invite(project=project, who=name, role=role)
    return user


def test_page_without_a_table_invites_a_search(client, project):
    response = client.get(_url(project))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This design has 6 tables" in html
    assert 'id="explore-search"' in html and "public.customers" in html


def test_search_ranks_name_before_column_and_comment(client, project):
    response = client.get(_url(project, "explore_search"), {"q": "orders"}, **HX)
    html = response.content.decode()
    # the exact name first, then the tables with an orders_id column, by name
    positions = [html.index(n) for n in ("public.orders", "public.invoices", "public.order_items")]
    assert positions == sorted(positions)
    assert "column orders_id" in html
    assert "public.customers" not in html


def test_search_finds_comments_and_reports_nothing_found(client, project):
    html = client.get(_url(project, "explore_search"), {"q": "label of products"}, **HX)
    assert "public.products" in html.content.decode()
    empty = client.get(_url(project, "explore_search"), {"q": "zebra"}, **HX).content.decode()
    assert "Nothing matches “zebra”." in empty


def test_search_results_jump_to_the_neighbourhood(client, project):
    html = client.get(_url(project, "explore_search"), {"q": "invoices"}, **HX).content.decode()
    assert "?table=public.invoices" in html
    assert 'hx-target="#explore-main"' in html


def test_neighbourhood_draws_both_directions_and_links_tables_to_recentre(client, project):
    response = client.get(_url(project), {"table": "orders"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Around public.orders" in html
    # depth 1: parent customers, children order_items and invoices; not products, not audit.log
    assert "4 tables." in html
    for name in ("customers", "order_items", "invoices"):
        assert f"?table=public.{name}" in html
    assert "?table=public.products" not in html
    deeper = client.get(_url(project), {"table": "orders", "depth": "2"}, **HX).content.decode()
    assert "5 tables." in deeper and "?table=public.products" in deeper
    assert "&amp;depth=2" in deeper  # re-centring keeps the depth


def test_unknown_table_says_so(client, project):
    html = client.get(_url(project), {"table": "nope"}).content.decode()
    assert "No table “nope” in this design." in html


def test_htmx_asks_for_the_main_area_only(client, project):
    response = client.get(_url(project), {"table": "orders"}, **HX)
    html = response.content.decode()
    assert "<html" not in html and 'id="explore-diagram"' in html
    assert 'id="edit-table"' in html  # the owner can jump into the editor at this table


@pytest.mark.parametrize(
    ("mode", "shown", "hidden"),
    [("all", "label", None), ("keys", "customers_id", "label"), ("names", "orders", "bigint")],
)
def test_display_modes(client, project, mode, shown, hidden):
    svg = client.get(_url(project, "explore_diagram"), {"table": "orders", "mode": mode})
    html = svg.content.decode()
    assert "<svg" in html and shown in html
    if hidden:
        assert f">{hidden}<" not in html


def test_filters_by_schema_and_group(client, project):
    response = client.get(_url(project, "explore_tables"), {"group": "sales"}, **HX)
    html = response.content.decode()
    assert "3 tables" in html and "public.orders" in html and "public.products" not in html
    audit = client.get(_url(project, "explore_tables"), {"schema": "audit"}, **HX).content
    assert b"audit.log" in audit and b"public.orders" not in audit
    drawn = client.get(_url(project), {"group": "billing"}, **HX).content.decode()
    assert "1 table." in drawn and "Filtered tables" in drawn


def test_table_list_is_paginated(client, owner):
    client.force_login(owner)
    project = project_create(owner=owner, name="Big")
    schema_replace(project=project, schema=generate_schema(250))
    first = client.get(_url(project, "explore_tables"), **HX).content.decode()
    assert "250 tables · page 1 of 3" in first
    assert first.count('hx-target="#explore-main"') == 100
    third = client.get(_url(project, "explore_tables"), {"page": "3"}, **HX).content.decode()
    assert third.count('hx-target="#explore-main"') == 50


def test_saved_view_crud(client, project):
    response = client.post(
        _url(project, "saved_views"),
        {"name": "Ordering", "tables": "public.orders\npublic.customers", "mode": "keys"},
        **HX,
    )
    assert response.status_code == 204
    view = SavedView.objects.get(project=project, name="Ordering")
    assert response["HX-Redirect"].endswith(f"?saved={view.pk}")
    assert view.tables == ["public.customers", "public.orders"] and view.mode == "keys"

    listing = client.get(_url(project, "saved_views"), **HX).content.decode()
    assert "Ordering" in listing and "2 tables" in listing
    opened = client.get(_url(project), {"saved": view.pk}).content.decode()
    assert "Saved view “Ordering”" in opened and "2 tables." in opened

    by_group = client.post(
        _url(project, "saved_views"), {"name": "Money", "group_filter": "billing"}
    )
    assert by_group.status_code == 302
    money = SavedView.objects.get(name="Money")
    assert "1 table." in client.get(_url(project), {"saved": money.pk}).content.decode()

    again = client.post(_url(project, "saved_views"), {"name": "Ordering", "tables": "x"}, **HX)
    assert again.status_code == 422
    nothing = client.post(_url(project, "saved_views"), {"name": "Empty"}, **HX)
    assert ERR_VIEW_NOTHING in nothing.content.decode()
    taken = client.post(
        _url(project, "saved_views"), {"name": "Ordering", "tables": "public.orders"}, **HX
    )
    assert ERR_VIEW_NAME_TAKEN.format(name="Ordering") in taken.content.decode()

    deleted = client.post(_url(project, "saved_view_delete", view.pk), **HX)
    assert deleted.status_code == 200 and "Ordering" not in deleted.content.decode()
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_saved_views_list_is_paginated(client, project):
    for i in range(55):
        SavedView.objects.create(project=project, name=f"view {i:02d}", tables=["public.orders"])
    first = client.get(_url(project, "saved_views"), **HX).content.decode()
    assert "page 1 of 2" in first and "view 49" in first and "view 50" not in first


def test_access_non_member_404_viewer_reads_but_cannot_write(client, project, django_user_model):
    view = SavedView.objects.create(project=project, name="Ordering", tables=["public.orders"])
    stranger = django_user_model.objects.create_user("sam", password=PASSWORD)
    client.force_login(stranger)
    for url in (_url(project), _url(project, "explore_search"), _url(project, "saved_views")):
        assert client.get(url, {"q": "x"}).status_code == 404
    assert client.post(_url(project, "saved_view_delete", view.pk)).status_code == 404

    viewer = _member(django_user_model, project, Role.VIEWER, "vera")
    client.force_login(viewer)
    page = client.get(_url(project), {"table": "orders"})
    assert page.status_code == 200
    assert 'id="quick-column"' not in page.content.decode()
    assert 'id="save-view"' not in page.content.decode()
    assert client.get(_url(project), {"saved": view.pk}).status_code == 200
    created = client.post(_url(project, "saved_views"), {"name": "Mine", "tables": "public.orders"})
    assert created.status_code == 403
    assert client.post(_url(project, "saved_view_delete", view.pk)).status_code == 403
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_saved_view_of_another_project_is_404(client, project, owner):
    other = project_create(owner=owner, name="Other")
    view = SavedView.objects.create(project=other, name="Theirs", tables=[])
    assert client.get(_url(project), {"saved": view.pk}).status_code == 404
    assert client.post(_url(project, "saved_view_delete", view.pk)).status_code == 404


def test_a_hostile_table_name_is_escaped_everywhere(client, project):
    table_create(project=project, name=EVIL)
    project.refresh_from_db()
    for response in (
        client.get(_url(project, "explore_search"), {"q": "script"}, **HX),
        client.get(_url(project, "explore_tables"), **HX),
        client.get(_url(project), {"table": f"public.{EVIL}"}),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert EVIL not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _explorer_queries(client, project) -> None:
    client.get(_url(project), {"table": project.design_tables.order_by("id")[3].qualified_name})
    client.get(_url(project, "explore_search"), {"q": "order"}, **HX)
    client.get(_url(project, "explore_tables"), {"page": "2"}, **HX)


def test_query_count_does_not_grow_with_the_design(client, owner, django_assert_max_num_queries):
    client.force_login(owner)
    small = project_create(owner=owner, name="Small")
    schema_replace(project=small, schema=generate_schema(10, seed=3))
    small.refresh_from_db()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as measured:
        _explorer_queries(client, small)
    big = project_create(owner=owner, name="Large")
    schema_replace(project=big, schema=generate_schema(200, seed=3))
    big.refresh_from_db()
    with django_assert_max_num_queries(len(measured.captured_queries)):
        _explorer_queries(client, big)


@pytest.mark.django_db(transaction=True)
def test_whole_design_over_the_threshold_polls_until_drawn(client, project, monkeypatch):
    monkeypatch.setattr(diagrams, "ASYNC_RENDER_TABLES", 3)
    response = client.get(_url(project), {"whole": "1"}, **HX)
    html = response.content.decode()
    assert "Drawing 6 tables in the background" in html
    assert 'hx-trigger="every 2s"' in html and "/explore/diagram/?whole=1" in html
    deadline = time.monotonic() + 60
    while "every 2s" in html and time.monotonic() < deadline:
        time.sleep(0.2)
        html = client.get(_url(project, "explore_diagram"), {"whole": "1"}, **HX).content.decode()
    assert "<svg" in html and "every 2s" not in html
    assert "6 tables." in html


def test_render_failure_suggests_a_smaller_view(client, project, settings):
    settings.ERD_DOT_TIMEOUT_SECONDS = 0.000001
    html = client.get(_url(project), {"table": "orders"}, **HX).content.decode()
    assert "The diagram could not be drawn: The diagram took longer than" in html
    assert "Names only" in html and 'class="diagram-error"' in html
