"""The index table page and the design document."""

import re

import pytest
from django.core.management import call_command

from designer.models import DesignTable
from designer.services.columns import column_add
from designer.services.indexes import index_delete
from designer.services.versions import snapshot_create
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(client, django_user_model):
    call_command("seed_demo")
    client.force_login(django_user_model.objects.get(username="admin"))
    return Project.objects.get(slug="demo")


def test_index_table_lists_keys_and_indexes_with_purpose_and_sorts(client, project):
    html = client.get("/p/demo/indexes/").content.decode()
    assert "orders_customer_recent_idx" in html
    assert "A customer&#x27;s order history, newest first" in html
    assert "orders_pkey" in html and "primary key" in html
    by_kind = client.get("/p/demo/indexes/?sort=kind&desc=1").content.decode()
    assert by_kind.index("unique constraint") < by_kind.index("primary key")


def _rows(html: str, name: str) -> list[str]:
    """The index table's rows of the key or index ``name``."""
    return re.findall(
        rf"<tr[^>]*>\s*<td><code>[^<]*</code></td>\s*<td><code>{name}</code></td>.*?</tr>",
        html,
        re.S,
    )


def test_index_table_flags_a_foreign_key_without_index(client, project):
    html = client.get("/p/demo/indexes/").content.decode()
    (index,) = _rows(html, "shipments_order_id_idx")
    assert "shipments_order_id_fkey: (order_id)" in index  # covered: no row of its own
    assert _rows(html, "shipments_order_id_fkey") == []
    shipments = DesignTable.objects.get(project=project, name="shipments")
    index_delete(index=shipments.indexes.get(name="shipments_order_id_idx"))
    (fk,) = _rows(client.get("/p/demo/indexes/").content.decode(), "shipments_order_id_fkey")
    assert '<span class="ix-flag">FK without index</span>' in fk


def test_design_document_has_tables_findings_and_latest_plan(client, project):
    snapshot_create(project=project, name="v1")
    orders = DesignTable.objects.get(project=project, name="orders")
    column_add(table=orders, name="coupon_code", data_type="varchar(255)")
    html = client.get("/p/demo/document/").content.decode()
    assert "Demo shop" in html and "orders" in html
    assert "varchar-arbitrary-length" in html  # an advisor finding about the new column
    assert "coupon_code" in html and "ADD COLUMN" in html  # the latest migration plan
    md = client.get("/p/demo/document.md")
    assert md["Content-Disposition"].endswith('demo-design.md"')
    assert "```mermaid" in md.content.decode()


def test_documents_are_not_shown_to_non_members(client, project, django_user_model):
    client.force_login(django_user_model.objects.create_user("x", password="pw-long-enough-1"))
    for url in ("/p/demo/indexes/", "/p/demo/document/", "/p/demo/document.md"):
        assert client.get(url).status_code == 404
