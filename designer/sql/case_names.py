"""Columns whose names differ only in case (``Name``, ``name``), told apart for the export
targets that compare column names without case (MySQL, MariaDB, SQLite, SQL Server)."""

from __future__ import annotations

from dataclasses import replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from designer.schema.model import Table


def distinct_column_names(tables: list[Table]) -> tuple[list[Table], list[tuple[str, str]]]:
    """``tables`` with each column named as an earlier one of its table but for case renamed
    ``<name>_2`` (``_3``, … when taken), and (table.column, new name) per rename. Keys,
    indexes, CHECKs, generated columns and foreign keys on both sides follow; views are not
    rewritten."""
    renames: dict[tuple[str, str], dict[str, str]] = {}
    renamed: list[tuple[str, str]] = []
    for t in tables:
        seen = {c.name.lower() for c in t.columns}
        first: set[str] = set()
        for c in t.columns:
            if c.name.lower() not in first:
                first.add(c.name.lower())
                continue
            n = 2
            while f"{c.name}_{n}".lower() in seen:
                n += 1
            new = f"{c.name}_{n}"
            seen.add(new.lower())
            renames.setdefault((t.schema, t.name), {})[c.name] = new
            renamed.append((f"{t.qualified_name}.{c.name}", new))
    if not renames:
        return tables, []
    return [_renamed_columns(t, renames) for t in tables], renamed


def _rename_in(expression: str | None, names: dict[str, str]) -> str | None:
    """A PostgreSQL expression with its column references renamed."""
    if expression is None or not names:
        return expression
    try:
        node = sqlglot.parse_one(expression, read="postgres")
    except (SqlglotError, RecursionError):
        return expression

    def rename(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and n.name in names:
            return exp.column(names[n.name], quoted=True)
        return n

    return node.transform(rename).sql("postgres")


def _renamed_columns(t: Table, renames: dict[tuple[str, str], dict[str, str]]) -> Table:
    """``t`` with the column renames in ``renames`` (by table) applied everywhere they show."""
    mine = renames.get((t.schema, t.name), {})

    def r(names: tuple[str, ...], table: tuple[str, str] = (t.schema, t.name)) -> tuple[str, ...]:
        m = renames.get(table, {})
        return tuple(m.get(n, n) for n in names)

    columns = tuple(
        replace(c, name=mine.get(c.name, c.name), generated=_rename_in(c.generated, mine))
        for c in t.columns
    )
    pk = replace(t.primary_key, columns=r(t.primary_key.columns)) if t.primary_key else None
    uniques = tuple(replace(u, columns=r(u.columns)) for u in t.uniques)
    checks = tuple(replace(c, expression=_rename_in(c.expression, mine) or "") for c in t.checks)
    indexes = tuple(
        replace(
            i,
            parts=tuple(
                replace(p, column=mine.get(p.column, p.column) if p.column else None)
                for p in i.parts
            ),
            include=r(i.include),
        )
        for i in t.indexes
    )
    fks = tuple(
        replace(
            fk,
            columns=r(fk.columns),
            ref_columns=r(fk.ref_columns, (fk.ref_schema, fk.ref_table)),
        )
        for fk in t.foreign_keys
    )
    return replace(
        t,
        columns=columns,
        primary_key=pk,
        uniques=uniques,
        checks=checks,
        indexes=indexes,
        foreign_keys=fks,
    )
