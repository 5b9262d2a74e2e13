"""The simple CHECK constraints sample data can obey, read from PostgreSQL's parse tree.

Understood: a column compared with a constant (``price > 0``, ``qty <= 100``, ``code <> ''``),
``BETWEEN``, ``IN (...)`` and ``= ANY (ARRAY[...])`` lists, ``char_length(col) > n``, one
column compared with another (``starts_at < ends_at``), ``IS NOT NULL`` and ``AND`` of these.
Anything else is reported, so a load that trips on it names the check it could not follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pglast
from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType

_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "=", "<>": "<>", "!=": "<>"}


@dataclass
class Bounds:
    """What the checks allow for one column."""

    low: float | None = None
    low_strict: bool = False
    high: float | None = None
    high_strict: bool = False
    choices: list[str] | None = None
    pattern: str | None = None  # a POSIX regular expression the text must match (``~``)
    min_length: int = 0
    max_length: int | None = None
    # columns this one must be greater than (``a < b`` puts ``a`` in b's list)
    after: list[tuple[str, bool]] = field(default_factory=list)

    def merge_low(self, value: float, strict: bool) -> None:
        if self.low is None or value > self.low:
            self.low, self.low_strict = value, strict

    def merge_high(self, value: float, strict: bool) -> None:
        if self.high is None or value < self.high:
            self.high, self.high_strict = value, strict


def _const(node: Any) -> Any:
    """The Python value of a constant (through casts), or ``None`` when it is no constant."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if isinstance(node, ast.A_Const) and not node.isnull and node.val is not None:
        val = node.val
        if isinstance(val, ast.Integer):
            return val.ival
        if isinstance(val, ast.Float):
            return float(val.fval)
        if isinstance(val, ast.String):
            return val.sval
        if isinstance(val, ast.Boolean):
            return val.boolval
    return None


def _column(node: Any, value_name: str | None) -> str | None:
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if isinstance(node, ast.ColumnRef):
        fields = [f.sval for f in node.fields if isinstance(f, ast.String)]
        if len(fields) == 1:
            return value_name if value_name and fields[0] == "value" else fields[0]
    return None


def _length_of(node: Any, value_name: str | None) -> str | None:
    if isinstance(node, ast.FuncCall) and node.args and len(node.args) == 1:
        name = node.funcname[-1].sval
        if name in ("char_length", "length", "character_length"):
            return _column(node.args[0], value_name)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


class _Reader:
    def __init__(self, value_name: str | None) -> None:
        self.value_name = value_name
        self.bounds: dict[str, Bounds] = {}

    def of(self, column: str) -> Bounds:
        return self.bounds.setdefault(column, Bounds())

    def read(self, node: Any) -> bool:
        if isinstance(node, ast.BoolExpr):
            if node.boolop == BoolExprType.AND_EXPR:
                return all([self.read(a) for a in node.args])
            if node.boolop == BoolExprType.OR_EXPR and len(node.args) == 2:
                # ``x IS NULL OR <condition on x>``: values that meet the condition pass too
                for null_arm, other in (node.args, node.args[::-1]):
                    if isinstance(null_arm, ast.NullTest) and null_arm.nulltesttype == 0:
                        return self.read(other)
            return False
        if isinstance(node, ast.NullTest):
            return _column(node.arg, self.value_name) is not None and node.nulltesttype == 1
        if not isinstance(node, ast.A_Expr):
            return False
        if node.kind == A_Expr_Kind.AEXPR_IN:
            column = _column(node.lexpr, self.value_name)
            values = [_const(v) for v in node.rexpr] if isinstance(node.rexpr, tuple) else []
            if (
                column
                and values
                and all(v is not None for v in values)
                and node.name[0].sval == "="
            ):
                self.of(column).choices = [str(v) for v in values]
                return True
            return False
        if node.kind == A_Expr_Kind.AEXPR_OP_ANY:
            column = _column(node.lexpr, self.value_name)
            array = node.rexpr
            while isinstance(array, ast.TypeCast):
                array = array.arg
            if column and isinstance(array, ast.A_ArrayExpr) and node.name[0].sval == "=":
                values = [_const(v) for v in array.elements or ()]
                if values and all(v is not None for v in values):
                    self.of(column).choices = [str(v) for v in values]
                    return True
            return False
        if node.kind == A_Expr_Kind.AEXPR_BETWEEN:
            column = _column(node.lexpr, self.value_name)
            low, high = (_number(_const(v)) for v in node.rexpr)
            if column and low is not None and high is not None:
                self.of(column).merge_low(low, False)
                self.of(column).merge_high(high, False)
                return True
            return False
        if node.kind != A_Expr_Kind.AEXPR_OP:
            return False
        op = node.name[-1].sval
        return self._comparison(node.lexpr, op, node.rexpr) or (
            op in _FLIP and self._comparison(node.rexpr, _FLIP[op], node.lexpr)
        )

    def _comparison(self, left: Any, op: str, right: Any) -> bool:
        column = _column(left, self.value_name)
        length_of = _length_of(left, self.value_name)
        value = _const(right)
        if length_of and (n := _number(value)) is not None:
            bounds = self.of(length_of)
            if op in (">", ">="):
                bounds.min_length = max(bounds.min_length, int(n) + (op == ">"))
                return True
            if op in ("<", "<="):
                bounds.max_length = int(n) - (op == "<")
                return True
            return False
        if column is None:
            return False
        other = _column(right, self.value_name)
        if other is not None:
            if op in (">", ">="):
                self.of(column).after.append((other, op == ">"))
                return True
            if op in ("<", "<="):
                self.of(other).after.append((column, op == "<"))
                return True
            return False
        if value is None:
            return False
        bounds = self.of(column)
        number = _number(value)
        if op in ("<>", "!=") and value == "":
            bounds.min_length = max(bounds.min_length, 1)
            return True
        if op == "=":
            bounds.choices = [str(value)]
            return True
        if op == "~" and isinstance(value, str):
            bounds.pattern = value
            return True
        if number is None:
            return False
        if op in (">", ">="):
            bounds.merge_low(number, op == ">")
        elif op in ("<", "<="):
            bounds.merge_high(number, op == "<")
        else:
            # ``<>`` one value: random values almost never hit it
            return op in ("<>", "!=")
        return True


def read_checks(
    expressions: list[str], *, value_name: str | None = None
) -> tuple[dict[str, Bounds], list[str]]:
    """Bounds per column from CHECK bodies, and the bodies not understood.

    ``value_name`` is the column a domain's ``VALUE`` stands for.
    """
    reader = _Reader(value_name)
    unknown: list[str] = []
    for text in expressions:
        try:
            tree = pglast.parse_sql(f"SELECT {text}")
            node = tree[0].stmt.targetList[0].val  # type: ignore[attr-defined]
        except Exception:
            unknown.append(text)
            continue
        if not reader.read(node):
            unknown.append(text)
    return reader.bounds, unknown
