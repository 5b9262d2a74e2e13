"""Who may call every route of the JSON API: roles × token scopes.

The routes are read from the generated OpenAPI document, so a new route is covered the day it
lands (``test_every_route_has_a_line`` fails until it gets its line in ``EXPECTED``). Each
route is called by every identity with a body the route accepts, inside a savepoint that is
rolled back. The gate is passed when the answer is neither 401, 403, nor the gate's 404 ("No
such project."): a refusal of the input itself (a 422, or a 404 for an unknown object) means
the caller got through.

Identities: no credentials; a stranger; each role with an unscoped token; and token scopes: an
owner's token capped at viewer, an editor's token capped at reviewer, and an owner's token held
to another project.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from fixtures.api import ApiClient

from designer.api.app import api
from designer.models import DesignConstraint
from designer.services.indexes import index_save
from projects.models import ROLE_RANK, Role, Webhook
from projects.services import (
    api_token_create,
    comment_add,
    project_create,
    review_request_create,
)

pytestmark = pytest.mark.django_db
VIEW, REVIEW, EDIT, OWN = Role.VIEWER, Role.REVIEWER, Role.EDITOR, Role.OWNER
P = "/projects/{slug}"
T = P + "/tables/{uid}"

# The lowest role each route needs; "any": any caller with credentials (a project token lists
# its one project); "user": a caller not held to one project.
EXPECTED: dict[str, str] = {
    "GET /projects": "any",
    "POST /projects": "user",
    f"GET {P}": VIEW,
    f"PATCH {P}": OWN,
    f"DELETE {P}": OWN,
    f"GET {P}/design": VIEW,
    f"PUT {P}/design": EDIT,
    f"GET {P}/tables": VIEW,
    f"POST {P}/tables": EDIT,
    f"GET {T}": VIEW,
    f"PATCH {T}": EDIT,
    f"DELETE {T}": EDIT,
    f"POST {T}/columns": EDIT,
    f"PATCH {T}/columns/{{cuid}}": EDIT,
    f"DELETE {T}/columns/{{cuid}}": EDIT,
    f"POST {T}/foreign-keys": EDIT,
    f"DELETE {T}/foreign-keys/{{kuid}}": EDIT,
    f"POST {T}/constraints": EDIT,
    f"DELETE {T}/constraints/{{kuid}}": EDIT,
    f"POST {T}/indexes": EDIT,
    f"PUT {T}/indexes/{{iuid}}": EDIT,
    f"DELETE {T}/indexes/{{iuid}}": EDIT,
    f"GET {P}/versions": VIEW,
    f"POST {P}/versions": EDIT,
    f"GET {P}/versions/{{name}}": VIEW,
    f"POST {P}/versions/{{name}}/restore": EDIT,
    f"GET {P}/plan": VIEW,
    f"POST {P}/import": EDIT,
    f"POST {P}/import/file": EDIT,
    f"POST {P}/import/{{token}}/apply": EDIT,
    f"GET {P}/lint": VIEW,
    f"GET {P}/export": VIEW,
    f"GET {P}/export/{{name}}": VIEW,
    f"GET {P}/export/{{name}}/file": VIEW,
    f"GET {P}/diagram": VIEW,
    f"GET {P}/comments": VIEW,
    f"POST {P}/comments": REVIEW,
    f"PATCH {P}/comments/{{pk}}": REVIEW,
    f"GET {P}/reviews": VIEW,
    f"POST {P}/reviews": EDIT,
    f"GET {P}/reviews/{{pk}}": VIEW,
    f"POST {P}/reviews/{{pk}}/decision": REVIEW,
    f"GET {P}/webhooks": OWN,
    f"POST {P}/webhooks": OWN,
    f"DELETE {P}/webhooks/{{pk}}": OWN,
}
BODIES: dict[str, Any] = {
    "POST /projects": {"name": "Another"},
    f"PATCH {P}": {"name": "Renamed"},
    f"PUT {P}/design": {"format": 1, "schema": {}},
    f"POST {P}/tables": {"name": "tags"},
    f"PATCH {T}": {"comment": "x"},
    f"POST {T}/columns": {"name": "title", "data_type": "text"},
    f"PATCH {T}/columns/{{cuid}}": {"comment": "x"},
    f"POST {T}/foreign-keys": {"columns": ["id"], "ref_table": "users", "ref_columns": ["id"]},
    f"POST {T}/constraints": {"kind": "check", "expression": "id > 0"},
    f"POST {T}/indexes": {"name": "posts_id_idx", "parts": ["id"]},
    f"PUT {T}/indexes/{{iuid}}": {"name": "posts_author_idx", "parts": ["author_id"]},
    f"POST {P}/versions": {"name": "v9"},
    f"POST {P}/import": {"text": "CREATE TABLE t (id int);"},
    f"POST {P}/comments": {"body": "hello"},
    f"PATCH {P}/comments/{{pk}}": {"resolved": True},
    f"POST {P}/reviews": {"title": "t", "version": "v1", "reviewers": ["reviewer"]},
    f"POST {P}/reviews/{{pk}}/decision": {"decision": "changes_requested"},
    f"POST {P}/webhooks": {"url": "ftp://nowhere"},
}
QUERIES = {f"GET {P}/plan": "?from=v1"}
# (user, token role cap, token held to the other project)
IDENTITIES: dict[str, tuple[str | None, str, bool]] = {
    "anonymous": (None, "", False),
    "stranger": ("stranger", "", False),
    "viewer": ("viewer", "", False),
    "reviewer": ("reviewer", "", False),
    "editor": ("editor", "", False),
    "owner": ("owner", "", False),
    "owner capped at viewer": ("owner", VIEW, False),
    "editor capped at reviewer": ("editor", REVIEW, False),
    "owner held to another project": ("owner", "", True),
}
GATE_404 = "No such project."


def routes() -> list[str]:
    spec = api.get_openapi_schema()
    found = []
    for path, methods in spec["paths"].items():
        for method in methods:
            found.append(f"{method.upper()} {path.removeprefix('/api/v1')}")
    return sorted(found)


ROUTES = routes()


@pytest.fixture
def world(team, settings) -> SimpleNamespace:
    settings.ERD_API_RATE_LIMIT = 10_000
    people = team.people
    project = team.project
    other = project_create(owner=people["owner"], name="Other", slug="other")
    index, _ = index_save(table=team.posts, name="posts_author_idx", parts="author_id")
    from projects.models import Version

    review = review_request_create(
        project=project,
        author=people["editor"],
        title="Posts",
        version=Version.objects.get(project=project, name="v1"),
        reviewers=[people["reviewer"]],
    )
    comment = comment_add(project=project, author=people["reviewer"], body="hi")
    webhook = Webhook.objects.create(project=project, url="https://example.com/", secret="s")
    secrets: dict[str, str | None] = {}
    for identity, (who, cap, elsewhere) in IDENTITIES.items():
        if who is None:
            secrets[identity] = None
            continue
        scope = other if elsewhere else (project if cap else None)
        _, secrets[identity] = api_token_create(
            user=people[who], name=identity, project=scope, role=cap
        )
    return SimpleNamespace(
        secrets=secrets,
        values={
            "slug": "shop",
            "uid": team.posts.uid,
            "cuid": team.author_id.uid,
            "kuid": DesignConstraint.objects.get(table=team.posts, kind="foreign").uid,
            "iuid": index.uid,
            "pk": None,  # per route: the review or the comment
            "token": "no-such-import",
        },
        review=review.pk,
        comment=comment.pk,
        webhook=webhook.pk,
    )


def allowed(identity: str, need: str) -> bool:
    who, cap, elsewhere = IDENTITIES[identity]
    if who is None:
        return False
    if need == "any":
        return True
    if need == "user":
        # creating a project reaches beyond one project: not with a project token
        return not (cap or elsewhere)
    if who == "stranger" or elsewhere:
        return False
    role = {"viewer": VIEW, "reviewer": REVIEW, "editor": EDIT, "owner": OWN}[who]
    if cap and ROLE_RANK[Role(cap)] < ROLE_RANK[Role(role)]:
        role = cap
    return ROLE_RANK[Role(role)] >= ROLE_RANK[Role(need)]


def url_of(route: str, world: SimpleNamespace) -> str:
    path = route.split(" ", 1)[1]
    values = dict(world.values)
    values["pk"] = (
        world.review
        if "/reviews/" in path
        else world.webhook
        if "/webhooks/" in path
        else world.comment
    )
    values["name"] = "postgres" if "/export/" in path else "v1"
    return path.format(**values) + QUERIES.get(route, "")


def through_gate(status: int, body: dict[str, Any]) -> bool:
    if status in (401, 403):
        return False
    return not (status == 404 and body.get("message") == GATE_404)


def call(world: SimpleNamespace, route: str, identity: str) -> tuple[int, dict[str, Any]]:
    sid = transaction.savepoint()
    try:
        client = ApiClient(world.secrets[identity])
        method = route.split(" ", 1)[0]
        url = url_of(route, world)
        if route.endswith("/import/file"):
            from django.core.files.uploadedfile import SimpleUploadedFile

            upload = SimpleUploadedFile("s.sql", b"CREATE TABLE t (id int);")
            headers = {}
            if client.secret:
                headers["HTTP_AUTHORIZATION"] = f"Bearer {client.secret}"
            response = client.post("/api/v1" + url, {"file": upload}, **headers)
        else:
            response = client.call(method, "/api/v1" + url, BODIES.get(route))
        is_json = response["Content-Type"].startswith("application/json")
        body = response.json() if is_json and response.content else {}
        return response.status_code, body if isinstance(body, dict) else {}
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("route", ROUTES)
def test_who_may_call(world, route):
    need = EXPECTED[route]
    problems = []
    for identity in IDENTITIES:
        status, body = call(world, route, identity)
        assert status < 500, f"{identity} {route}: {status}"
        if identity == "anonymous":
            if status != 401 or body.get("error") != "unauthenticated":
                problems.append(f"{identity} {route}: {status}, want 401")
            continue
        if allowed(identity, need) != through_gate(status, body):
            want = "through the gate" if allowed(identity, need) else "refused"
            problems.append(
                f"{identity} {route}: {status} {body.get('message', '')!r}, want {want}"
            )
        if not allowed(identity, need) and status == 403:
            assert body["error"] == "forbidden"
    assert not problems, "\n".join(problems)


def test_every_route_has_a_line():
    assert set(ROUTES) == set(EXPECTED)


def test_matrix_size():
    """The figure the issue asks for: routes × identities (printed with -s)."""
    print(f"API matrix: {len(ROUTES)} routes × {len(IDENTITIES)} identities")
    assert len(ROUTES) * len(IDENTITIES) >= 300


def test_a_project_token_lists_only_its_project(world):
    listed = ApiClient(world.secrets["owner held to another project"]).call("GET", "projects")
    assert [p["slug"] for p in listed.json()] == ["other"]
    capped = ApiClient(world.secrets["owner capped at viewer"]).call("GET", "projects/shop")
    assert capped.json()["role"] == "viewer"
