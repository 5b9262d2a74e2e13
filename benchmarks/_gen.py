"""Synthetic but realistic designs for benchmarks: ``generate_schema(n_tables, seed=0)``.

Shape taken from real schemas (the corpus): a bigint identity key per table, 4-12
columns of common types, ~1.5 foreign keys per table pointing mostly at earlier
tables (a few hubs like ``users`` attract many), an index per FK column, some
unique columns and one-to-ones, an occasional self-reference, tables grouped by
area (~12 tables a group, each group with its colour) and a second schema.
"""

from __future__ import annotations

import random

from designer.schema.model import (
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)

_WORDS = [
    "account",
    "user",
    "order",
    "item",
    "product",
    "invoice",
    "payment",
    "shipment",
    "address",
    "customer",
    "vendor",
    "stock",
    "warehouse",
    "price",
    "discount",
    "coupon",
    "review",
    "rating",
    "tag",
    "category",
    "session",
    "event",
    "audit",
    "log",
    "message",
    "thread",
    "comment",
    "post",
    "media",
    "file",
    "project",
    "task",
    "team",
    "member",
    "role",
    "permission",
    "setting",
    "plan",
    "subscription",
    "ticket",
    "note",
    "report",
]
_TYPES = (
    ("text", 30),
    ("character varying(80)", 10),
    ("integer", 10),
    ("bigint", 5),
    ("numeric(12,2)", 8),
    ("boolean", 8),
    ("timestamp with time zone", 14),
    ("date", 4),
    ("jsonb", 5),
    ("uuid", 3),
    ("text[]", 2),
    ("smallint", 1),
)
_COLOURS = (
    "#dbeafe",
    "#dcfce7",
    "#fef3c7",
    "#fce7f3",
    "#ede9fe",
    "#e0f2fe",
    "#ffedd5",
    "#f1f5f9",
)
# number of FKs of a table -> weight; mean 1.5
_FK_COUNTS = ((0, 20), (1, 35), (2, 25), (3, 15), (4, 5))


def _pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def generate_schema(n_tables: int, *, seed: int = 0) -> Schema:
    """A deterministic design of ``n_tables`` tables (same arguments, equal ``Schema``)."""
    rng = random.Random(seed)
    n_groups = max(1, round(n_tables / 12))
    groups = [f"{rng.choice(_WORDS)}_{i}" for i in range(n_groups)]
    names: list[tuple[str, str]] = []  # (schema, name)
    for i in range(n_tables):
        schema = "audit" if n_tables >= 10 and i % 10 == 9 else "public"
        names.append((schema, f"{rng.choice(_WORDS)}_{rng.choice(_WORDS)}_{i}"))
    hubs = max(1, n_tables // 20)
    tables: list[Table] = []
    for i, (schema, name) in enumerate(names):
        group_index = min(i * n_groups // max(1, n_tables), n_groups - 1)
        columns = [Column("id", "bigint", nullable=False, identity="ALWAYS")]
        fks: list[ForeignKey] = []
        uniques: list[UniqueConstraint] = []
        indexes: list[Index] = []
        n_fks = int(_pick(rng, _FK_COUNTS)) if i else 0  # type: ignore[call-overload]
        parents: set[int] = set()
        for _ in range(n_fks):
            roll = rng.random()
            if roll < 0.3:
                parent = rng.randrange(min(hubs, i))
            elif roll < 0.75:
                # a nearby table: usually the same group
                parent = rng.randrange(max(0, i - 15), i)
            else:
                parent = rng.randrange(i)
            if parent in parents:
                continue
            parents.add(parent)
            p_schema, p_name = names[parent]
            col = f"{p_name}_id"[:63]
            nullable = rng.random() < 0.3
            columns.append(Column(col, "bigint", nullable=nullable))
            fks.append(ForeignKey((col,), p_name, ("id",), ref_schema=p_schema))
            if rng.random() < 0.05:
                uniques.append(UniqueConstraint((col,)))  # a one-to-one
            else:
                indexes.append(Index(f"{name}_{col}_idx"[:63], (IndexPart(column=col),)))
        if i and rng.random() < 0.04:
            columns.append(Column("parent_id", "bigint"))
            fks.append(ForeignKey(("parent_id",), name, ("id",), ref_schema=schema))
        for c in range(rng.randint(3, 10)):
            type_ = str(_pick(rng, _TYPES))
            columns.append(Column(f"{rng.choice(_WORDS)}_{c}", type_, nullable=rng.random() < 0.4))
        if rng.random() < 0.2:
            uniques.append(UniqueConstraint((columns[-1].name,)))
        tables.append(
            Table(
                name=name,
                schema=schema,
                columns=tuple(columns),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=tuple(fks),
                uniques=tuple(uniques),
                indexes=tuple(indexes),
                group=groups[group_index],
                color=_COLOURS[group_index % len(_COLOURS)],
                comment=f"Synthetic table {i}" if rng.random() < 0.3 else None,
                id=str(i + 1),
            )
        )
    return Schema(tables=tuple(tables), schemas=("audit",) if n_tables >= 10 else ())
