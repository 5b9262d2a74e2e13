"""``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`` of a key query, as a tree people can read.

Queries run as the sandbox role, in a READ ONLY transaction with a statement timeout, and
are rolled back. Parameters are bound through ``PREPARE``/``EXECUTE``, so ``$1`` takes the
type its place asks for, as in the application. Each query runs a few times and the fastest
run is kept: the first run reads the table from disk, the application's runs find it cached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from designer.sql.server import safe_excerpt
from designer.workbench.queries import KeyQuerySpec

DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_RUNS = 3

ERR_TIMEOUT = "{name}: stopped by the statement timeout ({ms:,} ms)."
ERR_FAILED = "{name}: PostgreSQL refused the query: {reason}"


class ExplainError(RuntimeError):
    """The query could not run; ``str()`` is safe to show."""


@dataclass
class PlanNode:
    node_type: str
    relation: str | None
    alias: str | None
    index: str | None
    detail: str
    total_ms: float
    self_ms: float
    rows_estimated: float
    rows_actual: float
    loops: int
    shared_hit: int
    shared_read: int
    children: list[PlanNode] = field(default_factory=list)
    slowest: bool = False

    def walk(self) -> list[PlanNode]:
        out = [self]
        for child in self.children:
            out += child.walk()
        return out

    @property
    def misestimated(self) -> bool:
        """Estimate off by more than 10x: the planner chose on a wrong picture."""
        low, high = sorted((max(self.rows_estimated, 1), max(self.rows_actual, 1)))
        return high / low > 10

    def to_json(self) -> dict[str, Any]:
        return {
            "node_type": self.node_type,
            "relation": self.relation,
            "index": self.index,
            "detail": self.detail,
            "total_ms": round(self.total_ms, 3),
            "self_ms": round(self.self_ms, 3),
            "rows_estimated": self.rows_estimated,
            "rows_actual": self.rows_actual,
            "loops": self.loops,
            "shared_hit": self.shared_hit,
            "shared_read": self.shared_read,
            "slowest": self.slowest,
            "children": [c.to_json() for c in self.children],
        }


@dataclass
class Explained:
    name: str
    sql: str
    ms: float
    planning_ms: float
    root: PlanNode

    @property
    def seq_scans(self) -> list[str]:
        return sorted(
            {n.relation for n in self.root.walk() if n.node_type == "Seq Scan" and n.relation}
        )

    @property
    def indexes_used(self) -> set[str]:
        return {n.index for n in self.root.walk() if n.index}

    @property
    def buffers(self) -> int:
        return self.root.shared_hit + self.root.shared_read

    @property
    def slowest(self) -> PlanNode:
        return next(n for n in self.root.walk() if n.slowest)

    def to_json(self) -> dict[str, Any]:
        return {
            "ms": round(self.ms, 3),
            "planning_ms": round(self.planning_ms, 3),
            "seq_scans": self.seq_scans,
            "buffers": self.buffers,
            "plan": self.root.to_json(),
        }


def _detail(plan: dict[str, Any]) -> str:
    keys = ("Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Filter", "Join Filter")
    parts = [f"{k}: {plan[k]}" for k in keys if plan.get(k)]
    if plan.get("Sort Key"):
        parts.append("Sort Key: " + ", ".join(plan["Sort Key"]))
    if plan.get("Rows Removed by Filter"):
        parts.append(f"Rows Removed by Filter: {plan['Rows Removed by Filter']:,}")
    return "; ".join(parts)


def plan_tree(plan: dict[str, Any]) -> PlanNode:
    """The tree of one plan node of EXPLAIN's JSON, times per node over all its loops."""
    loops = int(plan.get("Actual Loops", 1) or 1)
    children = [plan_tree(p) for p in plan.get("Plans", [])]
    total = float(plan.get("Actual Total Time", 0.0)) * loops
    node = PlanNode(
        node_type=plan.get("Node Type", "?"),
        relation=plan.get("Relation Name"),
        alias=plan.get("Alias"),
        index=plan.get("Index Name"),
        detail=_detail(plan),
        total_ms=total,
        self_ms=max(total - sum(c.total_ms for c in children), 0.0),
        rows_estimated=float(plan.get("Plan Rows", 0)) * loops,
        rows_actual=float(plan.get("Actual Rows", 0)) * loops,
        loops=loops,
        shared_hit=int(plan.get("Shared Hit Blocks", 0)),
        shared_read=int(plan.get("Shared Read Blocks", 0)),
        children=children,
    )
    return node


def explained_from_json(name: str, query: str, document: Any) -> Explained:
    top = document[0] if isinstance(document, list) else document
    root = plan_tree(top["Plan"])
    slowest = max(root.walk(), key=lambda n: n.self_ms)
    slowest.slowest = True
    return Explained(
        name=name,
        sql=query,
        ms=float(top.get("Execution Time", 0.0)),
        planning_ms=float(top.get("Planning Time", 0.0)),
        root=root,
    )


def explain(
    dsn: str,
    spec: KeyQuerySpec,
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    runs: int = DEFAULT_RUNS,
) -> Explained:
    """EXPLAIN ANALYZE ``spec`` ``runs`` times; the fastest run. ``ExplainError`` when the
    query fails or passes the timeout."""
    best: Explained | None = None
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        conn.execute("SET plan_cache_mode = force_custom_plan")
        for _ in range(max(runs, 1)):
            result = _explain_once(conn, spec, timeout_ms)
            if best is None or result.ms < best.ms:
                best = result
    assert best is not None
    return best


def _explain_once(conn: psycopg.Connection, spec: KeyQuerySpec, timeout_ms: int) -> Explained:
    options = sql.SQL("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ")
    # prepared statements outlive a rolled-back transaction: start each run clean
    conn.execute("DEALLOCATE ALL")
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute(
                sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(f"{timeout_ms}ms"))
            )
            if spec.params:
                # the query and its constants were checked by the parser (queries.py)
                conn.execute(sql.SQL("PREPARE erd_key_query AS ") + sql.SQL(spec.sql))  # type: ignore[arg-type]
                execute = "EXECUTE erd_key_query(" + ", ".join(spec.params) + ")"
                row = conn.execute(options + sql.SQL(execute)).fetchone()  # type: ignore[arg-type]
            else:
                row = conn.execute(options + sql.SQL(spec.sql)).fetchone()  # type: ignore[arg-type]
            raise _Rollback(row[0] if row else None)
    except _Rollback as done:
        document = done.document
    except psycopg.errors.QueryCanceled:
        raise ExplainError(ERR_TIMEOUT.format(name=spec.name, ms=timeout_ms)) from None
    except psycopg.Error as exc:
        reason = safe_excerpt(exc.diag.message_primary or str(exc))
        raise ExplainError(ERR_FAILED.format(name=spec.name, reason=reason)) from None
    if isinstance(document, str):
        document = json.loads(document)
    return explained_from_json(spec.name, spec.sql, document)


class _Rollback(Exception):
    """Leaves the transaction block rolling back, carrying the plan out."""

    def __init__(self, document: Any) -> None:
        super().__init__("rollback")
        self.document = document
