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
from dataclasses import replace
from typing import cast

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError

from designer.schema.model import (
    DEFAULT_SCHEMA,
    EnumType,
    RawStatement,
    Schema,
    Table,
    View,
)
from designer.schema.pgnames import truncate_identifier
from designer.schema.sqltext import (
    SqlTextError,
    normalize_expr,
    normalize_query,
)
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
from designer.sql.readers.splitter import (
    Statement,
    check_text,
    clean_code,
    count_value_rows,
    reading_dialect,
    split_statements,
)
from designer.sql.readers.sqlglot_tables import (
    ERR_UNREADABLE,
    WARN_ALTER_IGNORED,
    Draft,
    TablesReader,
    fold,
    lower_identifiers,
)

ERR_NO_STATEMENTS = "No SQL statements were found in the input."


ERR_PARSE = "This statement is not valid {dialect} SQL: {detail}"


ERR_NOT_STATEMENT = "This is not an SQL statement."


ERR_SQLGLOT_COMMAND = "sqlglot cannot read its syntax"


ERR_SOURCE_ONLY = "{sql} has no PostgreSQL meaning"


ERR_UNKNOWN_TABLE = "{what} refers to table “{table}”, which is not defined in the input."


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


_VIEW_NAME = re.compile(
    r"\s*CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:[^;]*?\s)?VIEW\s+"
    r"(?:[`\[\"]?\w+[`\]\"]?\.)?[`\[\"]?(\w+)",
    re.IGNORECASE,
)


_NO_OP_ALTER = re.compile(
    r"\s*ALTER\s+TABLE\s+\S+\s+((NO)?CHECK\s+CONSTRAINT|(ENABLE|DISABLE)\s+(KEYS|TRIGGER)|"
    r"SET\s*\(\s*LOCK_ESCALATION)",
    re.IGNORECASE,
)


class _Importer(TablesReader):
    """Reads statement after statement into drafts; ``finish`` makes the ``Schema``."""

    def __init__(self, dialect: PortableDialect, source_name: str) -> None:
        self.d = dialect
        self.dialect = dialect.sqlglot_read  # the name sqlglot parses and prints it by
        self.source_name = source_name
        self.tables: dict[tuple[str, str], Draft] = {}
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
        folded = fold(qualifier)
        if self.d.implicit_schema(folded, self.current_database):
            return DEFAULT_SCHEMA
        self.schemas.add(folded)
        return folded

    def table_key(self, table: exp.Table) -> tuple[str, str]:
        return self.schema_of(table.db or None), fold(table.name)

    def draft(self, table: exp.Table, what: str) -> Draft:
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
        node = lower_identifiers(node)
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
                        self.current_database = fold(m.group(1))
                if kind == "INSERT":
                    self.data_rows += count_value_rows(head)
                if kind == "DROP":
                    self.drop(stmt)
                self.skip(stmt, kind, reason)
                return
        cleaned = clean_code(stmt.text, self.d)
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
                self.keep_view_as_comment(fold(view.group(1)), stmt, ERR_SQLGLOT_COMMAND)
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
            tree = sqlglot.parse_one(clean_code(stmt.text, self.d), read=self.dialect)
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

    # -- CREATE VIEW ------------------------------------------------------------------
    def create_view(self, tree: exp.Create, stmt: Statement) -> None:
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        schema, name = self.table_key(table)
        columns: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            columns = tuple(fold(e.name) for e in target.expressions)
        query = tree.expression
        try:
            if query is None:
                raise SqlTextError("no query")
            node = lower_identifiers(query)
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
        column_name = fold(m.group("column").strip('[]"'))
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

    def _freeze(self, d: Draft) -> Table:
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
                    new = truncate_identifier(f"{table.name}_{old}")
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
