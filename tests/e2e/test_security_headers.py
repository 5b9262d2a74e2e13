"""The pages work in Chromium under the Content-Security-Policy: what inline handlers and
style attributes did before is done by app.js (the page fixture fails on any CSP report)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from designer.security.csp import POLICY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"


def test_the_pages_work_under_the_policy(page, live_server, django_user_model):
    django_user_model.objects.create_user("ada", password=PASSWORD)
    call_command("seed_demo", "--owner", "ada")
    response = page.goto(live_server.url + "/accounts/login/")
    assert response.headers["content-security-policy"] == POLICY
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/p/demo/")
    page.evaluate("window.__marker = 'still here'")

    # colours come from data-color now, painted by app.js
    swatch = page.locator("#table-list .swatch[data-color]").first
    expect(swatch).to_have_count(1)
    assert page.evaluate(
        "getComputedStyle(document.querySelector('#table-list .swatch[data-color]')).backgroundColor"
    ) not in ("", "rgb(255, 255, 255)")

    # the add-table form clears itself after a successful request (was an hx-on handler)
    form = page.locator("#add-table")
    form.locator("input[name=name]").fill("csp_probe")
    form.get_by_role("button", name="Add table").click()
    expect(page.locator("#panel .panel-title")).to_have_text("csp_probe")
    expect(form.locator("input[name=name]")).to_have_value("")

    # the diagram options form drives htmx only and never submits (was onsubmit)
    page.locator("#diagram-options select[name=mode]").select_option("keys")
    page.locator("#diagram-options select[name=mode]").press("Enter")
    assert page.evaluate("window.__marker") == "still here"

    # pages whose styles moved to static/css/pages/ keep them
    for path, selector in (
        ("/p/demo/explore/", ".explore"),
        ("/p/demo/patterns/", "main"),
        ("/p/demo/import/", "main"),
        ("/p/demo/document/", "main"),
        ("/p/demo/indexes/", "main"),
    ):
        page.goto(live_server.url + path)
        expect(page.locator(selector).first).to_be_visible()
        sheets = page.evaluate("[...document.styleSheets].map(s => s.href || 'inline')")
        assert "inline" not in sheets, (path, sheets)
        assert any("/static/css/pages/" in s for s in sheets) or path == "/p/demo/explore/"
