"""Import routes by name: SQL (PostgreSQL and other dialects), DBML and live databases.

Reading an upload (size limit, binary detection, encoding) happens here too, so
the browser and the CLI refuse bad input with the same messages.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import operator
import os
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from psycopg import conninfo

from designer.migrate import diff
from designer.migrate.renames import RenameSuggestion, suggest_renames
from designer.schema.identity import adopt_ids
from designer.schema.model import RawStatement, Schema
from designer.schema.sqltext import ERR_TOO_DEEP, MAX_NESTING, too_deep
from designer.selectors.design import project_schema
from designer.services._common import PG_MAX_COLUMNS
from designer.services.schema import schema_replace
from designer.sql.dialects import DIALECTS, import_dialects
from designer.sql.live_dsn import (
    DEFAULT_DENY,
    ERR_UNREACHABLE,
    LiveDsnError,
    LivePolicy,
    check_live_dsn,
    reserved_hosts,
)
from designer.sql.readers.gcpause import collector_paused
from designer.sql.readers.report import (
    ImportReport,
    ImportResult,
    SchemaImportError,
    count_objects,
)
from projects.models import Actor, Project

logger = logging.getLogger(__name__)

# The dialects of the registry that can be imported, between "auto" and DBML.
FORMAT_LABELS = {
    "auto": "Detect automatically",
    **{d.name: d.import_label or d.label for d in import_dialects()},
    "dbml": "DBML",
}
FORMATS = tuple(FORMAT_LABELS)
ERR_TOO_LARGE = "The file is {size:,} bytes; the limit is {limit:,} bytes (ERD_MAX_UPLOAD_BYTES)."
ERR_BINARY = "This looks like a binary file, not SQL or DBML text."
ERR_EMPTY = "The input is empty."
ERR_FORMAT = "Unknown format “{fmt}”; choose one of: {choices}."
ERR_TOO_MANY_TABLES = (
    "The input defines {count:,} tables; the limit is {limit:,} (ERD_MAX_TABLES). "
    "Import a part of it, one schema or one subject area at a time."
)
ERR_TOO_MANY_STATEMENTS = (
    "The input holds about {count:,} statements; the limit is {limit:,} (ERD_MAX_STATEMENTS)."
)
ERR_TOO_MANY_COLUMNS = (
    "The input defines {count:,} columns; the limit is {limit:,} (ERD_MAX_COLUMNS)."
)
ERR_TABLE_TOO_WIDE = (
    "Table “{table}” has {count:,} columns; PostgreSQL allows at most {limit:,} a table."
)

# Cheap counts made before parsing, so an oversized script is refused in milliseconds and
# not after a parse that costs seconds and gigabytes. They can over-count (a CREATE TABLE
# inside a comment); the limits sit far above any real design.
# Matched in lower case text without a leading \b: a pattern that starts with a literal is
# searched for that literal first, 10x faster over a big dump (the \b is checked after).
_SQL_TABLE = re.compile(
    r"create\s+(?:(?:or\s+replace|global|local|temp|temporary|unlogged|foreign)\s+)*table\b"
)
_WORD_CHAR = re.compile(r"\w")
_DBML_TABLE = re.compile(r"^\s*table\s", re.IGNORECASE | re.MULTILINE)
ERR_RENAME_FORM = (
    "“{text}” is not a rename: write OLD=NEW, with OLD as schema.table or schema.table.column."
)
ERR_RENAME_OLD = "Cannot rename “{old}”: the current design has no such {kind}."
ERR_RENAME_NEW = "Cannot rename “{old}” to “{new}”: the imported design has no such {kind}."


def decode_upload(data: bytes, *, limit: int | None = None) -> str:
    """Bytes of an uploaded or read file as text, or SchemaImportError with a clear reason."""
    limit = settings.ERD_MAX_UPLOAD_BYTES if limit is None else limit
    if len(data) > limit:
        raise SchemaImportError(ERR_TOO_LARGE.format(size=len(data), limit=limit))
    if b"\x00" in data[:65536]:
        raise SchemaImportError(ERR_BINARY)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SchemaImportError(ERR_BINARY) from None
    if not text.strip():
        raise SchemaImportError(ERR_EMPTY)
    return text


def detect(text: str, filename: str | None = None) -> str:
    from designer.sql.readers.detect import detect_format

    return detect_format(text, filename)


# Reading and writing a big design keep hundreds of thousands of objects alive at once; the
# cyclic collector would rescan them again and again and find nothing (collector_paused).
@collector_paused()
def import_text(text: str, fmt: str = "auto", *, filename: str | None = None) -> ImportResult:
    """Parse ``text`` in format ``fmt`` (``auto`` detects it) into a schema and a report."""
    if fmt not in FORMATS:
        raise SchemaImportError(ERR_FORMAT.format(fmt=fmt, choices=", ".join(FORMATS)))
    if len(text.encode("utf-8")) > settings.ERD_MAX_UPLOAD_BYTES:
        raise SchemaImportError(
            ERR_TOO_LARGE.format(
                size=len(text.encode("utf-8")), limit=settings.ERD_MAX_UPLOAD_BYTES
            )
        )
    if not text.strip():
        raise SchemaImportError(ERR_EMPTY)
    if fmt == "auto":
        fmt = detect(text, filename)
    _refuse_oversized(text, fmt)
    source = filename or "<input>"
    try:
        result = _read(text, fmt, source)
    except RecursionError:
        # a reader or printer met SQL nested deeper than Python's stack allows
        raise SchemaImportError(ERR_TOO_DEEP.format(limit=MAX_NESTING)) from None
    _refuse_deep(result.schema)
    refuse_too_big(result.schema)
    return result


def _refuse_oversized(text: str, fmt: str) -> None:
    limit = settings.ERD_MAX_TABLES
    if fmt == "dbml":
        count = sum(1 for _ in _DBML_TABLE.finditer(text))
    else:
        lowered = text.lower()
        count = sum(
            1
            for m in _SQL_TABLE.finditer(lowered)
            if not m.start() or not _WORD_CHAR.match(lowered, m.start() - 1)
        )
    if count > limit:
        raise SchemaImportError(ERR_TOO_MANY_TABLES.format(count=count, limit=limit))
    statements = text.count(";")
    if statements > settings.ERD_MAX_STATEMENTS:
        raise SchemaImportError(
            ERR_TOO_MANY_STATEMENTS.format(count=statements, limit=settings.ERD_MAX_STATEMENTS)
        )


def refuse_too_big(schema: Schema) -> None:
    """Refuse a design over the table, column or per-table column limits."""
    if len(schema.tables) > settings.ERD_MAX_TABLES:
        raise SchemaImportError(
            ERR_TOO_MANY_TABLES.format(count=len(schema.tables), limit=settings.ERD_MAX_TABLES)
        )
    total = 0
    for table in schema.tables:
        if len(table.columns) > PG_MAX_COLUMNS:
            raise SchemaImportError(
                ERR_TABLE_TOO_WIDE.format(
                    table=table.qualified_name, count=len(table.columns), limit=PG_MAX_COLUMNS
                )
            )
        total += len(table.columns)
    if total > settings.ERD_MAX_COLUMNS:
        raise SchemaImportError(
            ERR_TOO_MANY_COLUMNS.format(count=total, limit=settings.ERD_MAX_COLUMNS)
        )


def _refuse_deep(schema: Schema) -> None:
    """Refuse a schema holding an expression nested deeper than the editor accepts: what
    reads, prints and translates designs recurses once per level."""

    def check(text: str) -> None:
        # every level of nesting costs a character: short text cannot be too deep
        if len(text) >= MAX_NESTING and too_deep(text):
            shown = " ".join(text.split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            raise SchemaImportError(f"“{shown}”: {ERR_TOO_DEEP.format(limit=MAX_NESTING)}")

    stack: list[object] = [schema]
    while stack:
        item = stack.pop()
        fields = _text_fields(type(item))
        if fields is None:
            continue
        for value in fields(item):
            kind = type(value)
            if kind is str:
                if len(value) >= MAX_NESTING:
                    check(value)
            elif kind in _NO_TEXT:
                continue
            elif kind is tuple:
                for element in value:
                    if type(element) is str:
                        if len(element) >= MAX_NESTING:
                            check(element)
                    elif _text_fields(type(element)) is not None:
                        stack.append(element)
            elif _text_fields(kind) is not None:
                stack.append(value)


_NO_TEXT = frozenset({type(None), bool, int, float})


@functools.cache
def _text_fields(cls: type) -> Callable[[object], tuple[Any, ...]] | None:
    """What reads the fields of a model class that can hold SQL, all at once (None: a class
    without any): raw statements travel verbatim and comments are prose, so neither is read."""
    if not dataclasses.is_dataclass(cls) or cls is RawStatement:
        return None
    names = [f.name for f in dataclasses.fields(cls) if f.name not in {"comment", "id"}]
    if not names:
        return None
    getter = operator.attrgetter(*names)
    return (lambda item: (getter(item),)) if len(names) == 1 else getter


def _read(text: str, fmt: str, source: str) -> ImportResult:
    if fmt == "dbml":
        from designer.sql.readers.dbml import import_dbml

        return import_dbml(text, source_name=source)
    if DIALECTS[fmt].reader == "pglast":
        from designer.sql.readers.postgres import import_postgres

        return import_postgres(text, source_name=source)
    from designer.sql.readers.sqlglot import import_sql_dialect

    return import_sql_dialect(text, fmt, source_name=source)


def live_policy() -> LivePolicy:
    """Which hosts a user's DSN may reach: the settings, and never our own databases."""
    db = settings.DATABASES["default"]
    own = None
    if "postgresql" in db["ENGINE"] and db.get("HOST"):
        own = conninfo.make_conninfo("", host=db["HOST"], port=str(db.get("PORT") or 5432))
    deny = settings.ERD_LIVE_DSN_DENY
    return LivePolicy(
        allow=tuple(settings.ERD_LIVE_DSN_ALLOW),
        deny=DEFAULT_DENY if deny is None else tuple(deny),
        reserved=reserved_hosts(os.environ.get("ERD_PG_DSN"), own),
    )


