"""The vocabulary generated designs are made of: names that need quoting, column types with
the defaults PostgreSQL stores for them, and the namer of indexes and constraints
(``tests/strategies/designs.py`` builds designs and their changes from them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hypothesis import strategies as st

from designer.schema.model import Column
from designer.schema.sqltext import normalize_expr, quote_ident

OTHER_SCHEMA = "Sales Dept"
# Plain names first: hypothesis shrinks towards the start of a list.
NAMES = (
    "a",
    "b",
    "c",
    "name",
    "status",
    "order",
    "user",
    "select",
    "group",
    "Mixed",
    "two words",
    'say "hi"',
    "größe",
    "名前",
    "x" * 40,
    "a_name_that_is_exactly_sixty_three_characters_long_for_postgres",
)
ENUM = "Mood"
ENUM_VALUES = ("happy", "it's sad")
DOMAIN = "positive_int"


@dataclass(frozen=True)
class TypeSpec:
    """A column type with the defaults PostgreSQL stores for it (``pg_get_expr`` text)."""

    type: str
    defaults: tuple[str, ...]
    key: bool = True  # can be a primary/unique key or index part
    text: bool = False  # lower(col) makes sense
    integer: bool = False  # col > 0 makes sense


ENUM_TYPE = quote_ident(ENUM)
DOMAIN_TYPE = DOMAIN
TYPES: tuple[TypeSpec, ...] = (
    TypeSpec("integer", ("0", "42"), integer=True),
    TypeSpec("text", ("'pending'::text", "''::text"), text=True),
    TypeSpec("character varying(40)", ("'new'::character varying",), text=True),
    TypeSpec("character varying(800)", ("'new'::character varying",), text=True),
    TypeSpec("character varying(20000)", (), text=True),
    TypeSpec("character(3)", ("'abc'::bpchar",)),
    TypeSpec(
        "timestamp without time zone",
        ("now()", "'2024-01-01 00:00:00'::timestamp without time zone"),
    ),
    TypeSpec("bytea", ("'\\x00'::bytea",)),
    TypeSpec("bigint", ("1",), integer=True),
    TypeSpec("boolean", ("true", "false")),
    TypeSpec("numeric(10,2)", ("0",)),
    TypeSpec("date", ("CURRENT_DATE",)),
    TypeSpec("timestamp with time zone", ("now()",)),
    TypeSpec("uuid", ("gen_random_uuid()",)),
    TypeSpec("jsonb", ("'{}'::jsonb",), key=False),
    TypeSpec("text[]", ("'{}'::text[]",), key=False),
    TypeSpec(ENUM_TYPE, (f"'happy'::{ENUM_TYPE}",)),
    TypeSpec(DOMAIN_TYPE, ("1",), integer=True),
    TypeSpec("smallint", ("7",), integer=True),
)
# Types of columns drawn apart from TYPES: an extension's type, and a range for EXCLUDE.
CITEXT = TypeSpec("citext", ("'x'::citext",), text=True)
RANGE = TypeSpec("int4range", (), key=False)
SPEC = {t.type: t for t in (*TYPES, CITEXT, RANGE)}
EXTENSIONS = ("btree_gist", "citext")  # trusted: a database owner may create them
COMMENTS = ("A comment", 'It\'s ünïcode -- with $$ and \\ and "quotes"\nand a line')


def _unique_names(draw: st.DrawFn, n: int, taken: Iterable[str] = ()) -> list[str]:
    """``n`` names not in ``taken``, from the pool, numbered when the pool runs out."""
    used = set(taken)
    out: list[str] = []
    for _ in range(n):
        name = draw(st.sampled_from(NAMES))
        base, i = name, 2
        while name in used:  # numbered within PostgreSQL's 63 bytes
            name, i = f"{base[: 60 - len(str(i))]}_{i}", i + 1
        used.add(name)
        out.append(name)
    return out


def _expr(text: str) -> str:
    return normalize_expr(text)


def _positive(column: Column) -> str:
    """``column > 0`` as PostgreSQL stores it (a domain is cast to its base type)."""
    cast = "::integer" if column.type == DOMAIN_TYPE else ""
    return _expr(f"{quote_ident(column.name)}{cast} > 0")


@st.composite
def _column(draw: st.DrawFn, name: str, *, key: bool = False) -> Column:
    spec = draw(st.sampled_from([t for t in TYPES if t.key or not key]))
    default = draw(st.none() | st.sampled_from(spec.defaults).map(_expr)) if spec.defaults else None
    comment = draw(st.none() | st.sampled_from(COMMENTS))
    # "C" and "POSIX" ship with every server; a key column's index follows its collation
    collation = draw(st.sampled_from((None, None, "C", "POSIX"))) if spec.text else None
    return Column(
        name=name,
        type=spec.type,
        nullable=not key and draw(st.booleans()),
        default=default,
        collation=collation,
        comment=comment,
    )


class Namer:
    """Names of indexes and constraints: unique per schema (PostgreSQL's rule for indexes,
    and simplest for constraints), short enough to never be truncated."""

    def __init__(self, prefix: str = "") -> None:
        self.n = 0
        self.prefix = prefix

    def __call__(self, kind: str) -> str:
        self.n += 1
        return f"{self.prefix}{kind}_{self.n}"
