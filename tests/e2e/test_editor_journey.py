"""A designer's first session: log in, make a project, draw two related tables, take the DDL."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"


def add_table(page, name: str) -> None:
    form = page.locator("#add-table")
    form.locator("input[name=name]").fill(name)
    form.get_by_role("button", name="Add table").click()
    expect(page.locator("#panel .panel-title")).to_have_text(name)


def test_editor_journey(page, live_server, django_user_model, tmp_path: Path):
    django_user_model.objects.create_user("ada", password=PASSWORD)

    page.goto(live_server.url + "/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.fill("#create-project input[name=name]", "Library")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url("**/p/library/")
    expect(page.locator("#diagram svg")).to_have_count(1)

    # Everything below must happen without a page load: this marker would vanish.
    page.evaluate("window.__journeyMarker = 'still here'")

    add_table(page, "authors")
    add_table(page, "books")
    expect(page.locator("#table-list a")).to_have_count(2)

    new_column = page.locator("#add-column")
    new_column.locator("input[name=name]").fill("author_id")
    new_column.locator("input[name=data_type]").fill("bigint")
    new_column.get_by_role("button", name="Add").click()
    expect(page.locator('.col-row[data-column="author_id"]')).to_have_count(1)

    page.locator("summary", has_text="Add foreign key").click()
    builder = page.locator("form.fk-builder")
    builder.locator("select[name=columns]").select_option("author_id")
    builder.locator("select[name=ref_table]").select_option(label="public.authors")
    expect(page.locator("#fk-ref-columns option[value=id]")).to_have_count(1)
    builder.locator("select[name=on_delete]").select_option("CASCADE")
    builder.get_by_role("button", name="Add foreign key").click()
    expect(page.locator(".fk-item code")).to_have_text("(author_id) → authors(id)")

    expect(page.locator("#diagram g.node")).to_have_count(2)
    expect(page.locator("#diagram g.edge")).to_have_count(1)
    expect(page.locator("#diagram")).to_contain_text("authors")
    expect(page.locator("#diagram")).to_contain_text("books")
    assert page.evaluate("window.__journeyMarker") == "still here"

    # Clicking a table in the diagram opens its panel, still without a reload.
    page.locator("#diagram g.node a", has_text="authors").first.click()
    expect(page.locator("#panel .panel-title")).to_have_text("authors")
    assert page.evaluate("window.__journeyMarker") == "still here"

    # Export is one page, reached from the project header, every format grouped by kind.
    page.get_by_role("navigation", name="Project pages").get_by_role("link", name="Export").click()
    page.wait_for_url("**/p/library/export/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PostgreSQL DDL (.sql)").click()
    target = tmp_path / "library.sql"
    info.value.save_as(target)
    ddl = target.read_text()
    assert "CREATE TABLE public.authors" in ddl
    assert "CREATE TABLE public.books" in ddl
    assert "FOREIGN KEY (author_id) REFERENCES public.authors" in ddl
