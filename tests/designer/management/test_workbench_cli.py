"""sample_data and explain_queries, as a CI pipeline runs them."""

import json

import pytest
from django.core.management import CommandError, call_command

from designer.models import KeyQuery
from projects.models import Project

pytestmark = pytest.mark.django_db

QUERIES = """\
-- name: orders of a customer
-- params: 7
SELECT id, total FROM orders WHERE customer_id = $1;
"""


@pytest.fixture
def demo(monkeypatch, pg_server_dsn):
    monkeypatch.setenv("ERD_PG_DSN", pg_server_dsn)
    call_command("seed_demo")
    return Project.objects.get(slug="demo")


def test_sample_data_writes_a_seed_script_and_csv_per_table(demo, tmp_path, capsys):
    call_command("sample_data", "demo", "--rows", "orders=25", "--scale", "0.01")
    script = capsys.readouterr().out
    assert script.count("INSERT INTO public.orders") == 1
    assert "ON CONFLICT DO NOTHING" in script
    call_command("sample_data", "demo", "--format", "csv", "--scale", "0.01", "-o", str(tmp_path))
    assert (tmp_path / "public.customers.csv").read_text().startswith('"id","email"')
    with pytest.raises(CommandError, match="--rows wants TABLE=N"):
        call_command("sample_data", "demo", "--rows", "orders")


def test_explain_queries_json_with_suggestions(demo, tmp_path, capsys):
    path = tmp_path / "q.sql"
    # the demo's orders are indexed by customer: no suggestion needed, nothing scanned
    path.write_text(QUERIES)
    call_command(
        "explain_queries",
        "demo",
        "--query-file",
        str(path),
        "--rows",
        "orders=20000",
        "--scale",
        "0.1",
        "--suggest",
        "--format",
        "json",
    )
    data = json.loads(capsys.readouterr().out)
    [query] = data["queries"]
    assert query["name"] == "orders of a customer"
    assert query["seq_scans_before"] == [] and query["before_ms"] > 0
    assert query["suggestions"] == []


def test_explain_queries_uses_the_projects_key_queries_and_exits_1_on_a_bad_one(demo, capsys):
    KeyQuery.objects.create(project=demo, name="good", sql="SELECT count(*) FROM orders")
    KeyQuery.objects.create(project=demo, name="bad", sql="SELECT nope FROM orders")
    with pytest.raises(CommandError) as info:
        call_command("explain_queries", "demo", "--scale", "0.01", "--format", "markdown")
    assert info.value.returncode == 1
    out = capsys.readouterr()
    assert "## good" in out.out and "Problem plan" in out.out
    assert "bad: unknown column nope." in out.err
