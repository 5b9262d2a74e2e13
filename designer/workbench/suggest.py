"""Index suggestions from a key query's predicates, joins, ORDER BY and LIMIT, proven on data.

For each table the slow plan scans sequentially: equality columns first (parameters, joins),
then one range or ORDER BY column; constant predicates on flag-like columns (``IS NULL``,
booleans, enums, status words) become the partial index's WHERE; a few more columns the
query reads become INCLUDE columns for an index-only scan; jsonb/array containment and
full-text matches get GIN. ``verify`` creates each suggestion on the loaded database,
re-runs the query and keeps the ones the plan uses and that make it faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pglast
import psycopg
from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType, NullTestType
from psycopg import sql

from designer.schema.model import EnumType, Index, IndexPart, Schema, Table
from designer.sql.dialects.postgres import POSTGRES
from designer.workbench.explain import Explained, explain
from designer.workbench.queries import KeyQuerySpec

MAX_INCLUDE = 3
_FLAG_NAME = re.compile(r"status|state|kind|type|deleted|archived|active|enabled|done|flag")
_GIN_OPERATORS = {"@>", "<@", "?", "?|", "?&", "&&"}
_RANGE_OPERATORS = {"<", "<=", ">", ">="}


@dataclass
class Suggestion:
    table: Table
    index: Index
    reason: str
    before_ms: float = 0.0
    after_ms: float | None = None
    after: Explained | None = None
    used: bool = False

    @property
    def ddl(self) -> str:
        context = POSTGRES.context(Schema(tables=(self.table,)))
        return POSTGRES.create_index(self.table.schema, self.table.name, self.index, context)

    @property
    def proven(self) -> bool:
        return self.used and self.after_ms is not None and self.after_ms < self.before_ms


@dataclass
class _Usage:
    table: Table
    equal: list[str] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # SQL text without the alias
    order: list[tuple[str, bool]] = field(default_factory=list)
    read: set[str] = field(default_factory=set)
    all_columns: bool = False
    gin: list[tuple[str, str]] = field(default_factory=list)  # (expression, reason)


def _column_ref(node: Any, aliases: dict[str, _Usage]) -> tuple[_Usage, str] | None:
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if not isinstance(node, ast.ColumnRef):
        return None
    fields = [f.sval for f in node.fields if isinstance(f, ast.String)]
    if len(fields) == 2 and fields[0] in aliases:
        usage = aliases[fields[0]]
        return (usage, fields[1]) if usage.table.column(fields[1]) else None
    if len(fields) == 1:
        owners = [u for u in aliases.values() if u.table.column(fields[0])]
        if len(set(id(u) for u in owners)) == 1:
            return owners[0], fields[0]
    return None


def _is_value(node: Any) -> str | None:
    """'param' or 'const' for a parameter or a constant (through casts)."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if isinstance(node, ast.ParamRef):
        return "param"
    if isinstance(node, ast.A_Const):
        return "const"
    if isinstance(node, ast.FuncCall) and not node.args:  # now(), current_date
        return "param"
    if isinstance(node, ast.A_Expr) and node.kind == A_Expr_Kind.AEXPR_OP:
        # now() - interval '1 day'
        sides = [_is_value(node.lexpr) if node.lexpr else "const", _is_value(node.rexpr)]
        return "param" if all(sides) else None
    return None


def _deparse(node: Any) -> str:
    return pglast.stream.RawStream()(node)


def _flag_like(table: Table, column: str, enums: dict[str, EnumType]) -> bool:
    col = table.column(column)
    if col is None:
        return False
    return (
        col.type == "boolean"
        or col.type.split(".")[-1] in enums
        or bool(_FLAG_NAME.search(column.lower()))
    )


