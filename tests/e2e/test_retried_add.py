"""A write whose answer is lost, sent again from the same form, is applied once
(static/js/once.js and designer/idempotency.py), in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.models import DesignConstraint
from designer.services.columns import column_add
from designer.services.tables import table_create
from projects.services import project_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"


def test_an_add_sent_again_after_a_lost_answer_is_added_once(page, live_server, django_user_model):
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name="Shop")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="title", data_type="text")
    page.goto(live_server.url + "/accounts/login/?next=/p/shop/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/p/shop/")
    page.locator("#table-list a", has_text="posts").first.click()
    expect(page.locator("#panel .panel-title")).to_have_text("posts")

    # The server applies the add, but its answer never reaches the browser.
    sent_keys: list[str] = []

    def lose_the_answer(route) -> None:
        sent_keys.append(route.request.headers.get("idempotency-key", ""))
        route.fetch()
        route.abort()

    page.route("**/checks/", lose_the_answer)
    form = page.locator("form", has=page.get_by_role("button", name="Add check"))
    form.locator("input[name=expression]").fill("length(title) > 0")
    form.get_by_role("button", name="Add check").click()
    expect(page.locator("#toasts")).to_contain_text("The server did not answer")
    assert DesignConstraint.objects.filter(table=posts, kind="check").count() == 1

    # The user tries again: the same key, so the first answer comes back instead of a copy.
    page.unroute("**/checks/")
    with page.expect_response("**/checks/") as answer:
        form.get_by_role("button", name="Add check").click()
    assert answer.value.headers.get("idempotent-replayed") == "true"
    assert answer.value.request.headers.get("idempotency-key") == sent_keys[0] != ""
    expect(page.locator("#panel")).to_contain_text("length(title) > 0")
    assert DesignConstraint.objects.filter(table=posts, kind="check").count() == 1

    # The next add from the fresh form is a new request and is applied.
    form = page.locator("form", has=page.get_by_role("button", name="Add check"))
    form.locator("input[name=expression]").fill("title <> ''")
    form.get_by_role("button", name="Add check").click()
    expect(page.locator("#panel")).to_contain_text("title <> ''")
    assert DesignConstraint.objects.filter(table=posts, kind="check").count() == 2
