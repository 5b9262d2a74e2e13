"""The design advisor in the browser: the Advisor page, the header counter, and the actions
(fix, dismiss, restore, rule settings) used from the page and from the table panel.

An action posted from the table panel names the panel's table (``table``) and is answered with
the panel; from the Advisor page it is answered with 204 and an event, and every region of the
page refreshes itself (``schema-changed`` after a fix, ``findings-changed`` otherwise).
Without JavaScript every action redirects back to the page it came from.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from designer.advisor import RULES
from designer.advisor.engine import OFF, SEVERITIES
from designer.models import DesignTable
from designer.selectors.advisor import (
    dismissals,
    project_findings,
    rule_settings,
    severity_counts,
)
from designer.selectors.design import project_schema
from designer.services import advisor
from designer.services.errors import DesignError
from designer.views.common import (
    EDITOR,
    UNPROCESSABLE,
    FormError,
    HtmxHttpRequest,
    changed,
    editor_context,
    editor_role,
    finding_rows,
    panel_context,
    table_url,
)
from projects.access import ProjectAccess, project_access
from projects.models import Role

ADVISOR = "designer/advisor.html"
CONFLICT = 409
FINDINGS_CHANGED = "findings-changed"
SEVERITY_CHOICES = (*SEVERITIES, OFF)


def _filters(data: Any) -> dict[str, str]:
    severity = data.get("severity", "")
    rule = data.get("rule", "")
    return {
        "severity": severity if severity in SEVERITIES else "",
        "rule": rule if rule in RULES else "",
        "q": data.get("q", "").strip()[:100],
    }


def advisor_context(access: ProjectAccess, filters: dict[str, str]) -> dict[str, Any]:
    """The Advisor page in a fixed number of queries, whatever the size of the design."""
    project = access.project
    schema = project_schema(project)
    settings = rule_settings(project)
    dismissed = dismissals(project)
    findings = project_findings(project, schema=schema, settings=settings, dismissed=dismissed)
    uids = {t.qualified_name: t.id for t in schema.tables}
    q = filters["q"].lower()
    shown = [
        f
        for f in findings
        if (not filters["severity"] or f.severity == filters["severity"])
        and (not filters["rule"] or f.rule == filters["rule"])
        and (not q or q in (f.table or f.object).lower())
    ]
    per_rule: dict[str, int] = {}
    for f in findings:
        per_rule[f.rule] = per_rule.get(f.rule, 0) + 1
    return {
        "access": access,
        "project": project,
        "filters": filters,
        "findings": finding_rows(shown, uids),
        "total": len(findings),
        "counts": severity_counts(findings),
        "severities": SEVERITIES,
        "severity_choices": SEVERITY_CHOICES,
        "rules": [
            {
                "id": r.id,
                "title": r.title,
                "theme": r.theme,
                "default": r.severity,
                "severity": settings.get(r.id, r.severity),
                "count": per_rule.get(r.id, 0),
            }
            for r in RULES.values()
        ],
        "dismissals": dismissed,
    }


@require_GET
def advisor_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The filterable findings, the rule settings and the dismissed findings."""
    access = project_access(request.user, slug, Role.VIEWER)
    context = advisor_context(access, _filters(request.GET))
    template = f"{ADVISOR}#advisor-body" if request.htmx else ADVISOR
    return render(request, template, context)


