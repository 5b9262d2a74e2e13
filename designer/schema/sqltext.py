"""SQL text rules shared by everything: identifier and string-literal quoting (written
once, here), identifier validation, and normalisation of types and expressions by
PostgreSQL's own parser."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import pglast
from pglast import ast, keywords
from pglast.printers import node_printer
from pglast.stream import RawStream
from pglast.visitors import Visitor

MAX_IDENTIFIER_BYTES = 63
_SIMPLE_IDENT = re.compile(r"[a-z_][a-z0-9_$]*\Z")
# PostgreSQL's quote_ident() quotes every keyword that is not unreserved.
_NEEDS_QUOTING_KEYWORDS = frozenset(
    keywords.RESERVED_KEYWORDS | keywords.COL_NAME_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS
)
RESERVED_WORDS = frozenset(keywords.RESERVED_KEYWORDS)

ERR_IDENT_EMPTY = "A name cannot be empty."
ERR_IDENT_TOO_LONG = "“{name}” is {size} bytes long; PostgreSQL allows at most 63 bytes in a name."
ERR_IDENT_NUL = "A name cannot contain the NUL character."
WARN_IDENT_RESERVED = "“{name}” is a reserved word in PostgreSQL; it will always be quoted."
WARN_IDENT_QUOTED = "“{name}” is not lower-case snake_case; it will have to be quoted in SQL."


# How deeply an expression, type or query may nest (operators, calls, sub-expressions). The
# printers here, sqlglot's and the exporters recurse once per level; PostgreSQL itself stops
# near a few thousand. Real schemas stay far below this, so deeper text is refused up front
# and nothing downstream ever meets it.
MAX_NESTING = 100
ERR_TOO_DEEP = (
    "This SQL nests more than {limit} levels deep (operators, calls or parentheses inside one"
    " another); simplify it or split it into several."
)


class SqlTextError(ValueError):
    """User-supplied SQL text (an expression or a type) that PostgreSQL's parser rejects."""


