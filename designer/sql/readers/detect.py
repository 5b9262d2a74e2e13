"""Guess which importer a text needs: DBML, MySQL, SQLite, SQL Server or PostgreSQL.

The file extension decides when it is specific (``.dbml``); otherwise content
clues are weighed, and PostgreSQL (the home dialect) wins when nothing points
elsewhere. Clues are searched in code only: comments and string literals are
blanked first, so a comment that mentions ``ENGINE=`` proves nothing.
"""

from __future__ import annotations

import re
from itertools import islice
from pathlib import PurePath

from designer.sql.dialects import HOME, import_dialects

# "dbml", or the name of a dialect offered as an import format
Format = str
FORMATS: tuple[str, ...] = (*(d.name for d in import_dialects()), "dbml")

_EXTENSIONS: dict[str, Format] = {".dbml": "dbml"} | {
    ext: d.name for d in import_dialects() for ext in d.file_extensions
}

_DBML = (
    re.compile(r"^\s*Table\s+[\w\".]+(\s+as\s+\w+)?\s*(\[[^\]]*\])?\s*\{", re.I | re.M),
    re.compile(r"^\s*Ref\s*[\w\"]*\s*:", re.I | re.M),
    re.compile(r"^\s*(Enum|TableGroup|Project)\s+[\w\".]+\s*\{", re.I | re.M),
)

# A MySQL "USE x;" or PostgreSQL "::type" can occur anywhere; only a clear lead counts.
MIN_SCORE = 3
# each clue counts at most this many times, so a scan stops at that many matches
MAX_HITS = 5
# the head of a file is enough to tell its dialect; scanning all of a big dump is not free
SAMPLE_CHARS = 200_000

_STRINGS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.|'')*'|--[^\n]*|/\*(?!!).*?\*/|#[^\n]*$|\$\$.*?\$\$", re.S | re.M
)


def _code_only(text: str) -> str:
    return _STRINGS_AND_COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def detect_format(text: str, filename: str | None = None) -> Format:
    """``dbml`` or the name of an import dialect (``postgres``, ``mysql`` ...) for ``text``."""
    if filename:
        suffix = PurePath(filename).suffix.lower()
        if suffix in _EXTENSIONS:
            return _EXTENSIONS[suffix]
    sample = text[:SAMPLE_CHARS]
    code = _code_only(sample)
    if sum(1 for p in _DBML if p.search(code)) and not re.search(r"\bCREATE\s+TABLE\b", code, re.I):
        return "dbml"
    scores: dict[str, int] = {}
    # "#" starts a comment only in some dialects; count such lines before they are blanked
    hash_comments = _hits(re.compile(r"^[ \t]*#", re.M), sample) * 2
    for d in import_dialects():
        scores[d.name] = sum(_hits(p, code) * weight for p, weight in d.detect_clues)
        if d.syntax.hash_comments:
            scores[d.name] += hash_comments
    # ties go to the later name, so the outcome does not depend on the registry's order
    best = max((n for n in scores if n != HOME), key=lambda f: (scores[f], f))
    if scores[best] >= MIN_SCORE and scores[best] > scores[HOME]:
        return best
    return HOME


def _hits(pattern: re.Pattern[str], text: str) -> int:
    """How often ``pattern`` occurs in ``text``, counting to ``MAX_HITS`` at most."""
    return sum(1 for _ in islice(pattern.finditer(text), MAX_HITS))
