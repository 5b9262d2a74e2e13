"""Import MySQL/MariaDB, SQLite and SQL Server DDL into the schema model (via sqlglot).

The text is split into statements by a small scanner that knows each dialect's
quoting and comments, MySQL's ``DELIMITER`` and ``/*! … */`` versioned comments and
SQL Server's ``GO`` batches. Schema statements (CREATE TABLE/INDEX/VIEW, ALTER TABLE,
SQL Server CREATE SCHEMA) are parsed with sqlglot and mapped to PostgreSQL terms:
types through the dialect's ``type_in`` (``designer.sql.dialects``), expressions transpiled by sqlglot and then
normalised by PostgreSQL's own parser. Everything else is listed in the report as
skipped, with its line and a reason; stored routines and triggers are *not* kept as
raw SQL because they are not PostgreSQL and would break a PostgreSQL export.

Decisions worth knowing:
* Identifiers are folded to lower case (as pgloader does by default), so the
  PostgreSQL schema needs no quoting; the same folding is applied inside views.
* MySQL versioned comments ``/*!NNNNN … */`` run when NNNNN < 50700 (MySQL 5.0–5.6
  features that MySQL and MariaDB both run) and are skipped with a warning from
  50700 up, as MariaDB does (e.g. sakila's ``/*!50705 … GEOMETRY …*/``). ``/*! … */``
  without a version always runs; ``/*M!NNNNNN … */`` (MariaDB-only) runs below 999999.
* MySQL index names are per table but PostgreSQL's are per schema: a name used by
  several tables is prefixed with its table name (reported).
* FULLTEXT keys become GIN indexes on ``to_tsvector('simple', …)`` (reported);
  SPATIAL keys are dropped (reported).
* A MySQL database qualifier equal to the ``USE``d database is dropped; any other
  database becomes a PostgreSQL schema. SQL Server ``dbo`` and SQLite ``main``
  are ``public``.
* A view whose query cannot be transpiled is kept as a RawStatement holding the
  original text as an SQL comment (so a PostgreSQL export still runs) and reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import cast

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError

from designer.schema.model import (
    DEFAULT_SCHEMA,
    FK_ACTIONS,
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    RawStatement,
    Schema,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.sqltext import (
    MAX_IDENTIFIER_BYTES,
    SqlTextError,
    normalize_expr,
    normalize_query,
    quote_ident,
)
from designer.sql.dialects import DIALECTS, import_dialects
from designer.sql.dialects.portable import PortableDialect
from designer.sql.readers.report import (
    ImportReport,
    ImportResult,
    RawKept,
    ReportWarning,
    SchemaImportError,
    SkippedStatement,
    count_objects,
)

# The import dialects this reader reads (the rest: PostgreSQL's own parser).
SQL_DIALECTS: tuple[str, ...] = tuple(d.name for d in import_dialects() if d.reader == "sqlglot")

ERR_DIALECT = "Unknown SQL dialect “{dialect}”; expected one of {choices}."
ERR_EMPTY = "The input is empty."
ERR_BINARY = "The input looks like a binary file, not SQL text."
ERR_NO_STATEMENTS = "No SQL statements were found in the input."
ERR_UNTERMINATED = "Unterminated {what} starting here."
ERR_PARSE = "This statement is not valid {dialect} SQL: {detail}"
ERR_NOT_STATEMENT = "This is not an SQL statement."
ERR_UNREADABLE = "This {what} uses syntax the importer cannot read."
ERR_SQLGLOT_COMMAND = "sqlglot cannot read its syntax"
ERR_SOURCE_ONLY = "{sql} has no PostgreSQL meaning"
ERR_UNKNOWN_TABLE = "{what} refers to table “{table}”, which is not defined in the input."

WARN_VERSIONED_SKIPPED = (
    "MySQL versioned comment /*!{version} … */ skipped (MySQL 5.7+ only; MariaDB skips it too)."
)
WARN_ENUM = "ENUM column {table}.{column} became the enum type {enum}."
WARN_ON_UPDATE = (
    "{table}.{column}: ON UPDATE {expr} has no PostgreSQL column equivalent; "
    "add a BEFORE UPDATE trigger to keep it."
)
WARN_DEFAULT_DROPPED = "{table}.{column}: default {default} left out: {reason}"
WARN_ZERO_DATE = "MySQL zero dates are not valid in PostgreSQL"
WARN_CHECK_DROPPED = "{table}: CHECK ({expr}) left out: {reason}"
WARN_GENERATED_DROPPED = "{table}.{column}: generated expression left out: {reason}"
WARN_COLLATION = "{table}.{column}: collation {collation} left out (no PostgreSQL equivalent)."
WARN_PREFIX = "{table}.{index}: prefix length on {column} dropped; the whole column is indexed."
WARN_FULLTEXT = (
    "FULLTEXT index {index} on {table} became a GIN index on to_tsvector('simple', …); "
    "queries must use the same expression."
)
WARN_SPATIAL_INDEX = "SPATIAL index {index} on {table} left out: spatial types need PostGIS."
WARN_INDEX_RENAMED = "Index {old} on {table} renamed {new}: PostgreSQL index names are per schema."
WARN_VIEW_UNTRANSPILED = (
    "View {view} could not be transpiled to PostgreSQL ({reason}); its original text is kept "
    "as a commented raw statement to rewrite by hand."
)
WARN_GROUP_BY = (
    "View {view}: {columns} added to GROUP BY; PostgreSQL requires every selected column to be "
    "grouped (same rows when they depend on the grouped key, as MySQL assumes)."
)
WARN_DISTINCT_ORDER = (
    "View {view}: GROUP_CONCAT(DISTINCT … ORDER BY …) now orders by its own argument; "
    "PostgreSQL requires that with DISTINCT."
)
WARN_DROPPED = "DROP removes the {kind} {name} defined at line {line}; it is not imported."
WARN_ALTER_IGNORED = "ALTER TABLE {table}: {action} not imported."
WARN_COLUMN_OPTION = "{table}.{column}: {option} not imported."
WARN_FK_UNRESOLVED = "Foreign key {name} on {table} left out: {reason}"

REASON_ROUTINE = "stored routines are not PostgreSQL; rewrite them in PL/pgSQL"
REASON_TRIGGER = "triggers are not PostgreSQL; rewrite them as PL/pgSQL trigger functions"
REASON_EVENT = "scheduled events have no PostgreSQL equivalent (use pg_cron or an external job)"
REASON_DATA = "data is not part of the design"
REASON_SESSION = "session setting"
REASON_DATABASE = "database-level statement"
REASON_DROP = "DROP statements are not part of the design"
REASON_TRANSACTION = "transaction control"
REASON_OTHER = "not a schema statement"
REASON_VIRTUAL = "SQLite virtual tables (FTS, R-Tree) have no PostgreSQL equivalent"
REASON_UNSUPPORTED_DDL = "this kind of DDL is not imported"

# -- statement classification ---------------------------------------------------

_SKIP_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind, reason)
    for pattern, kind, reason in (
        (r"(INSERT|REPLACE)\b", "INSERT", REASON_DATA),
        (r"(UPDATE|DELETE|TRUNCATE|LOAD\s+DATA|MERGE)\b", "DATA", REASON_DATA),
        (r"SET\b", "SET", REASON_SESSION),
        (r"USE\b", "USE", REASON_SESSION),
        (r"DROP\b", "DROP", REASON_DROP),
        (r"(LOCK|UNLOCK)\s+TABLES?\b", "LOCK", REASON_SESSION),
        (
            r"(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|END|SAVEPOINT|RELEASE)\b",
            "TRANSACTION",
            REASON_TRANSACTION,
        ),
        (r"PRAGMA\b", "PRAGMA", REASON_SESSION),
        (
            r"CREATE\s+(OR\s+(REPLACE|ALTER)\s+)?(DEFINER\s*=\s*\S+\s+)?"
            r"(AGGREGATE\s+)?(PROCEDURE|PROC|FUNCTION)\b",
            "ROUTINE",
            REASON_ROUTINE,
        ),
        (
            r"CREATE\s+(OR\s+(REPLACE|ALTER)\s+)?(DEFINER\s*=\s*\S+\s+)?(TEMP\s+|TEMPORARY\s+)?"
            r"TRIGGER\b",
            "TRIGGER",
            REASON_TRIGGER,
        ),
        (r"CREATE\s+(DEFINER\s*=\s*\S+\s+)?EVENT\b", "EVENT", REASON_EVENT),
        (r"ALTER\s+(PROCEDURE|PROC|FUNCTION|TRIGGER|EVENT)\b", "ROUTINE", REASON_ROUTINE),
        (
            r"(CREATE|ALTER)\s+(DATABASE|USER|ROLE|LOGIN|SERVER|TABLESPACE)\b",
            "DATABASE",
            REASON_DATABASE,
        ),
        (r"ALTER\s+(SCHEMA|AUTHORIZATION)\b", "DATABASE", REASON_DATABASE),
        (r"CREATE\s+VIRTUAL\s+TABLE\b", "VIRTUAL TABLE", REASON_VIRTUAL),
        (
            r"CREATE\s+(TYPE|SYNONYM|SEQUENCE|STATISTICS|FULLTEXT\s+(CATALOG|STOPLIST)|XML\s+SCHEMA|"
            r"PARTITION|ASSEMBLY|SECURITY\s+POLICY)\b",
            "DDL",
            REASON_UNSUPPORTED_DDL,
        ),
        (
            r"(SELECT|WITH|CALL|EXEC|EXECUTE|PRINT|DECLARE|IF|WHILE|FLUSH|GRANT|REVOKE|DENY|"
            r"ANALYZE|VACUUM|OPTIMIZE|REINDEX|ATTACH|DETACH|RAISERROR|WAITFOR|CHECKPOINT|DBCC|"
            r"SHOW|DESCRIBE|EXPLAIN|HANDLER|DO|RESET|PURGE|CHANGE|KILL|SOURCE|CHECK|REPAIR|"
            r"CACHE|INSTALL|UNINSTALL|RENAME\s+USER|ENABLE|DISABLE)\b",
            "OTHER",
            REASON_OTHER,
        ),
    )
)
_CREATE_SCHEMA = re.compile(r"CREATE\s+SCHEMA\b", re.IGNORECASE)
_USE_NAME = re.compile(r"USE\s+[`\[\"]?([^`\]\"\s;]+)", re.IGNORECASE)
_VERSIONED = re.compile(r"/\*(M?)!(\d{5,6})?")
_DELIMITER_LINE = re.compile(r"[ \t]*DELIMITER[ \t]+(\S+)[^\n]*", re.IGNORECASE)
_GO_LINE = re.compile(r"[ \t]*GO(?:[ \t]+\d+)?[ \t]*(?:--[^\n]*)?(?=\n|\Z)", re.IGNORECASE)
_VIEW_NAME = re.compile(
    r"\s*CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:[^;]*?\s)?VIEW\s+"
    r"(?:[`\[\"]?\w+[`\]\"]?\.)?[`\[\"]?(\w+)",
    re.IGNORECASE,
)

_STRING_SPLIT = re.compile(r"('(?:[^'\\]|\\.|'')*')", re.S)
_NO_OP_ALTER = re.compile(
    r"\s*ALTER\s+TABLE\s+\S+\s+((NO)?CHECK\s+CONSTRAINT|(ENABLE|DISABLE)\s+(KEYS|TRIGGER)|"
    r"SET\s*\(\s*LOCK_ESCALATION)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Statement:
    line: int  # 1-based line of its first significant character
    text: str


# -- splitting ------------------------------------------------------------------


def reading_dialect(dialect: str | PortableDialect) -> PortableDialect:
    """The registered dialect this reader reads, by name (ValueError for any other)."""
    if isinstance(dialect, PortableDialect):
        return dialect
    found = DIALECTS.get(dialect) if dialect in SQL_DIALECTS else None
    if not isinstance(found, PortableDialect):
        raise ValueError(ERR_DIALECT.format(dialect=dialect, choices=", ".join(SQL_DIALECTS)))
    return found


def split_statements(
    text: str, dialect: str | PortableDialect
) -> tuple[list[Statement], list[ReportWarning]]:
    """Statements of ``text`` with their 1-based start lines; comments are removed."""
    syntax = reading_dialect(dialect).syntax
    continues = reading_dialect(dialect).statement_continues
    quotes = dict(syntax.quotes)
    backslash_escapes = syntax.backslash_escapes
    statements: list[Statement] = []
    warnings: list[ReportWarning] = []
    buf: list[str] = []
    start_line = 0
    line = 1
    delimiter = ";"
    versioned_open = 0  # open /*! … */ comments whose content is kept as code
    i, n = 0, len(text)

    def specials_for(delim: str) -> re.Pattern[str]:
        # plain text runs up to the next character that may start something
        chars = {*quotes, "-", "/", "*", "\n", delim[0]} | (
            {"#"} if syntax.hash_comments else set()
        )
        return re.compile("[" + re.escape("".join(sorted(chars))) + "]")

    special = specials_for(delimiter)

    def flush() -> None:
        nonlocal buf, start_line
        body = "".join(buf).strip()
        if body:
            statements.append(Statement(start_line, body))
        buf = []
        start_line = 0

    def add(chunk: str) -> None:
        nonlocal start_line
        if not start_line and chunk.strip():
            start_line = line
        buf.append(chunk)

    while i < n:
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and syntax.delimiter_command:
            m = _DELIMITER_LINE.match(text, i)
            if m and not "".join(buf).strip():
                delimiter = m.group(1)
                special = specials_for(delimiter)
                i = m.end()
                continue
        if at_line_start and syntax.go_batches:
            m = _GO_LINE.match(text, i)
            if m:
                flush()
                i = m.end()
                continue
        ch = text[i]
        if not special.match(ch):
            found = special.search(text, i)
            j = found.start() if found else n
            add(text[i:j])
            i = j
            continue
        if ch in quotes:
            close = quotes[ch]
            j = i + 1
            while True:
                if j >= n:
                    raise SchemaImportError(
                        ERR_UNTERMINATED.format(what="quoted text"), line, text[i : i + 200]
                    )
                if backslash_escapes and ch in "'\"" and text[j] == "\\":
                    j += 2
                    continue
                if text[j] == close:
                    if j + 1 < n and text[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            chunk = text[i : j + 1]
            add(chunk)
            line += chunk.count("\n")
            i = j + 1
            continue
        if ch == "-" and text.startswith("--", i):
            nxt = text[i + 2 : i + 3]
            if not syntax.dash_comment_needs_space or nxt == "" or nxt.isspace():
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
        if ch == "#" and syntax.hash_comments:
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if ch == "/" and text.startswith("/*", i):
            m = _VERSIONED.match(text, i) if syntax.versioned_comments else None
            if m:
                version = int(m.group(2)) if m.group(2) else 0
                mariadb_only = bool(m.group(1))
                runs = version < 999999 if mariadb_only else version < 50700
                if runs:
                    versioned_open += 1
                    i = m.end()
                    continue
                warnings.append(ReportWarning(line, WARN_VERSIONED_SKIPPED.format(version=version)))
            j = text.find("*/", i + 2)
            if j < 0:
                raise SchemaImportError(ERR_UNTERMINATED.format(what="comment"), line)
            line += text.count("\n", i, j)
            buf.append(" ")
            i = j + 2
            continue
        if ch == "*" and versioned_open and text.startswith("*/", i):
            versioned_open -= 1
            buf.append(" ")
            i += 2
            continue
        if text.startswith(delimiter, i):
            current = "".join(buf)
            if delimiter != ";" or not continues(current):
                flush()
                i += len(delimiter)
                continue
        if ch == "\n":
            line += 1
        add(ch)
        i += 1
    flush()
    return statements, warnings


def _clean(sql: str, dialect: PortableDialect) -> str:
    """Apply the dialect's rewrites to code segments only (string literals untouched)."""
    parts = _STRING_SPLIT.split(sql)
    for k in range(0, len(parts), 2):
        for pattern, repl in dialect.cleanups:
            parts[k] = pattern.sub(repl, parts[k])
    return "".join(parts).strip()


