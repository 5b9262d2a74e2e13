"""SQLite 3: reading its scripts (type affinity) and writing DDL for it (foreign keys
enforced with ``PRAGMA foreign_keys = ON``).

## Reading (SQLite DDL -> PostgreSQL)

Scripts are split knowing ``[name]`` and backquoted names and trigger bodies
(``BEGIN … END`` holding semicolons); ``main.`` and ``temp.`` qualifiers are the default
schema.

| source type | PostgreSQL type | note |
|---|---|---|
| `integer`, `int`, `bigint` | `bigint` | SQLite integers are 64-bit (`INTEGER PRIMARY KEY` is the 64-bit rowid) |
| `tinyint`, `smallint`, `int2`, `mediumint` | `smallint`, `smallint`, `smallint`, `integer` | the declared width is taken as the intent; `int8` is read by sqlglot as `tinyint` (→ `smallint`): a known gap |
| `integer primary key autoincrement` | `bigint` identity BY DEFAULT | |
| `text`, `clob`, `string` | `text` | |
| `varchar(n)`, `character(n)`, `nchar(n)` | `character varying(n)`, `character(n)`, `character(n)` | SQLite ignores lengths; PostgreSQL enforces them |
| `real`, `double`, `float` | `double precision` | SQLite REAL is 8 bytes |
| `blob` | `bytea` | |
| `numeric`, `decimal(p,s)` | `numeric`, `numeric(p,s)` | |
| `boolean`, `date`, `datetime`, `json` | `boolean`, `date`, `timestamp without time zone`, `json` | |
| other names (affinity rules, in SQLite's order) | contains `INT` → `bigint`; `CHAR`/`CLOB`/`TEXT` → `text`; `BLOB` → `bytea`; `REAL`/`FLOA`/`DOUB` → `double precision`; else `numeric` | warning names the rule |
| no type at all | `text` | warning (SQLite gives it BLOB affinity, but such columns usually hold text) |

## Writing (PostgreSQL design -> SQLite DDL)

| PostgreSQL | SQLite | note (warned) |
|---|---|---|
| `smallint`, `integer`, `bigint`, `boolean` | `INTEGER` | booleans are 0/1 |
| identity / `serial` / `nextval(...)` as the single-column primary key | `INTEGER PRIMARY KEY AUTOINCREMENT` | anywhere else: a plain column, warned |
| `numeric(p,s)`, `money` | `NUMERIC` | |
| `real`, `double precision` | `REAL` | |
| `text`, `character varying(n)`, `character(n)` | `TEXT` | lengths are not enforced (warned) |
| `date`, `time`, `timestamp`, `interval` | `TEXT` (ISO-8601, what SQLite's date functions read) | with time zone: warned |
| `json`, `jsonb`, `uuid`, `inet`, `xml` | `TEXT` | |
| `bytea` | `BLOB` | |
| arrays, other types | `TEXT` | warned |
| enum types | `TEXT` + `CHECK (col IN (...))` | warned |
| domains | the base type, its default, NOT NULL and CHECKs on each column | warned |

Also: no schemas (`schema.table` becomes `schema_table`, `public` is dropped; index names
too, since SQLite's are global), foreign keys are written inside CREATE TABLE (SQLite
cannot add a constraint later), no comments, no INCLUDE, no NULLS NOT DISTINCT, no index
methods, no EXCLUDE, no deferrable keys, no row-level security, no sequences, no
partitioning. Partial and expression indexes are kept. CHECKs using regular expressions are
left out (SQLite has no REGEXP function unless the application defines one).
"""

from __future__ import annotations

import re
from typing import ClassVar

from sqlglot import exp

from designer.schema.model import Column, ForeignKey, Table
from designer.sql.dialects.base import ExportContext, ScriptSyntax
from designer.sql.dialects.portable import (
    COMMON_TYPES_IN,
    SKIP,
    MappedType,
    PgType,
    PortableDialect,
    TypeBuilder,
    fixed_type,
    numeric_type,
)

WARN_AFFINITY = "Type “{name}” has SQLite {affinity} affinity; it became {pg}."

_INTEGER = frozenset({"int2", "int4", "int8", "bool", "oid"})
_REAL = frozenset({"float4", "float8"})
_NUMERIC = frozenset({"numeric", "money"})
_PLAIN_TEXT = frozenset(
    {"text", "date", "time", "timestamp", "json", "jsonb", "uuid", "inet", "cidr", "macaddr", "xml"}
)

_TYPES_IN: dict[str, TypeBuilder] = {
    **COMMON_TYPES_IN,
    # SQLite stores every integer in up to 8 bytes; INTEGER PRIMARY KEY is the rowid.
    "INT": fixed_type("bigint"),
    "TINYINT": fixed_type("smallint"),
    "MEDIUMINT": fixed_type("integer"),
    "FLOAT": fixed_type("double precision"),
    "DECIMAL": numeric_type,
    "VARBINARY": fixed_type("bytea"),
}

