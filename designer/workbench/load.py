"""Sample data out: COPY into a PostgreSQL database, a seed script, or CSV per table.

The COPY runs as the sandbox role (``designer.sql.server.scratch_database``): the database
enforces every constraint of the design while loading, so a load that succeeds is the proof
that the generated rows obey it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import psycopg
from psycopg import sql

from designer.schema.model import Table
from designer.schema.sqltext import qualify, quote_ident, quote_string
from designer.sql.dialects.postgres import POSTGRES
from designer.sql.export_postgres import export_postgres
from designer.sql.server import SqlError, apply_sql, safe_excerpt
from designer.workbench.sampledata import SampleData, TablePlan

SCRIPT_BATCH = 500
# The largest seed script we write: INSERT scripts are for small samples, COPY for scale.
MAX_SCRIPT_ROWS = 100_000
LOAD_STATEMENT_TIMEOUT = "10min"

ERR_LOAD = "Loading {table} failed: {reason}"
ERR_LOAD_KEYS = "The loaded rows break a foreign key: {reason}"
ERR_SCRIPT_TOO_BIG = (
    "A seed script holds at most {limit:,} rows; this sample has {rows:,}. "
    "Choose a smaller scale or CSV."
)

Progress = Callable[[str, int, int], None]  # (table, rows so far, rows wanted)


class LoadError(RuntimeError):
    """The database refused the sample rows; ``str()`` names the table and the constraint."""


@dataclass(frozen=True)
class LoadReport:
    rows: dict[str, int]
    seconds: float
    warnings: tuple[str, ...]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def _target(table: Table) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(table.schema), sql.Identifier(table.name))


def create_schema(dsn: str, data: SampleData, *, foreign_keys_later: bool = False) -> None:
    """Apply the design's DDL (as the sandbox role: it is SQL somebody typed).

    ``foreign_keys_later`` leaves the foreign keys out, for ``copy_rows`` to add after the
    load, as pg_restore does: one validating join per key instead of a lookup per row."""
    schema = data.schema
    if foreign_keys_later:
        schema = replace(schema, tables=tuple(replace(t, foreign_keys=()) for t in schema.tables))
    apply_sql(dsn, export_postgres(schema, header=False).text)


def add_foreign_keys(dsn: str, data: SampleData) -> None:
    context = POSTGRES.context(data.schema)
    statements = [
        POSTGRES.add_foreign_key(t, fk, context)
        for t in data.schema.tables
        for fk in t.foreign_keys
    ]
    if statements:
        try:
            apply_sql(dsn, "\n".join(statements))
        except SqlError as exc:
            raise LoadError(ERR_LOAD_KEYS.format(reason=str(exc))) from None


def copy_rows(
    dsn: str,
    data: SampleData,
    *,
    progress: Progress | None = None,
    foreign_keys_later: bool = False,
) -> LoadReport:
    """COPY every table's rows in one transaction, then ANALYZE and move sequences past the
    keys written, so the database behaves as one that grew to this size. With
    ``foreign_keys_later`` (the schema was created without them) the keys are added after
    the rows, validating every row at once."""
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with psycopg.connect(dsn) as conn:
        conn.execute(
            sql.SQL("SET statement_timeout = {}").format(sql.Literal(LOAD_STATEMENT_TIMEOUT))
        )
        for plan, chunks in data.tables():
            _copy_table(conn, plan, chunks, progress)
            counts[plan.label] = plan.made
        conn.commit()
        if foreign_keys_later:
            add_foreign_keys(dsn, data)
        conn.autocommit = True
        for plan in data.order:
            _advance_sequences(conn, plan)
        conn.execute("ANALYZE")
    return LoadReport(
        rows=counts, seconds=time.perf_counter() - started, warnings=tuple(data.warnings)
    )


def _copy_table(
    conn: psycopg.Connection,
    plan: TablePlan,
    chunks: Iterator[list[tuple[str | None, ...]]],
    progress: Progress | None,
) -> None:
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in plan.columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(_target(plan.table), columns)
    try:
        with conn.cursor() as cur, cur.copy(statement) as copy:
            for chunk in chunks:
                for row in chunk:
                    copy.write_row(row)
                if progress:
                    progress(plan.label, plan.made, plan.wanted)
    except psycopg.Error as exc:
        raise LoadError(ERR_LOAD.format(table=plan.label, reason=_reason(exc))) from None


def _reason(exc: psycopg.Error) -> str:
    diag = exc.diag
    text = diag.message_primary or str(exc)
    if diag.message_detail:
        text += f" ({diag.message_detail})"
    return safe_excerpt(text)


def _advance_sequences(conn: psycopg.Connection, plan: TablePlan) -> None:
    for name in plan.columns:
        column = plan.table.column(name)
        if column is None or not (column.identity or "nextval(" in (column.default or "")):
            continue
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({}, {}), max({})) FROM {} HAVING max({}) > 0"
            ).format(
                sql.Literal(qualify(plan.table.schema, plan.table.name)),
                sql.Literal(name),
                sql.Identifier(name),
                _target(plan.table),
                sql.Identifier(name),
            )
        )


def seed_script(data: SampleData) -> str:
    """An idempotent script: ``INSERT … ON CONFLICT DO NOTHING`` in batches, parents first."""
    total = sum(p.wanted for p in data.order)
    if total > MAX_SCRIPT_ROWS:
        raise ValueError(ERR_SCRIPT_TOO_BIG.format(limit=MAX_SCRIPT_ROWS, rows=total))
    out = io.StringIO()
    out.write("-- Sample data written by ERD Designer; safe to run twice.\nBEGIN;\n")
    for plan, chunks in data.tables():
        target = qualify(plan.table.schema, plan.table.name)
        columns = ", ".join(quote_ident(c) for c in plan.columns)
        casts = [f"::{t}" for t in plan.types]
        always = any(
            (c := plan.table.column(n)) is not None and c.identity == "ALWAYS" for n in plan.columns
        )
        overriding = " OVERRIDING SYSTEM VALUE" if always else ""
        head = f"INSERT INTO {target} ({columns}){overriding} VALUES\n  "
        batch: list[str] = []
        for chunk in chunks:
            for row in chunk:
                values = (
                    "NULL" if x is None else quote_string(x) + cast for x, cast in zip(row, casts)
                )
                batch.append("(" + ", ".join(values) + ")")
                if len(batch) >= SCRIPT_BATCH:
                    out.write(head + ",\n  ".join(batch) + "\nON CONFLICT DO NOTHING;\n")
                    batch.clear()
        if batch:
            out.write(head + ",\n  ".join(batch) + "\nON CONFLICT DO NOTHING;\n")
    for plan in data.order:
        for name in plan.columns:
            column = plan.table.column(name)
            if column is not None and (column.identity or "nextval(" in (column.default or "")):
                target = qualify(plan.table.schema, plan.table.name)
                out.write(
                    f"SELECT setval(pg_get_serial_sequence({quote_string(target)}, "
                    f"{quote_string(name)}), max({quote_ident(name)})) FROM {target} "
                    f"HAVING max({quote_ident(name)}) > 0;\n"
                )
    out.write("COMMIT;\n")
    return out.getvalue()


def _csv_field(value: str | None) -> str:
    return "" if value is None else '"' + value.replace('"', '""') + '"'


def csv_files(data: SampleData) -> dict[str, str]:
    """``{schema.table.csv: text}`` with a header row; NULL is an unquoted empty field and
    every value is quoted, as ``COPY … (FORMAT csv, HEADER)`` reads it back."""
    files: dict[str, str] = {}
    for plan, chunks in data.tables():
        lines = [",".join(_csv_field(c) for c in plan.columns)]
        for chunk in chunks:
            lines.extend(",".join(_csv_field(x) for x in row) for row in chunk)
        files[f"{plan.table.schema}.{plan.table.name}.csv"] = "\n".join(lines) + "\n"
    return files
