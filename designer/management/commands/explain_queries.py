"""``explain_queries PROJECT [--query-file FILE.sql] [--rows TABLE=N ...] [--suggest]
[--format text|json|markdown]``: the query workbench for CI pipelines.

Loads sample data into a scratch PostgreSQL (``ERD_PG_DSN`` or the embedded one), runs
each key query with EXPLAIN ANALYZE and, with ``--suggest``, proves index suggestions
before and after. Exit 1 when a query cannot run, 2 on bad input.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from designer.management.commands._common import get_project
from designer.management.commands._workbench import check_scale, parse_rows, read_file
from designer.models import KeyQuery
from designer.selectors.design import project_schema
from designer.sql.server import SqlError
from designer.workbench.load import LoadError
from designer.workbench.queries import KeyQuerySpec, parse_query_file
from designer.workbench.report import markdown_report, text_report
from designer.workbench.run import run_workbench
from designer.workbench.sampledata import GenerationError

ERR_NO_QUERIES = "No key queries: give --query-file FILE.sql or add key queries to the project."
ERR_QUERIES_FAILED = "{count} quer{y} could not run."


class Command(BaseCommand):
    help = "Explain a project's key queries on sample data; --suggest proves indexes."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--query-file", help="statements separated by ;")
        parser.add_argument("--rows", action="append", metavar="TABLE=N", help="rows of a table")
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of expected rows")
        parser.add_argument("--suggest", action="store_true", help="suggest and prove indexes")
        parser.add_argument("--format", default="text", choices=("text", "json", "markdown"))
        parser.add_argument("--timeout-ms", type=int, default=10_000, help="per query")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, project, query_file, rows, scale, suggest, format, **options):
        project_row = get_project(project)
        schema = project_schema(project_row)
        if query_file:
            specs = parse_query_file(read_file(query_file))
        else:
            specs = [
                KeyQuerySpec(name=q.name, sql=q.sql, params=tuple(q.params))
                for q in KeyQuery.objects.filter(project=project_row)
            ]
        if not specs:
            raise CommandError(ERR_NO_QUERIES, returncode=2)
        try:
            result = run_workbench(
                schema,
                specs,
                rows=parse_rows(rows),
                scale=check_scale(scale),
                seed=options["seed"],
                with_suggestions=suggest,
                timeout_ms=options["timeout_ms"],
            )
        except (GenerationError, LoadError, SqlError) as exc:
            raise CommandError(str(exc)) from None
        data = result.to_json()
        if format == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        elif format == "markdown":
            self.stdout.write(markdown_report(data))
        else:
            self.stdout.write(text_report(data))
        failed = result.failed
        if failed:
            for q in failed:
                self.stderr.write(f"error: {q.error}")
            raise CommandError(
                ERR_QUERIES_FAILED.format(count=len(failed), y="y" if len(failed) == 1 else "ies"),
                returncode=1,
            )
