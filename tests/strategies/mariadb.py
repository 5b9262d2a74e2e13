"""Hypothesis strategies for the MySQL/MariaDB export: ``mariadb_designs()`` adds to a random
design (``designs.designs``) what those engines limit or refuse as PostgreSQL writes it."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st
from strategies.designs import OTHER_SCHEMA, _expr, designs

from designer.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import quote_ident

# -- MariaDB / MySQL: designs that meet their limits ---------------------------------------------

# Defaults of every kind the model holds (as PostgreSQL stores them), on each type, including
# those MySQL refuses as they are: infinities, zone offsets, NaN, money, over-long strings,
# fractions on integers, interval arithmetic, bytea and bit strings.
MARIADB_DEFAULTS: dict[str, tuple[str, ...]] = {
    "timestamp without time zone": (
        "now()",
        "CURRENT_DATE",
        "(now() - '1 day'::interval)",
        "(now() + '2 mons'::interval)",
        "(now() - '01:30:00'::interval)",
        "'-infinity'::timestamp without time zone",
        "'infinity'::timestamp without time zone",
        "'1970-01-01 00:00:00'::timestamp without time zone",
        "'2024-01-01 08:00:00+00'::timestamp with time zone",
        "'2024-01-01 10:00:00.123457'::timestamp without time zone",
    ),
    "timestamp(0) with time zone": (
        "now()",
        "CURRENT_TIMESTAMP",
        "'infinity'::timestamp with time zone",
        "'2024-06-30 23:30:00-02'::timestamp with time zone",
        "(CURRENT_DATE + '1 day'::interval)",
    ),
    "date": (
        "CURRENT_DATE",
        "now()",
        "'infinity'::date",
        "'-infinity'::date",
        "(CURRENT_DATE + 7)",
        "'2024-01-01'::date",
    ),
    "time without time zone": (
        "CURRENT_TIME",
        "'10:00:00'::time without time zone",
        "'00:00:00+02'::time with time zone",
        "'2024-01-01 10:00:00+00'::timestamp with time zone",
    ),
    "integer": ("0", "-1", "'12.50'::numeric", "'NaN'::numeric", "'Infinity'::double precision"),
    "smallint": ("7", "'1e3'::numeric"),
    "numeric(6,2)": ("'12.50'::numeric", "'NaN'::numeric", "'$1.00'::money"),
    "double precision": ("1.5", "'Infinity'::double precision", "'-Infinity'::double precision"),
    "money": ("'$1,000.00'::money", "0"),
    "character(4)": ("'abcd'::bpchar", "'default_char'::bpchar", "'ab  '::bpchar"),
    "character(300)": ("'x'::bpchar",),  # over CHAR's 255
    "numeric(70,2)": ("'12.50'::numeric",),  # over DECIMAL's 65 digits
    "bit(100)": (),  # over BIT's 64
    "character varying(8)": ("'x'::character varying", "'default_varchar'::character varying"),
    "text": ("'a''b'::text", "''::text", "(now())::text"),
    "bytea": ("'\\x00ff'::bytea", "''::bytea", "'\\x'::bytea"),
    "bit(4)": ("'0101'::\"bit\"",),
    "boolean": ("true", "false"),
    "uuid": ("gen_random_uuid()",),
    "text[]": ("'{}'::text[]",),
}
# String widths of wide tables: up to VARCHAR's 16383 utf8mb4 characters, and widths either
# side of 63 characters (252 bytes: InnoDB keeps the column in the row; 64: it can move it).
WIDE_VARCHARS = (10, 40, 63, 64, 255, 1000, 5000, 16383)
LONG_NAME = "m_wide_table_" + "w" * 50  # 63 characters: PostgreSQL's limit


@st.composite
def _mariadb_defaults_table(draw: st.DrawFn, schema: str) -> Table:
    types = draw(st.lists(st.sampled_from(sorted(MARIADB_DEFAULTS)), min_size=1, max_size=8))
    # names MySQL refuses as they are: an emoji, a trailing space (PostgreSQL takes both)
    odd = draw(st.sampled_from(("", " ", "\N{GRINNING FACE}")))
    identity = draw(st.sampled_from((None, "BY DEFAULT")))
    columns = [Column("id", "integer", nullable=False, identity=identity)]
    # a generated column over the key (AUTO_INCREMENT when identity: MySQL refuses that), and
    # a column and an index named as others but for case (MySQL compares names without case)
    columns.append(Column("g", "integer", generated=_expr("id * 2"), generated_kind="STORED"))
    columns.append(Column("ID", "integer", nullable=draw(st.booleans())))
    for i, type_ in enumerate(types):
        options = MARIADB_DEFAULTS[type_]
        default = draw(st.sampled_from(options).map(_expr)) if options else None
        nullable = draw(st.booleans())
        columns.append(Column(f"d{i}{odd}", type_, nullable=nullable, default=default))
    last = columns[-1]
    checks = (CheckConstraint(_expr('"ID" > 0'), name="m_ck_id"),)
    if last.type == "integer":
        checks += (CheckConstraint(_expr(f"{quote_ident(last.name)} > -5"), name="m_ck"),)
    first = columns[3]
    keyable = first.type not in ("text[]", "bytea", "text")
    indexes = (Index(f"m_ix{odd}", (IndexPart(column=first.name),)),) if keyable else ()
    indexes += (Index(f"M_IX{odd}", (IndexPart(column="ID"),)),)
    return Table(
        name=f"m_defaults{odd}",
        schema=schema,
        columns=tuple(columns),
        primary_key=PrimaryKey(("id",)),
        checks=checks,
        indexes=indexes,
        id="m:defaults",
    )


@st.composite
def _mariadb_wide_table(draw: st.DrawFn, schema: str) -> Table:
    """Many string columns (over the 65,535-byte row or the 8,126-byte InnoDB page), some in
    keys, under a 63-character name that a schema prefix takes over MySQL's 64."""
    # narrow strings alone fill InnoDB's page first; wide ones the server's row
    pool = draw(st.sampled_from((WIDE_VARCHARS[:3], WIDE_VARCHARS)))
    n = draw(st.integers(10, 80))
    widths = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    columns = [Column("id", "bigint", nullable=False)]
    for i, width in enumerate(widths):
        type_ = f"character varying({width})" if i % 5 else f"character({min(width, 255)})"
        columns.append(Column(f"v{i}", type_, nullable=draw(st.booleans())))
    keyed = draw(st.lists(st.sampled_from(columns[1:]), min_size=1, max_size=3, unique=True))
    return Table(
        name=LONG_NAME,
        schema=schema,
        columns=tuple(columns),
        primary_key=PrimaryKey(("id",)),
        uniques=(UniqueConstraint(tuple(c.name for c in keyed), name=f"m_{LONG_NAME[:61]}"),),
        indexes=(Index(f"m_ix_{LONG_NAME[:58]}", (IndexPart(column=keyed[0].name),)),),
        id="m:wide",
    )


