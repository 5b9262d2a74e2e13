"""A project with a team, and API clients that call as one of them with a personal token."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from fixtures.api import ApiClient

from designer.models import DesignColumn
from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.tables import table_create
from designer.services.versions import snapshot_create
from projects.models import Membership
from projects.services import api_token_create, project_create


@pytest.fixture
def team(django_user_model) -> SimpleNamespace:
    make = django_user_model.objects.create_user
    people = {n: make(n) for n in ("owner", "editor", "reviewer", "viewer", "stranger")}
    project = project_create(owner=people["owner"], name="Shop", slug="shop")
    for role in ("editor", "reviewer", "viewer"):
        Membership.objects.create(project=project, user=people[role], role=role)
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint")
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    snapshot_create(project=project, name="v1")
    return SimpleNamespace(
        people=people,
        project=project,
        users=users,
        posts=posts,
        author_id=DesignColumn.objects.get(table=posts, name="author_id"),
    )


@pytest.fixture
def api_as(team) -> Callable[..., ApiClient]:
    """``api_as("editor")``: a client with a fresh token of that user (optionally scoped)."""

    def make(who: str, *, project: Any = None, role: str = "") -> ApiClient:
        _, secret = api_token_create(
            user=team.people[who], name=f"{who} token", project=project, role=role
        )
        return ApiClient(secret)

    return make
