"""Column values that look like what the column's name says, generated a chunk at a time.

Realistic words come from Faker, seeded: a pool of a few hundred values per kind (names,
cities, companies, sentences, ...) is drawn once and sampled with the generator's own
``random.Random``, which keeps a million rows fast and the output repeatable. Uniqueness
comes from the row number (``anna.smith.1234@example.com``), never from luck.

A generator is ``gen(start, n, done) -> list[str | None]``: the text form of ``n`` values for
rows ``start ..``, with ``done`` the values of the columns generated before it in the chunk
(so ``updated_at`` can follow ``created_at``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import uuid
from collections.abc import Callable
from functools import lru_cache

from designer.workbench.checks import Bounds

Generator = Callable[[int, int, dict[str, list]], list]

# Dates are drawn relative to a fixed day, so a seed gives the same rows on any day.
REFERENCE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
DAY = 86400.0
YEAR = 365 * DAY
POOL_SIZE = 500

_POOLS: dict[str, Callable[..., str]] = {
    "first_name": lambda f: f.first_name(),
    "last_name": lambda f: f.last_name(),
    "name": lambda f: f.name(),
    "company": lambda f: f.company(),
    "city": lambda f: f.city(),
    "country": lambda f: f.country(),
    "address": lambda f: f.street_address(),
    "phone": lambda f: f.numerify("+1-###-###-####"),
    "postcode": lambda f: f.postcode(),
    "word": lambda f: f.word(),
    "title": lambda f: f.catch_phrase(),
    "sentence": lambda f: f.sentence(nb_words=10),
    "paragraph": lambda f: f.paragraph(nb_sentences=3),
    "url": lambda f: f.url(),
    "username": lambda f: f.user_name(),
    "job": lambda f: f.job(),
    "color": lambda f: f.color_name(),
    "state": lambda f: f.state(),
}

# column-name pattern -> pool kind (first match wins; names are lower case)
_TEXT_KINDS: tuple[tuple[str, str], ...] = (
    (r"email", "email"),
    (r"first_?name|given_?name|forename", "first_name"),
    (r"last_?name|surname|family_?name", "last_name"),
    (r"user_?name|login|handle|nick", "username"),
    (r"phone|mobile|tel|fax", "phone"),
    (r"city|town", "city"),
    (r"country", "country"),
    (r"state|province|region", "state"),
    (r"zip|postcode|postal", "postcode"),
    (r"address|street|line_?\d", "address"),
    (r"company|organi[sz]ation|employer|vendor|supplier|brand", "company"),
    (r"url|website|link|homepage|href", "url"),
    (r"slug|sku|code|ref|token|key|hash", "code"),
    (r"currency", "currency"),
    (r"colou?r", "color"),
    (r"job|occupation|position|role", "job"),
    (r"title|subject|headline|summary|label", "title"),
    (r"description|body|content|text|comment|note|bio|message|details|review", "paragraph"),
    (r"status|state|kind|type|category|level|stage|tier", "status"),
    (r"name", "name"),
)
_CURRENCIES = ("EUR", "USD", "GBP", "JPY", "CHF", "SEK")
_STATUSES = ("active", "pending", "archived", "draft", "done", "cancelled")

# column-name pattern -> (low, high) for numbers without CHECK bounds
_NUMBER_RANGES: tuple[tuple[str, float, float], ...] = (
    (r"price|amount|total|cost|balance|fee|salary|revenue|subtotal|tax", 1, 1000),
    (r"qty|quantity|count|number_of|num_", 1, 20),
    (r"age$", 18, 90),
    (r"rating|stars|score", 1, 5),
    (r"percent|pct|rate", 0, 100),
    (r"year", 1990, 2026),
    (r"lat(itude)?$", -90, 90),
    (r"lon(gitude)?$|lng$", -180, 180),
    (r"weight|height|width|length|size|duration|minutes|seconds", 1, 500),
    (r"position|sort|order|rank|priority|version", 1, 100),
)
_LATER = re.compile(
    r"(updated|modified|changed|finished|completed|closed|ended|resolved)(_at|_on)?$"
)
_START = re.compile(r"(created|inserted|started|opened|registered|joined|added)(_at|_on)?$")
_FUTURE = re.compile(r"expir|due|valid_until|ends?_|deadline|scheduled")
_BIRTH = re.compile(r"birth|dob")
_SOFT_DELETE = re.compile(r"deleted|archived|cancel+ed|revoked")


@lru_cache(maxsize=32)
def pool(kind: str, seed: int) -> tuple[str, ...]:
    """POOL_SIZE realistic values of ``kind``, the same for the same seed."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    make = _POOLS[kind]
    return tuple(make(fake) for _ in range(POOL_SIZE))


