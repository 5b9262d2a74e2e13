"""Schema -> SQLAlchemy 2.0 declarative models (``DeclarativeBase``, ``Mapped[...]``).

The module it writes imports on its own and ``Base.metadata.create_all(engine)``
builds the design's tables, keys, checks and indexes on PostgreSQL. What
SQLAlchemy cannot create (views, domains, policies, partitions...) is named
in a warning. ``SqlAlchemyWriter`` is shared with the SQLModel exporter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from designer.export.naming import (
    DesignNames,
    Relation,
    design_names,
    domain_lookup,
    enum_lookup,
    parse_type,
    unique_name,
    words,
)
from designer.schema.model import (
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    ForeignKey,
    Index,
    IndexPart,
    Schema,
    Table,
)
from designer.schema.sqltext import quote_ident
from designer.sql.ddl import ExportResult

WARN_LOST = "SQLAlchemy models cannot create {feature}: left out for {target}."
WARN_DOMAIN = "Column {target} uses domain {domain}: written as its base type {type}."
WARN_UNKNOWN_TYPE = "Type {type} of {target} has no SQLAlchemy type: written as a raw type."
WARN_NO_PK = (
    "Table {target} has no primary key; the ORM maps it on ({columns}) without adding a key."
)
WARN_REF_OUTSIDE = "Foreign key {name} on {target} references {ref}, which is not in the design."
WARN_IDENTITY_OPTIONS = "Identity options “{options}” of {target} are not all understood: {rest}."

RESERVED = frozenset({"metadata", "registry", "query", "__table__", "__tablename__"})
_IDENTITY_OPTION = re.compile(
    r"\s*(START WITH|INCREMENT BY|MINVALUE|MAXVALUE|CACHE)\s+(-?\d+)|\s*(NO CYCLE|CYCLE)", re.I
)
_IDENTITY_KW = {
    "START WITH": "start",
    "INCREMENT BY": "increment",
    "MINVALUE": "minvalue",
    "MAXVALUE": "maxvalue",
    "CACHE": "cache",
}
_ARRAY_SUFFIX = re.compile(r"(\[\d*\])+$")
ACTIONS = ("CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT")


@dataclass(frozen=True)
class MappedType:
    sa: str  # SQLAlchemy type expression
    py: str  # Python annotation
    text_like: bool = False  # takes a collation


# (SQLAlchemy type, Python type) for types without modifiers
_SIMPLE: dict[str, tuple[str, str]] = {
    "smallint": ("sa.SmallInteger()", "int"),
    "integer": ("sa.Integer()", "int"),
    "bigint": ("sa.BigInteger()", "int"),
    "real": ("sa.REAL()", "float"),
    "double precision": ("pg.DOUBLE_PRECISION()", "float"),
    "boolean": ("sa.Boolean()", "bool"),
    "date": ("sa.Date()", "datetime.date"),
    "interval": ("pg.INTERVAL()", "datetime.timedelta"),
    "uuid": ("sa.Uuid()", "uuid.UUID"),
    "jsonb": ("pg.JSONB()", "dict"),
    "json": ("pg.JSON()", "dict"),
    "bytea": ("sa.LargeBinary()", "bytes"),
    "inet": ("pg.INET()", "str"),
    "cidr": ("pg.CIDR()", "str"),
    "macaddr": ("pg.MACADDR()", "str"),
    "money": ("pg.MONEY()", "str"),
    "tsvector": ("pg.TSVECTOR()", "str"),
    "int4range": ("pg.INT4RANGE()", "Any"),
    "int8range": ("pg.INT8RANGE()", "Any"),
    "numrange": ("pg.NUMRANGE()", "Any"),
    "daterange": ("pg.DATERANGE()", "Any"),
    "tsrange": ("pg.TSRANGE()", "Any"),
    "tstzrange": ("pg.TSTZRANGE()", "Any"),
    "oid": ("pg.OID()", "int"),
    "citext": ("pg.CITEXT()", "str"),
    "xml": ("RawType('xml')", "str"),
}


def _ints(args: tuple[int, ...]) -> str:
    return ", ".join(str(a) for a in args)


@dataclass
class SqlAlchemyWriter:
    """Turns a design into SQLAlchemy source pieces; collects warnings and imports."""

    schema: Schema
    warnings: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    raw_type_used: bool = False

    def __post_init__(self) -> None:
        self.enums = enum_lookup(self.schema)
        self.domains = domain_lookup(self.schema)
        self.enum_vars: dict[tuple[str, str], str] = {}
        taken: set[str] = set()
        for e in sorted(self.schema.enums, key=lambda e: (e.schema, e.name)):
            var = "_".join(words(e.name)).upper() or "ENUM"
            if e.schema != "public":
                var = "_".join(words(e.schema)).upper() + "_" + var
            if not var.isidentifier():
                var = "ENUM_" + "".join(ch if ch.isalnum() else "_" for ch in var)
            self.enum_vars[(e.schema, e.name)] = unique_name(var + "_ENUM", taken)

    def lost(self, feature: str, target: str) -> None:
        self.warnings.append(WARN_LOST.format(feature=feature, target=target))

    # -- types -------------------------------------------------------------------------

    def mapped_type(self, type_text: str, target: str) -> MappedType:
        parsed = parse_type(type_text)
        if parsed.dims:
            inner = self.mapped_type(_ARRAY_SUFFIX.sub("", type_text), target)
            dims = f", dimensions={parsed.dims}" if parsed.dims > 1 else ""
            return MappedType(f"pg.ARRAY({inner.sa}{dims})", f"list[{inner.py}]")
        enum = self.enums.get(parsed.base)
        if enum is not None:
            return MappedType(self.enum_vars[(enum.schema, enum.name)], "str")
        domain = self.domains.get(parsed.base)
        if isinstance(domain, Domain):
            inner = self.mapped_type(domain.type, target)
            self.warnings.append(
                WARN_DOMAIN.format(target=target, domain=domain.qualified_name, type=domain.type)
            )
            return inner
        base, args = parsed.base, parsed.args
        if base in ("character varying", "text", "character"):
            if base == "text":
                return MappedType("sa.Text()", "str", text_like=True)
            if base == "character":
                return MappedType(f"sa.CHAR({_ints(args) or 1})", "str", text_like=True)
            return MappedType(f"sa.String({_ints(args)})", "str", text_like=True)
        if base == "numeric":
            return MappedType(f"sa.Numeric({_ints(args)})", "decimal.Decimal")
        if base.startswith("timestamp"):
            tz = "with time zone" in base
            if args:
                return MappedType(
                    f"pg.TIMESTAMP(timezone={tz}, precision={args[0]})", "datetime.datetime"
                )
            return MappedType(f"sa.DateTime(timezone={tz})", "datetime.datetime")
        if base.startswith("time "):
            tz = "with time zone" in base
            if args:
                return MappedType(f"pg.TIME(timezone={tz}, precision={args[0]})", "datetime.time")
            return MappedType(f"sa.Time(timezone={tz})", "datetime.time")
        if not args and base in _SIMPLE:
            sa_type, py = _SIMPLE[base]
            if sa_type.startswith("RawType"):
                self.raw_type_used = True
            return MappedType(sa_type, py)
        self.raw_type_used = True
        self.warnings.append(WARN_UNKNOWN_TYPE.format(type=type_text, target=target))
        return MappedType(f"RawType({type_text!r})", "Any")

    # -- pieces ------------------------------------------------------------------------

    def identity(self, col: Column, target: str) -> str:
        kwargs = [f"always={col.identity == 'ALWAYS'}"]
        rest = col.identity_options or ""
        for m in _IDENTITY_OPTION.finditer(col.identity_options or ""):
            if m.group(1):
                kwargs.append(f"{_IDENTITY_KW[m.group(1).upper()]}={int(m.group(2))}")
            else:
                kwargs.append(f"cycle={m.group(3).upper() == 'CYCLE'}")
            rest = rest.replace(m.group(0).strip(), "", 1)
        if rest.strip():
            self.warnings.append(
                WARN_IDENTITY_OPTIONS.format(
                    options=col.identity_options, target=target, rest=rest.strip()
                )
            )
        return f"sa.Identity({', '.join(kwargs)})"

    def fk_target(self, fk: ForeignKey, column: str) -> str:
        if fk.ref_schema == "public":
            return f"{fk.ref_table}.{column}"
        return f"{fk.ref_schema}.{fk.ref_table}.{column}"

    def fk_kwargs(self, fk: ForeignKey, target: str) -> list[str]:
        kwargs = []
        if fk.name:
            kwargs.append(f"name={fk.name!r}")
        if fk.on_delete in ACTIONS:
            kwargs.append(f"ondelete={fk.on_delete!r}")
        if fk.on_update in ACTIONS:
            kwargs.append(f"onupdate={fk.on_update!r}")
        if fk.match == "FULL":
            kwargs.append("match='FULL'")
        if fk.deferrable:
            kwargs.append("deferrable=True")
        if fk.initially_deferred:
            kwargs.append("initially='DEFERRED'")
        label = fk.name or ", ".join(fk.columns)
        if fk.not_valid:
            self.lost("NOT VALID foreign keys (created valid)", f"{target} ({label})")
        if fk.on_delete_columns:
            self.lost("ON DELETE SET NULL (columns)", f"{target} ({label})")
        if fk.period:
            self.lost("temporal (PERIOD) foreign keys", f"{target} ({label})")
        return kwargs

    def single_fks(self, table: Table) -> dict[str, ForeignKey]:
        """Foreign keys written on their column: one column, and only one FK on that column."""
        counts: dict[str, int] = {}
        for fk in table.foreign_keys:
            for c in fk.columns:
                counts[c] = counts.get(c, 0) + 1
        return {
            fk.columns[0]: fk
            for fk in table.foreign_keys
            if len(fk.columns) == 1 and counts[fk.columns[0]] == 1 and not fk.period
        }

    def column_args(
        self, table: Table, col: Column, *, pk_inline: bool, fk: ForeignKey | None
    ) -> tuple[MappedType, list[str], list[str]]:
        """(type, positional args after the type, keyword args) of one column."""
        target = f"{table.qualified_name}.{col.name}"
        mtype = self.mapped_type(col.type, target)
        sa_type = mtype.sa
        if col.collation:
            if mtype.text_like and sa_type.endswith("()"):
                sa_type = sa_type[:-1] + f"collation={col.collation!r})"
            elif mtype.text_like:
                sa_type = sa_type[:-1] + f", collation={col.collation!r})"
            else:
                self.lost("collations on non-text types", target)
        args = [sa_type]
        if fk is not None:
            kwargs = self.fk_kwargs(fk, table.qualified_name)
            args.append(
                f"sa.ForeignKey({self.fk_target(fk, fk.ref_columns[0])!r}"
                + "".join(", " + k for k in kwargs)
                + ")"
            )
        if col.identity:
            args.append(self.identity(col, target))
        if col.generated:
            persisted = col.generated_kind == "STORED"
            args.append(f"sa.Computed({col.generated!r}, persisted={persisted})")
        kw = []
        if pk_inline:
            kw.append("primary_key=True")
        pk_cols = table.primary_key.columns if table.primary_key else ()
        if col.name not in pk_cols:
            kw.append(f"nullable={col.nullable}")
        if col.default is not None and not col.identity and not col.generated:
            kw.append(f"server_default=sa.text({col.default!r})")
        if col.comment:
            kw.append(f"comment={col.comment!r}")
        return mtype, args, kw

    def index_element(self, part: IndexPart) -> tuple[str, str | None]:
        """(element expression, opclass for postgresql_ops or None)."""
        plain = not (part.collation or part.descending or part.nulls_first is not None)
        if part.column is not None and plain:
            return repr(part.column), part.opclass
        sql = quote_ident(part.column) if part.column is not None else f"({part.expression})"
        if part.collation:
            sql += f" COLLATE {part.collation}"
        if part.opclass:
            sql += f" {part.opclass}"
        if part.descending:
            sql += " DESC"
        if part.nulls_first is not None:
            sql += " NULLS FIRST" if part.nulls_first else " NULLS LAST"
        return f"sa.text({sql!r})", None

    def index(self, table: Table, index: Index) -> str:
        target = f"index {index.name} on {table.qualified_name}"
        elements, ops = [], {}
        for part in index.parts:
            expr, opclass = self.index_element(part)
            elements.append(expr)
            if opclass:
                ops[part.column] = opclass
        kw = []
        if index.unique:
            kw.append("unique=True")
        if index.method != "btree":
            kw.append(f"postgresql_using={index.method!r}")
        if index.where:
            kw.append(f"postgresql_where=sa.text({index.where!r})")
        if index.include:
            kw.append(f"postgresql_include={list(index.include)!r}")
        if ops:
            kw.append(f"postgresql_ops={ops!r}")
        if index.nulls_not_distinct:
            kw.append("postgresql_nulls_not_distinct=True")
        if index.with_options:
            kw.append(f"postgresql_with={_options(index.with_options)!r}")
        if index.tablespace:
            kw.append(f"postgresql_tablespace={index.tablespace!r}")
        if index.comment:
            self.lost("comments on indexes", target)
        return f"sa.Index({', '.join([repr(index.name), *elements, *kw])})"

    def exclude(self, table: Table, ex: ExcludeConstraint) -> str:
        elements, ops = [], {}
        for e in ex.elements:
            if e.expression in table.column_names:
                elements.append(f"({e.expression!r}, {e.operator!r})")
                if e.opclass:
                    ops[e.expression] = e.opclass
            else:
                elements.append(f"(sa.text({e.expression!r}), {e.operator!r})")
                if e.opclass:
                    self.lost(
                        "operator classes on exclusion expressions",
                        f"{table.qualified_name} ({ex.name or 'exclusion'})",
                    )
        kw = [f"using={ex.method!r}"]
        if ex.name:
            kw.append(f"name={ex.name!r}")
        if ex.where:
            kw.append(f"where=sa.text({ex.where!r})")
        if ops:
            kw.append(f"ops={ops!r}")
        if ex.include:
            self.lost("INCLUDE on exclusion constraints", table.qualified_name)
        if ex.deferrable:
            kw.append("deferrable=True")
        if ex.initially_deferred:
            kw.append("initially='DEFERRED'")
        return f"pg.ExcludeConstraint({', '.join([*elements, *kw])})"

    def table_args(self, table: Table, *, pk_inline: bool) -> list[str]:
        """Constraint and index expressions for ``__table_args__``, then the options dict."""
        target = table.qualified_name
        args: list[str] = []
        pk = table.primary_key
        if pk is not None and not pk_inline:
            kw = [repr(c) for c in pk.columns]
            if pk.name:
                kw.append(f"name={pk.name!r}")
            if pk.deferrable:
                kw.append("deferrable=True")
            if pk.initially_deferred:
                kw.append("initially='DEFERRED'")
            if pk.include:
                kw.append(f"postgresql_include={list(pk.include)!r}")
            if pk.without_overlaps:
                self.lost("WITHOUT OVERLAPS keys (created as plain keys)", f"{target} primary key")
            args.append(f"sa.PrimaryKeyConstraint({', '.join(kw)})")
        single = self.single_fks(table)
        for fk in table.foreign_keys:
            if fk.columns[0] in single and single[fk.columns[0]] is fk:
                continue
            kw = self.fk_kwargs(fk, target)
            refs = [self.fk_target(fk, c) for c in fk.ref_columns]
            args.append(
                f"sa.ForeignKeyConstraint({list(fk.columns)!r}, {refs!r}"
                + "".join(", " + k for k in kw)
                + ")"
            )
        for u in table.uniques:
            kw = [repr(c) for c in u.columns]
            if u.name:
                kw.append(f"name={u.name!r}")
            if u.nulls_not_distinct:
                kw.append("postgresql_nulls_not_distinct=True")
            if u.include:
                kw.append(f"postgresql_include={list(u.include)!r}")
            if u.deferrable:
                kw.append("deferrable=True")
            if u.initially_deferred:
                kw.append("initially='DEFERRED'")
            if u.without_overlaps:
                self.lost("WITHOUT OVERLAPS keys (created as plain keys)", f"{target} unique")
            args.append(f"sa.UniqueConstraint({', '.join(kw)})")
        for c in table.checks:
            kw = [repr(c.expression)] + ([f"name={c.name!r}"] if c.name else [])
            if c.not_valid or c.no_inherit:
                self.lost("NOT VALID or NO INHERIT checks", f"{target} ({c.name or c.expression})")
            args.append(f"sa.CheckConstraint({', '.join(kw)})")
        for ex in table.excludes:
            args.append(self.exclude(table, ex))
        for index in sorted(table.indexes, key=lambda i: i.name):
            args.append(self.index(table, index))
        options: dict[str, object] = {}
        if table.schema != "public":
            options["schema"] = table.schema
        if table.comment:
            options["comment"] = table.comment
        if table.partitioning:
            options["postgresql_partition_by"] = (
                f"{table.partitioning.strategy} ({table.partitioning.key})"
            )
        if table.inherits:
            options["postgresql_inherits"] = (
                list(table.inherits) if len(table.inherits) > 1 else table.inherits[0]
            )
        if table.with_options:
            options["postgresql_with"] = _options(table.with_options)
        if table.unlogged:
            options["prefixes"] = ["UNLOGGED"]
        if table.rls_enabled or table.rls_forced:
            self.lost("row-level security", target)
        for p in table.policies:
            self.lost("policies", f"{target} (policy {p.name})")
        if options:
            args.append(repr(options))
        return args

    def design_losses(self) -> None:
        s = self.schema
        for v in s.views:
            self.lost("views", v.qualified_name)
        for seq in s.sequences:
            self.lost("sequences (create them before create_all)", seq.qualified_name)
        for d in s.domains:
            self.lost("domains (columns use the base type)", d.qualified_name)
        for ext in s.extensions:
            self.lost("extensions (create them before create_all)", ext.name)
        for name in s.schemas:
            if name != "public":
                self.lost("schemas (create them before create_all)", name)
        for raw in s.raw:
            self.lost("raw SQL statements", raw.kind or raw.sql.split("\n", 1)[0][:60])


def _options(options: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for opt in options:
        key, _, value = opt.partition("=")
        out[key.strip()] = value.strip().strip("'")
    return out


def mapped_tables(schema: Schema, writer: SqlAlchemyWriter) -> list[Table]:
    """The tables an ORM can map: partitions (no columns of their own) are left out."""
    out = []
    for t in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        if t.partition_of is not None:
            writer.lost("partitions", t.qualified_name)
            continue
        out.append(t)
    return out


def enum_definition(enum: EnumType, var: str, metadata: str) -> str:
    kw = [repr(v) for v in enum.values] + [f"name={enum.name!r}"]
    if enum.schema != "public":
        kw.append(f"schema={enum.schema!r}")
    kw.append(f"metadata={metadata}")
    return f"{var} = pg.ENUM({', '.join(kw)})"


RAW_TYPE_CLASS = '''

class RawType(UserDefinedType):
    """A PostgreSQL type SQLAlchemy has no class for, written as the design spells it."""

    cache_ok = True

    def __init__(self, spec: str) -> None:
        self.spec = spec

    def get_col_spec(self, **kw: Any) -> str:
        return self.spec
'''


def no_pk_columns(table: Table) -> tuple[str, ...]:
    """Columns the ORM treats as identity of a table without a primary key."""
    for u in table.uniques:
        return u.columns
    return table.column_names


def relation_kwargs(rel: Relation, names: DesignNames, *, forward: bool) -> list[str]:
    child_cls = names.cls(rel.child)
    fk_attrs = ", ".join(f"{child_cls}.{names.attr(rel.child, c)}" for c in rel.fk.columns)
    kw = [
        f"back_populates={(rel.backward if forward else rel.forward)!r}",
        f"foreign_keys={'[' + fk_attrs + ']'!r}",
    ]
    if forward and rel.child is rel.parent:
        parent_cls = names.cls(rel.parent)
        remote = ", ".join(f"{parent_cls}.{names.attr(rel.parent, c)}" for c in rel.fk.ref_columns)
        kw.append(f"remote_side={'[' + remote + ']'!r}")
    return kw


def export_sqlalchemy(schema: Schema) -> ExportResult:
    """A Python module with one SQLAlchemy 2.0 declarative class per table."""
    w = SqlAlchemyWriter(schema)
    tables = mapped_tables(schema, w)
    names = design_names(schema, tables, reserved=RESERVED)
    for child, fk in names.dangling:
        w.warnings.append(
            WARN_REF_OUTSIDE.format(
                name=fk.name or ", ".join(fk.columns),
                target=child.qualified_name,
                ref=f"{fk.ref_schema}.{fk.ref_table}",
            )
        )
    body: list[str] = []
    for enum in sorted(schema.enums, key=lambda e: (e.schema, e.name)):
        body.append(enum_definition(enum, w.enum_vars[(enum.schema, enum.name)], "Base.metadata"))
    for table in tables:
        body.append("\n\n" + _class(table, w, names))
    w.design_losses()
    py_types = " ".join(body)
    header = [
        '"""SQLAlchemy 2.0 models generated by ERD Designer."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    std = [m for m in ("datetime", "decimal", "uuid") if f"{m}." in py_types]
    header += [f"import {m}" for m in std]
    header.append("from typing import Any")
    header.append("")
    header.append("import sqlalchemy as sa")
    header.append("from sqlalchemy.dialects import postgresql as pg")
    header.append("from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship")
    if w.raw_type_used:
        header.append("from sqlalchemy.types import UserDefinedType")
    header += ["", "", "class Base(DeclarativeBase):", "    pass"]
    if w.raw_type_used:
        header.append(RAW_TYPE_CLASS.rstrip("\n"))
    text = "\n".join(header) + "\n"
    if schema.enums:
        text += "\n\n" + "\n".join(b for b in body if not b.startswith("\n")) + "\n"
    text += "".join(b + "\n" for b in body if b.startswith("\n"))
    return ExportResult(text=text, warnings=tuple(dict.fromkeys(w.warnings)))


