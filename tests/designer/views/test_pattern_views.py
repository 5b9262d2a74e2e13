"""The patterns page: preview a pattern, apply it, refusals inline, and who may do what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designer.models import DesignColumn, DesignTable
from designer.patterns.base import ERR_COLUMN_TYPE, ERR_UNKNOWN_COLUMN
from designer.patterns.multi_tenancy import ERR_NO_TENANT_TABLES
from designer.patterns.registry import PATTERNS, run_pattern
from designer.schema.model import Table
from designer.selectors.design import project_schema
from designer.services.schema import schema_replace
from designer.views.patterns import APPLIED
from projects.models import Activity, Membership, Role
from projects.services import project_create
from tests.designer.patterns.shop import shop

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def people(django_user_model):
    make = django_user_model.objects.create_user
    return {n: make(n, password="pw-long-enough-1") for n in ("owner", "viewer", "stranger")}


@pytest.fixture
def project(people):
    project = project_create(owner=people["owner"], name="Shop")
    Membership.objects.create(project=project, user=people["viewer"], role=Role.VIEWER)
    schema_replace(project=project, schema=shop())
    return project


def preview_url(project, pattern_id):
    return reverse("pattern_preview", args=[project.slug, pattern_id])


def apply_url(project, pattern_id):
    return reverse("pattern_apply", args=[project.slug, pattern_id])


def test_page_lists_every_pattern_and_the_tables(client, people, project):
    client.force_login(people["viewer"])
    response = client.get(reverse("pattern_page", args=[project.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for p in PATTERNS.values():
        assert p.title in html
        assert preview_url(project, p.id) in html
    assert '<option value="customers"' in html and "All tables" in html


def test_preview_shows_changes_ddl_notes_and_examples_without_writing(client, people, project):
    client.force_login(people["viewer"])
    before = project_schema(project)
    response = client.get(
        preview_url(project, "soft-delete"),
        {"table": "customers", "column": "deleted_at", "live_index": ["0", "1"]},
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Add column public.customers.deleted_at timestamp with time zone" in html
    assert "customers_email_live_key" in html
    assert "deleted_at IS NULL" in html
    assert "SELECT * FROM customers WHERE deleted_at IS NULL;" in html
    assert "<html" not in html  # the fragment only
    assert "Your role lets you preview, not apply." in html
    assert project_schema(project) == before


def test_preview_without_htmx_is_the_whole_page(client, people, project):
    client.force_login(people["owner"])
    response = client.get(preview_url(project, "job-queue"), {"name": "jobs"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "Create table public.jobs" in html and "FOR UPDATE SKIP LOCKED" in html
    assert "Apply to the design" in html


def test_apply_writes_the_design_keeps_ids_and_tells_the_page(client, people, project):
    client.force_login(people["owner"])
    orders_uid = DesignTable.objects.get(project=project, name="orders").uid
    response = client.post(apply_url(project, "audit-columns"), {"table": "orders"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert APPLIED.format(title="Audit columns") in html
    assert reverse("editor", args=[project.slug]) in html
    assert "schema-changed" in response["HX-Trigger"]
    orders = DesignTable.objects.get(project=project, name="orders")
    assert orders.uid == orders_uid
    assert list(
        DesignColumn.objects.filter(table=orders)
        .order_by("position")
        .values_list("name", flat=True)
    ) == ["id", "customer_id", "placed_at", "total", "created_at", "updated_at"]
    schema = project_schema(project)
    assert [r.phase for r in schema.raw] == ["pre", "post"]
    assert Activity.objects.filter(project=project, verb="applied pattern").exists()


def test_apply_to_every_table_then_again_is_refused_inline(client, people, project):
    client.force_login(people["owner"])
    response = client.post(apply_url(project, "multi-tenancy"), {"table": ""}, **HX)
    assert response.status_code == 200
    schema = project_schema(project)
    assert schema.table("orders").rls_forced and schema.table("tenants") is not None
    response = client.post(apply_url(project, "multi-tenancy"), {"table": ""}, **HX)
    assert response.status_code == 422
    assert ERR_NO_TENANT_TABLES in response.content.decode()
    assert project_schema(project) == schema


def test_pattern_errors_show_inline_with_422_and_change_nothing(client, people, project):
    client.force_login(people["owner"])
    before = project_schema(project)
    response = client.get(
        preview_url(project, "monthly-range-partitioning"),
        {"table": "orders", "column": "total"},
        **HX,
    )
    assert response.status_code == 422
    message = ERR_COLUMN_TYPE.format(
        table="public.orders",
        column="total",
        type="numeric(12,2)",
        expected="timestamptz, timestamp or date",
    )
    assert message in response.content.decode()
    response = client.post(
        apply_url(project, "monthly-range-partitioning"),
        {"table": "customers", "column": "placed_at"},
        **HX,
    )
    assert response.status_code == 422
    assert (
        ERR_UNKNOWN_COLUMN.format(table="public.customers", column="placed_at")
        in response.content.decode()
    )
    assert project_schema(project) == before


def test_unknown_pattern_is_404(client, people, project):
    client.force_login(people["owner"])
    assert client.get(preview_url(project, "nope")).status_code == 404


def test_non_members_get_404_and_viewers_403_on_apply(client, people, project):
    client.force_login(people["stranger"])
    assert client.get(reverse("pattern_page", args=[project.slug])).status_code == 404
    assert client.get(preview_url(project, "soft-delete"), {"table": "orders"}).status_code == 404
    assert client.post(apply_url(project, "soft-delete"), {"table": "orders"}).status_code == 404
    client.force_login(people["viewer"])
    before = project_schema(project)
    assert client.post(apply_url(project, "soft-delete"), {"table": "orders"}).status_code == 403
    assert project_schema(project) == before


def test_apply_refuses_get(client, people, project):
    client.force_login(people["owner"])
    assert client.get(apply_url(project, "soft-delete")).status_code == 405


def test_page_queries_do_not_grow_with_tables(
    client, people, project, django_assert_max_num_queries
):
    client.force_login(people["owner"])
    url = reverse("pattern_page", args=[project.slug])
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    schema = project_schema(project)
    for n in range(10):
        schema = schema.with_table(Table(name=f"extra_{n}"))
    schema_replace(project=project, schema=schema)
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert (
            client.get(url).content.decode().count('value="extra_9"') == 7
        )  # one per table select


@pytest.mark.parametrize(
    ("pattern_id", "data"),
    [
        (
            "monthly-range-partitioning",
            {"table": "orders", "column": "placed_at", "months": "2", "default_partition": "1"},
        ),
        ("temporal-validity", {"table": "prices", "key": "", "column": "valid"}),
        ("audit-log", {"table": "customers"}),
    ],
)
def test_applied_design_reads_back_exactly(client, people, project, pattern_id, data):
    client.force_login(people["owner"])
    expected = run_pattern(
        project_schema(project),
        pattern_id,
        data["table"],
        {k: v for k, v in data.items() if k != "table"},
    ).schema
    assert client.post(apply_url(project, pattern_id), data, **HX).status_code == 200
    assert project_schema(project) == expected
