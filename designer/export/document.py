"""The design document: one readable file describing a whole design.

Built once as a list of blocks (headings, paragraphs, tables, lists, code),
then written as Markdown (renders on GitHub, Mermaid diagram included) or
as a self-contained HTML fragment. Every text that comes from users is
escaped for the target format.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from designer.export.index_table import fk_name, index_rows, part_text, row_cells
from designer.export.mermaid import export_mermaid
from designer.schema.model import Column, Schema, Table
from designer.sql.ddl import ExportResult
from designer.workbench.capacity import estimate, human_bytes

NO_GROUP = "(no group)"
ACTION_TEXT = {
    "NO ACTION": "no action",
    "RESTRICT": "restrict",
    "CASCADE": "cascade",
    "SET NULL": "set null",
    "SET DEFAULT": "set default",
}
INDEX_HEADERS = (
    "Table",
    "Name",
    "Kind",
    "Columns",
    "Method",
    "Unique",
    "Predicate",
    "Include",
    "Covers FKs",
    "Flags",
    "Purpose",
)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Grid:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Code:
    language: str
    text: str


@dataclass(frozen=True)
class Image:
    alt: str
    src: str


@dataclass(frozen=True)
class Embedded:
    """Markdown written by another part of the app (the migration plan): kept as it is."""

    markdown: str


Block = Heading | Paragraph | Bullets | Grid | Code | Image | Embedded


# -- content --------------------------------------------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _overview(schema: Schema) -> list[Block]:
    tables = schema.tables
    counts = [
        _count(len(tables), "table"),
        _count(sum(len(t.columns) for t in tables), "column"),
        _count(sum(len(t.foreign_keys) for t in tables), "foreign key"),
        f"{sum(len(t.indexes) for t in tables)} indexes",
        _count(len(schema.enums), "enum"),
        _count(len(schema.views), "view"),
    ]
    blocks: list[Block] = [Heading(2, "Overview"), Paragraph(", ".join(counts) + ".")]
    blocks.append(Paragraph("Schemas: " + (", ".join(schema.all_schemas) or "none") + "."))
    groups: dict[str, list[str]] = {}
    for t in sorted(tables, key=lambda t: (t.schema, t.name)):
        groups.setdefault(t.group or NO_GROUP, []).append(t.qualified_name)
    if any(t.group for t in tables):
        ordered = sorted(groups, key=lambda g: (g == NO_GROUP, g))
        blocks.append(Bullets(tuple(f"{g}: {', '.join(groups[g])}" for g in ordered)))
    return blocks


def _constraints(table: Table, column: Column) -> str:
    marks = []
    if table.primary_key and column.name in table.primary_key.columns:
        marks.append("PK")
    if any(column.name in fk.columns for fk in table.foreign_keys):
        marks.append("FK")
    if any(column.name in u.columns for u in table.uniques):
        marks.append("UQ")
    if column.identity:
        marks.append(f"identity {column.identity.lower()}")
    if column.generated:
        marks.append(f"generated ({column.generated})")
    return ", ".join(marks)


def _table_blocks(table: Table) -> list[Block]:
    blocks: list[Block] = [Heading(3, table.qualified_name)]
    if table.comment:
        blocks.append(Paragraph(table.comment))
    if table.partition_of:
        p = table.partition_of
        blocks.append(Paragraph(f"Partition of {p.parent_schema}.{p.parent_table} {p.bound}."))
    if table.partitioning:
        blocks.append(
            Paragraph(f"Partitioned by {table.partitioning.strategy} ({table.partitioning.key}).")
        )
    if table.columns:
        rows = tuple(
            (
                c.name,
                c.type,
                "yes" if c.nullable else "no",
                c.default or "",
                _constraints(table, c),
                c.comment or "",
            )
            for c in table.columns
        )
        blocks.append(
            Grid(("Column", "Type", "Nullable", "Default", "Constraints", "Comment"), rows)
        )
    if table.checks:
        blocks.append(Paragraph("Checks:"))
        blocks.append(
            Bullets(
                tuple(
                    f"{c.name + ': ' if c.name else ''}CHECK ({c.expression})" for c in table.checks
                )
            )
        )
    if table.indexes:
        blocks.append(Paragraph("Indexes:"))
        items = []
        for i in sorted(table.indexes, key=lambda i: i.name):
            text = f"{i.name}: {'UNIQUE ' if i.unique else ''}{i.method} ("
            text += ", ".join(part_text(p) for p in i.parts) + ")"
            if i.include:
                text += f" INCLUDE ({', '.join(i.include)})"
            if i.where:
                text += f" WHERE {i.where}"
            if i.purpose:
                text += f" — {i.purpose}"
            items.append(text)
        blocks.append(Bullets(tuple(items)))
    if table.foreign_keys:
        blocks.append(Paragraph("Foreign keys:"))
        blocks.append(
            Bullets(
                tuple(
                    f"{fk_name(table, fk)}: ({', '.join(fk.columns)}) → "
                    f"{fk.ref_schema}.{fk.ref_table} ({', '.join(fk.ref_columns)}), "
                    f"on delete {ACTION_TEXT[fk.on_delete]}, on update {ACTION_TEXT[fk.on_update]}"
                    for fk in table.foreign_keys
                )
            )
        )
    if table.policies:
        blocks.append(Paragraph("Row-level security policies:"))
        blocks.append(
            Bullets(
                tuple(
                    f"{p.name}: {p.command} TO {', '.join(p.roles)}"
                    + (f" USING ({p.using})" if p.using else "")
                    + (f" WITH CHECK ({p.with_check})" if p.with_check else "")
                    for p in table.policies
                )
            )
        )
    return blocks


def _findings(findings: Iterable[Any]) -> list[Block]:
    rows = tuple((str(f.severity), str(f.rule), str(f.object), str(f.message)) for f in findings)
    blocks: list[Block] = [Heading(2, "Advisor findings")]
    if rows:
        blocks.append(Grid(("Severity", "Rule", "Object", "Message"), rows))
    else:
        blocks.append(Paragraph("No findings."))
    return blocks


def document_blocks(
    schema: Schema,
    *,
    title: str,
    diagram_svg_path: str | None = None,
    advisor_findings: Iterable[Any] | None = None,
    migration_plan_markdown: str | None = None,
    workbench_markdown: str | None = None,
) -> list[Block]:
    blocks: list[Block] = [Heading(1, title), *_overview(schema)]
    if diagram_svg_path:
        blocks += [Heading(2, "Diagram"), Image(f"ER diagram of {title}", diagram_svg_path)]
    blocks.append(Heading(2, "Tables"))
    for table in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        blocks.extend(_table_blocks(table))
    if schema.enums:
        blocks.append(Heading(2, "Enums"))
        blocks.append(
            Bullets(
                tuple(
                    f"{e.qualified_name}: {', '.join(e.values)}"
                    + (f" — {e.comment}" if e.comment else "")
                    for e in sorted(schema.enums, key=lambda e: (e.schema, e.name))
                )
            )
        )
    if schema.views:
        blocks.append(Heading(2, "Views"))
        for v in schema.views:
            kind = "Materialized view" if v.materialized else "View"
            blocks.append(Heading(3, f"{v.qualified_name}"))
            blocks.append(Paragraph(f"{kind}." + (f" {v.comment}" if v.comment else "")))
            blocks.append(Code("sql", v.query))
    blocks.append(Heading(2, "Index table"))
    rows = tuple(tuple(row_cells(r)) for r in index_rows(schema))
    blocks.append(Grid(INDEX_HEADERS, rows) if rows else Paragraph("No indexes or keys."))
    blocks.append(Heading(2, "Entity-relationship diagram (Mermaid)"))
    blocks.append(Code("mermaid", export_mermaid(schema).text))
    if advisor_findings is not None:
        blocks.extend(_findings(advisor_findings))
    if migration_plan_markdown:
        blocks += [Heading(2, "Latest migration plan"), Embedded(migration_plan_markdown)]
    blocks.extend(_capacity(schema))
    if workbench_markdown:
        blocks += [Heading(2, "Key queries, measured"), Embedded(workbench_markdown)]
    return blocks


def _capacity(schema: Schema, years: int = 3) -> list[Block]:
    """Disk per table at the stated scale, now and after ``years`` of growth."""
    if not any(t.expected_rows for t in schema.tables):
        return []
    capacity = estimate(schema, years=years)
    rows = tuple(
        (
            t.name if t.schema == "public" else f"{t.schema}.{t.name}",
            f"{t.rows:,}",
            f"{t.yearly_growth:g} %",
            human_bytes(t.total_bytes),
            f"{t.rows_later:,}",
            human_bytes(t.total_bytes_later),
        )
        for t in capacity.tables
    )
    total = (
        "Total",
        f"{capacity.rows:,}",
        "",
        human_bytes(capacity.total_bytes),
        "",
        human_bytes(capacity.total_bytes_later),
    )
    headers = ("Table", "Rows", "Growth / year", "Size", f"Rows in {years} y", f"Size in {years} y")
    return [Heading(2, "Capacity"), Grid(headers, (*rows, total))]


# -- Markdown ---------------------------------------------------------------------------

# Inline Markdown: code, emphasis, links/images, table cells, strikethrough, escapes. An
# underscore inside a word (created_at) never emphasises, so it stays readable.
_MD_INLINE = re.compile(r"[\\`*\[\]|~!]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# What makes a line a heading, quote, list item, setext underline or thematic break.
_MD_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")


def md_text(text: str) -> str:
    """User text as literal Markdown on one line: HTML escaped, inline punctuation and
    anything that would start a block at the beginning backslash-escaped."""
    text = html.escape(text, quote=False)
    text = _MD_INLINE.sub(lambda m: "\\" + m.group(0), text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    # Leading spaces would make an indented code block, and renderers trim other white
    # space (a no-break space…) at the ends of a block: character references survive both.
    lead = len(text) - len(text.lstrip())
    if lead:
        kept = text[:lead].lstrip(" \t")
        space = "&#32;" if len(kept) < lead else ""
        text = space + "".join(f"&#{ord(c)};" for c in kept) + text[lead:]
    end = len(text.rstrip())
    if text[end:].strip(" \t"):
        text = text[:end] + "".join(f"&#{ord(c)};" for c in text[end:])
    match = _MD_LINE_START.match(text)
    if match and match.group(1)[0].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return _MD_LINE_START.sub(lambda m: "\\" + m.group(1), text)


def _fence(text: str) -> str:
    longest, run = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def to_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            # a run of # ends a heading: escape those md_text left (not \# or &#32;)
            text = re.sub(r"(?<![\\&])#", r"\\#", md_text(b.text.strip(" \t\n")))
            out.append("#" * b.level + " " + text)
        elif isinstance(b, Paragraph):
            out.append(md_text(b.text))
        elif isinstance(b, Bullets):
            out.append("\n".join(f"- {md_text(item)}" for item in b.items))
        elif isinstance(b, Grid):
            lines = ["| " + " | ".join(md_text(h) for h in b.headers) + " |"]
            lines.append("|" + "---|" * len(b.headers))
            lines.extend("| " + " | ".join(md_text(c) for c in row) + " |" for row in b.rows)
            out.append("\n".join(lines))
        elif isinstance(b, Code):
            fence = _fence(b.text)
            out.append(f"{fence}{b.language}\n{b.text.rstrip()}\n{fence}")
        elif isinstance(b, Image):
            src = b.src.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
            out.append(f"![{md_text(b.alt)}]({src})")
        elif isinstance(b, Embedded):
            # Other parts' Markdown carries names as they are: shown as text, as in HTML.
            text = b.markdown.strip()
            fence = _fence(text)
            out.append(f"{fence}markdown\n{text}\n{fence}")
    return "\n\n".join(out) + "\n"


# -- HTML --------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(blocks: list[Block]) -> str:
    out: list[str] = ['<article class="design-document">']
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{_e(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            out.append(f"<p>{_e(b.text)}</p>")
        elif isinstance(b, Bullets):
            items = "".join(f"<li>{_e(item)}</li>" for item in b.items)
            out.append(f"<ul>{items}</ul>")
        elif isinstance(b, Grid):
            head = "".join(f"<th>{_e(h)}</th>" for h in b.headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(b, Code):
            out.append(f'<pre class="{_e(b.language)}"><code>{_e(b.text.rstrip())}</code></pre>')
        elif isinstance(b, Image):
            out.append(f'<img src="{_e(b.src)}" alt="{_e(b.alt)}">')
        elif isinstance(b, Embedded):
            # Other parts' Markdown is shown as text: a fragment must not carry their HTML.
            out.append(f'<pre class="markdown">{_e(b.markdown.strip())}</pre>')
    out.append("</article>")
    return "\n".join(out) + "\n"


def design_document_markdown(
    schema: Schema,
    *,
    title: str,
    diagram_svg_path: str | None = None,
    advisor_findings: Iterable[Any] | None = None,
    migration_plan_markdown: str | None = None,
    workbench_markdown: str | None = None,
) -> ExportResult:
    """The whole design as one Markdown file (tables, index table, Mermaid diagram...)."""
    blocks = document_blocks(
        schema,
        title=title,
        diagram_svg_path=diagram_svg_path,
        advisor_findings=advisor_findings,
        migration_plan_markdown=migration_plan_markdown,
        workbench_markdown=workbench_markdown,
    )
    return ExportResult(text=to_markdown(blocks), warnings=_warnings(schema))


def design_document_html(
    schema: Schema,
    *,
    title: str,
    diagram_svg_path: str | None = None,
    advisor_findings: Iterable[Any] | None = None,
    migration_plan_markdown: str | None = None,
    workbench_markdown: str | None = None,
) -> ExportResult:
    """The same document as a self-contained HTML fragment (``<article>``)."""
    blocks = document_blocks(
        schema,
        title=title,
        diagram_svg_path=diagram_svg_path,
        advisor_findings=advisor_findings,
        migration_plan_markdown=migration_plan_markdown,
        workbench_markdown=workbench_markdown,
    )
    return ExportResult(text=to_html(blocks), warnings=_warnings(schema))


WARN_DOC_LEAVES_OUT = "The document does not describe {what}."


def _warnings(schema: Schema) -> tuple[str, ...]:
    left = {
        "domains": len(schema.domains),
        "sequences": len(schema.sequences),
        "raw SQL statements": len(schema.raw),
    }
    parts = [f"{n} {what}" for what, n in left.items() if n]
    return (WARN_DOC_LEAVES_OUT.format(what=", ".join(parts)),) if parts else ()
