"""``snapshot PROJECT --name NAME [--message TEXT]``: save the working design as a version."""

from django.core.management.base import BaseCommand, CommandError

from designer.management.commands._common import get_project
from designer.services.errors import DesignError
from designer.services.versions import snapshot_create


class Command(BaseCommand):
    help = "Save the project's working design as a named version."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--message", default="")

    def handle(self, *args, project: str, name: str, message: str, **options):
        try:
            version = snapshot_create(project=get_project(project), name=name, message=message)
        except DesignError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Saved version “{version.name}” of {project}.")
