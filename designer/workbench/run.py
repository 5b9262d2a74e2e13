"""One workbench run: a scratch database with the design and its sample data, the key
queries explained there, and (optionally) index suggestions proven before and after.

This is what the ``explain_queries`` command and the workbench page share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from designer.schema.model import Schema
from designer.sql.server import scratch_database
from designer.workbench.explain import Explained, ExplainError, explain
from designer.workbench.load import LoadReport, copy_rows, create_schema
from designer.workbench.queries import KeyQuerySpec, check_query
from designer.workbench.sampledata import SampleData
from designer.workbench.suggest import Suggestion, apply_all, drop_index, suggest, verify

Progress = Callable[[str], None]


@dataclass
class QueryResult:
    spec: KeyQuerySpec
    error: str | None = None
    before: Explained | None = None
    after: Explained | None = None
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def proven(self) -> list[Suggestion]:
        return [s for s in self.suggestions if s.proven]

    def to_json(self) -> dict[str, Any]:
        before, after = self.before, self.after or self.before
        return {
            "name": self.spec.name,
            "sql": self.spec.sql,
            "error": self.error,
            "before_ms": round(before.ms, 3) if before else None,
            "after_ms": round(after.ms, 3) if after else None,
            "seq_scans_before": before.seq_scans if before else [],
            "seq_scans_after": after.seq_scans if after else [],
            "suggestions": [
                {
                    "ddl": s.ddl,
                    "table": s.table.name,
                    "reason": s.reason,
                    "before_ms": round(s.before_ms, 3),
                    "after_ms": round(s.after_ms, 3) if s.after_ms is not None else None,
                    "used": s.used,
                    "proven": s.proven,
                    "plan_after": s.after.to_json() if s.after else None,
                    "index": {
                        "schema": s.table.schema,
                        "name": s.index.name,
                        "parts": [
                            (p.column or f"({p.expression})") + (" DESC" if p.descending else "")
                            for p in s.index.parts
                        ],
                        "method": s.index.method,
                        "include": list(s.index.include),
                        "where": s.index.where,
                    },
                }
                for s in self.suggestions
            ],
            "plan_before": before.to_json() if before else None,
            "plan_after": after.to_json() if self.after else None,
        }


@dataclass
class WorkbenchResult:
    load: LoadReport
    queries: list[QueryResult]

    @property
    def failed(self) -> list[QueryResult]:
        return [q for q in self.queries if q.error]

    def to_json(self) -> dict[str, Any]:
        return {
            "load": {
                "rows": self.load.rows,
                "seconds": round(self.load.seconds, 3),
                "rows_per_second": round(self.load.rows_per_second),
                "warnings": list(self.load.warnings),
            },
            "queries": [q.to_json() for q in self.queries],
        }


def run_workbench(
    schema: Schema,
    specs: list[KeyQuerySpec],
    *,
    rows: dict[str, int] | None = None,
    scale: float = 1.0,
    seed: int = 0,
    with_suggestions: bool = False,
    timeout_ms: int = 10_000,
    dsn: str | None = None,
    progress: Progress | None = None,
) -> WorkbenchResult:
    """Load sample data into a fresh sandbox and explain every query there."""
    say = progress or (lambda message: None)
    data = SampleData(schema, rows=rows, scale=scale, seed=seed)
    results = [QueryResult(spec=s) for s in specs]
    for result in results:
        errors = check_query(result.spec, schema).errors
        if errors:
            result.error = " ".join(errors)
    with scratch_database(dsn) as db:
        say("Creating the design")
        create_schema(db, data, foreign_keys_later=True)
        say("Loading sample data")
        report = copy_rows(
            db,
            data,
            progress=lambda table, made, wanted: say(f"Loading {table}: {made:,} rows"),
            foreign_keys_later=True,
        )
        for result in results:
            if result.error:
                continue
            say(f"Explaining {result.spec.name}")
            try:
                result.before = explain(db, result.spec, timeout_ms=timeout_ms)
                if with_suggestions:
                    candidates = suggest(result.spec, schema, result.before)
                    verify(db, result.spec, candidates, result.before, timeout_ms=timeout_ms)
                    result.suggestions = candidates
                    if result.proven:
                        apply_all(db, result.proven)
                        result.after = explain(db, result.spec, timeout_ms=timeout_ms)
                        for s in result.proven:
                            drop_index(db, s)
            except ExplainError as exc:
                result.error = str(exc)
    return WorkbenchResult(load=report, queries=results)
