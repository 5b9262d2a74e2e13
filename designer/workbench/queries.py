"""Key queries: read from a query file, checked by PostgreSQL's parser and against the design.

A query file holds statements separated by ``;``. A ``-- name: X`` comment line before a
statement names it; ``-- params: 42, 'x'`` gives the values of ``$1``, ``$2``, ... as SQL
constants. Only SELECT statements (``WITH`` included) are key queries: they are explained
in a read-only transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pglast
from pglast import ast
from pglast.visitors import Visitor

from designer.schema.model import Schema, Table

ERR_PARSE = "{name}: the SQL does not parse: {reason}"
ERR_ONE_STATEMENT = "{name}: a key query is one statement; this has {count}."
ERR_NOT_SELECT = "{name}: only SELECT queries can be explained (they run read-only)."
ERR_UNKNOWN_TABLE = "{name}: unknown table {table}."
ERR_UNKNOWN_COLUMN = "{name}: unknown column {column}."
ERR_PARAM = "{name}: parameter {value} is not a constant."
ERR_PARAM_COUNT = "{name}: the query uses ${count} but {given} parameter value(s) are given."
MAX_QUERY_CHARS = 100_000

_NAME = re.compile(r"^\s*--\s*name\s*:\s*(.+?)\s*$", re.IGNORECASE)
_PARAMS = re.compile(r"^\s*--\s*params\s*:\s*(.*?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class KeyQuerySpec:
    name: str
    sql: str
    params: tuple[str, ...] = ()  # SQL constants, as written


@dataclass
class QueryCheck:
    errors: list[str] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)  # (schema, name) referenced


def _split(text: str) -> list[str]:
    """Statements of a script, split at ``;`` outside quotes, comments and dollar quotes."""
    parts: list[str] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if c in ("'", '"'):
            end = i + 1
            while end < n:
                if text[end] == c:
                    if end + 1 < n and text[end + 1] == c:
                        end += 2
                        continue
                    break
                end += 1
            i = end + 1
            continue
        if c == "$":
            m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", text[i:])
            if m:
                tag = m.group(0)
                end = text.find(tag, i + len(tag))
                i = n if end < 0 else end + len(tag)
                continue
        if c == ";":
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _split_params(text: str) -> tuple[str, ...]:
    if not text.strip():
        return ()
    values, current, quote = [], "", False
    for ch in text:
        if ch == "'":
            quote = not quote
        if ch == "," and not quote:
            values.append(current.strip())
            current = ""
        else:
            current += ch
    values.append(current.strip())
    return tuple(values)


def parse_query_file(text: str) -> list[KeyQuerySpec]:
    """The named statements of a query file (unnamed ones are ``query N``)."""
    specs: list[KeyQuerySpec] = []
    for part in _split(text):
        name, params, body = None, (), []
        for line in part.splitlines():
            if (m := _NAME.match(line)) and not body:
                name = m.group(1)
            elif (m := _PARAMS.match(line)) and not body:
                params = _split_params(m.group(1))
            elif body or (line.strip() and not line.strip().startswith("--")):
                body.append(line)
        sql = "\n".join(body).strip()
        if sql:
            specs.append(
                KeyQuerySpec(name=name or f"query {len(specs) + 1}", sql=sql, params=params)
            )
    return specs


class _Refs(Visitor):
    def __init__(self) -> None:
        self.ranges: list[ast.RangeVar] = []
        self.columns: list[tuple[str, ...]] = []
        self.ctes: set[str] = set()
        self.aliases: set[str] = set()
        self.params = 0

    def visit_RangeVar(self, ancestors: Any, node: ast.RangeVar) -> None:
        self.ranges.append(node)

    def visit_CommonTableExpr(self, ancestors: Any, node: ast.CommonTableExpr) -> None:
        self.ctes.add(node.ctename)

    def visit_RangeSubselect(self, ancestors: Any, node: ast.RangeSubselect) -> None:
        if node.alias:
            self.ctes.add(node.alias.aliasname)

    def visit_ResTarget(self, ancestors: Any, node: ast.ResTarget) -> None:
        if node.name:
            self.aliases.add(node.name)

    def visit_ColumnRef(self, ancestors: Any, node: ast.ColumnRef) -> None:
        fields = tuple(f.sval for f in node.fields if isinstance(f, ast.String))
        if len(fields) == len(node.fields):
            self.columns.append(fields)

    def visit_ParamRef(self, ancestors: Any, node: ast.ParamRef) -> None:
        self.params = max(self.params, node.number)


def parse_statement(sql: str) -> Any:
    """The one statement of ``sql`` (pglast node); ``ValueError`` with a clear message."""
    return pglast.parse_sql(sql)


def check_query(spec: KeyQuerySpec, schema: Schema) -> QueryCheck:
    """Parse ``spec`` and name what the design does not have."""
    result = QueryCheck()
    name = spec.name
    if len(spec.sql) > MAX_QUERY_CHARS:
        result.errors.append(ERR_PARSE.format(name=name, reason="the query is too long"))
        return result
    try:
        statements = pglast.parse_sql(spec.sql)
    except pglast.parser.ParseError as exc:
        result.errors.append(ERR_PARSE.format(name=name, reason=exc.args[0]))
        return result
    if len(statements) != 1:
        result.errors.append(ERR_ONE_STATEMENT.format(name=name, count=len(statements)))
        return result
    stmt = statements[0].stmt
    if not isinstance(stmt, ast.SelectStmt) or stmt.intoClause is not None:
        result.errors.append(ERR_NOT_SELECT.format(name=name))
        return result
    for value in spec.params:
        if not _is_constant(value):
            result.errors.append(ERR_PARAM.format(name=name, value=value))
    refs = _Refs()
    refs(stmt)
    if refs.params > len(spec.params):
        result.errors.append(
            ERR_PARAM_COUNT.format(name=name, count=refs.params, given=len(spec.params))
        )
    in_scope: dict[str, Table] = {}
    for rv in refs.ranges:
        if rv.schemaname is None and rv.relname in refs.ctes:
            continue
        schema_name = rv.schemaname or "public"
        table = schema.table(rv.relname, schema_name)
        view = next(
            (v for v in schema.views if v.name == rv.relname and v.schema == schema_name), None
        )
        if table is None and view is None:
            label = f"{rv.schemaname}.{rv.relname}" if rv.schemaname else rv.relname
            result.errors.append(ERR_UNKNOWN_TABLE.format(name=name, table=label))
            continue
        if table is not None:
            result.tables.append((table.schema, table.name))
            in_scope[rv.alias.aliasname if rv.alias else rv.relname] = table
    if any(e.startswith(f"{name}: unknown table") for e in result.errors) or len(in_scope) < len(
        [r for r in refs.ranges if not (r.schemaname is None and r.relname in refs.ctes)]
    ):
        return result  # views and unknown tables: columns cannot be checked
    for fields in refs.columns:
        if len(fields) == 2 and fields[0] in in_scope:
            if in_scope[fields[0]].column(fields[1]) is None:
                result.errors.append(
                    ERR_UNKNOWN_COLUMN.format(name=name, column=f"{fields[0]}.{fields[1]}")
                )
        elif len(fields) == 1 and not refs.ctes:
            column = fields[0]
            if column not in refs.aliases and not any(t.column(column) for t in in_scope.values()):
                result.errors.append(ERR_UNKNOWN_COLUMN.format(name=name, column=column))
    return result


def _is_constant(value: str) -> bool:
    try:
        statements = pglast.parse_sql(f"SELECT {value}")
    except pglast.parser.ParseError:
        return False
    if len(statements) != 1:
        return False
    node = statements[0].stmt.targetList
    if not node or len(node) != 1:
        return False
    expr = node[0].val
    while isinstance(expr, ast.TypeCast):
        expr = expr.arg
    if isinstance(expr, ast.A_Expr) and expr.lexpr is None:  # -42
        expr = expr.rexpr
    return isinstance(expr, ast.A_Const | ast.A_ArrayExpr)
