"""export_schema and render_erd: what a CI pipeline would run."""

import pytest
from django.core.management import CommandError, call_command

from designer.sql import server as pgserver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo():
    call_command("seed_demo")


def test_export_schema_writes_ddl_that_applies(tmp_path, pg_db):
    out = tmp_path / "demo.sql"
    call_command("export_schema", "demo", "--format", "postgres", "-o", str(out))
    ddl = out.read_text()
    assert "CREATE TABLE public.orders" in ddl
    pgserver.apply_sql(pg_db, ddl)


def test_export_schema_to_stdout(capsys):
    call_command("export_schema", "demo", "--format", "postgres")
    assert "CREATE TYPE public.order_status AS ENUM" in capsys.readouterr().out


@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_erd_formats(tmp_path, fmt, magic):
    out = tmp_path / f"erd.{fmt}"
    call_command("render_erd", "demo", "--format", fmt, "-o", str(out))
    assert magic in out.read_bytes()[:400]


def test_render_erd_dot_around_a_table(tmp_path):
    out = tmp_path / "erd.dot"
    call_command(
        "render_erd", "demo", "--format", "dot", "--around", "public.payments", "-o", str(out)
    )
    dot = out.read_text()
    assert "payments" in dot and "orders" in dot  # the neighbour
    assert "categories" not in dot  # two hops away


def test_render_erd_unknown_table_is_a_clear_error():
    with pytest.raises(CommandError, match=r"No table “nope” in this design\."):
        call_command("render_erd", "demo", "--format", "dot", "--around", "nope")
