"""Advisor speed: lint a 3,000-table schema with every rule enabled. Target: under 1 s.

Uses ``benchmarks/_gen.generate_schema`` when it exists, else a local generator of the same
shape (keys, foreign keys to earlier tables, indexes, uniques, typical column types).

Run: .venv/bin/python benchmarks/bench_advisor.py
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from designer.advisor import lint
from designer.schema.model import (
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)

TABLES = 3000
TARGET_SECONDS = 1.0
RUNS = 3

_TYPES = (
    "text",
    "character varying(255)",
    "integer",
    "numeric(12,2)",
    "boolean",
    "timestamp with time zone",
    "timestamp without time zone",
    "jsonb",
    "json",
    "date",
)


def local_schema(n_tables: int, *, seed: int = 0) -> Schema:
    """Tables of 10-20 columns, 1-3 foreign keys to earlier tables, some indexed, some not."""
    rng = random.Random(seed)
    tables = []
    for i in range(n_tables):
        name = f"table_{i:05d}"
        columns = [Column("id", "bigint", nullable=False, identity="ALWAYS")]
        fks = []
        indexes = []
        for k in range(rng.randint(1, 3) if i else 0):
            parent = rng.randrange(i)
            col = f"ref{k}_id"
            columns.append(Column(col, "bigint", nullable=rng.random() < 0.5))
            on_delete = "CASCADE" if rng.random() < 0.3 else "NO ACTION"
            fks.append(ForeignKey((col,), f"table_{parent:05d}", ("id",), on_delete=on_delete))
            if rng.random() < 0.6:
                indexes.append(Index(f"{name}_{col}_idx", (IndexPart(column=col),)))
        for k in range(rng.randint(8, 16)):
            columns.append(Column(f"attr_{k}", rng.choice(_TYPES)))
        columns += [
            Column("email", "text", nullable=False),
            Column("created_at", "timestamp with time zone", nullable=False, default="now()"),
        ]
        uniques = (UniqueConstraint(("email",), name=f"{name}_email_key"),) if i % 2 else ()
        indexes.append(Index(f"{name}_attr_0_idx", (IndexPart(column="attr_0"),)))
        tables.append(
            Table(
                name,
                columns=tuple(columns),
                primary_key=PrimaryKey(("id",), name=f"{name}_pkey") if i % 50 else None,
                foreign_keys=tuple(fks),
                uniques=uniques,
                indexes=tuple(indexes),
            )
        )
    return Schema(
        tables=tuple(tables), enums=(EnumType("status", ("new", "done")), EnumType("one", ("x",)))
    )


def build(n_tables: int) -> tuple[Schema, str]:
    try:
        from benchmarks._gen import generate_schema  # type: ignore[import-not-found]
    except ImportError:
        return local_schema(n_tables), "local generator"
    return generate_schema(n_tables, seed=0), "benchmarks/_gen.py"


def main() -> int:
    schema, source = build(TABLES)
    columns = sum(len(t.columns) for t in schema.tables)
    timings = []
    findings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        findings = lint(schema)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    by_rule = Counter(f.rule for f in findings)
    print(f"schema: {len(schema.tables)} tables, {columns} columns ({source})")
    print(f"findings: {len(findings)} from {len(by_rule)} rules")
    print(f"lint: best {best:.3f} s of {RUNS} runs (median {sorted(timings)[RUNS // 2]:.3f} s)")
    verdict = "PASS" if best < TARGET_SECONDS else "FAIL"
    print(f"{verdict}: target under {TARGET_SECONDS:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
