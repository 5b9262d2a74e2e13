"""Each advisor rule fires on the design it targets and stays quiet on the corrected design."""

from __future__ import annotations

from typing import Any

import pytest

from designer.advisor import RULES, lint
from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PartitionOf,
    Policy,
    PrimaryKey,
    RawStatement,
    Schema,
    Table,
    UniqueConstraint,
)


def col(name: str, type: str = "text", **kw: Any) -> Column:
    return Column(name, type, **kw)


def key(name: str = "id", type: str = "bigint") -> Column:
    return Column(name, type, nullable=False, identity="ALWAYS")


def idx(name: str, *columns: str, **kw: Any) -> Index:
    return Index(name, tuple(IndexPart(column=c) for c in columns), **kw)


def fk(columns: tuple[str, ...], ref: str, ref_columns: tuple[str, ...] = ("id",), **kw: Any):
    return ForeignKey(columns, ref, ref_columns, **kw)


def table(name: str, *columns: Column, pk: tuple[str, ...] | None = ("id",), **kw: Any) -> Table:
    return Table(name, columns=columns, primary_key=PrimaryKey(pk) if pk else None, **kw)


def schema(*tables: Table, **kw: Any) -> Schema:
    return Schema(tables=tables, **kw)


def objects(s: Schema, rule: str) -> set[str]:
    return {f.object for f in lint(s) if f.rule == rule}


def messages(s: Schema, rule: str) -> list[str]:
    return [f.message for f in lint(s) if f.rule == rule]


PARENT = table("parent", key(), col("name", nullable=False))


def child(*extra: Column, parent_type: str = "bigint", **kw: Any) -> Table:
    return table(
        "child",
        key(),
        col("parent_id", parent_type, nullable=False),
        *extra,
        foreign_keys=kw.pop("foreign_keys", (fk(("parent_id",), "parent"),)),
        **kw,
    )


def cascade(name: str, ref: str) -> Table:
    return table(
        name,
        key(),
        col(f"{ref}_id", "bigint", nullable=False),
        foreign_keys=(fk((f"{ref}_id",), ref, on_delete="CASCADE"),),
        indexes=(idx(f"{name}_{ref}_id_idx", f"{ref}_id"),),
    )


def one(*columns: Column, **kw: Any) -> Schema:
    return schema(table("t", key(), *columns, **kw))


