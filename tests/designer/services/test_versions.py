import pytest
from django.contrib.auth import get_user_model

from designer.demo import demo_schema
from designer.selectors.design import project_schema
from designer.services.errors import DesignError
from designer.services.schema import schema_replace
from designer.services.tables import table_create
from designer.services.versions import (
    ERR_VERSION_NAME_TAKEN,
    snapshot_create,
    version_restore,
    version_schema,
)
from projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    user = get_user_model().objects.create_user("vic", password="pw-long-enough-1")
    project = project_create(owner=user, name="Versions")
    schema_replace(project=project, schema=demo_schema())
    return project


def test_restoring_a_version_brings_back_the_design_with_its_ids(project):
    snapshot_create(project=project, name="v1")
    saved = project_schema(project)
    table_create(project=project, name="extra")
    assert project_schema(project).table("extra") is not None
    version_restore(project=project, name="v1")
    restored = project_schema(project)
    assert restored == saved
    assert [t.id for t in restored.tables] == [t.id for t in saved.tables]
    assert version_schema(project, "v1") == saved


def test_version_names_are_unique(project):
    snapshot_create(project=project, name="v1")
    with pytest.raises(DesignError) as info:
        snapshot_create(project=project, name="v1")
    assert info.value.message == ERR_VERSION_NAME_TAKEN.format(name="v1")
