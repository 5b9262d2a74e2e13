"""Column types: the PostgreSQL wiki's "Don't Do This" list and its neighbours."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial

from designer.advisor import fixes
from designer.advisor.engine import Context, Finding, Fix, finding, rule
from designer.advisor.rules._common import INTEGER_TYPES, obj, split_array
from designer.schema.model import Column, Schema, Table

DONT_DO_THIS = "PostgreSQL wiki: Don't Do This"

# Lengths people type without a reason: MySQL's old 255 limit, powers of two, round numbers.
# 32, 64 and 128 are left out on purpose: they are the hex lengths of MD5, SHA-256 and SHA-512.
REFLEXIVE_LENGTHS = frozenset(
    {50, 100, 150, 200, 250, 255, 256, 500, 512, 1000, 1024, 2000, 2048, 4000, 4096, 8000}
)
_VARCHAR = re.compile(r"character varying\((\d+)\)\Z")
_CHAR = re.compile(r"character(\(\d+\))?\Z")
_TIMESTAMP = re.compile(r"timestamp(\(\d+\))? without time zone\Z")
_TIMESTAMP_ZERO = re.compile(r"timestamp\(0\) with(out)? time zone\Z")
_TIMETZ = re.compile(r"time(\(\d+\))? with time zone\Z")
# Words that mark an amount of money: substrings (they survive "unitprice") and whole words.
MONEY_SUBSTRINGS = ("price", "amount", "balance", "salary", "subtotal", "revenue")
MONEY_WORDS = frozenset(
    {"total", "cost", "costs", "fee", "fees", "tax", "charge", "credit", "debit", "payment"}
    | {"refund", "discount", "wage", "wages", "budget", "paid", "due", "money", "price"}
)
_AUDIT_TIMESTAMP = re.compile(
    r"((created|inserted|updated|modified|changed)_(at|on|date|time)"
    r"|date_(created|updated|modified)|last_(update|updated|modified))\Z"
)


def _typed(
    ctx: Context, test: Callable[[str], bool], *, resolve_domains: bool = False
) -> Iterator[tuple[Table, Column, str, str]]:
    """``(table, column, base type, array suffix)`` for columns whose base type passes
    ``test``; each distinct type is tested once."""
    for type_text in sorted(ctx.columns_by_type):
        base, array = split_array(ctx.base_type(type_text) if resolve_domains else type_text)
        if test(base):
            for t, c in ctx.columns_by_type[type_text]:
                yield t, c, base, array


_KEY_TYPES = INTEGER_TYPES | frozenset(fixes.SERIAL_BASE)


def _is_reflexive_varchar(base: str) -> bool:
    m = _VARCHAR.match(base)
    return m is not None and int(m.group(1)) in REFLEXIVE_LENGTHS


def _retype_fix(t: Table, c: Column, new_type: str, note: str = "") -> Fix:
    return Fix(
        f"Change {t.name}.{c.name} to {new_type}{note}",
        partial(fixes.change_column_type, table=t.qualified_name, column=c.name, new_type=new_type),
    )


@rule(
    "varchar-arbitrary-length",
    "warning",
    title="character varying with a reflexive length",
    rationale=(
        "In PostgreSQL varchar(n) is no faster or smaller than text; a length like 255 only "
        "rejects real data later. Use text, and a CHECK on char_length() where a limit is a "
        "real business rule."
    ),
    references=f"{DONT_DO_THIS} (varchar(n) by default); PostgreSQL docs 8.3 Character Types",
)
def varchar_arbitrary_length(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, base, array in _typed(ctx, _is_reflexive_varchar):
        length = base[base.index("(") + 1 : -1]
        yield finding(
            "varchar-arbitrary-length",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} is {c.type}; the limit of {length} looks arbitrary.",
            _retype_fix(t, c, "text" + array, f" (drops the {length}-character limit)"),
        )


@rule(
    "char-n",
    "warning",
    title="character(n)",
    rationale=(
        "char(n) pads values with spaces that comparisons, casts and clients treat "
        "inconsistently, and it is not faster than text; even fixed-length codes are better "
        "as text with a CHECK."
    ),
    references=f"{DONT_DO_THIS} (char(n)); PostgreSQL docs 8.3 Character Types",
)
def char_n(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, _, _ in _typed(ctx, lambda base: _CHAR.match(base) is not None):
        yield finding(
            "char-n",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} is {c.type}, which pads with spaces.",
        )


@rule(
    "money-type",
    "warning",
    title="The money type",
    rationale=(
        "money has a fixed fraction taken from the lc_monetary setting, so the same data reads "
        "differently on another server, and it cannot hold a currency; use numeric (and a "
        "currency column). No automatic fix: the right scale depends on lc_monetary and "
        "clients that parse money's formatted output need changing too."
    ),
    references=f"{DONT_DO_THIS} (money); PostgreSQL docs 8.2 Monetary Types",
)
def money_type(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, _, _ in _typed(ctx, lambda base: base == "money"):
        yield finding(
            "money-type",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} uses the money type.",
        )


def _sounds_like_money(name: str) -> bool:
    lowered = name.lower()
    if any(s in lowered for s in MONEY_SUBSTRINGS):
        return True
    return any(w in MONEY_WORDS for w in re.split(r"[_\W]+", lowered))


@rule(
    "float-for-money",
    "warning",
    title="Floating-point type for an amount of money",
    rationale=(
        "real and double precision are binary approximations: 0.1 + 0.2 is not 0.3, so sums "
        "of prices drift by cents. Amounts belong in numeric (or integer minor units)."
    ),
    references="PostgreSQL docs 8.1.3 Floating-Point Types; Azimutt: float for money",
)
def float_for_money(schema: Schema, ctx: Context) -> Iterator[Finding]:
    floats = _typed(ctx, lambda base: base in ("real", "double precision"), resolve_domains=True)
    for t, c, _, _ in floats:
        if _sounds_like_money(c.name):
            yield finding(
                "float-for-money",
                obj(t, c.name),
                t.qualified_name,
                f"{t.qualified_name}.{c.name} looks like an amount of money but is {c.type}.",
            )


@rule(
    "timestamp-without-tz",
    "warning",
    title="timestamp without time zone",
    rationale=(
        "timestamp without time zone records a wall-clock reading, not a moment: the same "
        "value means different instants to clients in different zones and across DST. "
        "timestamptz stores an instant in the same 8 bytes."
    ),
    references=f"{DONT_DO_THIS} (timestamp without time zone); PostgreSQL docs 8.5.1.3",
)
def timestamp_without_tz(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, base, array in _typed(ctx, lambda base: _TIMESTAMP.match(base) is not None):
        new = base.replace(" without time zone", " with time zone") + array
        yield finding(
            "timestamp-without-tz",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} is {c.type}.",
            _retype_fix(t, c, new),
        )


@rule(
    "timestamp-zero-precision",
    "info",
    title="timestamp(0) rounds instead of truncating",
    rationale=(
        "Precision 0 rounds to the nearest second, so a value can land up to half a second in "
        "the future; use full precision and date_trunc() when displaying."
    ),
    references=f"{DONT_DO_THIS} (timestamp(0) or timestamptz(0))",
)
def timestamp_zero_precision(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, base, array in _typed(ctx, lambda base: _TIMESTAMP_ZERO.match(base) is not None):
        yield finding(
            "timestamp-zero-precision",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} is {c.type}, which rounds to whole seconds.",
            _retype_fix(t, c, base.replace("(0)", "") + array),
        )


@rule(
    "timetz-type",
    "warning",
    title="time with time zone",
    rationale=(
        "A time of day with an offset is meaningless without a date (the offset changes with "
        "DST). Store a timestamptz, or a time plus a time-zone name. No automatic fix: there "
        "is no date to build a timestamp from."
    ),
    references=f"{DONT_DO_THIS} (timetz); PostgreSQL docs 8.5.1.2 Times",
)
def timetz(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, _, _ in _typed(ctx, lambda base: _TIMETZ.match(base) is not None):
        yield finding(
            "timetz-type",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} is {c.type}.",
        )


@rule(
    "json-not-jsonb",
    "warning",
    title="json instead of jsonb",
    rationale=(
        "json stores the text and reparses it on every access and cannot be indexed with GIN; "
        "jsonb is the right default unless key order or duplicate keys must be kept verbatim."
    ),
    references="PostgreSQL docs 8.14 JSON Types; Azimutt: json column",
)
def json_not_jsonb(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, _, array in _typed(ctx, lambda base: base == "json"):
        yield finding(
            "json-not-jsonb",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} is json.",
            _retype_fix(t, c, "jsonb" + array),
        )


@rule(
    "serial-not-identity",
    "warning",
    title="serial or nextval() default instead of an identity column",
    rationale=(
        "serial is a macro for a separately owned sequence: grants, dumps and copies of the "
        "table handle it badly. GENERATED … AS IDENTITY is the SQL-standard, self-contained "
        "replacement."
    ),
    references=f"{DONT_DO_THIS} (serial); PostgreSQL docs CREATE TABLE … GENERATED AS IDENTITY",
)
def serial_not_identity(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, _, _ in _typed(ctx, lambda base: base in _KEY_TYPES):
        if c.identity is not None:
            continue
        serial = c.type in fixes.SERIAL_BASE
        if not serial and not (
            c.type in INTEGER_TYPES and fixes.nextval_sequence(c.default) is not None
        ):
            continue
        target = fixes.SERIAL_BASE.get(c.type, c.type)
        what = c.type if serial else f"{c.type} with a nextval() default"
        yield finding(
            "serial-not-identity",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} is {what}.",
            Fix(
                f"Make {t.name}.{c.name} {target} GENERATED BY DEFAULT AS IDENTITY",
                partial(fixes.column_to_identity, table=t.qualified_name, column=c.name),
            ),
        )


@rule(
    "nullable-boolean",
    "info",
    title="Nullable boolean",
    rationale=(
        "A nullable boolean has three values; WHERE NOT flag silently skips the NULL rows. "
        "Declare NOT NULL with a default unless 'unknown' is a real answer."
    ),
    references="PostgreSQL docs 9.1 Logical Operators (three-valued logic); Azimutt",
)
def nullable_boolean(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for t, c, _, _ in _typed(ctx, lambda base: base == "boolean", resolve_domains=True):
        if c.nullable and c.generated is None:
            yield finding(
                "nullable-boolean",
                obj(t, c.name),
                t.qualified_name,
                f"{t.qualified_name}.{c.name} is a nullable boolean.",
            )


@rule(
    "timestamp-no-default",
    "info",
    title="Audit timestamp without a default",
    rationale=(
        "created_at-style columns are only trustworthy when the database fills them; without "
        "a DEFAULT every insert path must remember to. (updated_at also needs a trigger.)"
    ),
    references="Azimutt: missing default on audit column",
)
def timestamp_no_default(schema: Schema, ctx: Context) -> Iterator[Finding]:
    audit = [
        pair
        for name, pairs in ctx.columns_by_name.items()
        if _AUDIT_TIMESTAMP.match(name)
        for pair in pairs
    ]
    for t, c in audit:
        if c.default is not None or c.generated is not None or c.identity is not None:
            continue
        base = ctx.base_type(c.type)
        default = None
        if base.startswith("timestamp"):
            default = "now()"
        elif base == "date":
            default = "CURRENT_DATE"
        fix = None
        if default is not None:
            fix = Fix(
                f"Set the default of {t.name}.{c.name} to {default}",
                partial(
                    fixes.set_column_default,
                    table=t.qualified_name,
                    column=c.name,
                    default=default,
                ),
            )
        yield finding(
            "timestamp-no-default",
            obj(t, c.name),
            t.qualified_name,
            f"{t.qualified_name}.{c.name} has no default.",
            fix,
        )


@rule(
    "enum-single-value",
    "info",
    title="Enum with fewer than two values",
    rationale=(
        "An enum with one value carries no information; it is usually a placeholder that "
        "should be a boolean, a lookup table or removed."
    ),
    references="Azimutt: enum with one value",
)
def enum_single_value(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for e in schema.enums:
        if len(e.values) < 2:
            has = f"a single value, {e.values[0]!r}" if e.values else "no values"
            yield finding(
                "enum-single-value",
                e.qualified_name,
                None,
                f"Enum {e.qualified_name} has {has}.",
            )
