"""Writes of indexes: create or edit one from the editor's key-part text, delete one.

Index names share PostgreSQL's per-schema namespace with tables, so a name is refused when
a table or another index of the schema holds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction

from designer import rows
from designer.models import DesignIndex, DesignTable
from designer.schema import model as m
from designer.services._common import (
    bump_version,
    check_name,
    check_version,
    lock_table,
    recorded_table,
    require_columns,
    sql_expr,
    touch,
)
from designer.services.errors import (
    ERR_DUPLICATE_INDEX,
    ERR_INDEX_METHOD,
    ERR_INDEX_NO_PARTS,
    DesignError,
)
from projects.models import Actor, Project


def _index_name_taken(
    project: Project, schema_name: str, name: str, *, exclude_uid: str = ""
) -> bool:
    """PostgreSQL keeps indexes and tables in one namespace per schema."""
    tables = DesignTable.objects.filter(project=project, schema_name=schema_name, name=name)
    indexes = DesignIndex.objects.filter(
        table__project=project, table__schema_name=schema_name, name=name
    ).exclude(uid=exclude_uid or "-")
    return tables.exists() or indexes.exists()


_PART = re.compile(
    r"^(?P<body>.+?)(?:\s+(?P<dir>ASC|DESC))?(?:\s+NULLS\s+(?P<nulls>FIRST|LAST))?$", re.I
)


def parse_index_parts(text: str) -> list[m.IndexPart]:
    """Parse one key part per line: ``col [opclass] [ASC|DESC] [NULLS FIRST|LAST]`` or ``(expr) …``."""
    parts = []
    for raw in text.replace(",", "\n").splitlines() if "(" not in text else text.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _PART.match(line)
        assert match
        body = match.group("body").strip()
        descending = (match.group("dir") or "").upper() == "DESC"
        nulls = (match.group("nulls") or "").upper()
        nulls_first = None if not nulls else nulls == "FIRST"
        if body.startswith("("):
            depth, end = 0, 0
            for i, ch in enumerate(body):
                depth += ch == "("
                depth -= ch == ")"
                if depth == 0:
                    end = i
                    break
            expr = sql_expr(body[1:end], "parts")
            rest = body[end + 1 :].split()
            parts.append(
                m.IndexPart(
                    expression=expr,
                    opclass=rest[0] if rest else None,
                    descending=descending,
                    nulls_first=nulls_first,
                )
            )
        else:
            words = body.split()
            parts.append(
                m.IndexPart(
                    column=words[0].strip('"'),
                    opclass=words[1] if len(words) > 1 else None,
                    descending=descending,
                    nulls_first=nulls_first,
                )
            )
    return parts


def _split_names(text: str | Sequence[str]) -> list[str]:
    if isinstance(text, str):
        return [p.strip() for p in text.split(",") if p.strip()]
    return [p for p in text if p]


@transaction.atomic
@recorded_table
def index_save(
    *,
    actor: Actor = None,
    table: DesignTable,
    name: str,
    parts: str,
    method: str = "btree",
    unique: bool = False,
    include: str | Sequence[str] = "",
    where: str = "",
    nulls_not_distinct: bool = False,
    purpose: str = "",
    index: DesignIndex | None = None,
    expected_version: int | None = None,
) -> tuple[DesignIndex, list[str]]:
    """Create an index, or update ``index`` when given."""
    table = lock_table(table)
    check_version(table, expected_version)
    name = name.strip()
    warnings = check_name(name)
    if method not in m.INDEX_METHODS:
        raise DesignError(ERR_INDEX_METHOD.format(method=method), "method")
    key_parts = parse_index_parts(parts)
    if not key_parts:
        raise DesignError(ERR_INDEX_NO_PARTS, "parts")
    include_cols = _split_names(include)
    require_columns(table, [p.column for p in key_parts if p.column] + include_cols, "parts")
    predicate = sql_expr(where, "where")
    if _index_name_taken(
        table.project, table.schema_name, name, exclude_uid=index.uid if index else ""
    ):
        raise DesignError(ERR_DUPLICATE_INDEX.format(name=name, schema=table.schema_name), "name")
    fields = rows.index_fields(
        m.Index(
            name=name,
            parts=tuple(key_parts),
            method=method,
            unique=unique,
            nulls_not_distinct=nulls_not_distinct,
            include=tuple(include_cols),
            where=predicate,
            purpose=purpose.strip(),
        )
    )
    verb = "added" if index is None else "changed"
    if index is None:
        index = DesignIndex.objects.create(
            table=table, position=DesignIndex.objects.filter(table=table).count(), **fields
        )
    else:
        for key, value in fields.items():
            if key != "options":
                setattr(index, key, value)
        index.save()
    bump_version(table)
    touch(table.project, actor, verb, "index", f"{table.schema_name}.{name}", after=parts.strip())
    return index, warnings


@transaction.atomic
@recorded_table
def index_delete(
    *, actor: Actor = None, index: DesignIndex, expected_version: int | None = None
) -> None:
    table = lock_table(index.table)
    check_version(table, expected_version)
    index.delete()
    bump_version(table)
    touch(table.project, actor, "deleted", "index", f"{table.schema_name}.{index.name}")
