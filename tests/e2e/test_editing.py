"""Editing in the browser: autosave with its state, undo and redo, the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.models import DesignColumn, DesignTable
from designer.services.columns import column_add
from designer.services.tables import table_create, table_update
from projects.services import project_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def editor(page, live_server, django_user_model):
    """A signed-in owner looking at a project with one table `orders (id, total)`."""
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name="Shop")
    orders, _ = table_create(project=project, name="orders")
    column_add(table=orders, name="total", data_type="numeric(12,2)")
    page.goto(live_server.url + "/accounts/login/?next=/p/shop/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/p/shop/")
    page.locator("#table-list a", has_text="orders").click()
    expect(page.locator("#panel .panel-title")).to_have_text("orders")
    return page, project, orders


def column_names(table) -> list[str]:
    return list(DesignColumn.objects.filter(table=table).values_list("name", flat=True))


def test_a_renamed_column_is_saved_when_focus_leaves_it(editor):
    page, _, orders = editor
    page.locator('.col-row[data-column="total"] input[name=name]').fill("amount")
    page.locator("#table-search").focus()
    expect(page.locator("#save-status")).to_have_text("Saved")
    expect(page.locator('.col-row[data-column="amount"]')).to_have_count(1)
    assert column_names(orders) == ["id", "amount"]


def test_enter_saves_the_row_and_never_moves_the_column(editor):
    page, _, orders = editor
    name = page.locator('.col-row[data-column="total"] input[name=name]')
    name.fill("amount")
    name.press("Enter")
    expect(page.locator('.col-row[data-column="amount"]')).to_have_count(1)
    assert column_names(orders) == ["id", "amount"]  # renamed, and still second


def test_ticking_not_null_saves_at_once(editor):
    page, _, orders = editor
    page.locator('.col-row[data-column="total"] input[name=not_null]').check()
    expect(page.locator("#save-status")).to_have_text("Saved")
    assert not DesignColumn.objects.get(table=orders, name="total").nullable


def test_a_stale_save_keeps_the_typed_text_and_says_why(editor):
    page, _, orders = editor
    table_update(table=orders, name="orders", comment="changed elsewhere")  # another editor
    name = page.locator('.col-row[data-column="total"] input[name=name]')
    name.fill("amount")
    name.press("Enter")
    expect(page.locator("#save-status")).to_have_text(
        "Conflict: your text is kept, save again to overwrite"
    )
    expect(page.locator('.col-row[data-column="total"] input[name=name]')).to_have_value("amount")
    assert column_names(orders) == ["id", "total"]
    # Saving again writes the kept text over the other change.
    page.locator('.col-row[data-column="total"] input[name=name]').press("Enter")
    expect(page.locator('.col-row[data-column="amount"]')).to_have_count(1)
    assert column_names(orders) == ["id", "amount"]


def test_ctrl_z_undoes_a_rename_and_ctrl_shift_z_redoes_it(editor):
    page, _, orders = editor
    name = page.locator('.col-row[data-column="total"] input[name=name]')
    name.fill("amount")
    name.press("Enter")
    expect(page.locator('.col-row[data-column="amount"]')).to_have_count(1)
    page.locator("#diagram").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(page.locator('.col-row[data-column="total"]')).to_have_count(1)
    expect(page.locator("#toasts")).to_contain_text("Undid: changed column public.orders.amount")
    assert column_names(orders) == ["id", "total"]
    page.keyboard.press("Control+Shift+Z")
    expect(page.locator('.col-row[data-column="amount"]')).to_have_count(1)
    assert column_names(orders) == ["id", "amount"]
    # It survives a reload: the history lives on the server.
    page.reload()
    page.get_by_role("button", name="↶ Undo").click()
    expect(page.locator("#toasts")).to_contain_text("Undid")
    page.wait_for_function("document.querySelectorAll('#table-list a').length === 1")
    assert column_names(orders) == ["id", "total"]


def test_the_keyboard_alone_adds_a_table_and_its_columns(editor):
    page, project, _ = editor
    page.locator("#diagram").click(position={"x": 5, "y": 5})
    page.keyboard.press("n")
    expect(page.locator("#add-table input[name=name]")).to_be_focused()
    page.keyboard.type("customers")
    page.keyboard.press("Enter")
    expect(page.locator("#panel .panel-title")).to_have_text("customers")
    # Focus moves to the new column's name, ready for the next keystroke.
    expect(page.locator("#add-column input[name=name]")).to_be_focused()
    page.keyboard.type("email")
    page.keyboard.press("Tab")
    page.keyboard.type("text")
    page.keyboard.press("Enter")
    expect(page.locator('.col-row[data-column="email"]')).to_have_count(1)
    expect(page.locator("#add-column input[name=name]")).to_be_focused()
    customers = DesignTable.objects.get(project=project, name="customers")
    assert column_names(customers) == ["id", "email"]

    page.keyboard.press("Escape")
    page.locator("#diagram").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    expect(page.locator('.col-row[data-column="id"]')).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator('.col-row[data-column="email"]')).to_be_focused()
    page.once("dialog", lambda d: d.accept())
    page.keyboard.press("Delete")
    expect(page.locator('.col-row[data-column="email"]')).to_have_count(0)

    page.keyboard.press("/")
    expect(page.locator("#table-search")).to_be_focused()
    page.keyboard.press("Escape")
    page.locator("#diagram").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()


def test_a_new_column_typed_but_not_added_is_kept_while_visiting_another_table(editor):
    page, project, _ = editor
    table_create(project=project, name="customers")
    page.reload()
    page.locator("#table-list a", has_text="orders").click()
    expect(page.locator("#panel .panel-title")).to_have_text("orders")
    page.locator("#add-column input[name=name]").fill("placed_at timestamptz")
    page.locator("#table-list a", has_text="customers").click()
    expect(page.locator("#panel .panel-title")).to_have_text("customers")
    expect(page.locator("#add-column input[name=name]")).to_have_value("")  # not customers'
    page.locator("#table-list a", has_text="orders").click()
    expect(page.locator("#panel .panel-title")).to_have_text("orders")
    expect(page.locator("#add-column input[name=name]")).to_have_value("placed_at timestamptz")
    expect(page.locator("#save-status")).to_have_text("Draft kept: not added yet")
    page.locator("#add-column input[name=name]").press("Enter")
    expect(page.locator('.col-row[data-column="placed_at"]')).to_have_count(1)
    expect(page.locator("#add-column input[name=name]")).to_have_value("")