# rule id -> (design that breaks it, finding object, design that does not)
CASES: dict[str, tuple[Schema, str, Schema]] = {
    "pk-missing": (
        schema(table("t", col("a"), pk=None)),
        "public.t",
        one(col("a")),
    ),
    "fk-missing-index": (
        schema(PARENT, child()),
        "public.child.child_parent_id_fkey",
        schema(PARENT, child(indexes=(idx("child_parent_idx", "parent_id"),))),
    ),
    "fk-type-mismatch": (
        schema(PARENT, child(parent_type="integer")),
        "public.child.child_parent_id_fkey",
        schema(table("parent", col("id", "bigserial", nullable=False)), child()),
    ),
    "fk-ref-missing": (
        schema(PARENT, child(foreign_keys=(fk(("parent_id",), "nowhere"),))),
        "public.child.child_parent_id_fkey",
        schema(PARENT, child()),
    ),
    "fk-target-not-unique": (
        schema(PARENT, child(foreign_keys=(fk(("parent_id",), "parent", ("name",)),))),
        "public.child.child_parent_id_fkey",
        schema(
            table("parent", key(), col("name"), uniques=(UniqueConstraint(("name",)),)),
            child(foreign_keys=(fk(("parent_id",), "parent", ("name",)),)),
        ),
    ),
    "fk-set-null-not-nullable": (
        schema(PARENT, child(foreign_keys=(fk(("parent_id",), "parent", on_delete="SET NULL"),))),
        "public.child.child_parent_id_fkey",
        schema(
            PARENT,
            table(
                "child",
                key(),
                col("parent_id", "bigint"),
                foreign_keys=(fk(("parent_id",), "parent", on_delete="SET NULL"),),
            ),
        ),
    ),
    "cascade-chain": (
        schema(table("a", key()), cascade("b", "a"), cascade("c", "b")),
        "public.a",
        schema(table("a", key()), cascade("b", "a"), child()),
    ),
    "id-not-pk": (
        schema(table("t", col("id", "bigint"), col("code", nullable=False), pk=("code",))),
        "public.t.id",
        one(col("code")),
    ),
    "int-pk-overflow": (
        schema(table("t", col("id", "serial", nullable=False))),
        "public.t.id",
        one(),
    ),
    "index-duplicate": (
        one(col("a"), indexes=(idx("t_a_idx", "a"), idx("t_a_idx2", "a"))),
        "public.t.t_a_idx2",
        one(col("a"), col("b"), indexes=(idx("t_a_idx", "a"), idx("t_b_idx", "b"))),
    ),
    "index-redundant": (
        one(col("a"), col("b"), indexes=(idx("t_a_idx", "a"), idx("t_a_b_idx", "a", "b"))),
        "public.t.t_a_idx",
        one(
            col("a"),
            col("b"),
            indexes=(idx("t_a_key", "a", unique=True), idx("t_a_b_idx", "a", "b")),
        ),
    ),
    "many-indexes": (
        one(
            *(col(f"c{i}") for i in range(9)),
            indexes=tuple(idx(f"i{i}", f"c{i}") for i in range(8)),
        ),
        "public.t",
        one(
            *(col(f"c{i}") for i in range(9)),
            indexes=tuple(idx(f"i{i}", f"c{i}") for i in range(7)),
        ),
    ),
    "unique-nullable-distinct": (
        one(col("email"), uniques=(UniqueConstraint(("email",), name="t_email_key"),)),
        "public.t.t_email_key",
        one(
            col("email"),
            uniques=(UniqueConstraint(("email",), name="t_email_key", nulls_not_distinct=True),),
        ),
    ),
    "varchar-arbitrary-length": (
        one(col("title", "character varying(255)")),
        "public.t.title",
        one(col("title", "text"), col("country", "character varying(2)")),
    ),
    "char-n": (
        one(col("code", "character(10)")),
        "public.t.code",
        one(col("code", "character varying(10)")),
    ),
    "money-type": (
        one(col("total", "money")),
        "public.t.total",
        one(col("total", "numeric(12,2)")),
    ),
    "float-for-money": (
        one(col("unit_price", "double precision")),
        "public.t.unit_price",
        one(col("latitude", "double precision"), col("unit_price", "numeric(10,2)")),
    ),
    "timestamp-without-tz": (
        one(col("happened_at", "timestamp without time zone")),
        "public.t.happened_at",
        one(col("happened_at", "timestamp with time zone")),
    ),
    "timestamp-zero-precision": (
        one(col("happened_at", "timestamp(0) with time zone")),
        "public.t.happened_at",
        one(col("happened_at", "timestamp(3) with time zone")),
    ),
    "timetz-type": (
        one(col("opens", "time with time zone")),
        "public.t.opens",
        one(col("opens", "time without time zone")),
    ),
    "json-not-jsonb": (
        one(col("payload", "json")),
        "public.t.payload",
        one(col("payload", "jsonb")),
    ),
    "serial-not-identity": (
        schema(
            table(
                "t", col("id", "integer", nullable=False, default="nextval('t_id_seq'::regclass)")
            )
        ),
        "public.t.id",
        one(),
    ),
    "nullable-boolean": (
        one(col("active", "boolean")),
        "public.t.active",
        one(col("active", "boolean", nullable=False, default="true")),
    ),
    "timestamp-no-default": (
        one(col("created_at", "timestamp with time zone", nullable=False)),
        "public.t.created_at",
        one(col("created_at", "timestamp with time zone", nullable=False, default="now()")),
    ),
    "enum-single-value": (
        Schema(enums=(EnumType("mood", ("ok",)),)),
        "public.mood",
        Schema(enums=(EnumType("mood", ("ok", "sad")),)),
    ),
    "name-not-snake-case": (
        schema(table("OrderItems", key())),
        "public.OrderItems",
        schema(table("order_items", key())),
    ),
    "name-needs-quoting": (
        one(col("position", "integer")),
        "public.t.position",
        one(col("place", "integer")),
    ),
    "name-reserved-word": (
        schema(table("user", key())),
        "public.user",
        schema(table("users", key())),
    ),
    "name-too-long": (
        schema(table("a" * 64, key())),
        "public." + "a" * 64,
        schema(table("a" * 63, key())),
    ),
    "natural-key-not-unique": (
        one(col("email", nullable=False)),
        "public.t.email",
        one(
            col("tenant_id", "bigint", nullable=False),
            col("email", nullable=False),
            uniques=(UniqueConstraint(("tenant_id", "email")),),
        ),
    ),
    "join-table-no-composite-key": (
        schema(
            table("film", key()),
            table("actor", key()),
            table(
                "film_actor",
                col("film_id", "bigint", nullable=False),
                col("actor_id", "bigint", nullable=False),
                foreign_keys=(fk(("film_id",), "film"), fk(("actor_id",), "actor")),
                pk=None,
            ),
        ),
        "public.film_actor",
        schema(
            table("film", key()),
            table("actor", key()),
            table(
                "film_actor",
                col("film_id", "bigint", nullable=False),
                col("actor_id", "bigint", nullable=False),
                foreign_keys=(fk(("film_id",), "film"), fk(("actor_id",), "actor")),
                pk=("film_id", "actor_id"),
            ),
        ),
    ),
    "repeating-group": (
        one(col("phone1"), col("phone2"), col("phone3")),
        "public.t.phone1",
        one(col("ipv4", "inet"), col("ipv6", "inet"), col("address_line1"), col("address_line2")),
    ),
    "wide-table": (
        one(*(col(f"c{i}") for i in range(40))),
        "public.t",
        one(*(col(f"c{i}") for i in range(39))),
    ),
    "isolated-table": (
        schema(PARENT, child(indexes=(idx("ci", "parent_id"),)), table("lonely", key())),
        "public.lonely",
        schema(PARENT, child(indexes=(idx("ci", "parent_id"),))),
    ),
    "table-inheritance": (
        schema(table("base", key()), table("special", key(), inherits=("public.base",))),
        "public.special",
        schema(table("base", key()), table("special", key())),
    ),
    "rule-object": (
        schema(
            table("t", key()),
            raw=(
                RawStatement(
                    "CREATE RULE keep_rows AS ON DELETE TO public.t DO INSTEAD NOTHING",
                    kind="RuleStmt",
                ),
            ),
        ),
        "public.t.keep_rows",
        schema(
            table("t", key()),
            raw=(
                RawStatement("CREATE TRIGGER x BEFORE DELETE ON public.t", kind="CreateTrigStmt"),
            ),
        ),
    ),
    "constraint-not-valid": (
        one(col("qty", "integer"), checks=(CheckConstraint("qty > 0", "qty_positive", True),)),
        "public.t.qty_positive",
        one(col("qty", "integer"), checks=(CheckConstraint("qty > 0", "qty_positive"),)),
    ),
    "rls-policies-disabled": (
        one(policies=(Policy("own_rows", using="owner = CURRENT_USER"),)),
        "public.t",
        one(policies=(Policy("own_rows"),), rls_enabled=True, rls_forced=True),
    ),
    "rls-not-forced": (
        one(policies=(Policy("own_rows"),), rls_enabled=True),
        "public.t",
        one(policies=(Policy("own_rows"),), rls_enabled=True, rls_forced=True),
    ),
}


