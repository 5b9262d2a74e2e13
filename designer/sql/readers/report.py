"""What an importer found, kept and left out: shared by every SQL/DBML importer."""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.schema.model import Schema

STATEMENT_PREVIEW_CHARS = 80


@dataclass(frozen=True)
class SkippedStatement:
    """A statement left out on purpose: data (INSERT, COPY, setval), session settings, psql
    meta-commands, ownership."""

    line: int
    kind: str  # "INSERT", "COPY", "SET", "SELECT", "psql", "OWNER", "TRANSACTION", ...
    summary: str


@dataclass(frozen=True)
class RawKept:
    """A statement the model does not understand, kept verbatim in ``Schema.raw``."""

    line: int
    kind: str  # the parser's node name, e.g. "CreateFunctionStmt"
    phase: str  # "pre" or "post"


@dataclass(frozen=True)
class ReportWarning:
    """Something imported with a caveat the user should know about."""

    line: int
    message: str


@dataclass(frozen=True)
class ImportReport:
    source_name: str = "<input>"
    statements: int = 0
    # tables, columns, indexes, foreign_keys, ... of the resulting schema (see ``count_objects``)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedStatement] = field(default_factory=list)
    raw: list[RawKept] = field(default_factory=list)
    warnings: list[ReportWarning] = field(default_factory=list)
    # data rows left out: VALUES rows of INSERTs plus data lines of COPY ... FROM stdin
    data_rows: int = 0


@dataclass(frozen=True)
class ImportResult:
    schema: Schema
    report: ImportReport


class SchemaImportError(ValueError):
    """The input cannot be imported; ``line`` is 1-based in the original text (0 if unknown)."""

    def __init__(self, message: str, line: int = 0, statement: str = "") -> None:
        self.message = message
        self.line = line
        self.statement = statement
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.line:
            text = f"Line {self.line}: {text}"
        preview = " ".join(self.statement.split())
        if preview:
            if len(preview) > STATEMENT_PREVIEW_CHARS:
                preview = preview[: STATEMENT_PREVIEW_CHARS - 1] + "…"
            text = f"{text} (in: {preview})"
        return text


def count_objects(schema: Schema) -> dict[str, int]:
    """How many of each kind of object ``schema`` holds, for reports and summaries."""
    tables = schema.tables
    return {
        "tables": len(tables),
        "columns": sum(len(t.columns) for t in tables),
        "primary_keys": sum(1 for t in tables if t.primary_key),
        "foreign_keys": sum(len(t.foreign_keys) for t in tables),
        "unique_constraints": sum(len(t.uniques) for t in tables),
        "check_constraints": sum(len(t.checks) for t in tables),
        "exclusion_constraints": sum(len(t.excludes) for t in tables),
        "indexes": sum(len(t.indexes) for t in tables) + sum(len(v.indexes) for v in schema.views),
        "policies": sum(len(t.policies) for t in tables),
        "views": sum(1 for v in schema.views if not v.materialized),
        "materialized_views": sum(1 for v in schema.views if v.materialized),
        "enums": len(schema.enums),
        "domains": len(schema.domains),
        "sequences": len(schema.sequences),
        "extensions": len(schema.extensions),
        "schemas": len(schema.schemas),
        "raw_statements": len(schema.raw),
    }
