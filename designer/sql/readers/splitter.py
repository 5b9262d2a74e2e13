"""A script of MySQL/MariaDB, SQLite or SQL Server DDL split into statements, with the
line each starts on: a small scanner that knows the dialect's quoting and comments
(``ScriptSyntax``), MySQL's ``DELIMITER`` and versioned comments and SQL Server's ``GO``
batches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from designer.sql.dialects import DIALECTS, import_dialects
from designer.sql.dialects.portable import PortableDialect
from designer.sql.readers.report import (
    ReportWarning,
    SchemaImportError,
)

# The import dialects this reader reads (the rest: PostgreSQL's own parser).
SQL_DIALECTS: tuple[str, ...] = tuple(d.name for d in import_dialects() if d.reader == "sqlglot")


ERR_DIALECT = "Unknown SQL dialect “{dialect}”; expected one of {choices}."


ERR_EMPTY = "The input is empty."


ERR_BINARY = "The input looks like a binary file, not SQL text."


ERR_UNTERMINATED = "Unterminated {what} starting here."


WARN_VERSIONED_SKIPPED = (
    "MySQL versioned comment /*!{version} … */ skipped (MySQL 5.7+ only; MariaDB skips it too)."
)


_VERSIONED = re.compile(r"/\*(M?)!(\d{5,6})?")


_DELIMITER_LINE = re.compile(r"[ \t]*DELIMITER[ \t]+(\S+)[^\n]*", re.IGNORECASE)


_GO_LINE = re.compile(r"[ \t]*GO(?:[ \t]+\d+)?[ \t]*(?:--[^\n]*)?(?=\n|\Z)", re.IGNORECASE)


_STRING_SPLIT = re.compile(r"('(?:[^'\\]|\\.|'')*')", re.S)


@dataclass(frozen=True)
class Statement:
    line: int  # 1-based line of its first significant character
    text: str


def reading_dialect(dialect: str | PortableDialect) -> PortableDialect:
    """The registered dialect this reader reads, by name (ValueError for any other)."""
    if isinstance(dialect, PortableDialect):
        return dialect
    found = DIALECTS.get(dialect) if dialect in SQL_DIALECTS else None
    if not isinstance(found, PortableDialect):
        raise ValueError(ERR_DIALECT.format(dialect=dialect, choices=", ".join(SQL_DIALECTS)))
    return found


def split_statements(
    text: str, dialect: str | PortableDialect
) -> tuple[list[Statement], list[ReportWarning]]:
    """Statements of ``text`` with their 1-based start lines; comments are removed."""
    syntax = reading_dialect(dialect).syntax
    continues = reading_dialect(dialect).statement_continues
    quotes = dict(syntax.quotes)
    backslash_escapes = syntax.backslash_escapes
    statements: list[Statement] = []
    warnings: list[ReportWarning] = []
    buf: list[str] = []
    start_line = 0
    line = 1
    delimiter = ";"
    versioned_open = 0  # open /*! … */ comments whose content is kept as code
    i, n = 0, len(text)

    def specials_for(delim: str) -> re.Pattern[str]:
        # plain text runs up to the next character that may start something
        chars = {*quotes, "-", "/", "*", "\n", delim[0]} | (
            {"#"} if syntax.hash_comments else set()
        )
        return re.compile("[" + re.escape("".join(sorted(chars))) + "]")

    special = specials_for(delimiter)

    def flush() -> None:
        nonlocal buf, start_line
        body = "".join(buf).strip()
        if body:
            statements.append(Statement(start_line, body))
        buf = []
        start_line = 0

    def add(chunk: str) -> None:
        nonlocal start_line
        if not start_line and chunk.strip():
            start_line = line
        buf.append(chunk)

    while i < n:
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and syntax.delimiter_command:
            m = _DELIMITER_LINE.match(text, i)
            if m and not "".join(buf).strip():
                delimiter = m.group(1)
                special = specials_for(delimiter)
                i = m.end()
                continue
        if at_line_start and syntax.go_batches:
            m = _GO_LINE.match(text, i)
            if m:
                flush()
                i = m.end()
                continue
        ch = text[i]
        if not special.match(ch):
            found = special.search(text, i)
            j = found.start() if found else n
            add(text[i:j])
            i = j
            continue
        if ch in quotes:
            close = quotes[ch]
            j = i + 1
            while True:
                if j >= n:
                    raise SchemaImportError(
                        ERR_UNTERMINATED.format(what="quoted text"), line, text[i : i + 200]
                    )
                if backslash_escapes and ch in "'\"" and text[j] == "\\":
                    j += 2
                    continue
                if text[j] == close:
                    if j + 1 < n and text[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            chunk = text[i : j + 1]
            add(chunk)
            line += chunk.count("\n")
            i = j + 1
            continue
        if ch == "-" and text.startswith("--", i):
            nxt = text[i + 2 : i + 3]
            if not syntax.dash_comment_needs_space or nxt == "" or nxt.isspace():
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
        if ch == "#" and syntax.hash_comments:
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if ch == "/" and text.startswith("/*", i):
            m = _VERSIONED.match(text, i) if syntax.versioned_comments else None
            if m:
                version = int(m.group(2)) if m.group(2) else 0
                mariadb_only = bool(m.group(1))
                runs = version < 999999 if mariadb_only else version < 50700
                if runs:
                    versioned_open += 1
                    i = m.end()
                    continue
                warnings.append(ReportWarning(line, WARN_VERSIONED_SKIPPED.format(version=version)))
            j = text.find("*/", i + 2)
            if j < 0:
                raise SchemaImportError(ERR_UNTERMINATED.format(what="comment"), line)
            line += text.count("\n", i, j)
            buf.append(" ")
            i = j + 2
            continue
        if ch == "*" and versioned_open and text.startswith("*/", i):
            versioned_open -= 1
            buf.append(" ")
            i += 2
            continue
        if text.startswith(delimiter, i):
            current = "".join(buf)
            if delimiter != ";" or not continues(current):
                flush()
                i += len(delimiter)
                continue
        if ch == "\n":
            line += 1
        add(ch)
        i += 1
    flush()
    return statements, warnings


def clean_code(sql: str, dialect: PortableDialect) -> str:
    """Apply the dialect's rewrites to code segments only (string literals untouched)."""
    parts = _STRING_SPLIT.split(sql)
    for k in range(0, len(parts), 2):
        for pattern, repl in dialect.cleanups:
            parts[k] = pattern.sub(repl, parts[k])
    return "".join(parts).strip()


def count_value_rows(sql: str) -> int:
    """Rows of an INSERT … VALUES (…), (…): top-level parenthesised groups after VALUES."""
    m = re.search(r"\bVALUES?\b", sql, re.IGNORECASE)
    if not m:
        return 0
    depth = rows = 0
    i = m.end()
    quote = ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            if depth == 0:
                rows += 1
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return rows


def check_text(text: str) -> None:
    """Refuse empty or binary input early, with a message a user understands."""
    if not text or not text.strip():
        raise SchemaImportError(ERR_EMPTY)
    sample = text[:8192]
    if (
        "\x00" in sample
        or sum(ch < " " and ch not in "\t\n\r\f" for ch in sample) > len(sample) // 100 + 2
    ):
        raise SchemaImportError(ERR_BINARY)
