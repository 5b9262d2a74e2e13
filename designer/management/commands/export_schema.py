"""Export a project's design: ``export_schema PROJECT --format postgres [-o FILE]``."""

from django.core.management.base import BaseCommand, CommandError

from designer.export.registry import EXPORT_FORMATS, export
from designer.management.commands._common import get_project, write_output
from designer.selectors.design import project_schema


class Command(BaseCommand):
    help = "Export a project's design (DDL and other formats). Warnings go to stderr."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--format", default="postgres", choices=sorted(EXPORT_FORMATS))
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")

    def handle(self, *args, project: str, format: str, output: str | None, **options):
        schema = project_schema(get_project(project))
        try:
            result = export(schema, format)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        write_output(result.text, output)
