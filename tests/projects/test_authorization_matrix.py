"""Who may read (GET) and write (POST) every URL of the site.

The URL list is walked from the resolver, so a new URL is covered the day it lands: every one
gets the invariants that must hold everywhere (anonymous visitors are sent to log in, a
project's URLs answer 404 to non-members, a share link opens nothing but the /s/ views).
``EXPECTED`` then pins, per URL name, the lowest role that may read and write; a URL missing
from it is listed in the test output so someone adds its line.

Each identity's requests run inside a savepoint that is rolled back, so a permitted write
(deleting the table, removing a member) never changes what the next identity sees.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from designer.models import (
    DesignColumn,
    DesignConstraint,
    DesignEnum,
    DesignIndex,
    Job,
    KeyQuery,
    WorkbenchRun,
)
from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.enums import enum_save
from designer.services.indexes import index_save
from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.models import Membership, Role, SavedView, Webhook
from projects.services import (
    api_token_create,
    comment_add,
    project_create,
    review_request_create,
    share_link_create,
    share_link_revoke,
)

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}

# Who may do what. A role means "this role or higher"; None: the method is not allowed (405).
# "user": any logged-in user; "public": anyone; "token": whoever holds a live share link;
# "mine": only the user the object belongs to (the editor's API token), 404 for anyone else.
VIEW, REVIEW, EDIT, OWN = Role.VIEWER, Role.REVIEWER, Role.EDITOR, Role.OWNER
EXPECTED: dict[str, tuple[str | None, str | None]] = {
    #  url name                 GET      POST
    "login": ("public", "public"),
    "healthz": ("public", None),
    "readyz": ("public", None),
    "events": ("viewer", None),
    "presence": (None, "viewer"),
    "code_text": ("viewer", None),
    "code_check": (None, "editor"),
    "code_apply": (None, "editor"),
    "undo": (None, "editor"),
    "redo": (None, "editor"),
    "logout": (None, "user"),
    "project_list": ("user", None),
    "project_create": (None, "user"),
    # the editor: viewers read, editors write
    "editor": (VIEW, None),
    "table_list": (VIEW, EDIT),
    "table_panel": (VIEW, None),
    "table_update": (None, EDIT),
    "table_delete": (None, EDIT),
    "table_scale": (None, EDIT),
    "column_add": (None, EDIT),
    "column_update": (None, EDIT),
    "column_delete": (None, EDIT),
    "column_move": (None, EDIT),
    "foreign_key_create": (None, EDIT),
    "foreign_key_targets": (VIEW, None),
    "check_create": (None, EDIT),
    "unique_create": (None, EDIT),
    "constraint_delete": (None, EDIT),
    "index_create": (None, EDIT),
    "index_update": (None, EDIT),
    "index_delete": (None, EDIT),
    "enum_list": (VIEW, EDIT),
    "enum_update": (None, EDIT),
    "enum_delete": (None, EDIT),
    "diagram": (VIEW, None),
    # the canvas: placing and drawing are edits; a viewport is each member's own
    "canvas_place": (None, EDIT),
    "canvas_arrange": (None, EDIT),
    "canvas_viewport": (None, VIEW),
    "foreign_key_drawn": (None, EDIT),
    "foreign_key_settings": (None, EDIT),
    "export": (VIEW, None),
    "export_download": (VIEW, None),
    # team review
    "revision": (VIEW, None),
    "members": (VIEW, OWN),
    "member_role": (None, OWN),
    "member_remove": (None, OWN),
    "ownership_transfer": (None, OWN),
    "versions": (VIEW, EDIT),
    "version_compare": (VIEW, None),
    "version_migration": (VIEW, None),
    "version_restore": (None, EDIT),
    # connects to a host the user names, to plan a change: an editor's work (issue 18)
    "version_compare_live": (EDIT, EDIT),
    # runs the design's SQL on the server's PostgreSQL: for those who judge plans (issue 18)
    "version_rehearse": (None, REVIEW),
    "comments": (VIEW, REVIEW),
    "comment_reply": (None, REVIEW),
    "comment_resolve": (None, REVIEW),
    "reviews": (VIEW, EDIT),
    "review_detail": (VIEW, None),
    "review_decide": (None, REVIEW),
    "activity": (VIEW, None),
    "share_links": (OWN, OWN),
    "share_link_revoke": (None, OWN),
    "webhooks": (OWN, OWN),
    "webhook_remove": (None, OWN),
    "project_settings": (OWN, OWN),
    "project_delete": (None, OWN),
    "shared": ("token", None),
    "shared_diagram": ("token", None),
    "shared_schema": ("token", None),
    # the explorer for large designs
    "explore": (VIEW, None),
    "explore_diagram": (VIEW, None),
    "explore_search": (VIEW, None),
    "explore_tables": (VIEW, None),
    "saved_views": (VIEW, EDIT),
    "saved_view_delete": (None, EDIT),
    # documents
    "index_table": (VIEW, None),
    "document": (VIEW, None),
    "document_markdown": (VIEW, None),
    # the advisor: viewers read findings, editors fix, dismiss and configure
    "advisor": (VIEW, None),
    "advisor_counter": (VIEW, None),
    "finding_fix": (None, EDIT),
    "finding_dismiss": (None, EDIT),
    "finding_restore": (None, EDIT),
    "rule_setting": (None, EDIT),
    # patterns: anyone on the project may preview, editors apply
    "pattern_page": (VIEW, None),
    "pattern_preview": (VIEW, None),
    "pattern_apply": (None, EDIT),
    # import: into a new project (any user) or replacing a design (editors)
    "import_new": ("user", "user"),
    "import_new_confirm": (None, "user"),
    "import_project": (EDIT, EDIT),
    "import_project_confirm": (None, EDIT),
    # the query workbench: viewers read plans and capacity, editors add queries, run, apply
    "workbench": (VIEW, None),
    "key_query_add": (None, EDIT),
    "key_query_delete": (None, EDIT),
    "workbench_run_start": (None, EDIT),
    "workbench_run": (VIEW, None),
    "workbench_apply": (None, EDIT),
    # personal API tokens: a user's own (the JSON API has its own matrix: tests/designer/api/)
    "api_tokens": ("user", "user"),
    "api_token_revoke": (None, "mine"),
    # a background job's progress: only for the user who started it (here the editor)
    "job_status": ("mine", None),
}
# Query strings some reads need to name what they show.
QUERY = {
    "foreign_key_targets": "?ref_table={table}",
    "version_compare": "?base=v1&target=working",
    "version_migration": "?base=v1&target=working",
    "comments": "?anchor_kind=project",
}
# URL kwargs whose meaning depends on the URL: (url name, kwarg) -> fixture attribute.
KWARG_OVERRIDES = {
    ("enum_update", "uid"): "enum",
    ("enum_delete", "uid"): "enum",
    ("review_detail", "pk"): "review",
    ("review_decide", "pk"): "review",
    ("comment_reply", "pk"): "comment",
    ("comment_resolve", "pk"): "comment",
    ("version_restore", "pk"): "version",
    ("share_link_revoke", "pk"): "link",
    ("saved_view_delete", "pk"): "saved_view",
    ("api_token_revoke", "pk"): "api_token",
    ("webhook_remove", "pk"): "webhook",
    ("key_query_delete", "pk"): "key_query",
    ("workbench_run", "pk"): "run",
    ("workbench_apply", "pk"): "run",
}
KWARG_DEFAULTS = {
    "slug": "slug",
    "uid": "table",
    "cuid": "column",
    "kuid": "fk",
    "iuid": "index",
    "user_id": "target",
    "token": "token",
    "job_id": "job",
}
KWARG_LITERALS = {
    "fmt": "svg",
    "format_name": "postgres",
    "direction": "up",
    "pattern_id": "soft-delete",
    "rule": "pk-missing",
}
IDENTITIES = ("anonymous", "share_holder", "stranger", "viewer", "reviewer", "editor", "owner")
RANK = {VIEW: 0, REVIEW: 1, EDIT: 2, OWN: 3}
PASSED = {200, 204, 302, 400, 409, 422}  # through the gate (a refusal of bad input is fine)
# login, share links, and the health checks a load balancer calls without a session
PUBLIC_PREFIXES = ("/accounts/login/", "/s/", "/healthz", "/readyz")


def _walk(patterns: list[Any], kwargs: frozenset[str] = frozenset()) -> Iterator[tuple]:
    for p in patterns:
        names = kwargs | _kwarg_names(p.pattern)
        if isinstance(p, URLResolver) and p.namespace == "api":
            continue  # the JSON API: tests/designer/api/test_api_authorization.py
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, names)
        elif isinstance(p, URLPattern) and p.name:
            yield p.name, names


def _kwarg_names(pattern: Any) -> frozenset[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return frozenset(converters)
    return frozenset(pattern.regex.groupindex)


def url_names() -> list[tuple[str, frozenset[str]]]:
    seen: dict[str, frozenset[str]] = {}
    for name, kwargs in _walk(get_resolver().url_patterns):
        seen.setdefault(name, kwargs)  # the first wins, as in reverse()
    return sorted(seen.items())


URLS = url_names()


@pytest.fixture
def world(django_user_model) -> SimpleNamespace:
    make = django_user_model.objects.create_user
    people = {
        n: make(n)  # no password: hashing six of them per test would dominate the run
        for n in ("owner", "editor", "reviewer", "viewer", "stranger", "target")
    }
    project = project_create(owner=people["owner"], name="Shop")
    for role in ("editor", "reviewer", "viewer"):
        Membership.objects.create(project=project, user=people[role], role=role)
    Membership.objects.create(project=project, user=people["target"], role=Role.VIEWER)
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint")
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    index_save(table=posts, name="posts_author_idx", parts="author_id")
    enum_save(project=project, name="mood", values="sad\nhappy")
    version = snapshot_create(project=project, name="v1")
    review = review_request_create(
        project=project,
        author=people["editor"],
        title="Posts",
        version=version,
        reviewers=[people["reviewer"]],
    )
    comment = comment_add(project=project, author=people["reviewer"], body="Looks good")
    link = share_link_create(project=project, actor=people["owner"])
    dead = share_link_create(project=project, actor=people["owner"])
    share_link_revoke(link=dead)
    saved = SavedView.objects.create(project=project, name="Posts", tables=["public.posts"])
    api_token, _ = api_token_create(user=people["editor"], name="CI")
    webhook = Webhook.objects.create(project=project, url="https://example.com/", secret="s")
    key_query = KeyQuery.objects.create(project=project, name="q", sql="SELECT 1")
    run = WorkbenchRun.objects.create(project=project, state="done", result={"queries": []})
    job = Job.objects.create(
        task="designer.services.background.rehearse_job",
        kwargs={"project_id": project.pk, "user_id": people["editor"].pk},
        dedupe_key="matrix",
        project=project,
        state="failed",
        error="No tables.",
    )
    return SimpleNamespace(
        job=job.pk,
        key_query=key_query.pk,
        run=run.pk,
        saved_view=saved.pk,
        api_token=api_token.pk,
        webhook=webhook.pk,
        people=people,
        slug=project.slug,
        table=posts.uid,
        column=DesignColumn.objects.get(table=posts, name="author_id").uid,
        fk=DesignConstraint.objects.get(table=posts, kind="foreign").uid,
        index=DesignIndex.objects.get(table=posts).uid,
        enum=DesignEnum.objects.get(project=project).uid,
        version=version.pk,
        review=review.pk,
        comment=comment.pk,
        link=link.pk,
        token=link.token,
        dead_token=dead.token,
        target=people["target"].pk,
    )


def build_url(world: SimpleNamespace, name: str, kwargs: frozenset[str], identity: str) -> str:
    values: dict[str, Any] = {}
    for k in kwargs:
        attr = KWARG_OVERRIDES.get((name, k)) or KWARG_DEFAULTS.get(k)
        if k == "token" and identity == "anonymous":
            attr = "dead_token"  # an anonymous visitor without a live link
        values[k] = getattr(world, attr) if attr else KWARG_LITERALS.get(k, "x")
    url = reverse(name, kwargs=values)
    return url + QUERY.get(name, "").format(table=world.table)


def expected(identity: str, need: str | None, path: str) -> set[int]:
    """The status codes ``identity`` may get for a method whose requirement is ``need``."""
    anonymous = identity in ("anonymous", "share_holder")
    if need == "token":
        return {404} if identity == "anonymous" else {200}
    if need == "public":
        return {200, 302}
    if anonymous and not path.startswith(PUBLIC_PREFIXES):
        return {302}
    if need is None:
        return {405}
    if need == "user":
        return PASSED
    if need == "mine":
        return PASSED if identity == "editor" else {404}
    if identity == "stranger":
        return {404}
    return PASSED if RANK[Role(identity)] >= RANK[Role(need)] else {403}


def login(client: Client, world: SimpleNamespace, identity: str) -> None:
    if identity in world.people:
        client.force_login(world.people[identity])


def check(world, name, kwargs, identity, method, need) -> list[str]:
    """Requests as ``identity`` (rolled back afterwards); the mismatches found."""
    sid = transaction.savepoint()
    try:
        client = Client()
        login(client, world, identity)
        url = build_url(world, name, kwargs, identity)
        wanted = expected(identity, need, url)
        send = client.get if method == "GET" else client.post
        data = {} if method == "GET" else {"name": "x"}
        response = send(url, data)
        problems = []
        if response.status_code not in wanted:
            problems.append(f"{identity} {method} {url}: {response.status_code}, want {wanted}")
        if wanted == {302} and response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
            htmx = send(url, data, **HX)
            if htmx.status_code != 401:
                problems.append(f"{identity} htmx {method} {url}: {htmx.status_code}, want 401")
        return problems
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_who_may_read_and_write(client, world, name, kwargs):
    if name not in EXPECTED:
        warnings.warn(
            f"URL {name!r} has no line in EXPECTED; only the invariants were checked", stacklevel=1
        )
    get_need, post_need = EXPECTED.get(name, ("unknown", "unknown"))
    problems: list[str] = []
    for identity in IDENTITIES:
        for method, need in (("GET", get_need), ("POST", post_need)):
            if need == "unknown":
                problems += check_invariants(world, name, kwargs, identity, method)
            else:
                problems += check(world, name, kwargs, identity, method, need)
    assert not problems, "\n".join(problems)


def check_invariants(world, name, kwargs, identity, method) -> list[str]:
    """What must hold for any URL: anonymous -> login; strangers never see a project."""
    sid = transaction.savepoint()
    try:
        client = Client()
        login(client, world, identity)
        url = build_url(world, name, kwargs, identity)
        send = client.get if method == "GET" else client.post
        status = send(url, {} if method == "GET" else {"name": "x"}).status_code
        public = url.startswith(PUBLIC_PREFIXES)
        if identity in ("anonymous", "share_holder") and not public and status != 302:
            return [f"{identity} {method} {url}: {status}, want a login redirect"]
        if identity == "stranger" and "slug" in kwargs and status not in (404, 405):
            return [f"stranger {method} {url}: {status}, want 404"]
        return []
    finally:
        transaction.savepoint_rollback(sid)


def test_every_expectation_names_a_real_url():
    assert set(EXPECTED) <= {n for n, _ in URLS}