# Rules that read measurements besides the design (tested below with them).
NEEDS_WORKBENCH_RUN = {"index-unused-by-key-queries"}


def test_every_rule_has_a_positive_and_a_negative_case() -> None:
    assert set(CASES) | NEEDS_WORKBENCH_RUN == set(RULES)
    assert len(RULES) >= 25


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_the_design_it_targets(rule_id: str) -> None:
    bad, expected_object, _ = CASES[rule_id]
    assert expected_object in objects(bad, rule_id)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_is_quiet_on_the_corrected_design(rule_id: str) -> None:
    _, _, good = CASES[rule_id]
    assert objects(good, rule_id) == set()


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_message_names_the_object(rule_id: str) -> None:
    bad, expected_object, _ = CASES[rule_id]
    found = [f for f in lint(bad) if f.rule == rule_id and f.object == expected_object]
    last_part = expected_object.rsplit(".", 1)[-1]
    assert last_part in found[0].message
    assert found[0].rationale == RULES[rule_id].rationale


def test_indexes_no_key_query_uses_are_flagged_only_after_a_workbench_run() -> None:
    design = one(
        col("a", "integer"), col("b", "integer"), indexes=(idx("t_a", "a"), idx("t_b", "b"))
    )
    rule = "index-unused-by-key-queries"
    assert not [f for f in lint(design) if f.rule == rule]
    found = [f for f in lint(design, used_indexes=frozenset({"t_a"})) if f.rule == rule]
    assert [f.object for f in found] == ["public.t.t_b"]
    assert "t_b" in found[0].message and found[0].severity == "info"


