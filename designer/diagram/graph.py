"""Finding tables in a design: by name, by search, and by foreign-key distance.

These choose *which* tables a diagram draws (``DiagramOptions.tables``), so a big
design can be viewed a neighbourhood or a search result at a time.
"""

from __future__ import annotations

from designer.schema.model import DEFAULT_SCHEMA, Schema, Table

# search ranks, best first
_EXACT, _PREFIX, _SUBSTRING, _COLUMN, _COMMENT = range(5)


def find_table(schema: Schema, name: str) -> Table | None:
    """The table called ``name``: ``"sales.orders"`` or a bare ``"orders"``.

    A bare name means the ``public`` table when there is one, else the only table of
    that name in any schema; an ambiguous or unknown name gives None. Exact spelling
    wins; otherwise a case-insensitive match is accepted when it is unique.
    """
    name = name.strip()
    for exact in (True, False):
        wanted = name if exact else name.casefold()

        def norm(text: str, exact: bool = exact) -> str:
            return text if exact else text.casefold()

        matches = [t for t in schema.tables if norm(t.qualified_name) == wanted]
        if not matches:
            matches = [t for t in schema.tables if norm(t.name) == wanted]
            public = [t for t in matches if t.schema == DEFAULT_SCHEMA]
            if len(public) == 1:
                return public[0]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            return None
    return None


def _adjacency(schema: Schema) -> dict[str, set[str]]:
    """qualified name -> tables it references or is referenced by (existing tables only)."""
    names = {t.qualified_name for t in schema.tables}
    adjacent: dict[str, set[str]] = {n: set() for n in names}
    for table in schema.tables:
        for fk in table.foreign_keys:
            parent = f"{fk.ref_schema}.{fk.ref_table}"
            if parent in names:
                adjacent[table.qualified_name].add(parent)
                adjacent[parent].add(table.qualified_name)
    return adjacent


def neighbourhood(schema: Schema, qualified_table: str, depth: int = 1) -> frozenset[str]:
    """Qualified names of the tables at most ``depth`` foreign keys away, in either
    direction, the table itself included. An unknown table gives an empty set."""
    table = find_table(schema, qualified_table)
    if table is None:
        return frozenset()
    adjacent = _adjacency(schema)
    seen = {table.qualified_name}
    frontier = {table.qualified_name}
    for _ in range(max(0, depth)):
        frontier = {n for current in frontier for n in adjacent[current]} - seen
        if not frontier:
            break
        seen |= frontier
    return frozenset(seen)


def search(schema: Schema, query: str) -> list[tuple[str, str]]:
    """Tables matching ``query`` (case-insensitive), best first, each once, with what matched.

    Ranking: exact table name, name prefix, name substring, a column name, a comment
    (of the table or of a column). Ties are sorted by qualified name.
    """
    q = query.strip().casefold()
    if not q:
        return []
    found: list[tuple[int, str, str]] = []
    for table in schema.tables:
        qname = table.qualified_name
        name, full = table.name.casefold(), qname.casefold()
        hit: tuple[int, str] | None = None
        if q in (name, full):
            hit = (_EXACT, "table name")
        elif name.startswith(q) or full.startswith(q):
            hit = (_PREFIX, "table name")
        elif q in full:
            hit = (_SUBSTRING, "table name")
        else:
            column = next((c.name for c in table.columns if q in c.name.casefold()), None)
            if column is not None:
                hit = (_COLUMN, f"column {column}")
            elif table.comment and q in table.comment.casefold():
                hit = (_COMMENT, "table comment")
            else:
                column = next(
                    (c.name for c in table.columns if c.comment and q in c.comment.casefold()),
                    None,
                )
                if column is not None:
                    hit = (_COMMENT, f"comment on {column}")
        if hit is not None:
            found.append((hit[0], qname, hit[1]))
    found.sort()
    return [(qname, what) for _rank, qname, what in found]
