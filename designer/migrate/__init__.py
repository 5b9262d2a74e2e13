"""Diff two designs into typed changes and plan a safe, reversible PostgreSQL migration.

``diff(before, after)`` -> typed changes (``changes``; ``renames`` suggests renames for
designs without ids); ``plan(changes)`` -> phased steps (``steps``: one function per change
type, their SQL from ``statements``, which asks the PostgreSQL dialect); ``render`` writes
up.sql / down.sql / Markdown / JSON; ``rehearse`` proves a plan on a real PostgreSQL.
No Django here.
"""

from designer.migrate.diff import diff
from designer.migrate.planner import DestructivePlanError, Plan, Step, plan
from designer.migrate.rehearse import RehearsalResult, rehearse
from designer.migrate.renames import RenameSuggestion, suggest_renames
from designer.migrate.render import down_sql, plan_json, plan_markdown, up_sql

__all__ = [
    "DestructivePlanError",
    "Plan",
    "RehearsalResult",
    "RenameSuggestion",
    "Step",
    "diff",
    "down_sql",
    "plan",
    "plan_json",
    "plan_markdown",
    "rehearse",
    "suggest_renames",
    "up_sql",
]