def _mariadb_text_keys(schema: str) -> tuple[Table, Table]:
    """Keys over text and bytea: a text primary key referenced by a foreign key, a unique
    text column, plain indexes over bytea and over text with the key."""
    parent = Table(
        name="m_text_parent",
        schema=schema,
        columns=(
            Column("code", "text", nullable=False),
            Column("body", "text"),
            Column("blob", "bytea"),
            Column("notes", "text"),
        ),
        primary_key=PrimaryKey(("code",)),
        uniques=(UniqueConstraint(("body",), name="m_text_body_key"),),
        indexes=(
            Index("m_text_blob_ix", (IndexPart(column="blob"),)),
            Index("m_text_notes_ix", (IndexPart(column="notes"), IndexPart(column="code"))),
        ),
        id="m:text_parent",
    )
    child = Table(
        name="m_text_child",
        schema=schema,
        columns=(Column("id", "integer", nullable=False), Column("parent_code", "text")),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(
            ForeignKey(
                ("parent_code",), "m_text_parent", ("code",), ref_schema=schema, name="m_fk"
            ),
        ),
        id="m:text_child",
    )
    return parent, child


@st.composite
def mariadb_designs(draw: st.DrawFn) -> Schema:
    """A random design (``designs``) with what MySQL and MariaDB limit added: a table of
    defaults of every kind on every type, CHECKs, a wide table, keys over text, long names."""
    base = draw(designs(max_tables=2, partitions=draw(st.booleans())))
    schema = draw(st.sampled_from(("public", OTHER_SCHEMA)))
    extra = [draw(_mariadb_defaults_table(schema)), draw(mariadb_checks_table(schema))]
    if draw(st.booleans()):
        extra.append(draw(_mariadb_wide_table(draw(st.sampled_from(("public", OTHER_SCHEMA))))))
    if draw(st.booleans()):
        extra.extend(_mariadb_text_keys(schema))
    schemas = {t.schema for t in (*base.tables, *extra)} - {"public"}
    return replace(base, tables=(*base.tables, *extra), schemas=tuple(sorted(schemas)))


# CHECKs as PostgreSQL stores them that MySQL refuses or lacks (the current time, functions it
# has not, jsonb operators) beside ones it writes, on the columns of ``_mariadb_checks_table``.
MARIADB_CHECKS = (
    "born <= CURRENT_DATE",
    "at <= now()",
    "char_length(name) <= 50",
    "name ~* '^[a-z]'::text",
    "name ~ '^[A-Z]'::text",
    "name ~~* 'a%'::text",
    "array_length(tags, 1) > 0",
    "doc ? 'a'::text",
    "date_part('year'::text, born) > 1900::double precision",
    "split_part(name, '@'::text, 2) <> ''::text",
    "to_char(at, 'YYYY'::text) > '2000'::text",
    "n % 2 = 0",
    "num_nonnulls(n, born) >= 1",
)


@st.composite
def mariadb_checks_table(draw: st.DrawFn, schema: str) -> Table:
    """A table with CHECKs drawn from ``MARIADB_CHECKS``."""
    bodies = draw(st.lists(st.sampled_from(MARIADB_CHECKS), min_size=1, max_size=5, unique=True))
    return Table(
        name="m_checks",
        schema=schema,
        columns=(
            Column("n", "integer"),
            Column("name", "text"),
            Column("born", "date"),
            Column("at", "timestamp without time zone"),
            Column("tags", "text[]"),
            Column("doc", "jsonb"),
        ),
        checks=tuple(
            CheckConstraint(_expr(body), name=f"m_ck_{i}") for i, body in enumerate(bodies)
        ),
        id="m:checks",
    )