def import_live(dsn: str, *, checked: bool = True) -> ImportResult:
    """Read a live PostgreSQL database (read-only, with a statement timeout).

    ``checked`` (the browser): the DSN must pass ``designer.sql.live_dsn`` under
    ``live_policy()``, and a failed connection is one generic message (the driver's detail goes
    to the log), so the server cannot be used to probe hosts and ports. The CLI, run by the
    operator, passes ``checked=False``.
    """
    from designer.sql.readers.live import ConnectError, introspect, mask_dsn

    target = dsn
    if checked:
        try:
            target = check_live_dsn(dsn, live_policy())
        except LiveDsnError as exc:
            raise SchemaImportError(str(exc)) from None
    try:
        schema = introspect(target)
        _refuse_deep(schema)
        refuse_too_big(schema)
    except ConnectError as exc:
        if not checked:
            raise SchemaImportError(str(exc)) from None
        logger.info("live import: %s", exc)
        raise SchemaImportError(ERR_UNREACHABLE.format(target=mask_dsn(dsn))) from None
    except SchemaImportError:
        raise
    except Exception as exc:  # any catalog error, shown with the password masked
        message = (
            (str(exc).replace(mask_dsn(target), mask_dsn(dsn)).replace(dsn, mask_dsn(dsn)))
            .strip()
            .splitlines()
        )
        raise SchemaImportError(
            f"Could not read {mask_dsn(dsn)}: {message[0] if message else exc}"
        ) from None
    return ImportResult(
        schema=schema,
        report=ImportReport(source_name=mask_dsn(dsn), counts=count_objects(schema)),
    )


