"""The advisor on a project: settings and dismissals shape the findings; fixes are real edits."""

from __future__ import annotations

import pytest

from designer.advisor import RULES
from designer.demo import demo_schema
from designer.models import DesignColumn, DesignConstraint, DesignIndex, DesignTable
from designer.selectors.advisor import (
    dismissals,
    project_findings,
    rule_settings,
    severity_counts,
    table_markers,
)
from designer.selectors.design import project_schema
from designer.services import advisor
from designer.services.errors import DesignError
from designer.services.imports import import_text
from designer.services.schema import schema_replace
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres
from projects.models import Activity
from projects.services import project_create

pytestmark = pytest.mark.django_db

# A shop with one problem for every rule that has an automatic fix.
FLAWED_SQL = """
CREATE TABLE customers (
    id serial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    created_at timestamp NOT NULL,
    updated_at timestamp(0) with time zone,
    settings json
);
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    placed_at timestamptz NOT NULL DEFAULT now(),
    note text
);
CREATE INDEX orders_placed_idx ON orders (placed_at);
CREATE INDEX orders_placed_again_idx ON orders (placed_at);
CREATE INDEX orders_note_idx ON orders (note);
CREATE INDEX orders_note_placed_idx ON orders (note, placed_at);
CREATE TABLE audit_log (
    happened_at timestamptz NOT NULL DEFAULT now(),
    message text NOT NULL
);
"""
FIXABLE = [
    ("pk-missing", "public.audit_log"),
    ("timestamp-without-tz", "public.customers.created_at"),
    ("varchar-arbitrary-length", "public.customers.email"),
    ("serial-not-identity", "public.customers.id"),
    ("json-not-jsonb", "public.customers.settings"),
    ("fk-missing-index", "public.orders.orders_customer_id_fkey"),
    ("fk-type-mismatch", "public.orders.orders_customer_id_fkey"),
    ("index-redundant", "public.orders.orders_note_idx"),
    ("index-duplicate", "public.orders.orders_placed_idx"),
    ("timestamp-no-default", "public.customers.created_at"),
    ("int-pk-overflow", "public.customers.id"),
    ("timestamp-zero-precision", "public.customers.updated_at"),
]


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olive", password="pw-long-enough-1")


@pytest.fixture
def flawed(owner):
    project = project_create(owner=owner, name="Flawed shop")
    schema_replace(project=project, schema=import_text(FLAWED_SQL, "postgres").schema)
    return project


def pairs(project) -> set[tuple[str, str]]:
    return {(f.rule, f.object) for f in project_findings(project)}


def uids(project) -> set[str]:
    return {
        *DesignTable.objects.filter(project=project).values_list("uid", flat=True),
        *DesignColumn.objects.filter(table__project=project).values_list("uid", flat=True),
        *DesignConstraint.objects.filter(table__project=project).values_list("uid", flat=True),
        *DesignIndex.objects.filter(table__project=project).values_list("uid", flat=True),
    }


def test_the_fixture_has_a_finding_for_every_fixable_rule(flawed):
    found = {(f.rule, f.object): f for f in project_findings(flawed)}
    assert set(FIXABLE) <= set(found)
    assert all(found[p].fix is not None for p in FIXABLE)


def test_a_rule_turned_off_or_reweighted_changes_what_lint_returns(flawed, owner):
    advisor.rule_setting_save(project=flawed, rule="json-not-jsonb", severity="off", actor=owner)
    advisor.rule_setting_save(project=flawed, rule="pk-missing", severity="info", actor=owner)
    findings = project_findings(flawed)
    assert "json-not-jsonb" not in {f.rule for f in findings}
    assert [f.severity for f in findings if f.rule == "pk-missing"] == ["info"]
    assert severity_counts(findings)["error"] == 0
    # Back to the default: the setting row goes, so later default changes apply.
    advisor.rule_setting_save(project=flawed, rule="pk-missing", severity="error", actor=owner)
    assert rule_settings(flawed) == {"json-not-jsonb": "off"}


def test_unknown_rule_or_severity_is_refused(flawed):
    with pytest.raises(DesignError, match="There is no advisor rule “nope”"):
        advisor.rule_setting_save(project=flawed, rule="nope", severity="off")
    with pytest.raises(DesignError) as exc:
        advisor.rule_setting_save(project=flawed, rule="pk-missing", severity="fatal")
    assert exc.value.message == advisor.ERR_SEVERITY.format(severity="fatal")


