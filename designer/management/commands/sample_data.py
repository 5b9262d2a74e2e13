"""``sample_data PROJECT [--scale F] [--rows TABLE=N ...] [--format sql|csv] [-o PATH]``.

Writes sample rows that obey the design: an idempotent seed script (``INSERT … ON CONFLICT
DO NOTHING``, parents first) or one CSV file per table in the directory ``-o`` names.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from designer.management.commands._common import get_project, write_output
from designer.management.commands._workbench import check_scale, parse_rows
from designer.selectors.design import project_schema
from designer.workbench.load import csv_files, seed_script
from designer.workbench.sampledata import GenerationError, SampleData

ERR_CSV_NEEDS_DIR = "--format csv writes one file per table: give -o DIRECTORY."


class Command(BaseCommand):
    help = "Write sample data for a project's design as a seed script or CSV per table."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of expected rows")
        parser.add_argument("--rows", action="append", metavar="TABLE=N", help="rows of a table")
        parser.add_argument("--format", default="sql", choices=("sql", "csv"))
        parser.add_argument("--seed", type=int, default=0, help="random seed (repeatable)")
        parser.add_argument("-o", "--output", help="file (sql) or directory (csv)")

    def handle(self, *args, project, scale, rows, format, seed, output, **options):
        schema = project_schema(get_project(project))
        try:
            data = SampleData(schema, rows=parse_rows(rows), scale=check_scale(scale), seed=seed)
            if format == "csv":
                if not output:
                    raise CommandError(ERR_CSV_NEEDS_DIR, returncode=2)
                directory = Path(output)
                directory.mkdir(parents=True, exist_ok=True)
                for name, text in csv_files(data).items():
                    (directory / name).write_text(text, encoding="utf-8")
            else:
                write_output(seed_script(data), output)
        except (GenerationError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        for warning in data.warnings:
            self.stderr.write(f"warning: {warning}")