def parse_renames(pairs: list[str]) -> dict[str, str]:
    """``["public.users=people", "public.orders.total=amount"]`` as the renames ``adopt_ids``
    and the diff take: the old name qualified, the new one bare (a qualified one is cut)."""
    renames: dict[str, str] = {}
    for text in pairs:
        old, sep, new = text.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not new or old.count(".") not in (1, 2) or "" in old.split("."):
            raise SchemaImportError(ERR_RENAME_FORM.format(text=text))
        renames[old] = new.rsplit(".", 1)[-1]
    return renames


def check_renames(current: Schema, imported: Schema, renames: dict[str, str]) -> None:
    """Refuse a rename whose old object is not in ``current`` or new one not in ``imported``."""
    for old, new in renames.items():
        schema, table, *column = old.split(".")
        before = current.table(table, schema)
        if column:
            after = imported.table(new_table_name(renames, schema, table), schema)
            if before is None or column[0] not in before.column_names:
                raise SchemaImportError(ERR_RENAME_OLD.format(old=old, kind="column"))
            if after is None or new not in after.column_names:
                raise SchemaImportError(ERR_RENAME_NEW.format(old=old, new=new, kind="column"))
        else:
            if before is None:
                raise SchemaImportError(ERR_RENAME_OLD.format(old=old, kind="table"))
            if imported.table(new, schema) is None:
                raise SchemaImportError(ERR_RENAME_NEW.format(old=old, new=new, kind="table"))


