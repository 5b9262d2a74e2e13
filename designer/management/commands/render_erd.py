"""Render a project's ER diagram: ``render_erd PROJECT --format svg|png|pdf|dot [-o FILE]``.

``--around TABLE [--depth N]`` draws a table's neighbourhood; ``--view NAME`` draws a saved
view (subject area) with its own tables, mode and direction, as the Explorer does.
"""

from django.core.management.base import BaseCommand, CommandError

from designer.diagram.render import RenderError
from designer.management.commands._common import get_project, write_output
from designer.selectors.diagrams import DIAGRAM_FORMATS, project_diagram, saved_view_diagram
from projects.models import SavedView

ERR_NO_VIEW = "No saved view “{name}” in project “{project}”. Saved views: {names}."
ERR_VIEW_AND_AROUND = "Use --view or --around, not both."


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
        parser.add_argument(
            "--view",
            metavar="NAME",
            help="a saved view: its tables, mode and direction (--mode/--direction ignored)",
        )

    def handle(
        self, *args, project, format, output, direction, mode, around, depth, view, **options
    ):
        if view and around:
            raise CommandError(ERR_VIEW_AND_AROUND)
        found = get_project(project)
        try:
            if view:
                data = saved_view_diagram(_saved_view(found, view), format)
            else:
                data = project_diagram(
                    found, format, direction=direction, mode=mode, around=around, depth=depth
                )
        except (RenderError, LookupError) as exc:
            raise CommandError(exc.args[0] if exc.args else str(exc)) from None
        write_output(data, output)


def _saved_view(project, name: str) -> SavedView:
    view = SavedView.objects.filter(project=project, name=name).select_related("project").first()
    if view is None:
        names = SavedView.objects.filter(project=project).values_list("name", flat=True)
        raise CommandError(
            ERR_NO_VIEW.format(
                name=name, project=project.slug, names=", ".join(sorted(names)) or "none"
            )
        )
    return view
