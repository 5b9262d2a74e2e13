"""``lint_schema``: the advisor for CI, on a project or on a SQL/DBML file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from designer.selectors.advisor import project_findings
from designer.services import advisor
from designer.services.imports import import_text
from designer.services.schema import schema_replace
from projects.services import project_create

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]

# One error (pk-missing), one warning (json-not-jsonb), one info (isolated-table x2).
SQL = """
CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload json);
CREATE TABLE scratch (note text);
"""
WARNING_ONLY_SQL = "CREATE TABLE events (id bigint PRIMARY KEY, payload json);"
DBML = """
Table authors {
  id bigint [pk]
  name varchar(255) [not null]
}
Table books {
  id bigint [pk]
  author_id bigint [not null, ref: > authors.id]
  title text [not null]
}
"""


@pytest.fixture
def project(django_user_model):
    owner = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    project = project_create(owner=owner, name="Events")
    schema_replace(project=project, schema=import_text(SQL, "postgres").schema)
    return project


def lint(*args: str) -> tuple[int, str]:
    """(exit status, stdout) of ``lint_schema`` run in-process."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("lint_schema", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_json_lists_rule_severity_object_message_and_fix(project):
    status, out = lint(project.slug, "--format", "json")
    data = json.loads(out)
    assert status == 1  # pk-missing is an error
    assert {"rule", "severity", "object", "message", "fix"} <= set(data[0])
    by_rule = {d["rule"]: d for d in data}
    assert by_rule["pk-missing"]["object"] == "public.scratch"
    assert by_rule["json-not-jsonb"]["fix"] == "Change events.payload to jsonb"
    assert by_rule["isolated-table"]["fix"] is None


def test_text_has_one_line_per_finding_and_a_summary(project):
    _, out = lint(project.slug)
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["error", "pk-missing", "public.scratch"]
    assert len(lines) == len(project_findings(project)) + 1
    assert lines[-1] == "4 findings: 1 error(s), 1 warning(s), 2 info."


def test_project_settings_and_dismissals_apply(project):
    advisor.rule_setting_save(project=project, rule="pk-missing", severity="warning")
    assert lint(project.slug)[0] == 0
    advisor.finding_dismiss(
        project=project, rule="json-not-jsonb", object="public.events.payload", reason="legacy"
    )
    status, out = lint(project.slug, "--fail-on", "warning")
    assert status == 1 and "json-not-jsonb" not in out


@pytest.mark.parametrize(
    ("sql", "fail_on", "status"),
    [
        (SQL, "error", 1),
        (WARNING_ONLY_SQL, "error", 0),
        (WARNING_ONLY_SQL, "warning", 1),
        ("CREATE TABLE t (id bigint PRIMARY KEY, active boolean);", "warning", 0),
        ("CREATE TABLE t (id bigint PRIMARY KEY, active boolean);", "info", 1),  # nullable-boolean
    ],
)
def test_exit_status_follows_fail_on(tmp_path, sql, fail_on, status):
    path = tmp_path / "schema.sql"
    path.write_text(sql)
    assert lint("--file", str(path), "--fail-on", fail_on)[0] == status


def test_file_mode_reads_a_dbml_file(tmp_path):
    path = tmp_path / "library.dbml"
    path.write_text(DBML)
    status, out = lint("--file", str(path), "--format", "json", "--fail-on", "warning")
    rules = {(d["rule"], d["object"]) for d in json.loads(out)}
    assert ("varchar-arbitrary-length", "public.authors.name") in rules
    assert ("fk-missing-index", "public.books.books_author_id_fkey") in rules
    assert status == 1


def test_bad_input_exits_2_with_a_clear_message(tmp_path):
    bad = tmp_path / "broken.sql"
    bad.write_text("CREATE TABLE (;")
    with pytest.raises(CommandError, match=r"broken\.sql: .*cannot parse") as exc:
        call_command("lint_schema", "--file", str(bad))
    assert exc.value.returncode == 2
    assert lint("--file", str(tmp_path / "missing.sql"))[0] == 2
    assert lint("no-such-project")[0] == 2
    assert lint()[0] == 2


def test_real_process_exit_codes(tmp_path):
    """What a CI job sees: the process status, findings on stdout, errors on stderr."""
    good, bad = tmp_path / "good.sql", tmp_path / "bad.sql"
    good.write_text(WARNING_ONLY_SQL)
    bad.write_text("this is not sql")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "manage.py", "lint_schema", *args]
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)

    ok = run("--file", str(good))
    assert ok.returncode == 0 and "json-not-jsonb" in ok.stdout
    assert run("--file", str(good), "--fail-on", "warning").returncode == 1
    broken = run("--file", str(bad))
    assert broken.returncode == 2 and "bad.sql" in broken.stderr
