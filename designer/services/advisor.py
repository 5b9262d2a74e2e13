"""The design advisor's writes on a project: rule settings, dismissed findings, one-click fixes.

A fix writes back only the tables it changed, keeping every object's stable id, so it is an
ordinary edit (the diff shows it, comments stay anchored). The reads (findings, counts,
diagram badges) are in ``designer.selectors.advisor``.
"""

from __future__ import annotations

from django.db import transaction

from designer.advisor import RULES, Finding
from designer.advisor.engine import OFF, SEVERITIES
from designer.models import AdvisorRuleSetting, FindingDismissal
from designer.selectors.advisor import project_findings, rule_settings
from designer.selectors.design import project_schema
from designer.services._common import recorded, touch
from designer.services.errors import DesignError
from designer.services.schema import schema_write
from projects.models import Actor, Project

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


# -- settings and dismissals ---------------------------------------------------------------


def _require_rule(rule: str) -> None:
    if rule not in RULES:
        raise DesignError(ERR_UNKNOWN_RULE.format(rule=rule), "rule")


@transaction.atomic
def rule_setting_save(*, project: Project, rule: str, severity: str, actor: Actor = None) -> None:
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
    *, project: Project, rule: str, object: str, reason: str, actor: Actor = None
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
def finding_restore(*, project: Project, rule: str, object: str, actor: Actor = None) -> None:
    """Undo a dismissal: the finding is reported again while it still applies."""
    deleted, _ = FindingDismissal.objects.filter(project=project, rule=rule, object=object).delete()
    if not deleted:
        raise DesignError(ERR_NOT_DISMISSED, "object")
    touch(project, actor, "restored", "finding", f"{rule} {object}")


def _is_user(actor: Actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


# -- fixes ---------------------------------------------------------------------------------


@transaction.atomic
@recorded
def fix_apply(*, project: Project, rule: str, object: str, actor: Actor = None) -> Finding:
    """Apply the advisor's fix for the finding ``(rule, object)`` and return that finding.

    Findings are recomputed inside the transaction, so a fix always applies to the design as
    it is now, not as some page showed it.
    """
    # Lock the project row first, so two fixes (or a fix and an edit) run one after the other.
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
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
