"""Writes to projects and memberships."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.text import slugify

from projects.models import Membership, Project, Role

ERR_PROJECT_NAME = "Give the project a name."
ERR_SLUG_TAKEN = "The address “{slug}” is taken; choose another."
ERR_SLUG_INVALID = "Use lower-case letters, digits and hyphens for the address."
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}\Z")


class ProjectError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _free_slug(base: str) -> str:
    base = (slugify(base) or "project")[:50]
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def project_create(*, owner, name: str, slug: str = "", description: str = "") -> Project:
    """Create a project owned by ``owner``; the slug is derived from the name when not given."""
    name = name.strip()
    if not name:
        raise ProjectError(ERR_PROJECT_NAME, "name")
    if slug:
        if not _SLUG.match(slug):
            raise ProjectError(ERR_SLUG_INVALID, "slug")
        if Project.objects.filter(slug=slug).exists():
            raise ProjectError(ERR_SLUG_TAKEN.format(slug=slug), "slug")
    else:
        slug = _free_slug(name)
    project = Project.objects.create(
        slug=slug, name=name, description=description.strip(), created_by=owner
    )
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project
