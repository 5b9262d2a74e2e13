"""Row-level security: policies that do nothing, and owners who bypass them."""

from __future__ import annotations

from collections.abc import Iterator

from designer.advisor.engine import Context, Finding, finding, rule
from designer.schema.model import Schema


@rule(
    "rls-policies-disabled",
    "error",
    title="Policies on a table without row-level security",
    rationale=(
        "Policies are ignored until ALTER TABLE … ENABLE ROW LEVEL SECURITY; the table looks "
        "protected in the design while every row stays visible to every role with access."
    ),
    references="PostgreSQL docs 5.9 Row Security Policies",
)
def rls_policies_disabled(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        if t.policies and not t.rls_enabled:
            names = ", ".join(sorted(p.name for p in t.policies))
            yield finding(
                "rls-policies-disabled",
                t.qualified_name,
                t.qualified_name,
                f"Table {t.qualified_name} has policies ({names}) but row-level security is "
                "not enabled.",
            )


@rule(
    "rls-not-forced",
    "info",
    title="Row-level security not forced for the owner",
    rationale=(
        "The table owner bypasses policies unless FORCE ROW LEVEL SECURITY is set; apps that "
        "connect as the owner see every row."
    ),
    references="PostgreSQL docs 5.9 Row Security Policies; ALTER TABLE … FORCE ROW LEVEL SECURITY",
)
def rls_not_forced(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t in schema.tables:
        if t.rls_enabled and not t.rls_forced:
            yield finding(
                "rls-not-forced",
                t.qualified_name,
                t.qualified_name,
                f"Table {t.qualified_name} enables row-level security without FORCE, so its "
                "owner bypasses the policies.",
            )
