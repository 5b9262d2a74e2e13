"""SQLite 3 (type affinity; foreign keys enforced with ``PRAGMA foreign_keys = ON``).

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

from typing import ClassVar

from designer.schema.model import Column, ForeignKey, Table
from designer.sql.dialects.base import ExportContext
from designer.sql.translate import SKIP, PgType, PortableDialect

_INTEGER = frozenset({"int2", "int4", "int8", "bool", "oid"})
_REAL = frozenset({"float4", "float8"})
_NUMERIC = frozenset({"numeric", "money"})
_PLAIN_TEXT = frozenset(
    {"text", "date", "time", "timestamp", "json", "jsonb", "uuid", "inet", "cidr", "macaddr", "xml"}
)


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
