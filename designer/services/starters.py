"""New projects from a starter design (designer/starters), through the normal importer."""

from __future__ import annotations

from django.db import transaction

from designer.services.imports import apply_import, import_text
from designer.starters import STARTERS
from projects.models import Project
from projects.services import ProjectError, project_create

ERR_STARTER = "“{starter}” is not a starter design."


@transaction.atomic
def project_create_from_starter(
    *, owner, name: str, slug: str = "", description: str = "", starter: str = "blank"
) -> Project:
    """Create the project and import the starter's file into it; all or nothing."""
    chosen = STARTERS.get(starter or "blank")
    if chosen is None:
        raise ProjectError(ERR_STARTER.format(starter=starter), "starter")
    project = project_create(owner=owner, name=name, slug=slug, description=description)
    if chosen.filename:
        result = import_text(chosen.text(), filename=chosen.filename)
        apply_import(project=project, schema=result.schema, actor=owner)
    return project
