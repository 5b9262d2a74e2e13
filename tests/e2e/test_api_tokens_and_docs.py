"""A user makes an API token on the settings page and reads the API docs, under the CSP (the
page fixture fails on any CSP report or script error)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"
SHOTS = os.environ.get("ERD_SHOTS_DIR")  # set to save screenshots of both pages


def test_token_then_docs(page, live_server, django_user_model):
    django_user_model.objects.create_user("ada", password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="API tokens").click()
    page.fill("input[name=name]", "CI pipeline")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("[data-new-token] input")
    assert secret.input_value().startswith("erd_")
    expect(page.locator("#tokens tbody tr")).to_have_count(1)
    if SHOTS:
        _shots(page, "tokens")
    page.get_by_role("link", name="API docs").click()
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert page.locator(".swagger-ui .opblock").count() >= 40
    if SHOTS:
        _shots(page, "docs")


def _shots(page, name: str) -> None:
    for width, height in ((1280, 800), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{SHOTS}/api-{name}-{width}.png")