_CLEANUPS = (
    (
        re.compile(r"\)\s*(WITHOUT\s+ROWID|STRICT)(\s*,\s*(WITHOUT\s+ROWID|STRICT))*\s*\Z", re.I),
        ")",
    ),
    (re.compile(r"\bUNSIGNED\s+BIG\s+INT\b", re.I), "BIGINT"),
    (re.compile(r"\b(VARYING|NATIVE)\s+CHARACTER\b", re.I), "VARCHAR"),
    (re.compile(r"\bFLOATING\s+POINT\b", re.I), "DOUBLE"),
    (re.compile(r"\bON\s+CONFLICT\s+(ROLLBACK|ABORT|FAIL|IGNORE|REPLACE)\b", re.I), ""),
)

_DETECT_CLUES = (
    (re.compile(r"\bAUTOINCREMENT\b", re.I), 5),
    (re.compile(r"^\s*PRAGMA\b", re.I | re.M), 5),
    (re.compile(r"\bWITHOUT\s+ROWID\b", re.I), 5),
    (re.compile(r"\bsqlite_\w+", re.I), 3),
)
_TRIGGER = re.compile(r"\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b", re.IGNORECASE)
_ENDS_WITH_END = re.compile(r"\bEND\s*\Z", re.IGNORECASE)


def sqlite_affinity(name: str) -> tuple[str, str]:
    """SQLite's five affinity rules (in its order) -> (affinity, PostgreSQL type)."""
    upper = name.upper()
    if "INT" in upper:
        return "INTEGER", "bigint"
    if any(k in upper for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT", "text"
    if "BLOB" in upper or not upper:
        return "BLOB", "bytea"
    if any(k in upper for k in ("REAL", "FLOA", "DOUB")):
        return "REAL", "double precision"
    return "NUMERIC", "numeric"


class SQLiteDialect(PortableDialect):
    name: ClassVar[str] = "sqlite"
    label: ClassVar[str] = "SQLite"
    sqlglot_dialect = "sqlite"

    supports_schemas = False
    supports_partial_index = True
    supports_comments = False
    index_methods = frozenset({"btree"})
    supports_expression_index = True
    supports_regex = False

    # -- reading ------------------------------------------------------------------------

    import_label = "SQLite"
    file_extensions = (".sqlite", ".sqlite3")
    detect_clues = _DETECT_CLUES
    sqlglot_read = "sqlite"
    read_label = "SQLite"
    syntax = ScriptSyntax(quotes=(("'", "'"), ('"', '"'), ("[", "]"), ("`", "`")))
    cleanups = _CLEANUPS
    types_in = _TYPES_IN

    def implicit_schema(self, qualifier: str, database: str | None) -> bool:
        return qualifier in ("main", "temp")

    def statement_continues(self, text: str) -> bool:
        # a trigger body's statements end with ";" too; the trigger ends at END
        return bool(_TRIGGER.match(text)) and not _ENDS_WITH_END.search(text)

    def user_defined_type_in(self, dt: exp.DataType) -> MappedType:
        declared = str(dt.args.get("kind", ""))
        affinity, pg = sqlite_affinity(declared)
        return MappedType(pg, warning=WARN_AFFINITY.format(name=declared, affinity=affinity, pg=pg))

    # -- writing ------------------------------------------------------------------------

    def map_type(self, t: PgType, *, key: bool) -> tuple[str, str | None]:
        if t.name in _INTEGER:
            return "INTEGER", None
        if t.name in _REAL:
            return "REAL", None
        if t.name in _NUMERIC:
            return "NUMERIC", None
        if t.name == "bytea":
            return "BLOB", None
        if t.name in ("varchar", "bpchar", "char") and t.mods:
            return "TEXT", " (the length is not enforced)"
        if t.name in _PLAIN_TEXT or t.name in ("varchar", "bpchar"):
            return "TEXT", None
        if t.name in ("timestamptz", "timetz"):
            return "TEXT", " (ISO-8601 text; keep the offset in the value)"
        return "TEXT", " (as text)"

    def identity_where(self, table: Table, col: Column) -> str | None:
        pk = table.primary_key
        if col.type == "INTEGER" and pk is not None and pk.columns == (col.name,):
            return None
        return "as the single-column INTEGER PRIMARY KEY"

    def preamble(self) -> list[str]:
        return ["PRAGMA foreign_keys = ON;"]

    def column_definition(self, col: Column, ctx: ExportContext) -> str:
        sql = f"{self.quote(col.name)} {col.type}"
        if col.identity is not None:
            # The rowid alias: the primary key lives on the column, not in the table's list.
            sql += " PRIMARY KEY AUTOINCREMENT"
        if col.generated is not None:
            sql += f" GENERATED ALWAYS AS ({col.generated}) {col.generated_kind}"
        elif col.default is not None:
            sql += f" DEFAULT {col.default}"
        if not col.nullable:
            sql += " NOT NULL"
        return sql

    def table_constraints(self, table: Table, ctx: ExportContext) -> list[str]:
        items = super().table_constraints(table, ctx)
        if any(c.identity is not None for c in table.columns) and table.primary_key:
            items = items[1:]
        # SQLite has no ALTER TABLE ... ADD CONSTRAINT: foreign keys go here.
        items.extend(
            self.constraint_name(fk.name) + self.fk_clause(fk) for fk in table.foreign_keys
        )
        return items

    def add_foreign_key(self, table: Table, fk: ForeignKey, ctx: ExportContext) -> str:
        return SKIP


SQLITE = SQLiteDialect()
