"""SQL Server 2019+ (T-SQL). Batches that must stand alone are closed with ``GO``.

| PostgreSQL | SQL Server | note (warned) |
|---|---|---|
| `smallint`, `integer`, `bigint` | `SMALLINT`, `INT`, `BIGINT` | |
| identity / `serial` / `nextval(...)` | `IDENTITY(start, step)` | once per table |
| `numeric(p,s)` / `numeric` | `DECIMAL(p,s)` (p ≤ 38) / `DECIMAL(38,10)` | unbounded or p > 38 warned |
| `real`, `double precision`, `money` | `REAL`, `FLOAT`, `MONEY` | |
| `boolean` | `BIT` | |
| `character varying(n)`, `character(n)` | `NVARCHAR(n)` (n ≤ 4000, else `NVARCHAR(MAX)`), `NCHAR(n)` | |
| `text`, `character varying` | `NVARCHAR(MAX)`; in a key/index/FK `NVARCHAR(450)` | key case warned (MAX cannot be indexed) |
| `bytea` | `VARBINARY(MAX)`; in a key `VARBINARY(900)` | |
| `date`, `time(p)`, `timestamp(p)` | `DATE`, `TIME(p)`, `DATETIME2(p)` | |
| `timestamp(p) with time zone` | `DATETIMEOFFSET(p)` | |
| `json`, `jsonb` | `NVARCHAR(MAX)` + `CHECK (ISJSON(col) = 1)` | warned |
| `uuid` | `UNIQUEIDENTIFIER` | |
| `xml` | `XML` | |
| `inet`, `interval`, arrays, other types | `NVARCHAR(…)` | warned |
| enum types | `NVARCHAR(longest value)` + `CHECK (col IN (...))` | warned |
| domains | the base type, its default, NOT NULL and CHECKs on each column | warned |

Also: ``public`` becomes ``dbo``; other schemas are created with ``CREATE SCHEMA`` in a batch
of its own; views likewise. Filtered (partial) indexes and INCLUDE are kept; expression
indexes are left out (they need a computed column). No ON DELETE/UPDATE RESTRICT (NO ACTION
is used), no EXCLUDE, no deferrable keys, no row-level security policies, no partitioning.
Unique constraints in SQL Server already treat NULLs as equal (NULLS NOT DISTINCT).
Table and column comments become ``MS_Description`` extended properties.
"""

from __future__ import annotations

import re
from typing import ClassVar

from designer.schema.model import Column, Sequence, Table, UniqueConstraint, View
from designer.sql.dialects.base import ExportContext
from designer.sql.translate import PgType, PortableDialect

_OPTION = re.compile(r"\b(START WITH|INCREMENT BY)\s+(-?\d+)", re.IGNORECASE)
_FIXED = {
    "int2": "SMALLINT",
    "int4": "INT",
    "int8": "BIGINT",
    "float4": "REAL",
    "float8": "FLOAT",
    "bool": "BIT",
    "date": "DATE",
    "uuid": "UNIQUEIDENTIFIER",
    "xml": "XML",
    "money": "MONEY",
}
_INTEGERS = ("SMALLINT", "INT", "BIGINT", "DECIMAL")


