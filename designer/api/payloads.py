"""What the API answers with: plain JSON-able dicts, built from the models and the selectors.

They double as the state an ETag is computed from and a 412 sends back as ``current``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404

from designer.models import DesignTable
from designer.schema import model as m
from designer.schema.serialize import schema_to_json, to_data
from designer.selectors.design import project_schema
from projects.access import ProjectAccess
from projects.models import Comment, Project, ReviewRequest, Version

ERR_NO_TABLE = "No table with id “{uid}” in this design."


def project_payload(project: Project, role: str) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "name": project.name,
        "description": project.description,
        "role": role,
        "revision": project.revision,
        "created_at": project.created_at.isoformat(),
    }


def design_json(schema: m.Schema) -> str:
    """The design as the JSON schema model (``{"format", "schema"}``, ids included), as text:
    what the design routes answer and hash for their ETag."""
    return schema_to_json(schema)


def design_payload(schema: m.Schema) -> dict[str, Any]:
    return json.loads(design_json(schema))


def table_row(access: ProjectAccess, uid: str) -> DesignTable:
    row = DesignTable.objects.filter(project=access.project, uid=uid).first()
    if row is None:
        raise Http404(ERR_NO_TABLE.format(uid=uid))
    return row


def table_payload(project: Project, uid: str) -> dict[str, Any]:
    """One table of the working design as the schema model writes it, with its edit version.

    Columns, keys, constraints and indexes carry their ids: the ids the sub-resource URLs use.
    """
    row = DesignTable.objects.filter(project=project, uid=uid).first()
    if row is None:
        raise Http404(ERR_NO_TABLE.format(uid=uid))
    table = next((t for t in project_schema(project).tables if t.id == uid), None)
    if table is None:  # deleted between the two reads
        raise Http404(ERR_NO_TABLE.format(uid=uid))
    return {"uid": uid, "version": row.version, "table": to_data(table)}


def table_summary(table: m.Table) -> dict[str, Any]:
    return {
        "uid": table.id,
        "schema": table.schema,
        "name": table.name,
        "qualified_name": table.qualified_name,
        "columns": len(table.columns),
        "comment": table.comment or "",
        "group": table.group or "",
    }


def version_payload(version: Version) -> dict[str, Any]:
    return {
        "name": version.name,
        "message": version.message,
        "author": version.author.username if version.author else None,
        "created_at": version.created_at.isoformat(),
    }


def comment_payload(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "thread": comment.thread_id,
        "author": comment.author.username if comment.author else None,
        "anchor_kind": comment.anchor_kind,
        "anchor": comment.anchor,
        "body": comment.body,
        "resolved": comment.resolved,
        "created_at": comment.created_at.isoformat(),
    }


def review_payload(review: ReviewRequest) -> dict[str, Any]:
    return {
        "id": review.pk,
        "title": review.title,
        "description": review.description,
        "state": review.state,
        "author": review.author.username if review.author else None,
        "version": review.version.name,
        "base_version": review.base_version.name if review.base_version else None,
        "reviewers": [
            {"username": a.reviewer.username, "decision": a.decision, "note": a.note}
            for a in review.assignments.all()
        ],
        "created_at": review.created_at.isoformat(),
    }
