"""Personal API tokens: created on the settings page or by ``manage.py api_token``, stored as a
hash, scoped to a project and a role no higher than the user's, revocable."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from fixtures.api import ApiClient

from projects.models import ApiToken
from projects.services import (
    ERR_TOKEN_ROLE,
    ProjectError,
    api_token_create,
    token_digest,
)

pytestmark = pytest.mark.django_db


def test_only_a_hash_is_stored(team):
    token, secret = api_token_create(user=team.people["viewer"], name="ci")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("erd_") and len(secret) > 40
    assert stored.digest == token_digest(secret)
    assert secret not in {stored.digest, stored.prefix, stored.name}


def test_a_token_role_cannot_exceed_the_users(team):
    with pytest.raises(ProjectError) as refused:
        api_token_create(user=team.people["viewer"], name="x", project=team.project, role="editor")
    assert refused.value.message == ERR_TOKEN_ROLE.format(
        role="editor", project="shop", mine="viewer"
    )
    assert refused.value.field == "role"


def test_cli_prints_the_token_once_and_it_works(team):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token", "editor", "--name", "pipeline", "--project", "shop", "--role", "reviewer",
        stdout=out, stderr=err,
    )  # fmt: skip
    secret = out.getvalue().strip()
    assert "\n" not in secret and "shown once" in err.getvalue()
    token = ApiToken.objects.get(name="pipeline")
    assert (token.project, token.role) == (team.project, "reviewer")
    answer = ApiClient(secret).call("GET", "projects/shop")
    assert answer.json()["role"] == "reviewer"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "No user named “nobody”."),
        (["viewer", "--role", "viewer"], "--role needs --project"),
        (["viewer", "--project", "nope"], "No project with slug “nope”."),
        (["viewer", "--project", "shop", "--role", "editor"], "cannot be higher than yours"),
        (["stranger", "--project", "shop"], "not a member"),
    ],
)
def test_cli_refusals(team, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("api_token", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_settings_page_creates_shows_once_and_revokes(team, client):
    client.force_login(team.people["editor"])
    assert client.get("/settings/tokens/").status_code == 200
    made = client.post("/settings/tokens/", {"name": "CI", "project": "shop", "role": "viewer"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=team.people["editor"])
    html = made.content.decode()
    secret = html.split('value="erd_', 1)[1].split('"', 1)[0]
    assert token_digest("erd_" + secret) == token.digest
    assert 'value="erd_' not in client.get("/settings/tokens/").content.decode()  # never again
    assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient("erd_" + secret).call("GET", "projects").status_code == 401


def test_settings_page_refuses_a_role_above_the_users(team, client):
    client.force_login(team.people["viewer"])
    answer = client.post("/settings/tokens/", {"name": "CI", "project": "shop", "role": "owner"})
    assert answer.status_code == 422
    assert "cannot be higher than yours" in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked(team, client):
    token, _ = api_token_create(user=team.people["owner"], name="mine")
    client.force_login(team.people["editor"])
    assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_deactivated_users_tokens_stop_working(team):
    _, secret = api_token_create(user=team.people["viewer"], name="ci")
    assert ApiClient(secret).call("GET", "projects").status_code == 200
    team.people["viewer"].is_active = False
    team.people["viewer"].save()
    assert ApiClient(secret).call("GET", "projects").status_code == 401
