"""PostgreSQL parse trees in pglast's JSON form: parse once, then find nodes of a kind.

The JSON form is plain dicts and lists (``{"FuncCall": {...}}``), cheap to walk for the
facts the model needs about SQL text: which columns an expression reads, which
functions it calls, which relations a query names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pglast


def parse(sql: str) -> dict[str, Any]:
    """The parse tree of ``sql`` (``{"stmts": [...]}``); raises pglast's ParseError."""
    tree: dict[str, Any] = json.loads(pglast.parser.parse_sql_json(sql))
    return tree


def parse_expression(expression: str) -> dict[str, Any]:
    """The tree of one expression, as the target of ``SELECT expression``."""
    return parse(f"SELECT {expression}")


def nodes(tree: Any, kind: str) -> Iterator[dict[str, Any]]:
    """Every node of ``kind`` (``"ColumnRef"``, ``"RangeVar"`` ...) under ``tree``,
    depth first, nested ones included."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found = node.get(kind)
            if isinstance(found, dict):
                yield found
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
