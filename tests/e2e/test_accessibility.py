"""axe-core (vendored from npm at tests/e2e/vendor/axe.min.js) on every page of a project, light
and dark: no serious or critical violation. Also: the header never clips, the theme toggle
sticks, and a table is reached from the table list with the keyboard.

Set ERD_SHOTS_DIR to also save screenshots at 1280x800 and 1920x1080 in both themes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from designer.services.starters import project_create_from_starter
from designer.services.versions import snapshot_create
from projects.models import Membership, Role
from projects.services import review_request_create, share_link_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGES = [
    "",
    "explore/",
    "advisor/",
    "patterns/",
    "export/",
    "indexes/",
    "workbench/",
    "document/",
    "import/",
    "enums/",
    "versions/",
    "versions/compare/?base=v1&target=working",
    "versions/compare-live/",
    "reviews/",
    "reviews/{review}/",
    "activity/",
    "members/",
    "comments/",
    "share/",
    "settings/",
    "webhooks/",
]


@pytest.fixture
def shop(django_user_model):
    owner = django_user_model.objects.create_user("olga", password=PASSWORD)
    reviewer = django_user_model.objects.create_user("rita", password=PASSWORD)
    project = project_create_from_starter(owner=owner, name="Shop", starter="shop")
    Membership.objects.create(project=project, user=reviewer, role=Role.REVIEWER)
    version = snapshot_create(project=project, name="v1", author=owner)
    project_create_from_starter(owner=owner, name="Other", starter="blog")
    review = review_request_create(
        project=project, author=owner, title="First cut", version=version, reviewers=[reviewer]
    )
    share_link_create(project=project, actor=owner)
    return project, review


def _login(browser, live_server, scheme: str, width: int = 1280, height: int = 800):
    # bypass_csp: axe is injected as a script, which the app's CSP (rightly) refuses.
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    return context, page


def _serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.any[0] ? n.any[0].message : '')).join(' | '))"
    )
    return list(result)


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    if page.locator("#diagram").count():
        expect(page.locator("#diagram svg")).to_have_count(1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_project_page_has_no_serious_axe_violation(browser, live_server, shop, scheme):
    project, review = shop
    context, page = _login(browser, live_server, scheme)
    problems: dict[str, list[str]] = {}
    shots = os.environ.get("ERD_SHOTS_DIR")
    try:
        for path in ["/", *(f"/p/{project.slug}/{p.format(review=review.pk)}" for p in PAGES)]:
            page.goto(live_server.url + path)
            _settle(page)
            assert page.evaluate("document.documentElement.dataset.theme") == scheme
            # The header never clips: nothing of it lies beyond the window's right edge.
            overflow = page.evaluate(
                "Math.max(...[...document.querySelectorAll('.topbar > *')]"
                ".map(e => e.getBoundingClientRect().right)) - window.innerWidth"
            )
            assert overflow <= 0, f"{path}: the header runs {overflow}px past the window"
            # ...and no part of it covers the next (a squeezed bar overlaps instead of clipping).
            overlaps = page.evaluate(
                "[...document.querySelectorAll('.topbar > *')].filter(e => e.offsetWidth)"
                ".map(e => e.getBoundingClientRect()).filter((r, i, all) =>"
                " i + 1 < all.length && r.right > all[i + 1].left + 1).length"
            )
            assert overlaps == 0, f"{path}: parts of the header overlap"
            found = _serious(page)
            if found:
                problems[path] = found
            if shots and path.rstrip("/").split("/")[-1] in ("", "shop", "export", "document"):
                name = path.strip("/").replace("/", "-") or "projects"
                page.screenshot(path=f"{shots}/nav-{name}-1280-{scheme}.png")
    finally:
        context.close()
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_theme_toggle_overrides_the_system_and_is_remembered(browser, live_server, shop):
    project, _ = shop
    context, page = _login(browser, live_server, "light")
    try:
        page.goto(f"{live_server.url}/p/{project.slug}/versions/")
        toggle = page.get_by_role("button", name="Dark mode")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.click()
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        page.goto(f"{live_server.url}/p/{project.slug}/members/")
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        expect(page.get_by_role("button", name="Dark mode")).to_have_attribute(
            "aria-pressed", "true"
        )
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 22, 29)"
    finally:
        context.close()


def test_more_menu_holds_every_page_and_tables_are_reached_by_keyboard(browser, live_server, shop):
    project, _ = shop
    context, page = _login(browser, live_server, "light")
    try:
        page.goto(f"{live_server.url}/p/{project.slug}/")
        _settle(page)
        more = page.locator(".more-menu > summary")
        more.focus()
        page.keyboard.press("Enter")
        expect(
            page.locator(".more-menu .menu-list").get_by_role("link", name="Settings")
        ).to_be_visible()
        page.keyboard.press("Escape")
        # From the filter, Tab reaches the table list; Enter opens the table's panel.
        page.locator("#table-search").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('#table-list') !== null")
        assert focused
        name = page.evaluate("document.activeElement.querySelector('.tname').textContent")
        page.keyboard.press("Enter")
        expect(page.locator("#panel .panel-title")).to_have_text(name)
        # The colour picker writes the hex the form sends, and a typed hex moves the picker.
        add = page.locator("#add-table")
        add.locator("input[type=color]").fill("#ff8800")
        expect(add.locator("input[name=color]")).to_have_value("#ff8800")
        add.locator("input[name=color]").fill("#00aa11")
        expect(add.locator("input[type=color]")).to_have_value("#00aa11")
    finally:
        context.close()


@pytest.mark.skipif(not os.environ.get("ERD_SHOTS_DIR"), reason="screenshots only on request")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_screenshots(browser, live_server, shop, scheme, size):
    project, _ = shop
    shots = os.environ["ERD_SHOTS_DIR"]
    context, page = _login(browser, live_server, scheme, *size)
    try:
        for path, name in [
            ("/", "projects"),
            ("", "editor"),
            ("export/", "export"),
            ("document/", "document"),
            ("settings/", "settings"),
            ("versions/compare/?base=v1&target=working", "compare"),
        ]:
            url = path if path == "/" else f"/p/{project.slug}/{path}"
            page.goto(live_server.url + url)
            _settle(page)
            page.screenshot(path=f"{shots}/nav-{name}-{size[0]}-{scheme}.png")
        page.goto(live_server.url + "/p/no-such/")
        page.screenshot(path=f"{shots}/nav-404-{size[0]}-{scheme}.png")
    finally:
        context.close()