def _class(table: Table, w: SqlAlchemyWriter, names: DesignNames) -> str:
    cls = names.cls(table)
    pk = table.primary_key
    pk_inline = (
        pk is not None
        and len(pk.columns) == 1
        and pk.name is None
        and not (pk.include or pk.deferrable or pk.without_overlaps)
    )
    lines = [f"class {cls}(Base):"]
    if table.comment:
        lines.append(f"    # {' '.join(table.comment.split())}")
    lines.append(f"    __tablename__ = {table.name!r}")
    args = w.table_args(table, pk_inline=pk_inline)
    if args:
        lines.append("    __table_args__ = (")
        lines.extend(f"        {a}," for a in args)
        lines.append("    )")
    lines.append("")
    single = w.single_fks(table)
    column_lines = []
    for col in table.columns:
        fk = single.get(col.name)
        mtype, args, kw = w.column_args(
            table, col, pk_inline=pk_inline and pk is not None and pk.columns == (col.name,), fk=fk
        )
        attr = names.attr(table, col.name)
        if attr != col.name:
            args.insert(0, repr(col.name))
        py = mtype.py + (" | None" if col.nullable and mtype.py != "Any" else "")
        column_lines.append(f"    {attr}: Mapped[{py}] = mapped_column({', '.join(args + kw)})")
    lines += column_lines
    if pk is None:
        cols = no_pk_columns(table)
        w.warnings.append(WARN_NO_PK.format(target=table.qualified_name, columns=", ".join(cols)))
        # After the columns: the mapper arguments name them.
        attrs = ", ".join(names.attr(table, c) for c in cols)
        lines += ["", f'    __mapper_args__ = {{"primary_key": ({attrs},)}}']
    rel_lines = []
    for rel in names.relations:
        if rel.child is table:
            parent = names.cls(rel.parent)
            optional = any((c := table.column(n)) is None or c.nullable for n in rel.fk.columns)
            ann = f"{parent} | None" if optional else parent
            kw = relation_kwargs(rel, names, forward=True)
            rel_lines.append(f"    {rel.forward}: Mapped[{ann}] = relationship({', '.join(kw)})")
        if rel.parent is table:
            child = names.cls(rel.child)
            ann = f"{child} | None" if rel.one_to_one else f"list[{child}]"
            kw = relation_kwargs(rel, names, forward=False)
            rel_lines.append(f"    {rel.backward}: Mapped[{ann}] = relationship({', '.join(kw)})")
    if rel_lines:
        lines += ["", *rel_lines]
    return "\n".join(lines)