def new_table_name(renames: dict[str, str], schema: str, table: str) -> str:
    """What table ``schema.table`` of the current design is called after ``renames``."""
    return renames.get(f"{schema}.{table}", table)


CHANGED_NOT_ADDED = frozenset(
    {"AddIdentity", "AddEnumValue", "DropIdentity", "DropNotNull", "DropDefault"}
)


@dataclasses.dataclass(frozen=True)
class ImportChanges:
    """What an import would change in a project's working design, for the preview."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    suggestions: tuple[RenameSuggestion, ...]  # likely renames, for the user to confirm

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def import_changes(
    project: Project, schema: Schema, renames: dict[str, str] | None = None
) -> ImportChanges:
    """The change list of importing ``schema`` over the working design, merged as
    ``apply_import`` merges it, and the renames that look likely."""
    current = project_schema(project)
    renames = dict(renames or {})
    merged = adopt_ids(current, schema, renames)
    groups: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
    for change in diff(current, merged):
        kind = type(change).__name__
        if kind.startswith("Add") and kind not in CHANGED_NOT_ADDED:
            groups["added"].append(change.describe())
        elif kind.startswith("Drop") and kind not in CHANGED_NOT_ADDED:
            groups["removed"].append(change.describe())
        else:
            groups["changed"].append(change.describe())
    return ImportChanges(
        added=tuple(groups["added"]),
        removed=tuple(groups["removed"]),
        changed=tuple(groups["changed"]),
        suggestions=tuple(suggest_renames(current, schema)),
    )


@transaction.atomic
@collector_paused()
def apply_import(
    *,
    project: Project,
    schema: Schema,
    renames: dict[str, str] | None = None,
    actor: Actor = None,
) -> Schema:
    """Replace the project's working design with an imported schema, atomically, *merging*:
    objects whose qualified names match (or that ``renames`` pairs, ``{"public.old": "new",
    "public.table.old_column": "new_column"}``) keep their ids, so comparing the design before
    and after gives the real changes. Returns the design as written."""
    current = project_schema(project)
    renames = dict(renames or {})
    check_renames(current, schema, renames)
    merged = adopt_ids(current, schema, renames)
    schema_replace(project=project, schema=merged, actor=actor)
    return merged
