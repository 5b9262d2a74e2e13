"""Identity that survives a re-import: give a new design the ids of the objects it keeps.

A file or a text edit carries no ids. Imported over an existing design, every object would
get a new id, and the diff (which pairs objects by id first) would see every table dropped
and added again. ``adopt_ids`` pairs the incoming objects with the current ones, by
qualified name or a confirmed rename, and copies the current ids over, so comparing the
design before and after gives the real changes: an added column, a renamed table.

Renames use the diff's keys: ``{"schema.old_table": "new_table"}`` and
``{"schema.table.old_column": "new_column"}`` (the table as named before).
Objects that already carry an id keep it; objects that match nothing keep no id, and the
store gives them a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from designer.schema.model import Schema, Table


def _without_identity(obj: Any) -> Any:
    """The definition of a constraint or index, apart from its name and id."""
    return replace(obj, name=None, id="")


def _pair(
    olds: Iterable[Any],
    news: Iterable[Any],
    key: Callable[[Any], Any],
    *,
    fallback: Callable[[Any], Any] | None = None,
) -> list[Any]:
    """``news`` with the ids of the ``olds`` they match: by key, then by ``fallback``."""
    olds = list(olds)
    by_key: dict[Any, Any] = {}
    for o in olds:
        by_key.setdefault(key(o), o)
    used: set[str] = set()
    out: list[Any] = []
    pending: list[int] = []  # positions of new objects still without an id
    for n in news:
        found = by_key.get(key(n))
        if not n.id and found is not None and found.id and found.id not in used:
            used.add(found.id)
            n = replace(n, id=found.id)
        elif not n.id:
            pending.append(len(out))
        out.append(n)
    if fallback is not None:
        for i in pending:
            for o in olds:
                if o.id and o.id not in used and fallback(o) == fallback(out[i]):
                    used.add(o.id)
                    out[i] = replace(out[i], id=o.id)
                    break
    return out


def _named(obj: Any) -> Any:
    # Unnamed constraints have no key of their own: only their definition can pair them.
    return obj.name if obj.name else object()


def _table(old: Table, new: Table, column_renames: Mapping[str, str]) -> Table:
    back = {v: k for k, v in column_renames.items()}
    columns = _pair(old.columns, new.columns, lambda c: back.get(c.name, c.name))
    pk = new.primary_key
    if pk is not None and old.primary_key is not None and not pk.id:
        pk = replace(pk, id=old.primary_key.id)

    def constraints(olds: Iterable[Any], news: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(_pair(olds, news, _named, fallback=_without_identity))

    return replace(
        new,
        id=new.id or old.id,
        columns=tuple(columns),
        primary_key=pk,
        foreign_keys=constraints(old.foreign_keys, new.foreign_keys),
        uniques=constraints(old.uniques, new.uniques),
        checks=constraints(old.checks, new.checks),
        excludes=constraints(old.excludes, new.excludes),
        indexes=constraints(old.indexes, new.indexes),
        policies=tuple(_pair(old.policies, new.policies, lambda p: p.name)),
    )


def adopt_ids(old: Schema, new: Schema, renames: Mapping[str, str] | None = None) -> Schema:
    """``new`` with the ids of the objects of ``old`` it keeps (see the module docstring)."""
    renames = dict(renames or {})
    table_renames = {  # (schema, new name) -> old name
        (k.split(".", 1)[0], v.rsplit(".", 1)[-1]): k.split(".", 1)[1]
        for k, v in renames.items()
        if k.count(".") == 1
    }
    old_tables = {(t.schema, t.name): t for t in old.tables}
    used: set[str] = set()
    tables = []
    for t in new.tables:
        before = old_tables.get((t.schema, table_renames.get((t.schema, t.name), t.name)))
        if before is None or before.id in used:
            tables.append(t)
            continue
        used.add(before.id)
        prefix = f"{before.schema}.{before.name}."
        column_renames = {
            k[len(prefix) :]: v.rsplit(".", 1)[-1]
            for k, v in renames.items()
            if k.startswith(prefix) and k.count(".") == 2
        }
        tables.append(_table(before, t, column_renames))

    def qualified(o: Any) -> tuple[str, str]:
        return (o.schema, o.name)

    return replace(
        new,
        tables=tuple(tables),
        enums=tuple(_pair(old.enums, new.enums, qualified)),
        domains=tuple(_pair(old.domains, new.domains, qualified)),
        sequences=tuple(_pair(old.sequences, new.sequences, qualified)),
        views=tuple(_pair(old.views, new.views, qualified)),
    )
