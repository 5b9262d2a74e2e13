"""Prove a plan on a real PostgreSQL before anyone runs it on theirs.

In scratch databases: build ``before``, run ``up.sql``, and compare the catalog
with ``after`` built from scratch in another database; then run ``down.sql`` and
compare with ``before``. Catalogs are compared through the introspector and
``designer.sql.compare.differences`` when they exist, else as normalised
``pg_dump --schema-only`` text.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from designer.migrate.diff import diff
from designer.migrate.planner import Plan, plan
from designer.migrate.render import down_sql, up_sql
from designer.schema.model import Schema
from designer.sql import server as pgserver

ERR_BUILD = "Building the {which} design failed: {error}"
ERR_APPLY = "Running {script} failed: {error}"


@dataclass(frozen=True)
class RehearsalResult:
    passed: bool
    up_differences: tuple[str, ...] = ()
    down_differences: tuple[str, ...] = ()
    log: tuple[str, ...] = field(default=())


def _optional(module: str, name: str) -> Callable[..., object] | None:
    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return None


def ddl_for(schema: Schema) -> str:
    """Full DDL of ``schema``: the exporter's when it exists, else a plan from nothing."""
    export = _optional("designer.sql.export_postgres", "export_postgres")
    if export is not None:
        return str(export(schema).text)  # type: ignore[attr-defined]
    return up_sql(plan(diff(Schema(), schema), allow_destructive=True))


def schema_from_sql(text: str, *, server_dsn: str | None = None) -> Schema:
    """The ``Schema`` of DDL text: the importer's reading, else PostgreSQL's own (apply + read)."""
    importer = _optional("designer.sql.readers.postgres", "import_postgres")
    if importer is not None:
        return importer(text).schema  # type: ignore[attr-defined,no-any-return]
    with pgserver.scratch_database(server_dsn, prefix="erd_load") as dsn:
        pgserver.apply_sql(dsn, text)
        return _read(dsn)


def _read(dsn: str) -> Schema:
    from designer.sql.readers.live import introspect

    return introspect(dsn)


def _normalised_dump(dsn: str) -> list[str]:
    lines = []
    for line in pgserver.dump_schema(dsn).splitlines():
        line = line.strip().rstrip(",")
        if not line or line.startswith(("--", "SET ", "SELECT pg_catalog.set_config", "\\")):
            continue
        lines.append(line)
    return sorted(lines)


def catalog_differences(a_dsn: str, b_dsn: str) -> list[str]:
    """How the catalogs of two databases differ (empty when they hold the same design).

    Column order is not compared: PostgreSQL appends added columns and cannot reorder
    them, so a rollback that re-adds a dropped column puts it last.
    """
    differences = _optional("designer.sql.compare", "differences")
    if differences is not None and _optional("designer.sql.readers.live", "introspect"):
        found: list[str] = differences(_read(a_dsn), _read(b_dsn))  # type: ignore[assignment]
        return [d for d in found if ": column order " not in d]
    a, b = _normalised_dump(a_dsn), _normalised_dump(b_dsn)
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    return [f"only in the first: {x}" for x in only_a] + [
        f"only in the second: {x}" for x in only_b
    ]


@contextlib.contextmanager
def _databases(server: str, n: int) -> Iterator[list[str]]:
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(pgserver.scratch_database(server, prefix="erd_rehearse"))
            for _ in range(n)
        ]


def rehearse(
    before: Schema, after: Schema, migration: Plan, *, server_dsn: str | None = None
) -> RehearsalResult:
    """Run ``migration`` up and down on scratch databases and compare with the designs."""
    server = server_dsn or pgserver.server_dsn()
    log: list[str] = []
    with _databases(server, 3) as (work, after_db, before_db):
        for which, schema, dsn in (("before", before, work), ("before", before, before_db)):
            try:
                pgserver.apply_sql(dsn, ddl_for(schema))
            except RuntimeError as exc:
                return RehearsalResult(False, (ERR_BUILD.format(which=which, error=exc),), (), ())
        try:
            pgserver.apply_sql(after_db, ddl_for(after))
        except RuntimeError as exc:
            return RehearsalResult(False, (ERR_BUILD.format(which="after", error=exc),), (), ())
        log.append("built before and after")
        try:
            pgserver.apply_sql(work, up_sql(migration))
        except RuntimeError as exc:
            log.append(ERR_APPLY.format(script="up.sql", error=exc))
            return RehearsalResult(False, (log[-1],), (), tuple(log))
        log.append("up.sql ran")
        up_diff = catalog_differences(work, after_db)
        log.append(f"up: {len(up_diff)} difference(s) from after")
        try:
            pgserver.apply_sql(work, down_sql(migration))
        except RuntimeError as exc:
            log.append(ERR_APPLY.format(script="down.sql", error=exc))
            return RehearsalResult(False, tuple(up_diff), (log[-1],), tuple(log))
        log.append("down.sql ran")
        down_diff = catalog_differences(work, before_db)
        log.append(f"down: {len(down_diff)} difference(s) from before")
    return RehearsalResult(
        not up_diff and not down_diff, tuple(up_diff), tuple(down_diff), tuple(log)
    )


__all__ = ["RehearsalResult", "catalog_differences", "ddl_for", "rehearse", "schema_from_sql"]
