"""The workbench page: viewers look, editors add queries, run (in the background) and apply."""

import pytest
from django.core.management import call_command

from designer.models import DesignIndex, KeyQuery, WorkbenchRun
from projects.models import Membership, Project, Role

pytestmark = pytest.mark.django_db

URL = "/p/demo/workbench/"
QUERY = {
    "name": "payments of an order",
    "sql": "SELECT id, amount FROM payments WHERE order_id = $1",
    "params": "7",
}


@pytest.fixture
def project(client, django_user_model, settings, monkeypatch, pg_server_dsn):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    settings.ERD_JOBS_EAGER = True
    call_command("seed_demo")
    client.force_login(django_user_model.objects.get(username="admin"))
    return Project.objects.get(slug="demo")


@pytest.fixture
def viewer(client, django_user_model, project):
    user = django_user_model.objects.create_user("vera", password="x")
    Membership.objects.create(project=project, user=user, role=Role.VIEWER)
    client.force_login(user)
    return user


def test_viewers_see_capacity_and_runs_but_cannot_change_anything(client, project, viewer):
    from designer.models import DesignTable

    assert "No table has an expected row count yet" in client.get(URL).content.decode()
    DesignTable.objects.filter(project=project, name="orders").update(
        options={"expected_rows": 1000, "yearly_growth": 10}
    )
    html = client.get(URL).content.decode()
    assert "<td><code>orders</code></td><td>1,000</td><td>10 %</td>" in html
    assert "Add key query" not in html and "Run the workbench" not in html
    assert client.post(URL + "queries/", QUERY).status_code == 403
    assert client.post(URL + "runs/", {"scale": "0.1"}).status_code == 403
    assert not KeyQuery.objects.exists()


def test_non_members_get_404(client, project, django_user_model):
    client.force_login(django_user_model.objects.create_user("stranger", password="x"))
    assert client.get(URL).status_code == 404


def test_bad_sql_is_answered_beside_the_form(client, project):
    response = client.post(
        URL + "queries/", {"name": "q", "sql": "SELEC 1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "q: the SQL does not parse" in response.content.decode()
    assert not KeyQuery.objects.exists()


def test_an_editor_runs_the_workbench_and_adds_the_proven_index(
    client, project, django_capture_on_commit_callbacks
):
    # the demo indexes payments.order_id; without it the lookup scans
    DesignIndex.objects.filter(table__project=project, name="payments_order_id_idx").delete()
    client.post(URL + "queries/", QUERY, HTTP_HX_REQUEST="true")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL + "runs/", {"scale": "20"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    run = WorkbenchRun.objects.get()
    assert run.state == "done", run.error
    html = client.get(f"{URL}runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "seq scan: payments" in html and "wb-slowest" in html
    [query] = run.result["queries"]
    [proven] = [s for s in query["suggestions"] if s["proven"]]
    assert "(order_id)" in proven["ddl"]
    applied = client.post(
        f"{URL}runs/{run.pk}/apply/",
        {"query": QUERY["name"], "ddl": proven["ddl"]},
        HTTP_HX_REQUEST="true",
    )
    assert applied.status_code == 200
    index = DesignIndex.objects.get(table__project=project, name=proven["index"]["name"])
    assert index.purpose.startswith("payments of an order (")
    # the design document carries the architect's format: problem plan, fix, measured gain
    document = client.get("/p/demo/document.md").content.decode()
    section = document.split("## Key queries, measured", 1)[1]
    assert "### payments of an order" in section and "Problem plan" in section
    assert "Optimised plan" in section and proven["index"]["name"] in section


def test_an_editor_sets_a_tables_scale_and_sees_its_capacity(client, project):
    from designer.models import DesignTable
    from designer.selectors.design import project_schema

    orders = DesignTable.objects.get(project=project, name="orders")
    url = f"/p/demo/tables/{orders.uid}/scale/"
    stale = {"expected_rows": "10", "yearly_growth": "5", "version": orders.version - 1}
    assert client.post(url, stale, HTTP_HX_REQUEST="true").status_code == 422
    bad = {"expected_rows": "lots", "yearly_growth": "5", "version": orders.version}
    bad = client.post(url, bad, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert "Expected rows must be a whole number" in bad.content.decode()
    good = {"expected_rows": "1,000,000", "yearly_growth": "25", "version": orders.version}
    ok = client.post(url, good, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200
    assert "in 3 years 1,953,125 rows" in ok.content.decode()
    table = project_schema(project).table("orders")
    assert (table.expected_rows, table.yearly_growth) == (1_000_000, 25.0)


def test_the_advisor_flags_indexes_no_key_query_uses_after_a_run(project):
    from designer.selectors.advisor import project_findings

    assert not [f for f in project_findings(project) if f.rule == "index-unused-by-key-queries"]
    plan = {"node_type": "Index Scan", "index": "orders_customer_recent_idx", "children": []}
    WorkbenchRun.objects.create(
        project=project,
        state="done",
        result={"queries": [{"name": "q", "plan_before": {"plan": plan}, "plan_after": None}]},
    )
    flagged = {
        f.object for f in project_findings(project) if f.rule == "index-unused-by-key-queries"
    }
    assert "public.orders.orders_shipping_address_id_idx" in flagged
    assert not any("orders_customer_recent_idx" in o for o in flagged)
