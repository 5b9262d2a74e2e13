"""Create a user account (for inviting members without an admin site)."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a user who can then be invited to projects; prints the password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: a random password, printed")

    def handle(self, *args, username: str, email: str, password: str | None, **options):
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            raise CommandError(f"A user named “{username}” already exists.")
        password = password or secrets.token_urlsafe(12)
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        users.objects.create_user(username=username, email=email, password=password)
        self.stdout.write(f"Created user: {username}   password: {password}")
