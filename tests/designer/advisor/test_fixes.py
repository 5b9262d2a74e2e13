"""Fixes: each returns a schema where its finding is gone, changes nothing else, and keeps ids."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from designer.advisor import Finding, lint
from designer.advisor.fixes import add_fk_index, unique_name
from designer.schema.model import (
    Column,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
)


def col(name: str, type: str = "text", **kw: Any) -> Column:
    return Column(name, type, id=kw.pop("id", f"col-{name}"), **kw)


def table(name: str, *columns: Column, pk: tuple[str, ...] | None = ("id",), **kw: Any) -> Table:
    return Table(
        name,
        columns=columns,
        primary_key=PrimaryKey(pk, id=f"pk-{name}") if pk else None,
        id=f"table-{name}",
        **kw,
    )


def key(name: str = "id", type: str = "bigint") -> Column:
    return col(name, type, nullable=False, identity="ALWAYS")


def idx(name: str, *columns: str, **kw: Any) -> Index:
    return Index(name, tuple(IndexPart(column=c) for c in columns), id=f"index-{name}", **kw)


def one(*columns: Column, **kw: Any) -> Schema:
    return Schema(tables=(table("t", key(), *columns, **kw),))


def ids(value: Any) -> set[str]:
    """Every non-empty ``id`` anywhere in a schema."""
    found: set[str] = set()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.name == "id" and item:
                found.add(item)
            else:
                found |= ids(item)
    elif isinstance(value, tuple):
        for item in value:
            found |= ids(item)
    return found


def the(schema: Schema, rule: str) -> Finding:
    (f,) = [f for f in lint(schema) if f.rule == rule]
    return f


def fixed(schema: Schema, rule: str, *, gone: tuple[str, ...] = ()) -> Schema:
    """Apply the one finding of ``rule``; check it is gone and every id but ``gone`` survives."""
    f = the(schema, rule)
    assert f.fix is not None, f.message
    result = f.fix.apply(schema)
    assert (f.rule, f.object) not in {(g.rule, g.object) for g in lint(result)}
    assert ids(result) >= ids(schema) - set(gone)
    return result


PARENT = table("parent", key())


def kid(*extra: Column, fk_type: str = "bigint", **kw: Any) -> Table:
    return table(
        "kid",
        key(),
        col("parent_id", fk_type, nullable=False),
        *extra,
        foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), id="fk-kid"),),
        **kw,
    )


# -- foreign-key index ---------------------------------------------------------------


def test_fk_index_fix_adds_a_btree_named_after_table_and_columns() -> None:
    s = fixed(Schema(tables=(PARENT, kid())), "fk-missing-index")
    added = s.table("kid").indexes  # type: ignore[union-attr]
    assert [(i.name, i.column_names, i.method, i.id) for i in added] == [
        ("kid_parent_id_idx", ("parent_id",), "btree", "")
    ]


def test_fk_index_name_avoids_names_taken_in_the_schema() -> None:
    taken = table("kid_parent_id_idx", key())  # a table already has the name
    s = Schema(
        tables=(
            PARENT,
            kid(indexes=(idx("kid_parent_id_idx1", "parent_id", where="false"),)),
            taken,
        )
    )
    f = next(f for f in lint(s) if f.rule == "fk-missing-index")
    assert f.fix is not None
    names = [i.name for i in f.fix.apply(s).table("kid").indexes]  # type: ignore[union-attr]
    assert names == ["kid_parent_id_idx1", "kid_parent_id_idx2"]


def test_generated_names_stay_within_63_bytes() -> None:
    name = unique_name("é" * 40, "idx", {"é" * 29 + "_idx"})
    assert len(name.encode()) <= 63
    assert name.endswith("_idx1")
    s = add_fk_index(
        Schema(tables=(table("t" * 60, key(), col("parent_id", "bigint")),)),
        table="public." + "t" * 60,
        columns=("parent_id",),
    )
    assert len(s.tables[0].indexes[0].name.encode()) == 63


def test_fk_index_fix_keeps_column_order_of_a_composite_key() -> None:
    parent = table("p", col("a", "bigint"), col("b", "bigint"), pk=("a", "b"))
    child = table(
        "c",
        key(),
        col("b", "bigint"),
        col("a", "bigint"),
        foreign_keys=(ForeignKey(("a", "b"), "p", ("a", "b")),),
    )
    s = fixed(Schema(tables=(parent, child)), "fk-missing-index")
    assert s.table("c").indexes[0].column_names == ("a", "b")  # type: ignore[union-attr]


# -- serial and identity -------------------------------------------------------------


@pytest.mark.parametrize("serial,base", [("serial", "integer"), ("bigserial", "bigint")])
def test_serial_becomes_identity(serial: str, base: str) -> None:
    s = fixed(
        Schema(tables=(table("t", col("id", serial, nullable=False)),)), "serial-not-identity"
    )
    c = s.tables[0].columns[0]
    assert (c.type, c.identity, c.default, c.id) == (base, "BY DEFAULT", None, "col-id")


def test_nextval_default_becomes_identity_and_its_sequence_goes() -> None:
    seq = Sequence("t_id_seq", data_type="integer", owned_by="public.t.id", id="seq")
    other = Sequence("shared_seq", id="seq-shared")
    s = Schema(
        tables=(
            table(
                "t",
                col("id", "integer", nullable=False, default="nextval('t_id_seq'::regclass)"),
                col("n", "integer", default="nextval('shared_seq'::regclass)"),
            ),
            table(
                "u",
                col("id", "bigint", nullable=False, identity="ALWAYS"),
                col("n", "integer", default="nextval('shared_seq'::regclass)", id="col-u-n"),
            ),
        ),
        sequences=(seq, other),
    )
    f = next(f for f in lint(s) if f.rule == "serial-not-identity" and f.object == "public.t.id")
    assert f.fix is not None
    result = f.fix.apply(s)
    c = result.tables[0].columns[0]
    assert (c.type, c.identity, c.default) == ("integer", "BY DEFAULT", None)
    assert [q.name for q in result.sequences] == ["shared_seq"]
    # the shared sequence feeds two columns: fixing one of them must keep it
    g = next(f for f in lint(result) if f.rule == "serial-not-identity")
    assert g.fix is not None
    assert [q.name for q in g.fix.apply(result).sequences] == ["shared_seq"]


# -- type changes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule,before,after",
    [
        ("timestamp-without-tz", "timestamp without time zone", "timestamp with time zone"),
        (
            "timestamp-without-tz",
            "timestamp(3) without time zone[]",
            "timestamp(3) with time zone[]",
        ),
        ("timestamp-zero-precision", "timestamp(0) with time zone", "timestamp with time zone"),
        ("json-not-jsonb", "json", "jsonb"),
        ("json-not-jsonb", "json[]", "jsonb[]"),
        ("varchar-arbitrary-length", "character varying(255)", "text"),
        ("varchar-arbitrary-length", "character varying(1000)[]", "text[]"),
    ],
)
def test_type_fixes(rule: str, before: str, after: str) -> None:
    s = fixed(one(col("v", before, comment="kept")), rule)
    c = s.tables[0].column("v")
    assert c is not None
    assert (c.type, c.comment, c.id) == (after, "kept", "col-v")


@pytest.mark.parametrize(
    "rule,type_text",
    [("money-type", "money"), ("timetz-type", "time with time zone"), ("char-n", "character(3)")],
)
def test_no_automatic_fix_where_meaning_would_change(rule: str, type_text: str) -> None:
    assert the(one(col("v", type_text)), rule).fix is None


def test_fk_type_fix_takes_the_referenced_type() -> None:
    parent = table("parent", col("id", "bigserial", nullable=False))
    s = fixed(Schema(tables=(parent, kid(fk_type="integer"))), "fk-type-mismatch")
    assert s.table("kid").column("parent_id").type == "bigint"  # type: ignore[union-attr]
    assert s.table("parent") == parent


def test_widening_an_integer_key_widens_its_references() -> None:
    parent = table(
        "parent", col("id", "integer", nullable=False, default="nextval('parent_id_seq'::regclass)")
    )
    seq = Sequence("parent_id_seq", data_type="integer", id="seq")
    s = Schema(tables=(parent, kid(fk_type="integer")), sequences=(seq,))
    result = fixed(s, "int-pk-overflow")
    assert result.table("parent").column("id").type == "bigint"  # type: ignore[union-attr]
    assert result.table("kid").column("parent_id").type == "bigint"  # type: ignore[union-attr]
    assert result.sequences[0].data_type == "bigint"
    assert not [f for f in lint(result) if f.rule == "fk-type-mismatch"]


def test_audit_timestamp_default() -> None:
    s = fixed(
        one(col("created_at", "timestamp with time zone", nullable=False)), "timestamp-no-default"
    )
    assert s.tables[0].column("created_at").default == "now()"  # type: ignore[union-attr]
    s = fixed(one(col("created_on", "date", nullable=False)), "timestamp-no-default")
    assert s.tables[0].column("created_on").default == "CURRENT_DATE"  # type: ignore[union-attr]


# -- primary keys and indexes --------------------------------------------------------


def test_missing_primary_key_gets_an_identity_id_first() -> None:
    s = fixed(Schema(tables=(table("t", col("a"), col("b"), pk=None),)), "pk-missing")
    t = s.tables[0]
    assert t.column_names == ("id", "a", "b")
    first = t.columns[0]
    assert (first.type, first.identity, first.nullable) == ("bigint", "ALWAYS", False)
    assert t.primary_key is not None and t.primary_key.columns == ("id",)


def test_no_primary_key_fix_when_id_exists_or_table_is_partitioned() -> None:
    with_id = Schema(tables=(table("t", col("id", "bigint"), pk=None),))
    partitioned = Schema(
        tables=(table("p", col("at", "date"), pk=None, partitioning=Partitioning("RANGE", "at")),)
    )
    assert the(with_id, "pk-missing").fix is None
    assert the(partitioned, "pk-missing").fix is None


def test_duplicate_index_fix_drops_only_the_duplicate() -> None:
    s = one(col("a"), indexes=(idx("t_a_idx", "a"), idx("t_a_idx2", "a")))
    result = fixed(s, "index-duplicate", gone=("index-t_a_idx2",))
    assert [i.name for i in result.tables[0].indexes] == ["t_a_idx"]
    assert result.tables[0].indexes[0].id == "index-t_a_idx"


def test_redundant_index_fix_drops_the_prefix() -> None:
    s = one(col("a"), col("b"), indexes=(idx("t_a_idx", "a"), idx("t_a_b_idx", "a", "b")))
    result = fixed(s, "index-redundant", gone=("index-t_a_idx",))
    assert [i.name for i in result.tables[0].indexes] == ["t_a_b_idx"]


def test_fixes_leave_the_original_schema_and_other_tables_alone() -> None:
    other = table("other", key(), col("payload", "jsonb"))
    s = Schema(tables=(table("t", key(), col("payload", "json")), other))
    before = dataclasses.replace(s)
    result = fixed(s, "json-not-jsonb")
    assert s == before
    assert result.table("other") == other
    assert [t.name for t in result.tables] == ["t", "other"]
