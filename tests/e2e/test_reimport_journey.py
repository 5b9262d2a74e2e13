"""Re-importing an edited schema file in the browser: the preview lists the changes, a ticked
rename keeps the table's identity, and the import merges into the working design."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.selectors.design import project_schema
from designer.services.imports import apply_import, import_text
from projects.services import project_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"
BEFORE = (
    "CREATE TABLE customer (id bigint PRIMARY KEY, full_name text NOT NULL);\n"
    "CREATE TABLE invoice (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer(id));\n"
)
AFTER = (
    "CREATE TABLE client (id bigint PRIMARY KEY, full_name text NOT NULL);\n"
    "CREATE TABLE invoice (id bigint PRIMARY KEY, customer_id bigint REFERENCES client(id),"
    " note text);\n"
)


def test_reimport_with_a_confirmed_rename(page, live_server, django_user_model):
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name="Shop")
    apply_import(project=project, schema=import_text(BEFORE, "postgres").schema)
    customer_id = project_schema(project).table("customer").id

    page.goto(live_server.url + "/p/shop/import/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/p/shop/import/")
    page.fill("textarea[name=text]", AFTER)
    page.get_by_role("button", name="Preview").click()
    changes = page.locator("#import-changes")
    expect(changes).to_contain_text("Add column public.invoice.note text")
    expect(changes).to_contain_text("Drop table public.customer")

    changes.get_by_label("public.customer → client", exact=False).check()
    changes.get_by_role("button", name="Update the changes with these renames").click()
    expect(page.locator("#import-changes")).to_contain_text(
        "Rename table public.customer to client"
    )
    expect(page.locator("#import-changes")).not_to_contain_text("Drop table")
    page.get_by_role("button", name="Import 2 tables").click()
    page.wait_for_url("**/p/shop/")
    assert project_schema(project).table("client").id == customer_id
