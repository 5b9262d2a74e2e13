"""Prove a plan on a real PostgreSQL before anyone runs it on theirs.

In scratch databases: build ``before``, run ``up.sql``, and compare the catalog
with ``after`` built from scratch in another database; then run ``down.sql`` and
compare with ``before``. Catalogs are compared through the introspector and
``designer.sql.canonical.differences`` when they exist, else as normalised
``pg_dump --schema-only`` text.

Everything runs in sandboxes (``designer.sql.server.scratch_database``: a role without
privileges that owns only its scratch database), because a design holds SQL somebody typed.
The whole rehearsal has a deadline (``timeout_s``); each statement has the sandbox's
statement timeout. Running past either is a failed rehearsal with a clear message, never an
exception.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import psycopg

from designer.migrate.diff import diff
from designer.migrate.planner import Plan, plan
from designer.migrate.render import down_sql, up_sql
from designer.schema.model import Schema
from designer.sql import server as pgserver

logger = logging.getLogger(__name__)

ERR_BUILD = "Building the {which} design failed: {error}"
ERR_APPLY = "Running {script} failed: {error}"
ERR_TIMEOUT = "The rehearsal took longer than {seconds:g} s and was stopped."
ERR_SERVER = (
    "The PostgreSQL used for rehearsals is not available; ask an administrator"
    " (python manage.py doctor)."
)
ERR_READ = "Reading the {which} database back failed: {error}"
DEFAULT_TIMEOUT_S = pgserver.DEFAULT_TIMEOUT_S


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


def _read(dsn: str, *, timeout_ms: int = 30000) -> Schema:
    from designer.sql.readers.live import introspect

    return introspect(dsn, statement_timeout_ms=timeout_ms)


def _normalised_dump(dsn: str) -> list[str]:
    lines = []
    for line in pgserver.dump_schema(dsn).splitlines():
        line = line.strip().rstrip(",")
        if not line or line.startswith(("--", "SET ", "SELECT pg_catalog.set_config", "\\")):
            continue
        lines.append(line)
    return sorted(lines)


def catalog_differences(a_dsn: str, b_dsn: str, *, timeout_s: float | None = None) -> list[str]:
    """How the catalogs of two databases differ (empty when they hold the same design).

    Column order is not compared: PostgreSQL appends added columns and cannot reorder
    them, so a rollback that re-adds a dropped column puts it last.
    """
    differences = _optional("designer.sql.canonical", "differences")
    if differences is not None and _optional("designer.sql.readers.live", "introspect"):
        ms = 30000 if timeout_s is None else max(100, min(30000, int(timeout_s * 1000)))
        a_schema, b_schema = _read(a_dsn, timeout_ms=ms), _read(b_dsn, timeout_ms=ms)
        found: list[str] = differences(a_schema, b_schema)  # type: ignore[assignment]
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
    before: Schema,
    after: Schema,
    migration: Plan,
    *,
    server_dsn: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> RehearsalResult:
    """Run ``migration`` up and down on scratch databases and compare with the designs.

    Never raises for what the designs hold: a failure, a timeout or an unavailable server is
    a failed result whose first difference says why.
    """
    deadline = time.monotonic() + timeout_s
    log: list[str] = []
    try:
        server = server_dsn or pgserver.server_dsn()
        with _databases(server, 3) as dbs:
            return _rehearse(before, after, migration, dbs, deadline, log)
    except pgserver.SqlTimeout:
        message = ERR_TIMEOUT.format(seconds=timeout_s)
        return RehearsalResult(False, (message,), (), (*log, message))
    except (psycopg.Error, OSError):
        logger.exception("rehearsal: the PostgreSQL server is not available")
        return RehearsalResult(False, (ERR_SERVER,), (), tuple(log))


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise pgserver.SqlTimeout("deadline")
    return left


def _rehearse(
    before: Schema,
    after: Schema,
    migration: Plan,
    dbs: list[str],
    deadline: float,
    log: list[str],
) -> RehearsalResult:
    work, after_db, before_db = dbs

    def run(dsn: str, text: str) -> str | None:
        """The error of running ``text``, or None; a timeout ends the rehearsal."""
        try:
            pgserver.apply_sql(dsn, text, timeout_s=_remaining(deadline))
        except pgserver.SqlTimeout:
            raise
        except RuntimeError as exc:  # SqlError: a safe excerpt
            return str(exc)
        return None

    def compare(a: str, b: str, which: str) -> list[str]:
        try:
            return catalog_differences(a, b, timeout_s=_remaining(deadline))
        except pgserver.SqlTimeout:
            raise
        except RuntimeError as exc:  # the introspector's errors hide passwords
            return [ERR_READ.format(which=which, error=exc)]

    for which, schema, dsn in (
        ("before", before, work),
        ("before", before, before_db),
        ("after", after, after_db),
    ):
        if error := run(dsn, ddl_for(schema)):
            return RehearsalResult(False, (ERR_BUILD.format(which=which, error=error),), (), ())
    log.append("built before and after")
    if error := run(work, up_sql(migration)):
        log.append(ERR_APPLY.format(script="up.sql", error=error))
        return RehearsalResult(False, (log[-1],), (), tuple(log))
    log.append("up.sql ran")
    up_diff = compare(work, after_db, "after up.sql")
    log.append(f"up: {len(up_diff)} difference(s) from after")
    if error := run(work, down_sql(migration)):
        log.append(ERR_APPLY.format(script="down.sql", error=error))
        return RehearsalResult(False, tuple(up_diff), (log[-1],), tuple(log))
    log.append("down.sql ran")
    down_diff = compare(work, before_db, "after down.sql")
    log.append(f"down: {len(down_diff)} difference(s) from before")
    return RehearsalResult(
        not up_diff and not down_diff, tuple(up_diff), tuple(down_diff), tuple(log)
    )


__all__ = ["RehearsalResult", "catalog_differences", "ddl_for", "rehearse", "schema_from_sql"]
