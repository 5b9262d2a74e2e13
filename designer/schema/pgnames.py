"""PostgreSQL's naming rules: the names it chooses for what a design leaves unnamed.

Pure functions, ported from PostgreSQL's C sources (``makeObjectName``,
``ChooseIndexNameAddition``, ``ChooseIndexColumnNames``, ``FigureColname``) so that a
design and the catalog of the database built from it name keys, indexes, checks and
sequences alike. Names are cut to NAMEDATALEN - 1 bytes without splitting a character.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from designer.schema.model import ExcludeConstraint, Table
from designer.schema.pgtree import nodes, parse_expression

NAMEDATALEN = 64


def clip(raw: bytes, size: int) -> int:
    """Largest length <= size that does not cut a UTF-8 character (pg_mbcliplen)."""
    while 0 < size < len(raw) and (raw[size] & 0xC0) == 0x80:
        size -= 1
    return size


def truncate_identifier(name: str) -> str:
    """``name`` cut to the NAMEDATALEN - 1 bytes PostgreSQL keeps of an identifier."""
    raw = name.encode()
    return raw[: clip(raw, NAMEDATALEN - 1)].decode()


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's makeObjectName: ``name1_name2_label`` shortened to fit 63 bytes."""
    b1, b2 = name1.encode(), (name2 or "").encode()
    overhead = (len(label) + 1 if label else 0) + (1 if name2 else 0)
    available = NAMEDATALEN - 1 - overhead
    n1, n2 = len(b1), len(b2)
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    out = b1[: clip(b1, n1)]
    if name2:
        out += b"_" + b2[: clip(b2, n2)]
    if label:
        out += b"_" + label.encode()
    return out.decode()


def name_addition(names: Iterable[str]) -> str:
    """ChooseIndexNameAddition: names joined by ``_``, cut at NAMEDATALEN - 1 bytes."""
    buf = b""
    for name in names:
        if buf:
            buf += b"_"
        buf += name.encode()
        if len(buf) >= NAMEDATALEN:
            break
    buf = buf[: clip(buf, min(len(buf), NAMEDATALEN - 1))]
    return buf.decode()


def index_column_names(names: Iterable[str | None]) -> list[str]:
    """ChooseIndexColumnNames: ``expr`` for expressions, digits added to repeats."""
    out: list[str] = []
    for name in names:
        base = name or "expr"
        candidate, i = base, 0
        while candidate in out:
            i += 1
            candidate = f"{base}{i}"
        out.append(candidate)
    return out


def _figure_colname(node: Any) -> str | None:
    """FigureColname for an index element expression: a function's or column's name."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    kind, body = next(iter(node.items()))
    if kind == "FuncCall":
        return str(body["funcname"][-1]["String"]["sval"])
    if kind == "ColumnRef":
        last = body.get("fields", [{}])[-1]
        return str(last["String"]["sval"]) if "String" in last else None
    if kind == "TypeCast":
        inner = _figure_colname(body.get("arg"))
        return inner or str(body["typeName"]["names"][-1]["String"]["sval"])
    return None


def index_element_name(expression: str) -> str | None:
    """The name PostgreSQL derives from an index or exclusion element (``lower(x)`` -> lower)."""
    tree = parse_expression(expression)
    return _figure_colname(
        tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
    )


def default_key_name(table: str, columns: Iterable[str], label: str) -> str:
    """The name PostgreSQL gives an unnamed key: ``t_pkey``, ``t_a_b_key``, ``t_a_fkey``."""
    if label == "pkey":
        return make_object_name(table, None, label)
    return make_object_name(table, name_addition(columns), label)


def default_exclusion_name(table: Table, exclusion: ExcludeConstraint) -> str:
    """The name PostgreSQL gives an unnamed exclusion constraint: its index's name,
    ``t_room_during_excl``, each element named as an index column (a column by its name, an
    expression ``lower`` or ``expr``). The model holds a column element as the bare name."""
    columns = index_column_names(
        e.expression if e.expression in table.column_names else index_element_name(e.expression)
        for e in exclusion.elements
    )
    return make_object_name(table.name, name_addition(columns), "excl")


def identity_sequence_name(table: str, column: str) -> str:
    """The name PostgreSQL gives the sequence of a serial or identity column."""
    return make_object_name(table, column, "seq")


def expression_columns(expression: str) -> set[str]:
    """Names of the columns an expression refers to (last part of each column reference)."""
    found: set[str] = set()
    for ref in nodes(parse_expression(expression), "ColumnRef"):
        last = ref.get("fields", [{}])[-1]
        if "String" in last:
            found.add(last["String"]["sval"])
    return found


def default_check_name(table: Table, expression: str) -> str:
    """``{table}_{col}_check`` when exactly one column is referenced, else ``{table}_check``."""
    refs = expression_columns(expression) & set(table.column_names)
    return make_object_name(table.name, next(iter(refs)) if len(refs) == 1 else None, "check")


__all__ = [
    "NAMEDATALEN",
    "clip",
    "default_check_name",
    "default_exclusion_name",
    "default_key_name",
    "expression_columns",
    "identity_sequence_name",
    "index_column_names",
    "index_element_name",
    "make_object_name",
    "name_addition",
    "truncate_identifier",
]