# -- foreign keys and their indexes --------------------------------------------------


def _pair_child(**kw: Any) -> Schema:
    pair_parent = table(
        "parent",
        col("a", "bigint", nullable=False),
        col("b", "bigint", nullable=False),
        pk=("a", "b"),
    )
    kid = table(
        "kid",
        key(),
        col("a", "bigint", nullable=False),
        col("b", "bigint", nullable=False),
        col("c", "bigint", nullable=False),
        foreign_keys=(fk(("a", "b"), "parent", ("a", "b")),),
        **kw,
    )
    return schema(pair_parent, kid)


@pytest.mark.parametrize(
    "indexes,uniques,covered",
    [
        ((idx("i", "b", "a", "c"),), (), True),  # FK columns in any order within the prefix
        ((idx("i", "a", "b"),), (), True),
        ((idx("i", "c", "a", "b"),), (), False),  # FK columns not leading
        ((idx("i", "a"),), (), False),  # only half the key
        ((idx("i", "a", "b", where="c > 0"),), (), False),  # partial: not for every row
        ((idx("i", "a", "b", method="gin"),), (), False),
        ((), (UniqueConstraint(("b", "a", "c")),), True),  # a UNIQUE constraint is an index
    ],
)
def test_fk_index_must_lead_with_the_fk_columns(
    indexes: tuple[Index, ...], uniques: tuple[UniqueConstraint, ...], covered: bool
) -> None:
    s = _pair_child(indexes=indexes, uniques=uniques)
    assert (objects(s, "fk-missing-index") == set()) is covered


def test_fk_covered_by_the_primary_key() -> None:
    s = _pair_child()
    s = s.with_table(
        Table(
            "kid",
            columns=s.tables[1].columns,
            primary_key=PrimaryKey(("a", "b", "c")),
            foreign_keys=s.tables[1].foreign_keys,
        )
    )
    assert objects(s, "fk-missing-index") == set()


@pytest.mark.parametrize(
    "ref_type,fk_type,mismatch",
    [
        ("serial", "integer", False),
        ("bigserial", "bigint", False),
        ("integer", "bigint", True),
        ("bigint", "integer", True),
        ("text", "character varying(20)", True),
        ("integer", "public.small_id", False),  # a domain over integer
    ],
)
def test_fk_type_comparison(ref_type: str, fk_type: str, mismatch: bool) -> None:
    s = schema(
        table("parent", col("id", ref_type, nullable=False)),
        child(parent_type=fk_type, indexes=(idx("ci", "parent_id"),)),
        domains=(Domain("small_id", "integer"),),
    )
    assert bool(objects(s, "fk-type-mismatch")) is mismatch


def test_fk_type_message_names_both_types() -> None:
    (msg,) = messages(schema(PARENT, child(parent_type="integer")), "fk-type-mismatch")
    assert "parent_id is integer but parent.id is bigint" in msg


