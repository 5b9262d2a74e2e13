"""Slow work started from a page and run as a job (``designer.jobs``): migration rehearsals
and big imports. Each task takes JSON arguments only, re-checks the role of the user who
asked when it runs (the role may have changed while the job waited), and says in its
docstring why running it again after a killed worker is safe.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from designer import jobs
from designer.migrate import rehearse
from designer.schema.serialize import schema_from_json
from designer.services.errors import DesignError
from designer.services.imports import apply_import
from designer.services.versions import compare_versions, version_schema
from designer.sql.readers.report import SchemaImportError
from projects.access import project_access
from projects.models import Project, Role
from projects.services import ProjectError, project_create

ERR_GONE = "The project no longer exists."
ERR_NOT_ALLOWED = "You may no longer do this on the project: your role changed."
ERR_IMPORT_EXPIRED = "This preview has expired; import the file again."
ERR_PROJECT_NAME = "Give the new project a name."
PENDING_IMPORT_KEY = "import:{token}"


def _user(user_id: int) -> Any:
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _project_as(user_id: int, project_id: int, role: str) -> Project:
    """The project, when the user still holds ``role`` on it; JobError otherwise."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise jobs.JobError(ERR_GONE)
    user = _user(user_id)
    if user is None:
        raise jobs.JobError(ERR_NOT_ALLOWED)
    try:
        project_access(user, project.slug, role)
    except (Http404, PermissionDenied):
        raise jobs.JobError(ERR_NOT_ALLOWED) from None
    return project


def rehearse_job(
    *, project_id: int, base: str, target: str, user_id: int, revision: int = 0
) -> dict[str, Any]:
    """Rehearse the plan from version ``base`` to ``target`` (``working`` is the working
    design; ``revision`` only tells apart the jobs of two revisions of it) on the rehearsal
    PostgreSQL; the result is ``RehearsalResult`` as JSON.

    Safe to run again: a rehearsal writes nothing to the app's database. It works in
    sandboxes (a role and databases with random names, dropped at the end), so a re-run
    after a killed worker never meets the first run's leftovers, and it gives the same
    verdict. Its deadline is the smaller of ``ERD_SANDBOX_TIMEOUT_SECONDS`` and what is left
    of the job's time limit.
    """
    project = _project_as(user_id, project_id, Role.REVIEWER)
    jobs.report(progress=0.05, message="Planning the migration")
    try:
        comparison = compare_versions(project, base, target)
        before, after = version_schema(project, base), version_schema(project, target)
    except DesignError as exc:  # a version deleted while the job waited
        raise jobs.JobError(exc.message) from None
    jobs.check_time_limit()
    jobs.report(progress=0.2, message=f"Building “{base}”, running up.sql and down.sql")
    timeout = min(settings.ERD_SANDBOX_TIMEOUT_SECONDS, jobs.time_left())
    result = rehearse(before, after, comparison.plan, timeout_s=timeout)
    return {**dataclasses.asdict(result), "base": base, "target": target}


def import_job(
    *,
    token: str,
    user_id: int,
    project_id: int | None = None,
    name: str = "",
    renames: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Apply the previewed import kept in the cache under ``token``: merged over the working
    design of ``project_id`` (the user must still be an editor), or into a new project
    ``name`` the user owns. Atomic: all of it or nothing. The result is where to go next.

    Safe to run again: the import, and this job's result (``jobs.commit_result``), are
    written in one transaction. A re-run after a worker died before that commit applies the
    import as the first run would have; after it, it finds the result and writes nothing,
    so a new project is never created twice.
    """
    done = jobs.committed_result()
    if done is not None:
        return done  # type: ignore[no-any-return]
    pending = cache.get(PENDING_IMPORT_KEY.format(token=token))
    if not pending or pending["user"] != user_id:
        raise jobs.JobError(ERR_IMPORT_EXPIRED)
    project = _project_as(user_id, project_id, Role.EDITOR) if project_id else None
    jobs.report(progress=0.1, message="Reading the previewed design")
    schema = schema_from_json(pending["schema"])
    jobs.report(progress=0.3, message=f"Writing {len(schema.tables):,} tables")
    try:
        with transaction.atomic():
            if project is None:
                user = _user(user_id)
                if user is None:
                    raise jobs.JobError(ERR_NOT_ALLOWED)
                if not name.strip():
                    raise ProjectError(ERR_PROJECT_NAME, "name")
                project = project_create(owner=user, name=name.strip())
            apply_import(
                project=project, schema=schema, renames=renames or {}, actor=_user(user_id)
            )
            jobs.check_time_limit()  # past the limit: roll back rather than finish late
            result = {
                "redirect": reverse("editor", args=[project.slug]),
                "project": project.slug,
                "tables": len(schema.tables),
            }
            jobs.commit_result(result)
    except (DesignError, ProjectError, SchemaImportError) as exc:
        raise jobs.JobError(str(exc)) from None
    cache.delete(PENDING_IMPORT_KEY.format(token=token))
    return result
