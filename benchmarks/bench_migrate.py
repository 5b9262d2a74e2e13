"""Diff + plan speed: two 1,000-table designs, the second with 100 changes (add column,
type change, new index, new foreign key, drop column, rename). Target: under 1 s.
Also the plan that builds the whole design in an empty database, against the export of
the same design measured in the same run (both ask the same PostgreSQL writer for every
statement). Target: under 1 s.

Run: .venv/bin/python benchmarks/bench_migrate.py
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _gen import generate_schema

from designer.migrate import diff, plan, up_sql
from designer.schema.model import Column, ForeignKey, Index, IndexPart, Schema, Table
from designer.sql.export_postgres import export_postgres

TABLES = 1000
CHANGES = 100
TARGET_SECONDS = 1.0
KINDS = ("add_column", "type_change", "new_index", "new_fk", "drop_column", "rename")


def _mutate(table: Table, kind: str, i: int, rng: random.Random) -> Table:
    cols = list(table.columns)
    plain = [c for c in cols if c.name != "id" and not c.identity]
    if kind == "add_column":
        cols.append(Column(f"extra_{i}", "text", default="''::text"))
    elif kind == "type_change" and plain:
        c = rng.choice(plain)
        cols[cols.index(c)] = replace(c, type="bigint" if c.type == "integer" else "text")
    elif kind == "new_index" and plain:
        c = rng.choice(plain)
        idx = Index(f"{table.name}_{c.name}_b{i}_idx", (IndexPart(column=c.name),), id=f"ix{i}")
        return replace(table, indexes=(*table.indexes, idx))
    elif kind == "new_fk":
        cols.append(Column(f"ref_{i}", "bigint"))
        fk = ForeignKey((f"ref_{i}",), table.name, ("id",), name=f"{table.name}_ref_{i}_fkey")
        return replace(table, columns=tuple(cols), foreign_keys=(*table.foreign_keys, fk))
    elif kind == "drop_column" and plain:
        dropped = rng.choice(plain).name
        used = {p.column for ix in table.indexes for p in ix.parts}
        used |= {c for fk in table.foreign_keys for c in fk.columns}
        if dropped not in used:
            cols = [c for c in cols if c.name != dropped]
    elif kind == "rename":
        return replace(table, name=f"{table.name}_v2")  # same id: a rename
    return replace(table, columns=tuple(cols))


def changed_copy(schema: Schema, seed: int = 1) -> Schema:
    rng = random.Random(seed)
    tables = list(schema.tables)
    for i, pos in enumerate(rng.sample(range(len(tables)), CHANGES)):
        tables[pos] = _mutate(tables[pos], KINDS[i % len(KINDS)], i, rng)
    # Foreign keys follow a renamed table, as they do in the editor.
    renamed = {
        (a.schema, a.name): b.name for a, b in zip(schema.tables, tables) if a.name != b.name
    }
    tables = [
        replace(
            t,
            foreign_keys=tuple(
                replace(fk, ref_table=renamed.get((fk.ref_schema, fk.ref_table), fk.ref_table))
                for fk in t.foreign_keys
            ),
        )
        for t in tables
    ]
    return replace(schema, tables=tuple(tables))


def main() -> int:
    before = generate_schema(TABLES, seed=0)
    after = changed_copy(before)
    start = time.perf_counter()
    changes = diff(before, after)
    migration = plan(changes, allow_destructive=True)
    elapsed = time.perf_counter() - start
    script = up_sql(migration)
    kinds = Counter(c.kind for c in changes)
    print(
        f"tables: {len(before.tables)} -> {len(after.tables)}; changes: {len(changes)} {dict(kinds)}"
    )
    print(f"steps: {len(migration.steps)}; up.sql: {len(script.splitlines())} lines")
    verdict = "PASS" if elapsed < TARGET_SECONDS else "FAIL"
    print(f"diff + plan: {elapsed:.3f} s (target < {TARGET_SECONDS:.0f} s) {verdict}")
    start = time.perf_counter()
    create = plan(diff(Schema(), before))
    planned = time.perf_counter() - start
    start = time.perf_counter()
    export_postgres(before)
    exported = time.perf_counter() - start
    verdict = "PASS" if planned < TARGET_SECONDS else "FAIL"
    print(
        f"plan from an empty database: {planned:.3f} s, {len(create.steps)} steps"
        f" (export of the same design {exported:.3f} s, ratio {planned / exported:.1f};"
        f" target < {TARGET_SECONDS:.0f} s) {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
