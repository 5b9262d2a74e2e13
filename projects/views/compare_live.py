"""Compare a live PostgreSQL database with the working design, and rehearse a plan.

The DSN is used once, to read the database (read-only, with a timeout); the schema read is
kept in the cache under a random token so the page can be re-drawn with the renames the user
confirms. Renames are never guessed silently: likely ones are offered as suggestions.

Roles: reading a live database makes the server connect to a host the user names and plans a
change to the design, so it is an editor's work. A rehearsal runs the design's SQL on the
server's PostgreSQL and holds a worker until it ends, so it is for those who judge plans
(reviewers and up); viewers read the plan. It runs as a job (``designer.jobs``): the page
shows its progress and then its result, and the request returns at once.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from designer.jobs import enqueue
from designer.migrate import suggest_renames
from designer.schema.serialize import schema_from_json, schema_to_json
from designer.selectors.design import project_schema
from designer.services.imports import import_live
from designer.services.versions import WORKING, compare_schemas
from designer.sql.readers.report import SchemaImportError
from designer.views.common import HtmxHttpRequest
from designer.views.jobs import job_answer
from projects.access import project_access
from projects.models import Role
from projects.views.projects import page
from projects.views.versions import DIRECTIONS, _context, _names, comparison_context

LIVE = "projects/compare_live.html"
LIVE_SECONDS = 3600
ERR_REHEARSE_BASE = "Choose a version to start from: a rehearsal builds it first."
ERR_LIVE_EXPIRED = "That reading of the database has expired; read it again."


def _live_schema(request: HtmxHttpRequest, token: str):
    data = cache.get(f"live:{token}")
    if not data or data["user"] != request.user.pk:
        return None
    return schema_from_json(data["schema"]), data["source"]


@require_http_methods(["GET", "POST"])
def compare_live(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the form. POST: read the database (dsn) or re-compare with confirmed renames (token)."""
    access = project_access(request.user, slug, Role.EDITOR)
    context: dict[str, Any] = _context(access, page_title="Compare with a live database")
    if request.method == "GET":
        return page(request, LIVE, "live", context)
    token = request.POST.get("token", "")
    if request.POST.get("dsn", "").strip():
        try:
            result = import_live(request.POST["dsn"].strip())
        except SchemaImportError as exc:
            return page(request, LIVE, "live", {**context, "error": str(exc)}, status=422)
        token = secrets.token_urlsafe(24)
        cache.set(
            f"live:{token}",
            {
                "user": request.user.pk,
                "schema": schema_to_json(result.schema),
                "source": result.report.source_name,
            },
            LIVE_SECONDS,
        )
    found = _live_schema(request, token)
    if found is None:
        return page(request, LIVE, "live", {**context, "error": ERR_LIVE_EXPIRED}, status=422)
    live, source = found
    working = project_schema(access.project)
    suggestions = suggest_renames(live, working)
    chosen = set(request.POST.getlist("rename"))
    renames = {s.key: s.new_name for s in suggestions if s.key in chosen}
    comparison = compare_schemas(live, working, base=source, target=WORKING, renames=renames)
    context.update(comparison_context(access, comparison))
    context.update(
        token=token,
        source=source,
        suggestions=suggestions,
        chosen=chosen,
        up_text=DIRECTIONS["up"](comparison.plan),
        down_text=DIRECTIONS["down"](comparison.plan),
        live=True,
    )
    return page(request, LIVE, "live", context)


@require_POST
def version_rehearse(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Start a rehearsal of the plan between two versions (up and down on a scratch
    PostgreSQL) as a job; answers with the job's progress, which turns into the result."""
    access = project_access(request.user, slug, Role.REVIEWER)
    base, target = _names(access, request.POST)
    if not base:
        return HttpResponse(ERR_REHEARSE_BASE, status=422, content_type="text/plain; charset=utf-8")
    job_id = enqueue(
        "designer.services.background.rehearse_job",
        project_id=access.project.pk,
        base=base,
        target=target,
        user_id=request.user.pk,
        revision=access.project.revision,
    )
    return job_answer(request, job_id)
