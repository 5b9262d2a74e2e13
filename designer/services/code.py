"""The code view: the design as DBML or PostgreSQL DDL, checked and applied as text.

Applying text is the same merge as a re-import: the parsed design takes the ids of the
objects it keeps (``adopt_ids``), so a renamed column is a rename and a table keeps its
comments and history. What the text format cannot say (DBML has no identity columns or
CHECK constraints) is kept from the design: the merge is three-way, against the design as
the text showed it, so only what the user changed in the text changes in the design.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction

from designer.export.registry import export
from designer.migrate.diff import diff
from designer.schema import model as m
from designer.schema.identity import adopt_ids
from designer.selectors.design import project_schema
from designer.services._common import recorded, touch
from designer.services.errors import DesignError
from designer.services.imports import import_text
from designer.services.schema import schema_write, validate_schema
from designer.sql.readers.report import SchemaImportError
from projects.models import Actor, Project

# The formats the code view offers: (export format, import format, label).
CODE_FORMATS = {
    "dbml": ("dbml", "dbml", "DBML"),
    "postgres": ("postgres", "postgres", "PostgreSQL"),
}
ERR_CODE_FORMAT = "“{fmt}” is not a code view format (use dbml or postgres)."
ERR_CODE_STALE = (
    "The design changed since this text was loaded (revision {loaded}, now {current}). "
    "Your text was not applied; copy it, reload the code view and apply again."
)


@dataclass(frozen=True)
class CodeError:
    line: int  # 1-based; 0 when the parser did not say
    message: str


@dataclass(frozen=True)
class CodeCheck:
    """What applying the text would do: parse errors, or the changes to the design."""

    errors: tuple[CodeError, ...] = ()
    changes: tuple[str, ...] = ()
    merged: m.Schema | None = None


def _format(fmt: str) -> tuple[str, str, str]:
    if fmt not in CODE_FORMATS:
        raise DesignError(ERR_CODE_FORMAT.format(fmt=fmt), "format")
    return CODE_FORMATS[fmt]


def design_text(schema: m.Schema, fmt: str) -> str:
    """The design as the code view shows it."""
    return export(schema, _format(fmt)[0]).text


def merge3(current: Any, shown: Any, edited: Any) -> Any:
    """``current`` with the changes from ``shown`` to ``edited``, object by object.

    Objects pair by id; a field the edit left as shown keeps its current value, so what the
    text format cannot express survives.
    """
    if edited == shown:
        return current
    if current is None or shown is None:
        return edited
    if (
        dataclasses.is_dataclass(edited)
        and type(current) is type(shown) is type(edited)
        and not isinstance(edited, type)
    ):
        return replace(
            edited,
            **{
                f.name: merge3(
                    getattr(current, f.name), getattr(shown, f.name), getattr(edited, f.name)
                )
                for f in dataclasses.fields(edited)
                if f.init
            },
        )
    if isinstance(edited, tuple) and _identified(edited, shown, current):
        now = {x.id: x for x in current}
        before = {x.id: x for x in shown}
        return tuple(
            merge3(now[x.id], before[x.id], x) if x.id in now and x.id in before else x
            for x in edited
        )
    return edited


def _identified(edited: Any, shown: Any, current: Any) -> bool:
    """Tuples of objects that pair by id (new objects in the edit have none yet)."""
    if not all(isinstance(t, tuple) for t in (edited, shown, current)):
        return False
    return all(dataclasses.is_dataclass(x) for x in edited) and all(
        dataclasses.is_dataclass(x) and getattr(x, "id", "") for x in (*shown, *current)
    )


def design_check(current: m.Schema, text: str, fmt: str) -> CodeCheck:
    """Parse ``text`` and say what applying it to ``current`` would change."""
    _, reader, _ = _format(fmt)
    try:
        edited = import_text(text, reader).schema
    except SchemaImportError as exc:
        return CodeCheck(errors=(CodeError(exc.line, exc.message),))
    shown = adopt_ids(current, import_text(design_text(current, fmt), reader).schema)
    merged = merge3(current, shown, adopt_ids(current, edited))
    try:
        validate_schema(merged)
    except DesignError as exc:
        return CodeCheck(errors=(CodeError(0, exc.message),))
    return CodeCheck(changes=tuple(c.describe() for c in diff(current, merged)), merged=merged)


@transaction.atomic
@recorded
def design_apply_text(
    *, actor: Actor = None, project: Project, text: str, fmt: str, revision: int | None = None
) -> CodeCheck:
    """Apply the code view's text to the working design (one undoable edit)."""
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    project.refresh_from_db(fields=["revision"])
    if revision is not None and revision != project.revision:
        raise DesignError(ERR_CODE_STALE.format(loaded=revision, current=project.revision))
    current = project_schema(project)
    check = design_check(current, text, fmt)
    if check.errors or check.merged is None:
        return check
    if check.changes:
        schema_write(actor=actor, project=project, old=current, new=check.merged)
        touch(
            project,
            actor,
            "edited",
            "design",
            f"{_format(fmt)[2]} code",
            after="; ".join(check.changes)[:2000],
        )
    return check