@require_GET
def advisor_counter(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    counts = severity_counts(project_findings(access.project))
    return render(request, f"{ADVISOR}#counter", {"project": access.project, "counts": counts})


def _panel_table(access: ProjectAccess, uid: str) -> DesignTable | None:
    if not uid:
        return None
    return get_object_or_404(DesignTable, project=access.project, uid=uid)


def _done(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    table: DesignTable | None,
    event: str,
    messages: list[str],
) -> HttpResponse:
    """Answer a successful action: the panel it came from, or 204 and an event."""
    if not request.htmx:
        return redirect(
            table_url(table) if table else reverse("advisor", args=[access.project.slug])
        )
    if table is not None:
        table = DesignTable.objects.get(pk=table.pk)
        response = render(request, f"{EDITOR}#table-panel", panel_context(access, table))
        response = reswap(retarget(response, "#panel"), "innerHTML")
    else:
        response = HttpResponse(status=204)
    if event == "schema-changed":
        changed(response)
    trigger_client_event(response, FINDINGS_CHANGED, {})
    if messages:
        trigger_client_event(response, "toast", {"level": "info", "messages": messages})
    return response


def _refused(exc: DesignError) -> HttpResponse:
    """A fix or restore that no longer applies: the message becomes an error toast."""
    return HttpResponse(exc.message, status=CONFLICT, content_type="text/plain; charset=utf-8")


@require_POST
def finding_fix(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = editor_role(request, slug)
    table = _panel_table(access, request.POST.get("table", ""))
    try:
        fixed = advisor.fix_apply(
            project=access.project,
            rule=request.POST.get("rule", ""),
            object=request.POST.get("object", ""),
            actor=request.user,
        )
    except DesignError as exc:
        return _refused(exc)
    note = [f"Fixed: {fixed.fix.description}."] if fixed.fix else []
    return _done(request, access, table, "schema-changed", note)


@require_POST
def finding_dismiss(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = editor_role(request, slug)
    table = _panel_table(access, request.POST.get("table", ""))
    rule, obj = request.POST.get("rule", ""), request.POST.get("object", "")
    try:
        advisor.finding_dismiss(
            project=access.project,
            rule=rule,
            object=obj,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DesignError as exc:
        return _dismiss_refused(request, access, table, rule, obj, exc)
    return _done(request, access, table, FINDINGS_CHANGED, [])


def _dismiss_refused(
    request: HtmxHttpRequest,
    access: ProjectAccess,
    table: DesignTable | None,
    rule: str,
    obj: str,
    exc: DesignError,
) -> HttpResponse:
    """422 with the reason field marked: the form alone for htmx, else the whole page."""
    rows = [r for r in _rows_for(access, table) if (r.rule, r.object) == (rule, obj)]
    if not rows:
        return _refused(exc)
    error = FormError(rows[0].key, exc.field or "__all__", exc.message)
    context: dict[str, Any] = {
        "project": access.project,
        "access": access,
        "f": rows[0],
        "table_uid": table.uid if table else "",
        "finding_error": error,
        "finding_draft": request.POST,
    }
    if request.htmx:
        return render(request, f"{ADVISOR}#dismiss-form", context, status=UNPROCESSABLE)
    if table is not None:
        context = {
            **editor_context(access),
            **panel_context(access, table, finding_error=error, finding_draft=request.POST),
        }
        return render(request, EDITOR, context, status=UNPROCESSABLE)
    context = {**advisor_context(access, _filters({})), **context}
    return render(request, ADVISOR, context, status=UNPROCESSABLE)


def _rows_for(access: ProjectAccess, table: DesignTable | None) -> list[Any]:
    schema = project_schema(access.project)
    uids = {t.qualified_name: t.id for t in schema.tables}
    findings = project_findings(access.project, schema=schema)
    if table is not None:
        findings = [f for f in findings if f.table == table.qualified_name]
    return finding_rows(findings, uids)


@require_POST
def finding_restore(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = editor_role(request, slug)
    try:
        advisor.finding_restore(
            project=access.project,
            rule=request.POST.get("rule", ""),
            object=request.POST.get("object", ""),
            actor=request.user,
        )
    except DesignError as exc:
        return _refused(exc)
    return _done(request, access, None, FINDINGS_CHANGED, [])


@require_POST
def rule_setting(request: HtmxHttpRequest, slug: str, rule: str) -> HttpResponse:
    access = editor_role(request, slug)
    try:
        advisor.rule_setting_save(
            project=access.project,
            rule=rule,
            severity=request.POST.get("severity", ""),
            actor=request.user,
        )
    except DesignError as exc:
        # Only a tampered form gets here (the choices are a select): an error toast.
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return _done(request, access, None, FINDINGS_CHANGED, [])
