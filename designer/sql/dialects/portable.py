"""What the dialects read and written through sqlglot share (MySQL/MariaDB, SQLite, SQL Server).

Read side: how a script is split into statements (``ScriptSyntax``: quotes, comments,
batch separators), which schema qualifiers mean "the default schema", and column types
in (``PortableDialect.type_in``: a table of builders per dialect, fallbacks shared here).
Write side: always-quoted names, expressions transpiled from PostgreSQL by sqlglot,
types out (``map_type``) and the statement overrides the three targets share.

Each dialect module subclasses ``PortableDialect`` and documents its own type mapping,
both ways, in its docstring. ``designer.sql.translate`` turns a PostgreSQL design into a
target's terms using these hooks; ``designer.sql.readers.sqlglot`` reads a script with them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

import pglast
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from designer.schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    Schema,
    Table,
    View,
)
from designer.schema.sqltext import SqlTextError, normalize_type
from designer.sql.dialects.base import Dialect, ExportContext, ScriptSyntax

if TYPE_CHECKING:
    from sqlglot.dialects.dialect import DialectType

# A statement method that has nothing to write returns this; the export drops it.
# (The driver in designer.sql.ddl expects one string per foreign key and sequence owner.)
SKIP = "\x00skip\x00"

WARN_SPATIAL = "{name} became text: spatial types need PostGIS."
WARN_UNKNOWN_TYPE = "Type “{name}” is unknown; the column became text."
WARN_NO_TYPE = "The column has no type (SQLite BLOB affinity); it became text."

SPATIAL = frozenset(
    {
        "GEOMETRY",
        "GEOGRAPHY",
        "POINT",
        "LINESTRING",
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
    }
)

_TEXT_CASTS = frozenset(
    {
        exp.DataType.Type.TEXT,
        exp.DataType.Type.VARCHAR,
        exp.DataType.Type.CHAR,
        exp.DataType.Type.NVARCHAR,
        exp.DataType.Type.NCHAR,
        exp.DataType.Type.USERDEFINED,
    }
)
_NON_PORTABLE_TYPES = frozenset(
    {exp.DataType.Type.INTERVAL, exp.DataType.Type.ARRAY, exp.DataType.Type.USERDEFINED}
)


# -- reading: script syntax and types in ---------------------------------------------


@dataclass(frozen=True)
class MappedType:
    """A source type turned into PostgreSQL terms.

    ``enum_values`` is set for MySQL ENUM: the caller creates the enum type and uses
    its name. ``unsigned`` asks the caller for a ``CHECK (col >= 0)``.
    """

    type: str
    unsigned: bool = False
    enum_values: tuple[str, ...] = ()
    is_set: bool = False
    warning: str | None = None


TypeBuilder = Callable[[exp.DataType], str]


def type_params(dt: exp.DataType) -> list[str]:
    out = []
    for p in dt.expressions:
        inner = p.this if isinstance(p, exp.DataTypeParam) else p
        out.append(inner.name if isinstance(inner, exp.Literal | exp.Var) else inner.sql())
    return out


def type_ints(dt: exp.DataType) -> list[int]:
    return [int(p) for p in type_params(dt) if p.isdigit()]


def type_mods(dt: exp.DataType, limit: int = 2) -> str:
    ints = type_ints(dt)[:limit]
    return "(" + ",".join(str(i) for i in ints) + ")" if ints else ""


def _is_max(dt: exp.DataType) -> bool:
    return any(p.upper() == "MAX" for p in type_params(dt))


def char_type(pg: str) -> TypeBuilder:
    def build(dt: exp.DataType) -> str:
        if _is_max(dt):
            return "text"
        return pg + type_mods(dt, 1)

    return build


def fixed_type(pg: str) -> TypeBuilder:
    return lambda dt: pg


def numeric_type(dt: exp.DataType) -> str:
    return "numeric" + type_mods(dt)


def time_type(pg: str, suffix: str, default_precision: int | None = None) -> TypeBuilder:
    def build(dt: exp.DataType) -> str:
        ints = type_ints(dt)
        precision = ints[0] if ints else default_precision
        if precision is None:
            return f"{pg} {suffix}"
        return f"{pg}({min(precision, 6)}) {suffix}"

    return build


# sqlglot type name -> PostgreSQL type, where every dialect means the same
COMMON_TYPES_IN: dict[str, TypeBuilder] = {
    "BOOLEAN": fixed_type("boolean"),
    "SMALLINT": fixed_type("smallint"),
    "INT": fixed_type("integer"),
    "BIGINT": fixed_type("bigint"),
    "DECIMAL": numeric_type,
    "DOUBLE": fixed_type("double precision"),
    "CHAR": char_type("character"),
    "NCHAR": char_type("character"),
    "VARCHAR": char_type("character varying"),
    "NVARCHAR": char_type("character varying"),
    "TEXT": fixed_type("text"),
    "BINARY": fixed_type("bytea"),
    "VARBINARY": fixed_type("bytea"),
    "BLOB": fixed_type("bytea"),
    "DATE": fixed_type("date"),
    "TIME": time_type("time", "without time zone"),
    "DATETIME": time_type("timestamp", "without time zone"),
    "JSON": fixed_type("json"),
    "UUID": fixed_type("uuid"),
    "XML": fixed_type("xml"),
}


# -- writing -------------------------------------------------------------------------


# Internal type names -> the names people write, for warnings.
_PG_NAMES = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "varchar": "character varying(n)",
    "bpchar": "character(n)",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp",
    "timetz": "time with time zone",
}


@dataclass(frozen=True)
class PgType:
    """A PostgreSQL type as the parser sees it: ``character varying(40)`` is
    ``PgType("varchar", None, (40,), False)``."""

    name: str
    schema: str | None = None
    mods: tuple[int, ...] = ()
    array: bool = False
    builtin: bool = True

    @property
    def label(self) -> str:
        name = _PG_NAMES.get(self.name, self.name) if self.builtin else self.name
        if self.name in ("varchar", "bpchar"):  # the length the design gave, when it gave one
            name = name.replace("(n)", f"({self.mods[0]})" if self.mods else "")
        elif self.name in ("bit", "varbit", "numeric") and self.mods:
            name += "(" + ",".join(str(m) for m in self.mods) + ")"
        return (f"{self.schema}.{name}" if self.schema else name) + ("[]" if self.array else "")


@lru_cache(maxsize=2048)
def parse_type(text: str) -> PgType:
    """Split canonical type text (``format_type`` spelling) into its parts."""
    stmt = pglast.parse_sql(f"SELECT NULL::{text}")[0].stmt
    tn = stmt.targetList[0].val.typeName  # type: ignore[attr-defined]
    names = [n.sval for n in tn.names]
    mods = []
    for m in tn.typmods or ():
        ival = getattr(getattr(m, "val", None), "ival", None)
        if isinstance(ival, int):
            mods.append(ival)
    array = bool(tn.arrayBounds)
    if len(names) == 2 and names[0] == "pg_catalog":
        return PgType(names[1], None, tuple(mods), array)
    if len(names) == 1:
        return PgType(names[0], None, tuple(mods), array, builtin=True)
    return PgType(names[-1], names[-2], tuple(mods), array, builtin=False)


def flat_name(schema: str | None, name: str) -> str:
    """One name for ``schema.name`` where the target has no schemas (``public`` is dropped)."""
    if not schema or schema == DEFAULT_SCHEMA:
        return name
    return f"{schema}_{name}"


@dataclass
class PortableContext(ExportContext):
    used_names: set[str] = field(default_factory=set)


# -- the shared dialect layer -------------------------------------------------------------


class PortableDialect(Dialect):
    """What MySQL, SQLite and SQL Server share: always-quoted names, transpiled
    expressions, types mapped by ``map_type``; subclasses fill in the rest."""

    sqlglot_dialect: ClassVar[DialectType] = None
    max_name_length: ClassVar[int] = 1024
    # Which ON DELETE/UPDATE actions exist, and what a missing one becomes.
    fk_actions: ClassVar[frozenset[str]] = frozenset(
        {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"}
    )
    fk_action_fallback: ClassVar[str] = "NO ACTION"
    # MySQL requires a foreign key column to have the type of the column it references.
    fk_types_must_match: ClassVar[bool] = False
    # MySQL rejects ON DELETE SET NULL on a NOT NULL column at CREATE time.
    set_null_needs_nullable: ClassVar[bool] = False
    supports_expression_index: ClassVar[bool] = True
    supports_comments: ClassVar[bool] = True
    # Enums as a CHECK (col IN (...)) on a text column (when the dialect has no inline ENUM).
    enum_as_check: ClassVar[bool] = True
    # Regular-expression matches (PostgreSQL's ~) in CHECKs and views.
    supports_regex: ClassVar[bool] = True
    # MySQL: text and bytea columns only in plain indexes keep their type; the index takes a
    # prefix of them.
    prefix_indexes_text: ClassVar[bool] = False
    # Dialects without schemas flatten schema.table to schema_table.
    public_schema: ClassVar[str] = DEFAULT_SCHEMA

    # -- reading ------------------------------------------------------------------------

    reader = "sqlglot"
    sqlglot_read: ClassVar[str] = ""  # the sqlglot dialect scripts are parsed as
    read_label: ClassVar[str] = ""  # the dialect's name in import messages
    syntax: ClassVar[ScriptSyntax] = ScriptSyntax()
    # Rewrites applied to code (never inside string literals) before sqlglot sees it.
    cleanups: ClassVar[tuple[tuple[re.Pattern[str], str], ...]] = ()
    types_in: ClassVar[dict[str, TypeBuilder]] = COMMON_TYPES_IN
    # MySQL: a USE'd database is the default schema; CREATE SCHEMA makes a database.
    schemas_are_databases: ClassVar[bool] = False
    # SQL Server: CREATE SCHEMA makes a schema the design keeps.
    creates_schemas: ClassVar[bool] = False
    # MySQL: plain columns a view selects beside aggregates are added to its GROUP BY.
    completes_group_by: ClassVar[bool] = False
    # SQL Server: ALTER TABLE t ADD [CONSTRAINT c] DEFAULT x FOR col
    default_for: ClassVar[re.Pattern[str] | None] = None

    def implicit_schema(self, qualifier: str, database: str | None) -> bool:
        """True when ``qualifier`` (folded) names the default schema rather than one of its own."""
        return False

    def statement_continues(self, text: str) -> bool:
        """True when a ``;`` ends only part of ``text`` (a routine body), not the statement."""
        return False

    def type_in(self, dt: exp.DataType | None) -> MappedType:
        """The PostgreSQL type for a sqlglot ``DataType`` read in this dialect."""
        if dt is None:  # SQLite lets a column have no type at all
            return MappedType("text", warning=WARN_NO_TYPE)
        special = self.special_type_in(dt)
        if special is not None:
            return special
        name = dt.this.name
        if name in SPATIAL:
            return MappedType("text", warning=WARN_SPATIAL.format(name=name.lower()))
        if name == "USERDEFINED":
            return self.user_defined_type_in(dt)
        builder = self.types_in.get(name)
        if builder is not None:
            return MappedType(normalize_type(builder(dt)))
        # Anything else: trust sqlglot's PostgreSQL spelling when PostgreSQL accepts it.
        try:
            return MappedType(normalize_type(dt.sql(dialect="postgres")))
        except SqlTextError:
            shown = dt.sql(dialect=self.sqlglot_read)
            return MappedType("text", warning=WARN_UNKNOWN_TYPE.format(name=shown))

    def special_type_in(self, dt: exp.DataType) -> MappedType | None:
        """A type this dialect reads its own way, before the shared rules (None: no such)."""
        return None

    def user_defined_type_in(self, dt: exp.DataType) -> MappedType:
        """A type name sqlglot does not know (alias types are not in the input's model)."""
        shown = str(dt.args.get("kind") or dt.sql(dialect=self.sqlglot_read))
        return MappedType("text", warning=WARN_UNKNOWN_TYPE.format(name=shown))

    # -- names --------------------------------------------------------------------------

    def qualify(self, schema: str | None, name: str) -> str:
        if not self.supports_schemas:
            return self.quote(self.short(flat_name(schema, name)))
        schema = self.public_schema if schema in (None, DEFAULT_SCHEMA) else schema
        return f"{self.quote(schema)}.{self.quote(self.short(name))}"

    def short(self, name: str) -> str:
        """``name`` cut to the target's length limit, deterministically and without clashes."""
        if len(name) <= self.max_name_length:
            return name
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        return name[: self.max_name_length - 9] + "_" + digest

    def index_name(self, schema: str, name: str) -> str:
        return self.quote(
            self.short(flat_name(schema, name) if not self.supports_schemas else name)
        )

    # -- types (subclasses) --------------------------------------------------------------

    def map_type(self, t: PgType, *, key: bool) -> tuple[str, str | None]:
        """Target type for a built-in PostgreSQL type, and a note when something is lost.

        ``key``: the column is part of a key, an index or a foreign key (MySQL cannot
        index TEXT without a prefix length; SQL Server cannot index NVARCHAR(MAX)).
        """
        raise NotImplementedError

    def enum_type(self, enum: EnumType, *, key: bool) -> str:
        longest = max((len(v) for v in enum.values), default=1)
        return self.map_type(PgType("varchar", None, (max(longest, 1),)), key=key)[0]

    def array_type(self, *, key: bool) -> tuple[str, str]:
        return self.map_type(PgType("text"), key=key)[0], " (as text)"

    # -- expressions ----------------------------------------------------------------------

    def glot(self, node: exp.Expression) -> str:
        """``node`` written in this dialect; raises SqlglotError when sqlglot cannot, or when
        what it wrote does not read back in the dialect without unknown functions (sqlglot
        writes functions it does not know verbatim, e.g. PostgreSQL's own)."""
        sql = node.sql(
            dialect=self.sqlglot_dialect, identify=True, unsupported_level=ErrorLevel.RAISE
        )
        again = sqlglot.parse_one(sql, dialect=self.sqlglot_dialect)
        unknown = sorted({n.name for n in again.find_all(exp.Anonymous)})
        if unknown or not self.expression_ok(again):
            raise SqlglotError(f"{self.label} has no {', '.join(unknown) or 'such syntax'}")
        return sql

    def expression(self, text: str, *, replace_value: str | None = None) -> str | None:
        """A PostgreSQL expression in this dialect, or None when it cannot be written."""
        try:
            return self._expression(text, replace_value)
        except RecursionError:  # nested deeper than sqlglot's recursion goes: not writable
            return None

    def _expression(self, text: str, replace_value: str | None) -> str | None:
        try:
            node = sqlglot.parse_one(text, read="postgres")
        except SqlglotError:
            return None
        node = node.transform(portable_tree)
        if replace_value is not None:
            node = node.transform(lambda n: value_to_column(n, replace_value))
        if not self.expression_ok(node):
            return None
        try:
            return self.glot(node)
        except SqlglotError:
            return None

    def expression_ok(self, node: exp.Expression) -> bool:
        """False when the tree uses what the target lacks (functions sqlglot does not
        know are PostgreSQL's own; arrays; ranges)."""
        bad: tuple[type[exp.Expression], ...] = (
            exp.Anonymous,
            exp.Array,
            exp.ArrayContains,
            exp.ArrayContainsAll,
            exp.Any,
            exp.All,
            exp.Filter,
            exp.Operator,
            exp.Interval,
            exp.AtTimeZone,
            exp.Normalize,
        )
        if not self.supports_regex:
            bad += (exp.RegexpLike, exp.RegexpILike)
        for n in node.walk():
            if isinstance(n, bad):
                return False
            if isinstance(n, exp.DataType) and n.this in _NON_PORTABLE_TYPES:
                return False
        return True

    def now_default(self, target_type: str) -> str:
        return "CURRENT_TIMESTAMP"

    def today_default(self, target_type: str) -> str | None:
        return "CURRENT_DATE"

    def uuid_default(self) -> str | None:
        return None

    def literal_default(self, sql: str, target_type: str) -> str:
        return sql

    def fit_literal(self, core: exp.Expression, target_type: str) -> tuple[str | None, str | None]:
        """A literal default for a column of ``target_type``: (its SQL, or None when the
        target cannot hold it; what changed and why, for the warning)."""
        return self.literal_default(self.glot(core), target_type), None

    def fit_row(self, table: Table, keys: set[str], target: str) -> tuple[Table, list[str]]:
        """``table`` (typed for the target) changed so the target accepts its row, and a
        warning per change; ``keys``: columns in a key, index or foreign key."""
        return table, []

    def fit_keys(self, tables: list[Table]) -> tuple[list[Table], list[str]]:
        """``tables`` (typed for the target) changed so every foreign key's index fits the
        target, and a warning per change."""
        return tables, []

    def shifted_default(self, base: str, sign: str, interval: str, target_type: str) -> str | None:
        """``now()``/``CURRENT_DATE`` (``base``, already the target's) plus or minus the
        PostgreSQL interval text ``interval``; None when the target cannot say it."""
        return None

    def expression_default(self, sql: str, target_type: str) -> str:
        return f"({sql})"

    # -- identity --------------------------------------------------------------------------

    def identity_where(self, table: Table, col: Column) -> str | None:
        """None when ``col`` may auto-number here, else where the target allows it."""
        return None

    def identity_keeps_options(self) -> bool:
        return False

    def column_checks(self, column: str, t: PgType) -> list[str]:
        """CHECKs, in this dialect's SQL, that a column of PostgreSQL type ``t`` needs."""
        return []

    # -- names unique per database --------------------------------------------------------

    def context(self, schema: Schema) -> ExportContext:
        ctx = super().context(schema)
        return PortableContext(
            **{f: getattr(ctx, f) for f in ("schema", "known_schemas", "tables")}
        )

    def unique_name(self, name: str | None, ctx: ExportContext) -> str | None:
        """``name`` made unique among the constraint names of the database (MySQL wants it)."""
        if name is None or not isinstance(ctx, PortableContext):
            return name
        name = self.short(name)
        candidate, n = name, 1
        while candidate.lower() in ctx.used_names:
            n += 1
            candidate = self.short(f"{name[: self.max_name_length - 4]}_{n}")
        ctx.used_names.add(candidate.lower())
        return candidate

    # -- statements --------------------------------------------------------------------------

    def header(self, schema: Schema) -> str:
        return (
            f"-- {self.label} DDL written by ERD Designer: {len(schema.tables)} tables, "
            f"{len(schema.views)} views."
        )

    def check(self, check: CheckConstraint) -> str:
        return self.constraint_name(check.name) + f"CHECK ({check.expression})"

    def table_constraints(self, table: Table, ctx: ExportContext) -> list[str]:
        # NOT VALID checks are inline too: the target has no ALTER TABLE ... NOT VALID.
        items = [self.primary_key(table.primary_key)] if table.primary_key else []
        items.extend(self.unique(u) for u in table.uniques)
        items.extend(self.check(c) for c in table.checks)
        return items

    def add_late_checks(self, table: Table, ctx: ExportContext) -> list[str]:
        return []

    def sequence_owned_by(self, seq: object, ctx: ExportContext) -> str:
        return SKIP

    def fk_clause(self, fk: ForeignKey) -> str:
        sql = f"FOREIGN KEY ({self.names(fk.columns)}) REFERENCES "
        sql += self.qualify(fk.ref_schema, fk.ref_table)
        if fk.ref_columns:
            sql += f" ({self.names(fk.ref_columns)})"
        if fk.on_update != "NO ACTION":
            sql += f" ON UPDATE {fk.on_update}"
        if fk.on_delete != "NO ACTION":
            sql += f" ON DELETE {fk.on_delete}"
        return sql

    def add_foreign_key(self, table: Table, fk: ForeignKey, ctx: ExportContext) -> str:
        return (
            f"{self.alter_table(table)}\n    ADD {self.constraint_name(fk.name)}"
            f"{self.fk_clause(fk)};"
        )

    def index_part(self, part: IndexPart, ctx: ExportContext) -> str:
        sql = self.quote(part.column) if part.column is not None else f"({part.expression})"
        return sql + (" DESC" if part.descending else "")

    def create_index(
        self, schema: str, table: str, index: Index, ctx: ExportContext, **flags: bool
    ) -> str:
        """``flags`` (a migration's CONCURRENTLY) have no meaning in these targets."""
        sql = "CREATE UNIQUE INDEX " if index.unique else "CREATE INDEX "
        sql += f"{self.index_name(schema, index.name)} ON {self.qualify(schema, table)}"
        sql += f" ({', '.join(self.index_part(p, ctx) for p in index.parts)})"
        if index.include:
            sql += f" INCLUDE ({self.names(index.include)})"
        if index.where is not None:
            sql += f" WHERE {index.where}"
        return sql + ";"

    def create_view(self, view: View, ctx: ExportContext, *, replace: bool = False) -> str:
        sql = f"CREATE VIEW {self.qualify(view.schema, view.name)}"
        if view.columns:
            sql += f" ({self.names(view.columns)})"
        return sql + f" AS\n{view.query};"

    def comments(self, tables: list[Table], ctx: ExportContext) -> list[str]:
        return []


# -- expression trees -----------------------------------------------------------------------


def portable_tree(node: exp.Expression) -> exp.Expression:
    """Rewrite PostgreSQL idioms the parser's normal form uses into portable SQL."""
    # x = ANY (ARRAY[...]) is how PostgreSQL prints x IN (...).
    if isinstance(node, exp.EQ | exp.NEQ) and isinstance(node.expression, exp.Any | exp.All):
        inner = node.expression.this
        inner = inner.this if isinstance(inner, exp.Paren) else inner
        if isinstance(inner, exp.Array):
            values = [v.copy() for v in inner.expressions]
            result: exp.Expression = exp.In(this=node.this.copy(), expressions=values)
            if isinstance(node, exp.NEQ):
                result = exp.Not(this=result)
            return result
    # Casts to text or to enum/domain types only restate the column type.
    if isinstance(node, exp.Cast) and node.to.this in _TEXT_CASTS:
        return node.this.copy()
    return node


def value_to_column(node: exp.Expression, column: str) -> exp.Expression:
    """``VALUE`` (a domain CHECK's name for the checked value) as a reference to ``column``."""
    if isinstance(node, exp.Column) and not node.table and node.name.lower() == "value":
        return exp.column(column, quoted=True)
    return node
