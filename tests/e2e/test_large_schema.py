"""A designer finds their way around a 3,000-table design in the Explorer and edits a table."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from designer.selectors.graph import design_graph
from designer.services.schema import schema_replace
from projects.services import project_create

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from _gen import generate_schema

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "pw-long-enough-1"


def test_explore_a_3000_table_design(page, live_server, django_user_model):
    started = time.monotonic()
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name="Warehouse")
    schema_replace(project=project, schema=generate_schema(3000))
    project.refresh_from_db()
    graph = design_graph(project)
    # a table with a few neighbours, none of them a hub with hundreds
    target = next(
        t
        for t in graph.tables[300:]
        if 3 <= len(graph.around(t.qualified_name, 1) or ()) <= 6 and t.schema == "public"
    )
    neighbour = sorted((graph.around(target.qualified_name, 1) or set()) - {target.qualified_name})[
        0
    ]

    page.goto(live_server.url + "/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/p/{project.slug}/explore/")
    expect(page.locator(".ex-hint")).to_contain_text("This design has 3000 tables")
    expect(page.locator("#table-browser")).to_contain_text("3000 tables · page 1 of 30")
    page.evaluate("window.__exploreMarker = 'still here'")

    page.fill("#explore-search", target.name)
    result = page.locator("#search-results a", has_text=target.qualified_name).first
    expect(result).to_be_visible()
    result.click()
    expect(page.locator(".ex-toolbar h2")).to_have_text(f"Around {target.qualified_name}")
    nodes = page.locator("#explore-diagram g.node")
    expect(nodes.first).to_be_visible()
    assert 3 <= nodes.count() <= 6
    expect(page.locator("#explore-diagram g.node.centre")).to_have_count(1)

    # click the neighbour in the SVG: the view re-centres on it, without a page load
    name = neighbour.split(".", 1)[1]
    # exact: the centre table has a column named after it (role_ticket_1596_id)
    page.locator("#explore-diagram").get_by_text(name, exact=True).first.click()
    expect(page.locator(".ex-toolbar h2")).to_have_text(f"Around {neighbour}")
    assert page.url.endswith(f"?table={neighbour}")
    assert page.evaluate("window.__exploreMarker") == "still here"

    # an edit from the Explorer: the neighbourhood is drawn again with the new column
    page.locator("#quick-column summary").click()
    form = page.locator("#quick-column form")
    form.locator("input[name=name]").fill("shipped_at")
    form.locator("input[name=data_type]").fill("timestamptz")
    form.get_by_role("button", name="Add column").click()
    expect(page.locator("#explore-diagram")).to_contain_text("shipped_at")
    edit = page.locator("#edit-table")
    uid = next(t.uid for t in graph.tables if t.qualified_name == neighbour)
    assert edit.get_attribute("href") == f"/p/{project.slug}/tables/{uid}/"
    assert time.monotonic() - started < 60
