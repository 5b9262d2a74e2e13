"""What planning needs to know about SQL text: whether a default is volatile, which
relations a view reads, and which it reads with ``*`` (PostgreSQL fixes a star's columns
when it creates the view)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from designer.schema.model import DEFAULT_SCHEMA
from designer.schema.pgtree import nodes, parse, parse_expression

# Functions whose value is fixed within a statement: a column added with them as default
# gets PostgreSQL 11's fast default (one value stored in the catalog, no rewrite).
NON_VOLATILE_FUNCTIONS = frozenset(
    {
        "now",
        "transaction_timestamp",
        "statement_timestamp",
        "current_setting",
        "lower",
        "upper",
        "length",
        "array",
        "jsonb_build_object",
        "jsonb_build_array",
        "json_build_object",
        "to_jsonb",
        "make_interval",
        "make_date",
        "date_trunc",
        "concat",
        "pg_catalog.now",
    }
)


@lru_cache(maxsize=4096)
def is_volatile(expression: str) -> bool:
    """True when the default is evaluated per row (gen_random_uuid(), random(), nextval()).

    ``now()`` and ``CURRENT_TIMESTAMP`` count as non-volatile: one value for the whole
    statement, so ``ADD COLUMN ... DEFAULT now()`` stays a catalog-only change. Any
    function not known to be stable is treated as volatile, the safe assumption.
    """
    for call in nodes(parse_expression(expression), "FuncCall"):
        name = ".".join(p["String"]["sval"] for p in call["funcname"])
        if name not in NON_VOLATILE_FUNCTIONS and not name.startswith("pg_catalog.now"):
            return True
    return False


@lru_cache(maxsize=4096)
def relations(query: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of every relation a view's query reads."""
    return frozenset(
        (rv.get("schemaname", DEFAULT_SCHEMA), rv["relname"])
        for rv in nodes(parse(query), "RangeVar")
    )


@lru_cache(maxsize=4096)
def _star_reads(query: str) -> tuple[tuple[tuple[str, str], bool], ...]:
    """(relation, at_end) for every relation a ``*`` or ``alias.*`` of the query expands.

    ``at_end`` is True when the star is the last output column of the view's own SELECT and
    covers that relation alone: new columns of the relation then land at the end of the
    view, where CREATE OR REPLACE VIEW accepts them. A star whose qualifier names no table
    in its FROM (a subquery or CTE alias) counts every relation of that FROM: a needless
    refresh is harmless, a missed one leaves the view behind the design.
    """
    tree = parse(query)
    found: list[tuple[tuple[str, str], bool]] = []

    def key(rv: dict[str, Any]) -> tuple[str, str]:
        return (rv.get("schemaname", DEFAULT_SCHEMA), rv["relname"])

    def select(stmt: dict[str, Any], top: bool) -> None:
        from_items = stmt.get("fromClause", [])
        rvs = list(nodes(from_items, "RangeVar"))
        targets = stmt["targetList"]
        for i, target in enumerate(targets):
            ref = target.get("ResTarget", {}).get("val", {}).get("ColumnRef")
            if not ref or "A_Star" not in ref["fields"][-1]:
                continue
            names = [f["String"]["sval"] for f in ref["fields"][:-1]]
            if names:
                hits = [
                    rv
                    for rv in rvs
                    if rv.get("alias", {}).get("aliasname", rv["relname"]) == names[-1]
                    and (len(names) == 1 or rv.get("schemaname", DEFAULT_SCHEMA) == names[-2])
                ]
                alone = len(hits) == 1
            else:
                hits = rvs
                alone = len(from_items) == 1 and "RangeVar" in from_items[0]
            at_end = top and i == len(targets) - 1 and alone
            found.extend((key(rv), at_end) for rv in hits or rvs)

    def walk(node: Any, top: bool) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("targetList"), list):
                select(node, top and node.get("op", "SETOP_NONE") == "SETOP_NONE")
            for value in node.values():
                walk(value, False)
        elif isinstance(node, list):
            for value in node:
                walk(value, False)

    for stmt in tree.get("stmts", []):
        walk(stmt["stmt"].get("SelectStmt", stmt["stmt"]), True)
    return tuple(sorted(set(found)))


def star_relations(query: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of the relations a view's query reads with ``*`` or ``alias.*``.

    PostgreSQL expands the star when the view is created, so these are the relations whose
    new columns the view misses until it is re-created.
    """
    return frozenset(rel for rel, _ in _star_reads(query))


def appends_only(query: str, relations: set[tuple[str, str]]) -> bool:
    """True when new columns of ``relations`` all land at the end of the view's columns."""
    return all(at_end for rel, at_end in _star_reads(query) if rel in relations)