class TSQLDialect(PortableDialect):
    name: ClassVar[str] = "tsql"
    label: ClassVar[str] = "SQL Server"
    sqlglot_dialect = "tsql"
    max_name_length = 128
    public_schema = "dbo"

    supports_schemas = True
    supports_sequences = True
    supports_partial_index = True
    supports_include = True
    supports_nulls_not_distinct = True
    supports_expression_index = False
    supports_regex = False  # REGEXP_LIKE arrives only in SQL Server 2025
    index_methods = frozenset({"btree"})
    fk_actions = frozenset({"NO ACTION", "CASCADE", "SET NULL", "SET DEFAULT"})

    def quote(self, name: str) -> str:
        return "[" + name.replace("]", "]]") + "]"

    def literal(self, text: str) -> str:
        return "N'" + text.replace("'", "''") + "'"

    def map_type(self, t: PgType, *, key: bool) -> tuple[str, str | None]:
        n = t.mods[0] if t.mods else None
        if t.name in _FIXED:
            return _FIXED[t.name], None
        if t.name == "numeric":
            if not t.mods:
                return "DECIMAL(38,10)", " (no precision was given)"
            p, s = t.mods[0], (t.mods[1] if len(t.mods) > 1 else 0)
            return f"DECIMAL({min(p, 38)},{min(s, 38)})", None if p <= 38 else ""
        if t.name == "varchar" and n is not None:
            if n > 4000:
                return ("NVARCHAR(450)", " (in a key)") if key else ("NVARCHAR(MAX)", None)
            return f"NVARCHAR({n})", None
        if t.name in ("bpchar", "char"):
            return f"NCHAR({min(n or 1, 4000)})", None
        if t.name in ("text", "varchar"):
            if key:
                return "NVARCHAR(450)", " (NVARCHAR(MAX) cannot be part of a key or index)"
            return "NVARCHAR(MAX)", None
        if t.name == "bytea":
            return ("VARBINARY(900)", " (in a key)") if key else ("VARBINARY(MAX)", None)
        if t.name in ("timestamp", "timestamptz", "time", "timetz"):
            kind = {"timestamp": "DATETIME2", "timestamptz": "DATETIMEOFFSET"}.get(t.name, "TIME")
            note = " (the offset is not kept)" if t.name == "timetz" else None
            return f"{kind}({min(n if n is not None else 6, 7)})", note
        if t.name in ("json", "jsonb"):
            return "NVARCHAR(MAX)", " with CHECK (ISJSON(...) = 1)"
        if t.name in ("inet", "cidr", "macaddr"):
            return "NVARCHAR(49)", " (values are not validated)"
        if t.name == "interval":
            return "NVARCHAR(64)", " (as text)"
        return ("NVARCHAR(450)" if key else "NVARCHAR(MAX)"), " (as text)"

    def column_checks(self, column: str, t: PgType) -> list[str]:
        if t.name in ("json", "jsonb") and not t.array:
            return [f"ISJSON({self.quote(column)}) = 1"]
        return []

    def now_default(self, target_type: str) -> str:
        if target_type.startswith("DATETIMEOFFSET"):
            return "SYSDATETIMEOFFSET()"
        if target_type == "DATE":
            return "CONVERT(DATE, SYSDATETIME())"
        return "SYSDATETIME()"

    def today_default(self, target_type: str) -> str | None:
        return "CONVERT(DATE, SYSDATETIME())"

    def uuid_default(self) -> str | None:
        return "NEWID()"

    def identity_where(self, table: Table, col: Column) -> str | None:
        if not col.type.startswith(_INTEGERS):
            return "on integer columns"
        if [c.name for c in table.columns if c.identity is not None][:1] != [col.name]:
            return "once per table"
        return None

    def identity_keeps_options(self) -> bool:
        return True

    def create_schema(self, name: str) -> str:
        # CREATE SCHEMA must be the only statement of its batch.
        return f"CREATE SCHEMA {self.quote(name)};\nGO"

    def create_sequence(self, seq: Sequence, ctx: ExportContext) -> str:
        types = {"smallint": "SMALLINT", "integer": "INT", "bigint": "BIGINT"}
        sql = f"CREATE SEQUENCE {self.qualify(seq.schema, seq.name)}"
        sql += f" AS {types.get(seq.data_type, 'BIGINT')}"
        for keyword, value in (
            ("START WITH", seq.start),
            ("INCREMENT BY", seq.increment),
            ("MINVALUE", seq.min_value),
            ("MAXVALUE", seq.max_value),
            ("CACHE", seq.cache),
        ):
            if value is not None:
                sql += f" {keyword} {value}"
        return sql + (" CYCLE;" if seq.cycle else ";")

    def column_definition(self, col: Column, ctx: ExportContext) -> str:
        if col.generated is not None:
            persisted = " PERSISTED" if col.generated_kind == "STORED" else ""
            return f"{self.quote(col.name)} AS ({col.generated}){persisted}"
        sql = f"{self.quote(col.name)} {col.type}"
        if col.identity is not None:
            options = dict((k.upper(), v) for k, v in _OPTION.findall(col.identity_options or ""))
            sql += f" IDENTITY({options.get('START WITH', '1')},{options.get('INCREMENT BY', '1')})"
        elif col.default is not None:
            sql += f" DEFAULT {col.default}"
        return sql + (" NOT NULL" if not col.nullable else " NULL")

    def unique(self, u: UniqueConstraint) -> str:
        # SQL Server's UNIQUE already treats NULLs as equal.
        return self.constraint_name(u.name) + f"UNIQUE ({self.names(u.columns)})"

    def create_view(self, view: View, ctx: ExportContext) -> str:
        # CREATE VIEW must be the first statement of its batch.
        return "GO\n" + super().create_view(view, ctx) + "\nGO"

    def comments(self, tables: list[Table], ctx: ExportContext) -> list[str]:
        out = []
        for t in tables:
            schema = self.public_schema if t.schema == "public" else t.schema
            where = f"@level0type = N'SCHEMA', @level0name = {self.literal(schema)}, "
            where += f"@level1type = N'TABLE', @level1name = {self.literal(t.name)}"
            if t.comment is not None:
                out.append(self.description(t.comment, where))
            for c in t.columns:
                if c.comment is not None:
                    column = f", @level2type = N'COLUMN', @level2name = {self.literal(c.name)}"
                    out.append(self.description(c.comment, where + column))
        return out

    def description(self, text: str, where: str) -> str:
        return (
            "EXEC sp_addextendedproperty @name = N'MS_Description', "
            f"@value = {self.literal(text.replace(chr(0), ''))}, {where};"
        )


TSQL = TSQLDialect()
