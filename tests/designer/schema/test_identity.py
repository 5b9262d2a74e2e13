"""Re-importing a file keeps the ids of the objects it keeps, so plans show real changes."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from fixtures.designs import kitchen_sink

from designer.migrate import diff
from designer.migrate.changes import AddColumn, RenameColumn, RenameTable
from designer.schema.identity import adopt_ids
from designer.schema.model import Column, Schema
from designer.sql.readers.postgres import import_postgres

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"
POSTGRES_FILES = ["pagila.sql", "chinook.sql", "northwind.sql", "graphile_starter.sql"]


def _with_ids(schema: Schema, *, blank: bool = False) -> Schema:
    """Every object given a distinct id, as the editor's store does (or none, as in a file)."""
    counter = itertools.count(1)

    def mark(obj):
        return replace(obj, id="" if blank else f"id{next(counter)}")

    tables = []
    for t in schema.tables:
        tables.append(
            replace(
                mark(t),
                columns=tuple(map(mark, t.columns)),
                primary_key=mark(t.primary_key) if t.primary_key else None,
                foreign_keys=tuple(map(mark, t.foreign_keys)),
                uniques=tuple(map(mark, t.uniques)),
                checks=tuple(map(mark, t.checks)),
                excludes=tuple(map(mark, t.excludes)),
                indexes=tuple(map(mark, t.indexes)),
                policies=tuple(map(mark, t.policies)),
            )
        )
    return replace(
        schema,
        tables=tuple(tables),
        enums=tuple(map(mark, schema.enums)),
        domains=tuple(map(mark, schema.domains)),
        sequences=tuple(map(mark, schema.sequences)),
        views=tuple(map(mark, schema.views)),
    )


def _file(schema: Schema) -> Schema:
    return _with_ids(schema, blank=True)


def _ids(schema: Schema) -> list[str]:
    out = []
    for t in schema.tables:
        out.append(t.id)
        out += [c.id for c in t.columns]
        out += [k.id for k in (*t.foreign_keys, *t.uniques, *t.checks, *t.indexes, *t.policies)]
        out += [t.primary_key.id] if t.primary_key else []
    for group in (schema.enums, schema.domains, schema.sequences, schema.views):
        out += [o.id for o in group]
    return out


def _corpus(name: str) -> str:
    path = CORPUS / name
    if not path.is_file():
        pytest.fail(f"the shared corpus is missing {path}")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", POSTGRES_FILES)
def test_reimporting_the_same_file_keeps_every_id_and_plans_nothing(name: str) -> None:
    text = _corpus(name)
    stored = _with_ids(import_postgres(text).schema)
    again = adopt_ids(stored, import_postgres(text).schema)
    assert _ids(again) == _ids(stored)
    assert diff(stored, again) == []


def test_an_added_column_is_the_only_change_after_reimport() -> None:
    stored = _with_ids(kitchen_sink())
    # the file gains one column on the first table and nothing else
    first = _file(kitchen_sink()).tables[0]
    edited = _file(kitchen_sink()).with_table(
        replace(first, columns=(*first.columns, Column("nickname", "text")))
    )
    changes = diff(stored, adopt_ids(stored, edited))
    assert [type(c) for c in changes] == [AddColumn]
    assert changes[0].column.name == "nickname"


def test_confirmed_renames_keep_identity_of_tables_and_columns() -> None:
    stored = _with_ids(kitchen_sink())
    first = _file(kitchen_sink()).tables[0]
    old_column = first.columns[-1].name
    renamed = replace(
        first,
        name=first.name + "_renamed",
        columns=(*first.columns[:-1], replace(first.columns[-1], name="renamed_column")),
    )
    # a table renamed in a file is a drop and an add unless the user confirms the rename
    file = _file(kitchen_sink())
    edited = replace(
        file, tables=tuple(renamed if t.name == first.name else t for t in file.tables)
    )
    unconfirmed = diff(stored, adopt_ids(stored, edited))
    assert not any(isinstance(c, RenameTable) for c in unconfirmed)
    renames = {
        f"{first.schema}.{first.name}": renamed.name,
        f"{first.schema}.{first.name}.{old_column}": "renamed_column",
    }
    merged = adopt_ids(stored, edited, renames)
    assert merged.table(renamed.name, renamed.schema).id == stored.tables[0].id
    kinds = {type(c) for c in diff(stored, merged)}
    assert RenameTable in kinds and RenameColumn in kinds


def test_a_renamed_constraint_with_the_same_definition_keeps_its_id() -> None:
    stored = _with_ids(kitchen_sink())
    table = next(t for t in _file(kitchen_sink()).tables if t.foreign_keys)
    fk = table.foreign_keys[0]
    edited = _file(kitchen_sink()).with_table(
        replace(table, foreign_keys=(replace(fk, name="fk_renamed"), *table.foreign_keys[1:]))
    )
    merged = adopt_ids(stored, edited)
    before = stored.table(table.name, table.schema).foreign_keys[0]
    assert merged.table(table.name, table.schema).foreign_keys[0].id == before.id
