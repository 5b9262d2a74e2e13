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
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pglast

from designer.schema.model import (
    Domain,
    EnumType,
    Extension,
    RawStatement,
    Schema,
    Sequence,
    Table,
    View,
)
from designer.schema.pgnames import (
    default_key_name,
    make_object_name,
)
from designer.schema.sqltext import qualify, quote_ident
from designer.sql.ddl import export_order
from designer.sql.dialects.postgres import POSTGRES
from designer.sql.readers.gcpause import collector_paused
from designer.sql.readers.pg_drops import DropsReader
from designer.sql.readers.pg_json import (
    ERR_BINARY,
    ERR_EMPTY,
    ERR_ENCODING,
    ERR_PARSE,
    WARN_KEPT_APART,
    WARN_UNKNOWN_TARGET,
    KeepRaw,
    Key,
    TableBuilder,
    strings,
    type_name_text,
)
from designer.sql.readers.pg_objects import ObjectsReader
from designer.sql.readers.pg_renames import RenamesReader
from designer.sql.readers.pg_tables import TablesReader
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

__all__ = ["ERR_BINARY", "ERR_EMPTY", "ERR_ENCODING", "ERR_PARSE", "import_postgres"]

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
# A line that may start a psql meta-command or a COPY; a dump without any needs no blanking.
_MAYBE_NON_SQL = re.compile(rb"\n[ \t\r\x0b\x0c]*(?:\\|copy\s)", re.IGNORECASE)
_COPY_FROM_STDIN = re.compile(rb"^\s*COPY\s.*\bFROM\s+stdin\b.*;\s*$", re.IGNORECASE)
# A node's position in the source ("stmt_location" is the statement's, kept). The model never
# reads them, and set to 0 they let the printer's cache see one expression written twice as one.
_NODE_LOCATION = re.compile(r'"location":-?\d+')
_LEADING_NOISE = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)


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
    if not _MAYBE_NON_SQL.search(b"\n" + data):
        return data, [], {}
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


class _Importer(TablesReader, ObjectsReader, RenamesReader, DropsReader):
    """Reads statement after statement into builders; ``build`` makes the ``Schema``."""

    def __init__(self, source: _Source, source_name: str, copy_rows: dict[int, int]) -> None:
        self.source = source
        self.source_name = source_name
        self.copy_rows = copy_rows
        self.default_schema = "public"
        self.search_path = ["public"]
        self.tables: dict[Key, TableBuilder] = {}
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
        self.init_drops()
        self.skipped: list[SkippedStatement] = []
        self.raw_report: list[RawKept] = []
        self.warnings: list[ReportWarning] = []
        self.data_rows = 0
        # the statement being read: where it is, and its line and text once asked for
        self.at = (0, 0)
        self._line: int | None = 0
        self._text: str | None = ""
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

    def table(self, key: Key) -> TableBuilder:
        table = self.tables.get(key)
        if table is None:
            raise KeepRaw(None if key in self.raw_relations else self._unknown(key))
        return table

    def _unknown(self, key: Key) -> str:
        return WARN_UNKNOWN_TARGET.format(name=qualify(*key))

    def type_text(self, type_name: dict[str, Any]) -> str:
        # the exporter qualifies names; a type found through search_path must say where
        return type_name_text(self.qualify_names({"TypeName": type_name})["TypeName"])

    # -- driver ----------------------------------------------------------------
    def run(self, stmts: list[dict[str, Any]]) -> None:
        for raw in stmts:
            self.at = (raw.get("stmt_location", 0), raw.get("stmt_len", 0))
            self._line = self._text = None
            self.statement(raw["stmt"])

    # A statement's line and text are found only for a warning, a skip or a raw statement:
    # most statements of a dump need neither.
    def _locate(self) -> None:
        line, text = self.source.statement(*self.at)
        if self._line is None:
            self._line = line
        if self._text is None:
            self._text = text

    @property
    def line(self) -> int:
        if self._line is None:
            self._locate()
        return self._line  # type: ignore[return-value]

    @property
    def text(self) -> str:
        if self._text is None:
            self._locate()
        return self._text  # type: ignore[return-value]

    @text.setter
    def text(self, value: str) -> None:
        self._text = value

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
            self.before_raw(kind, node)
            self.keep_raw(kind, phase=self.raw_phase(kind, node))
            self.after_raw(kind, node)
            return
        try:
            handler(node)
        except KeepRaw as keep:
            if keep.warning:
                self.warn(keep.warning)
            self.keep_raw(kind)

    def raw_phase(self, kind: str, node: dict[str, Any]) -> str:
        if kind == "CompositeTypeStmt":
            self.raw_types.add(self.key(node["typevar"]))
        elif kind == "CreateRangeStmt":
            self.raw_types.add(self.names_key(strings(node["typeName"])))
        if kind != "CreateFunctionStmt":
            return "pre" if kind in _PRE_KINDS else "post"
        phase = self.function_phase(node)
        key = self.names_key(strings(node.get("funcname")))
        self.routine_phase[key] = phase
        return phase

    def function_phase(self, node: dict[str, Any]) -> str:
        # A function whose signature names a table's row type must follow that table.
        types = [p["FunctionParameter"].get("argType") for p in node.get("parameters") or ()]
        types.append(node.get("returnType"))
        for type_name in types:
            if type_name and self.names_key(strings(type_name.get("names"))) in self.tables:
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
                if name is None or not table.not_null(column):
                    continue
                default = make_object_name(table.name, column.name, "not_null")
                if name == default:
                    continue
                sql = (
                    f"ALTER TABLE {qualify(table.schema, table.name)} RENAME CONSTRAINT "
                    f"{quote_ident(default)} TO {quote_ident(name)}"
                )
                self.raw.append(RawStatement(sql=sql, phase="post", kind="RenameStmt"))

    def made_by_partition_of(self, table: TableBuilder) -> bool:
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
    with collector_paused():
        return _import_postgres(text, source_name)


def _import_postgres(text: str | bytes, source_name: str) -> ImportResult:
    text = _decode(text)
    data = text.encode("utf-8")
    cleaned, meta_skipped, copy_rows = _strip_non_sql(data)
    cleaned_text = cleaned.decode("utf-8")
    try:
        tree = pglast.parser.parse_sql_json(cleaned_text)
    except pglast.parser.ParseError as exc:
        message = exc.args[0]
        position = exc.args[1] if len(exc.args) > 1 else None
        raise _parse_error(cleaned_text, message, position) from None
    parsed = json.loads(_NODE_LOCATION.sub('"location":0', tree))
    stmts = parsed.get("stmts") or []
    if not stmts:
        raise SchemaImportError(ERR_EMPTY)
    importer = _Importer(_Source(cleaned), source_name, copy_rows)
    importer.run(stmts)
    importer.skipped = sorted(meta_skipped + importer.skipped, key=lambda s: s.line)
    return importer.build(len(stmts))
