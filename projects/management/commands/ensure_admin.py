"""Create the admin account if it is missing and print how to log in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the admin account (if missing) and print its credentials."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        users = get_user_model()
        secret_file = settings.VAR_DIR / "admin-password.txt"
        user = users.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser(username=username, email="", password=password)
            secret_file.write_text(password + "\n")
            secret_file.chmod(0o600)
        elif secret_file.exists():
            password = secret_file.read_text().strip()
        else:
            password = "(unchanged; set it with: python manage.py changepassword admin)"
        self.stdout.write(f"Log in as  user: {username}   password: {password}")