def count_value_rows(sql: str) -> int:
    """Rows of an INSERT … VALUES (…), (…): top-level parenthesised groups after VALUES."""
    m = re.search(r"\bVALUES?\b", sql, re.IGNORECASE)
    if not m:
        return 0
    depth = rows = 0
    i = m.end()
    quote = ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            if depth == 0:
                rows += 1
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return rows


# -- drafts: mutable while statements accumulate, frozen at the end ---------------


@dataclass
class _Draft:
    name: str
    schema: str
    line: int
    columns: list[Column] = field(default_factory=list)
    primary_key: PrimaryKey | None = None
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[UniqueConstraint] = field(default_factory=list)
    checks: list[CheckConstraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None

    def set_column(self, column: Column) -> None:
        for k, c in enumerate(self.columns):
            if c.name == column.name:
                self.columns[k] = column
                return
        self.columns.append(column)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _fold(name: str) -> str:
    return name.lower()


def _truncate(name: str) -> str:
    raw = name.encode("utf-8")[:MAX_IDENTIFIER_BYTES]
    return raw.decode("utf-8", errors="ignore")


def _lower_identifiers(node: exp.Expression) -> exp.Expression:
    node = node.copy()
    for ident in node.find_all(exp.Identifier):
        ident.set("this", _fold(ident.name))
    return node


class _Importer:
    def __init__(self, dialect: PortableDialect, source_name: str) -> None:
        self.d = dialect
        self.dialect = dialect.sqlglot_read  # the name sqlglot parses and prints it by
        self.source_name = source_name
        self.tables: dict[tuple[str, str], _Draft] = {}
        self.enums: list[EnumType] = []
        self.views: list[View] = []
        self.view_lines: dict[tuple[str, str], int] = {}
        self.raw: list[RawStatement] = []
        self.raw_kept: list[RawKept] = []
        self.schemas: set[str] = set()
        self.skipped: list[SkippedStatement] = []
        self.warnings: list[ReportWarning] = []
        self.data_rows = 0
        self.current_database: str | None = None
        self.line = 0
        self.stmt_text = ""

    # -- small helpers ----------------------------------------------------------
    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(ReportWarning(line or self.line, message))

    def line_of(self, word: str) -> int:
        """Line of ``word``'s first occurrence in the current statement (for precise warnings)."""
        m = re.search(r"(?<![\w$])[`\"\[]?" + re.escape(word) + r"(?![\w$])", self.stmt_text, re.I)
        return self.line + (self.stmt_text.count("\n", 0, m.start()) if m else 0)

    def schema_of(self, qualifier: str | None) -> str:
        if not qualifier:
            return DEFAULT_SCHEMA
        folded = _fold(qualifier)
        if self.d.implicit_schema(folded, self.current_database):
            return DEFAULT_SCHEMA
        self.schemas.add(folded)
        return folded

    def table_key(self, table: exp.Table) -> tuple[str, str]:
        return self.schema_of(table.db or None), _fold(table.name)

    def draft(self, table: exp.Table, what: str) -> _Draft:
        key = self.table_key(table)
        if key not in self.tables:
            raise SchemaImportError(
                ERR_UNKNOWN_TABLE.format(what=what, table=table.sql(self.dialect)),
                self.line,
                self.stmt_text,
            )
        return self.tables[key]

    def to_pg(self, node: exp.Expression) -> str:
        """An expression transpiled to PostgreSQL and normalised; raises SqlTextError."""
        node = _lower_identifiers(node)
        self._map_qualifiers(node)
        foreign = node.find(*_SOURCE_ONLY)
        if foreign is not None:
            raise SqlTextError(ERR_SOURCE_ONLY.format(sql=foreign.sql(self.dialect)))
        try:
            text = node.sql(dialect="postgres", unsupported_level=ErrorLevel.RAISE)
        except SqlglotError as exc:
            raise SqlTextError(str(exc).splitlines()[0]) from None
        return normalize_expr(text)

    def _map_qualifiers(self, node: exp.Expression) -> None:
        """Rewrite table qualifiers as the tables were imported (dbo, main, USE'd db -> none)."""
        for table in node.find_all(exp.Table):
            table.set("catalog", None)
            if table.db:
                schema = self.schema_of(table.db)
                table.set("db", None if schema == DEFAULT_SCHEMA else exp.to_identifier(schema))
        for col in node.find_all(exp.Column):
            if col.args.get("catalog"):
                col.set("catalog", None)
            if col.args.get("db"):
                schema = self.schema_of(col.text("db"))
                col.set("db", None if schema == DEFAULT_SCHEMA else exp.to_identifier(schema))
        for national in list(node.find_all(exp.National)):
            # N'…' means "Unicode" in SQL Server; every PostgreSQL string already is
            national.replace(exp.Literal.string(national.name))

    # -- statements -------------------------------------------------------------
    def handle(self, stmt: Statement) -> None:
        self.line = stmt.line
        self.stmt_text = stmt.text
        head = stmt.text.lstrip("( \t\n")
        if self.d.schemas_are_databases and _CREATE_SCHEMA.match(head):
            self.skip(stmt, "DATABASE", REASON_DATABASE)
            return
        if self.d.default_for is not None:
            m = self.d.default_for.match(head)
            if m:
                self.default_for(m)
                return
        if _NO_OP_ALTER.match(head):
            self.skip(stmt, "ALTER", "no effect on the design")
            return
        for pattern, kind, reason in _SKIP_RULES:
            if pattern.match(head):
                if kind == "USE":
                    m = _USE_NAME.match(head)
                    if m and self.d.schemas_are_databases:
                        self.current_database = _fold(m.group(1))
                if kind == "INSERT":
                    self.data_rows += count_value_rows(head)
                if kind == "DROP":
                    self.drop(stmt)
                self.skip(stmt, kind, reason)
                return
        cleaned = _clean(stmt.text, self.d)
        try:
            tree = sqlglot.parse_one(cleaned, read=self.dialect)
        except ParseError as exc:
            err = exc.errors[0] if exc.errors else {}
            offset = max(int(err.get("line") or 1) - 1, 0)
            detail = str(err.get("description") or exc).splitlines()[0]
            raise SchemaImportError(
                ERR_PARSE.format(dialect=self.d.read_label, detail=detail),
                stmt.line + offset,
                stmt.text,
            ) from None
        except SqlglotError as exc:
            raise SchemaImportError(
                ERR_PARSE.format(dialect=self.d.read_label, detail=str(exc)),
                stmt.line,
                stmt.text,
            ) from None
        if isinstance(tree, exp.Create):
            self.create(tree, stmt)
        elif isinstance(tree, exp.Alter):
            self.alter(tree, stmt)
        elif isinstance(tree, exp.Command):
            what = tree.this.upper() if isinstance(tree.this, str) else "statement"
            view = _VIEW_NAME.match(stmt.text)
            if view:
                self.keep_view_as_comment(_fold(view.group(1)), stmt, ERR_SQLGLOT_COMMAND)
                return
            if what in ("CREATE", "ALTER"):
                raise SchemaImportError(
                    ERR_UNREADABLE.format(what=f"{what} statement"), stmt.line, stmt.text
                )
            self.skip(stmt, what, REASON_OTHER)
        elif isinstance(tree, _OTHER_STATEMENTS):
            self.skip(stmt, type(tree).__name__.upper(), REASON_OTHER)
        else:
            raise SchemaImportError(ERR_NOT_STATEMENT, stmt.line, stmt.text)

    def drop(self, stmt: Statement) -> None:
        """Honour a DROP of something defined earlier: mysqldump first writes each view as a
        stand-in table, drops it, then creates the view."""
        try:
            tree = sqlglot.parse_one(_clean(stmt.text, self.d), read=self.dialect)
        except SqlglotError:
            return
        if not isinstance(tree, exp.Drop):
            return
        kind = str(tree.args.get("kind") or "").upper()
        for target in tree.find_all(exp.Table):
            key = self.table_key(target)
            if kind == "TABLE" and key in self.tables:
                created = self.tables.pop(key).line
                self.warn(WARN_DROPPED.format(kind="table", name=key[1], line=created))
            elif kind == "VIEW" and any((v.schema, v.name) == key for v in self.views):
                self.views = [v for v in self.views if (v.schema, v.name) != key]
                created = self.view_lines.get(key, 0)
                self.warn(WARN_DROPPED.format(kind="view", name=key[1], line=created))

    def skip(self, stmt: Statement, kind: str, reason: str) -> None:
        summary = " ".join(stmt.text.split())[:80]
        self.skipped.append(SkippedStatement(stmt.line, kind, f"{reason}: {summary}"))

    def create(self, tree: exp.Create, stmt: Statement) -> None:
        kind = str(tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            self.create_table(tree)
        elif kind.endswith("INDEX"):
            self.create_index(tree)
        elif kind == "VIEW":
            self.create_view(tree, stmt)
        elif kind == "SCHEMA" and self.d.creates_schemas:
            name = self.schema_of(tree.this.name)
            if name != DEFAULT_SCHEMA:
                self.schemas.add(name)
        else:
            self.skip(stmt, f"CREATE {kind}".strip(), REASON_UNSUPPORTED_DDL)

    # -- CREATE TABLE -------------------------------------------------------------
    def create_table(self, tree: exp.Create) -> None:
        target = tree.this
        if not isinstance(target, exp.Schema) or not isinstance(target.this, exp.Table):
            raise SchemaImportError(
                ERR_UNREADABLE.format(what="CREATE TABLE"), self.line, self.stmt_text
            )
        schema, name = self.table_key(target.this)
        draft = _Draft(name=name, schema=schema, line=self.line)
        self.tables[(schema, name)] = draft
        for item in target.expressions:
            if isinstance(item, exp.ColumnDef):
                self.column_def(draft, item)
            elif isinstance(item, exp.Identifier):  # SQLite column without a type
                self.column_def(draft, exp.ColumnDef(this=item))
            else:
                self.table_item(draft, item)
        for prop in (tree.args.get("properties") or exp.Properties()).expressions:
            if isinstance(prop, exp.SchemaCommentProperty):
                draft.comment = prop.this.name

    def column_def(self, draft: _Draft, node: exp.ColumnDef) -> None:
        name = _fold(node.name)
        line = self.line_of(node.name)
        mapped = self.d.type_in(node.args.get("kind"))
        col_type = mapped.type
        if mapped.enum_values:
            enum_name = _truncate(f"{draft.name}_{name}")
            self.enums = [e for e in self.enums if (e.schema, e.name) != (draft.schema, enum_name)]
            self.enums.append(EnumType(enum_name, mapped.enum_values, schema=draft.schema))
            col_type = quote_ident(enum_name)
            if draft.schema != DEFAULT_SCHEMA:
                col_type = f"{quote_ident(draft.schema)}.{col_type}"
            self.warn(WARN_ENUM.format(table=draft.name, column=name, enum=enum_name), line)
        if mapped.warning:
            self.warn(f"{draft.name}.{name}: {mapped.warning}", line)
        column = Column(name=name, type=col_type)
        for constraint in node.args.get("constraints") or []:
            kind = constraint.args.get("kind")
            column = self.column_constraint(draft, column, kind, mapped.is_set, line)
        if mapped.unsigned:
            check = CheckConstraint(normalize_expr(f"{quote_ident(name)} >= 0"))
            if check not in draft.checks:
                draft.checks.append(check)
        if node.args.get("kind") is not None and node.args["kind"].this.name == "SERIAL":
            column = replace(column, identity="BY DEFAULT", nullable=False)
            draft.uniques.append(UniqueConstraint((name,)))
        draft.set_column(column)

    def column_constraint(
        self, draft: _Draft, column: Column, kind: exp.Expression, is_set: bool, line: int
    ) -> Column:
        name = column.name
        if isinstance(kind, exp.NotNullColumnConstraint):
            return replace(column, nullable=bool(kind.args.get("allow_null")))
        if isinstance(kind, exp.DefaultColumnConstraint):
            return replace(column, default=self.default(draft, column, kind.this, is_set, line))
        if isinstance(kind, exp.AutoIncrementColumnConstraint):
            return replace(column, identity="BY DEFAULT", nullable=False)
        if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
            options = []
            start, step = kind.args.get("start"), kind.args.get("increment")
            if start is not None and start.name not in ("1", ""):
                options.append(f"START WITH {start.name}")
            if step is not None and step.name not in ("1", ""):
                options.append(f"INCREMENT BY {step.name}")
            return replace(
                column,
                identity="BY DEFAULT",
                nullable=False,
                identity_options=" ".join(options) or None,
            )
        if isinstance(kind, exp.PrimaryKeyColumnConstraint):
            draft.primary_key = PrimaryKey((name,))
            return replace(column, nullable=False)
        if isinstance(kind, exp.UniqueColumnConstraint):
            draft.uniques.append(UniqueConstraint((name,)))
            return column
        if isinstance(kind, exp.CommentColumnConstraint):
            return replace(column, comment=kind.this.name)
        if isinstance(kind, exp.CheckColumnConstraint):
            self.check(draft, kind.this, None, line)
            return column
        if isinstance(kind, exp.Reference):
            self.foreign_key(draft, (name,), kind, None)
            return column
        if isinstance(kind, exp.ForeignKey):
            self.foreign_key(draft, (name,), kind.args["reference"], None)
            return column
        if isinstance(kind, exp.OnUpdateColumnConstraint):
            self.warn(
                WARN_ON_UPDATE.format(
                    table=draft.name, column=name, expr=kind.this.sql(self.dialect)
                ),
                line,
            )
            return column
        if isinstance(kind, exp.ComputedColumnConstraint):
            try:
                generated = self.to_pg(kind.this)
            except SqlTextError as exc:
                self.warn(
                    WARN_GENERATED_DROPPED.format(table=draft.name, column=name, reason=exc), line
                )
                return column
            stored = bool(kind.args.get("persisted"))
            return replace(
                column, generated=generated, generated_kind="STORED" if stored else "VIRTUAL"
            )
        if isinstance(kind, exp.CollateColumnConstraint):
            self.warn(
                WARN_COLLATION.format(table=draft.name, column=name, collation=kind.this.sql()),
                line,
            )
            return column
        if isinstance(kind, exp.CharacterSetColumnConstraint | exp.BinaryColumnConstraint):
            return column  # encodings: PostgreSQL databases are UTF-8 throughout
        option = kind.sql(self.dialect) if kind is not None else "column option"
        self.warn(WARN_COLUMN_OPTION.format(table=draft.name, column=name, option=option), line)
        return column

    def default(
        self, draft: _Draft, column: Column, node: exp.Expression, is_set: bool, line: int
    ) -> str | None:
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, exp.Null):
            return None
        shown = node.sql(self.dialect)
        if column.type == "boolean" and (
            (isinstance(node, exp.Literal) and not node.is_string and node.name in ("0", "1"))
            or (isinstance(node, exp.BitString) and node.name in ("0", "1"))
        ):
            return normalize_expr("false" if node.name == "0" else "true")
        if isinstance(node, exp.Literal) and node.is_string:
            if re.fullmatch(r"0000-00-00( 00:00:00(\.0+)?)?", node.name):
                self.warn(
                    WARN_DEFAULT_DROPPED.format(
                        table=draft.name, column=column.name, default=shown, reason=WARN_ZERO_DATE
                    ),
                    line,
                )
                return None
            if is_set:
                items = [v for v in node.name.split(",") if v]
                literal = "{" + ",".join(items) + "}"
                return normalize_expr("'" + literal.replace("'", "''") + "'::text[]")
        try:
            return self.to_pg(node)
        except SqlTextError as exc:
            self.warn(
                WARN_DEFAULT_DROPPED.format(
                    table=draft.name, column=column.name, default=shown, reason=exc
                ),
                line,
            )
            return None

    def check(self, draft: _Draft, node: exp.Expression, name: str | None, line: int) -> None:
        try:
            expression = self.to_pg(node)
        except SqlTextError as exc:
            self.warn(
                WARN_CHECK_DROPPED.format(
                    table=draft.name, expr=node.sql(self.dialect), reason=exc
                ),
                line,
            )
            return
        draft.checks.append(CheckConstraint(expression, name=name))

    def table_item(self, draft: _Draft, item: exp.Expression, name: str | None = None) -> None:
        if isinstance(item, exp.Constraint):
            cname = _fold(item.name) if item.name else None
            for inner in item.expressions:
                self.table_item(draft, inner, cname)
            return
        if isinstance(item, exp.PrimaryKey | exp.PrimaryKeyColumnConstraint):
            cols = self.column_list(draft, item.expressions, name or "primary key")
            draft.primary_key = PrimaryKey(cols, name=name)
            for col in cols:
                existing = draft.column(col)
                if existing is not None:
                    draft.set_column(replace(existing, nullable=False))
        elif isinstance(item, exp.UniqueColumnConstraint):
            target = item.this
            index_name = name
            exprs: list[exp.Expression] = []
            if isinstance(target, exp.Schema):
                exprs = list(target.expressions)
                if target.this is not None and not index_name:
                    index_name = _fold(target.this.name)
            elif isinstance(
                target, exp.NonClusteredColumnConstraint | exp.ClusteredColumnConstraint
            ):
                exprs = list(target.this)
            cols = self.column_list(draft, exprs, index_name or "unique key")
            draft.uniques.append(UniqueConstraint(cols, name=index_name))
        elif isinstance(item, exp.ForeignKey):
            cols = self.column_list(draft, item.expressions, name or "foreign key")
            self.foreign_key(draft, cols, item.args["reference"], name)
        elif isinstance(item, exp.CheckColumnConstraint):
            self.check(draft, item.this, name, self.line_of(name) if name else self.line)
        elif isinstance(item, exp.IndexColumnConstraint):
            self.key(draft, item)
        elif isinstance(item, exp.ClusteredColumnConstraint | exp.NonClusteredColumnConstraint):
            # T-SQL: CONSTRAINT pk PRIMARY KEY CLUSTERED (cols) arrives as two pieces
            cols = self.column_list(draft, list(item.this), name or "primary key")
            if draft.primary_key is not None and not draft.primary_key.columns:
                draft.primary_key = PrimaryKey(cols, name=draft.primary_key.name)
            for col in cols:
                existing = draft.column(col)
                if existing is not None:
                    draft.set_column(replace(existing, nullable=False))
        else:
            self.warn(
                WARN_ALTER_IGNORED.format(table=draft.name, action=item.sql(self.dialect)),
            )

    def column_list(
        self, draft: _Draft, exprs: Iterable[exp.Expression], what: str
    ) -> tuple[str, ...]:
        names = []
        for e in exprs:
            node = e.this if isinstance(e, exp.Ordered) else e
            if isinstance(node, exp.ColumnPrefix):
                self.warn(WARN_PREFIX.format(table=draft.name, index=what, column=node.this.name))
                node = node.this
            names.append(_fold(node.name))
        return tuple(names)

    def foreign_key(
        self,
        draft: _Draft,
        cols: tuple[str, ...],
        ref: exp.Reference,
        name: str | None,
    ) -> None:
        target = ref.this
        table = target.this if isinstance(target, exp.Schema) else target
        ref_schema, ref_table = self.table_key(table)
        ref_cols: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            ref_cols = tuple(_fold(e.name) for e in target.expressions)
        on_delete = on_update = "NO ACTION"
        deferrable = initially_deferred = False
        for option in ref.args.get("options") or []:
            text = " ".join(str(option).upper().split())
            for prefix in ("ON DELETE ", "ON UPDATE "):
                if text.startswith(prefix):
                    action = text[len(prefix) :]
                    if action in FK_ACTIONS:
                        if prefix == "ON DELETE ":
                            on_delete = action
                        else:
                            on_update = action
            if text == "DEFERRABLE":
                deferrable = True
            if text == "INITIALLY DEFERRED":
                initially_deferred = True
        draft.foreign_keys.append(
            ForeignKey(
                columns=cols,
                ref_table=ref_table,
                ref_columns=ref_cols,
                ref_schema=ref_schema,
                name=name,
                on_delete=on_delete,  # type: ignore[arg-type]
                on_update=on_update,  # type: ignore[arg-type]
                deferrable=deferrable,
                initially_deferred=initially_deferred,
            )
        )

    def key(self, draft: _Draft, item: exp.IndexColumnConstraint) -> None:
        kind = str(item.args.get("kind") or "").upper()
        cols = self.column_list(draft, item.expressions, item.name or "index")
        index_name = _fold(item.name) if item.name else _truncate(f"{draft.name}_{cols[0]}_idx")
        if kind == "SPATIAL":
            self.warn(WARN_SPATIAL_INDEX.format(index=index_name, table=draft.name))
            return
        if kind == "FULLTEXT":
            self.fulltext(draft, index_name, cols)
            return
        descending = [
            isinstance(e, exp.Ordered) and bool(e.args.get("desc")) for e in item.expressions
        ]
        parts = tuple(
            IndexPart(column=c, descending=d) for c, d in zip(cols, descending, strict=True)
        )
        draft.indexes.append(Index(index_name, parts))

    def fulltext(self, draft: _Draft, index_name: str, cols: tuple[str, ...]) -> None:
        doc = " || ' ' || ".join(f"coalesce({quote_ident(c)}, '')" for c in cols)
        expression = normalize_expr(f"to_tsvector('simple'::regconfig, {doc})")
        draft.indexes.append(Index(index_name, (IndexPart(expression=expression),), method="gin"))
        self.warn(WARN_FULLTEXT.format(index=index_name, table=draft.name))

    # -- CREATE INDEX ---------------------------------------------------------------
    def create_index(self, tree: exp.Create) -> None:
        index = tree.this
        table = index.args.get("table")
        draft = self.draft(table, "CREATE INDEX")
        params = index.args.get("params") or exp.IndexParameters()
        fulltext = bool(re.match(r"\s*CREATE\s+(UNIQUE\s+)?FULLTEXT\b", self.stmt_text, re.I))
        name = _fold(index.name) if index.name else None
        parts: list[IndexPart] = []
        for ordered in params.args.get("columns") or []:
            node = ordered.this if isinstance(ordered, exp.Ordered) else ordered
            desc = bool(isinstance(ordered, exp.Ordered) and ordered.args.get("desc"))
            if isinstance(node, exp.ColumnPrefix):
                self.warn(WARN_PREFIX.format(table=draft.name, index=name, column=node.this.name))
                node = node.this
            if isinstance(node, exp.Column | exp.Identifier):
                parts.append(IndexPart(column=_fold(node.name), descending=desc))
            else:
                try:
                    parts.append(IndexPart(expression=self.to_pg(node), descending=desc))
                except SqlTextError as exc:
                    self.warn(f"Index {name} on {draft.name} left out: {exc}")
                    return
        if name is None:
            label = "_".join(p.column or "expr" for p in parts)
            name = _truncate(f"{draft.name}_{label}_idx")
        if fulltext:
            self.fulltext(draft, name, tuple(p.column for p in parts if p.column))
            return
        where = None
        if params.args.get("where") is not None:
            try:
                where = self.to_pg(params.args["where"].this)
            except SqlTextError as exc:
                self.warn(f"Index {name} on {draft.name} left out: {exc}")
                return
        include = tuple(_fold(c.name) for c in params.args.get("include") or [])
        draft.indexes.append(
            Index(
                name,
                tuple(parts),
                unique=bool(tree.args.get("unique")),
                where=where,
                include=include,
            )
        )

    # -- CREATE VIEW ------------------------------------------------------------------
    def create_view(self, tree: exp.Create, stmt: Statement) -> None:
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        schema, name = self.table_key(table)
        columns: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            columns = tuple(_fold(e.name) for e in target.expressions)
        query = tree.expression
        try:
            if query is None:
                raise SqlTextError("no query")
            node = _lower_identifiers(query)
            self._map_qualifiers(node)
            if self.d.completes_group_by:
                added = complete_group_by(node)
                if added:
                    self.warn(WARN_GROUP_BY.format(view=name, columns=", ".join(added)))
                if order_distinct_aggregates(node):
                    self.warn(WARN_DISTINCT_ORDER.format(view=name))
            sql = node.sql(dialect="postgres", unsupported_level=ErrorLevel.RAISE)
            text = normalize_query(sql)
        except (SqlglotError, SqlTextError) as exc:
            self.keep_view_as_comment(name, stmt, str(exc).splitlines()[0])
            return
        self.views = [v for v in self.views if (v.schema, v.name) != (schema, name)]
        self.views.append(View(name=name, query=text, schema=schema, columns=columns))
        self.view_lines[(schema, name)] = stmt.line

    def keep_view_as_comment(self, name: str, stmt: Statement, reason: str) -> None:
        """Keep an untranslatable view where a user will see it, as SQL that still applies."""
        self.warn(WARN_VIEW_UNTRANSPILED.format(view=name, reason=reason))
        commented = "\n".join("-- " + line for line in stmt.text.splitlines())
        header = f"-- View {name} ({self.d.read_label}, not transpiled):"
        self.raw.append(RawStatement(f"{header}\n{commented}", "post", "CREATE VIEW"))
        self.raw_kept.append(RawKept(stmt.line, "CREATE VIEW", "post"))

    # -- ALTER TABLE ------------------------------------------------------------------
    def alter(self, tree: exp.Alter, stmt: Statement) -> None:
        if str(tree.args.get("kind") or "").upper() != "TABLE":
            self.skip(stmt, "ALTER", REASON_UNSUPPORTED_DDL)
            return
        draft = self.draft(tree.this, "ALTER TABLE")
        for action in tree.args.get("actions") or []:
            if isinstance(action, exp.AddConstraint):
                for item in action.expressions:
                    self.table_item(draft, item)
            elif isinstance(action, exp.ColumnDef):
                self.column_def(draft, action)
            elif isinstance(action, exp.ModifyColumn | exp.AlterColumn) and isinstance(
                action.this, exp.ColumnDef
            ):
                self.column_def(draft, action.this)
            else:
                self.warn(
                    WARN_ALTER_IGNORED.format(table=draft.name, action=action.sql(self.dialect))
                )
        for option in tree.args.get("options") or []:
            if isinstance(option, exp.SchemaCommentProperty):
                draft.comment = option.this.name

    def default_for(self, m: re.Match[str]) -> None:
        """SQL Server's ``ALTER TABLE t ADD DEFAULT x FOR col``: a column's default."""
        table = sqlglot.parse_one(m.group("table"), read=self.dialect, into=exp.Table)
        draft = self.draft(table, "ALTER TABLE")
        column_name = _fold(m.group("column").strip('[]"'))
        column = draft.column(column_name)
        if column is None:
            self.warn(WARN_ALTER_IGNORED.format(table=draft.name, action="DEFAULT FOR"))
            return
        node = cast(exp.Expression, sqlglot.parse_one(m.group("expr"), read=self.dialect))
        draft.set_column(
            replace(column, default=self.default(draft, column, node, False, self.line))
        )

    # -- result -----------------------------------------------------------------------
    def finish(self, statements: int) -> ImportResult:
        tables = [self._freeze(d) for d in self.tables.values()]
        tables = self._dedupe_index_names(tables)
        schema = Schema(
            tables=tuple(tables),
            enums=tuple(self.enums),
            views=tuple(self.views),
            schemas=tuple(sorted(self.schemas - {DEFAULT_SCHEMA})),
            raw=tuple(self.raw),
        )
        report = ImportReport(
            source_name=self.source_name,
            statements=statements,
            counts=count_objects(schema),
            skipped=self.skipped,
            raw=self.raw_kept,
            warnings=sorted(self.warnings, key=lambda w: w.line),
            data_rows=self.data_rows,
        )
        return ImportResult(schema, report)

    def _freeze(self, d: _Draft) -> Table:
        fks = []
        for fk in d.foreign_keys:
            if not fk.ref_columns:
                target = self.tables.get((fk.ref_schema, fk.ref_table))
                if target is None or target.primary_key is None:
                    self.warn(
                        WARN_FK_UNRESOLVED.format(
                            name=fk.name or fk.columns, table=d.name, reason="no referenced key"
                        ),
                        d.line,
                    )
                    continue
                fk = replace(fk, ref_columns=target.primary_key.columns)
            fks.append(fk)
        return Table(
            name=d.name,
            schema=d.schema,
            columns=tuple(d.columns),
            primary_key=d.primary_key,
            foreign_keys=tuple(fks),
            uniques=tuple(d.uniques),
            checks=tuple(d.checks),
            indexes=tuple(d.indexes),
            comment=d.comment,
        )

    def _dedupe_index_names(self, tables: list[Table]) -> list[Table]:
        owners: dict[tuple[str, str], set[str]] = {}
        for t in tables:
            names = [i.name for i in t.indexes] + [u.name for u in t.uniques if u.name]
            for n in names:
                owners.setdefault((t.schema, n), set()).add(t.name)
        relation_names = {(t.schema, t.name) for t in tables}
        out = []
        for t in tables:

            def rename(old: str, table: Table = t) -> str:
                key = (table.schema, old)
                if len(owners.get(key, ())) > 1 or key in relation_names:
                    new = _truncate(f"{table.name}_{old}")
                    self.warn(
                        WARN_INDEX_RENAMED.format(old=old, table=table.name, new=new),
                        self.tables[(table.schema, table.name)].line,
                    )
                    return new
                return old

            indexes = tuple(replace(i, name=rename(i.name)) for i in t.indexes)
            uniques = tuple(replace(u, name=rename(u.name)) if u.name else u for u in t.uniques)
            out.append(replace(t, indexes=indexes, uniques=uniques))
        return out


# Expression parts that only mean something in the source database (session variables,
# its collations); PostgreSQL's parser may accept their spelling, but not their meaning.
_SOURCE_ONLY = (exp.SessionParameter, exp.Parameter, exp.Placeholder, exp.Collate)
_OTHER_STATEMENTS = (
    exp.Select,
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Set,
    exp.Use,
    exp.Drop,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Pragma,
    exp.Show,
    exp.Describe,
    exp.Grant,
    exp.Analyze,
    exp.TruncateTable,
    exp.Merge,
    exp.Union,
)


def _outside_aggregates(node: exp.Expression, select: exp.Select) -> list[exp.Column]:
    """Columns of ``node`` that belong to ``select`` itself: not aggregated, not in a subquery."""
    found = []
    for col in node.find_all(exp.Column):
        parent = col.parent
        inside = False
        while parent is not None and parent is not select:
            if isinstance(parent, exp.AggFunc | exp.Select | exp.Window):
                inside = True
                break
            parent = parent.parent
        if not inside:
            found.append(col)
    return found


def complete_group_by(query: exp.Expression) -> list[str]:
    """Add to each GROUP BY the plain columns MySQL lets a query select without grouping.

    MySQL (without ONLY_FULL_GROUP_BY, and with its functional-dependency rules) accepts
    ``SELECT c.city … GROUP BY s.store_id``; PostgreSQL does not. Returns what was added.
    """
    added: list[str] = []
    for select in list(query.find_all(exp.Select)):
        group = select.args.get("group")
        if group is None or group.args.get("rollup") or group.args.get("cube"):
            continue
        aliases = {e.alias for e in select.expressions if isinstance(e, exp.Alias)}
        grouped = {e.sql() for e in group.expressions}
        candidates = []
        for e in select.expressions:
            candidates += _outside_aggregates(e, select)
        order = select.args.get("order")
        if order is not None:
            candidates += _outside_aggregates(order, select)
        for col in candidates:
            if not col.table and col.name in aliases:
                continue
            text = col.sql()
            if text not in grouped:
                grouped.add(text)
                group.append("expressions", col.copy())
                added.append(text)
    return added


def order_distinct_aggregates(query: exp.Expression) -> bool:
    """Make GROUP_CONCAT(DISTINCT x ORDER BY y) order by x, which PostgreSQL requires."""
    changed = False
    for agg in list(query.find_all(exp.GroupConcat)):
        order = agg.this
        if not isinstance(order, exp.Order) or not isinstance(order.this, exp.Distinct):
            continue
        args = order.this.expressions
        keys = [o.this if isinstance(o, exp.Ordered) else o for o in order.expressions]
        if len(args) == 1 and [k.sql() for k in keys] != [args[0].sql()]:
            first = order.expressions[0]
            desc = bool(isinstance(first, exp.Ordered) and first.args.get("desc"))
            order.set("expressions", [exp.Ordered(this=args[0].copy(), desc=desc)])
            changed = True
    return changed


def check_text(text: str) -> None:
    """Refuse empty or binary input early, with a message a user understands."""
    if not text or not text.strip():
        raise SchemaImportError(ERR_EMPTY)
    sample = text[:8192]
    if (
        "\x00" in sample
        or sum(ch < " " and ch not in "\t\n\r\f" for ch in sample) > len(sample) // 100 + 2
    ):
        raise SchemaImportError(ERR_BINARY)


def import_sql_dialect(
    text: str, dialect: str | PortableDialect, *, source_name: str = "<input>"
) -> ImportResult:
    """Import MySQL/MariaDB (``mysql``), SQLite (``sqlite``) or SQL Server (``tsql``) DDL.

    Raises ``SchemaImportError`` (with the 1-based line and the statement) for input
    that is empty, binary or not valid SQL in that dialect.
    """
    d = reading_dialect(dialect)
    check_text(text)
    statements, split_warnings = split_statements(text, d)
    if not statements:
        raise SchemaImportError(ERR_NO_STATEMENTS)
    importer = _Importer(d, source_name)
    importer.warnings.extend(split_warnings)
    for stmt in statements:
        importer.handle(stmt)
    return importer.finish(len(statements))
