"""The workbench journey: add a key query, run in the background, read the plan, add the index."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from designer.models import DesignIndex
from projects.models import Membership, Project, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"
SHOTS = Path("/work/notes/shots")


def test_workbench_journey(page, live_server, django_user_model, monkeypatch, pg_server_dsn):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    call_command("seed_demo")
    project = Project.objects.get(slug="demo")
    DesignIndex.objects.filter(table__project=project, name="payments_order_id_idx").delete()
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    Membership.objects.create(project=project, user=user, role=Role.EDITOR)

    page.goto(live_server.url + "/p/demo/workbench/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/p/demo/workbench/")

    form = page.locator(".wb-form")
    form.locator("input[name=name]").fill("payments of an order")
    form.locator("textarea[name=sql]").fill(
        "SELECT id, amount, paid_at FROM payments WHERE order_id = $1"
    )
    form.locator("input[name=params]").fill("42")
    form.get_by_role("button", name="Add key query").click()
    expect(page.locator(".wb-query")).to_have_count(1)

    page.locator("input[name=scale]").fill("10")
    page.get_by_role("button", name="Run the workbench").click()
    expect(page.locator(".wb-progress, .wb-result").first).to_be_visible()
    add = page.get_by_role("button", name="Add to the design")
    expect(add).to_be_visible(timeout=120_000)
    expect(page.locator(".wb-slowest").first).to_be_visible()
    expect(page.locator(".wb-flag").first).to_contain_text("seq scan: payments")

    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        for width, height in ((1280, 800), (1920, 1080)):
            page.set_viewport_size({"width": width, "height": height})
            page.locator("#wb-run").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"workbench-plan-{width}.png"), full_page=True)
        page.emulate_media(color_scheme="dark")
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=str(SHOTS / "workbench-plan-1280-dark.png"), full_page=True)
        page.emulate_media(color_scheme="light")

    add.click()
    expect(page.locator(".wb-ok")).to_contain_text("CREATE INDEX payments_order_id")
    index = DesignIndex.objects.get(table__project=project, name__startswith="payments_order_id")
    assert index.purpose.startswith("payments of an order (")
