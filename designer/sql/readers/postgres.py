"""PostgreSQL DDL (hand-written or ``pg_dump --schema-only``) -> ``Schema``, losing nothing.

The file is parsed once by PostgreSQL's own parser (pglast) into libpg_query's JSON, which is
far faster than building pglast's Python AST for the whole file. Only the subtrees whose text
we keep (defaults, CHECK bodies, index expressions, predicates, view queries, partition bounds)
are turned into pglast nodes and printed with ``RawStream``, which is exactly what
``designer.schema.sqltext.normalize_expr`` does, so imported text compares equal to text a
user types in the editor.

Statements the model does not describe (functions, triggers, grants, ...) are kept verbatim as
``RawStatement`` in their original order; data (INSERT, COPY, setval), session settings and
psql meta-commands are left out and listed in the report.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache
from typing import Any

import pglast
from pglast import ast, enums
from pglast.printers import get_special_function, sfuncs
from pglast.stream import RawStream

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    ExcludeElement,
    Extension,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    Policy,
    PrimaryKey,
    RawStatement,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.pgnames import (
    default_check_name,
    default_key_name,
    expression_columns,
    make_object_name,
)
from designer.schema.sqltext import format_type_name, is_serial, qualify, quote_ident
from designer.sql.ddl import export_order
from designer.sql.dialects.postgres import POSTGRES
from designer.sql.readers.report import (
    ImportReport,
    ImportResult,
    RawKept,
    ReportWarning,
    SchemaImportError,
    SkippedStatement,
    count_objects,
)
from designer.sql.script import statement

__all__ = ["import_postgres", "node_text", "print_sql"]

ERR_EMPTY = "The file contains no SQL statements."
ERR_BINARY = "The file is not SQL text: it contains binary data (NUL bytes)."
ERR_ENCODING = "The file is not UTF-8 text (byte {offset} cannot be decoded)."
ERR_PARSE = "PostgreSQL cannot parse this SQL: {message}"
WARN_DUPLICATE = "{kind} {name} is created twice; the later definition is kept."
WARN_NOT_MODELLED = "{what} is not part of the design model and was ignored."
WARN_KEPT_RAW = "{what} is not part of the design model; the statement is kept verbatim."
WARN_KEPT_APART = "{what} is not part of the design model; it is kept as the statement {sql}."
WARN_UNKNOWN_TARGET = "{name} is not defined in this file; the statement is kept verbatim."

_PRE_KINDS = frozenset(
    {
        "CreateFunctionStmt",
        "AlterFunctionStmt",
        "CompositeTypeStmt",
        "CreateRangeStmt",
        "DefineStmt",
        "CreateCastStmt",
        "CreateOpClassStmt",
        "CreateOpFamilyStmt",
        "AlterOpFamilyStmt",
        "CreateConversionStmt",
        "CreateFdwStmt",
        "CreateForeignServerStmt",
        "CreateUserMappingStmt",
        "CreateTransformStmt",
        "CreatePLangStmt",
        "CreateRoleStmt",
        "CreateTableSpaceStmt",
        # DO blocks in DDL scripts set things up (roles, extensions) that later objects use
        "DoStmt",
    }
)
_DATA_KINDS = {
    "InsertStmt": "INSERT",
    "UpdateStmt": "UPDATE",
    "DeleteStmt": "DELETE",
    "CopyStmt": "COPY",
    "TruncateStmt": "TRUNCATE",
    "TransactionStmt": "TRANSACTION",
    "VacuumStmt": "VACUUM",
    "CheckPointStmt": "CHECKPOINT",
}
_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_CHECK_OPTIONS = {"LOCAL_CHECK_OPTION": "LOCAL", "CASCADED_CHECK_OPTION": "CASCADED"}
_STRATEGIES = {
    "PARTITION_STRATEGY_RANGE": "RANGE",
    "PARTITION_STRATEGY_LIST": "LIST",
    "PARTITION_STRATEGY_HASH": "HASH",
}
_COMMENT_ON_RELATION_PARTS = frozenset(
    {
        "OBJECT_TABLE",
        "OBJECT_FOREIGN_TABLE",
        "OBJECT_VIEW",
        "OBJECT_MATVIEW",
        "OBJECT_COLUMN",
        "OBJECT_INDEX",
        "OBJECT_SEQUENCE",
        "OBJECT_POLICY",
    }
)
_COPY_FROM_STDIN = re.compile(rb"^\s*COPY\s.*\bFROM\s+stdin\b.*;\s*$", re.IGNORECASE)
_LEADING_NOISE = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)
_PLAIN_OPTION_VALUE = re.compile(r"[A-Za-z0-9_.\-]+\Z")


class _KeepRaw(Exception):
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


_TEXT_CACHE: dict[Any, str] = {}
_TEXT_CACHE_LIMIT = 20000


def node_text(value: Any) -> str:
    """Canonical SQL text of a wrapped JSON node (what ``normalize_expr`` prints).

    Printing is the costly step of an import and the same expressions recur (``now()``,
    ``0``, casts to one enum), so texts are cached by the node with its positions left out.
    """
    key = _strip_locations(value)
    text = _TEXT_CACHE.get(key)
    if text is None:
        text = print_sql(_wrapped(value))
        if len(_TEXT_CACHE) >= _TEXT_CACHE_LIMIT:
            _TEXT_CACHE.clear()
        _TEXT_CACHE[key] = text
    return text


def _struct_text(kind: str, data: dict[str, Any]) -> str:
    return print_sql(_build(kind, data))


def _strip_locations(value: Any) -> Any:
    """A hashable copy of a JSON tree without source positions: equal nodes, equal keys."""
    if isinstance(value, dict):
        return tuple((k, _strip_locations(v)) for k, v in value.items() if k != "location")
    if isinstance(value, list):
        return tuple(_strip_locations(v) for v in value)
    return value


_TYPE_CACHE: dict[Any, str] = {}


def _type_text(type_name: dict[str, Any]) -> str:
    key = _strip_locations(type_name)
    text = _TYPE_CACHE.get(key)
    if text is None:
        if len(_TYPE_CACHE) >= _TEXT_CACHE_LIMIT:
            _TYPE_CACHE.clear()
        text = _TYPE_CACHE[key] = format_type_name(_build("TypeName", type_name))
    return text


def _strings(items: Iterable[dict[str, Any]] | None) -> list[str]:
    """The ``sval`` of a list of wrapped ``String`` nodes."""
    return [i["String"].get("sval", "") for i in items or ()]


def _list_items(value: dict[str, Any]) -> list[Any]:
    return value["List"].get("items", []) if "List" in value else [value]


def _int_value(arg: dict[str, Any] | None) -> int | None:
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
        value = ".".join(_strings(arg["TypeName"].get("names")))
    else:
        value = node_text(arg)
    if not _PLAIN_OPTION_VALUE.match(value):
        value = "'" + value.replace("'", "''") + "'"
    return f"{name}={value}"


def _options(items: list[dict[str, Any]] | None) -> tuple[str, ...]:
    return tuple(_option_text(i["DefElem"]) for i in items or ())


def _name_text(names: list[str]) -> str:
    """A possibly qualified name (collation, opclass) as SQL text; ``pg_catalog.`` dropped."""
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return ".".join(quote_ident(n) for n in names)


def _ref_name(names: list[str]) -> str:
    """A collation or opclass reference as the model stores it: unquoted, dot-joined,
    ``pg_catalog.`` dropped (the exporter quotes each part by the dialect's rules)."""
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return ".".join(names)


# -- preprocessing -----------------------------------------------------------------


class _Source:
    """The text as bytes (libpg_query locations are byte offsets) with its line starts."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.line_starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def statement(self, location: int, length: int) -> tuple[int, str]:
        """(1-based line, text) of the statement at byte ``location``, leading comments off."""
        end = location + length if length else len(self.data)
        text = self.data[location:end].decode("utf-8")
        noise = _LEADING_NOISE.match(text)
        skip = noise.end() if noise else 0
        start = location + len(text[:skip].encode("utf-8"))
        return self.line_of(start), text[skip:].rstrip()


def _decode(text: str | bytes) -> str:
    if isinstance(text, bytes):
        if b"\x00" in text:
            raise SchemaImportError(ERR_BINARY)
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SchemaImportError(ERR_ENCODING.format(offset=exc.start)) from None
        text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise SchemaImportError(ERR_BINARY, text.count("\n", 0, text.index("\x00")) + 1)
    return text


def _strip_non_sql(
    data: bytes,
) -> tuple[bytes, list[SkippedStatement], dict[int, int]]:
    """Blank out psql meta-commands and COPY data blocks, byte for byte, so offsets still hold.

    Returns the cleaned bytes, the skipped meta-commands and, per COPY statement line, how many
    data rows followed it.
    """
    lines = data.split(b"\n")
    skipped: list[SkippedStatement] = []
    copy_rows: dict[int, int] = {}
    copy_line = 0
    for number, line in enumerate(lines, start=1):
        if copy_line:
            if line.rstrip(b"\r") == b"\\.":
                copy_line = 0
            else:
                copy_rows[copy_line] += 1
            lines[number - 1] = b" " * len(line)
            continue
        stripped = line.lstrip()
        if stripped.startswith(b"\\"):
            summary = stripped.decode("utf-8", "replace").strip()
            command = summary.split()[0] if summary.split() else summary
            # \restrict keys are random per dump; the command name is what a reader needs
            skipped.append(SkippedStatement(number, "psql", command))
            lines[number - 1] = b" " * len(line)
        elif _COPY_FROM_STDIN.match(line):
            copy_line = number
            copy_rows[number] = 0
    return b"\n".join(lines), skipped, copy_rows


def _parse_error(cleaned: str, message: str, position: int | None) -> SchemaImportError:
    if position is None:  # "at end of input": point at the last thing written
        position = len(cleaned.rstrip())
    position = max(0, min(position, len(cleaned)))
    start = 0
    try:
        for token in pglast.parser.scan(cleaned[:position]):
            if token.name == "ASCII_59":  # ';'
                start = token.end + 1
    except pglast.parser.ParseError:
        start = cleaned.rfind(";", 0, position) + 1
    end = cleaned.find(";", position)
    statement = cleaned[start : end + 1 if end >= 0 else len(cleaned)]
    noise = _LEADING_NOISE.match(statement)
    statement = statement[noise.end() if noise else 0 :]
    line = cleaned.count("\n", 0, position) + 1
    return SchemaImportError(ERR_PARSE.format(message=message), line, statement)


# -- the builder -------------------------------------------------------------------


class _TableBuilder:
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
        for i, c in enumerate(self.columns):
            if c.name == name:
                return i
        raise _KeepRaw(WARN_UNKNOWN_TARGET.format(name=f"Column {self.name}.{name}"))

    def not_null(self, column: Column) -> bool:
        """NOT NULL as the catalog has it: primary key columns are NOT NULL too."""
        pk = self.primary_key
        return not column.nullable or (pk is not None and column.name in pk.columns)

    def update_column(self, name: str, **changes: Any) -> None:
        i = self.column_index(name)
        self.columns[i] = replace(self.columns[i], **changes)

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


class _Importer:
    def __init__(self, source: _Source, source_name: str, copy_rows: dict[int, int]) -> None:
        self.source = source
        self.source_name = source_name
        self.copy_rows = copy_rows
        self.default_schema = "public"
        self.search_path = ["public"]
        self.tables: dict[Key, _TableBuilder] = {}
        self.views: dict[Key, View] = {}
        self.enums: dict[Key, EnumType] = {}
        self.domains: dict[Key, Domain] = {}
        self.sequences: dict[Key, Sequence] = {}
        self.extensions: dict[str, Extension] = {}
        self.schemas: list[str] = []
        self.schema_comments: dict[str, str] = {}
        self.raw: list[RawStatement] = []
        # (schema, index name) -> the table or view key that owns it
        self.index_owner: dict[Key, tuple[str, Key]] = {}
        self.raw_relations: set[Key] = set()
        # (schema, name) of each routine created by a raw statement -> that statement's phase
        self.routine_phase: dict[Key, str] = {}
        # composite and range types created by raw statements
        self.raw_types: set[Key] = set()
        self.skipped: list[SkippedStatement] = []
        self.raw_report: list[RawKept] = []
        self.warnings: list[ReportWarning] = []
        self.data_rows = 0
        self.line = 0
        self.text = ""
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "CreateStmt": self.create_table,
            "AlterTableStmt": self.alter_table,
            "IndexStmt": self.create_index,
            "CreateSeqStmt": self.create_sequence,
            "AlterSeqStmt": self.alter_sequence,
            "CreateEnumStmt": self.create_enum,
            "AlterEnumStmt": self.alter_enum,
            "CreateDomainStmt": self.create_domain,
            "ViewStmt": self.create_view,
            "CreateTableAsStmt": self.create_table_as,
            "CreateSchemaStmt": self.create_schema,
            "CreateExtensionStmt": self.create_extension,
            "CommentStmt": self.comment,
            "CreatePolicyStmt": self.create_policy,
            "VariableSetStmt": self.set_variable,
            "SelectStmt": self.select,
            "AlterOwnerStmt": self.alter_owner,
            "RenameStmt": self.rename,
        }

    # -- helpers ---------------------------------------------------------------
    def warn(self, message: str) -> None:
        self.warnings.append(ReportWarning(self.line, message))

    def skip(self, kind: str, summary: str) -> None:
        self.skipped.append(SkippedStatement(self.line, kind, summary))

    def keep_raw(self, kind: str, sql: str | None = None, phase: str | None = None) -> None:
        if phase is None:
            phase = "pre" if kind in _PRE_KINDS else "post"
        sql = sql or self.text
        if self.search_path not in ([], ["public"]):
            # Unqualified names in the statement were meant through this search_path; the
            # export runs without it, so the statement carries it along.
            path = ", ".join(quote_ident(s) for s in self.search_path)
            sql = f"SET search_path = {path};\n{statement(sql)}\nRESET search_path"
        self.raw.append(RawStatement(sql=sql, phase=phase, kind=kind))  # type: ignore[arg-type]
        self.raw_report.append(RawKept(self.line, kind, phase))

    def keep_as_statement(self, what: str, sql: str) -> None:
        """A clause the model has no place for, kept as a statement of its own after the
        tables (where the same clause can be set with ALTER)."""
        self.warn(WARN_KEPT_APART.format(what=what, sql=sql))
        self.keep_raw("AlterTableStmt", sql=sql, phase="post")

    def key(self, relation: dict[str, Any]) -> Key:
        return (relation.get("schemaname") or self.default_schema, relation["relname"])

    def names_key(self, names: list[str]) -> Key:
        if len(names) >= 2:
            return (names[-2], names[-1])
        return (self.default_schema, names[-1])

    def table(self, key: Key) -> _TableBuilder:
        table = self.tables.get(key)
        if table is None:
            raise _KeepRaw(None if key in self.raw_relations else self._unknown(key))
        return table

    def _unknown(self, key: Key) -> str:
        return WARN_UNKNOWN_TARGET.format(name=qualify(*key))

    def type_text(self, type_name: dict[str, Any]) -> str:
        # the exporter qualifies names; a type found through search_path must say where
        return _type_text(self.qualify_names({"TypeName": type_name})["TypeName"])

    # -- driver ----------------------------------------------------------------
    def run(self, stmts: list[dict[str, Any]]) -> None:
        for raw in stmts:
            self.line, self.text = self.source.statement(
                raw.get("stmt_location", 0), raw.get("stmt_len", 0)
            )
            self.statement(raw["stmt"])

    def statement(self, stmt: dict[str, Any]) -> None:
        ((kind, node),) = stmt.items()
        if kind in _DATA_KINDS:
            self.data(kind, node)
            return
        handler = self.handlers.get(kind)
        if handler is None:
            if kind == "DropStmt":
                self.drop(node)
                return
            self.keep_raw(kind, phase=self.raw_phase(kind, node))
            return
        try:
            handler(node)
        except _KeepRaw as keep:
            if keep.warning:
                self.warn(keep.warning)
            self.keep_raw(kind)

    def raw_phase(self, kind: str, node: dict[str, Any]) -> str:
        if kind == "CompositeTypeStmt":
            self.raw_types.add(self.key(node["typevar"]))
        elif kind == "CreateRangeStmt":
            self.raw_types.add(self.names_key(_strings(node["typeName"])))
        if kind != "CreateFunctionStmt":
            return "pre" if kind in _PRE_KINDS else "post"
        phase = self.function_phase(node)
        key = self.names_key(_strings(node.get("funcname")))
        self.routine_phase[key] = phase
        return phase

    def drop_phase(self, node: dict[str, Any]) -> str:
        """A DROP of a routine this file created goes to that routine's phase, after it
        (raw statements keep their order within a phase): a script that creates a helper,
        uses it and drops it must not drop it before it exists."""
        if node.get("removeType") in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            for obj in node.get("objects") or ():
                names = _strings(obj.get("ObjectWithArgs", {}).get("objname"))
                phase = self.routine_phase.get(self.names_key(names)) if names else None
                if phase is not None:
                    return phase
        return "post"

    def function_phase(self, node: dict[str, Any]) -> str:
        # A function whose signature names a table's row type must follow that table.
        types = [p["FunctionParameter"].get("argType") for p in node.get("parameters") or ()]
        types.append(node.get("returnType"))
        for type_name in types:
            if type_name and self.names_key(_strings(type_name.get("names"))) in self.tables:
                return "post"
            if type_name and type_name.get("pct_type"):
                return "post"
        return "pre"

    def data(self, kind: str, node: dict[str, Any]) -> None:
        label = _DATA_KINDS[kind]
        rows = 0
        target = ""
        if kind == "InsertStmt":
            select = (node.get("selectStmt") or {}).get("SelectStmt", {})
            rows = len(select.get("valuesLists") or ()) or 1
            target = qualify(*self.key(node["relation"]))
        elif kind == "CopyStmt":
            rows = self.copy_rows.get(self.line, 0)
            if node.get("relation"):
                target = qualify(*self.key(node["relation"]))
        if kind in ("InsertStmt", "CopyStmt"):
            self.data_rows += rows
            self.skip(label, f"{label} {target}: {rows} row{'s' if rows != 1 else ''}")
        else:
            self.skip(label, " ".join(self.text.split())[:80])

    # -- tables ----------------------------------------------------------------
    def create_table(self, node: dict[str, Any]) -> None:
        relation = node["relation"]
        key = self.key(relation)
        persistence = relation.get("relpersistence", "p")
        unsupported = []
        if persistence == "t":
            unsupported.append("A temporary table")
        if node.get("ofTypename"):
            unsupported.append("CREATE TABLE ... OF type")
        if any("TableLikeClause" in e for e in node.get("tableElts") or ()):
            unsupported.append("CREATE TABLE ... (LIKE ...)")
        if unsupported:
            self.raw_relations.add(key)
            raise _KeepRaw(WARN_KEPT_RAW.format(what=unsupported[0]))
        if key in self.tables:
            if node.get("if_not_exists"):
                return
            self.warn(WARN_DUPLICATE.format(kind="Table", name=qualify(*key)))
        table = _TableBuilder(*key)
        self.tables[key] = table
        table.unlogged = persistence == "u"
        table.with_options = _options(node.get("options"))
        parents = [self.key(r["RangeVar"]) for r in node.get("inhRelations") or ()]
        if node.get("partbound"):
            parent = parents[0]
            table.partition_of = PartitionOf(
                parent[0], parent[1], _struct_text("PartitionBoundSpec", node["partbound"])
            )
        else:
            table.inherits = tuple(f"{s}.{n}" for s, n in parents)
        if node.get("partspec"):
            table.partitioning = self.partitioning(node["partspec"])
        if node.get("tablespacename"):
            self.warn(WARN_NOT_MODELLED.format(what="The table's TABLESPACE"))
        if node.get("accessMethod"):
            self.warn(WARN_NOT_MODELLED.format(what="The table's access method (USING)"))
        for element in node.get("tableElts") or ():
            if "ColumnDef" in element:
                self.add_column(table, element["ColumnDef"])
            elif "Constraint" in element:
                self.add_constraint(table, element["Constraint"])

    def partitioning(self, spec: dict[str, Any]) -> Partitioning:
        parts = []
        for item in spec.get("partParams") or ():
            elem = item["PartitionElem"]
            if elem.get("name"):
                text = quote_ident(elem["name"])
            else:
                expr = elem["expr"]
                text = self.expr(expr)
                if "FuncCall" not in expr:
                    text = f"({text})"
            if elem.get("collation"):
                text += f" COLLATE {_name_text(_strings(elem['collation']))}"
            if elem.get("opclass"):
                text += f" {_name_text(_strings(elem['opclass']))}"
            parts.append(text)
        return Partitioning(_STRATEGIES[spec["strategy"]], ", ".join(parts))  # type: ignore[arg-type]

    def add_column(self, table: _TableBuilder, coldef: dict[str, Any]) -> None:
        name = coldef["colname"]
        if "typeName" in coldef:
            column = Column(name=name, type=self.type_text(coldef["typeName"]))
        else:
            column = self.partition_column(table, name)
        if coldef.get("collClause"):
            column = replace(
                column, collation=_ref_name(_strings(coldef["collClause"]["collname"]))
            )
        target = f"ALTER TABLE {qualify(table.schema, table.name)} ALTER COLUMN {quote_ident(name)}"
        if coldef.get("storage_name"):
            self.keep_as_statement(
                f"Column {name}'s STORAGE",
                f"{target} SET STORAGE {coldef['storage_name'].upper()}",
            )
        if coldef.get("compression"):
            self.keep_as_statement(
                f"Column {name}'s COMPRESSION",
                f"{target} SET COMPRESSION {quote_ident(coldef['compression'])}",
            )
        table.columns.append(column)
        last: tuple[str, int] | None = None
        for item in coldef.get("constraints") or ():
            con = item["Constraint"]
            contype = con["contype"]
            if contype.startswith("CONSTR_ATTR_"):
                self.constraint_attribute(table, last, contype)
                continue
            last = self.add_constraint(table, con, column=name)

    def partition_column(self, table: _TableBuilder, name: str) -> Column:
        """``PARTITION OF parent (col WITH OPTIONS ...)``: the parent's column, options to come.

        Only the columns given options are listed on the partition, so the exporter writes
        ``PARTITION OF`` with just those options again."""
        parent = None
        if table.partition_of is not None:
            of = table.partition_of
            parent = self.tables.get((of.parent_schema, of.parent_table))
        if parent is None:
            raise _KeepRaw(WARN_UNKNOWN_TARGET.format(name=f"Column {table.name}.{name}"))
        own = parent.columns[parent.column_index(name)]
        return Column(name=name, type=own.type, default=own.default, collation=own.collation)

    def drop_constraint(self, table: _TableBuilder, cmd: dict[str, Any]) -> None:
        name = cmd["name"]
        pk = table.primary_key
        names = [u.name for u in table.uniques] + [f.name for f in table.foreign_keys]
        names += [c.name for c in table.checks] + [x.name for x in table.excludes]
        found = (pk is not None and pk.name == name) or name in names
        if not found:
            if cmd.get("missing_ok"):
                return
            raise _KeepRaw()  # an unnamed constraint, or one made elsewhere
        if pk is not None and pk.name == name:
            table.primary_key = None
        table.uniques = [u for u in table.uniques if u.name != name]
        table.foreign_keys = [f for f in table.foreign_keys if f.name != name]
        table.checks = [c for c in table.checks if c.name != name]
        table.excludes = [x for x in table.excludes if x.name != name]

    def validate_constraint(self, table: _TableBuilder, name: str) -> None:
        names = [c.name for c in table.checks] + [f.name for f in table.foreign_keys]
        if name not in names:
            raise _KeepRaw()
        table.checks = [replace(c, not_valid=False) if c.name == name else c for c in table.checks]
        table.foreign_keys = [
            replace(f, not_valid=False) if f.name == name else f for f in table.foreign_keys
        ]

    def drop_column(self, table: _TableBuilder, cmd: dict[str, Any]) -> None:
        """DROP COLUMN takes the table's own indexes and constraints on the column with it."""
        name = cmd["name"]
        if not any(c.name == name for c in table.columns):
            if cmd.get("missing_ok"):
                return
            raise _KeepRaw()
        referenced = any(
            fk.ref_schema == table.schema and fk.ref_table == table.name and name in fk.ref_columns
            for other in self.tables.values()
            for fk in other.foreign_keys
        )
        if referenced or cmd.get("behavior") == "DROP_CASCADE":
            raise _KeepRaw()  # other objects depend on it; PostgreSQL decides what goes

        def uses(columns: Iterable[str | None], *expressions: str | None) -> bool:
            found = {c for c in columns if c}
            for expression in expressions:
                if expression:
                    found |= expression_columns(expression)
            return name in found

        table.columns = [c for c in table.columns if c.name != name]
        pk = table.primary_key
        if pk is not None and uses((*pk.columns, *pk.include)):
            table.primary_key = None
        table.uniques = [u for u in table.uniques if not uses((*u.columns, *u.include))]
        table.foreign_keys = [f for f in table.foreign_keys if not uses(f.columns)]
        table.checks = [c for c in table.checks if not uses((), c.expression)]
        table.excludes = [
            x
            for x in table.excludes
            if not uses(x.include, x.where, *(e.expression for e in x.elements))
        ]
        kept = []
        for index in table.indexes:
            parts = [p.column for p in index.parts] + list(index.include)
            if uses(parts, index.where, *(p.expression for p in index.parts)):
                self.index_owner.pop((table.schema, index.name), None)
            else:
                kept.append(index)
        table.indexes = kept

    def constraint_attribute(
        self, table: _TableBuilder, last: tuple[str, int] | None, contype: str
    ) -> None:
        """DEFERRABLE / INITIALLY DEFERRED after a column constraint apply to that constraint."""
        if last is None:
            return
        changes: dict[str, bool] = {}
        if contype == "CONSTR_ATTR_DEFERRABLE":
            changes["deferrable"] = True
        elif contype == "CONSTR_ATTR_NOT_DEFERRABLE":
            changes["deferrable"] = False
        elif contype == "CONSTR_ATTR_DEFERRED":
            changes = {"deferrable": True, "initially_deferred": True}
        elif contype == "CONSTR_ATTR_IMMEDIATE":
            changes["initially_deferred"] = False
        else:
            self.warn(WARN_NOT_MODELLED.format(what="ENFORCED / NOT ENFORCED"))
            return
        kind, i = last
        if kind == "pk" and table.primary_key:
            table.primary_key = replace(table.primary_key, **changes)
        elif kind == "unique":
            table.uniques[i] = replace(table.uniques[i], **changes)
        elif kind == "fk":
            table.foreign_keys[i] = replace(table.foreign_keys[i], **changes)

    def add_constraint(
        self, table: _TableBuilder, con: dict[str, Any], column: str | None = None
    ) -> tuple[str, int] | None:
        contype = con["contype"]
        name = con.get("conname")
        if contype == "CONSTR_NOTNULL":
            if column is None:  # PG18 table-level "NOT NULL col"
                column = _strings(con.get("keys"))[0]
            table.update_column(column, nullable=False)
            table.not_null_names[column] = name
            return None
        if contype == "CONSTR_NULL":
            return None
        if contype == "CONSTR_DEFAULT":
            table.update_column(column or "", default=self.expr(con["raw_expr"]))
            return None
        if contype == "CONSTR_IDENTITY":
            table.update_column(
                column or "",
                identity="ALWAYS" if con.get("generated_when") == "a" else "BY DEFAULT",
                identity_options=self.identity_options(table, column or "", con.get("options")),
            )
            return None
        if contype == "CONSTR_GENERATED":
            table.update_column(
                column or "",
                generated=self.expr(con["raw_expr"]),
                generated_kind="VIRTUAL" if con.get("generated_kind") == "v" else "STORED",
            )
            return None
        if contype in ("CONSTR_CHECK", "CONSTR_FOREIGN") and not con.get("is_enforced"):
            self.warn(WARN_NOT_MODELLED.format(what="NOT ENFORCED"))
        if con.get("indexspace"):
            self.warn(WARN_NOT_MODELLED.format(what="USING INDEX TABLESPACE"))
        keys = tuple(_strings(con.get("keys"))) or ((column,) if column else ())
        if con.get("options") and contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            label = "pkey" if contype == "CONSTR_PRIMARY" else "key"
            index = name or default_key_name(table.name, keys, label)
            self.keep_as_statement(
                "WITH (...) of a key's index",
                f"ALTER INDEX {qualify(table.schema, index)} SET "
                f"({', '.join(_options(con['options']))})",
            )
        deferrable = bool(con.get("deferrable"))
        deferred = bool(con.get("initdeferred"))
        if contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE") and con.get("indexname"):
            keys, include = self.take_index(table, con["indexname"])
            con = {**con, "including": [{"String": {"sval": c}} for c in include]}
            name = name or con["indexname"]
        include = tuple(_strings(con.get("including")))
        if contype == "CONSTR_PRIMARY":
            if table.primary_key is not None:
                self.warn(WARN_DUPLICATE.format(kind="Primary key of", name=table.name))
            table.primary_key = PrimaryKey(
                columns=keys,
                name=name,
                include=include,
                deferrable=deferrable,
                initially_deferred=deferred,
                without_overlaps=bool(con.get("without_overlaps")),
            )
            return ("pk", 0)
        if contype == "CONSTR_UNIQUE":
            table.uniques.append(
                UniqueConstraint(
                    columns=keys,
                    name=name,
                    nulls_not_distinct=bool(con.get("nulls_not_distinct")),
                    include=include,
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    without_overlaps=bool(con.get("without_overlaps")),
                )
            )
            return ("unique", len(table.uniques) - 1)
        if contype == "CONSTR_CHECK":
            table.checks.append(
                CheckConstraint(
                    expression=self.expr(con["raw_expr"]),
                    name=name,
                    not_valid=bool(con.get("skip_validation")),
                    no_inherit=bool(con.get("is_no_inherit")),
                )
            )
            return ("check", len(table.checks) - 1)
        if contype == "CONSTR_FOREIGN":
            ref_schema, ref_table = self.key(con["pktable"])
            if con.get("fk_matchtype") == "p":
                self.warn(WARN_NOT_MODELLED.format(what="MATCH PARTIAL"))
            table.foreign_keys.append(
                ForeignKey(
                    columns=tuple(_strings(con.get("fk_attrs"))) or keys,
                    ref_table=ref_table,
                    ref_columns=tuple(_strings(con.get("pk_attrs"))),
                    ref_schema=ref_schema,
                    name=name,
                    on_delete=_FK_ACTIONS[con.get("fk_del_action", "a")],  # type: ignore[arg-type]
                    on_update=_FK_ACTIONS[con.get("fk_upd_action", "a")],  # type: ignore[arg-type]
                    match="FULL" if con.get("fk_matchtype") == "f" else "SIMPLE",
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    not_valid=bool(con.get("skip_validation")),
                    period=bool(con.get("fk_with_period")),
                    on_delete_columns=tuple(_strings(con.get("fk_del_set_cols"))),
                )
            )
            return ("fk", len(table.foreign_keys) - 1)
        if contype == "CONSTR_EXCLUSION":
            elements = []
            for pair in con.get("exclusions") or ():
                elem_json, ops = pair["List"]["items"]
                elem = elem_json["IndexElem"]
                if elem.get("name"):
                    expression = quote_ident(elem["name"])
                else:
                    expression = f"({self.expr(elem['expr'])})"
                opclass = elem.get("opclass")
                elements.append(
                    ExcludeElement(
                        expression=expression,
                        operator=".".join(_strings(ops["List"]["items"])),
                        opclass=_ref_name(_strings(opclass)) if opclass else None,
                    )
                )
            table.excludes.append(
                ExcludeConstraint(
                    elements=tuple(elements),
                    method=con.get("access_method") or "gist",
                    name=name,
                    include=include,
                    where=self.expr(con["where_clause"]) if con.get("where_clause") else None,
                    deferrable=deferrable,
                    initially_deferred=deferred,
                )
            )
            return ("exclude", len(table.excludes) - 1)
        raise _KeepRaw(WARN_KEPT_RAW.format(what=contype))

    def take_index(
        self, table: _TableBuilder, index_name: str
    ) -> tuple[tuple[str, ...], list[str]]:
        """ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's own."""
        for i, index in enumerate(table.indexes):
            if index.name == index_name and all(p.column for p in index.parts):
                del table.indexes[i]
                self.index_owner.pop((table.schema, index_name), None)
                return tuple(p.column or "" for p in index.parts), list(index.include)
        raise _KeepRaw(WARN_UNKNOWN_TARGET.format(name=f"Index {index_name}"))

    def identity_options(
        self, table: _TableBuilder, column: str, options: list[dict[str, Any]] | None
    ) -> str | None:
        """Canonical sequence options of an identity column; defaults are left out so that
        pg_dump's spelled-out form and a bare ``GENERATED ... AS IDENTITY`` compare equal."""
        parts = []
        seq = self.sequence_fields(options)
        increment = seq.get("increment")
        for field, text in (
            ("sequence_name", "SEQUENCE NAME {}"),
            ("data_type", "AS {}"),
            ("start", "START WITH {}"),
            ("increment", "INCREMENT BY {}"),
            ("min_value", "MINVALUE {}"),
            ("max_value", "MAXVALUE {}"),
            ("cache", "CACHE {}"),
        ):
            value = seq.get(field)
            if value is None:
                continue
            if field == "sequence_name":
                default = (table.schema, f"{table.name}_{column}_seq")
                if value == default or (len(default[1].encode()) > 63):
                    continue
                value = qualify(*value)
            if field in ("increment", "cache") and value == 1:
                continue
            if (
                field == "start"
                and value == 1
                and (increment or 1) > 0
                and seq.get("min_value") in (None, 1)
            ):
                continue
            parts.append(text.format(value))
        if seq.get("cycle"):
            parts.append("CYCLE")
        return " ".join(parts) or None

    def sequence_fields(self, options: list[dict[str, Any]] | None) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        names = {
            "start": "start",
            "increment": "increment",
            "minvalue": "min_value",
            "maxvalue": "max_value",
            "cache": "cache",
        }
        for item in options or ():
            elem = item["DefElem"]
            name = elem["defname"]
            arg = elem.get("arg")
            if name in names:
                fields[names[name]] = _int_value(arg)
            elif name == "as":
                fields["data_type"] = self.type_text(arg["TypeName"])
            elif name == "cycle":
                fields["cycle"] = bool(arg and arg.get("Boolean", {}).get("boolval"))
            elif name == "sequence_name":
                fields["sequence_name"] = self.names_key(_strings(_list_items(arg)))
            elif name == "owned_by":
                fields["owned_by"] = _strings(_list_items(arg))
            else:
                self.warn(WARN_NOT_MODELLED.format(what=f"Sequence option {name.upper()}"))
        return fields

    def alter_table(self, node: dict[str, Any]) -> None:
        objtype = node.get("objtype", "OBJECT_TABLE")
        key = self.key(node["relation"])
        cmds = [c["AlterTableCmd"] for c in node.get("cmds") or ()]
        if all(c["subtype"] == "AT_ChangeOwner" for c in cmds):
            self.skip("OWNER", " ".join(self.text.split())[:80])
            return
        if objtype != "OBJECT_TABLE" or key not in self.tables:
            if objtype == "OBJECT_TABLE" and key not in self.raw_relations:
                self.warn(self._unknown(key))
            raise _KeepRaw()
        table = self.tables[key]
        leftover = []
        for cmd in cmds:
            try:
                self.alter_table_cmd(table, cmd)
            except _KeepRaw as keep:
                if keep.warning:
                    self.warn(keep.warning)
                leftover.append(cmd)
        if leftover:
            if len(leftover) == len(cmds):
                raise _KeepRaw()
            rest = {**node, "cmds": [{"AlterTableCmd": c} for c in leftover]}
            self.keep_raw("AlterTableStmt", sql=_struct_text("AlterTableStmt", rest))

    def alter_table_cmd(self, table: _TableBuilder, cmd: dict[str, Any]) -> None:
        subtype = cmd["subtype"]
        definition = cmd.get("def")
        if subtype == "AT_AddConstraint":
            self.add_constraint(table, definition["Constraint"])
        elif subtype == "AT_ColumnDefault":
            default = self.expr(definition) if definition else None
            table.update_column(cmd["name"], default=default)
        elif subtype == "AT_AddIdentity":
            con = definition["Constraint"]
            table.update_column(
                cmd["name"],
                identity="ALWAYS" if con.get("generated_when") == "a" else "BY DEFAULT",
                identity_options=self.identity_options(table, cmd["name"], con.get("options")),
            )
        elif subtype == "AT_AttachPartition":
            part = definition["PartitionCmd"]
            child = self.table(self.key(part["name"]))
            child.partition_of = PartitionOf(
                table.schema, table.name, _struct_text("PartitionBoundSpec", part["bound"])
            )
        elif subtype in ("AT_EnableRowSecurity", "AT_DisableRowSecurity"):
            table.rls_enabled = subtype == "AT_EnableRowSecurity"
        elif subtype in ("AT_ForceRowSecurity", "AT_NoForceRowSecurity"):
            table.rls_forced = subtype == "AT_ForceRowSecurity"
        elif subtype in ("AT_SetNotNull", "AT_DropNotNull"):
            table.update_column(cmd["name"], nullable=subtype == "AT_DropNotNull")
        elif subtype == "AT_AddColumn":
            coldef = definition["ColumnDef"]
            if any(c.name == coldef["colname"] for c in table.columns):
                if cmd.get("missing_ok"):
                    return
                raise _KeepRaw()
            self.add_column(table, coldef)
        elif subtype == "AT_DropColumn":
            self.drop_column(table, cmd)
        elif subtype == "AT_AlterColumnType":
            coldef = definition["ColumnDef"]
            changes: dict[str, Any] = {"type": self.type_text(coldef["typeName"])}
            if coldef.get("collClause"):
                changes["collation"] = _ref_name(_strings(coldef["collClause"]["collname"]))
            # USING converts the data; the design only holds the new type
            table.update_column(cmd["name"], **changes)
        elif subtype == "AT_DropConstraint":
            self.drop_constraint(table, cmd)
        elif subtype == "AT_ValidateConstraint":
            self.validate_constraint(table, cmd["name"])
        elif subtype in ("AT_SetLogged", "AT_SetUnLogged"):
            table.unlogged = subtype == "AT_SetUnLogged"
        elif subtype == "AT_ChangeOwner":
            self.skip("OWNER", " ".join(self.text.split())[:80])
        else:
            raise _KeepRaw()

    # -- indexes ---------------------------------------------------------------
    def create_index(self, node: dict[str, Any]) -> None:
        key = self.key(node["relation"])
        name = node.get("idxname")
        if not name:
            raise _KeepRaw(WARN_KEPT_RAW.format(what="An index without a name"))
        if node.get("tableSpace"):
            tablespace: str | None = node["tableSpace"]
        else:
            tablespace = None
        parts = []
        for item in node.get("indexParams") or ():
            elem = item["IndexElem"]
            if elem.get("opclassopts"):
                raise _KeepRaw(WARN_KEPT_RAW.format(what="An operator class with parameters"))
            descending = elem.get("ordering") == "SORTBY_DESC"
            nulls = elem.get("nulls_ordering")
            nulls_first = {"SORTBY_NULLS_FIRST": True, "SORTBY_NULLS_LAST": False}.get(nulls or "")
            if nulls_first is not None and nulls_first == descending:
                nulls_first = None  # the default for the direction
            opclass = elem.get("opclass")
            collation = elem.get("collation")
            parts.append(
                IndexPart(
                    column=elem.get("name"),
                    expression=None if elem.get("name") else self.expr(elem["expr"]),
                    opclass=_ref_name(_strings(opclass)) if opclass else None,
                    collation=_ref_name(_strings(collation)) if collation else None,
                    descending=descending,
                    nulls_first=nulls_first,
                )
            )
        include = []
        for item in node.get("indexIncludingParams") or ():
            include.append(item["IndexElem"]["name"])
        index = Index(
            name=name,
            parts=tuple(parts),
            method=node.get("accessMethod") or "btree",
            unique=bool(node.get("unique")),
            nulls_not_distinct=bool(node.get("nulls_not_distinct")),
            include=tuple(include),
            where=self.expr(node["whereClause"]) if node.get("whereClause") else None,
            with_options=_options(node.get("options")),
            tablespace=tablespace,
        )
        if key in self.tables:
            self.tables[key].indexes.append(index)
            self.index_owner[(key[0], name)] = ("table", key)
        elif key in self.views and self.views[key].materialized:
            view = self.views[key]
            self.views[key] = replace(view, indexes=(*view.indexes, index))
            self.index_owner[(key[0], name)] = ("view", key)
        else:
            raise _KeepRaw(None if key in self.raw_relations else self._unknown(key))

    # -- sequences, enums, domains -----------------------------------------------
    def create_sequence(self, node: dict[str, Any]) -> None:
        key = self.key(node["sequence"])
        if node["sequence"].get("relpersistence") in ("t", "u"):
            raise _KeepRaw(WARN_KEPT_RAW.format(what="A temporary or unlogged sequence"))
        fields = self.sequence_fields(node.get("options"))
        owned = fields.pop("owned_by", None)
        fields.pop("sequence_name", None)
        if owned and owned != ["none"]:
            fields["owned_by"] = ".".join(self.owned_by(owned))
        if key in self.sequences and not node.get("if_not_exists"):
            self.warn(WARN_DUPLICATE.format(kind="Sequence", name=qualify(*key)))
        if key not in self.sequences or not node.get("if_not_exists"):
            self.sequences[key] = Sequence(name=key[1], schema=key[0], **fields)

    def owned_by(self, names: list[str]) -> list[str]:
        if len(names) == 2:
            return [self.default_schema, *names]
        return names[-3:]

    def alter_sequence(self, node: dict[str, Any]) -> None:
        key = self.key(node["sequence"])
        options = node.get("options") or []
        if key not in self.sequences or any(o["DefElem"]["defname"] != "owned_by" for o in options):
            raise _KeepRaw()
        fields = self.sequence_fields(options)
        owned = fields["owned_by"]
        value = None if owned == ["none"] else ".".join(self.owned_by(owned))
        self.sequences[key] = replace(self.sequences[key], owned_by=value)

    def create_enum(self, node: dict[str, Any]) -> None:
        key = self.names_key(_strings(node["typeName"]))
        self.enums[key] = EnumType(
            name=key[1], schema=key[0], values=tuple(_strings(node.get("vals")))
        )

    def alter_enum(self, node: dict[str, Any]) -> None:
        key = self.names_key(_strings(node["typeName"]))
        enum = self.enums.get(key)
        if enum is None:
            raise _KeepRaw(self._unknown(key))
        values = list(enum.values)
        new = node.get("newVal", "")
        if node.get("oldVal"):
            values[values.index(node["oldVal"])] = new
        elif new in values:
            if not node.get("skipIfNewValExists"):
                raise _KeepRaw()
        elif node.get("newValNeighbor"):
            at = values.index(node["newValNeighbor"])
            values.insert(at + 1 if node.get("newValIsAfter") else at, new)
        else:
            values.append(new)
        self.enums[key] = replace(enum, values=tuple(values))

    def create_domain(self, node: dict[str, Any]) -> None:
        key = self.names_key(_strings(node["domainname"]))
        domain = Domain(name=key[1], schema=key[0], type=self.type_text(node["typeName"]))
        if node.get("collClause"):
            domain = replace(domain, collation=_ref_name(_strings(node["collClause"]["collname"])))
        checks = []
        for item in node.get("constraints") or ():
            con = item["Constraint"]
            contype = con["contype"]
            if contype == "CONSTR_NOTNULL":
                domain = replace(domain, not_null=True)
            elif contype == "CONSTR_DEFAULT":
                domain = replace(domain, default=self.expr(con["raw_expr"]))
            elif contype == "CONSTR_CHECK":
                checks.append(
                    CheckConstraint(
                        expression=self.expr(con["raw_expr"]),
                        name=con.get("conname"),
                        not_valid=bool(con.get("skip_validation")),
                    )
                )
            elif contype != "CONSTR_NULL":
                raise _KeepRaw(WARN_KEPT_RAW.format(what=f"Domain constraint {contype}"))
        self.domains[key] = replace(domain, checks=tuple(checks))

    # -- views -----------------------------------------------------------------
    def create_view(self, node: dict[str, Any]) -> None:
        relation = node["view"]
        key = self.key(relation)
        if relation.get("relpersistence") == "t":
            self.raw_relations.add(key)
            raise _KeepRaw(WARN_KEPT_RAW.format(what="A temporary view"))
        self.check_view_sources(key, node["query"])
        previous = self.views.get(key)
        self.views.pop(key, None)  # OR REPLACE keeps the latest; order follows the latest
        self.views[key] = View(
            name=key[1],
            schema=key[0],
            query=self.expr(node["query"]),
            columns=tuple(_strings(node.get("aliases"))),
            with_options=_options(node.get("options")),
            check_option=_CHECK_OPTIONS.get(node.get("withCheckOption", "")),  # type: ignore[arg-type]
            comment=previous.comment if previous else None,
        )

    def create_table_as(self, node: dict[str, Any]) -> None:
        into = node["into"]
        key = self.key(into["rel"])
        if node.get("objtype") != "OBJECT_MATVIEW":
            self.raw_relations.add(key)
            raise _KeepRaw(WARN_KEPT_RAW.format(what="CREATE TABLE ... AS"))
        if key in self.views and node.get("if_not_exists"):
            return
        self.check_view_sources(key, node["query"])
        if into.get("tableSpaceName") or into.get("accessMethod"):
            self.warn(WARN_NOT_MODELLED.format(what="A materialized view's storage"))
        self.views[key] = View(
            name=key[1],
            schema=key[0],
            query=self.expr(node["query"]),
            materialized=True,
            columns=tuple(_strings(into.get("colNames"))),
            with_options=_options(into.get("options")),
            with_data=not into.get("skipData"),
        )

    def expr(self, value: Any) -> str:
        """Canonical text of an expression or query, names found through ``search_path``
        qualified."""
        return node_text(self.qualify_names(value))

    def resolve(self, name: str, *stores: Any) -> str | None:
        """The schema of ``search_path`` where ``name`` is found first among ``stores``."""
        for schema in self.search_path:
            if any((schema, name) in store for store in stores):
                return schema
        return None

    def check_view_sources(self, key: Key, query: dict[str, Any]) -> None:
        """A view over a relation kept verbatim (CREATE TABLE ... AS, another such view) is
        kept verbatim too: raw statements are written after the views."""
        found = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                rel = node.get("RangeVar")
                if rel is not None:
                    found.append(self.key(rel))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(query)
        if any(k in self.raw_relations for k in found):
            self.raw_relations.add(key)
            raise _KeepRaw(WARN_KEPT_RAW.format(what="A view over a statement kept verbatim"))

    def qualify_names(self, tree: Any) -> Any:
        """The tree with each name this file defines outside ``public``, and the file reaches
        through a ``SET search_path``, qualified: tables and views, types, routines and
        sequences named in ``nextval('...')``. The export runs without that search_path."""
        if self.search_path in ([], ["public"]):
            return tree
        ctes: set[str] = set()

        def collect(node: Any) -> None:
            if isinstance(node, dict):
                if "CommonTableExpr" in node:
                    ctes.add(node["CommonTableExpr"].get("ctename", ""))
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)

        def qualified(schema: str | None, names: list[Any]) -> list[Any] | None:
            if schema is None or schema == "public":
                return None
            return [{"String": {"sval": schema}}, *names]

        def sequence_literal(const: Any) -> Any:
            text = const.get("sval", {}).get("sval") if isinstance(const, dict) else None
            if not text or "." in text or text.startswith('"'):
                return const
            schema = self.resolve(text, self.sequences, self.raw_relations)
            if schema is None or schema == "public":
                return const
            return {**const, "sval": {"sval": f"{quote_ident(schema)}.{quote_ident(text)}"}}

        def rewrite(node: Any) -> Any:
            if isinstance(node, list):
                return [rewrite(v) for v in node]
            if not isinstance(node, dict):
                return node
            out = {k: rewrite(v) for k, v in node.items()}
            rel = out.get("RangeVar")
            if rel is not None and not rel.get("schemaname") and rel["relname"] not in ctes:
                schema = self.resolve(rel["relname"], self.tables, self.views, self.raw_relations)
                if schema is not None and schema != "public":
                    out["RangeVar"] = {**rel, "schemaname": schema}
            # a TypeName is wrapped where any node may stand, inlined where only a type may
            for key in ("TypeName", "typeName"):
                type_name = out.get(key)
                if isinstance(type_name, dict) and len(type_name.get("names") or ()) == 1:
                    name = _strings(type_name["names"])[0]
                    schema = self.resolve(name, self.enums, self.domains, self.raw_types)
                    names = qualified(schema, type_name["names"])
                    if names is not None:
                        out[key] = {**type_name, "names": names}
            call = out.get("FuncCall")
            if call is not None:
                func = _strings(call.get("funcname"))
                if len(func) == 1:
                    names = qualified(self.resolve(func[0], self.routine_phase), call["funcname"])
                    if names is not None:
                        call = out["FuncCall"] = {**call, "funcname": names}
                args = call.get("args") or []
                if func[-1] in ("nextval", "currval", "setval") and args and "A_Const" in args[0]:
                    first = {"A_Const": sequence_literal(args[0]["A_Const"])}
                    out["FuncCall"] = {**call, "args": [first, *args[1:]]}
            cast = out.get("TypeCast")
            if (
                cast is not None
                and _strings(cast.get("typeName", {}).get("names"))[-1:] == ["regclass"]
                and "A_Const" in cast.get("arg", {})
            ):
                out["TypeCast"] = {
                    **cast,
                    "arg": {"A_Const": sequence_literal(cast["arg"]["A_Const"])},
                }
            return out

        collect(tree)
        return rewrite(tree)

    # -- schemas, extensions -----------------------------------------------------
    def create_schema(self, node: dict[str, Any]) -> None:
        name = node.get("schemaname")
        if not name:
            raise _KeepRaw(WARN_KEPT_RAW.format(what="CREATE SCHEMA AUTHORIZATION"))
        if name != "public" and name not in self.schemas:
            self.schemas.append(name)
        if node.get("authrole"):
            self.skip("OWNER", f"AUTHORIZATION of schema {name}")
        saved, saved_path = self.default_schema, self.search_path
        # elements are created in the new schema, and names in them are looked up there first
        self.default_schema = name
        self.search_path = [name, *saved_path]
        try:
            for element in node.get("schemaElts") or ():
                ((kind, inner),) = element.items()
                text = self.text
                self.text = _struct_text(kind, inner)
                try:
                    self.statement(element)
                finally:
                    self.text = text
        finally:
            self.default_schema, self.search_path = saved, saved_path

    def create_extension(self, node: dict[str, Any]) -> None:
        name = node["extname"]
        schema = version = None
        for item in node.get("options") or ():
            elem = item["DefElem"]
            if elem["defname"] == "schema":
                schema = elem["arg"]["String"]["sval"]
            elif elem["defname"] == "new_version":
                version = elem["arg"]["String"]["sval"]
        self.extensions[name] = Extension(name=name, schema=schema, version=version)

    # -- comments, policies ------------------------------------------------------
    def comment(self, node: dict[str, Any]) -> None:
        objtype = node["objtype"]
        text = node.get("comment")
        obj = node["object"]
        if objtype in ("OBJECT_SCHEMA", "OBJECT_EXTENSION"):
            name = obj["String"]["sval"]
            if objtype == "OBJECT_SCHEMA":
                if text is None:
                    self.schema_comments.pop(name, None)
                else:
                    self.schema_comments[name] = text
                return
            if name not in self.extensions:
                raise _KeepRaw(self._unknown(("", name)))
            self.extensions[name] = replace(self.extensions[name], comment=text)
            return
        if objtype in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            key = self.names_key(_strings(obj["TypeName"]["names"]))
            if key in self.enums:
                self.enums[key] = replace(self.enums[key], comment=text)
            elif key in self.domains:
                self.domains[key] = replace(self.domains[key], comment=text)
            else:
                raise _KeepRaw()
            return
        if objtype not in _COMMENT_ON_RELATION_PARTS:
            raise _KeepRaw()
        names = _strings(_list_items(obj))
        if objtype in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
            self.table(self.names_key(names)).comment = text
        elif objtype in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            key = self.names_key(names)
            if key not in self.views:
                raise _KeepRaw(self._unknown(key))
            self.views[key] = replace(self.views[key], comment=text)
        elif objtype == "OBJECT_COLUMN":
            key = self.names_key(names[:-1])
            column = names[-1]
            if key in self.views:
                view = self.views[key]
                pairs = [p for p in view.column_comments if p[0] != column]
                if text is not None:
                    pairs.append((column, text))
                self.views[key] = replace(view, column_comments=tuple(pairs))
            else:
                self.table(key).update_column(column, comment=text)
        elif objtype == "OBJECT_INDEX":
            self.comment_index(self.names_key(names), text)
        elif objtype == "OBJECT_SEQUENCE":
            key = self.names_key(names)
            if key not in self.sequences:
                raise _KeepRaw()
            self.sequences[key] = replace(self.sequences[key], comment=text)
        elif objtype == "OBJECT_POLICY":
            table = self.table(self.names_key(names[:-1]))
            for i, policy in enumerate(table.policies):
                if policy.name == names[-1]:
                    table.policies[i] = replace(policy, comment=text)
                    return
            raise _KeepRaw()
        else:
            raise _KeepRaw()

    def comment_index(self, key: Key, text: str | None) -> None:
        owner = self.index_owner.get(key)
        if owner is None:
            raise _KeepRaw()
        kind, owner_key = owner
        if kind == "table":
            table = self.tables[owner_key]
            table.indexes = [
                replace(i, comment=text) if i.name == key[1] else i for i in table.indexes
            ]
        else:
            view = self.views[owner_key]
            indexes = tuple(
                replace(i, comment=text) if i.name == key[1] else i for i in view.indexes
            )
            self.views[owner_key] = replace(view, indexes=indexes)

    def create_policy(self, node: dict[str, Any]) -> None:
        table = self.table(self.key(node["table"]))
        roles = []
        for item in node.get("roles") or ():
            spec = item["RoleSpec"]
            roletype = spec["roletype"]
            if roletype == "ROLESPEC_CSTRING":
                roles.append(spec["rolename"])
            elif roletype == "ROLESPEC_PUBLIC":
                roles.append("public")
            else:
                roles.append(roletype.removeprefix("ROLESPEC_"))
        table.policies.append(
            Policy(
                name=node["policy_name"],
                command=node.get("cmd_name", "all").upper(),  # type: ignore[arg-type]
                permissive=bool(node.get("permissive")),
                roles=tuple(roles) or ("public",),
                using=self.expr(node["qual"]) if node.get("qual") else None,
                with_check=self.expr(node["with_check"]) if node.get("with_check") else None,
            )
        )

    # -- session settings, data, ownership, drops -----------------------------------
    def set_variable(self, node: dict[str, Any]) -> None:
        name = node.get("name", "")
        summary = " ".join(self.text.split())[:80]
        self.skip("SET", summary)
        if name != "search_path" or node.get("is_local"):
            return
        if node.get("kind") in ("VAR_SET_DEFAULT", "VAR_RESET"):
            self.set_search_path(["public"])
            return
        values = []
        for arg in node.get("args") or ():
            if "A_Const" in arg and "sval" in arg["A_Const"]:
                values.append(arg["A_Const"]["sval"].get("sval", ""))
        self.set_search_path(values)

    def set_search_path(self, path: list[str]) -> None:
        schemas = [p for p in path if p and p != "$user"]
        # An empty path (pg_dump) means every name is qualified; keep "public" for stray ones.
        self.default_schema = schemas[0] if schemas else "public"
        self.search_path = schemas

    def select(self, node: dict[str, Any]) -> None:
        targets = node.get("targetList") or ()
        calls = []
        for target in targets:
            val = target["ResTarget"].get("val", {})
            if "FuncCall" not in val:
                break
            calls.append(val["FuncCall"])
        names = [_strings(c["funcname"])[-1] for c in calls]
        if not calls or len(calls) != len(targets) or node.get("fromClause"):
            raise _KeepRaw()
        if all(n == "setval" for n in names):
            self.skip("SELECT", " ".join(self.text.split())[:80])
            return
        if names == ["set_config"]:
            args = calls[0].get("args") or []
            consts = [a.get("A_Const", {}).get("sval", {}).get("sval") for a in args[:2]]
            self.skip("SET", " ".join(self.text.split())[:80])
            if consts[0] == "search_path" and len(consts) == 2 and consts[1] is not None:
                path = [p.strip().strip('"') for p in consts[1].split(",")]
                self.set_search_path(path)
            return
        raise _KeepRaw()

    def alter_owner(self, node: dict[str, Any]) -> None:
        self.skip("OWNER", " ".join(self.text.split())[:80])

    def drop(self, node: dict[str, Any]) -> None:
        """DROP of something this file defined removes it; other drops are kept."""
        removetype = node.get("removeType")
        stores: dict[str, dict[Key, Any]] = {
            "OBJECT_TABLE": self.tables,
            "OBJECT_VIEW": self.views,
            "OBJECT_MATVIEW": self.views,
            "OBJECT_SEQUENCE": self.sequences,
        }
        if removetype == "OBJECT_INDEX":
            self.drop_indexes(node)
            return
        store = stores.get(removetype or "")
        if store is None:
            self.keep_raw("DropStmt", phase=self.drop_phase(node))
            return
        keys = [self.names_key(_strings(_list_items(o))) for o in node.get("objects") or ()]
        if all(k not in store and k not in self.raw_relations for k in keys):
            self.skip("DROP", " ".join(self.text.split())[:80])
            return
        if any(k not in store for k in keys):
            self.keep_raw("DropStmt")
            return
        for k in keys:
            del store[k]

    def drop_indexes(self, node: dict[str, Any]) -> None:
        keys = [self.names_key(_strings(_list_items(o))) for o in node.get("objects") or ()]
        if not keys or any(k not in self.index_owner for k in keys):
            self.keep_raw("DropStmt")
            return
        for key in keys:
            self.remove_index(key)

    def remove_index(self, key: Key) -> None:
        kind, owner_key = self.index_owner.pop(key)
        if kind == "table":
            table = self.tables[owner_key]
            table.indexes = [i for i in table.indexes if i.name != key[1]]
        else:
            view = self.views[owner_key]
            indexes = tuple(i for i in view.indexes if i.name != key[1])
            self.views[owner_key] = replace(view, indexes=indexes)

    # -- renames -------------------------------------------------------------------
    def rename(self, node: dict[str, Any]) -> None:
        """Renames of tables, columns, indexes and constraints this file made are applied to
        the design, unless a text the model keeps (a view, an expression, a raw statement)
        spells the old name: that text would not follow, so the rename is kept verbatim."""
        kind = node.get("renameType")
        new = node["newname"]
        old = node.get("subname")
        if kind == "OBJECT_INDEX":
            self.rename_index(self.key(node["relation"]), new)
            return
        if kind not in ("OBJECT_TABLE", "OBJECT_COLUMN", "OBJECT_TABCONSTRAINT"):
            raise _KeepRaw()
        if kind == "OBJECT_COLUMN" and node.get("relationType") != "OBJECT_TABLE":
            raise _KeepRaw()
        key = self.key(node["relation"])
        table = self.table(key)
        if kind == "OBJECT_TABCONSTRAINT":
            self.rename_constraint(table, old or "", new)
        elif kind == "OBJECT_COLUMN":
            self.rename_column(table, old or "", new)
        else:
            self.rename_table(table, new)

    def spelled_anywhere(self, name: str, table: _TableBuilder | None = None) -> bool:
        """Whether ``name`` appears in a text the model keeps: every view and raw statement,
        and the expressions of ``table`` (of every table when None)."""
        word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])")
        texts = [v.query for v in self.views.values()] + [r.sql for r in self.raw]
        for t in [table] if table is not None else list(self.tables.values()):
            if t.partitioning is not None:
                texts.append(t.partitioning.key)
            texts += [c.default or "" for c in t.columns] + [c.generated or "" for c in t.columns]
            texts += [c.expression for c in t.checks]
            texts += [str(x.elements) + (x.where or "") for x in t.excludes]
            texts += [str(p.using) + str(p.with_check) for p in t.policies]
            for i in t.indexes:
                texts += [p.expression or "" for p in i.parts] + [i.where or ""]
        return any(word.search(text) for text in texts)

    def children_of(self, table: _TableBuilder) -> list[_TableBuilder]:
        ref = f"{table.schema}.{table.name}"
        return [
            t
            for t in self.tables.values()
            if ref in t.inherits
            or (
                t.partition_of
                and (t.partition_of.parent_schema, t.partition_of.parent_table)
                == (table.schema, table.name)
            )
        ]

    def rename_table(self, table: _TableBuilder, new: str) -> None:
        old_key, new_key = (table.schema, table.name), (table.schema, new)
        if new_key in self.tables or self.spelled_anywhere(table.name):
            raise _KeepRaw()
        self.name_constraints(table)
        old_ref, new_ref = f"{table.schema}.{table.name}", f"{table.schema}.{new}"
        self.tables = {new_key if k == old_key else k: t for k, t in self.tables.items()}
        table.name = new
        for t in self.tables.values():
            t.foreign_keys = [
                replace(f, ref_table=new) if (f.ref_schema, f.ref_table) == old_key else f
                for f in t.foreign_keys
            ]
            t.inherits = tuple(new_ref if r == old_ref else r for r in t.inherits)
            of = t.partition_of
            if of is not None and (of.parent_schema, of.parent_table) == old_key:
                t.partition_of = replace(of, parent_table=new)
        for k, seq in self.sequences.items():
            if seq.owned_by and seq.owned_by.startswith(old_ref + "."):
                owned = new_ref + seq.owned_by[len(old_ref) :]
                self.sequences[k] = replace(seq, owned_by=owned)
        for k, (kind, owner) in list(self.index_owner.items()):
            if kind == "table" and owner == old_key:
                self.index_owner[k] = (kind, new_key)

    def name_constraints(self, table: _TableBuilder) -> None:
        """Spell out the names PostgreSQL gave unnamed constraints: they keep them when the
        table is renamed. A serial or identity column's sequence would keep its name too,
        which the model cannot say, so such a rename stays verbatim."""
        if any(c.identity or is_serial(c.type) for c in table.columns) or any(
            x.name is None for x in table.excludes
        ):
            raise _KeepRaw()
        built = table.build()
        pk = table.primary_key
        if pk is not None and pk.name is None:
            table.primary_key = replace(pk, name=default_key_name(table.name, pk.columns, "pkey"))
        table.uniques = [
            u if u.name else replace(u, name=default_key_name(table.name, u.columns, "key"))
            for u in table.uniques
        ]
        table.foreign_keys = [
            f if f.name else replace(f, name=default_key_name(table.name, f.columns, "fkey"))
            for f in table.foreign_keys
        ]
        table.checks = [
            c if c.name else replace(c, name=default_check_name(built, c.expression))
            for c in table.checks
        ]
        for column in table.columns:
            if table.not_null(column) and table.not_null_names.get(column.name) is None:
                table.not_null_names[column.name] = make_object_name(
                    table.name, column.name, "not_null"
                )

    def rename_column(self, table: _TableBuilder, old: str, new: str) -> None:
        i = table.column_index(old)
        column = table.columns[i]
        if (
            column.identity
            or is_serial(column.type)
            or any(c.name == new for c in table.columns)
            or self.children_of(table)
            or self.spelled_anywhere(old, table)
        ):
            raise _KeepRaw()

        def cols(names: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new if n == old else n for n in names)

        table.columns[i] = replace(table.columns[i], name=new)
        if old in table.not_null_names:
            table.not_null_names[new] = table.not_null_names.pop(old)
        pk = table.primary_key
        if pk is not None:
            table.primary_key = replace(pk, columns=cols(pk.columns), include=cols(pk.include))
        table.uniques = [
            replace(u, columns=cols(u.columns), include=cols(u.include)) for u in table.uniques
        ]
        table.foreign_keys = [replace(f, columns=cols(f.columns)) for f in table.foreign_keys]
        table.indexes = [
            replace(
                x,
                parts=tuple(replace(p, column=new) if p.column == old else p for p in x.parts),
                include=cols(x.include),
            )
            for x in table.indexes
        ]
        for t in self.tables.values():
            t.foreign_keys = [
                replace(f, ref_columns=cols(f.ref_columns))
                if (f.ref_schema, f.ref_table) == (table.schema, table.name)
                else f
                for f in t.foreign_keys
            ]
        owner = f"{table.schema}.{table.name}.{old}"
        for k, seq in self.sequences.items():
            if seq.owned_by == owner:
                self.sequences[k] = replace(seq, owned_by=f"{table.schema}.{table.name}.{new}")

    def rename_index(self, key: Key, new: str) -> None:
        owner = self.index_owner.get(key)
        if owner is None:
            # the index behind a key carries the key's name: renaming one renames both
            table = None
            for t in self.tables.values():
                if t.schema == key[0] and self.constraint_named(t, key[1]):
                    table = t
                    break
            if table is None:
                raise _KeepRaw()
            self.rename_constraint(table, key[1], new)
            return
        kind, owner_key = owner
        if kind == "table":
            table = self.tables[owner_key]
            table.indexes = [replace(i, name=new) if i.name == key[1] else i for i in table.indexes]
        else:
            view = self.views[owner_key]
            indexes = tuple(replace(i, name=new) if i.name == key[1] else i for i in view.indexes)
            self.views[owner_key] = replace(view, indexes=indexes)
        del self.index_owner[key]
        self.index_owner[(key[0], new)] = owner

    def constraint_named(self, table: _TableBuilder, name: str) -> bool:
        pk = table.primary_key
        return (pk is not None and pk.name == name) or any(u.name == name for u in table.uniques)

    def rename_constraint(self, table: _TableBuilder, old: str, new: str) -> None:
        found = False

        def renamed(items: list[Any]) -> list[Any]:
            nonlocal found
            out = []
            for item in items:
                if item.name == old:
                    item, found = replace(item, name=new), True
                out.append(item)
            return out

        pk = table.primary_key
        if pk is not None and pk.name == old:
            table.primary_key, found = replace(pk, name=new), True
        table.uniques = renamed(table.uniques)
        table.foreign_keys = renamed(table.foreign_keys)
        table.checks = renamed(table.checks)
        table.excludes = renamed(table.excludes)
        if not found:
            raise _KeepRaw()

    # -- result ------------------------------------------------------------------
    def build(self, statements: int) -> ImportResult:
        self.keep_not_null_names()
        made = [b for b in self.tables.values() if self.made_by_partition_of(b)]
        for builder in made:
            # PARTITION OF gives the partition its columns and its parent's keys
            builder.columns = []
            builder.primary_key = None
            builder.uniques = []
        tables = [t.build() for t in self.tables.values()]
        tables = [self.resolve_references(t) for t in tables]
        tables = [self.raw_foreign_keys(t) for t in tables]
        schema = Schema(
            tables=tuple(tables),
            enums=tuple(self.enums.values()),
            domains=tuple(self.domains.values()),
            sequences=tuple(self.sequences.values()),
            views=tuple(self.views.values()),
            extensions=tuple(self.extensions.values()),
            schemas=tuple(self.schemas),
            schema_comments=tuple(sorted(self.schema_comments.items())),
            raw=tuple(self.raw),
        )
        # Objects in the order the exporter writes them: export -> import gives an equal Schema.
        schema = export_order(schema)
        report = ImportReport(
            source_name=self.source_name,
            statements=statements,
            counts=count_objects(schema),
            skipped=self.skipped,
            raw=self.raw_report,
            warnings=self.warnings,
            data_rows=self.data_rows,
        )
        return ImportResult(schema=schema, report=report)

    def keep_not_null_names(self) -> None:
        """A NOT NULL constraint given a name of its own (PostgreSQL 18) keeps it through a
        RENAME after the tables: the model holds nullability, not constraint names.
        Partitions and inheritance children take their names from their parents."""
        for table in self.tables.values():
            if table.partition_of is not None or table.inherits:
                continue
            for column in table.columns:
                name = table.not_null_names.get(column.name)
                default = make_object_name(table.name, column.name, "not_null")
                if not table.not_null(column) or name is None or name == default:
                    continue
                sql = (
                    f"ALTER TABLE {qualify(table.schema, table.name)} RENAME CONSTRAINT "
                    f"{quote_ident(default)} TO {quote_ident(name)}"
                )
                self.raw.append(RawStatement(sql=sql, phase="post", kind="RenameStmt"))

    def made_by_partition_of(self, table: _TableBuilder) -> bool:
        """Whether a partition that spells out its columns is one ``PARTITION OF`` made.

        pg_dump writes every partition as a table of its own plus ``ATTACH PARTITION``; one
        made by ``PARTITION OF`` shows by its NOT NULL constraints carrying the parent's
        names. Such a partition is imported without columns, so it is exported the same way.
        """
        of = table.partition_of
        parent = self.tables.get((of.parent_schema, of.parent_table)) if of else None
        if parent is None or [c.name for c in table.columns] != [c.name for c in parent.columns]:
            return False
        pk, parent_pk = table.primary_key, parent.primary_key
        if pk is not None and (
            parent_pk is None
            or (pk.columns, pk.include) != (parent_pk.columns, parent_pk.include)
            or pk.name not in (None, default_key_name(table.name, pk.columns, "pkey"))
        ):
            return False
        parent_keys = {(u.columns, u.include, u.nulls_not_distinct) for u in parent.uniques}
        for u in table.uniques:
            if (u.columns, u.include, u.nulls_not_distinct) not in parent_keys or u.name not in (
                None,
                default_key_name(table.name, u.columns, "key"),
            ):
                return False
        signal = False
        for own, col in zip(parent.columns, table.columns, strict=True):
            same = (own.type, own.nullable, own.collation) == (
                col.type,
                col.nullable,
                col.collation,
            )
            inherited_default = col.default in (own.default, None) and (
                col.default == own.default or own.identity or own.generated
            )
            if not same or not inherited_default or col.comment is not None:
                return False
            if col.generated not in (None, own.generated) or col.identity is not None:
                return False
            if not col.nullable:
                parent_name = parent.not_null_names.get(own.name) or make_object_name(
                    parent.name, own.name, "not_null"
                )
                if table.not_null_names.get(col.name) != parent_name:
                    return False
                signal = True
        return signal

    def raw_foreign_keys(self, table: Table) -> Table:
        """A foreign key to a table kept verbatim (CREATE TABLE ... (LIKE ...)) becomes a
        statement after it, and after whatever raw statement makes its unique index."""
        keep = [
            fk for fk in table.foreign_keys if (fk.ref_schema, fk.ref_table) in self.raw_relations
        ]
        if not keep:
            return table
        ctx = POSTGRES.context(Schema(tables=(table,)))
        for fk in keep:
            self.raw.append(
                RawStatement(
                    sql=POSTGRES.add_foreign_key(table, fk, ctx),
                    phase="post",
                    kind="AlterTableStmt",
                )
            )
        return replace(table, foreign_keys=tuple(f for f in table.foreign_keys if f not in keep))

    def resolve_references(self, table: Table) -> Table:
        """``REFERENCES t`` without columns means t's primary key: spell it out."""
        if all(fk.ref_columns for fk in table.foreign_keys):
            return table
        fks = []
        for fk in table.foreign_keys:
            target = self.tables.get((fk.ref_schema, fk.ref_table))
            if not fk.ref_columns and target is not None and target.primary_key is not None:
                fk = replace(fk, ref_columns=target.primary_key.columns)
            fks.append(fk)
        return replace(table, foreign_keys=tuple(fks))


def import_postgres(text: str | bytes, *, source_name: str = "<input>") -> ImportResult:
    """Read PostgreSQL DDL into a ``Schema`` plus a report of what was kept and left out.

    Raises ``SchemaImportError`` (naming the line and the statement) for text PostgreSQL
    cannot parse, for binary input and for input without any SQL statement.
    """
    text = _decode(text)
    data = text.encode("utf-8")
    cleaned, meta_skipped, copy_rows = _strip_non_sql(data)
    cleaned_text = cleaned.decode("utf-8")
    try:
        parsed = json.loads(pglast.parser.parse_sql_json(cleaned_text))
    except pglast.parser.ParseError as exc:
        message = exc.args[0]
        position = exc.args[1] if len(exc.args) > 1 else None
        raise _parse_error(cleaned_text, message, position) from None
    stmts = parsed.get("stmts") or []
    if not stmts:
        raise SchemaImportError(ERR_EMPTY)
    importer = _Importer(_Source(cleaned), source_name, copy_rows)
    importer.run(stmts)
    importer.skipped = sorted(meta_skipped + importer.skipped, key=lambda s: s.line)
    return importer.build(len(stmts))
