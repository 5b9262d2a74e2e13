"""Schema -> Mermaid ``erDiagram`` (renders on GitHub, GitLab, Notion...).

Mermaid entity and attribute names take letters, digits and ``_`` only, so
other names are sanitised deterministically (each change listed as a
``%%`` comment and a warning); attribute types lose spaces and modifiers
(``timestamp with time zone`` -> ``timestamptz``). A diagram shows tables,
columns, keys and relationships: a warning counts what it leaves out.
"""

from __future__ import annotations

import re
import unicodedata

from designer.export.naming import parse_type, unique_name
from designer.schema.model import ForeignKey, Schema, Table
from designer.sql.ddl import ExportResult

WARN_RENAMED = "Mermaid cannot show the name “{name}”: it is written as {fixed}."
WARN_NOT_SHOWN = (
    "An ER diagram shows tables, columns, keys and relationships only; not shown: {what}."
)
WARN_REF_OUTSIDE = "Foreign key {name} on {target} references {ref}, which is not in the design."

_NOT_WORD = re.compile(r"[^A-Za-z0-9_]+")
_SHORT_TYPES = {
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "character varying": "varchar",
    "character": "char",
    "double precision": "float8",
    "bit varying": "varbit",
}


def short_type(type_text: str) -> str:
    """A type Mermaid accepts: one word, no modifiers; arrays keep ``[]``."""
    parsed = parse_type(type_text)
    base = parsed.base
    if parsed.tail and base.endswith(parsed.tail):
        base = base[: -len(parsed.tail)].strip() + " " + parsed.tail
    base = _SHORT_TYPES.get(base, base)
    word = _NOT_WORD.sub("_", base.replace('"', "")).strip("_") or "unknown"
    if not word[0].isalpha():
        word = "t_" + word
    return word + "[]" * parsed.dims


def ascii_fold(text: str) -> str:
    """``café`` -> ``cafe``: letters without their accents, other non-ASCII dropped."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def label_text(text: str) -> str:
    """Free text inside Mermaid double quotes: no quotes, no line breaks, no HTML."""
    text = " ".join(text.split())
    return text.replace('"', "'").replace("<", "‹").replace(">", "›")


def not_shown(schema: Schema) -> str | None:
    """A summary of what a pure ER diagram leaves out, or None."""
    counts = {
        "indexes": sum(len(t.indexes) for t in schema.tables),
        "CHECK constraints": sum(len(t.checks) for t in schema.tables),
        "exclusion constraints": sum(len(t.excludes) for t in schema.tables),
        "policies": sum(len(t.policies) for t in schema.tables),
        "partitioned tables": sum(1 for t in schema.tables if t.partitioning),
        "views": len(schema.views),
        "enum types": len(schema.enums),
        "domains": len(schema.domains),
        "sequences": len(schema.sequences),
        "raw SQL statements": len(schema.raw),
    }
    parts = [f"{n} {what}" for what, n in counts.items() if n]
    return WARN_NOT_SHOWN.format(what=", ".join(parts)) if parts else None


class EntityNames:
    """Word-only, unique names for tables and, per table, for columns."""

    def __init__(self, tables: list[Table], warnings: list[str]) -> None:
        self.warnings = warnings
        self.renamed: list[tuple[str, str]] = []  # (original, written as)
        self.tables: dict[tuple[str, str], str] = {}
        self.columns: dict[tuple[str, str], dict[str, str]] = {}
        taken: set[str] = set()
        for t in tables:
            raw, plain = t.name, t.name
            if t.schema != "public":
                raw, plain = f"{t.schema}.{t.name}", f"{t.schema}_{t.name}"
            self.tables[(t.schema, t.name)] = self._word(raw, plain, taken)
            col_taken: set[str] = set()
            self.columns[(t.schema, t.name)] = {
                c.name: self._word(f"{raw}.{c.name}", c.name, col_taken) for c in t.columns
            }

    def _word(self, raw: str, plain: str, taken: set[str]) -> str:
        """``plain`` made a unique word; a warning when that changes it."""
        word = _NOT_WORD.sub("_", ascii_fold(plain)).strip("_") or "x"
        if not (word[0].isalpha() or word[0] == "_"):
            word = "_" + word
        word = unique_name(word, taken)
        if word != plain:
            self.warnings.append(WARN_RENAMED.format(name=raw, fixed=word))
            self.renamed.append((raw, word))
        return word

    def table(self, table: Table) -> str:
        return self.tables[(table.schema, table.name)]

    def column(self, table: Table, name: str) -> str:
        return self.columns[(table.schema, table.name)].get(name, name)


def cardinality(child: Table, fk: ForeignKey) -> tuple[bool, bool]:
    """(parent required, at most one child): from the FK's nullability and uniqueness."""
    required = all(
        (c := child.column(name)) is not None and not c.nullable for name in fk.columns
    ) or bool(child.primary_key and set(fk.columns) <= set(child.primary_key.columns))
    return required, child.is_unique_on(fk.columns)


def export_mermaid(schema: Schema) -> ExportResult:
    warnings: list[str] = []
    tables = sorted(schema.tables, key=lambda t: (t.schema, t.name))
    names = EntityNames(tables, warnings)
    lines = ["erDiagram"]
    for original, fixed in names.renamed:
        lines.append(f"    %% {fixed} is {label_text(original)}")
    for t in tables:
        pk = set(t.primary_key.columns) if t.primary_key else set()
        fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
        uq_cols = {c for u in t.uniques if len(u.columns) == 1 for c in u.columns}
        if not t.columns:
            lines.append(f"    {names.table(t)}")
            continue
        lines.append(f"    {names.table(t)} {{")
        for c in t.columns:
            keys = [
                k
                for k, on in (
                    ("PK", c.name in pk),
                    ("FK", c.name in fk_cols),
                    ("UK", c.name in uq_cols),
                )
                if on
            ]
            line = f"        {short_type(c.type)} {names.column(t, c.name)}"
            if keys:
                line += " " + ", ".join(keys)
            if c.comment:
                line += f' "{label_text(c.comment)}"'
            lines.append(line)
        lines.append("    }")
    by_key = {(t.schema, t.name): t for t in tables}
    for child in tables:
        for fk in child.foreign_keys:
            parent = by_key.get((fk.ref_schema, fk.ref_table))
            if parent is None:
                warnings.append(
                    WARN_REF_OUTSIDE.format(
                        name=fk.name or ", ".join(fk.columns),
                        target=child.qualified_name,
                        ref=f"{fk.ref_schema}.{fk.ref_table}",
                    )
                )
                continue
            required, single = cardinality(child, fk)
            left = "||" if required else "|o"
            right = "o|" if single else "o{"
            label = label_text(", ".join(fk.columns))
            lines.append(
                f'    {names.table(parent)} {left}--{right} {names.table(child)} : "{label}"'
            )
    summary = not_shown(schema)
    if summary:
        warnings.append(summary)
    return ExportResult(text="\n".join(lines) + "\n", warnings=tuple(warnings))
