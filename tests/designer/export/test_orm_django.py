"""The Django export is a models.py that Django accepts: check, makemigrations, migrate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import conninfo

from designer.demo import demo_schema
from designer.export.orm_django import WARN_ON_DELETE, export_django
from designer.schema.model import Schema

SETTINGS = """
SECRET_KEY = "scratch"
USE_TZ = True
INSTALLED_APPS = ["django.contrib.postgres", "scratchapp"]
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.postgresql",
    "NAME": {name!r}, "USER": {user!r}, "PASSWORD": {password!r},
    "HOST": {host!r}, "PORT": {port!r},
}}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""


def scratch_project(tmp_path: Path, schema: Schema, dsn: str) -> Path:
    params = conninfo.conninfo_to_dict(dsn)
    (tmp_path / "scratch_settings.py").write_text(
        SETTINGS.format(
            name=params.get("dbname"),
            user=params.get("user", ""),
            password=params.get("password", ""),
            host=params.get("host", ""),
            port=str(params.get("port", "")),
        )
    )
    app = tmp_path / "scratchapp"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(export_django(schema).text, encoding="utf-8")
    return tmp_path


def django(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project), "DJANGO_SETTINGS_MODULE": "scratch_settings"}
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_django_checks_migrates_and_builds_the_demo(tmp_path: Path, pg_db: str) -> None:
    project = scratch_project(tmp_path, demo_schema(), pg_db)
    for command in (["check"], ["makemigrations", "scratchapp"], ["migrate", "scratchapp"]):
        proc = django(project, *command)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    with psycopg.connect(pg_db) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        pk = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'order_items'::regclass AND contype = 'p'"
        ).fetchone()
    assert {t.name for t in demo_schema().tables} <= {r[0] for r in rows}
    assert pk == ("PRIMARY KEY (order_id, product_id)",)


def test_django_fields_follow_the_column_types() -> None:
    result = export_django(demo_schema())
    text = result.text
    assert "class Customers(models.Model):" in text
    assert "id = models.BigAutoField(primary_key=True)" in text
    assert "price = models.DecimalField(max_digits=12, decimal_places=2)" in text
    assert "created_at = models.DateTimeField(db_default=Now())" in text
    assert (
        "customer = models.ForeignKey('Customers', on_delete=models.RESTRICT, "
        "db_column='customer_id', related_name='orders')" in text
    )
    assert "pk = models.CompositePrimaryKey('order', 'product')" in text
    assert "class OrderStatusChoices(models.TextChoices):" in text
    assert "db_table_comment = 'People who buy from the shop'" in text
    assert WARN_ON_DELETE in result.warnings
    assert any("uses enum public.order_status" in w for w in result.warnings)
