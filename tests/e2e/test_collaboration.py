"""Two editors on one project: what one adds appears for the other within seconds, without a
reload and without touching what the other is typing. Hostile names stay text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.services.tables import table_create
from projects.models import Membership, Role
from projects.services import project_create, share_link_create

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "pw-long-enough-1"
EVIL = "<script>alert(1)</script>"


def open_as(browser, live_server, username: str, path: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(live_server.url + "/accounts/login/?next=" + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**" + path)
    return context, page


def test_two_editors_see_each_other_without_losing_their_typing(
    browser, live_server, django_user_model
):
    ann = django_user_model.objects.create_user("ann", password=PASSWORD)
    ben = django_user_model.objects.create_user("ben", password=PASSWORD)
    project = project_create(owner=ann, name="Library")
    Membership.objects.create(project=project, user=ben, role=Role.EDITOR)
    table_create(actor=ann, project=project, name="authors")
    path = f"/p/{project.slug}/"

    ctx_a, a = open_as(browser, live_server, "ann", path)
    ctx_b, b = open_as(browser, live_server, "ben", path)
    try:
        for page in (a, b):
            expect(page.locator("#diagram svg")).to_have_count(1)
        b.evaluate("window.__marker = 'no reload'")
        # Ben opens a table and starts typing in two forms, without saving (a field saves
        # when focus leaves it, so he is still in the comment).
        b.locator("#table-list a", has_text="authors").click()
        expect(b.locator("#panel .panel-title")).to_have_text("authors")
        b.locator("#add-table input[name=name]").fill("draft_tab")
        b.locator("#panel textarea[name=comment]").fill("half-written note")
        b.wait_for_timeout(3500)  # let Ben's page take its first revision reading

        # Ann adds two tables, one with a hostile name.
        for name in ("books", EVIL):
            a.locator("#add-table input[name=name]").fill(name)
            a.locator("#add-table").get_by_role("button", name="Add table").click()
            expect(a.locator("#panel .panel-title")).to_have_text(name)

        # Within a few seconds Ben's list and diagram show them, as text.
        expect(b.locator("#table-list a", has_text="books")).to_have_count(1, timeout=8000)
        expect(b.locator("#table-list a", has_text=EVIL)).to_have_count(1, timeout=8000)
        expect(b.locator("#diagram")).to_contain_text("books", timeout=8000)
        expect(b.locator("#diagram")).to_contain_text(EVIL, timeout=8000)
        expect(b.locator("#toasts .toast-collab")).to_contain_text("ann changed the design")
        # ...and nothing Ben typed is gone; the panel was not re-rendered.
        assert b.evaluate("window.__marker") == "no reload"
        expect(b.locator("#panel .panel-title")).to_have_text("authors")
        expect(b.locator("#panel textarea[name=comment]")).to_have_value("half-written note")
        expect(b.locator("#add-table input[name=name]")).to_have_value("draft_tab")
        # Ann's own edits do not tell Ann that someone changed the design.
        a.wait_for_timeout(3500)
        expect(a.locator("#toasts .toast-collab")).to_have_count(0)

        # The notice offers to reload the panel; doing so keeps the page.
        b.locator("#toasts .reload-panel").click()
        expect(b.locator("#panel .panel-title")).to_have_text("authors")
        # Leaving the comment field saved it: wait for that before writing from this thread.
        expect(b.locator("#save-status")).to_have_text("Saved")
        assert b.evaluate("window.__marker") == "no reload"

        # The hostile name is text on the team pages and the share page too.
        link = share_link_create(project=project, actor=ann)
        for url in (
            f"/p/{project.slug}/activity/",
            f"/p/{project.slug}/versions/compare/?base=&target=working",
            f"/s/{link.token}/",
        ):
            b.goto(live_server.url + url)
            expect(b.locator("body")).to_contain_text(EVIL)
        assert b.locator("script", has_text="alert(1)").count() == 0
        for page in (a, b):
            assert page.dialogs == [] and page.errors == []
    finally:
        ctx_a.close()
        ctx_b.close()
