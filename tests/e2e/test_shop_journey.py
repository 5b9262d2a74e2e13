"""Issue 13's yardstick: a 5-table shop designed in the browser in at most 40 actions.

Each click, key press and typed string is one action, counted as the test makes it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.selectors.design import project_schema
from projects.services import project_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"
MAX_ACTIONS = 40

SHOP = {
    "customers": ["email text", "full_name text"],
    "products": ["name text", "price numeric(12,2)"],
    "orders": ["customer_id > customers", "created_at timestamptz"],
    "order_items": ["order_id > orders", "product_id > products", "quantity integer"],
    "payments": ["order_id > orders", "amount numeric(12,2)"],
}


def test_a_five_table_shop_takes_at_most_40_actions(page, live_server, django_user_model):
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name="Shop")
    page.goto(live_server.url + "/accounts/login/?next=/p/shop/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/p/shop/")
    expect(page.locator("#diagram")).to_be_visible()

    actions = 0

    def act(step) -> None:
        nonlocal actions
        actions += 1
        step()

    for table, columns in SHOP.items():
        act(lambda: page.locator("#add-table input[name=name]").click())
        act(lambda t=table: page.keyboard.type(t))
        act(lambda: page.keyboard.press("Enter"))
        expect(page.locator("#panel .panel-title")).to_have_text(table)
        for spec in columns:
            # Focus is already in the new column's name: no click needed.
            expect(page.locator("#add-column input[name=name]")).to_be_focused()
            act(lambda s=spec: page.keyboard.type(s))
            act(lambda: page.keyboard.press("Enter"))
            expect(page.locator(f'.col-row[data-column="{spec.split()[0]}"]')).to_have_count(1)

    assert actions <= MAX_ACTIONS, f"{actions} actions"
    schema = project_schema(project)
    assert [t.name for t in schema.tables] == list(SHOP)
    refs = sorted(
        (t.name, fk.columns[0], fk.ref_table) for t in schema.tables for fk in t.foreign_keys
    )
    assert refs == [
        ("order_items", "order_id", "orders"),
        ("order_items", "product_id", "products"),
        ("orders", "customer_id", "customers"),
        ("payments", "order_id", "orders"),
    ]
    assert schema.table("products").column("price").type == "numeric(12,2)"
    expect(page.locator("#diagram g.node")).to_have_count(5)
    expect(page.locator("#diagram g.edge")).to_have_count(4)
    print(f"5-table shop: {actions} actions")
