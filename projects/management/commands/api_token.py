"""``api_token USERNAME [--name NAME] [--project SLUG --role ROLE]``: a personal API token.

The token is printed once, on stdout alone (so ``TOKEN=$(python manage.py api_token ci)``
works); only its hash is stored.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from projects.models import Project, Role
from projects.services import ProjectError, api_token_create

ERR_NO_USER = "No user named “{username}”."
ERR_NO_PROJECT = "No project with slug “{slug}”."
ERR_ROLE_NEEDS_PROJECT = "--role needs --project: a token's role is held on one project."


class Command(BaseCommand):
    help = (
        "Create a personal API token for USERNAME and print it once; optionally held to one "
        "project and a role no higher than the user's there."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")
        parser.add_argument("--project", help="the one project the token may reach (its slug)")
        parser.add_argument(
            "--role",
            choices=[Role.VIEWER, Role.REVIEWER, Role.EDITOR],
            help="the token's role on --project (at most the user's)",
        )

    def handle(self, *args, username: str, name: str, project: str | None, role, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(ERR_NO_USER.format(username=username))
        if role and not project:
            raise CommandError(ERR_ROLE_NEEDS_PROJECT)
        target = None
        if project:
            target = Project.objects.filter(slug=project).first()
            if target is None:
                raise CommandError(ERR_NO_PROJECT.format(slug=project))
        try:
            token, secret = api_token_create(user=user, name=name, project=target, role=role or "")
        except ProjectError as exc:
            raise CommandError(exc.message) from None
        scope = f"project {target.slug} as {role or 'your role'}" if target else "every project"
        self.stderr.write(f"Token “{token.name}” for {username} ({scope}); shown once:")
        self.stdout.write(secret)
