"""The advisor's engine: findings, the rule registry, the per-schema context and ``lint``.

A rule is one function ``(schema, ctx) -> Iterable[Finding]`` registered with ``@rule``. The
rules live in ``designer.advisor.rules`` (one module per theme) and register themselves when the
``designer.advisor`` package is imported, so ``RULES`` is complete whenever this module is usable.
"""

from __future__ import annotations

import dataclasses
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from designer.schema.model import (
    Column,
    Domain,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    Schema,
    Table,
)

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
# "off" in severity_overrides disables a rule, so a settings form needs one field per rule.
OFF = "off"
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}

ERR_UNKNOWN_SEVERITY = "“{severity}” is not a severity; use error, warning, info or off."
ERR_DUPLICATE_RULE = "Rule “{rule}” is registered twice."
ERR_UNKNOWN_RULE = "No rule is registered as “{rule}”."


@dataclass(frozen=True)
class Fix:
    """A safe, mechanical correction: ``apply(schema)`` returns the corrected schema."""

    description: str
    apply: Callable[[Schema], Schema] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    # ``schema.table``, ``schema.table.column`` or ``schema.table.<index or constraint name>``;
    # enums use their qualified name.
    object: str
    table: str | None  # qualified table the finding belongs to, for diagram markers
    message: str
    rationale: str
    fix: Fix | None = None