def nesting(node: object) -> int:
    """How many parse-tree nodes deep ``node`` goes (iteratively: any depth is safe)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, list | tuple):
            stack.extend((item, depth) for item in current)
            continue
        if not isinstance(current, ast.Node):
            continue
        deepest = max(deepest, depth)
        for name in current:
            value = getattr(current, name, None)
            if isinstance(value, ast.Node | list | tuple):
                stack.append((value, depth + 1))
    return deepest


def _parse(sql: str, error_prefix: str) -> tuple[ast.RawStmt, ...]:
    """pglast.parse_sql with every failure a SqlTextError (``error_prefix`` + the parser's
    message); deep nesting refused."""
    try:
        stmts = pglast.parse_sql(sql)
    except pglast.parser.ParseError as exc:
        # PostgreSQL's own limits: its stack depth, and its grammar's parser stack
        if str(exc.args[0]).startswith(("stack depth limit exceeded", "memory exhausted")):
            raise SqlTextError(ERR_TOO_DEEP.format(limit=MAX_NESTING)) from None
        raise SqlTextError(f"{error_prefix}{exc.args[0]}") from None
    except RecursionError:
        raise SqlTextError(ERR_TOO_DEEP.format(limit=MAX_NESTING)) from None
    if any(nesting(s.stmt) > MAX_NESTING + 2 for s in stmts):  # + SELECT and its target
        raise SqlTextError(ERR_TOO_DEEP.format(limit=MAX_NESTING))
    return tuple(stmts)


def needs_quoting(name: str) -> bool:
    return not _SIMPLE_IDENT.match(name) or name in _NEEDS_QUOTING_KEYWORDS


def quote_ident(name: str, *, always: bool = False) -> str:
    """Quote ``name`` exactly when PostgreSQL needs it (the rule of ``quote_ident()``).

    ``always`` quotes every name, as standard SQL writes a delimited identifier.
    """
    if always or needs_quoting(name):
        return '"' + name.replace('"', '""') + '"'
    return name


def qualify(schema: str | None, name: str) -> str:
    """``schema.name``, each part quoted as needed."""
    if not schema:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def quote_string(text: str) -> str:
    """A standard SQL string literal: the text in single quotes, each quote doubled.

    PostgreSQL reads it so with ``standard_conforming_strings`` on (its default).
    """
    return "'" + text.replace("'", "''") + "'"


def quote_literal(text: str) -> str:
    """A string literal by PostgreSQL's ``quote_literal()`` rule.

    Quotes are doubled; a text with a backslash becomes ``E'...'`` with the
    backslashes doubled, so it reads the same whatever
    ``standard_conforming_strings`` says.
    """
    if "\\" in text:
        return "E" + quote_string(text.replace("\\", "\\\\"))
    return quote_string(text)


def identifier_errors(name: str) -> list[str]:
    """Reasons PostgreSQL would reject ``name`` as an identifier (empty list when valid)."""
    if not name:
        return [ERR_IDENT_EMPTY]
    errors = []
    if "\x00" in name:
        errors.append(ERR_IDENT_NUL)
    size = len(name.encode("utf-8"))
    if size > MAX_IDENTIFIER_BYTES:
        errors.append(ERR_IDENT_TOO_LONG.format(name=name, size=size))
    return errors


def identifier_warnings(name: str) -> list[str]:
    """Legal but unwise names: reserved words and names that need quoting."""
    if name in RESERVED_WORDS:
        return [WARN_IDENT_RESERVED.format(name=name)]
    if needs_quoting(name):
        return [WARN_IDENT_QUOTED.format(name=name)]
    return []


# -- casts ---------------------------------------------------------------------


@node_printer(ast.TypeCast, override=True)
def _print_type_cast(node: ast.TypeCast, output: object) -> None:
    """Print casts as ``value::type``, the spelling pg_dump and psql users read every day.

    pglast prints ``CAST(value AS type)``. Anything but a plain non-negative constant or
    column reference is parenthesised, so printing and re-parsing gives the same tree
    (normalisation must be idempotent).
    """
    arg = node.arg
    simple = isinstance(arg, ast.ColumnRef | ast.FuncCall | ast.A_ArrayExpr | ast.TypeCast) or (
        isinstance(arg, ast.A_Const) and not str(RawStream()(arg)).startswith("-")
    )
    if simple:
        output.print_node(arg)  # type: ignore[attr-defined]
    else:
        output.write("(")  # type: ignore[attr-defined]
        output.print_node(arg)  # type: ignore[attr-defined]
        output.write(")")  # type: ignore[attr-defined]
    output.write("::")  # type: ignore[attr-defined]
    output.print_node(node.typeName)  # type: ignore[attr-defined]


# -- types -------------------------------------------------------------------

# Internal and alias names -> the name format_type() prints.
_TYPE_NAMES = {
    "int4": "integer",
    "int": "integer",
    "integer": "integer",
    "int8": "bigint",
    "int2": "smallint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "varbit": "bit varying",
    "bit": "bit",
    "numeric": "numeric",
    "decimal": "numeric",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
    "timetz": "time with time zone",
    "time": "time without time zone",
}
_WITH_PRECISION_SUFFIX = {
    "timestamp with time zone": ("timestamp", " with time zone"),
    "timestamp without time zone": ("timestamp", " without time zone"),
    "time with time zone": ("time", " with time zone"),
    "time without time zone": ("time", " without time zone"),
}
SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"})


def _const_int(node: object) -> int | None:
    val = getattr(node, "val", None)
    ival = getattr(val, "ival", None)
    return int(ival) if isinstance(ival, int) else None


def format_type_name(type_name: ast.TypeName) -> str:
    """Canonical text of a pglast ``TypeName`` node (what ``format_type()`` would print)."""
    names: list[str] = [n.sval for n in type_name.names]  # type: ignore[union-attr]
    typmods = type_name.typmods or ()
    array = "[]" if type_name.arrayBounds else ""
    if type_name.setof or type_name.pct_type:
        return str(RawStream()(type_name))
    is_builtin = len(names) == 1 or (len(names) == 2 and names[0] == "pg_catalog")
    base = names[-1]
    mods = [_const_int(m) for m in typmods]
    if is_builtin and base in SERIAL_TYPES and len(names) == 1:
        canonical = {"serial4": "serial", "serial8": "bigserial", "serial2": "smallserial"}
        return canonical.get(base, base)
    if is_builtin and base in _TYPE_NAMES and base != "interval":
        name = _TYPE_NAMES[base]
        if mods and all(m is not None for m in mods):
            modtext = "(" + ",".join(str(m) for m in mods) + ")"
            if name in _WITH_PRECISION_SUFFIX:
                head, tail = _WITH_PRECISION_SUFFIX[name]
                return f"{head}{modtext}{tail}{array}"
            return f"{name}{modtext}{array}"
        if not mods:
            return f"{name}{array}"
    if is_builtin and not typmods and base != "interval":
        # Type names that are keywords (json, int4range ...) parse fine unquoted.
        return (base if _SIMPLE_IDENT.match(base) else quote_ident(base)) + array
    # User-defined or unusual (interval fields, geometry(Point,4326)): let the printer decide.
    text = str(RawStream()(type_name))
    return text


def too_deep(text: str) -> bool:
    """Whether SQL text (an expression, or whole statements) nests deeper than the designer
    reads; text PostgreSQL cannot parse at all is not "too deep"."""
    if len(text) < MAX_NESTING:  # every level costs at least one character
        return False
    for sql in (f"SELECT {text}", text):
        try:
            _parse(sql, "")
        except SqlTextError as exc:
            if str(exc) == ERR_TOO_DEEP.format(limit=MAX_NESTING):
                return True
            continue
        return False
    return False


@lru_cache(maxsize=4096)
def normalize_type(text: str) -> str:
    """Canonical spelling of a PostgreSQL type: ``varchar(20)`` -> ``character varying(20)``.

    Raises ``SqlTextError`` when PostgreSQL's parser does not accept ``text`` as a type.
    """
    text = text.strip()
    if not text:
        raise SqlTextError("A column needs a type.")
    if ";" in text or "--" in text or "/*" in text:
        raise SqlTextError(f"“{text}” is not a type.")
    stmts = _parse(f"SELECT NULL::{text}", f"“{text}” is not a type PostgreSQL understands: ")
    if len(stmts) != 1:
        raise SqlTextError(f"“{text}” is not a type.")
    stmt = stmts[0].stmt
    targets = getattr(stmt, "targetList", None)
    if getattr(stmt, "fromClause", None) or not targets or len(targets) != 1:
        raise SqlTextError(f"“{text}” is not a type.")
    val = targets[0].val
    if type(val).__name__ != "TypeCast" or type(val.arg).__name__ != "A_Const":
        raise SqlTextError(f"“{text}” is not a type.")
    return format_type_name(val.typeName)


def is_serial(type_text: str) -> bool:
    return type_text in SERIAL_TYPES


# -- expressions -------------------------------------------------------------


@lru_cache(maxsize=8192)
def normalize_expr(text: str) -> str:
    """An SQL expression as PostgreSQL's parser reads it, printed canonically.

    ``now( )`` and ``NOW()`` both become ``now()``; ``'a'::text`` keeps its cast.
    Raises ``SqlTextError`` naming the problem when the text is not one expression.
    """
    text = text.strip()
    if not text:
        raise SqlTextError("The expression is empty.")
    stmts = _parse(f"SELECT {text}", f"PostgreSQL cannot parse “{text}”: ")
    stmt = stmts[0].stmt if len(stmts) == 1 else None
    targets = getattr(stmt, "targetList", None)
    if (
        stmt is None
        or type(stmt).__name__ != "SelectStmt"
        or not targets
        or len(targets) != 1
        or targets[0].name
        or any(
            getattr(stmt, attr, None)
            for attr in (
                "fromClause",
                "whereClause",
                "groupClause",
                "havingClause",
                "sortClause",
                "limitCount",
                "withClause",
                "distinctClause",
            )
        )
    ):
        raise SqlTextError(f"“{text}” is not a single SQL expression.")
    return str(RawStream()(targets[0].val))


def rename_columns(expression: str, renames: Mapping[str, str]) -> str:
    """``expression`` (normalised) with its column references renamed (old -> new name), as
    PostgreSQL carries a RENAME COLUMN into the CHECKs, indexes and policies that use it."""
    if not renames:
        return expression
    target = _parse(f"SELECT {expression}", "PostgreSQL cannot parse the expression: ")[0]
    node = target.stmt.targetList[0].val  # type: ignore[union-attr]
    _ColumnRenamer(renames)(node)
    return str(RawStream()(node))


def rename_query_columns(stmt: ast.Node, renames: Mapping[str, str]) -> str:
    """A parsed query (``stmt``) printed with its column references renamed (old -> new)."""
    _ColumnRenamer(renames)(stmt)
    return str(RawStream()(stmt))


class _ColumnRenamer(Visitor):
    def __init__(self, renames: Mapping[str, str]) -> None:
        self.renames = renames

    def visit_ColumnRef(self, ancestors: object, node: ast.ColumnRef) -> None:
        fields = node.fields or ()
        last = fields[-1] if fields else None
        if isinstance(last, ast.String) and last.sval is not None and last.sval in self.renames:
            node.fields = (*fields[:-1], ast.String(self.renames[last.sval]))


def normalize_query(text: str) -> str:
    """A SELECT (view body) printed canonically by the parser."""
    text = text.strip().rstrip(";")
    stmts = _parse(text, "PostgreSQL cannot parse the query: ")
    if len(stmts) != 1 or type(stmts[0].stmt).__name__ != "SelectStmt":
        raise SqlTextError("A view needs exactly one SELECT query.")
    return str(RawStream()(stmts[0].stmt))  # type: ignore[arg-type]
