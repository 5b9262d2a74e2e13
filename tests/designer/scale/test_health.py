"""/healthz checks every part the app leans on; /readyz says whether to send traffic."""

from __future__ import annotations

import pytest

from designer.views import health


@pytest.mark.django_db
def test_healthz_answers_without_login_with_every_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "dot"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "graphviz" in body["checks"]["dot"]["detail"].lower()
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_with_redis_checks_the_real_cache_and_broker(client, with_redis, settings):
    settings.ERD_TASK_BROKER = settings.REDIS_URL
    body = client.get("/healthz").json()
    assert body["status"] == "ok", body
    assert body["checks"]["cache"]["detail"] == "RedisCache"
    assert body["checks"]["broker"]["detail"] == "reachable"


@pytest.mark.django_db
def test_healthz_fails_with_503_naming_the_part_that_is_down(client, settings, monkeypatch):
    settings.ERD_TASK_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setattr(health.shutil, "which", lambda name: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert not body["checks"]["broker"]["ok"]
    assert body["checks"]["dot"] == {
        "ok": False,
        "detail": "RuntimeError: Graphviz's dot was not found",
        "ms": body["checks"]["dot"]["ms"],
    }
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


@pytest.mark.django_db
def test_readyz_is_ready_when_migrations_are_applied(client):
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"ready": True})
