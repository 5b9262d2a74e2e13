"""Round-trip proof: original SQL and import -> export give the same catalog on PostgreSQL.

For each corpus schema and each hand-written fixture: apply the original to database A,
import it, export it with ``export_postgres``, apply that to database B, and compare
``pg_dump --schema-only`` of A and B, order-insensitively. Also: export -> re-import gives
an equal Schema. A file that still differs is marked xfail(strict) naming the gap.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from designer import realpg
from designer.schema.model import Schema
from designer.sql.import_postgres import import_postgres

export_module = pytest.importorskip(
    "designer.sql.export_postgres", reason="the PostgreSQL exporter is not written yet"
)
export_postgres: Callable[[Schema], object] = export_module.export_postgres

# Unfinished: export_postgres is being written at the same time (it currently raises inside
# designer/sql/export.py), so no gap can be triaged yet. Remove this marker once it is done;
# then list each remaining gap in KNOWN_GAPS.
pytestmark = pytest.mark.skip(
    reason="export_postgres is still being written; round-trip triage pending"
)

FIXTURES = Path(__file__).parent / "fixtures" / "postgres"
_NOISE = re.compile(r"^(--|SET |SELECT pg_catalog\.set_config\(|\\restrict |\\unrestrict )")

# file -> files applied first, each in its own session (psql run)
CORPUS: dict[str, tuple[str, ...]] = {
    "pagila.sql": (),
    "pagila_temporal.sql": ("pagila.sql",),
    "chinook.sql": (),
    "northwind.sql": (),
    "adventureworks.sql": (),
    "openstreetmap_website.sql": (),
    "graphile_starter.sql": (),
}
# cluster-wide set-up (roles) run before the file on both databases; idempotent
PRELUDES = {"graphile_starter.sql": "graphile_starter.prelude.sql"}
# file -> the precise remaining gap; strict, so fixing the gap turns the test red
KNOWN_GAPS: dict[str, str] = {}


def dump_lines(dump: str) -> list[str]:
    """The lines of a pg_dump that describe objects: comments, settings and blanks dropped."""
    return sorted(
        line.rstrip() for line in dump.splitlines() if line.strip() and not _NOISE.match(line)
    )


def dump_difference(original: str, roundtrip: str) -> str:
    """A readable, order-insensitive diff of two pg_dump outputs ("" when they agree)."""
    a, b = Counter(dump_lines(original)), Counter(dump_lines(roundtrip))
    if a == b:
        return ""
    only_a = sorted((a - b).elements())
    only_b = sorted((b - a).elements())
    diff = difflib.unified_diff(
        only_a,
        only_b,
        "original (lines missing after round trip)",
        "round trip (extra lines)",
        lineterm="",
        n=0,
    )
    return "\n".join(diff)


def _export_text(schema: Schema) -> str:
    return export_postgres(schema).text  # type: ignore[attr-defined]


def _apply_both(a: str, b: str, files: list[tuple[str, str]]) -> None:
    for original_sql, _name in files:
        realpg.apply_sql(a, original_sql)
        realpg.apply_sql(b, _export_text(import_postgres(original_sql, source_name=_name).schema))


def _case(name: str, gaps: dict[str, str]) -> object:
    if name in gaps:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=gaps[name]))
    return name


def _roundtrip(pg_server_dsn: str, files: list[tuple[str, str]]) -> str:
    with (
        realpg.scratch_database(pg_server_dsn, prefix="erd_rt_a") as a,
        realpg.scratch_database(pg_server_dsn, prefix="erd_rt_b") as b,
    ):
        _apply_both(a, b, files)
        return dump_difference(realpg.dump_schema(a), realpg.dump_schema(b))


@pytest.mark.parametrize("name", [_case(n, KNOWN_GAPS) for n in CORPUS])
def test_corpus_roundtrip_catalog(name: str, corpus_dir: Path, pg_server_dsn: str) -> None:
    files = []
    if name in PRELUDES:
        realpg.apply_sql(pg_server_dsn, (corpus_dir / PRELUDES[name]).read_text())
    for dependency in CORPUS[name]:
        files.append(((corpus_dir / dependency).read_text(), dependency))
    files.append(((corpus_dir / name).read_text(), name))
    difference = _roundtrip(pg_server_dsn, files)
    assert difference == "", f"{name} differs after import -> export:\n{difference}"


FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.sql"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_roundtrip_catalog(name: str, pg_server_dsn: str) -> None:
    text = (FIXTURES / f"{name}.sql").read_text()
    difference = _roundtrip(pg_server_dsn, [(text, name)])
    assert difference == "", f"{name} differs after import -> export:\n{difference}"


@pytest.mark.parametrize("name", FIXTURE_NAMES + [f"corpus:{n}" for n in CORPUS])
def test_export_reimport_equal(name: str, corpus_dir: Path) -> None:
    if name.startswith("corpus:"):
        text = (corpus_dir / name.removeprefix("corpus:")).read_text()
    else:
        text = (FIXTURES / f"{name}.sql").read_text()
    schema = import_postgres(text, source_name=name).schema
    again = import_postgres(_export_text(schema), source_name=f"export of {name}").schema
    assert again == schema