def test_set_null_on_selected_columns_only_checks_those() -> None:
    s = schema(
        table(
            "tenant_parent",
            col("tenant_id", "bigint", nullable=False),
            col("id", "bigint", nullable=False),
            pk=("tenant_id", "id"),
        ),
        table(
            "kid",
            key(),
            col("tenant_id", "bigint", nullable=False),
            col("parent_id", "bigint"),
            foreign_keys=(
                fk(
                    ("tenant_id", "parent_id"),
                    "tenant_parent",
                    ("tenant_id", "id"),
                    on_delete="SET NULL",
                    on_delete_columns=("parent_id",),
                ),
            ),
        ),
    )
    assert objects(s, "fk-set-null-not-nullable") == set()


def test_cascade_chain_reports_the_whole_path_once() -> None:
    s = schema(
        table("a", key()),
        cascade("b", "a"),
        cascade("c", "b"),
        cascade("d", "c"),
        cascade("e", "a"),
    )
    (msg,) = messages(s, "cascade-chain")
    assert "public.a → public.b → public.c → public.d" in msg
    assert "4 tables" in msg


def test_cascade_chain_survives_a_thousand_deep_chain() -> None:
    tables = [table("t0", key())] + [cascade(f"t{i}", f"t{i - 1}") for i in range(1, 1200)]
    (msg,) = messages(schema(*tables), "cascade-chain")
    assert "1200 tables" in msg


def test_partition_is_not_reported_for_its_parents_key_or_columns() -> None:
    parent = table(
        "events",
        col("id", "bigint", nullable=False),
        col("at", "timestamp without time zone", nullable=False),
        pk=("id", "at"),
    )
    part = Table(
        "events_2024",
        columns=parent.columns,
        partition_of=PartitionOf("public", "events", "DEFAULT"),
    )
    found = {(f.rule, f.object) for f in lint(schema(parent, part))}
    assert ("pk-missing", "public.events_2024") not in found
    assert ("timestamp-without-tz", "public.events.at") in found
    assert ("timestamp-without-tz", "public.events_2024.at") not in found


# -- indexes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "second,duplicate",
    [
        (idx("t_a2", "a"), True),
        (idx("t_a2", "a", where="a IS NOT NULL"), False),
        (idx("t_a2", "a", include=("b",)), False),
        (idx("t_a2", "a", method="hash"), False),
        (Index("t_a2", (IndexPart(column="a", descending=True),)), False),
    ],
)
def test_duplicate_index_needs_same_method_parts_predicate_and_include(
    second: Index, duplicate: bool
) -> None:
    s = one(col("a"), col("b"), indexes=(idx("t_a1", "a"), second))
    assert bool(objects(s, "index-duplicate")) is duplicate


def test_duplicate_of_a_unique_index_drops_the_plain_one() -> None:
    s = one(col("a"), indexes=(idx("a_plain", "a"), idx("z_unique", "a", unique=True)))
    assert objects(s, "index-duplicate") == {"public.t.a_plain"}


def test_index_on_the_primary_key_columns_duplicates_the_key() -> None:
    s = one(indexes=(idx("t_id_idx", "id"),))
    (f,) = [f for f in lint(s) if f.rule == "index-duplicate"]
    assert f.object == "public.t.t_id_idx"
    assert "t_pkey" in f.message


def test_prefix_of_the_primary_key_is_redundant() -> None:
    s = schema(
        table(
            "link",
            col("a", "bigint", nullable=False),
            col("b", "bigint", nullable=False),
            pk=("a", "b"),
            indexes=(idx("link_a_idx", "a"),),
        )
    )
    assert objects(s, "index-redundant") == {"public.link.link_a_idx"}


@pytest.mark.parametrize(
    "small,big",
    [
        (idx("s", "a", where="a > 0"), idx("b", "a", "b")),  # different predicate
        (idx("s", "b"), idx("b", "a", "b")),  # not the leading part
        (idx("s", "a", include=("c",)), idx("b", "a", "b")),  # INCLUDE not covered
        (idx("s", "a", method="hash"), idx("b", "a", "b", method="hash")),
    ],
)
def test_not_redundant(small: Index, big: Index) -> None:
    s = one(col("a"), col("b"), col("c"), indexes=(small, big))
    assert objects(s, "index-redundant") == set()


# -- types and names -----------------------------------------------------------------


