"""Import a schema in the browser: upload or paste (or a live DSN), preview, confirm.

The preview parses the input and keeps the resulting schema in the cache under a
random token (the app stays stateless; a DSN is used once and never stored). The
confirmation applies that schema atomically: to a new project, or merged over the
working design of an existing one (objects with the same names keep their identity; the
preview lists what changes and the likely renames to tick). A failed import changes nothing.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from designer.jobs import enqueue
from designer.schema.serialize import schema_from_json, schema_to_json
from designer.security.uploads import upload_too_large
from designer.services.background import ERR_PROJECT_NAME, PENDING_IMPORT_KEY
from designer.services.errors import DesignError
from designer.services.imports import (
    FORMAT_LABELS,
    FORMATS,
    apply_import,
    decode_upload,
    import_changes,
    import_live,
    import_text,
)
from designer.sql.readers.report import SchemaImportError
from designer.views.common import UNPROCESSABLE, HtmxHttpRequest
from designer.views.jobs import job_answer
from projects.access import project_access
from projects.models import Role
from projects.services import ProjectError, project_create

TEMPLATE = "designer/import.html"
PENDING_SECONDS = 3600
SHOWN_ITEMS = 200
ERR_UPLOAD_TOO_LARGE = (
    "The file is over the limit: the limit is {limit:,} bytes (ERD_MAX_UPLOAD_BYTES); "
    "reading stopped there."
)
ERR_NOTHING = "Paste SQL or DBML, choose a file, or give a database DSN."
ERR_EXPIRED = "This preview has expired; import the file again."


def _context(request, project=None, **extra: Any) -> dict[str, Any]:
    # The project header shows the role; only editors reach this page.
    access = project_access(request.user, project.slug, Role.EDITOR) if project else None
    return {
        "project": project,
        "access": access,
        "formats": [(f, FORMAT_LABELS[f]) for f in FORMATS],
        "chosen_format": request.POST.get("format", "auto"),
        "pasted": request.POST.get("text", ""),
        "new_name": request.POST.get("name", ""),
        **extra,
    }


def _target(request: HtmxHttpRequest, slug: str | None):
    return project_access(request.user, slug, Role.EDITOR).project if slug else None


@require_http_methods(["GET", "POST"])
def import_page(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """GET: the form. POST: parse and show the preview (nothing is written yet)."""
    project = _target(request, slug)
    if request.method == "GET":
        return render(request, TEMPLATE, _context(request, project))
    try:
        result, source, size = _parse(request)
    except SchemaImportError as exc:
        context = _context(request, project, error=str(exc), error_line=exc.line)
        return render(request, f"{TEMPLATE}#import-form", context, status=UNPROCESSABLE)
    token = secrets.token_urlsafe(24)
    pending = {
        "user": request.user.pk,
        "schema": schema_to_json(result.schema),
        "source": source,
        "report": result.report,
        "bytes": size,
    }
    cache.set(PENDING_IMPORT_KEY.format(token=token), pending, PENDING_SECONDS)
    context = _preview_context(request, project, token, pending)
    return render(request, f"{TEMPLATE}#import-form", context)


def _preview_context(request, project, token: str, pending: dict[str, Any]) -> dict[str, Any]:
    """The preview: what was read and, over an existing design, what the import changes
    (with the renames the user ticked)."""
    report = pending["report"]
    schema = schema_from_json(pending["schema"])
    context = _context(
        request,
        project,
        token=token,
        source=pending["source"],
        counts=[(k.replace("_", " "), v) for k, v in report.counts.items() if v],
        warnings=report.warnings[:SHOWN_ITEMS],
        skipped=report.skipped[:SHOWN_ITEMS],
        raw=report.raw[:SHOWN_ITEMS],
        more_warnings=max(0, len(report.warnings) - SHOWN_ITEMS),
        more_skipped=max(0, len(report.skipped) - SHOWN_ITEMS),
        more_raw=max(0, len(report.raw) - SHOWN_ITEMS),
        data_rows=report.data_rows,
        table_count=len(schema.tables),
    )
    if project is not None:
        renames = _chosen_renames(request)
        changes = import_changes(project, schema, renames)
        context.update(
            changes=changes,
            change_groups=[
                (label, items[:SHOWN_ITEMS], max(0, len(items) - SHOWN_ITEMS))
                for label, items in (
                    ("Added", changes.added),
                    ("Removed", changes.removed),
                    ("Changed", changes.changed),
                )
                if items
            ],
            chosen=set(renames),
        )
    return context


def _chosen_renames(request: HtmxHttpRequest) -> dict[str, str]:
    """Ticked rename suggestions, ``rename`` values as ``old_key=new_name``."""
    renames = {}
    for value in request.POST.getlist("rename"):
        old, sep, new = value.partition("=")
        if sep and old and new:
            renames[old] = new
    return renames


def _parse(request: HtmxHttpRequest):
    """The import read from the request, where it came from, and its size in bytes (a live
    database's: the size of the design read)."""
    fmt = request.POST.get("format", "auto")
    dsn = request.POST.get("dsn", "").strip()
    upload = request.FILES.get("file")
    limit = settings.ERD_MAX_UPLOAD_BYTES
    if upload_too_large(request) or (upload is not None and (upload.size or 0) > limit):
        raise SchemaImportError(ERR_UPLOAD_TOO_LARGE.format(limit=limit))
    if dsn:
        result = import_live(dsn)
        size = len(json.dumps(schema_to_json(result.schema)))
        return result, result.report.source_name, size
    if upload is not None:
        data = upload.read()
        text = decode_upload(data)
        return import_text(text, fmt, filename=upload.name), upload.name, len(data)
    text = request.POST.get("text", "")
    if not text.strip():
        raise SchemaImportError(ERR_NOTHING)
    data = text.encode("utf-8")
    decode_upload(data)  # the same size limit as uploads
    return import_text(text, fmt), "pasted text", len(data)


@require_POST
def import_confirm(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Apply a previewed import: atomically, to the project or to a new one. A big script
    is applied by a job; the answer is then its progress."""
    project = _target(request, slug)
    token = request.POST.get("token", "")
    pending = cache.get(PENDING_IMPORT_KEY.format(token=token))
    if not pending or pending["user"] != request.user.pk:
        context = _context(request, project, error=ERR_EXPIRED)
        return render(request, f"{TEMPLATE}#import-form", context, status=UNPROCESSABLE)
    if request.POST.get("action") == "preview" and project is not None:
        context = _preview_context(request, project, token, pending)
        return render(request, f"{TEMPLATE}#import-form", context)
    if pending.get("bytes", 0) > settings.ERD_IMPORT_INLINE_BYTES:
        return _apply_in_background(request, project, token)
    schema = schema_from_json(pending["schema"])
    try:
        with transaction.atomic():
            if project is None:
                name = request.POST.get("name", "").strip()
                if not name:
                    raise ProjectError(ERR_PROJECT_NAME, "name")
                project = project_create(owner=request.user, name=name)
            apply_import(
                project=project,
                schema=schema,
                renames=_chosen_renames(request),
                actor=request.user,
            )
    except (DesignError, ProjectError, SchemaImportError) as exc:
        context = _context(
            request, _target(request, slug), error=str(exc), token=request.POST.get("token")
        )
        return render(request, f"{TEMPLATE}#import-form", context, status=UNPROCESSABLE)
    cache.delete(PENDING_IMPORT_KEY.format(token=token))
    url = reverse("editor", args=[project.slug])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _apply_in_background(request: HtmxHttpRequest, project, token: str) -> HttpResponse:
    """Start the job applying a big import (it checks the role again when it runs)."""
    name = request.POST.get("name", "").strip()
    if project is None and not name:
        context = _context(request, None, error=ERR_PROJECT_NAME, token=token)
        return render(request, f"{TEMPLATE}#import-form", context, status=UNPROCESSABLE)
    job_id = enqueue(
        "designer.services.background.import_job",
        token=token,
        user_id=request.user.pk,
        project_id=project.pk if project is not None else None,
        name=name,
        renames=_chosen_renames(request),
    )
    return job_answer(request, job_id)