class _Analyzer:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.aliases: dict[str, _Usage] = {}
        self.enums = {e.name: e for e in schema.enums}

    def from_item(self, node: Any, conjuncts: list[Any]) -> None:
        if isinstance(node, ast.RangeVar):
            table = self.schema.table(node.relname, node.schemaname or "public")
            if table is not None:
                alias = node.alias.aliasname if node.alias else node.relname
                self.aliases[alias] = _Usage(table)
        elif isinstance(node, ast.JoinExpr):
            self.from_item(node.larg, conjuncts)
            self.from_item(node.rarg, conjuncts)
            if node.quals is not None:
                conjuncts.append(node.quals)

    def predicate(self, node: Any) -> None:
        if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.AND_EXPR:
            for arg in node.args:
                self.predicate(arg)
            return
        if isinstance(node, ast.NullTest):
            ref = _column_ref(node.arg, self.aliases)
            if ref:
                test = "IS NULL" if node.nulltesttype == NullTestType.IS_NULL else "IS NOT NULL"
                ref[0].partial.append(f"{ref[1]} {test}")
            return
        ref = _column_ref(node, self.aliases)
        if ref and ref[0].table.column(ref[1]).type == "boolean":  # type: ignore[union-attr]
            ref[0].partial.append(ref[1])
            return
        if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.NOT_EXPR:
            ref = _column_ref(node.args[0], self.aliases)
            if ref:
                ref[0].partial.append(f"NOT {ref[1]}")
            return
        if not isinstance(node, ast.A_Expr):
            return
        op = node.name[-1].sval if node.name else ""
        if node.kind in (A_Expr_Kind.AEXPR_IN, A_Expr_Kind.AEXPR_OP_ANY) and op == "=":
            if ref := _column_ref(node.lexpr, self.aliases):
                ref[0].equal.append(ref[1])
            return
        if node.kind == A_Expr_Kind.AEXPR_BETWEEN:
            if ref := _column_ref(node.lexpr, self.aliases):
                ref[0].ranges.append(ref[1])
            return
        if node.kind != A_Expr_Kind.AEXPR_OP:
            return
        left, right = node.lexpr, node.rexpr
        if op == "@@":
            self._full_text(left) or self._full_text(right)
            return
        lref, rref = _column_ref(left, self.aliases), _column_ref(right, self.aliases)
        if op in _GIN_OPERATORS and lref and _is_value(right):
            lref[0].gin.append((lref[1], f"{op} containment"))
            return
        if op == "=" and lref and rref and lref[0] is not rref[0]:
            lref[0].joins.append(lref[1])
            rref[0].joins.append(rref[1])
            return
        for ref, value, _flipped in ((lref, right, False), (rref, left, True)):
            if not ref or not (kind := _is_value(value)):
                continue
            usage, column = ref
            if op == "=":
                if kind == "const" and _flag_like(usage.table, column, self.enums):
                    usage.partial.append(f"{column} = {_deparse(value)}")
                else:
                    usage.equal.append(column)
            elif op in _RANGE_OPERATORS:
                usage.ranges.append(column)
            return

    def _full_text(self, node: Any) -> bool:
        if isinstance(node, ast.FuncCall) and node.funcname[-1].sval == "to_tsvector":
            args = list(node.args or ())
            ref = _column_ref(args[-1], self.aliases) if args else None
            if ref:
                config = _deparse(args[0]) + ", " if len(args) == 2 else ""
                ref[0].gin.append((f"to_tsvector({config}{ref[1]})", "full-text match"))
                return True
        return False

    def reads(self, stmt: ast.SelectStmt) -> None:
        for target in stmt.targetList or ():
            val = target.val
            if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
                fields = [f.sval for f in val.fields if isinstance(f, ast.String)]
                for alias, usage in self.aliases.items():
                    if not fields or fields[0] == alias:
                        usage.all_columns = True
            for node in _column_refs(val):
                if ref := _column_ref(node, self.aliases):
                    ref[0].read.add(ref[1])
        for sort in stmt.sortClause or ():
            ref = _column_ref(sort.node, self.aliases)
            if ref:
                ref[0].order.append((ref[1], sort.sortby_dir == 2))


def _column_refs(node: Any) -> list[ast.ColumnRef]:
    found: list[ast.ColumnRef] = []

    class Finder(pglast.visitors.Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Any, n: ast.ColumnRef) -> None:
            found.append(n)

    if isinstance(node, ast.ColumnRef):
        return [node]
    if node is not None:
        Finder()(node)
    return found


def _index_name(table: Table, columns: list[str], suffix: str) -> str:
    base = f"{table.name}_{'_'.join(columns)}"[: 63 - len(suffix) - 1]
    return f"{base}_{suffix}"


def _exists(table: Table, parts: tuple[IndexPart, ...], where: str | None) -> bool:
    wanted = tuple(p.column or p.expression for p in parts)
    keys = [
        tuple(p.column or p.expression for p in i.parts) for i in table.indexes if i.where == where
    ]
    if where is None and table.primary_key:
        keys.append(tuple(table.primary_key.columns))
    return any(k[: len(wanted)] == wanted for k in keys)


