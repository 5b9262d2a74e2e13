"""Every fixture plan runs up and down on a real PostgreSQL and lands on the designs;
squawk finds nothing in up.sql but the exceptions named here."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from designer.migrate.diff import diff
from designer.migrate.planner import Plan, plan
from designer.migrate.rehearse import (
    ERR_BUILD,
    ERR_SERVER,
    ERR_TIMEOUT,
    rehearse,
    schema_from_sql,
)
from designer.migrate.render import up_sql
from designer.schema.model import RawStatement, Schema
from designer.sql import server as pgserver

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "before.sql").exists())
SQUAWK = Path(sys.executable).parent / "squawk"


@cache
def load(case: str) -> tuple[Schema, Schema, Plan]:
    d = FIXTURES / case
    renames = (
        json.loads((d / "renames.json").read_text()) if (d / "renames.json").exists() else None
    )
    before = schema_from_sql((d / "before.sql").read_text())
    after = schema_from_sql((d / "after.sql").read_text())
    return before, after, plan(diff(before, after, renames=renames), allow_destructive=True)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_rehearsal_passes_up_and_down(case: str, pg_server_dsn: str) -> None:
    before, after, migration = load(case)
    result = rehearse(before, after, migration, server_dsn=pg_server_dsn)
    assert result.up_differences == ()
    assert result.down_differences == ()
    assert result.passed, result.log


def test_rehearsal_reports_a_plan_that_misses_the_target(pg_server_dsn: str) -> None:
    before, after, _ = load("add_check")
    result = rehearse(before, after, plan([]), server_dsn=pg_server_dsn)
    assert not result.passed
    assert any("customers_score_check" in d for d in result.up_differences)


# Violations squawk reports on steps that are neither destructive nor rewriting, each with
# the reason it is right for this plan. Destructive and rewriting steps are allowed anyway:
# the plan already flags them (and DestructivePlanError guards them).
ALLOWED: dict[str, dict[str, str]] = {
    "add_column_volatile_default": {
        "ban-drop-constraint": "drops the temporary CHECK (token IS NOT NULL) once SET NOT NULL"
        " has used it",
    },
    "set_not_null": {
        "ban-drop-constraint": "drops the temporary CHECK (name IS NOT NULL) once SET NOT NULL"
        " has used it",
    },
    "defaults": {"ban-drop-default": "the design removes the default; no rows change"},
    "drop_check": {"ban-drop-constraint": "the design removes the check"},
    "drop_foreign_key": {"ban-drop-constraint": "the design removes the foreign key"},
    "drop_primary_key": {"ban-drop-constraint": "the design removes the primary key"},
    "drop_unique": {"ban-drop-constraint": "the design removes the unique constraint"},
    "drop_table": {"ban-drop-constraint": "the dropped table's foreign key goes first"},
    "drop_not_null": {"ban-drop-not-null": "the design allows NULL; no rows change"},
    "rename_column": {
        "renaming-column": "confirmed rename; the step's risk says to deploy code"
        " that reads both names first"
    },
    "rename_table": {
        "renaming-table": "confirmed rename; the step's risk says to deploy code first",
        "renaming-object": "the identity sequence follows its table's new name",
    },
    "type_change_with_default": {
        "ban-drop-default": "the default is re-set right after the type change, so it is cast"
        " to the new type as a fresh build casts it"
    },
    "type_no_rewrite": {
        "changing-column-type": "binary-coercible (longer varchar, varchar -> unbounded, more"
        " numeric precision): no rewrite, squawk cannot tell",
        "prefer-text-field": "the design asks for varchar; a design rule for the advisor",
    },
    "view_over_type_change": {
        "ban-drop-view": "the view is dropped only to let its column change and is recreated",
    },
}


def _squawk(text: str, tmp_path: Path) -> list[tuple[int, str]]:
    path = tmp_path / "up.sql"
    path.write_text(text)
    proc = subprocess.run(
        [str(SQUAWK), "--reporter", "json", str(path)], capture_output=True, text=True, timeout=60
    )
    return [(v["line"], v["rule_name"]) for v in json.loads(proc.stdout or "[]")]


@pytest.mark.skipif(not SQUAWK.exists() and not shutil.which("squawk"), reason="squawk-cli missing")
@pytest.mark.parametrize("case", CASES)
def test_squawk_finds_only_named_exceptions(case: str, tmp_path: Path) -> None:
    _, _, migration = load(case)
    text = up_sql(migration)
    starts = [
        (i, int(line.split()[2].rstrip(":")))
        for i, line in enumerate(text.splitlines())
        if line.startswith("-- step ")
    ]
    steps = {s.number: s for s in migration.steps}
    unexpected = []
    for line, rule in _squawk(text, tmp_path):
        number = max(n for start, n in starts if start <= line)
        step = steps[number]
        if step.destructive or step.rewrites or rule in ALLOWED.get(case, {}):
            continue
        unexpected.append(f"step {number} ({step.description}): {rule}")
    assert unexpected == []


def test_allowed_exceptions_are_all_still_needed(tmp_path: Path) -> None:
    if not SQUAWK.exists():
        pytest.skip("squawk-cli missing")
    for case, rules in ALLOWED.items():
        found = {rule for _, rule in _squawk(up_sql(load(case)[2]), tmp_path)}
        assert set(rules) <= found, case


# -- the sandbox and its limits (issue 18) ---------------------------------------------------


def _with_raw(schema: Schema, statement: str) -> Schema:
    return replace(schema, raw=(*schema.raw, RawStatement(sql=statement)))


def test_a_design_that_sleeps_fails_the_rehearsal_at_its_deadline(pg_server_dsn: str) -> None:
    before, after, migration = load("add_check")
    sleepy = _with_raw(
        before, "DO $$ BEGIN SET statement_timeout = 0; PERFORM pg_sleep(400); END $$"
    )
    started = time.monotonic()
    result = rehearse(sleepy, after, migration, server_dsn=pg_server_dsn, timeout_s=3)
    assert time.monotonic() - started < 20
    assert not result.passed
    assert result.up_differences == (ERR_TIMEOUT.format(seconds=3),)


@pytest.mark.parametrize("which", ["before", "after"])
def test_a_statement_past_the_sandbox_timeout_fails_with_a_clear_message(
    which: str, pg_server_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgserver, "STATEMENT_TIMEOUT", "1s")
    before, after, migration = load("add_check")
    sleep = "SELECT pg_sleep(400)"
    if which == "before":
        before = _with_raw(before, sleep)
    else:
        after = _with_raw(after, sleep)
    started = time.monotonic()
    result = rehearse(before, after, migration, server_dsn=pg_server_dsn, timeout_s=60)
    assert time.monotonic() - started < 20
    error = pgserver.ERR_STATEMENT_TIMEOUT.format(timeout="1s")
    assert result.up_differences == (ERR_BUILD.format(which=which, error=error),)


def test_a_design_that_escapes_fails_and_leaves_no_trace(pg_server_dsn: str) -> None:
    marker = Path(f"/tmp/erd-rehearse-escape-{uuid.uuid4().hex}")
    before, after, migration = load("add_check")
    evil = _with_raw(
        after, f"DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch {marker}'''; END $$"
    )
    result = rehearse(before, evil, migration, server_dsn=pg_server_dsn)
    assert not result.passed
    assert "pg_execute_server_program" in result.up_differences[0]
    assert not marker.exists()


def test_an_unavailable_server_is_a_failed_rehearsal_not_an_exception() -> None:
    before, after, migration = load("add_check")
    result = rehearse(before, after, migration, server_dsn="postgresql://u@127.0.0.1:1/postgres")
    assert not result.passed
    assert result.up_differences == (ERR_SERVER,)


def test_a_column_dropped_and_another_added_under_its_name_rehearses(pg_server_dsn: str) -> None:
    # a split moved "note" away, then the user added a new "note": the drop must run first
    before = schema_from_sql("CREATE TABLE t (id integer PRIMARY KEY, note text);")
    after = schema_from_sql("CREATE TABLE t (id integer PRIMARY KEY, note integer);")
    table = before.tables[0]
    before = replace(
        before,
        tables=(
            replace(
                table,
                columns=(
                    replace(table.columns[0], id="id"),
                    replace(table.columns[1], id="old note"),
                ),
            ),
        ),
    )
    new = after.tables[0]
    after = replace(
        after,
        tables=(
            replace(
                new,
                columns=(replace(new.columns[0], id="id"), replace(new.columns[1], id="new note")),
            ),
        ),
    )
    migration = plan(diff(before, after), allow_destructive=True)
    result = rehearse(before, after, migration, server_dsn=pg_server_dsn)
    assert result.passed, result.log
