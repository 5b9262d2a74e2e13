"""Versions: named snapshots of a design, and restoring one."""

from __future__ import annotations

from django.db import transaction

from designer.schema.model import Schema
from designer.schema.serialize import schema_from_json, schema_to_json
from designer.selectors import project_schema
from designer.services.design import check_name, schema_replace
from designer.services.errors import DesignError
from projects.models import Project, Version

ERR_VERSION_NAME_TAKEN = "A version named “{name}” already exists."
ERR_VERSION_NAME_EMPTY = "Give the version a name."
ERR_NO_SUCH_VERSION = "There is no version named “{name}”."
WORKING = "working"


@transaction.atomic
def snapshot_create(*, project: Project, name: str, message: str = "", author=None) -> Version:
    name = name.strip()
    if not name:
        raise DesignError(ERR_VERSION_NAME_EMPTY, "name")
    if name == WORKING:
        raise DesignError(f"“{WORKING}” is reserved for the working design.", "name")
    if Version.objects.filter(project=project, name=name).exists():
        raise DesignError(ERR_VERSION_NAME_TAKEN.format(name=name), "name")
    return Version.objects.create(
        project=project,
        name=name,
        message=message.strip(),
        author=author,
        schema_json=schema_to_json(project_schema(project)),
    )


def version_schema(project: Project, name: str) -> Schema:
    """The schema of a version by name; ``working`` is the current working design."""
    if name == WORKING:
        return project_schema(project)
    version = Version.objects.filter(project=project, name=name).first()
    if version is None:
        raise DesignError(ERR_NO_SUCH_VERSION.format(name=name), "name")
    return schema_from_json(version.schema_json)


@transaction.atomic
def version_restore(*, project: Project, name: str) -> None:
    """Make a version the working design again (atomic; object ids are kept)."""
    schema_replace(project=project, schema=version_schema(project, name))


__all__ = ["WORKING", "check_name", "snapshot_create", "version_restore", "version_schema"]
