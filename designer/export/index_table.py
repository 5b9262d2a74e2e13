"""The index table: every index and key of a design in one list, with what it is for.

One row per index, primary key, unique constraint and exclusion constraint,
named as PostgreSQL would name it when the design leaves the name out, plus
one row per foreign key that no index covers, so the gap shows. Flags point
at duplicates and at indexes another index already makes redundant.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, replace

from designer.schema.model import ForeignKey, Index, IndexPart, Schema, Table
from designer.schema.pgnames import (
    index_column_names,
    index_element_name,
    make_object_name,
    name_addition,
)
from designer.schema.sqltext import quote_ident
from designer.sql.ddl import ExportResult

KIND_PRIMARY_KEY = "primary key"
KIND_UNIQUE = "unique constraint"
KIND_EXCLUSION = "exclusion"
KIND_INDEX = "index"
KIND_FOREIGN_KEY = "foreign key"
FLAG_FK_WITHOUT_INDEX = "FK without index"
FLAG_DUPLICATE = "duplicate of {name}"
FLAG_REDUNDANT = "redundant: prefix of {name}"
PURPOSE_PRIMARY_KEY = "identity of each row"
PURPOSE_UNIQUE = "enforces uniqueness of ({columns})"
PURPOSE_EXCLUSION = "no two rows conflict on ({elements})"
PURPOSE_FK_GAP = "nothing: deletes and updates of the referenced row scan this table"

CSV_HEADER = (
    "table",
    "name",
    "kind",
    "columns",
    "method",
    "unique",
    "predicate",
    "include",
    "covers_foreign_keys",
    "flags",
    "purpose",
)
_KIND_ORDER = {
    KIND_PRIMARY_KEY: 0,
    KIND_UNIQUE: 1,
    KIND_EXCLUSION: 2,
    KIND_INDEX: 3,
    KIND_FOREIGN_KEY: 4,
}


@dataclass(frozen=True)
class IndexRow:
    table: str  # schema-qualified
    name: str
    kind: str
    parts: tuple[str, ...]  # columns or expressions with COLLATE/opclass/DESC/NULLS
    method: str
    unique: bool
    where: str | None = None
    include: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()  # the foreign keys it covers, described
    flags: tuple[str, ...] = ()
    purpose: str = ""
    # plain leading columns, for coverage; None marks an expression part
    key_columns: tuple[str | None, ...] = ()


def part_text(part: IndexPart) -> str:
    """One key part as it reads in CREATE INDEX."""
    text = quote_ident(part.column) if part.column is not None else f"({part.expression})"
    if part.collation:
        text += f" COLLATE {part.collation}"
    if part.opclass:
        text += f" {part.opclass}"
    if part.descending:
        text += " DESC"
    if part.nulls_first is not None:
        text += " NULLS FIRST" if part.nulls_first else " NULLS LAST"
    return text


def fk_name(table: Table, fk: ForeignKey) -> str:
    return fk.name or make_object_name(table.name, name_addition(fk.columns), "fkey")


def describe_fk(table: Table, fk: ForeignKey) -> str:
    return (
        f"{fk_name(table, fk)}: ({', '.join(fk.columns)}) → "
        f"{fk.ref_schema}.{fk.ref_table}({', '.join(fk.ref_columns)})"
    )


def _covers(row: IndexRow, fk: ForeignKey) -> bool:
    if row.where is not None or row.method not in ("btree", "hash"):
        return False
    n = len(fk.columns)
    if row.method == "hash" and (n != 1 or len(row.key_columns) != 1):
        return False
    lead = row.key_columns[:n]
    return len(lead) == n and None not in lead and set(lead) == set(fk.columns)


def _table_rows(table: Table) -> list[IndexRow]:
    qname = table.qualified_name
    rows: list[IndexRow] = []
    pk = table.primary_key
    if pk is not None:
        rows.append(
            IndexRow(
                table=qname,
                name=pk.name or make_object_name(table.name, None, "pkey"),
                kind=KIND_PRIMARY_KEY,
                parts=tuple(quote_ident(c) for c in pk.columns),
                method="btree" if not pk.without_overlaps else "gist",
                unique=True,
                include=pk.include,
                purpose=PURPOSE_PRIMARY_KEY,
                key_columns=pk.columns,
            )
        )
    for u in table.uniques:
        rows.append(
            IndexRow(
                table=qname,
                name=u.name or make_object_name(table.name, name_addition(u.columns), "key"),
                kind=KIND_UNIQUE,
                parts=tuple(quote_ident(c) for c in u.columns),
                method="btree" if not u.without_overlaps else "gist",
                unique=True,
                include=u.include,
                purpose=PURPOSE_UNIQUE.format(columns=", ".join(u.columns)),
                key_columns=u.columns,
            )
        )
    for x in table.excludes:
        elements = [f"{e.expression} WITH {e.operator}" for e in x.elements]
        name = x.name
        if name is None:
            cols = index_column_names(index_element_name(e.expression) for e in x.elements)
            name = make_object_name(table.name, name_addition(cols), "excl")
        plain = tuple(
            e.expression if e.expression in table.column_names else None for e in x.elements
        )
        rows.append(
            IndexRow(
                table=qname,
                name=name,
                kind=KIND_EXCLUSION,
                parts=tuple(
                    (e.expression if e.expression in table.column_names else f"({e.expression})")
                    + (f" {e.opclass}" if e.opclass else "")
                    + f" WITH {e.operator}"
                    for e in x.elements
                ),
                method=x.method,
                unique=False,
                where=x.where,
                include=x.include,
                purpose=PURPOSE_EXCLUSION.format(elements=", ".join(elements)),
                key_columns=plain,
            )
        )
    for i in table.indexes:
        rows.append(_index_row(qname, i))
    rows.sort(key=lambda r: (_KIND_ORDER[r.kind], r.name))
    rows = _flag(rows)
    out: list[IndexRow] = []
    for row in rows:
        covered = tuple(describe_fk(table, fk) for fk in table.foreign_keys if _covers(row, fk))
        out.append(_with(row, covers=covered))
    for fk in sorted(table.foreign_keys, key=lambda f: fk_name(table, f)):
        if not any(_covers(r, fk) for r in rows):
            out.append(
                IndexRow(
                    table=qname,
                    name=fk_name(table, fk),
                    kind=KIND_FOREIGN_KEY,
                    parts=tuple(quote_ident(c) for c in fk.columns),
                    method="",
                    unique=False,
                    covers=(describe_fk(table, fk),),
                    flags=(FLAG_FK_WITHOUT_INDEX,),
                    purpose=PURPOSE_FK_GAP,
                    key_columns=fk.columns,
                )
            )
    return out


def _index_row(qname: str, index: Index) -> IndexRow:
    return IndexRow(
        table=qname,
        name=index.name,
        kind=KIND_INDEX,
        parts=tuple(part_text(p) for p in index.parts),
        method=str(index.method),
        unique=index.unique,
        where=index.where,
        include=index.include,
        purpose=index.purpose,
        key_columns=tuple(p.column for p in index.parts),
    )


def _with(row: IndexRow, **changes: object) -> IndexRow:
    return replace(row, **changes)  # type: ignore[arg-type]


def _flag(rows: list[IndexRow]) -> list[IndexRow]:
    flagged = []
    for row in rows:
        flags = list(row.flags)
        for other in rows:
            if other is row:
                continue
            same_kind = (row.method, row.where) == (other.method, other.where)
            if same_kind and row.parts == other.parts and row.include == other.include:
                flags.append(FLAG_DUPLICATE.format(name=other.name))
            elif (
                same_kind
                and not row.unique
                and len(row.parts) < len(other.parts)
                and other.parts[: len(row.parts)] == row.parts
            ):
                flags.append(FLAG_REDUNDANT.format(name=other.name))
        flagged.append(_with(row, flags=tuple(flags)))
    return flagged


def index_rows(schema: Schema) -> list[IndexRow]:
    """Every index and key of ``schema``, tables in (schema, name) order."""
    rows: list[IndexRow] = []
    for table in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        rows.extend(_table_rows(table))
    return rows


def row_cells(row: IndexRow) -> list[str]:
    return [
        row.table,
        row.name,
        row.kind,
        ", ".join(row.parts),
        row.method,
        "yes" if row.unique else "no",
        row.where or "",
        ", ".join(row.include),
        "; ".join(row.covers),
        "; ".join(row.flags),
        row.purpose,
    ]


def index_table_csv(schema: Schema) -> ExportResult:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in index_rows(schema):
        writer.writerow(row_cells(row))
    return ExportResult(text=buf.getvalue())


def markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: HTML escaped, pipes escaped, new lines as <br>."""
    text = html.escape(text, quote=False).replace("|", "\\|")
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def index_table_markdown_lines(schema: Schema) -> list[str]:
    headers = [
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
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in index_rows(schema):
        cells = [markdown_cell(c) for c in row_cells(row)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def index_table_markdown(schema: Schema) -> ExportResult:
    return ExportResult(text="\n".join(index_table_markdown_lines(schema)) + "\n")
