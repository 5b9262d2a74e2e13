"""lint(): ordering, settings (disable, severity, dismiss), JSON output, rule metadata, and the
advisor run over the real schemas of the corpus."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from designer.advisor import RULES, Finding, lint, rules_metadata
from designer.advisor.engine import ERR_UNKNOWN_SEVERITY, SEVERITIES, finding, findings_to_json
from designer.schema.model import (
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
)
from designer.sql.readers.postgres import import_postgres


def _messy() -> Schema:
    """A small design with an error, warnings and infos spread over two tables."""
    return Schema(
        tables=(
            Table(
                "parent",
                columns=(
                    Column("id", "serial", nullable=False),
                    Column("payload", "json"),
                    Column("active", "boolean"),
                ),
                primary_key=PrimaryKey(("id",)),
            ),
            Table(
                "child",
                columns=(
                    Column("parent_id", "integer", nullable=False),
                    Column("at", "timestamp without time zone"),
                ),
                foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",)),),
            ),
        )
    )


def test_findings_are_sorted_by_severity_then_object_then_rule() -> None:
    found = lint(_messy())
    keys = [(SEVERITIES.index(f.severity), f.object, f.rule) for f in found]
    assert keys == sorted(keys)
    assert found[0].severity == "error" and found[0].rule == "pk-missing"
    assert {f.severity for f in found} == {"error", "warning", "info"}


def test_lint_is_deterministic() -> None:
    assert lint(_messy()) == lint(_messy())


def test_disabled_rules_are_skipped() -> None:
    found = lint(_messy(), disabled=frozenset({"pk-missing", "json-not-jsonb"}))
    assert {"pk-missing", "json-not-jsonb"}.isdisjoint(f.rule for f in found)
    assert any(f.rule == "fk-missing-index" for f in found)


def test_severity_override_changes_severity_and_order() -> None:
    found = lint(_messy(), severity_overrides={"nullable-boolean": "error", "pk-missing": "info"})
    by_rule = {f.rule: f for f in found}
    assert by_rule["nullable-boolean"].severity == "error"
    assert by_rule["pk-missing"].severity == "info"
    assert found[0].rule == "nullable-boolean"


def test_severity_off_disables_a_rule() -> None:
    found = lint(_messy(), severity_overrides={"pk-missing": "off"})
    assert all(f.rule != "pk-missing" for f in found)


def test_unknown_severity_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError) as exc:
        lint(_messy(), severity_overrides={"pk-missing": "fatal"})
    assert str(exc.value) == ERR_UNKNOWN_SEVERITY.format(severity="fatal")


def test_settings_naming_rules_that_no_longer_exist_are_ignored() -> None:
    before = lint(_messy())
    after = lint(
        _messy(),
        disabled=frozenset({"retired-rule"}),
        severity_overrides={"retired-rule": "info"},
        dismissed={("retired-rule", "public.child")},
    )
    assert before == after


def test_dismissed_findings_are_left_out_only_for_that_object() -> None:
    found = lint(_messy(), dismissed={("json-not-jsonb", "public.parent.payload")})
    assert all(f.rule != "json-not-jsonb" for f in found)
    found = lint(_messy(), dismissed={("json-not-jsonb", "public.other.payload")})
    assert any(f.rule == "json-not-jsonb" for f in found)


def test_findings_to_json_is_plain_json() -> None:
    data = findings_to_json(lint(_messy()))
    assert json.loads(json.dumps(data)) == data
    by_rule = {d["rule"]: d for d in data}
    assert set(by_rule["pk-missing"]) >= {"rule", "severity", "object", "message", "fix"}
    assert by_rule["pk-missing"]["fix"].startswith("Add “id bigint GENERATED ALWAYS AS IDENTITY”")
    assert by_rule["fk-missing-index"]["object"] == "public.child.child_parent_id_fkey"
    assert by_rule["nullable-boolean"]["fix"] is None


def test_every_rule_documents_itself() -> None:
    assert len(RULES) >= 25
    meta = rules_metadata()
    assert [m["id"] for m in meta] == list(RULES)
    for m in meta:
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", m["id"]), m["id"]
        assert m["severity"] in SEVERITIES
        assert m["title"] and m["references"]
        # one or two sentences
        assert 1 <= m["rationale"].count(". ") + 1 <= 3, m["id"]


def test_finding_of_an_unregistered_rule_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        finding("no-such-rule", "public.t", "public.t", "x")


def test_finding_is_immutable_value() -> None:
    f = lint(_messy())[0]
    assert isinstance(f, Finding)
    with pytest.raises(AttributeError):
        f.severity = "info"  # type: ignore[misc]


def test_three_thousand_tables_lint_in_under_a_second() -> None:
    tables = []
    for i in range(3000):
        cols = [Column("id", "bigint", nullable=False, identity="ALWAYS")]
        cols += [Column(f"note_{k}", "character varying(255)") for k in range(8)]
        fks: tuple[ForeignKey, ...] = ()
        if i:
            cols.append(Column("parent_id", "bigint", nullable=False))
            fks = (ForeignKey(("parent_id",), f"t{i // 2}", ("id",), on_delete="CASCADE"),)
        tables.append(
            Table(
                f"t{i}",
                columns=tuple(cols),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=fks,
                indexes=(Index(f"t{i}_note_idx", (IndexPart(column="note_0"),)),),
            )
        )
    schema = Schema(tables=tuple(tables))
    start = time.perf_counter()
    found = lint(schema)
    elapsed = time.perf_counter() - start
    assert len(found) > 3000
    # The budget is 1 s on an idle machine; CI shares two cores, so allow headroom.
    assert elapsed < 2.0


# -- the corpus: real designs by other people ----------------------------------------


def _import(corpus_dir: Path, name: str) -> Schema:
    return import_postgres((corpus_dir / name).read_text()).schema


def test_pagila_findings(corpus_dir: Path) -> None:
    found = {(f.rule, f.object) for f in lint(_import(corpus_dir, "pagila.sql"))}
    # pagila has no unique constraint on staff usernames, and its partitions carry two
    # identical customer_id indexes each.
    assert ("natural-key-not-unique", "public.staff.username") in found
    assert ("index-duplicate", "public.payment_p2022_01.payment_p2022_01_customer_id_idx") in found
    assert ("serial-not-identity", "public.film.film_id") in found
    # film_actor is keyed on (actor_id, film_id): a proper join table
    assert not any(r == "join-table-no-composite-key" and "film_actor" in o for r, o in found)
    assert not any(r == "pk-missing" for r, _ in found)


def test_graphile_starter_cascade_chain(corpus_dir: Path) -> None:
    found = [f for f in lint(_import(corpus_dir, "graphile_starter.sql"))]
    chains = [f for f in found if f.rule == "cascade-chain"]
    assert [f.object for f in chains] == ["app_public.users"]
    assert "app_public.user_authentications" in chains[0].message


@pytest.mark.parametrize(
    "name", ["pagila.sql", "chinook.sql", "northwind.sql", "graphile_starter.sql"]
)
def test_every_fix_on_a_real_schema_removes_its_finding(corpus_dir: Path, name: str) -> None:
    schema = _import(corpus_dir, name)
    fixable = [f for f in lint(schema) if f.fix is not None]
    assert fixable
    for f in fixable:
        assert f.fix is not None
        fixed = f.fix.apply(schema)
        assert (f.rule, f.object) not in {(g.rule, g.object) for g in lint(fixed)}, f.message
