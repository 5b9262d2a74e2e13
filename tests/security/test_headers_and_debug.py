"""Every response carries the Content-Security-Policy, the templates hold nothing it would
refuse, and a production server process never runs in DEBUG by default."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from designer.security.csp import POLICY

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on (needs eval)": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "js: values (need eval)": re.compile(r"hx-vals\s*=\s*['\"]\s*js:", re.I),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_hold_nothing_the_policy_refuses(template: Path) -> None:
    text = template.read_text()
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert found == [], found


def test_htmx_is_configured_without_eval_or_injected_styles() -> None:
    base = (ROOT / "templates" / "base.html").read_text()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', base).group(1)
    assert '"allowEval":false' in config
    assert '"includeIndicatorStyles":false' in config
    assert '"allowScriptTags":false' in config


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/", "/no-such-page/", "/static/css/app.css", "/p/demo/"]
)
def test_every_response_carries_the_policy(client, django_user_model, path: str) -> None:
    user = django_user_model.objects.create_user("ada", password="pw-long-enough-1")
    from django.core.management import call_command

    call_command("seed_demo", "--owner", "ada")
    client.force_login(user)
    response = client.get(path)
    assert response["Content-Security-Policy"] == POLICY
    assert "'unsafe-inline'" not in POLICY and "'unsafe-eval'" not in POLICY


# -- DEBUG by default ----------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(extra)
    return env


def test_a_server_process_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import designer.settings"],
        cwd=ROOT,
        env=_env(ERD_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in proc.stderr


def test_manage_py_defaults_to_debug_for_development(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=_env(ERD_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip().splitlines()[-1] == "True", proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_without_debug_set_is_not_in_debug(tmp_path: Path) -> None:
    port = _free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    # as a deployment does (make run-prod): production pages link hashed static files
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=_env(DEBUG="false", SECRET_KEY="test-only-secret", ERD_VAR_DIR=str(tmp_path)),
        check=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "designer.wsgi"],
        cwd=ROOT,
        env=_env(SECRET_KEY="test-only-secret", ERD_VAR_DIR=str(tmp_path)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        body, status = "", 0
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/static/no-such-file.css", timeout=2
                )
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert status == 404
        # DEBUG's technical 404 page lists the URL patterns; production's says only Not Found
        assert "URLconf" not in body and "urlpatterns" not in body
    finally:
        server.terminate()
        server.wait(timeout=10)