CheckFn = Callable[[Schema, "Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    rationale: str
    references: str
    theme: str
    check: CheckFn = field(compare=False, repr=False)


# Filled by ``@rule`` as the rule modules are imported; ordered by theme, then as written.
RULES: dict[str, Rule] = {}


def rule(
    id: str, severity: Severity, *, title: str, rationale: str, references: str
) -> Callable[[CheckFn], CheckFn]:
    """Register a rule function under ``id`` (theme = the module it lives in)."""

    def register(fn: CheckFn) -> CheckFn:
        if id in RULES:
            raise ValueError(ERR_DUPLICATE_RULE.format(rule=id))
        theme = fn.__module__.rsplit(".", 1)[-1]
        RULES[id] = Rule(id, severity, title, rationale, references, theme, fn)
        return fn

    return register


def finding(
    rule_id: str, object: str, table: str | None, message: str, fix: Fix | None = None
) -> Finding:
    """A finding of a registered rule, carrying its default severity and rationale."""
    meta = RULES.get(rule_id)
    if meta is None:
        raise KeyError(ERR_UNKNOWN_RULE.format(rule=rule_id))
    return Finding(rule_id, meta.severity, object, table, message, meta.rationale, fix)


# -- context -------------------------------------------------------------------------


class Context:
    """Lookups computed once per schema so every rule runs in linear time.

    Rules must not build their own per-table scans over the whole schema: with 3,000 tables a
    quadratic rule alone would blow the one-second budget.
    """

    def __init__(self, schema: Schema, used_indexes: frozenset[str] | None = None) -> None:
        self.schema = schema
        # names of the indexes the key queries' plans use, from the latest workbench run;
        # None when no run exists (then nothing is known about use)
        self.used_indexes = used_indexes
        self.tables: dict[str, Table] = {t.qualified_name: t for t in schema.tables}
        self.enums: dict[str, EnumType] = {}
        for e in schema.enums:
            self.enums[e.qualified_name] = e
            self.enums.setdefault(e.name, e)
        self.domains: dict[str, Domain] = {}
        for d in schema.domains:
            self.domains[d.qualified_name] = d
            self.domains.setdefault(d.name, d)
        # (referencing table, fk) pairs per referenced table
        self.referencing: dict[str, list[tuple[Table, ForeignKey]]] = defaultdict(list)
        for t in schema.tables:
            for fk in t.foreign_keys:
                self.referencing[f"{fk.ref_schema}.{fk.ref_table}"].append((t, fk))
        self.tables_per_schema: dict[str, int] = defaultdict(int)
        for t in schema.tables:
            self.tables_per_schema[t.schema] += 1

        # Free space for rule modules to keep what several of their rules compute.
        self.cache: dict[str, Any] = {}
        self._indexes: dict[str, list[tuple[Index, bool]]] = {}
        self._unique_sets: dict[str, list[frozenset[str]]] = {}

    def indexes(self, table: Table) -> list[tuple[Index, bool]]:
        """Every index of ``table`` as ``(index, backs_a_constraint)``: the PRIMARY KEY and
        UNIQUE constraints appear as the btree indexes PostgreSQL builds for them."""
        key = table.qualified_name
        found = self._indexes.get(key)
        if found is None:
            found = []
            pk = table.primary_key
            if pk is not None:
                name = pk.name or f"{table.name}_pkey"
                parts = tuple(IndexPart(column=c) for c in pk.columns)
                found.append((Index(name, parts, unique=True, include=pk.include), True))
            for u in table.uniques:
                name = u.name or f"{table.name}_{'_'.join(u.columns)}_key"
                parts = tuple(IndexPart(column=c) for c in u.columns)
                index = Index(
                    name,
                    parts,
                    unique=True,
                    nulls_not_distinct=u.nulls_not_distinct,
                    include=u.include,
                )
                found.append((index, True))
            found.extend((i, False) for i in table.indexes)
            self._indexes[key] = found
        return found

    def unique_sets(self, table: Table) -> list[frozenset[str]]:
        """Column sets PostgreSQL keeps unique (PK, UNIQUE, unique non-partial plain indexes)."""
        key = table.qualified_name
        found = self._unique_sets.get(key)
        if found is None:
            found = [
                frozenset(c for c in i.column_names if c is not None)
                for i, _ in self.indexes(table)
                if i.unique and i.where is None and None not in i.column_names
            ]
            self._unique_sets[key] = found
        return found

    @cached_property
    def columns_by_type(self) -> dict[str, list[tuple[Table, Column]]]:
        """Columns a designer edits (a partition's belong to its parent), by type text: type
        rules test each distinct type once instead of every column."""
        out: dict[str, list[tuple[Table, Column]]] = defaultdict(list)
        for t in self.schema.tables:
            if t.partition_of is None:
                for c in t.columns:
                    out[c.type].append((t, c))
        return dict(out)

    @cached_property
    def columns_by_name(self) -> dict[str, list[tuple[Table, Column]]]:
        """The same columns by name, for rules that look at names."""
        out: dict[str, list[tuple[Table, Column]]] = defaultdict(list)
        for pairs in self.columns_by_type.values():
            for t, c in pairs:
                out[c.name].append((t, c))
        return dict(out)

    def ref_table(self, fk: ForeignKey) -> Table | None:
        return self.tables.get(f"{fk.ref_schema}.{fk.ref_table}")

    def base_type(self, type_text: str) -> str:
        """The type with domains resolved to their base type (arrays of domains kept as is)."""
        seen = 0
        while type_text in self.domains and seen < 10:
            type_text = self.domains[type_text].type
            seen += 1
        return type_text


# -- lint ----------------------------------------------------------------------------


def _effective_severity(rule_id: str, overrides: Mapping[str, str]) -> str:
    return overrides.get(rule_id, RULES[rule_id].severity)


def lint(
    schema: Schema,
    *,
    disabled: frozenset[str] = frozenset(),
    severity_overrides: Mapping[str, str] | None = None,
    dismissed: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
    used_indexes: frozenset[str] | None = None,
) -> list[Finding]:
    """Every finding of every enabled rule, sorted by severity, object, rule and message.

    ``severity_overrides`` maps rule ids to ``error``/``warning``/``info`` or ``off``;
    ``dismissed`` holds ``(rule, object)`` pairs a designer chose to accept. Unknown rule ids in
    either are ignored, so settings saved by an older version keep working.
    """
    overrides = dict(severity_overrides or {})
    for severity in overrides.values():
        if severity not in _SEVERITY_RANK and severity != OFF:
            raise ValueError(ERR_UNKNOWN_SEVERITY.format(severity=severity))
    # Linting allocates tens of thousands of short-lived objects next to a large schema; the
    # cyclic collector would rescan that schema many times over (2-3x the run time on 3,000
    # tables) while finding nothing, since findings hold no cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _lint(schema, disabled, overrides, dismissed, used_indexes)
    finally:
        if gc_was_enabled:
            gc.enable()


def _lint(
    schema: Schema,
    disabled: frozenset[str],
    overrides: Mapping[str, str],
    dismissed: frozenset[tuple[str, str]] | set[tuple[str, str]],
    used_indexes: frozenset[str] | None = None,
) -> list[Finding]:
    ctx = Context(schema, used_indexes)
    out: list[Finding] = []
    for rule_id, meta in RULES.items():
        if rule_id in disabled:
            continue
        severity = _effective_severity(rule_id, overrides)
        if severity == OFF:
            continue
        for f in meta.check(schema, ctx):
            if (f.rule, f.object) in dismissed:
                continue
            if f.severity != severity:
                f = dataclasses.replace(f, severity=severity)
            out.append(f)
    out.sort(key=lambda f: (_SEVERITY_RANK[f.severity], f.object, f.rule, f.message))
    return out


def rules_metadata() -> list[dict[str, str]]:
    """Plain data about every rule, for the documentation and the settings form."""
    return [
        {
            "id": r.id,
            "severity": r.severity,
            "title": r.title,
            "rationale": r.rationale,
            "references": r.references,
            "theme": r.theme,
        }
        for r in RULES.values()
    ]


def findings_to_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """JSON-able findings: ``{rule, severity, object, table, message, fix}`` (fix text or None)."""
    return [
        {
            "rule": f.rule,
            "severity": f.severity,
            "object": f.object,
            "table": f.table,
            "message": f.message,
            "fix": f.fix.description if f.fix else None,
        }
        for f in findings
    ]
