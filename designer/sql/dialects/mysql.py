"""MySQL 8 and MariaDB 10.11 (InnoDB, utf8mb4). MariaDB differs only where noted.

| PostgreSQL | MySQL / MariaDB | note (warned) |
|---|---|---|
| `smallint`, `integer`, `bigint` | `SMALLINT`, `INT`, `BIGINT` | |
| identity, `serial`, `nextval(...)` on a key | `… AUTO_INCREMENT` | only on the first column of a key, once per table; START/INCREMENT dropped |
| `numeric(p,s)` / `numeric` | `DECIMAL(p,s)` / `DECIMAL(65,30)` | unbounded numeric warned |
| `real`, `double precision` | `FLOAT`, `DOUBLE` | |
| `boolean` | `BOOLEAN` (`TINYINT(1)`) | |
| `character varying(n)`, `character(n)` | `VARCHAR(n)`, `CHAR(n)` | |
| `text`, `character varying` | `LONGTEXT`; in a key/index/FK `VARCHAR(255)` | key case warned (TEXT cannot be a key part without a prefix) |
| `bytea` | `LONGBLOB`; in a key `VARBINARY(255)` | key case warned |
| `date`, `time(p)` | `DATE`, `TIME(p)` | |
| `timestamp(p)` | `DATETIME(p)` (p = 6 by default) | |
| `timestamp(p) with time zone` | `DATETIME(p)` | warned: the zone is not stored (TIMESTAMP would end in 2038) |
| `json`, `jsonb` | `JSON` | |
| `uuid` | `CHAR(36)`; MariaDB: `UUID` | |
| `inet`, `cidr`, `macaddr` | `VARCHAR(49)`, `VARCHAR(49)`, `VARCHAR(17)` | warned: not validated |
| `interval`, `xml`, `tsvector`, other | `VARCHAR(64)`, `LONGTEXT`, `LONGTEXT` | warned |
| arrays | `JSON` | warned |
| enum types | inline `ENUM('a', 'b')` | |
| domains | the base type, its default, NOT NULL and CHECKs on each column | warned |

Also: no schemas (`schema.table` becomes `schema_table`, `public` is dropped), no partial or
expression indexes, no INCLUDE, no NULLS NOT DISTINCT, no index methods but B-tree, no
EXCLUDE, no deferrable constraints, no row-level security, no sequences, no partitioning,
no MATCH FULL, no ON DELETE SET DEFAULT (NO ACTION is used). Comments are written inline
(``COMMENT '...'``) on tables, columns and indexes; view comments are dropped. String
literals double backslashes (MySQL reads ``\\`` as an escape).
"""

from __future__ import annotations

from typing import ClassVar

from sqlglot import exp
from sqlglot.dialects.mysql import MySQL

from designer.schema.model import Column, EnumType, ForeignKey, Index, Table
from designer.sql.dialects.base import INDENT, ExportContext
from designer.sql.translate import PgType, PortableDialect

WARN_VIEW_COMMENTS = "{dialect} has no comments on views: {n} comment(s) were left out."
WARN_GENERATED_NOT_NULL = "{dialect} has no NOT NULL on generated columns: dropped from {column}."
_TEXTLIKE = ("LONGTEXT", "TEXT", "LONGBLOB", "BLOB", "JSON")
_INTEGERS = ("SMALLINT", "INT", "BIGINT", "TINYINT", "MEDIUMINT")


