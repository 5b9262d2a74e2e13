"""The design advisor on a project: its rule settings, dismissed findings, and one-click fixes.

Reads (``project_findings``, ``diagram_markers``) run a fixed number of queries whatever the size
of the design. Writes are atomic; a fix writes back only the tables it changed, keeping every
object's stable id, so it is an ordinary edit (the diff shows it, comments stay anchored).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F

from designer import rows
from designer.advisor import RULES, Finding, lint
from designer.advisor.engine import OFF, SEVERITIES
from designer.models import (
    AdvisorRuleSetting,
    DesignColumn,
    DesignConstraint,
    DesignIndex,
    DesignObject,
    DesignTable,
    FindingDismissal,
)
from designer.schema import model as m
from designer.selectors.design import project_schema
from designer.services.design import schema_replace, touch, validate_schema
from designer.services.errors import DesignError
from projects.models import Project
from projects.services import unresolved_threads_by_anchor

ERR_UNKNOWN_RULE = "There is no advisor rule “{rule}”."
ERR_SEVERITY = "“{severity}” is not a choice; use error, warning, info or off."
ERR_REASON_REQUIRED = "Say why this finding does not apply; the reason is kept with it."
ERR_FINDING_GONE = (
    "That finding is no longer reported (the design changed, or it was dismissed); "
    "nothing was changed."
)
ERR_NO_FIX = "The advisor has no automatic fix for this finding; change the design by hand."
ERR_FIX_FAILED = "The fix could not be applied: {reason}"
ERR_NOT_DISMISSED = "That finding is not dismissed."
MAX_REASON = 2000

# Findings at these severities put a warning badge on their table in the diagram.
MARKED_SEVERITIES = frozenset({"error", "warning"})


# -- reads -----------------------------------------------------------------------------


def rule_settings(project: Project) -> dict[str, str]:
    """rule id -> the severity (or ``off``) the project chose, for rules that differ."""
    rows = AdvisorRuleSetting.objects.filter(project=project).values_list("rule", "severity")
    return {rule: severity for rule, severity in rows if rule in RULES}


def dismissals(project: Project) -> list[FindingDismissal]:
    return list(
        FindingDismissal.objects.filter(project=project)
        .select_related("dismissed_by")
        .order_by("rule", "object")
    )


def project_findings(
    project: Project,
    *,
    schema: m.Schema | None = None,
    settings: Mapping[str, str] | None = None,
    dismissed: Iterable[FindingDismissal] | None = None,
) -> list[Finding]:
    """The advisor's findings on the working design, with the project's settings and
    dismissals applied. Pass what the caller already read to save the queries."""
    schema = project_schema(project) if schema is None else schema
    settings = rule_settings(project) if settings is None else settings
    rows = dismissals(project) if dismissed is None else dismissed
    return lint(
        schema,
        severity_overrides=settings,
        dismissed=frozenset((d.rule, d.object) for d in rows),
    )


# Above this many tables, a table panel lints the table with its neighbours, not the design.
PANEL_SUBSET_TABLES = 300


def table_findings(project: Project, table: DesignTable) -> list[Finding]:
    """Findings about one table, for its panel.

    On a big design the panel lints the table with its direct neighbours only (the rows of a
    few tables instead of thousands), so an edit answers quickly; rules that look further
    (cascade chains of three or more tables) are then reported on the Advisor page only.
    """
    from designer.selectors.graph import design_graph, subset_schema

    name = table.qualified_name
    if DesignTable.objects.filter(project=project).count() > PANEL_SUBSET_TABLES:
        names = design_graph(project).around(name, 1) or frozenset({name})
        found = project_findings(project, schema=subset_schema(project, names))
    else:
        found = project_findings(project)
    return [f for f in found if f.table == name]


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"error": n, "warning": n, "info": n}``, every severity present."""
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def table_markers(
    findings: Iterable[Finding], comment_threads: Mapping[str, int], tables: Iterable[m.Table]
) -> dict[str, str]:
    """qualified table name -> badge for the diagram: "⚠ n" for its error and warning
    findings, "💬 n" for its unresolved comment threads (anchored ``table:<uid>``)."""
    warned = Counter(f.table for f in findings if f.table and f.severity in MARKED_SEVERITIES)
    markers: dict[str, str] = {}
    for t in tables:
        parts = []
        if warned.get(t.qualified_name):
            parts.append(f"⚠ {warned[t.qualified_name]}")
        threads = comment_threads.get(f"table:{t.id}", 0)
        if threads:
            parts.append(f"💬 {threads}")
        if parts:
            markers[t.qualified_name] = " ".join(parts)
    return markers


def diagram_markers(project: Project, schema: m.Schema) -> dict[str, str]:
    """Badges for every table of ``schema`` (the project's design): findings and comments."""
    findings = project_findings(project, schema=schema)
    return table_markers(findings, unresolved_threads_by_anchor(project), schema.tables)


# -- settings and dismissals ---------------------------------------------------------------


def _require_rule(rule: str) -> None:
    if rule not in RULES:
        raise DesignError(ERR_UNKNOWN_RULE.format(rule=rule), "rule")


