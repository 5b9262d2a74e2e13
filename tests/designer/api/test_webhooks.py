"""Webhooks: a real HTTP receiver on this machine gets signed notifications when a version is
created or a review approved; failures are retried a bounded number of times."""

from __future__ import annotations

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fixtures.api import ApiClient

from designer.services.versions import snapshot_create
from projects import webhooks
from projects.models import Version, Webhook
from projects.services import api_token_create, review_decide, review_request_create

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """An HTTP server answering each POST with the next of ``codes`` (then 200)."""

    def __init__(self, codes: list[int] | None = None) -> None:
        self.codes = list(codes or [])
        self.received: list[tuple[Any, bytes]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.end_headers()
                if code < 500:
                    receiver.arrived.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver(settings):
    settings.ERD_WEBHOOK_ALLOW = ["127.0.0.1"]
    settings.ERD_WEBHOOK_RETRY_PAUSE_SECONDS = 0.05
    made = Receiver()
    yield made
    made.close()


def _owner_api(team) -> ApiClient:
    return ApiClient(api_token_create(user=team.people["owner"], name="t")[1])


def test_version_created_is_delivered_signed(team, receiver):
    made = _owner_api(team).call(
        "POST", "projects/shop/webhooks", {"url": receiver.url, "events": ["version.created"]}
    )
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    snapshot_create(project=team.project, name="v2", message="more", author=team.people["editor"])
    assert receiver.arrived.wait(10)
    headers, body = receiver.received[0]
    assert headers["X-ERD-Event"] == "version.created"
    expected = "sha256=" + hmac.new(secret.encode(), body, "sha256").hexdigest()
    assert hmac.compare_digest(headers["X-ERD-Signature"], expected)
    payload = json.loads(body)
    assert payload["project"] == "shop" and payload["data"]["version"] == "v2"
    listed = _owner_api(team).call("GET", "projects/shop/webhooks").json()
    assert "secret" not in listed[0]


def test_review_approved_is_delivered(team, receiver):
    webhooks_api = _owner_api(team)
    webhooks_api.call(
        "POST", "projects/shop/webhooks", {"url": receiver.url, "events": ["review.approved"]}
    )
    review = review_request_create(
        project=team.project, author=team.people["editor"], title="Posts",
        version=Version.objects.get(name="v1"), reviewers=[team.people["reviewer"]],
    )  # fmt: skip
    snapshot_create(project=team.project, name="v2")  # not subscribed: nothing sent
    review_decide(review=review, reviewer=team.people["reviewer"], decision="approved")
    assert receiver.arrived.wait(10)
    assert [h["X-ERD-Event"] for h, _ in receiver.received] == ["review.approved"]


def test_failures_are_retried_a_bounded_number_of_times(team, receiver, settings):
    settings.ERD_WEBHOOK_ATTEMPTS = 3
    hook = Webhook.objects.create(
        project=team.project, url=receiver.url, secret="s", events=["version.created"]
    )
    receiver.codes = [503, 502, 500, 500]  # more failures than tries
    outcome = webhooks.deliver(hook.pk, {"event": "version.created", "project": "shop", "data": {}})
    assert outcome == "500"
    assert len(receiver.received) == 3  # and no more
    hook.refresh_from_db()
    assert hook.last_status == "500" and hook.last_delivery_at is not None
    receiver.codes = [503]
    assert webhooks.deliver(hook.pk, {"event": "x", "project": "shop", "data": {}}) == "200"


@pytest.mark.parametrize(
    ("url", "field_message"),
    [
        ("ftp://example.com/", "must start with http"),
        ("http://127.0.0.1:9/", "local or private address"),
        ("http://10.1.2.3/", "local or private address"),
        ("http://[::1]/", "local or private address"),
    ],
)
def test_local_and_odd_urls_are_refused(team, url, field_message):
    answer = _owner_api(team).call("POST", "projects/shop/webhooks", {"url": url})
    assert answer.status_code == 422
    assert answer.json()["field"] == "url" and field_message in answer.json()["message"]
    assert not Webhook.objects.exists()


def test_unknown_events_are_refused_and_webhooks_can_be_removed(team, receiver):
    api = _owner_api(team)
    bad = api.call("POST", "projects/shop/webhooks", {"url": receiver.url, "events": ["x"]})
    assert bad.status_code == 422 and bad.json()["field"] == "events"
    made = api.call("POST", "projects/shop/webhooks", {"url": receiver.url})
    assert made.json()["events"] == ["review.approved", "version.created"]
    assert api.call("DELETE", f"projects/shop/webhooks/{made.json()['id']}").status_code == 204
    assert not Webhook.objects.exists()


def test_the_owner_adds_and_removes_a_webhook_on_its_page(team, client, receiver):
    client.force_login(team.people["owner"])
    assert b"Webhooks" in client.get("/p/shop/members/").content  # the owner's nav
    made = client.post("/p/shop/webhooks/", {"url": receiver.url, "events": ["version.created"]})
    assert made.status_code == 200
    hook = Webhook.objects.get()
    assert hook.events == ["version.created"]
    assert f'value="{hook.secret}"' in made.content.decode()  # shown this once
    assert hook.secret not in client.get("/p/shop/webhooks/").content.decode()
    refused = client.post("/p/shop/webhooks/", {"url": "http://10.0.0.1/", "events": []})
    assert refused.status_code == 422 and "private address" in refused.content.decode()
    assert client.post(f"/p/shop/webhooks/{hook.pk}/remove/").status_code == 200
    assert not Webhook.objects.exists()
