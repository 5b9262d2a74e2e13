"""Import speed: a generated 3,000-table PostgreSQL schema (~45,000 lines) through pglast's
bare parse and through ``import_postgres`` end to end. Target: under 5 s end to end.

Run: .venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pglast

from designer.sql.readers.postgres import import_postgres

TABLES = 3000
TARGET_SECONDS = 5.0


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


def main() -> int:
    text = generate_schema()
    lines = text.count("\n")
    start = time.perf_counter()
    pglast.parser.parse_sql_json(text)
    parse_seconds = time.perf_counter() - start
    start = time.perf_counter()
    result = import_postgres(text, source_name="generated")
    import_seconds = time.perf_counter() - start
    counts = result.report.counts
    print(f"input: {TABLES} tables, {lines} lines, {len(text) / 1e6:.1f} MB")
    print(
        f"model: {counts['tables']} tables, {counts['columns']} columns,"
        f" {counts['foreign_keys']} foreign keys, {counts['indexes']} indexes"
    )
    print(f"pglast.parser.parse_sql_json (bare parse): {parse_seconds:.2f} s")
    print(f"import_postgres (end to end):             {import_seconds:.2f} s")
    print(f"ratio end-to-end / bare parse:            {import_seconds / parse_seconds:.1f}x")
    verdict = "PASS" if import_seconds < TARGET_SECONDS else "FAIL"
    print(f"{verdict}: end to end under {TARGET_SECONDS:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
