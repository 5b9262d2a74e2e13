"""Import speed: a generated 3,000-table PostgreSQL schema (~54,000 lines) through pglast's
bare parse, through ``import_postgres`` (parse and model), and through the whole
``import_schema --create`` command into the store (SQLite in a temporary ERD_VAR_DIR; process
start, with the import of the command's modules, excluded), each as a ratio to the bare parse
measured in the same run. The bare parse and the command run 3 times each (the command into 3
new projects) and the best run counts, as timeit does: the slower runs measure the other
processes on the machine; every run of the command is printed.
Target: the command under 2.5 s, that is 12.5x the bare parse of the quiet reference machine
(0.20 s); on a shared machine the ratio is the fairer verdict, and both are printed, with the
command's CPU seconds (other processes inflate its wall time much more than its CPU time).

Run: .venv/bin/python benchmarks/bench_import.py [--quick]   (--quick: 1,000 tables)
Benchmarks report; they exit 0 whatever the figures.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["ERD_VAR_DIR"] = tempfile.mkdtemp(prefix="erd-bench-import-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
os.environ.setdefault("DEBUG", "true")  # not manage.py: DEBUG would default off (settings.py)
os.environ.pop("DATABASE_URL", None)

import django

django.setup()

import pglast  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command, load_command_class  # noqa: E402

from designer.sql.readers.postgres import import_postgres  # noqa: E402

TABLES = 3000
RUNS = 3  # the bare parse and the command: the best of 3, since other processes share the machine
TARGET_SECONDS = 2.5
REFERENCE_PARSE_SECONDS = 0.20  # the bare parse on the quiet reference machine
TARGET_RATIO = TARGET_SECONDS / REFERENCE_PARSE_SECONDS


def generate_schema(tables: int = TABLES) -> str:
    """pg_dump-like DDL: every table has a serial key, typed columns with defaults and a CHECK,
    a foreign key to an earlier table, an index and a comment."""
    out = ["SET statement_timeout = 0;", "CREATE TYPE public.status AS ENUM ('new', 'done');", ""]
    for i in range(tables):
        name = f"table_{i:05d}"
        out += [
            f"CREATE TABLE public.{name} (",
            "    id bigint NOT NULL,",
            "    parent_id bigint,",
            "    code character varying(40) NOT NULL,",
            "    amount numeric(12,2) DEFAULT 0 NOT NULL,",
            "    status public.status DEFAULT 'new'::public.status NOT NULL,",
            "    created_at timestamp with time zone DEFAULT now() NOT NULL,",
            "    note text,",
            "    CONSTRAINT amount_positive CHECK ((amount >= (0)::numeric))",
            ");",
            f"CREATE SEQUENCE public.{name}_id_seq START WITH 1 INCREMENT BY 1 CACHE 1;",
            f"ALTER SEQUENCE public.{name}_id_seq OWNED BY public.{name}.id;",
            f"ALTER TABLE ONLY public.{name} ALTER COLUMN id"
            f" SET DEFAULT nextval('public.{name}_id_seq'::regclass);",
            f"ALTER TABLE ONLY public.{name} ADD CONSTRAINT {name}_pkey PRIMARY KEY (id);",
            f"CREATE INDEX {name}_code_idx ON public.{name} USING btree (lower((code)::text));",
            f"COMMENT ON TABLE public.{name} IS 'Generated table {i}';",
        ]
        if i:
            parent = f"table_{i // 2:05d}"
            out.append(
                f"ALTER TABLE ONLY public.{name} ADD CONSTRAINT {name}_parent_fkey"
                f" FOREIGN KEY (parent_id) REFERENCES public.{parent}(id) ON DELETE CASCADE;"
            )
        out.append("")
    return "\n".join(out) + "\n"


def _timed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    start, cpu_start = time.perf_counter(), time.process_time()
    func(*args, **kwargs)
    return time.perf_counter() - start, time.process_time() - cpu_start


def main() -> int:
    tables = 1000 if "--quick" in sys.argv else TABLES
    text = generate_schema(tables)
    lines = text.count("\n")
    parse_seconds = min(_timed(pglast.parser.parse_sql_json, text)[0] for _ in range(RUNS))
    start = time.perf_counter()
    result = import_postgres(text, source_name="generated")
    import_seconds = time.perf_counter() - start
    counts = result.report.counts
    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user("admin", password="bench-password-1")
    path = Path(os.environ["ERD_VAR_DIR"]) / "schema.sql"
    path.write_text(text)
    # `manage.py import_schema` imports the command's modules while starting: process start.
    load_command_class("designer", "import_schema")
    runs = [
        _timed(
            call_command,
            "import_schema",
            f"bench-{i}",
            str(path),
            "--create",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        for i in range(RUNS)
    ]
    command_seconds, command_cpu = min(runs)
    ratio = command_seconds / parse_seconds
    print(f"input: {tables} tables, {lines} lines, {len(text) / 1e6:.1f} MB")
    print(
        f"model: {counts['tables']} tables, {counts['columns']} columns,"
        f" {counts['foreign_keys']} foreign keys, {counts['indexes']} indexes"
    )
    print(f"pglast.parser.parse_sql_json (bare parse): {parse_seconds:.2f} s")
    print(f"import_postgres (end to end):             {import_seconds:.2f} s")
    print(f"ratio import_postgres / bare parse:       {import_seconds / parse_seconds:.1f}x")
    print(
        f"import_schema --create (into the store):  {command_seconds:.2f} s"
        f" ({command_cpu:.2f} s CPU; runs: {', '.join(f'{w:.2f} s' for w, _ in runs)})"
    )
    print(f"ratio import_schema / bare parse:         {ratio:.1f}x")
    verdict = "PASS" if command_seconds < TARGET_SECONDS else "FAIL"
    print(f"{verdict}: import_schema --create of {tables} tables under {TARGET_SECONDS} s")
    verdict = "PASS" if ratio < TARGET_RATIO else "FAIL"
    print(
        f"{verdict}: import_schema --create of {tables} tables under {TARGET_RATIO:.1f}x the bare"
        f" parse ({TARGET_SECONDS} s over the reference machine's {REFERENCE_PARSE_SECONDS} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
