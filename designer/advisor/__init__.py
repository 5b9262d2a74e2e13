"""The design advisor: a senior PostgreSQL architect's checklist as lint rules over a Schema.

    findings = lint(schema)                      # sorted list[Finding]
    fixed = findings[0].fix.apply(schema)        # where a safe fix exists

No Django here: the web views and the CLI call ``lint`` and ``findings_to_json``.
"""

from designer.advisor import rules  # importing it registers every rule
from designer.advisor.engine import (
    RULES,
    Context,
    Finding,
    Fix,
    Rule,
    findings_to_json,
    lint,
    rules_metadata,
)

__all__ = [
    "RULES",
    "Context",
    "Finding",
    "Fix",
    "Rule",
    "findings_to_json",
    "lint",
    "rules",
    "rules_metadata",
]
