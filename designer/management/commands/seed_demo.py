"""Create the demo project (slug ``demo``) if it does not exist."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from designer.demo import demo_schema
from designer.services.schema import schema_replace
from projects.models import Project
from projects.services import project_create

DEMO_SLUG = "demo"


class Command(BaseCommand):
    help = "Create the demo project (slug 'demo') owned by --owner; --reset restores its design."

    def add_arguments(self, parser):
        parser.add_argument(
            "--owner", default="admin", help="username of the owner (default admin)"
        )
        parser.add_argument("--reset", action="store_true", help="restore the demo design")

    @transaction.atomic
    def handle(self, *args, owner: str, reset: bool, **options):
        users = get_user_model()
        user = users.objects.filter(username=owner).first()
        if user is None:
            user = users.objects.create_user(username=owner)
            user.set_unusable_password()
            user.save()
        project = Project.objects.filter(slug=DEMO_SLUG).first()
        if project is not None and not reset:
            self.stdout.write("Demo project already present (use --reset to restore it).")
            return
        if project is None:
            project = project_create(
                owner=user,
                name="Demo shop",
                slug=DEMO_SLUG,
                description="A small online shop: catalog, customers and sales.",
            )
        schema_replace(project=project, schema=demo_schema())
        self.stdout.write(
            f"Demo project ready: /p/{DEMO_SLUG}/ ({len(demo_schema().tables)} tables)"
        )
