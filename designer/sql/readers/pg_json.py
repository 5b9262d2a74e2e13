"""PostgreSQL DDL reading, the shared pieces: libpg_query's JSON turned into pglast nodes and
text (only the subtrees whose text the model keeps), the messages of the import report,
and the mutable table a statement at a time builds up."""

from __future__ import annotations

import marshal
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from pglast import ast, enums
from pglast.printers import get_special_function, sfuncs
from pglast.stream import RawStream

from designer.schema.model import (
    CheckConstraint,
    Column,
    ExcludeConstraint,
    ForeignKey,
    Index,
    Partitioning,
    PartitionOf,
    Policy,
    PrimaryKey,
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import format_type_name, quote_ident, quote_string

ERR_EMPTY = "The file contains no SQL statements."
ERR_BINARY = "The file is not SQL text: it contains binary data (NUL bytes)."
ERR_ENCODING = "The file is not UTF-8 text (byte {offset} cannot be decoded)."
ERR_PARSE = "PostgreSQL cannot parse this SQL: {message}"
WARN_DUPLICATE = "{kind} {name} is created twice; the later definition is kept."
WARN_NOT_MODELLED = "{what} is not part of the design model and was ignored."
WARN_KEPT_RAW = "{what} is not part of the design model; the statement is kept verbatim."
WARN_KEPT_APART = "{what} is not part of the design model; it is kept as the statement {sql}."
WARN_UNKNOWN_TARGET = "{name} is not defined in this file; the statement is kept verbatim."

# A foreign key's action as PostgreSQL codes it (pg_constraint, and the parser's Constraint).
FK_ACTION_CODES = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_PLAIN_OPTION_VALUE = re.compile(r"[A-Za-z0-9_.\-]+\Z")


class KeepRaw(Exception):
    """Raised by a handler that finds the statement outside the model: keep it verbatim."""

    def __init__(self, warning: str | None = None) -> None:
        super().__init__(warning)
        self.warning = warning


# -- JSON -> pglast nodes -------------------------------------------------------

_VALUE_DEFAULTS = {
    "Integer": ("ival", 0),
    "Float": ("fval", "0"),
    "String": ("sval", ""),
    "Boolean": ("boolval", False),
    "BitString": ("bsval", ""),
}
_CONST_KINDS = {
    "ival": "Integer",
    "fval": "Float",
    "sval": "String",
    "boolval": "Boolean",
    "bsval": "BitString",
}


def _wrapped(value: Any) -> Any:
    """A JSON value of a ``Node*``/``List*`` field: nodes are wrapped as ``{"Kind": {...}}``."""
    if isinstance(value, dict):
        if not value:
            return None
        ((kind, inner),) = value.items()
        if kind == "List":
            return tuple(_wrapped(i) for i in inner.get("items", ()))
        return _build(kind, inner)
    if isinstance(value, list):
        return tuple(_wrapped(i) for i in value)
    return value


_SET = object.__setattr__
_INT_CTYPES = frozenset(
    {"int", "int16", "int32", "long", "uint32", "uint64", "bits32", "AttrNumber", "Index"}
)


@cache
def _plan(kind: str) -> tuple[type, dict[str, tuple[str, Any]]]:
    """How to convert each JSON field of node class ``kind``: (slot name, converter kind)."""
    cls = getattr(ast, kind)
    plan: dict[str, tuple[str, Any]] = {}
    for slot, info in cls.__slots__.items():
        ctype = info.c_type
        if ctype in ("Node*", "Expr*", "List*"):
            how: tuple[str, Any] = ("wrapped", None)
        elif hasattr(enums, ctype):
            how = ("enum", getattr(enums, ctype))
        elif ctype == "bool":
            how = ("bool", None)
        elif ctype == "Bitmapset*":
            how = ("set", None)
        elif hasattr(ast, ctype.rstrip("*")):
            how = ("struct", ctype.rstrip("*"))
        elif ctype in _INT_CTYPES:
            how = ("int", None)
        else:
            how = ("plain", None)
        # libpg_query spells Python keywords plainly (def); pglast adds an underscore (def_)
        plan[slot.rstrip("_") if slot.endswith("_") and slot != "_" else slot] = (slot, how)
    return cls, plan


def _build(kind: str, data: dict[str, Any]) -> ast.Node:
    """The pglast node of class ``kind`` for libpg_query JSON ``data`` (an unwrapped struct).

    libpg_query leaves out fields at their zero value and inlines fields whose C type is a
    specific struct; the slot's C type tells which. Nodes are filled directly, skipping
    pglast's per-attribute validation, which would triple the cost.
    """
    if kind in _VALUE_DEFAULTS:
        attr, default = _VALUE_DEFAULTS[kind]
        data = {attr: data.get(attr, default)}
    elif kind == "A_Const":
        const = {k: v for k, v in data.items() if k not in _CONST_KINDS}
        for key, value in data.items():
            if key in _CONST_KINDS:
                const["val"] = _build(_CONST_KINDS[key], value)
        data = const
    cls, plan = _plan(kind)
    node = cls.__new__(cls)
    for slot, (how, _) in plan.values():
        _SET(node, slot, 0 if how == "int" else None)  # libpg_query leaves zeros out
    for key, value in data.items():
        entry = plan.get(key)
        if entry is None:  # a field pglast does not keep (A_Const.location)
            continue
        slot, (how, arg) = entry
        if value is None or isinstance(value, ast.Node):
            pass
        elif how == "wrapped":
            value = _wrapped(value)
        elif how == "enum":
            if isinstance(value, str) and len(value) > 1:
                value = arg[value]
            else:
                value = arg(value)
        elif how == "bool":
            value = bool(value)
        elif how == "struct" and isinstance(value, dict):
            value = _build(arg, value)
        elif how == "set":
            value = set(value)
        _SET(node, slot, value)
    return node


# Functions PostgreSQL also spells in SQL syntax (TRIM(BOTH FROM x), NORMALIZE(x, NFKC)).
# The catalog remembers which spelling was used (funcformat) and pg_dump prints it back, so
# the SQL syntax must survive printing; pglast keeps it only for EXTRACT and POSITION.
_SQL_SYNTAX_FUNCTIONS = frozenset(
    {
        "pg_catalog.btrim",
        "pg_catalog.ltrim",
        "pg_catalog.rtrim",
        "pg_catalog.extract",
        "pg_catalog.normalize",
        "pg_catalog.is_normalized",
        "pg_catalog.overlay",
        "pg_catalog.position",
        "pg_catalog.substring",
        "pg_catalog.timezone",
        "pg_catalog.pg_collation_for",
        "pg_catalog.xmlexists",
    }
)


class SqlSyntaxStream(RawStream):
    """``RawStream`` that prints a function called in SQL syntax in that syntax again."""

    def get_printer_for_function(self, name: str, node: Any = None) -> Any:
        if (
            node is not None
            and name in _SQL_SYNTAX_FUNCTIONS
            and node.funcformat == enums.CoercionForm.COERCE_SQL_SYNTAX
        ):
            printer = get_special_function(name)
            if printer is not None and sfuncs.can_use_special_syntax(printer, node):
                return printer
        return super().get_printer_for_function(name, node)


def print_sql(node: ast.Node) -> str:
    """Canonical text of a pglast node, SQL-syntax function calls kept as written."""
    return str(SqlSyntaxStream()(node))


_TEXT_CACHE: dict[bytes, str] = {}
_TEXT_CACHE_LIMIT = 20000


def node_text(value: Any) -> str:
    """Canonical SQL text of a wrapped JSON node (what ``normalize_expr`` prints).

    Printing is the costly step of an import and the same expressions recur (``now()``,
    ``0``, casts to one enum), so texts are cached by the node (see ``_cache_key``).
    """
    fast = _nextval_text(value)
    if fast is not None:
        return fast
    key = _cache_key(value)
    text = _TEXT_CACHE.get(key)
    if text is None:
        text = print_sql(_wrapped(value))
        if len(_TEXT_CACHE) >= _TEXT_CACHE_LIMIT:
            _TEXT_CACHE.clear()
        _TEXT_CACHE[key] = text
    return text


def _nextval_text(value: Any) -> str | None:
    """``nextval('seq'::regclass)`` without the printer: pg_dump writes one per serial
    column, each naming another sequence, so the cache cannot help and printing them was a
    good part of importing a big dump. Anything but that plain shape returns None."""
    call = value.get("FuncCall") if type(value) is dict else None
    if call is None or call.get("funcformat") != "COERCE_EXPLICIT_CALL":
        return None
    if set(call) - {"funcname", "args", "funcformat", "location"}:
        return None
    args = call.get("args") or ()
    if call.get("funcname") != [{"String": {"sval": "nextval"}}] or len(args) != 1:
        return None
    cast = args[0].get("TypeCast", {})
    const = cast.get("arg", {}).get("A_Const", {})
    type_name = cast.get("typeName", {})
    if set(cast) - {"arg", "typeName", "location"} or set(const) - {"sval", "location"}:
        return None
    if set(type_name) - {"names", "typemod", "location"} or type_name.get("typemod") != -1:
        return None
    if type_name.get("names") != [{"String": {"sval": "regclass"}}] or "sval" not in const:
        return None
    name = const["sval"].get("sval", "")
    if "\\" in name:
        return None  # the printer decides how to spell backslashes
    return "nextval('" + name.replace("'", "''") + "'::regclass)"


def struct_text(kind: str, data: dict[str, Any]) -> str:
    return print_sql(_build(kind, data))


def _cache_key(value: Any) -> bytes:
    """A hashable copy of a JSON tree: its marshal bytes (version 2 writes no back-references,
    so equal trees give equal bytes). ``import_postgres`` sets every source position to 0
    before decoding, so the same expression at two places gives one key; any other tree is
    still told apart correctly, only found in the cache less often."""
    return marshal.dumps(value, 2)


_TYPE_CACHE: dict[bytes, str] = {}


def type_name_text(type_name: dict[str, Any]) -> str:
    key = _cache_key(type_name)
    text = _TYPE_CACHE.get(key)
    if text is None:
        if len(_TYPE_CACHE) >= _TEXT_CACHE_LIMIT:
            _TYPE_CACHE.clear()
        text = _TYPE_CACHE[key] = format_type_name(_build("TypeName", type_name))
    return text


def strings(items: Iterable[dict[str, Any]] | None) -> list[str]:
    """The ``sval`` of a list of wrapped ``String`` nodes."""
    return [i["String"].get("sval", "") for i in items or ()]


def list_items(value: dict[str, Any]) -> list[Any]:
    return value["List"].get("items", []) if "List" in value else [value]


def int_value(arg: dict[str, Any] | None) -> int | None:
    if not arg:
        return None
    if "Integer" in arg:
        return int(arg["Integer"].get("ival", 0))
    if "Float" in arg:
        return int(arg["Float"].get("fval", "0"))
    if "String" in arg:
        return int(arg["String"].get("sval", "0"))
    return None


def _option_text(elem: dict[str, Any]) -> str:
    """``name=value`` of a storage-parameter DefElem, value unquoted when it is a plain word."""
    name = elem["defname"]
    if elem.get("defnamespace"):
        name = f"{elem['defnamespace']}.{name}"
    arg = elem.get("arg")
    if arg is None:
        return name
    if "String" in arg:
        value = arg["String"].get("sval", "")
    elif "Integer" in arg:
        value = str(arg["Integer"].get("ival", 0))
    elif "Float" in arg:
        value = arg["Float"].get("fval", "0")
    elif "Boolean" in arg:
        value = "true" if arg["Boolean"].get("boolval") else "false"
    elif "TypeName" in arg:
        value = ".".join(strings(arg["TypeName"].get("names")))
    else:
        value = node_text(arg)
    if not _PLAIN_OPTION_VALUE.match(value):
        value = quote_string(value)
    return f"{name}={value}"


def option_texts(items: list[dict[str, Any]] | None) -> tuple[str, ...]:
    return tuple(_option_text(i["DefElem"]) for i in items or ())


def name_text(names: list[str]) -> str:
    """A possibly qualified name (collation, opclass) as SQL text; ``pg_catalog.`` dropped."""
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return ".".join(quote_ident(n) for n in names)


def ref_name(names: list[str]) -> str:
    """A collation or opclass reference as the model stores it: unquoted, dot-joined,
    ``pg_catalog.`` dropped (the exporter quotes each part by the dialect's rules)."""
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return ".".join(names)


# -- the builder -------------------------------------------------------------------


class TableBuilder:
    def __init__(self, schema: str, name: str) -> None:
        self.schema = schema
        self.name = name
        self.columns: list[Column] = []
        self.primary_key: PrimaryKey | None = None
        self.foreign_keys: list[ForeignKey] = []
        self.uniques: list[UniqueConstraint] = []
        self.checks: list[CheckConstraint] = []
        self.excludes: list[ExcludeConstraint] = []
        self.indexes: list[Index] = []
        self.policies: list[Policy] = []
        self.comment: str | None = None
        self.partitioning: Partitioning | None = None
        self.partition_of: PartitionOf | None = None
        self.inherits: tuple[str, ...] = ()
        self.unlogged = False
        self.rls_enabled = False
        self.rls_forced = False
        self.with_options: tuple[str, ...] = ()
        # NOT NULL constraint names as written (None: PostgreSQL's default name)
        self.not_null_names: dict[str, str | None] = {}

    def column_index(self, name: str) -> int:
        last = len(self.columns) - 1
        if last >= 0 and self.columns[last].name == name:
            return last  # a column's own NOT NULL and DEFAULT: not a scan per clause
        for i, c in enumerate(self.columns):
            if c.name == name:
                return i
        raise KeepRaw(WARN_UNKNOWN_TARGET.format(name=f"Column {self.name}.{name}"))

    def not_null(self, column: Column) -> bool:
        """NOT NULL as the catalog has it: primary key columns are NOT NULL too."""
        pk = self.primary_key
        return not column.nullable or (pk is not None and column.name in pk.columns)

    def update_column(self, name: str, **changes: Any) -> None:
        i = self.column_index(name)
        # dataclasses.replace, without looking up the fields on every call: a dump sets
        # NOT NULL and DEFAULT on most columns, so this runs twice per column.
        self.columns[i] = Column(**{**vars(self.columns[i]), **changes})

    def build(self) -> Table:
        return Table(
            name=self.name,
            schema=self.schema,
            columns=tuple(self.columns),
            primary_key=self.primary_key,
            foreign_keys=tuple(self.foreign_keys),
            uniques=tuple(self.uniques),
            checks=tuple(self.checks),
            excludes=tuple(self.excludes),
            indexes=tuple(self.indexes),
            comment=self.comment,
            partitioning=self.partitioning,
            partition_of=self.partition_of,
            inherits=self.inherits,
            unlogged=self.unlogged,
            rls_enabled=self.rls_enabled,
            rls_forced=self.rls_forced,
            policies=tuple(self.policies),
            with_options=self.with_options,
        )


Key = tuple[str, str]
