"""Idempotency-Key on the API's writes: a retried write is applied once and answered alike."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from fixtures.api import ApiClient

from designer.api.idempotency import ERR_KEY, ERR_KEY_REUSED
from designer.models import DesignColumn, DesignTable, IdempotentRequest
from projects.services import api_token_create

pytestmark = pytest.mark.django_db
TABLES = "projects/shop/tables"


def test_a_retried_create_is_applied_once_and_answered_with_the_first_response(team, api_as):
    api = api_as("editor")
    first = api.call("POST", TABLES, {"name": "tags"}, idempotency_key="k-1")
    again = api.call("POST", TABLES, {"name": "tags"}, idempotency_key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert again["Content-Type"] == first["Content-Type"]
    assert DesignTable.objects.filter(project=team.project, name="tags").count() == 1
    # without the key the same call is a new write (refused: the name is taken)
    assert api.call("POST", TABLES, {"name": "tags"}).status_code == 422


def test_a_replayed_edit_keeps_its_etag_and_writes_nothing_new(team, api_as):
    api = api_as("editor")
    path = f"{TABLES}/{team.posts.uid}"
    first = api.call("PATCH", path, {"comment": "articles"}, idempotency_key="edit-1")
    api.call("PATCH", path, {"comment": "changed since"})
    again = api.call("PATCH", path, {"comment": "articles"}, idempotency_key="edit-1")
    assert again.status_code == 200 and again["ETag"] == first["ETag"]
    assert again.json() == first.json()
    assert DesignTable.objects.get(pk=team.posts.pk).comment == "changed since"


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(team, api_as):
    api = api_as("editor")
    api.call("POST", TABLES, {"name": "tags"}, idempotency_key="k-2")
    refused = api.call("POST", TABLES, {"name": "labels"}, idempotency_key="k-2")
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "idempotency_key_reused",
        "message": ERR_KEY_REUSED,
        "field": "Idempotency-Key",
    }
    assert not DesignTable.objects.filter(name="labels").exists()


def test_a_key_belongs_to_one_user_and_one_route(team, api_as):
    editor, owner = api_as("editor"), api_as("owner")
    assert editor.call("POST", TABLES, {"name": "tags"}, idempotency_key="k").status_code == 201
    assert owner.call("POST", TABLES, {"name": "labels"}, idempotency_key="k").status_code == 201
    column = {"name": "note", "data_type": "text"}
    added = editor.call("POST", f"{TABLES}/{team.posts.uid}/columns", column, idempotency_key="k")
    assert added.status_code == 201 and not added.has_header("Idempotent-Replayed")
    assert DesignColumn.objects.filter(table=team.posts, name="note").count() == 1


def test_a_refused_write_is_not_kept_so_a_retry_runs_again(team, api_as):
    api = api_as("editor")
    path = f"{TABLES}/{team.posts.uid}/columns"
    bad = api.call("POST", path, {"name": "n", "data_type": "no_such type("}, idempotency_key="r")
    assert bad.status_code == 422
    assert not IdempotentRequest.objects.exists()
    good = api.call("POST", path, {"name": "n", "data_type": "text"}, idempotency_key="r2")
    assert good.status_code == 201


def test_a_key_is_free_again_after_a_day(team, api_as):
    api = api_as("editor")
    path = f"{TABLES}/{team.posts.uid}/columns"
    body = {"name": "note", "data_type": "text"}
    assert api.call("POST", path, body, idempotency_key="day").status_code == 201
    DesignColumn.objects.filter(table=team.posts, name="note").delete()
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = api.call("POST", path, body, idempotency_key="day")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert DesignColumn.objects.filter(table=team.posts, name="note").count() == 1
    assert IdempotentRequest.objects.count() == 1  # the old one is gone


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
def test_a_malformed_key_is_refused_before_anything_is_written(team, api_as, key):
    answer = api_as("editor").call("POST", TABLES, {"name": "tags"}, idempotency_key=key)
    assert answer.status_code == 422 and answer.json()["message"] == ERR_KEY
    assert not DesignTable.objects.filter(name="tags").exists()


def test_an_uploaded_import_with_a_key_previews_once(team, api_as):
    api = api_as("editor")
    url = "/api/v1/projects/shop/import/file"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api.secret}", "HTTP_IDEMPOTENCY_KEY": "up"}

    def upload(sql: str):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return api.post(url, {"file": SimpleUploadedFile("s.sql", sql.encode())}, **headers)

    first = upload("CREATE TABLE a (id int);")
    again = upload("CREATE TABLE a (id int);")
    assert first.status_code == again.status_code == 200
    assert again.json()["token"] == first.json()["token"]
    assert upload("CREATE TABLE b (id int);").json()["error"] == "idempotency_key_reused"


@pytest.mark.django_db(transaction=True)
def test_two_processes_racing_with_one_key_apply_it_once(team):
    """Two calls at once with one key: the unique constraint makes the second wait for the
    first and answer with its stored response."""
    _, secret = api_token_create(user=team.people["editor"], name="race")
    answers: list = []
    start = threading.Barrier(2)

    def call() -> None:
        from django.db import connection

        try:
            start.wait()
            answers.append(
                ApiClient(secret).call("POST", TABLES, {"name": "raced"}, idempotency_key="race")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sum(a.has_header("Idempotent-Replayed") for a in answers) == 1
    assert DesignTable.objects.filter(name="raced").count() == 1
