"""Monthly range partitioning: PARTITION BY RANGE on a timestamp column, one partition per
month and a DEFAULT partition; keys widen to include the partition key."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from designer.patterns.base import (
    ERR_COLUMN_TYPE,
    ERR_OPTION_INT,
    ERR_UNKNOWN_COLUMN,
    TIMESTAMPTZ,
    Pattern,
    PatternError,
    PatternOption,
    PatternResult,
    object_name,
    referencing_tables,
    table_ref,
    target_table,
)
from designer.schema.model import IndexPart, Partitioning, PartitionOf, Schema, Table
from designer.schema.sqltext import qualify, quote_ident

ERR_OPTION_MONTH = "“{option}” must be a month written YYYY-MM, e.g. 2025-01."
ERR_PARTITIONED = "“{table}” is already partitioned."
ERR_PARTITION_REFERENCED = (
    "“{table}” is referenced by foreign keys from {referencing}. A foreign key to a partitioned"
    " table must include the partition key, which those tables do not have: drop or change"
    " those foreign keys first."
)
ERR_PARTITION_EXCLUDES = (
    "“{table}” has exclusion constraints; on a partitioned table they must include the"
    " partition key with =. Remove them first."
)
ERR_PARTITION_NAME_TAKEN = "A table named “{name}” already exists; the partitions need that name."
TIMESTAMP_TYPES = ("timestamp with time zone", "timestamp without time zone", "date")


def _month(text: str | date) -> date:
    if isinstance(text, date):
        return text.replace(day=1)
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PatternError(ERR_OPTION_MONTH.format(option="start"))
    return date(int(m.group(1)), int(m.group(2)), 1)


def _month_name(t: Table, month: date) -> str:
    return object_name(t.name, suffix=f"y{month:%Y}m{month:%m}")


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def apply_monthly_partitioning(
    schema: Schema,
    *,
    table: str | None = None,
    column: str = "created_at",
    start: str | date = "2025-01",
    months: int = 12,
    default_partition: bool = True,
) -> PatternResult:
    t = target_table(schema, table)
    if t.partitioning is not None:
        raise PatternError(ERR_PARTITIONED.format(table=t.qualified_name))
    c = t.column(column)
    if c is None:
        raise PatternError(ERR_UNKNOWN_COLUMN.format(table=t.qualified_name, column=column))
    if c.type not in TIMESTAMP_TYPES:
        raise PatternError(
            ERR_COLUMN_TYPE.format(
                table=t.qualified_name,
                column=column,
                type=c.type,
                expected="timestamptz, timestamp or date",
            )
        )
    if not 1 <= months <= 120:
        raise PatternError(ERR_OPTION_INT.format(option="months", low=1, high=120))
    first = _month(start)
    referencing = sorted(r for r in referencing_tables(schema, t) if r != t.qualified_name)
    if referencing or any(
        (fk.ref_schema, fk.ref_table) == (t.schema, t.name) for fk in t.foreign_keys
    ):
        raise PatternError(
            ERR_PARTITION_REFERENCED.format(
                table=t.qualified_name, referencing=", ".join(referencing) or t.qualified_name
            )
        )
    if t.excludes:
        raise PatternError(ERR_PARTITION_EXCLUDES.format(table=t.qualified_name))
    notes = [
        f"{t.qualified_name} becomes PARTITION BY RANGE ({column}) with one partition per"
        f" month from {first:%Y-%m} ({months} months)"
        + (" and a DEFAULT partition for rows outside them." if default_partition else ".")
    ]
    columns = list(t.columns)
    if c.nullable:
        columns[columns.index(c)] = replace(c, nullable=False)
        notes.append(f"{column} becomes NOT NULL: it is part of the primary key now.")
    primary_key = t.primary_key
    if primary_key is not None and column not in primary_key.columns:
        primary_key = replace(primary_key, columns=(*primary_key.columns, column))
        notes.append(
            f"The primary key becomes ({', '.join(primary_key.columns)}): PostgreSQL requires"
            " every unique key of a partitioned table to include the partition key. The old"
            " key alone is no longer enforced across partitions."
        )
    uniques = []
    for u in t.uniques:
        if column not in u.columns:
            u = replace(u, columns=(*u.columns, column))
            notes.append(
                f"UNIQUE constraint {u.name or ', '.join(u.columns)} now includes {column}"
                " (the partition key), so it is unique per timestamp, not table-wide."
            )
        uniques.append(u)
    indexes = []
    for ix in t.indexes:
        if ix.unique and column not in ix.column_names:
            ix = replace(ix, parts=(*ix.parts, IndexPart(column=column)))
            notes.append(f"Unique index {ix.name} now includes {column} (the partition key).")
        indexes.append(ix)
    parent = replace(
        t,
        columns=tuple(columns),
        primary_key=primary_key,
        uniques=tuple(uniques),
        indexes=tuple(indexes),
        partitioning=Partitioning(strategy="RANGE", key=quote_ident(column)),
    )
    new_schema = schema.with_table(parent)
    tz = "+00" if c.type == TIMESTAMPTZ else ""
    month = first
    partitions = []
    for _ in range(months):
        following = _next_month(month)
        low = f"{month:%Y-%m-%d}" + (" 00:00:00" + tz if tz else "")
        high = f"{following:%Y-%m-%d}" + (" 00:00:00" + tz if tz else "")
        partitions.append((_month_name(t, month), f"FOR VALUES FROM ('{low}') TO ('{high}')"))
        month = following
    if default_partition:
        partitions.append((object_name(t.name, suffix="default"), "DEFAULT"))
    for name, bound in partitions:
        if schema.table(name, t.schema) is not None:
            raise PatternError(ERR_PARTITION_NAME_TAKEN.format(name=name))
        new_schema = new_schema.with_table(
            Table(
                name=name,
                schema=t.schema,
                partition_of=PartitionOf(parent_schema=t.schema, parent_table=t.name, bound=bound),
            )
        )
    if tz:
        notes.append("Bounds are midnight UTC; a row goes to the month of its time in UTC.")
    notes += [
        "Indexes declared on the table are created on every partition automatically.",
        "An existing table cannot be switched to partitioned in place: create the new table,"
        " copy the rows (INSERT ... SELECT), then swap names in one transaction.",
        "Create next months' partitions ahead of time (a monthly job, or pg_partman); rows"
        " with no matching month land in the DEFAULT partition, which must be emptied before"
        " a partition covering them can be added.",
        "Old months are dropped instantly with DROP TABLE or detached with ALTER TABLE ..."
        " DETACH PARTITION, instead of a slow DELETE.",
    ]
    ref = table_ref(t)
    after = following  # the month after the last partition
    col = quote_ident(column)
    examples = [
        f"SELECT tableoid::regclass AS partition, count(*) FROM {ref} GROUP BY 1 ORDER BY 1;",
        f"SELECT * FROM {ref} WHERE {col} >= $1 AND {col} < $2;",
        f"CREATE TABLE IF NOT EXISTS"
        f" {qualify(t.schema, _month_name(t, after))}"
        f" PARTITION OF {qualify(t.schema, t.name)}"
        f" FOR VALUES FROM ('{after:%Y-%m-%d}{' 00:00:00' + tz if tz else ''}')"
        f" TO ('{_next_month(after):%Y-%m-%d}{' 00:00:00' + tz if tz else ''}');",
    ]
    return PatternResult(new_schema, notes, examples)


PATTERN = Pattern(
    "monthly-range-partitioning",
    "Monthly range partitioning",
    "PARTITION BY RANGE on a timestamp column, one partition per month plus a DEFAULT partition.",
    "table",
    apply_monthly_partitioning,
    (
        PatternOption("column", "Timestamp column", "created_at", "column"),
        PatternOption("start", "First month (YYYY-MM)", "2025-01", "month"),
        PatternOption("months", "Number of months", 12, "int"),
        PatternOption("default_partition", "DEFAULT partition", True, "bool"),
    ),
)
