"""The advisor in the editor (counter, panel findings, diagram badges) and the Advisor page."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designer.models import DesignTable, FindingDismissal
from designer.selectors.advisor import project_findings, severity_counts
from designer.selectors.design import project_schema
from designer.services import advisor
from designer.services.columns import column_add
from designer.services.imports import import_text
from designer.services.schema import schema_replace
from designer.services.tables import table_create
from projects.models import Comment, Membership, Role
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "pw-long-enough-1"

SQL = """
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL,
    settings json);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id), placed_at timestamptz NOT NULL);
CREATE TABLE audit_log (message text NOT NULL);
"""
FK_INDEX = ("fk-missing-index", "public.orders.orders_customer_id_fkey")
JSON = ("json-not-jsonb", "public.customers.settings")


@pytest.fixture
def people(django_user_model):
    make = django_user_model.objects.create_user
    return {name: make(name, password=PASSWORD) for name in ("owner", "viewer", "stranger")}


@pytest.fixture
def project(people, client):
    project = project_create(owner=people["owner"], name="Shop")
    Membership.objects.create(project=project, user=people["viewer"], role=Role.VIEWER)
    schema_replace(project=project, schema=import_text(SQL, "postgres").schema)
    client.force_login(people["owner"])
    return project


def table(project, name: str) -> DesignTable:
    return DesignTable.objects.get(project=project, name=name)


def url(name: str, project, *args) -> str:
    return reverse(name, args=[project.slug, *args])


def triggers(response) -> dict:
    return json.loads(response.headers.get("HX-Trigger", "{}"))


def test_editor_header_counts_findings_by_severity(client, project):
    html = client.get(url("editor", project)).content.decode()
    counts = severity_counts(project_findings(project))
    assert counts == {"error": 1, "warning": 3, "info": 1}
    assert 'id="findings-counter"' in html
    assert 'class="fc fc-error">1</span>' in html
    assert 'class="fc fc-warning">3</span>' in html
    assert f'href="{url("advisor", project)}"' in html
    assert 'hx-trigger="schema-changed from:body, findings-changed from:body"' in html


def test_counter_fragment_refreshes_after_a_change(client, project):
    table_create(project=project, name="lonely")  # related to nothing: one more info
    html = client.get(url("advisor_counter", project), **HX).content.decode()
    assert html.startswith('<a id="findings-counter"')
    assert 'class="fc fc-info">2</span>' in html


def test_editor_links_to_the_other_project_pages(client, project):
    html = client.get(url("editor", project)).content.decode()
    for page in ("patterns", "members", "versions", "reviews", "activity"):
        assert f'href="/p/{project.slug}/{page}/"' in html


def test_panel_lists_the_tables_findings_with_fix_and_dismiss(client, project):
    orders = table(project, "orders")
    html = client.get(url("table_panel", project, orders.uid), **HX).content.decode()
    assert "panel-findings" in html and "fk-missing-index" in html
    assert "json-not-jsonb" not in html  # a customers finding
    assert ">Fix</button>" in html and "Dismiss finding" in html
    assert f'name="table" value="{orders.uid}"' in html


def test_viewer_sees_findings_without_fix_or_dismiss(client, project, people):
    client.force_login(people["viewer"])
    html = client.get(url("table_panel", project, table(project, "orders").uid), **HX)
    html = html.content.decode()
    assert "fk-missing-index" in html
    assert ">Fix</button>" not in html and "Dismiss finding" not in html


def test_fix_from_the_panel_changes_the_design_and_answers_with_the_panel(client, project):
    orders = table(project, "orders")
    response = client.post(
        url("finding_fix", project),
        {"rule": FK_INDEX[0], "object": FK_INDEX[1], "table": orders.uid},
        **HX,
    )
    assert response.status_code == 200
    assert {"schema-changed", "findings-changed"} <= set(triggers(response))
    assert response["HX-Retarget"] == "#panel"
    html = response.content.decode()
    assert "orders_customer_id_idx" in html and "fk-missing-index" not in html
    indexes = project_schema(project).table("public.orders").indexes
    assert [i.name for i in indexes] == ["orders_customer_id_idx"]
    assert table(project, "orders").uid == orders.uid


def test_fix_from_the_advisor_page_answers_204_and_an_event(client, project):
    response = client.post(url("finding_fix", project), {"rule": JSON[0], "object": JSON[1]}, **HX)
    assert response.status_code == 204
    assert "schema-changed" in triggers(response)
    assert project_schema(project).table("public.customers").column("settings").type == "jsonb"


def test_fix_without_javascript_redirects_back(client, project):
    response = client.post(url("finding_fix", project), {"rule": JSON[0], "object": JSON[1]})
    assert response.status_code == 302 and response["Location"] == url("advisor", project)


def test_fix_of_a_finding_that_is_gone_is_a_409_with_the_reason(client, project):
    data = {"rule": JSON[0], "object": JSON[1]}
    client.post(url("finding_fix", project), data, **HX)
    response = client.post(url("finding_fix", project), data, **HX)
    assert response.status_code == 409
    assert response.content.decode() == advisor.ERR_FINDING_GONE


def test_dismiss_needs_a_reason_and_says_so_inline(client, project):
    orders = table(project, "orders")
    data = {"rule": FK_INDEX[0], "object": FK_INDEX[1], "table": orders.uid, "reason": " "}
    response = client.post(url("finding_dismiss", project), data, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form class="dismiss-form"')
    assert advisor.ERR_REASON_REQUIRED in html and 'aria-invalid="true"' in html
    assert not FindingDismissal.objects.exists()


def test_dismiss_from_the_panel_hides_the_finding_and_keeps_the_reason(client, project):
    orders = table(project, "orders")
    data = {"rule": FK_INDEX[0], "object": FK_INDEX[1], "table": orders.uid, "reason": "Tiny"}
    response = client.post(url("finding_dismiss", project), data, **HX)
    assert response.status_code == 200 and "findings-changed" in triggers(response)
    assert "fk-missing-index" not in response.content.decode()
    page = client.get(url("advisor", project)).content.decode()
    assert "Tiny" in page and "Restore" in page


def test_restore_brings_a_dismissed_finding_back(client, project, people):
    advisor.finding_dismiss(
        project=project, rule=JSON[0], object=JSON[1], reason="later", actor=people["owner"]
    )
    data = {"rule": JSON[0], "object": JSON[1]}
    response = client.post(url("finding_restore", project), data, **HX)
    assert response.status_code == 204 and "findings-changed" in triggers(response)
    assert JSON in {(f.rule, f.object) for f in project_findings(project)}


def test_rule_settings_change_the_advisor_page(client, project):
    response = client.post(
        url("rule_setting", project, "json-not-jsonb"), {"severity": "off"}, **HX
    )
    assert response.status_code == 204
    html = client.get(url("advisor", project), **HX).content.decode()
    assert 'data-rule="json-not-jsonb"' not in html
    response = client.post(url("rule_setting", project, "pk-missing"), {"severity": "loud"}, **HX)
    assert response.status_code == 400


def test_advisor_page_filters_by_severity_rule_and_table(client, project):
    page = url("advisor", project)
    html = client.get(page).content.decode()
    assert html.count('class="finding finding-') == 5
    html = client.get(page, {"severity": "warning"}, **HX).content.decode()
    assert html.lstrip().startswith('<div id="advisor-body"')
    assert html.count('class="finding finding-warning"') == 3
    assert 'class="finding finding-info"' not in html
    html = client.get(page, {"rule": "pk-missing"}, **HX).content.decode()
    assert html.count('data-rule="') == 1 and 'data-rule="pk-missing"' in html
    html = client.get(page, {"q": "custom"}, **HX).content.decode()
    assert 'data-rule="json-not-jsonb"' in html and 'data-rule="pk-missing"' not in html


def test_non_members_get_404_everywhere(client, project, people):
    client.force_login(people["stranger"])
    data = {"rule": JSON[0], "object": JSON[1], "reason": "x", "severity": "off"}
    for name in ("advisor", "advisor_counter"):
        assert client.get(url(name, project)).status_code == 404
    for name in ("finding_fix", "finding_dismiss", "finding_restore"):
        assert client.post(url(name, project), data).status_code == 404
    assert client.post(url("rule_setting", project, "pk-missing"), data).status_code == 404


def test_viewers_read_findings_but_cannot_fix_dismiss_or_change_settings(client, project, people):
    client.force_login(people["viewer"])
    html = client.get(url("advisor", project)).content.decode()
    assert "json-not-jsonb" in html and ">Fix</button>" not in html and "disabled" in html
    data = {"rule": JSON[0], "object": JSON[1], "reason": "x", "severity": "off"}
    for name in ("finding_fix", "finding_dismiss", "finding_restore"):
        assert client.post(url(name, project), data, **HX).status_code == 403
    assert client.post(url("rule_setting", project, "pk-missing"), data).status_code == 403
    assert project_schema(project).table("public.customers").column("settings").type == "json"


def test_diagram_marks_tables_with_findings_and_open_comment_threads(client, project, people):
    customers = table(project, "customers")
    Comment.objects.create(
        project=project, author=people["owner"], anchor_kind="table", anchor=customers.uid, body="?"
    )
    dot = client.get(url("diagram", project, "dot"), {"markers": "1"}).content.decode()
    assert "⚠ 2 💬 1" in dot  # customers: json-not-jsonb and natural-key, plus the thread
    assert "⚠ 1" in dot  # orders: fk-missing-index; audit_log: pk-missing
    svg = client.get(url("diagram", project, "svg"), **HX).content.decode()
    assert "⚠ 2 💬 1" in svg
    plain = client.get(url("diagram", project, "dot")).content.decode()
    assert "⚠" not in plain  # downloads stay clean unless asked


def test_advisor_page_queries_do_not_grow_with_tables(
    client, project, django_assert_max_num_queries
):
    def grow(n: int, prefix: str) -> None:
        for i in range(n):
            t, _ = table_create(project=project, name=f"{prefix}{i}")
            column_add(table=t, name="payload", data_type="json")

    grow(2, "t")  # five tables in all
    page = url("advisor", project)
    with CaptureQueriesContext(connection) as five:
        assert client.get(page).status_code == 200
    grow(45, "u")
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = client.get(page)
    assert response.content.decode().count('data-rule="json-not-jsonb"') == 48


def test_dismiss_without_javascript_shows_the_page_with_the_error(client, project):
    data = {"rule": JSON[0], "object": JSON[1], "reason": ""}
    response = client.post(url("finding_dismiss", project), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<!doctype html>" in html.lower() and advisor.ERR_REASON_REQUIRED in html
    orders = table(project, "orders")
    data = {"rule": FK_INDEX[0], "object": FK_INDEX[1], "table": orders.uid, "reason": ""}
    html = client.post(url("finding_dismiss", project), data).content.decode()
    assert 'class="table-panel"' in html and advisor.ERR_REASON_REQUIRED in html
