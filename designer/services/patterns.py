"""Design patterns on a project's working design: preview what one does, then apply it.

``pattern_preview`` reads the design and runs the pure pattern; nothing is written.
``pattern_apply`` does the same under a lock on the project row and writes the result
with ``schema_replace`` in one transaction, so a refused pattern changes nothing and
object ids survive (a rename stays a rename in later diffs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from designer.migrate import diff
from designer.migrate.changes import Change
from designer.patterns.ddl import pattern_ddl
from designer.patterns.registry import get_pattern, run_pattern
from designer.schema.model import Schema
from designer.selectors.design import project_schema
from designer.services._common import recorded
from designer.services.schema import schema_replace
from projects.models import Actor, Project
from projects.services import activity_log


@dataclass(frozen=True)
class Preview:
    pattern_id: str
    title: str
    changes: tuple[Change, ...]
    ddl: str
    notes: tuple[str, ...]
    example_queries: tuple[str, ...]
    schema: Schema


def _preview(
    schema: Schema, pattern_id: str, table: str | None, options: Mapping[str, Any]
) -> Preview:
    pattern = get_pattern(pattern_id)
    result = run_pattern(schema, pattern_id, table, options)
    changes = tuple(diff(schema, result.schema))
    return Preview(
        pattern_id=pattern.id,
        title=pattern.title,
        changes=changes,
        ddl=pattern_ddl(schema, result.schema, changes),
        notes=tuple(result.notes),
        example_queries=tuple(result.example_queries),
        schema=result.schema,
    )


def pattern_preview(
    *, project: Project, pattern_id: str, table: str | None, options: Mapping[str, Any]
) -> Preview:
    """What applying the pattern would change; raises ``PatternError`` when it cannot apply."""
    return _preview(project_schema(project), pattern_id, table, options)


@transaction.atomic
@recorded
def pattern_apply(
    *,
    actor: Actor = None,
    project: Project,
    pattern_id: str,
    table: str | None,
    options: Mapping[str, Any],
) -> Preview:
    """Apply the pattern to the working design atomically; returns what was applied."""
    # Serialise appliers: the pattern must run on the design it replaces.
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    preview = _preview(project_schema(project), pattern_id, table, options)
    schema_replace(actor=actor, project=project, schema=preview.schema)
    activity_log(
        project=project,
        actor=actor,
        verb="applied pattern",
        kind="pattern",
        name=preview.title,
        after=table or "",
    )
    return preview
