"""examples/ci.sh against a live server: with only a token and curl, a pipeline versions a
schema, fails on advisor errors, plans against the last approved version and asks for review."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from projects.models import ReviewRequest, Version
from projects.services import api_token_create, review_decide

SCRIPT = Path(__file__).resolve().parents[3] / "examples" / "ci.sh"
GOOD = """
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
CREATE TABLE posts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id bigint NOT NULL REFERENCES users (id)
);
CREATE INDEX posts_author_id_idx ON posts (author_id);
"""
NO_PRIMARY_KEY = "CREATE TABLE logs (line text);"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="the recipe needs curl"),
]


def run(live_server, secret: str, schema: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ["PATH"],
        "ERD_URL": live_server.url,
        "ERD_TOKEN": secret,
        "ERD_PROJECT": "shop",
        "SCHEMA_FILE": str(schema),
        **env,
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60,
        cwd=schema.parent,
    )  # fmt: skip


@pytest.fixture
def pipeline(team, settings):
    settings.ERD_API_RATE_LIMIT = 1000
    _, secret = api_token_create(
        user=team.people["editor"], name="CI", project=team.project, role="editor"
    )
    return secret


def test_the_recipe_versions_plans_and_asks_for_review(live_server, team, pipeline, tmp_path):
    # the last approved version is v1, from the team fixture (users and posts)
    review = ReviewRequest.objects.create(
        project=team.project, author=team.people["editor"], title="base",
        version=Version.objects.get(name="v1"),
    )  # fmt: skip
    review.assignments.create(reviewer=team.people["reviewer"])
    review_decide(review=review, reviewer=team.people["reviewer"], decision="approved")
    schema = tmp_path / "schema.sql"
    schema.write_text(GOOD)
    done = run(live_server, pipeline, schema, VERSION_NAME="ci-1", REVIEWERS="reviewer")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "add column email" in done.stdout.lower() or "email" in done.stdout
    version = Version.objects.get(project=team.project, name="ci-1")
    asked = ReviewRequest.objects.exclude(pk=review.pk).get()
    assert (asked.version, asked.base_version.name) == (version, "v1")
    assert "CREATE INDEX CONCURRENTLY" in asked.description
    assert [a.reviewer.username for a in asked.assignments.all()] == ["reviewer"]


def test_the_recipe_fails_on_advisor_errors(live_server, team, pipeline, tmp_path):
    schema = tmp_path / "schema.sql"
    schema.write_text(GOOD + NO_PRIMARY_KEY)
    failed = run(live_server, pipeline, schema, VERSION_NAME="ci-2", REVIEWERS="reviewer")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "pk-missing" in failed.stdout
    assert not ReviewRequest.objects.exists()


def test_the_recipe_refuses_a_destructive_plan(live_server, team, pipeline, tmp_path):
    review = ReviewRequest.objects.create(
        project=team.project, author=team.people["editor"], title="base",
        version=Version.objects.get(name="v1"),
    )  # fmt: skip
    review.assignments.create(reviewer=team.people["reviewer"])
    review_decide(review=review, reviewer=team.people["reviewer"], decision="approved")
    schema = tmp_path / "schema.sql"
    schema.write_text(
        "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);"
    )  # posts is gone
    refused = run(live_server, pipeline, schema, VERSION_NAME="ci-3")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "drops data" in refused.stderr


def test_a_bad_token_stops_the_pipeline(live_server, team, tmp_path):
    schema = tmp_path / "schema.sql"
    schema.write_text(GOOD)
    failed = run(live_server, "erd_wrong", schema)
    assert failed.returncode == 2
    assert "(401)" in failed.stderr