def suggest(spec: KeyQuerySpec, schema: Schema, before: Explained) -> list[Suggestion]:
    """Indexes that could serve ``spec``, for the tables its plan reads sequentially or
    sorts."""
    stmt = pglast.parse_sql(spec.sql)[0].stmt
    if not isinstance(stmt, ast.SelectStmt):
        return []
    analyzer = _Analyzer(schema)
    conjuncts: list[Any] = []
    for item in stmt.fromClause or ():
        analyzer.from_item(item, conjuncts)
    for node in [*conjuncts, stmt.whereClause]:
        if node is not None:
            analyzer.predicate(node)
    analyzer.reads(stmt)
    scanned = set(before.seq_scans)
    sorts = any(n.node_type in ("Sort", "Incremental Sort") for n in before.root.walk())
    out: list[Suggestion] = []
    seen: set[str] = set()
    for usage in analyzer.aliases.values():
        table = usage.table
        if table.name not in scanned and not (sorts and usage.order):
            continue
        keys = list(dict.fromkeys(usage.equal + usage.joins))
        tail: list[tuple[str, bool]] = []
        if usage.order and (not usage.ranges or usage.ranges[0] == usage.order[0][0]):
            tail = [(c, d) for c, d in usage.order if c not in keys]
        elif usage.ranges:
            tail = [(usage.ranges[0], False)]
        parts = tuple(IndexPart(column=c) for c in keys) + tuple(
            IndexPart(column=c, descending=d) for c, d in tail
        )
        where = " AND ".join(dict.fromkeys(usage.partial)) or None
        if parts and not _exists(table, parts, where):
            in_key = {p.column for p in parts}
            extra = sorted(usage.read - in_key)
            include = (
                tuple(extra) if not usage.all_columns and 0 < len(extra) <= MAX_INCLUDE else ()
            )
            names = [p.column for p in parts if p.column]
            index = Index(
                name=_index_name(table, names, "part_idx" if where else "idx"),
                parts=parts,
                include=include,
                where=where,
                purpose=f"key query: {spec.name}",
            )
            reason = "columns of " + ", ".join(
                x
                for x in (
                    "equality predicates" if usage.equal else "",
                    "joins" if usage.joins else "",
                    "the range predicate" if usage.ranges else "",
                    "ORDER BY" if usage.order else "",
                )
                if x
            )
            if where:
                reason += f"; partial for the constant predicate {where}"
            if include:
                reason += "; INCLUDE for an index-only scan"
            if index.name not in seen:
                seen.add(index.name)
                out.append(Suggestion(table=table, index=index, reason=reason))
        for expression, why in usage.gin:
            is_column = table.column(expression) is not None
            part = IndexPart(column=expression) if is_column else IndexPart(expression=expression)
            if _exists(table, (part,), None):
                continue
            label = expression if is_column else "fts"
            index = Index(
                name=_index_name(table, [label], "gin_idx"),
                parts=(part,),
                method="gin",
                purpose=f"key query: {spec.name}",
            )
            if index.name not in seen:
                seen.add(index.name)
                out.append(Suggestion(table=table, index=index, reason=f"GIN for {why}"))
    return out


def _run_ddl(dsn: str, statement: str, table: Table) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]
        conn.execute(
            sql.SQL("ANALYZE {}.{}").format(
                sql.Identifier(table.schema), sql.Identifier(table.name)
            )
        )


def drop_index(dsn: str, suggestion: Suggestion) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP INDEX IF EXISTS {}.{}").format(
                sql.Identifier(suggestion.table.schema), sql.Identifier(suggestion.index.name)
            )
        )


def verify(
    dsn: str, spec: KeyQuerySpec, suggestions: list[Suggestion], before: Explained, **kw: Any
) -> list[Suggestion]:
    """Create each suggestion alone, re-run the query, drop it again; record the gain."""
    for s in suggestions:
        s.before_ms = before.ms
        _run_ddl(dsn, s.ddl, s.table)
        try:
            s.after = explain(dsn, spec, **kw)
            s.after_ms = s.after.ms
            s.used = s.index.name in s.after.indexes_used
        finally:
            drop_index(dsn, s)
    return suggestions


def apply_all(dsn: str, suggestions: list[Suggestion]) -> None:
    for s in suggestions:
        _run_ddl(dsn, s.ddl, s.table)
