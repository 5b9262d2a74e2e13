"""Fixtures of the design-edit tests: a project, two tables, and a check that a refused edit
changed nothing."""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model

from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.errors import DesignError
from designer.services.tables import table_create
from projects.services import project_create


@pytest.fixture
def project():
    user = get_user_model().objects.create_user("bob", password="pw-long-enough-1")
    return project_create(owner=user, name="Edits")


@pytest.fixture
def two_tables(project):
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint", nullable=False)
    return users, posts


@pytest.fixture
def unchanged(project) -> Callable[[Callable[[], object]], DesignError]:
    """Run an edit that must be refused; assert the design and its revision stayed as they
    were, and return the error."""

    def refused(action: Callable[[], object]) -> DesignError:
        project.refresh_from_db()
        before = project_schema(project)
        revision = project.revision
        with pytest.raises(DesignError) as info:
            action()
        project.refresh_from_db()
        assert project_schema(project) == before
        assert project.revision == revision
        return info.value

    return refused