def text_kind(name: str) -> str:
    lowered = name.lower()
    for pattern, kind in _TEXT_KINDS:
        if re.search(pattern, lowered):
            return kind
    return "word"


def number_range(name: str) -> tuple[float, float]:
    lowered = name.lower()
    for pattern, low, high in _NUMBER_RANGES:
        if re.search(pattern, lowered):
            return low, high
    return 1, 1000


def _fit(text: str, limit: int | None, suffix: str = "") -> str:
    if limit is None:
        return text + suffix
    room = max(limit - len(suffix), 0)
    return text[:room] + suffix if room or suffix else text[:limit]


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def text_values(
    name: str, *, rng: random.Random, seed: int, limit: int | None, unique: bool, bounds: Bounds
) -> Generator:
    """Text for a column called ``name`` (at most ``limit`` characters)."""
    if bounds.max_length is not None:
        limit = bounds.max_length if limit is None else min(limit, bounds.max_length)
    if bounds.choices is not None and not unique:
        choices = bounds.choices
        return lambda start, n, done: rng.choices(choices, k=n)
    if bounds.pattern is not None:
        matching = pattern_values(bounds.pattern, rng, unique=unique)
        if matching is not None:
            return matching
    kind = text_kind(name)
    minimum = max(bounds.min_length, 1)
    if kind == "email":
        firsts, lasts = pool("first_name", seed), pool("last_name", seed)

        def emails(start: int, n: int, done: dict[str, list]) -> list:
            picks = rng.choices(range(POOL_SIZE), k=n)
            return [
                _fit(
                    f"{firsts[p]}.{lasts[(p * 7) % POOL_SIZE]}".lower(), limit, f".{i}@example.com"
                )
                if unique
                else _fit(f"{firsts[p]}.{lasts[(p * 7) % POOL_SIZE]}@example.com".lower(), limit)
                for p, i in zip(picks, range(start, start + n))
            ]

        return emails
    if kind == "currency":
        values = list(_CURRENCIES)
    elif kind == "status":
        values = list(_STATUSES)
    elif kind == "code":
        values = [f"{w[:3].upper()}" for w in pool("word", seed)]
    else:
        values = list(pool(kind, seed))
    values = [v for v in values if len(v) >= minimum] or ["x" * minimum]
    if not unique:
        return lambda start, n, done: [_fit(v, limit) for v in rng.choices(values, k=n)]

    def unique_values(start: int, n: int, done: dict[str, list]) -> list:
        out = []
        for v, i in zip(rng.choices(values, k=n), range(start, start + n)):
            suffix = f"-{i}" if limit is None or limit >= 8 else _base36(i)
            out.append(_fit(v, limit, suffix) if len(suffix) <= (limit or 99) else None)
        return out

    return unique_values


def number_values(
    name: str,
    *,
    rng: random.Random,
    integer: bool,
    scale: int | None,
    maximum: float | None,
    unique: bool,
    bounds: Bounds,
) -> Generator:
    if bounds.choices is not None and not unique:
        choices = bounds.choices
        return lambda start, n, done: rng.choices(choices, k=n)
    low, high = number_range(name)
    step = 1.0 if integer else 10.0 ** -(scale if scale is not None else 2)
    if bounds.low is not None:
        low = bounds.low + (step if bounds.low_strict else 0)
        high = max(high, low + 100 * step)
    if bounds.high is not None:
        high = bounds.high - (step if bounds.high_strict else 0)
        low = min(low, high - 100 * step) if bounds.low is None else low
    if maximum is not None:
        high = min(high, maximum)
        low = max(min(low, high), -maximum)
    if integer:
        low_i, high_i = math.ceil(low), math.floor(high)
        if unique:
            return lambda start, n, done: [str(low_i + i) for i in range(start, start + n)]
        return lambda start, n, done: [str(rng.randint(low_i, high_i)) for _ in range(n)]
    digits = scale if scale is not None else 2
    if unique:
        return lambda start, n, done: [
            f"{low + i * step:.{digits}f}" for i in range(start, start + n)
        ]
    return lambda start, n, done: [f"{rng.uniform(low, high):.{digits}f}" for _ in range(n)]


