"""Reads of a project's design. Each runs a fixed number of queries, whatever the size."""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet

from designer import rows
from designer.models import (
    DesignColumn,
    DesignConstraint,
    DesignEnum,
    DesignIndex,
    DesignObject,
    DesignTable,
)
from designer.schema import model as model_module
from designer.schema.model import Schema, Table
from projects.models import Project

# Designs remembered per revision in this process: an edit's panel reads the design once and
# the picture drawn after it reads nothing. The model is frozen, so every caller can share one
# object. Bounded by the tables held, not the entries. This relies on what the picture cache
# relies on already: every write to a design bumps its revision in the same transaction.
_designs: OrderedDict[tuple[object, ...], Schema] = OrderedDict()
# id of a design read here -> (the design, what callers derived from it, e.g. findings)
_derived: dict[int, tuple[weakref.ref[Schema], dict[object, object]]] = {}
# reentrant: dropping a design inside the lock runs its finalizer (_forget) in this thread
_designs_lock = threading.RLock()
MEMO_TABLES = 20_000
# How long a design stays in the shared cache (one per project, replaced by the next revision).
SHARED_SECONDS = 300
logger = logging.getLogger(__name__)
# The design a table edit patched inside a transaction not yet committed (its key, the design),
# per thread: the edit's panel, drawn in the same transaction, reads it instead of every row.
# Its key holds the bump's time, so a rolled-back edit's entry can never match again.
_pending = threading.local()


def design_key(project: Project) -> tuple[object, ...] | None:
    """The revision as the database has it now (the caller's ``project`` may be older than an
    edit it just made). updated_at changes with every revision bump: a bump rolled back and
    made again by the next edit gives the same revision but never the same time."""
    now = Project.objects.filter(pk=project.pk).values_list("revision", "updated_at").first()
    return None if now is None else (project.pk, str(project.created_at), *now)


def project_schema(project: Project) -> Schema:
    """The working design of ``project`` as a schema model: six queries, one per kind, or one
    when this process read the same revision before, or another app process shared it (the
    design, or the table edits since one this process holds: ``_replayed``).

    Tables keep the order they were written or created in, so a written schema reads back equal.
    Inside a transaction the rows are read every time (it may have written some and not bumped
    the revision yet); what it read is remembered once it commits, if no bump came after.
    """
    key = design_key(project)
    if key is None:
        return _read_schema(project)
    if connection.in_atomic_block:
        pending = getattr(_pending, "design", None)
        if pending is not None and pending[0] == key:
            return pending[1]
        schema = _read_schema(project)
        _track(schema)
        transaction.on_commit(lambda: _remember_if_current(project, key, schema, share=True))
        return schema
    with _designs_lock:
        hit = _designs.get(key)
        if hit is not None:
            _designs.move_to_end(key)
            return hit
    schema = _replayed(project, key)
    if schema is None:
        schema = _read_schema(project)
        _share(key, schema)
    _track(schema)
    _remember(key, schema)
    return schema


# -- shared between the app processes -------------------------------------------------------

# The model's code is part of what is shared: a process running other code (a rolling
# deploy) reads the rows itself.
_MODEL_CODE = hashlib.sha256(Path(model_module.__file__).read_bytes()).hexdigest()[:12]


def _shared_slot(key: tuple[object, ...]) -> str:
    # one slot per project (its latest design), so Redis holds one design per project
    made = hashlib.sha256(str(key[1]).encode()).hexdigest()[:12]  # the project's created_at
    return f"erd:design:{key[0]}:{made}"


def _shared_entry(key: tuple[object, ...]) -> tuple[tuple[object, ...], bytes] | None:
    """(its key, the pickled design) of the design last shared whole for ``key``'s project."""
    found = cache.get(_shared_slot(key))
    if isinstance(found, tuple) and len(found) == 3 and found[0] == _MODEL_CODE:
        return found[1], found[2]
    return None


def _share(key: tuple[object, ...], schema: Schema) -> None:
    """Share a design read whole (``ERD_SHARE_DESIGNS``, on with Redis). It is pickled apart,
    so a process looking for another revision learns the key without unpickling the design."""
    if not settings.ERD_SHARE_DESIGNS:
        return
    try:
        pickled = pickle.dumps(schema, pickle.HIGHEST_PROTOCOL)
        cache.set(_shared_slot(key), (_MODEL_CODE, key, pickled), SHARED_SECONDS)
    except Exception:  # the cache is a shortcut: an edit never fails for it
        logger.warning("design not shared", exc_info=True)


