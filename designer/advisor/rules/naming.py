"""Names: snake_case, quoting, reserved words and PostgreSQL's 63-byte limit."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import NamedTuple

from designer.advisor.engine import Context, Finding, finding, rule
from designer.advisor.rules._common import own_columns
from designer.schema.model import Schema
from designer.schema.sqltext import MAX_IDENTIFIER_BYTES, RESERVED_WORDS, needs_quoting

_SNAKE = re.compile(r"[a-z_][a-z0-9_]*\Z")
# What PostgreSQL accepts unquoted; a name matching this that still needs quotes is a keyword.
_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*\Z")


class Named(NamedTuple):
    kind: str
    name: str
    object: str
    table: str | None


def named_objects(schema: Schema, ctx: Context) -> dict[str, list[Named]]:
    """Every name a designer chose, grouped by the name: each rule tests a name once however
    many tables repeat it (id, created_at …)."""
    found = ctx.cache.get("naming.objects")
    if found is not None:
        return found  # type: ignore[no-any-return]
    out: dict[str, list[Named]] = defaultdict(list)
    for namespace in schema.all_schemas:
        out[namespace].append(Named("schema", namespace, namespace, None))
    for t in schema.tables:
        qn = t.qualified_name
        out[t.name].append(Named("table", t.name, qn, qn))
        for c in own_columns(t):
            out[c.name].append(Named("column", c.name, f"{qn}.{c.name}", qn))
        for i in t.indexes:
            out[i.name].append(Named("index", i.name, f"{qn}.{i.name}", qn))
        constraints = [t.primary_key, *t.foreign_keys, *t.uniques, *t.checks, *t.excludes]
        for con in constraints:
            if con is not None and con.name:
                out[con.name].append(Named("constraint", con.name, f"{qn}.{con.name}", qn))
    for kind, items in (
        ("enum", schema.enums),
        ("domain", schema.domains),
        ("view", schema.views),
        ("sequence", schema.sequences),
    ):
        for item in items:
            out[item.name].append(Named(kind, item.name, item.qualified_name, None))
    found = dict(out)
    ctx.cache["naming.objects"] = found
    return found


def _named(schema: Schema, ctx: Context, test: Callable[[str], bool]) -> Iterator[Named]:
    for name, named in named_objects(schema, ctx).items():
        if test(name):
            yield from named


@rule(
    "name-not-snake-case",
    "warning",
    title="Name not in lower-case snake_case",
    rationale=(
        "PostgreSQL folds unquoted names to lower case, so MixedCase or spaced names must be "
        "double-quoted in every query, forever, by every tool and person."
    ),
    references="PostgreSQL wiki: Don't Do This (upper case names); tbls lint; Azimutt",
)
def name_not_snake_case(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for n in _named(schema, ctx, lambda name: bool(name) and _SNAKE.match(name) is None):
        quoting = " and must always be quoted" if not _PLAIN.match(n.name) else ""
        yield finding(
            "name-not-snake-case",
            n.object,
            n.table,
            f"The {n.kind} name “{n.name}” is not lower-case snake_case{quoting}.",
        )


def _keyword_not_reserved(name: str) -> bool:
    return name not in RESERVED_WORDS and _PLAIN.match(name) is not None and needs_quoting(name)


@rule(
    "name-needs-quoting",
    "info",
    title="Name that is an SQL keyword",
    rationale=(
        "Non-reserved keywords such as time, position or left still need double quotes as "
        "column or table names in some places, which breaks hand-written SQL and generators."
    ),
    references="PostgreSQL docs Appendix C SQL Key Words; quote_ident()",
)
def name_needs_quoting(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for n in _named(schema, ctx, _keyword_not_reserved):
        yield finding(
            "name-needs-quoting",
            n.object,
            n.table,
            f"The {n.kind} name “{n.name}” is an SQL keyword and must be quoted.",
        )


@rule(
    "name-reserved-word",
    "warning",
    title="Name that is a reserved word",
    rationale=(
        "Reserved words (user, order, group, table …) can never appear unquoted as names; "
        "every query must quote them and forgetting yields confusing syntax errors."
    ),
    references="PostgreSQL docs Appendix C SQL Key Words; Azimutt: reserved word",
)
def name_reserved_word(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for n in _named(schema, ctx, lambda name: name in RESERVED_WORDS):
        yield finding(
            "name-reserved-word",
            n.object,
            n.table,
            f"The {n.kind} name “{n.name}” is a reserved word in PostgreSQL.",
        )


@rule(
    "name-too-long",
    "error",
    title="Name longer than 63 bytes",
    rationale=(
        "PostgreSQL silently truncates names to 63 bytes, so two long names can collide and "
        "what is in the database differs from the design."
    ),
    references="PostgreSQL docs 4.1.1 Identifiers (NAMEDATALEN)",
)
def name_too_long(schema: Schema, ctx: Context) -> Iterator[Finding]:
    for n in _named(schema, ctx, lambda name: len(name.encode()) > MAX_IDENTIFIER_BYTES):
        size = len(n.name.encode("utf-8"))
        yield finding(
            "name-too-long",
            n.object,
            n.table,
            f"The {n.kind} name “{n.name}” is {size} bytes; PostgreSQL keeps only the "
            f"first {MAX_IDENTIFIER_BYTES}.",
        )