@transaction.atomic
def rule_setting_save(*, project: Project, rule: str, severity: str, actor: Any = None) -> None:
    """Set a rule's severity for the project, or ``off`` to disable it. Choosing the rule's
    default removes the setting, so the project follows future changes of the default."""
    _require_rule(rule)
    if severity not in SEVERITIES and severity != OFF:
        raise DesignError(ERR_SEVERITY.format(severity=severity), "severity")
    before = rule_settings(project).get(rule, RULES[rule].severity)
    if severity == RULES[rule].severity:
        AdvisorRuleSetting.objects.filter(project=project, rule=rule).delete()
    else:
        AdvisorRuleSetting.objects.update_or_create(
            project=project, rule=rule, defaults={"severity": severity}
        )
    if before != severity:
        touch(project, actor, "set", "advisor rule", rule, before=before, after=severity)


@transaction.atomic
def finding_dismiss(
    *, project: Project, rule: str, object: str, reason: str, actor: Any = None
) -> FindingDismissal:
    """Accept a finding: it leaves the lists and counts but stays visible, with ``reason``."""
    _require_rule(rule)
    reason = (reason or "").strip()
    if not reason:
        raise DesignError(ERR_REASON_REQUIRED, "reason")
    dismissal, _ = FindingDismissal.objects.update_or_create(
        project=project,
        rule=rule,
        object=object,
        defaults={
            "reason": reason[:MAX_REASON],
            "dismissed_by": actor if _is_user(actor) else None,
        },
    )
    touch(project, actor, "dismissed", "finding", f"{rule} {object}", after=reason[:200])
    return dismissal


@transaction.atomic
def finding_restore(*, project: Project, rule: str, object: str, actor: Any = None) -> None:
    """Undo a dismissal: the finding is reported again while it still applies."""
    deleted, _ = FindingDismissal.objects.filter(project=project, rule=rule, object=object).delete()
    if not deleted:
        raise DesignError(ERR_NOT_DISMISSED, "object")
    touch(project, actor, "restored", "finding", f"{rule} {object}")


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


# -- fixes ---------------------------------------------------------------------------------


@transaction.atomic
def fix_apply(*, project: Project, rule: str, object: str, actor: Any = None) -> Finding:
    """Apply the advisor's fix for the finding ``(rule, object)`` and return that finding.

    Findings are recomputed inside the transaction, so a fix always applies to the design as
    it is now, not as some page showed it.
    """
    # Lock the project row first, so two fixes (or a fix and an edit) run one after the other.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    schema = project_schema(project)
    target = next(
        (
            f
            for f in project_findings(project, schema=schema)
            if (f.rule, f.object) == (rule, object)
        ),
        None,
    )
    if target is None:
        raise DesignError(ERR_FINDING_GONE, "object")
    if target.fix is None:
        raise DesignError(ERR_NO_FIX, "object")
    try:
        fixed = target.fix.apply(schema)
    except (KeyError, ValueError) as exc:
        raise DesignError(ERR_FIX_FAILED.format(reason=exc), "object") from None
    schema_write(project=project, old=schema, new=fixed, actor=actor)
    touch(project, actor, "fixed", "finding", f"{rule} {object}", after=target.fix.description)
    return target


def schema_write(*, project: Project, old: m.Schema, new: m.Schema, actor: Any = None) -> None:
    """Write ``new`` over ``old`` (the stored design) rewriting only the tables that changed.

    Tables are matched by id; when the set of tables or enums differs this falls back to
    ``schema_replace``, which rewrites everything (still keeping ids).
    """
    validate_schema(new)
    old_ids = [t.id for t in old.tables]
    new_ids = [t.id for t in new.tables]
    if not all(new_ids) or old_ids != new_ids or old.enums != new.enums:
        schema_replace(project=project, schema=new, actor=actor)
        return
    by_uid = {r.uid: r for r in DesignTable.objects.filter(project=project, uid__in=new_ids)}
    for before, after in zip(old.tables, new.tables, strict=True):
        if before == after and _ids(before) == _ids(after):
            continue
        _table_write(by_uid[after.id], after)
    if _objects(old) != _objects(new):
        DesignObject.objects.filter(project=project).delete()
        DesignObject.objects.bulk_create(
            [
                DesignObject(project=project, kind=kind, position=i, data=data)
                for i, (kind, data) in enumerate(rows.object_documents(new))
            ]
        )


def _ids(table: m.Table) -> tuple[str, ...]:
    pk = (table.primary_key.id,) if table.primary_key else ()
    return (
        *(c.id for c in table.columns),
        *pk,
        *(x.id for x in (*table.uniques, *table.checks, *table.foreign_keys, *table.indexes)),
    )


def _objects(schema: m.Schema) -> list[tuple[str, dict[str, Any]]]:
    return rows.object_documents(schema)


def _table_write(row: DesignTable, table: m.Table) -> None:
    """Rewrite one table's rows from the model, keeping ids, and bump its version so an
    editor that still shows the old table is told its form is stale."""
    DesignTable.objects.filter(pk=row.pk).update(
        name=table.name,
        schema_name=table.schema,
        comment=table.comment or "",
        group=table.group or "",
        color=table.color or "",
        options=rows.table_options(table),
        version=F("version") + 1,
    )
    DesignColumn.objects.filter(table=row).delete()
    DesignConstraint.objects.filter(table=row).delete()
    DesignIndex.objects.filter(table=row).delete()
    DesignColumn.objects.bulk_create(
        [
            DesignColumn(table=row, uid=c.id or rows._uid(), position=i, **rows.column_fields(c))
            for i, c in enumerate(table.columns)
        ]
    )
    DesignConstraint.objects.bulk_create(rows.constraint_rows(table, row))
    DesignIndex.objects.bulk_create(
        [
            DesignIndex(table=row, uid=ix.id or rows._uid(), position=i, **rows.index_fields(ix))
            for i, ix in enumerate(table.indexes)
        ]
    )