# A table edit shares what it changed (``_share_edit``), a few tables, not the whole design: a
# process holding the design a few edits back replays them (under a millisecond) instead of
# unpickling the whole design (about 25 ms at 500 tables) or reading its rows (150 ms).
# More edits behind than this, and the process reads the rows.
REPLAY_EDITS = 8


def _edit_slot(after: tuple[object, ...]) -> str:
    return "erd:design-edit:" + hashlib.sha256(repr(after).encode()).hexdigest()[:24]


def _share_edit(before: tuple[object, ...], after: tuple[object, ...], tables: tuple) -> None:
    if not settings.ERD_SHARE_DESIGNS:
        return
    try:
        cache.set(_edit_slot(after), (_MODEL_CODE, before, after, tables), SHARED_SECONDS)
    except Exception:  # the cache is a shortcut: an edit never fails for it
        logger.warning("design edit not shared", exc_info=True)


def _patched(base: Schema, tables: Sequence[Table]) -> Schema | None:
    """``base`` with ``tables`` swapped in for the tables of the same ids; None when one of
    them is not in ``base`` (then it is not the edit of this design)."""
    by_id = {t.id: t for t in tables}
    if not by_id.keys() <= {t.id for t in base.tables}:
        return None
    return replace(base, tables=tuple(by_id.get(t.id, t) for t in base.tables))


def _replayed(project: Project, key: tuple[object, ...], check: bool = True) -> Schema | None:
    """The design at ``key`` from the app processes' shared cache: the design remembered
    here or shared whole (``_share``) a few edits back, with the table edits shared since
    (``_share_edit``) replayed on it. None when a link is missing. ``check`` False: the
    caller patches it further and checks the result (the rows are past ``key``)."""
    if not settings.ERD_SHARE_DESIGNS:
        return None
    edits: list[tuple] = []
    at = key
    whole: tuple[tuple[object, ...], bytes] | bool | None = False  # not fetched yet
    try:
        while True:
            with _designs_lock:
                base = _designs.get(at)
            if base is not None:
                break
            if whole is False:
                whole = _shared_entry(key)
            if isinstance(whole, tuple) and whole[0] == at:
                base = pickle.loads(whole[1])
                break
            if len(edits) == REPLAY_EDITS:
                return None
            found = cache.get(_edit_slot(at))
            if not (isinstance(found, tuple) and found[:1] == (_MODEL_CODE,) and found[2] == at):
                return None
            edits.append(found[3])
            at = found[1]
    except Exception:  # an entry of other code, or a cache that is down: read the rows
        logger.warning("shared design unreadable", exc_info=True)
        return None
    schema: Schema | None = base if isinstance(base, Schema) else None
    for tables in reversed(edits):
        schema = _patched(schema, tables) if schema is not None else None
    if schema is not None and edits and check:
        _check_patch(project, schema, f"the design replayed from {len(edits)} shared edits")
    return schema


def _check_patch(project: Project, schema: Schema, what: str) -> None:
    # settings.ERD_CHECK_DESIGN_PATCH (on in the tests): every patch proves itself
    if settings.ERD_CHECK_DESIGN_PATCH and schema != _read_schema(project):
        raise AssertionError(f"design {project.pk}: {what} does not equal its rows")


def _track(schema: Schema) -> None:
    with _designs_lock:
        _derived[id(schema)] = (weakref.ref(schema), {})
    weakref.finalize(schema, _forget, id(schema))


def _forget(schema_id: int) -> None:
    with _designs_lock:
        _derived.pop(schema_id, None)


def _remember(key: tuple[object, ...], schema: Schema) -> None:
    with _designs_lock:
        _designs[key] = schema
        held = sum(len(s.tables) for s in _designs.values())
        while held > MEMO_TABLES and len(_designs) > 1:
            _, dropped = _designs.popitem(last=False)
            held -= len(dropped.tables)


def _remember_if_current(
    project: Project, key: tuple[object, ...], schema: Schema, share: bool = False
) -> None:
    # The same revision and time after the commit as at the read: nothing was written after it.
    if design_key(project) == key:
        _remember(key, schema)
        if share:
            _share(key, schema)