@lru_cache(maxsize=65536)
def _day(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


@lru_cache(maxsize=86400)
def _time_of_day(second: int) -> str:
    hours, rest = divmod(second, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _stamp(seconds: float, kind: str) -> str:
    # string arithmetic on cached days and times: a million timestamps in well under a second
    whole = int(seconds)
    day, second = divmod(whole, 86400)
    if kind == "date":
        return _day(day)
    if kind == "time":
        return _time_of_day(second)
    text = f"{_day(day)} {_time_of_day(second)}"
    return text + "+00" if kind == "timestamptz" else text


def moment_values(
    name: str, *, rng: random.Random, kind: str, unique: bool, after: list[tuple[str, bool]]
) -> Generator:
    """Dates, times and timestamps: the past three years, later than the columns in ``after``
    (from CHECKs, or ``updated_at`` after ``created_at``), birthdays in the past century and
    expiry dates in the future."""
    lowered = name.lower()
    step = DAY if kind == "date" else 1.0
    if unique:
        base = REFERENCE - 5 * YEAR

        def unique_moments(start: int, n: int, done: dict[str, list]) -> list:
            raw = [base + i * step for i in range(start, start + n)]
            done[f"__raw__{name}"] = raw
            return [_stamp(v, kind) for v in raw]

        return unique_moments
    if _BIRTH.search(lowered):
        low, high = REFERENCE - 80 * YEAR, REFERENCE - 18 * YEAR
    elif _FUTURE.search(lowered):
        low, high = REFERENCE, REFERENCE + 2 * YEAR
    else:
        low, high = REFERENCE - 3 * YEAR, REFERENCE

    def moments(start: int, n: int, done: dict[str, list]) -> list:
        earlier = [done[f"__raw__{c}"] for c, _ in after if f"__raw__{c}" in done]
        if not earlier:
            raw = [rng.uniform(low, high) for _ in range(n)]
            done[f"__raw__{name}"] = raw
            return [_stamp(x, kind) for x in raw]
        if len(earlier) == 1:
            gap = 30 * DAY
            out = [
                rng.uniform(low, high) if e is None else e + step + rng.random() * gap
                for e in earlier[0]
            ]
            done[f"__raw__{name}"] = out
            return [_stamp(v, kind) for v in out]
        out = []
        for k in range(n):
            floor = max((e[k] for e in earlier if e[k] is not None), default=None)
            if floor is None:
                value = rng.uniform(low, high)
            else:
                value = floor + step + rng.uniform(0, 30 * DAY)
            out.append(value)
        done[f"__raw__{name}"] = out
        return [_stamp(v, kind) for v in out]

    return moments


def uuid_values(rng: random.Random) -> Generator:
    return lambda start, n, done: [
        str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)
    ]


def constant_values(make: Callable[[random.Random, int], str], rng: random.Random) -> Generator:
    return lambda start, n, done: [make(rng, i) for i in range(start, start + n)]


def simple_kind(type_text: str) -> str | None:
    """The generator family of a (base) type, or ``None`` when there is none."""
    t = type_text.lower()
    if t in ("smallint", "integer", "bigint", "oid"):
        return "int"
    if t.startswith("numeric") or t in ("money",):
        return "numeric"
    if t in ("real", "double precision"):
        return "float"
    if t == "boolean":
        return "bool"
    if t.startswith(("character varying", "character", "varchar", "char")) or t in (
        "text",
        "citext",
        "name",
    ):
        return "text"
    if t == "date":
        return "date"
    if t in ("timestamp with time zone",):
        return "timestamptz"
    if t.startswith("timestamp"):
        return "timestamp"
    if t.startswith("time"):
        return "time"
    if t == "uuid":
        return "uuid"
    if t in ("json", "jsonb"):
        return "json"
    if t == "interval":
        return "interval"
    if t in ("inet", "cidr"):
        return "inet"
    if t == "bytea":
        return "bytea"
    if t == "tsvector":
        return "tsvector"
    if t in ("int4range", "int8range", "numrange"):
        return "intrange"
    if t in ("tstzrange", "tsrange", "daterange"):
        return "timerange"
    return None


INT_MAX = {"smallint": 32767.0, "integer": 2147483647.0, "bigint": 9.2e18, "oid": 4e9}


def misc_values(kind: str, name: str, rng: random.Random, seed: int) -> Generator:
    words = pool("word", seed)
    if kind == "bool":
        return lambda start, n, done: [rng.choice(("t", "f")) for _ in range(n)]
    if kind == "json":
        return constant_values(
            lambda r, i: f'{{"n": {i}, "tag": "{r.choice(words)}", "score": {r.randint(1, 100)}}}',
            rng,
        )
    if kind == "interval":
        return constant_values(lambda r, i: f"{r.randint(1, 600)} minutes", rng)
    if kind == "inet":
        return constant_values(lambda r, i: f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}", rng)
    if kind == "bytea":
        return constant_values(lambda r, i: "\\x" + r.getrandbits(64).to_bytes(8).hex(), rng)
    if kind == "tsvector":
        return constant_values(lambda r, i: " ".join(r.choices(words, k=6)), rng)
    if kind == "intrange":
        return constant_values(
            lambda r, i: f"[{(a := r.randint(1, 1000))},{a + r.randint(1, 50)})", rng
        )
    if kind == "timerange":

        def ranges(r: random.Random, i: int) -> str:
            begin = r.uniform(REFERENCE - 3 * YEAR, REFERENCE)
            return f"[{_stamp(begin, 'date')},{_stamp(begin + r.randint(1, 60) * DAY, 'date')})"

        return constant_values(ranges, rng)
    raise ValueError(kind)  # pragma: no cover


_CATEGORIES = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_WORD": "abcdefghijklmnopqrstuvwxyz0123456789_",
    "CATEGORY_SPACE": " ",
}
_ANY = "abcdefghijklmnopqrstuvwxyz"