@pytest.mark.parametrize("length,flagged", [(255, True), (100, True), (64, False), (40, False)])
def test_only_reflexive_varchar_lengths(length: int, flagged: bool) -> None:
    s = one(col("v", f"character varying({length})"))
    assert bool(objects(s, "varchar-arbitrary-length")) is flagged


@pytest.mark.parametrize(
    "name,flagged",
    [("price", True), ("unitprice", True), ("total_cost", True), ("fee", True), ("speed", False)],
)
def test_money_names_on_floats(name: str, flagged: bool) -> None:
    assert bool(objects(one(col(name, "real")), "float-for-money")) is flagged


def test_array_and_precision_variants_are_recognised() -> None:
    s = one(col("stamps", "timestamp(3) without time zone[]"), col("docs", "json[]"))
    assert objects(s, "timestamp-without-tz") == {"public.t.stamps"}
    assert objects(s, "json-not-jsonb") == {"public.t.docs"}


@pytest.mark.parametrize(
    "name,rule",
    [
        ("CustomerId", "name-not-snake-case"),
        ("order items", "name-not-snake-case"),
        ("time", "name-needs-quoting"),
        ("group", "name-reserved-word"),
    ],
)
def test_each_naming_problem_is_reported_by_one_rule(name: str, rule: str) -> None:
    found = {f.rule for f in lint(one(col(name))) if f.rule.startswith("name-")}
    assert found == {rule}


def test_index_and_constraint_names_are_checked_too() -> None:
    s = one(
        col("a"),
        indexes=(idx("IX_A", "a"),),
        checks=(CheckConstraint("a <> ''", "CK_" + "x" * 70),),
    )
    assert "public.t.IX_A" in objects(s, "name-not-snake-case")
    assert "public.t.CK_" + "x" * 70 in objects(s, "name-too-long")


def test_natural_key_unique_by_expression_or_partial_index_counts() -> None:
    by_lower = one(
        col("email", nullable=False),
        indexes=(Index("t_email_lower", (IndexPart(expression="lower(email)"),), unique=True),),
    )
    live_only = one(
        col("slug", nullable=False),
        col("deleted_at", "timestamp with time zone"),
        indexes=(idx("t_slug_live", "slug", unique=True, where="deleted_at IS NULL"),),
    )
    assert objects(by_lower, "natural-key-not-unique") == set()
    assert objects(live_only, "natural-key-not-unique") == set()


def test_natural_key_unique_with_a_non_tenant_column_does_not_count() -> None:
    s = one(
        col("email", nullable=False),
        col("kind", nullable=False),
        uniques=(UniqueConstraint(("email", "kind")),),
    )
    assert objects(s, "natural-key-not-unique") == {"public.t.email"}


def test_link_table_with_its_own_attribute_or_referenced_is_an_entity() -> None:
    base = [table("film", key()), table("store", key())]
    links = (fk(("film_id",), "film"), fk(("store_id",), "store"))
    inventory = table(
        "inventory",
        key(),
        col("film_id", "bigint", nullable=False),
        col("store_id", "bigint", nullable=False),
        foreign_keys=links,
    )
    rental = table(
        "rental",
        key(),
        col("inventory_id", "bigint", nullable=False),
        foreign_keys=(fk(("inventory_id",), "inventory"),),
    )
    assert objects(schema(*base, inventory), "join-table-no-composite-key") == {"public.inventory"}
    assert objects(schema(*base, inventory, rental), "join-table-no-composite-key") == set()
    with_body = table(
        "inventory",
        key(),
        col("film_id", "bigint", nullable=False),
        col("store_id", "bigint", nullable=False),
        col("note"),
        foreign_keys=links,
    )
    assert objects(schema(*base, with_body), "join-table-no-composite-key") == set()


def test_enum_without_values_is_reported() -> None:
    (msg,) = messages(Schema(enums=(EnumType("empty", ()),)), "enum-single-value")
    assert "no values" in msg


def test_timestamp_default_rule_offers_no_fix_for_epoch_integers() -> None:
    (f,) = [f for f in lint(one(col("created_at", "bigint"))) if f.rule == "timestamp-no-default"]
    assert f.fix is None
