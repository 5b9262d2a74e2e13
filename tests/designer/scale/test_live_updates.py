"""Pushed updates: an edit served by one app process reaches an editor streaming from another
(two uvicorn processes, one Redis), in well under a second; presence names who is here."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid

import httpx
import pytest
from fixtures.appserver import app_env, free_port, prepare, start_uvicorn


def _events(response: httpx.Response, found: list, stop: threading.Event) -> None:
    event = ""
    try:
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                found.append((time.monotonic(), event, json.loads(line[6:])))
            if stop.is_set():
                return
    except httpx.HTTPError:
        return  # the test closed the stream


def _wait(found: list, event: str, timeout: float = 10) -> tuple[float, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for at, name, data in found:
            if name == event:
                return at, data
        time.sleep(0.01)
    raise AssertionError(f"no {event} event in {timeout} s; got {[e[1] for e in found]}")


@pytest.mark.slow
def test_an_edit_on_one_process_reaches_an_editor_on_another_within_a_second(tmp_path, redis_url):
    env = app_env(tmp_path, REDIS_URL=redis_url, ERD_TASK_QUEUE=f"erd-t-{uuid.uuid4().hex[:8]}")
    world = prepare(env)
    ports = [free_port(), free_port()]
    servers = [start_uvicorn(env, port) for port in ports]
    cookies = {"sessionid": world["session"]}
    stop = threading.Event()
    found: list = []
    try:
        listener = httpx.Client(base_url=f"http://127.0.0.1:{ports[0]}", cookies=cookies)
        editor = httpx.Client(base_url=f"http://127.0.0.1:{ports[1]}", cookies=cookies)
        url = f"/p/{world['slug']}/events/?c=conn{uuid.uuid4().hex[:12]}"
        with listener.stream("GET", url, timeout=httpx.Timeout(30, read=60)) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            reader = threading.Thread(target=_events, args=(stream, found, stop), daemon=True)
            reader.start()
            _, hello = _wait(found, "hello")
            assert [v["user"] for v in hello["viewers"]] == ["olive"]

            page = editor.get(f"/p/{world['slug']}/")
            token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
            sent = time.monotonic()
            saved = editor.post(
                f"/p/{world['slug']}/tables/{world['table']}/columns/",
                data={"name": "total", "data_type": "numeric(12,2)"},
                headers={"X-CSRFToken": token, "HX-Request": "true"},
            )
            assert saved.status_code == 200, saved.text[:300]
            arrived, change = _wait(found, "revision")
            assert change["revision"] == hello["revision"] + 1
            assert change["actor"] == "olive" and change["by_you"] is True
            assert arrived - sent < 1.0, f"took {arrived - sent:.3f} s"

            # presence: the second process hears which table olive edits now
            editor.post(
                f"/p/{world['slug']}/presence/",
                data={"connection": "conn-editor-2", "table": world["table"]},
                headers={"X-CSRFToken": token},
            )
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                tables = [d["viewers"] for _, n, d in found if n == "presence"]
                if tables and tables[-1] == [{"user": "olive", "table": "orders"}]:
                    break
                time.sleep(0.02)
            else:
                raise AssertionError(f"presence never named the table: {found}")
            stop.set()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


@pytest.mark.django_db
def test_without_an_asgi_server_the_stream_says_no_content_and_the_editor_polls(
    client, django_user_model
):
    from projects.services import project_create

    user = django_user_model.objects.create_user("olive", password="pw-long-enough-1")
    project = project_create(owner=user, name="Live")
    client.force_login(user)
    assert client.get(f"/p/{project.slug}/events/?c=abcdefgh1").status_code == 204
    other = django_user_model.objects.create_user("mallory", password="pw-long-enough-1")
    client.force_login(other)
    assert (
        client.post(f"/p/{project.slug}/presence/", {"connection": "abcdefgh1"}).status_code == 404
    )
