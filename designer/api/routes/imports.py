"""Import a file or text into a project: a preview first (nothing written), then apply.

As in the browser, the preview parses the input and keeps the result in the cache under a
random token for an hour; applying it merges it into the working design atomically, keeping
the identity of the tables and columns it keeps (so the preview's change list is what the
plan will show).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import codes_4xx

from designer.api.auth import api_access
from designer.api.errors import ApiError, ErrorOut
from designer.api.etag import guard_design, json_answer
from designer.api.payloads import design_json
from designer.migrate import diff
from designer.schema.identity import adopt_ids
from designer.schema.serialize import schema_from_json, schema_to_json
from designer.selectors.design import project_schema
from designer.services.imports import FORMATS, decode_upload, import_text
from designer.services.schema import design_merge
from designer.sql.readers.report import ImportResult
from projects.models import Role

router = Router(tags=["import"])
PENDING_SECONDS = 3600
SHOWN_ITEMS = 200
ERR_EMPTY = "Send the SQL or DBML text to import."
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")  # what token_urlsafe makes: safe as a cache key
ERR_EXPIRED = "No pending import “{token}” (it expired, was applied, or is someone else's)."


class ImportText(Schema):
    text: str
    format: str = Field("auto", description="auto, " + ", ".join(FORMATS[1:]))
    filename: str | None = None


class ReportLine(Schema):
    line: int
    message: str


class ImportPreview(Schema):
    token: str = Field(description="POST …/import/{token}/apply to apply it (valid one hour)")
    source: str
    tables: int
    counts: dict[str, int]
    warnings: list[ReportLine]
    skipped: list[ReportLine]
    changes: list[str] = Field(description="what applying changes in the working design")
    expires_in: int


@router.post("/projects/{slug}/import", response={200: ImportPreview, codes_4xx: ErrorOut})
def import_preview_text(request: HttpRequest, slug: str, body: ImportText):
    """Preview an import of SQL or DBML text (editors). Nothing is written."""
    access = api_access(request, slug, Role.EDITOR)
    if not body.text.strip():
        raise ApiError(422, "invalid", ERR_EMPTY, field="text")
    decode_upload(body.text.encode("utf-8"))  # the same size limit as uploads
    result = import_text(body.text, body.format, filename=body.filename)
    return _preview(request, access.project, result, body.filename or "text")


@router.post("/projects/{slug}/import/file", response={200: ImportPreview, codes_4xx: ErrorOut})
def import_preview_file(
    request: HttpRequest, slug: str, file: File[UploadedFile], format: Form[str] = "auto"
):
    """Preview an import of an uploaded SQL or DBML file (multipart, field ``file``)."""
    access = api_access(request, slug, Role.EDITOR)
    text = decode_upload(file.read())
    result = import_text(text, format, filename=file.name)
    return _preview(request, access.project, result, file.name or "upload")


def _preview(request: HttpRequest, project: Any, result: ImportResult, source: str) -> dict:
    current = project_schema(project)
    changes = diff(current, adopt_ids(current, result.schema))
    token = secrets.token_urlsafe(24)
    cache.set(
        f"api-import:{token}",
        {"user": request.user.pk, "project": project.pk, "schema": schema_to_json(result.schema)},
        PENDING_SECONDS,
    )
    report = result.report
    return {
        "token": token,
        "source": source,
        "tables": len(result.schema.tables),
        "counts": {k: v for k, v in report.counts.items() if v},
        "warnings": [{"line": w.line, "message": w.message} for w in report.warnings][:SHOWN_ITEMS],
        "skipped": [{"line": s.line, "message": f"{s.kind}: {s.summary}"} for s in report.skipped][
            :SHOWN_ITEMS
        ],
        "changes": [c.describe() for c in changes],
        "expires_in": PENDING_SECONDS,
    }


@router.post(
    "/projects/{slug}/import/{token}/apply",
    response={200: dict[str, Any], codes_4xx: ErrorOut},
)
def import_apply(request: HttpRequest, slug: str, token: str):
    """Apply a previewed import (If-Match: the design's ETag); answers with the new design."""
    with transaction.atomic():
        access = api_access(request, slug, Role.EDITOR)
        key = f"api-import:{token}"
        pending = cache.get(key) if _TOKEN.match(token) else None
        if (
            not pending
            or pending["user"] != request.user.pk
            or pending["project"] != access.project.pk
        ):
            raise ApiError(404, "not_found", ERR_EXPIRED.format(token=token[:40]), field="token")
        guard_design(request, access.project)
        stored = design_merge(
            actor=request.user, project=access.project, schema=schema_from_json(pending["schema"])
        )
        cache.delete(key)
        return json_answer(design_json(stored))