def test_dismissal_needs_a_reason_hides_the_finding_and_restores(flawed, owner):
    pair = ("json-not-jsonb", "public.customers.settings")
    with pytest.raises(DesignError) as exc:
        advisor.finding_dismiss(project=flawed, rule=pair[0], object=pair[1], reason="  ")
    assert exc.value.message == advisor.ERR_REASON_REQUIRED
    assert pair in pairs(flawed)
    advisor.finding_dismiss(
        project=flawed, rule=pair[0], object=pair[1], reason="Kept as sent by the API", actor=owner
    )
    assert pair not in pairs(flawed)
    (kept,) = dismissals(flawed)
    assert (kept.reason, kept.dismissed_by) == ("Kept as sent by the API", owner)
    advisor.finding_restore(project=flawed, rule=pair[0], object=pair[1], actor=owner)
    assert pair in pairs(flawed)
    with pytest.raises(DesignError, match="not dismissed"):
        advisor.finding_restore(project=flawed, rule=pair[0], object=pair[1])


@pytest.mark.parametrize(("rule", "obj"), FIXABLE)
def test_fix_removes_the_finding_keeps_ids_and_applies_to_postgresql(
    flawed, owner, pg_db, rule, obj
):
    before_ids = uids(flawed)
    revision = flawed.revision
    fixed = advisor.fix_apply(project=flawed, rule=rule, object=obj, actor=owner)
    assert (fixed.rule, fixed.object) == (rule, obj)
    assert (rule, obj) not in pairs(flawed)
    after_ids = uids(flawed)
    dropped = {"index-redundant": 1, "index-duplicate": 1}.get(rule, 0)
    assert len(before_ids - after_ids) == dropped  # only a dropped index loses its id
    flawed.refresh_from_db()
    assert flawed.revision > revision
    assert Activity.objects.filter(project=flawed, verb="fixed").exists()
    pgserver.apply_sql(pg_db, export_postgres(project_schema(flawed)).text)


def test_fixing_everything_in_turn_leaves_no_fixable_finding_and_applies(flawed, owner, pg_db):
    for _ in range(len(FIXABLE) + 5):
        fixable = [f for f in project_findings(flawed) if f.fix]
        if not fixable:
            break
        advisor.fix_apply(
            project=flawed, rule=fixable[0].rule, object=fixable[0].object, actor=owner
        )
    assert not [f for f in project_findings(flawed) if f.fix]
    pgserver.apply_sql(pg_db, export_postgres(project_schema(flawed)).text)


def test_a_fix_rewrites_only_the_tables_it_changes(flawed, owner):
    customers = DesignTable.objects.get(project=flawed, name="customers")
    orders = DesignTable.objects.get(project=flawed, name="orders")
    untouched = DesignColumn.objects.get(table=customers, name="email").pk
    advisor.fix_apply(
        project=flawed, rule="index-duplicate", object="public.orders.orders_placed_idx"
    )
    customers.refresh_from_db()
    orders_after = DesignTable.objects.get(pk=orders.pk)
    assert customers.version == 1 and orders_after.version == orders.version + 1
    assert DesignColumn.objects.filter(pk=untouched).exists()  # the row itself, not a copy


def test_a_fix_for_a_finding_that_is_gone_or_has_no_fix_is_refused(flawed):
    with pytest.raises(DesignError) as exc:
        advisor.fix_apply(project=flawed, rule="pk-missing", object="public.nowhere")
    assert exc.value.message == advisor.ERR_FINDING_GONE
    with pytest.raises(DesignError) as exc:
        advisor.fix_apply(project=flawed, rule="isolated-table", object="public.audit_log")
    assert exc.value.message == advisor.ERR_NO_FIX


def test_markers_count_errors_and_warnings_and_comment_threads(owner):
    project = project_create(owner=owner, name="Demo")
    schema_replace(project=project, schema=demo_schema())
    schema = project_schema(project)
    addresses = schema.table("public.addresses")
    markers = table_markers(
        project_findings(project, schema=schema),
        {f"table:{addresses.id}": 2, f"table:{schema.table('public.orders').id}": 1},
        schema.tables,
    )
    # char-n (warning) on addresses; reviews has only an info finding, so no badge.
    assert markers == {"public.addresses": "⚠ 1 💬 2", "public.orders": "💬 1"}
    assert set(RULES) >= {"char-n"}
