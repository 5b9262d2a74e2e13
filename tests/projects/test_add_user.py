import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_add_user_creates_an_account_that_can_log_in(capsys):
    call_command("add_user", "rita", "--email", "rita@example.com")
    password = capsys.readouterr().out.split("password: ")[1].strip()
    assert authenticate(username="rita", password=password) is not None


def test_add_user_refuses_weak_passwords_and_duplicates():
    with pytest.raises(CommandError, match=r"too common|too short"):
        call_command("add_user", "bob", "--password", "password")
    call_command("add_user", "bob")
    with pytest.raises(CommandError, match="already exists"):
        call_command("add_user", "bob")
