"""Guess which importer a text needs: DBML, MySQL, SQLite, SQL Server or PostgreSQL.

The file extension decides when it is specific (``.dbml``); otherwise content
clues are weighed, and PostgreSQL (the home dialect) wins when nothing points
elsewhere. Clues are searched in code only: comments and string literals are
blanked first, so a comment that mentions ``ENGINE=`` proves nothing.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Literal

Format = Literal["postgres", "mysql", "sqlite", "tsql", "dbml"]
FORMATS: tuple[str, ...] = ("postgres", "mysql", "sqlite", "tsql", "dbml")

_EXTENSIONS: dict[str, Format] = {
    ".dbml": "dbml",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".psql": "postgres",
    ".pgsql": "postgres",
}

_DBML = (
    re.compile(r"^\s*Table\s+[\w\".]+(\s+as\s+\w+)?\s*(\[[^\]]*\])?\s*\{", re.I | re.M),
    re.compile(r"^\s*Ref\s*[\w\"]*\s*:", re.I | re.M),
    re.compile(r"^\s*(Enum|TableGroup|Project)\s+[\w\".]+\s*\{", re.I | re.M),
)

_RULES: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {
    "mysql": (
        (re.compile(r"`\w[^`\n]*`"), 2),
        (re.compile(r"\bENGINE\s*=", re.I), 5),
        (re.compile(r"\bAUTO_INCREMENT\b", re.I), 5),
        (re.compile(r"^\s*DELIMITER\s+\S+", re.I | re.M), 5),
        (re.compile(r"\b(DEFAULT\s+)?CHARSET\s*=", re.I), 3),
        (re.compile(r"\b(UNSIGNED|TINYINT|MEDIUMINT|LONGTEXT|MEDIUMTEXT)\b", re.I), 2),
        (re.compile(r"\bENUM\s*\(", re.I), 1),
        (re.compile(r"^\s*USE\s+\w+\s*;", re.I | re.M), 3),
        (re.compile(r"/\*!\d*"), 5),
    ),
    "tsql": (
        (re.compile(r"^\s*GO\s*$", re.I | re.M), 5),
        (re.compile(r"(?<![\w\]])\[[A-Za-z_][\w ]*\]"), 2),
        (re.compile(r"\bIDENTITY\s*\(\s*\d+\s*,\s*\d+\s*\)", re.I), 5),
        (re.compile(r"\bN?VARCHAR\s*\(\s*MAX\s*\)", re.I), 5),
        (re.compile(r"\bNVARCHAR\b", re.I), 2),
        (re.compile(r"\bdbo\.", re.I), 3),
        (re.compile(r"\b(NON)?CLUSTERED\b", re.I), 3),
        (
            re.compile(
                r"\b(UNIQUEIDENTIFIER|DATETIME2|DATETIMEOFFSET|GETDATE\s*\(|NEWID\s*\()", re.I
            ),
            3,
        ),
    ),
    "sqlite": (
        (re.compile(r"\bAUTOINCREMENT\b", re.I), 5),
        (re.compile(r"^\s*PRAGMA\b", re.I | re.M), 5),
        (re.compile(r"\bWITHOUT\s+ROWID\b", re.I), 5),
        (re.compile(r"\bsqlite_\w+", re.I), 3),
    ),
    "postgres": (
        (re.compile(r"\bSERIAL\b|\bBIGSERIAL\b", re.I), 3),
        (re.compile(r"::\w+"), 2),
        (re.compile(r"\bCREATE\s+(EXTENSION|DOMAIN|TYPE\s+\w+\s+AS\s+ENUM)\b", re.I), 5),
        (re.compile(r"\bOWNER\s+TO\b", re.I), 5),
        (re.compile(r"^\s*COPY\s+\S+.*FROM\s+stdin", re.I | re.M), 5),
        (re.compile(r"\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", re.I), 3),
        (re.compile(r"\bLANGUAGE\s+plpgsql\b", re.I), 5),
        (re.compile(r"\bTIMESTAMPTZ\b|\bJSONB\b", re.I), 2),
    ),
}
# A MySQL "USE x;" or PostgreSQL "::type" can occur anywhere; only a clear lead counts.
MIN_SCORE = 3

_STRINGS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.|'')*'|--[^\n]*|/\*(?!!).*?\*/|#[^\n]*$|\$\$.*?\$\$", re.S | re.M
)


def _code_only(text: str) -> str:
    return _STRINGS_AND_COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def detect_format(text: str, filename: str | None = None) -> Format:
    """``postgres``, ``mysql``, ``sqlite``, ``tsql`` or ``dbml`` for ``text``."""
    if filename:
        suffix = PurePath(filename).suffix.lower()
        if suffix in _EXTENSIONS:
            return _EXTENSIONS[suffix]
    sample = text[:2_000_000]
    code = _code_only(sample)
    if sum(1 for p in _DBML if p.search(code)) and not re.search(r"\bCREATE\s+TABLE\b", code, re.I):
        return "dbml"
    scores: dict[str, int] = {}
    # "#" starts a comment only in MySQL; count such lines before they are blanked
    hash_comments = min(len(re.findall(r"^[ \t]*#", sample, re.M)), 5) * 2
    for fmt, rules in _RULES.items():
        scores[fmt] = sum(min(len(p.findall(code)), 5) * weight for p, weight in rules)
    scores["mysql"] += hash_comments
    best = max(("mysql", "tsql", "sqlite"), key=lambda f: (scores[f], f))
    if scores[best] >= MIN_SCORE and scores[best] > scores["postgres"]:
        return best  # type: ignore[return-value]
    return "postgres"
