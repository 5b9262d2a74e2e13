"""The schema model: one plain-Python description of a database design.

Importers produce a ``Schema``; exporters, the diagram, the advisor and the
migration planner consume it. Everything here is a frozen dataclass, so a
schema is a value: two equal designs compare equal, and a snapshot stored as
JSON (see ``designer.schema.serialize``) comes back exactly.

Conventions:
* Types are canonical PostgreSQL type text as ``format_type`` prints it
  (``character varying(40)``, ``timestamp with time zone``, ``integer[]``),
  produced by ``designer.schema.sqltext.normalize_type``.
* SQL expressions (defaults, CHECK bodies, index expressions, predicates) are
  text normalised by PostgreSQL's own parser (``normalize_expr``).
* ``id`` fields carry the stable identity an object has in the editor, so the
  diff engine knows a rename from a drop and an add. They take no part in
  equality: the same design imported twice is equal whatever its ids.
* Names are unquoted identifiers exactly as PostgreSQL stores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

FkAction = Literal["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"]
FK_ACTIONS: tuple[str, ...] = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")
FkMatch = Literal["SIMPLE", "FULL"]
Identity = Literal["ALWAYS", "BY DEFAULT"]
IndexMethod = Literal["btree", "hash", "gin", "gist", "spgist", "brin"]
INDEX_METHODS: tuple[str, ...] = ("btree", "hash", "gin", "gist", "spgist", "brin")
PolicyCommand = Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]
DEFAULT_SCHEMA = "public"


def _id() -> str:
    return ""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    identity: Identity | None = None
    # Sequence options of an identity column, as SQL text ("START WITH 10"), or None.
    identity_options: str | None = None
    generated: str | None = None  # expression of GENERATED ALWAYS AS (...) STORED
    generated_kind: Literal["STORED", "VIRTUAL"] = "STORED"
    collation: str | None = None
    comment: str | None = None
    id: str = field(default="", compare=False)


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None
    include: tuple[str, ...] = ()
    deferrable: bool = False
    initially_deferred: bool = False
    # PG18 temporal key: the last column is WITHOUT OVERLAPS
    without_overlaps: bool = False
    id: str = field(default="", compare=False)


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str = DEFAULT_SCHEMA
    name: str | None = None
    on_delete: FkAction = "NO ACTION"
    on_update: FkAction = "NO ACTION"
    match: FkMatch = "SIMPLE"
    deferrable: bool = False
    initially_deferred: bool = False
    not_valid: bool = False
    # PG18 temporal FK: the last column pair is PERIOD
    period: bool = False
    # ON DELETE SET NULL (col, ...) / SET DEFAULT (col, ...)
    on_delete_columns: tuple[str, ...] = ()
    id: str = field(default="", compare=False)


@dataclass(frozen=True)
class UniqueConstraint:
    columns: tuple[str, ...]
    name: str | None = None
    nulls_not_distinct: bool = False
    include: tuple[str, ...] = ()
    deferrable: bool = False
    initially_deferred: bool = False
    without_overlaps: bool = False
    id: str = field(default="", compare=False)


@dataclass(frozen=True)
class CheckConstraint:
    expression: str
    name: str | None = None
    not_valid: bool = False
    no_inherit: bool = False
    id: str = field(default="", compare=False)


@dataclass(frozen=True)
class ExcludeElement:
    expression: str  # a column name (plain identifier) or an expression
    operator: str  # e.g. "=", "&&"
    opclass: str | None = None


@dataclass(frozen=True)
class ExcludeConstraint:
    elements: tuple[ExcludeElement, ...]
    method: str = "gist"
    name: str | None = None
    include: tuple[str, ...] = ()
    where: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    id: str = field(default="", compare=False)


@dataclass(frozen=True)
class IndexPart:
    """One key part: exactly one of ``column`` and ``expression`` is set."""

    column: str | None = None
    expression: str | None = None
    opclass: str | None = None
    collation: str | None = None
    descending: bool = False
    # None means the default for the direction (NULLS LAST asc, NULLS FIRST desc)
    nulls_first: bool | None = None

    @property
    def label(self) -> str:
        return self.column if self.column is not None else f"({self.expression})"


@dataclass(frozen=True)
class Index:
    name: str
    parts: tuple[IndexPart, ...]
    method: IndexMethod | str = "btree"
    unique: bool = False
    nulls_not_distinct: bool = False
    include: tuple[str, ...] = ()
    where: str | None = None
    # storage parameters as SQL text, e.g. "fillfactor='70'"
    with_options: tuple[str, ...] = ()
    tablespace: str | None = None
    comment: str | None = None
    # free text a designer writes: which query this index serves
    purpose: str = field(default="", compare=False)
    id: str = field(default="", compare=False)

    @property
    def column_names(self) -> tuple[str | None, ...]:
        return tuple(p.column for p in self.parts)


@dataclass(frozen=True)
class Policy:
    name: str
    command: PolicyCommand = "ALL"
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    with_check: str | None = None
    comment: str | None = None
    id: str = field(default="", compare=False)


@dataclass(frozen=True)
class Partitioning:
    """PARTITION BY of a partitioned table: strategy and key as SQL text."""

    strategy: Literal["RANGE", "LIST", "HASH"]
    key: str  # e.g. "created_at" or "lower(name), id"


@dataclass(frozen=True)
class PartitionOf:
    """This table is a partition of ``parent`` with the given bound."""

    parent_schema: str
    parent_table: str
    bound: str  # e.g. "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')" or "DEFAULT"


@dataclass(frozen=True)
class Table:
    name: str
    schema: str = DEFAULT_SCHEMA
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[UniqueConstraint, ...] = ()
    checks: tuple[CheckConstraint, ...] = ()
    excludes: tuple[ExcludeConstraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    partitioning: Partitioning | None = None
    partition_of: PartitionOf | None = None
    inherits: tuple[str, ...] = ()  # qualified names of parent tables (legacy inheritance)
    unlogged: bool = False
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: tuple[Policy, ...] = ()
    with_options: tuple[str, ...] = ()
    # the design's scale (query workbench, capacity): expected rows now and yearly growth in
    # percent; they describe data, not DDL, so they take no part in equality or migrations
    expected_rows: int | None = field(default=None, compare=False)
    yearly_growth: float = field(default=0.0, compare=False)
    # presentation only: they matter to people, not to PostgreSQL
    group: str | None = field(default=None, compare=True)
    color: str | None = field(default=None, compare=True)
    id: str = field(default="", compare=False)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def is_unique_on(self, columns: tuple[str, ...]) -> bool:
        """True when a PK, unique constraint or unique plain index covers exactly these columns."""
        wanted = set(columns)
        if self.primary_key and set(self.primary_key.columns) == wanted:
            return True
        if any(set(u.columns) == wanted for u in self.uniques):
            return True
        return any(
            i.unique and i.where is None and set(i.column_names) == wanted for i in self.indexes
        )


@dataclass(frozen=True)
class EnumType:
    name: str
    values: tuple[str, ...]
    schema: str = DEFAULT_SCHEMA
    comment: str | None = None
    id: str = field(default="", compare=False)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Domain:
    name: str
    type: str
    schema: str = DEFAULT_SCHEMA
    not_null: bool = False
    default: str | None = None
    collation: str | None = None
    checks: tuple[CheckConstraint, ...] = ()
    comment: str | None = None
    id: str = field(default="", compare=False)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Sequence:
    name: str
    schema: str = DEFAULT_SCHEMA
    data_type: str = "bigint"
    start: int | None = None
    increment: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    cache: int | None = None
    cycle: bool = False
    owned_by: str | None = None  # "schema.table.column"
    comment: str | None = None
    id: str = field(default="", compare=False)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class View:
    name: str
    query: str  # the SELECT, normalised by the parser
    schema: str = DEFAULT_SCHEMA
    materialized: bool = False
    columns: tuple[str, ...] = ()  # explicit column names list, if given
    with_options: tuple[str, ...] = ()  # e.g. "security_barrier=true"
    check_option: Literal["LOCAL", "CASCADED"] | None = None
    with_data: bool = True  # materialized views only
    indexes: tuple[Index, ...] = ()  # materialized views only
    comment: str | None = None
    column_comments: tuple[tuple[str, str], ...] = ()
    id: str = field(default="", compare=False)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Extension:
    name: str
    schema: str | None = None
    version: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class RawStatement:
    """A statement the model does not understand, kept verbatim so nothing is lost.

    ``phase`` says where the exporter re-emits it: ``pre`` before tables
    (functions, composite types, collations), ``post`` after everything
    (triggers, grants, rules). Within a phase the original order is kept.
    """

    sql: str
    phase: Literal["pre", "post"] = "post"
    kind: str = ""  # e.g. "CreateFunctionStmt", for reports


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...] = ()
    enums: tuple[EnumType, ...] = ()
    domains: tuple[Domain, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    views: tuple[View, ...] = ()  # in dependency order
    extensions: tuple[Extension, ...] = ()
    schemas: tuple[str, ...] = ()  # namespaces to create (never "public")
    schema_comments: tuple[tuple[str, str], ...] = ()
    raw: tuple[RawStatement, ...] = ()

    # -- lookups -----------------------------------------------------------
    def table(self, name: str, schema: str = DEFAULT_SCHEMA) -> Table | None:
        if "." in name and schema == DEFAULT_SCHEMA:
            schema, name = name.split(".", 1)
        for t in self.tables:
            if t.name == name and t.schema == schema:
                return t
        return None

    def enum(self, name: str, schema: str = DEFAULT_SCHEMA) -> EnumType | None:
        for e in self.enums:
            if e.name == name and e.schema == schema:
                return e
        return None

    def with_table(self, table: Table) -> Schema:
        """A copy with ``table`` replacing the table of the same schema and name (or appended)."""
        tables = list(self.tables)
        for i, t in enumerate(tables):
            if (t.schema, t.name) == (table.schema, table.name):
                tables[i] = table
                break
        else:
            tables.append(table)
        return replace(self, tables=tuple(tables))

    @property
    def all_schemas(self) -> tuple[str, ...]:
        """Every namespace used, sorted, ``public`` included when used."""
        used = {t.schema for t in self.tables} | set(self.schemas)
        used |= {e.schema for e in self.enums} | {d.schema for d in self.domains}
        used |= {s.schema for s in self.sequences} | {v.schema for v in self.views}
        return tuple(sorted(used))