class MySQLDialect(PortableDialect):
    name: ClassVar[str] = "mysql"
    label: ClassVar[str] = "MySQL 8"
    sqlglot_dialect = "mysql"
    max_name_length = 64

    supports_schemas = False
    supports_identity = True
    supports_generated = True
    index_methods = frozenset({"btree", "hash"})
    supports_expression_index = False
    enum_as_check = False
    fk_actions = frozenset({"NO ACTION", "RESTRICT", "CASCADE", "SET NULL"})
    fk_types_must_match = True
    set_null_needs_nullable = True
    # MariaDB refuses NOT NULL on generated columns.
    generated_not_null: ClassVar[bool] = True
    uuid_type: ClassVar[str] = "CHAR(36)"

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def literal(self, text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    # -- types ------------------------------------------------------------------------------

    def map_type(self, t: PgType, *, key: bool) -> tuple[str, str | None]:
        n = t.mods[0] if t.mods else None
        name = t.name
        if name in ("int2", "int4", "int8", "float4", "float8", "bool", "date", "json", "jsonb"):
            return {
                "int2": "SMALLINT",
                "int4": "INT",
                "int8": "BIGINT",
                "float4": "FLOAT",
                "float8": "DOUBLE",
                "bool": "BOOLEAN",
                "date": "DATE",
                "json": "JSON",
                "jsonb": "JSON",
            }[name], None
        if name == "numeric":
            if not t.mods:
                return "DECIMAL(65,30)", " (no precision was given)"
            p, s = t.mods[0], (t.mods[1] if len(t.mods) > 1 else 0)
            return f"DECIMAL({min(p, 65)},{min(s, 30)})", None if p <= 65 and s <= 30 else ""
        if name == "varchar" and n is not None:
            if key and n > 768:
                return "VARCHAR(768)", " (an index key holds at most 3072 bytes)"
            return f"VARCHAR({n})", None
        if name in ("bpchar", "char"):
            return f"CHAR({min(n or 1, 255)})", None
        if name in ("text", "varchar"):
            if key:
                return "VARCHAR(255)", " (TEXT cannot be part of a key or index)"
            return "LONGTEXT", None
        if name == "bytea":
            if key:
                return "VARBINARY(255)", " (BLOB cannot be part of a key or index)"
            return "LONGBLOB", None
        if name in ("timestamp", "timestamptz", "time", "timetz"):
            kind = "DATETIME" if name.startswith("timestamp") else "TIME"
            text = f"{kind}({min(n if n is not None else 6, 6)})"
            return text, " (the time zone is not stored)" if name.endswith("tz") else None
        if name == "uuid":
            return self.uuid_type, None
        if name in ("inet", "cidr", "macaddr", "macaddr8"):
            size = {"macaddr": 17, "macaddr8": 23}.get(name, 49)
            return f"VARCHAR({size})", " (values are not validated)"
        if name == "money":
            return "DECIMAL(19,2)", ""
        if name in ("bit", "varbit"):
            return f"BIT({min(n or 1, 64)})", None if name == "bit" else ""
        if name == "interval":
            return "VARCHAR(64)", " (as text)"
        if key:
            return "VARCHAR(255)", " (as text)"
        return "LONGTEXT", " (as text)"

    def enum_type(self, enum: EnumType, *, key: bool) -> str:
        return "ENUM(" + ", ".join(self.literal(v) for v in enum.values) + ")"

    def array_type(self, *, key: bool) -> tuple[str, str]:
        if key:
            return "VARCHAR(255)", " (as text)"
        return "JSON", " (as JSON)"

    # -- defaults and identity -----------------------------------------------------------------

    def now_default(self, target_type: str) -> str:
        if target_type.startswith(("DATETIME", "TIMESTAMP")):
            precision = target_type[target_type.find("(") :] if "(" in target_type else ""
            return f"CURRENT_TIMESTAMP{precision}"
        if target_type == "DATE":
            return "(CURRENT_DATE)"
        return "(CURRENT_TIMESTAMP)"

    def today_default(self, target_type: str) -> str | None:
        return "(CURRENT_DATE)"

    def uuid_default(self) -> str | None:
        return "(UUID())"

    def literal_default(self, sql: str, target_type: str) -> str:
        # MySQL accepts a default on TEXT/BLOB/JSON only as an expression.
        return f"({sql})" if target_type.startswith(_TEXTLIKE) else sql

    def identity_where(self, table: Table, col: Column) -> str | None:
        if not col.type.startswith(_INTEGERS):
            return "on integer columns"
        first = [c.name for c in table.columns if c.identity is not None][:1]
        if first != [col.name]:
            return "once per table"
        leads = [table.primary_key.columns[0]] if table.primary_key else []
        leads += [u.columns[0] for u in table.uniques if u.columns]
        if col.name not in leads:
            return "on the first column of a primary or unique key"
        return None

    # -- statements -----------------------------------------------------------------------------

    def column_definition(self, col: Column, ctx: ExportContext) -> str:
        sql = f"{self.quote(col.name)} {col.type}"
        if col.generated is not None:
            sql += f" GENERATED ALWAYS AS ({col.generated}) {col.generated_kind}"
            if not col.nullable and self.generated_not_null:
                sql += " NOT NULL"
            elif not col.nullable:
                ctx.warnings.append(
                    WARN_GENERATED_NOT_NULL.format(dialect=self.label, column=col.name)
                )
        else:
            if not col.nullable:
                sql += " NOT NULL"
            if col.identity is not None:
                sql += " AUTO_INCREMENT"
            elif col.default is not None:
                sql += f" DEFAULT {col.default}"
        if col.comment is not None:
            sql += f" COMMENT {self.literal(col.comment)}"
        return sql

    def table_constraints(self, table: Table, ctx: ExportContext) -> list[str]:
        items = [self.primary_key(table.primary_key)] if table.primary_key else []
        items.extend(self.unique(u) for u in table.uniques)
        # CHECK names are unique per database in MySQL.
        for c in table.checks:
            name = self.unique_name(c.name, ctx)
            items.append(self.constraint_name(name) + f"CHECK ({c.expression})")
        return items

    def create_table(self, table: Table, ctx: ExportContext) -> str:
        sql = super().create_table(table, ctx).removesuffix(";")
        sql += " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        if table.comment is not None:
            sql += f" COMMENT={self.literal(table.comment)}"
        return sql + ";"

    def add_foreign_key(self, table: Table, fk: ForeignKey, ctx: ExportContext) -> str:
        name = self.unique_name(fk.name, ctx)
        return f"{self.alter_table(table)}\n{INDENT}ADD {self.constraint_name(name)}{self.fk_clause(fk)};"

    def create_index(self, schema: str, table: str, index: Index, ctx: ExportContext) -> str:
        sql = super().create_index(schema, table, index, ctx).removesuffix(";")
        if index.comment is not None:
            sql += f" COMMENT {self.literal(index.comment)}"
        return sql + ";"

    def comments(self, tables: list[Table], ctx: ExportContext) -> list[str]:
        views = sum(1 for v in ctx.schema.views if v.comment) + sum(
            len(v.column_comments) for v in ctx.schema.views
        )
        if views:
            ctx.warnings.append(WARN_VIEW_COMMENTS.format(dialect=self.label, n=views))
        return []


class _MariaDBGlot(MySQL):
    """sqlglot's MySQL, writing regular expressions as MariaDB has them (no REGEXP_LIKE)."""

    class Generator(MySQL.Generator):
        TRANSFORMS = {
            **MySQL.Generator.TRANSFORMS,
            exp.RegexpLike: lambda self, e: self.binary(e, "REGEXP"),
        }


class MariaDBDialect(MySQLDialect):
    name: ClassVar[str] = "mariadb"
    label: ClassVar[str] = "MariaDB 10.11"
    sqlglot_dialect = _MariaDBGlot()
    generated_not_null = False
    uuid_type = "UUID"


MYSQL = MySQLDialect()
MARIADB = MariaDBDialect()
