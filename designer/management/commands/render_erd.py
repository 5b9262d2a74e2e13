"""Render a project's ER diagram: ``render_erd PROJECT --format svg|png|pdf|dot [-o FILE]``."""

from django.core.management.base import BaseCommand, CommandError

from designer.diagram.render import RenderError
from designer.diagrams import DIAGRAM_FORMATS, project_diagram
from designer.management.commands._common import get_project, write_output


class Command(BaseCommand):
    help = "Render a project's ER diagram as SVG, PNG, PDF or DOT."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--format", default="svg", choices=DIAGRAM_FORMATS)
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")
        parser.add_argument("--direction", default="LR", choices=["LR", "TB"])
        parser.add_argument("--mode", default="all", choices=["all", "keys", "names"])
        parser.add_argument(
            "--around", help="only this table (schema-qualified or not) and its neighbours"
        )
        parser.add_argument("--depth", type=int, default=1, help="hops around --around (default 1)")

    def handle(self, *args, project, format, output, direction, mode, around, depth, **options):
        try:
            data = project_diagram(
                get_project(project),
                format,
                direction=direction,
                mode=mode,
                around=around,
                depth=depth,
            )
        except (RenderError, LookupError) as exc:
            raise CommandError(exc.args[0] if exc.args else str(exc)) from None
        write_output(data, output)
