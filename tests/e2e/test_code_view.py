"""The code view: the design as DBML beside the diagram, errors at their line, Apply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.models import DesignColumn, DesignTable
from designer.services.columns import column_add
from designer.services.tables import table_create
from projects.services import project_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"


def test_code_view_shows_errors_at_their_line_then_applies(page, live_server, django_user_model):
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name="Shop")
    orders, _ = table_create(project=project, name="orders")
    column_add(table=orders, name="total", data_type="numeric(12,2)")
    page.goto(live_server.url + "/accounts/login/?next=/p/shop/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/p/shop/")
    expect(page.locator("#diagram svg")).to_have_count(1)

    page.get_by_role("button", name="</> Code").click()
    code = page.locator("#code-view .cm-content")
    expect(code).to_contain_text("Table orders")
    # A broken line: the error names it, and the editor marks it.
    code.click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\nTable customers {\n  id bigint [pk\n")
    texts = page.locator("#code-view .cm-line").all_inner_texts()
    broken = texts.index("  id bigint [pk") + 1
    expect(page.locator("#code-view [data-code-changes] .codeview-error")).to_contain_text(
        f"Line {broken + 1}:"  # pydbml notices the missing "]" on the next line
    )
    expect(page.locator("#code-view .cm-lint-marker-error")).to_have_count(1)
    expect(page.get_by_role("button", name="Apply")).to_be_disabled()

    # Fixed, the change list says what applying does.
    page.keyboard.press("Backspace")
    page.keyboard.insert_text("]\n  email text\n}")
    changes = page.locator("#code-view [data-code-changes] li")
    expect(changes).to_have_text(["Create table public.customers"])
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#table-list a", has_text="customers")).to_have_count(1)
    expect(page.locator("#diagram")).to_contain_text("customers")
    customers = DesignTable.objects.get(project=project, name="customers")
    assert list(DesignColumn.objects.filter(table=customers).values_list("name", flat=True)) == [
        "id",
        "email",
    ]
    # The table that was already there kept its identity.
    assert DesignTable.objects.get(project=project, name="orders").uid == orders.uid

    # Undo covers it.
    page.locator("#diagram").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(page.locator("#table-list a", has_text="customers")).to_have_count(0)
    expect(code).not_to_contain_text("customers")