def pattern_values(pattern: str, rng: random.Random, *, unique: bool) -> Generator | None:
    """Strings matching a simple regular expression (classes, literals, groups, alternation,
    quantifiers), or ``None`` for patterns beyond that (back references, look-arounds)."""
    from re import _parser  # type: ignore[attr-defined]

    try:
        parsed = _parser.parse(pattern)
    except Exception:
        return None

    def emit(items: object, out: list[str]) -> None:
        for op, arg in items:  # type: ignore[attr-defined]
            name = str(op)
            if name == "LITERAL":
                out.append(chr(arg))
            elif name == "ANY":
                out.append(rng.choice(_ANY))
            elif name == "IN":
                chars: list[str] = []
                for sub_op, sub_arg in arg:
                    sub = str(sub_op)
                    if sub == "LITERAL":
                        chars.append(chr(sub_arg))
                    elif sub == "RANGE":
                        chars += [chr(c) for c in range(sub_arg[0], sub_arg[1] + 1)]
                    elif sub == "CATEGORY":
                        chars += list(_CATEGORIES.get(str(sub_arg), "x"))
                    elif sub == "NEGATE":
                        chars = [c for c in _ANY if c not in chars] or ["x"]
                        raise _Negated
                out.append(rng.choice(chars or ["x"]))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub_items = arg
                count = rng.randint(low, min(high, low + 8))
                for _ in range(count):
                    emit(sub_items, out)
            elif name == "SUBPATTERN":
                emit(arg[-1], out)
            elif name == "BRANCH":
                emit(rng.choice(arg[1]), out)
            elif name == "CATEGORY":
                out.append(rng.choice(_CATEGORIES.get(str(arg), "x")))
            elif name == "AT":
                continue
            else:
                raise _Unsupported(name)

    def one(i: int) -> str:
        out: list[str] = []
        emit(parsed, out)
        return "".join(out)

    try:
        one(0)
    except (_Unsupported, _Negated):
        return None
    if unique:
        return None
    return lambda start, n, done: [one(i) for i in range(start, start + n)]


class _Unsupported(Exception):
    pass


class _Negated(Exception):
    pass