def remember_table_edit(
    project: Project, before: tuple[object, ...] | None, tables: Sequence[Table], bumps: int
) -> None:
    """After an edit that changed only ``tables`` (read after it; none created, deleted or
    moved in the order) and bumped the revision ``bumps`` times: the design at the new revision
    is the one at ``before`` with these tables swapped in, so the edit's panel and the picture
    drawn next read four tables' rows, not the whole design's. The design at ``before`` is
    the one remembered here, else replayed from the edits the app processes shared, else
    the whole design shared; the edit itself is shared once committed.

    Nothing is remembered unless the revision is exactly ``bumps`` past ``before`` (no other
    edit came between: a recorded edit takes the project's row before it reads ``before``);
    inside a transaction, only once it commits with no later bump.
    ``settings.ERD_CHECK_DESIGN_PATCH`` (on in the tests) compares the result with a fresh
    read and raises on any difference, so every edit the tests make proves it."""
    if before is None:
        return
    after = design_key(project)
    if bumps < 1 or after is None or after[2] != before[2] + bumps:  # type: ignore[operator]
        return
    edit = tuple(tables)
    # what the edit changed, for the other app processes; only once it is committed
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _share_edit(before, after, edit))
    else:
        _share_edit(before, after, edit)
    with _designs_lock:
        base = _designs.get(before)
    if base is None:
        # the edits before this one were made by another app process: replay what it shared
        base = _replayed(project, before, check=False)
    schema = _patched(base, edit) if base is not None else None
    if schema is None:
        return
    _check_patch(project, schema, f"the design patched with tables {[t.id for t in edit]}")
    _track(schema)
    if connection.in_atomic_block:
        _pending.design = (after, schema)
        transaction.on_commit(lambda: _remember_if_current(project, after, schema))
    else:
        _remember(after, schema)


def forget_pending_edit() -> None:
    """An edit starts: what an earlier edit of this transaction patched is no longer read
    (this one may write rows before it bumps the revision)."""
    _pending.design = None


def derived_memo(schema: Schema) -> dict[object, object] | None:
    """A place to remember what is derived from ``schema`` (e.g. the advisor's findings) for as
    long as the design itself lives; None for a design not read by ``project_schema``. Values
    must be immutable: every caller shares them."""
    with _designs_lock:
        entry = _derived.get(id(schema))
    return entry[1] if entry is not None and entry[0]() is schema else None


def _light_rows(queryset: QuerySet[Any]) -> list[Any]:
    """The rows of ``queryset`` as named tuples with the model's attribute names (``table_id``
    for a foreign key), not model instances: building a Django instance per column was most of
    reading a design (a 500-table design reads in about half the time)."""
    names = [f.attname for f in queryset.model._meta.concrete_fields]
    return list(queryset.values_list(*names, named=True))


def _read_schema(project: Project) -> Schema:
    tables = _light_rows(DesignTable.objects.filter(project=project).order_by("position", "id"))
    enums = [
        rows.enum_from_row(e)
        for e in _light_rows(
            DesignEnum.objects.filter(project=project).order_by("schema_name", "name")
        )
    ]
    objects = _light_rows(DesignObject.objects.filter(project=project).order_by("position", "id"))
    return rows.schema_from_objects(model_tables(tables, table__project=project), enums, objects)


def table_rows(project: Project) -> list[DesignTable]:
    return list(DesignTable.objects.filter(project=project).order_by("schema_name", "name"))


def tables_by_uid(project: Project, uids: set[str]) -> list[Table]:
    """Some tables of the design, as schema-model tables: four queries, however many."""
    if not uids:
        return []
    tables = list(DesignTable.objects.filter(project=project, uid__in=uids))
    return model_tables(tables, table_id__in=[t.pk for t in tables])


def model_tables(tables: Sequence[Any], **child_filter: object) -> list[Table]:
    """``tables`` (``DesignTable`` rows or their ``_light_rows``) as schema-model tables, their
    columns, keys and indexes read in three queries (``child_filter`` selects the child rows:
    the tables' ids, or their project)."""
    children: list[dict[int, list]] = [defaultdict(list), defaultdict(list), defaultdict(list)]
    for kind, by_table in zip((DesignColumn, DesignConstraint, DesignIndex), children):
        for row in _light_rows(kind.objects.filter(**child_filter).order_by("position", "id")):
            by_table[row.table_id].append(row)
    columns, constraints, indexes = children
    return [
        rows.table_from_rows(t, columns[t.id], constraints[t.id], indexes[t.id]) for t in tables
    ]
