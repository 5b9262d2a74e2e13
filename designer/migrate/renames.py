"""Rename suggestions for designs without ids (imported files, live databases).

Renames are never guessed into a plan: these are proposals for the user to confirm, who
passes the confirmed ones to ``diff(..., renames=...)``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from designer.migrate.diff import match, qualified
from designer.schema.model import Schema, Table


@dataclass(frozen=True)
class RenameSuggestion:
    """A likely rename for the user to confirm; pass ``{s.key: s.new_name}`` as ``renames``."""

    kind: str  # "table" | "column"
    schema: str
    table: str  # the table as named in ``before``
    old_name: str
    new_name: str
    score: float
    reason: str

    @property
    def key(self) -> str:
        if self.kind == "table":
            return f"{self.schema}.{self.old_name}"
        return f"{self.schema}.{self.table}.{self.old_name}"


SUGGEST_MIN_SCORE = 0.6


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def suggest_renames(before: Schema, after: Schema) -> list[RenameSuggestion]:
    """Likely table and column renames between two designs without ids, best first."""
    out: list[RenameSuggestion] = []
    pairs, gone, added = match(before.tables, after.tables, lambda t: f"{t.schema}.{t.name}")
    used: set[str] = set()
    for o in sorted(gone, key=qualified):
        best: tuple[float, Table] | None = None
        for n in sorted(added, key=qualified):
            if n.schema != o.schema or n.name in used:
                continue
            shape = [(c.name, c.type) for c in o.columns] == [(c.name, c.type) for c in n.columns]
            cols = set(o.column_names) | set(n.column_names)
            overlap = len(set(o.column_names) & set(n.column_names)) / max(len(cols), 1)
            score = 0.6 * overlap + 0.4 * _similar(o.name, n.name) + (0.2 if shape else 0)
            if best is None or score > best[0]:
                best = (min(score, 1.0), n)
        if best and best[0] >= SUGGEST_MIN_SCORE:
            used.add(best[1].name)
            out.append(
                RenameSuggestion(
                    "table",
                    o.schema,
                    o.name,
                    o.name,
                    best[1].name,
                    round(best[0], 3),
                    "same columns" if best[0] >= 0.8 else "similar columns and name",
                )
            )
    for o, n in pairs:
        _, cgone, cadded = match(o.columns, n.columns, lambda c: c.name)
        taken: set[str] = set()
        for c in cgone:
            pos = o.columns.index(c)
            for a in cadded:
                if a.name in taken or a.type != c.type:
                    continue
                same_place = pos < len(n.columns) and n.columns[pos] is a
                score = _similar(c.name, a.name) * 0.6 + (0.4 if same_place else 0)
                if score >= SUGGEST_MIN_SCORE or (same_place and _similar(c.name, a.name) >= 0.3):
                    taken.add(a.name)
                    out.append(
                        RenameSuggestion(
                            "column",
                            o.schema,
                            o.name,
                            c.name,
                            a.name,
                            round(min(score, 1.0), 3),
                            "same type and position" if same_place else "same type, similar name",
                        )
                    )
                    break
    return sorted(out, key=lambda s: (-s.score, s.key))
