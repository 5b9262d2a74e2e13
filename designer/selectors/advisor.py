"""Reads of the design advisor on a project: findings with the project's rule settings and
dismissals applied, counts, and the badges the diagram puts on tables.

Each runs a fixed number of queries whatever the size of the design.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from designer.advisor import RULES, Finding, lint
from designer.advisor.engine import SEVERITIES
from designer.models import AdvisorRuleSetting, DesignTable, FindingDismissal, WorkbenchRun
from designer.schema import model as m
from designer.selectors.design import derived_memo, project_schema
from designer.selectors.graph import design_graph, subset_schema
from projects.models import Project
from projects.services import unresolved_threads_by_anchor

# Findings at these severities put a warning badge on their table in the diagram.
MARKED_SEVERITIES = frozenset({"error", "warning"})


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
    dismissed_keys = frozenset((d.rule, d.object) for d in rows)
    used = key_query_indexes(project)
    # An edit's panel lints the new revision; the picture drawn next reuses its findings.
    memo = derived_memo(schema)
    key = ("findings", tuple(sorted(settings.items())), dismissed_keys, used)
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = tuple(
            lint(
                schema,
                severity_overrides=settings,
                dismissed=dismissed_keys,
                used_indexes=used,
            )
        )
        if memo is not None:
            memo[key] = found
    return list(found)  # type: ignore[arg-type]


def key_query_indexes(project: Project) -> frozenset[str] | None:
    """Indexes the key queries' plans used in the latest finished workbench run (before and
    after its proven suggestions), or None when there is no run."""
    result = (
        WorkbenchRun.objects.filter(project=project, state=WorkbenchRun.State.DONE)
        .values_list("result", flat=True)
        .first()
    )
    if not result:
        return None
    used: set[str] = set()

    def walk(node: dict) -> None:
        if node.get("index"):
            used.add(node["index"])
        for child in node.get("children", ()):
            walk(child)

    for query in result.get("queries", ()):
        for key in ("plan_before", "plan_after"):
            if query.get(key):
                walk(query[key]["plan"])
    return frozenset(used)


# Above this many tables, a table panel lints the table with its neighbours, not the design.
PANEL_SUBSET_TABLES = 300


def table_findings(project: Project, table: DesignTable) -> list[Finding]:
    """Findings about one table, for its panel.

    On a big design the panel lints the table with its direct neighbours only (the rows of a
    few tables instead of thousands), so an edit answers quickly; rules that look further
    (cascade chains of three or more tables) are then reported on the Advisor page only.
    """
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
