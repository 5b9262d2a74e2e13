"""canonical() and differences(): designs PostgreSQL stores identically compare equal."""

from __future__ import annotations

from dataclasses import replace

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    ExcludeConstraint,
    ExcludeElement,
    ForeignKey,
    Index,
    IndexPart,
    Policy,
    PrimaryKey,
    RawStatement,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from designer.sql import server as pgserver
from designer.sql.canonical import canonical, differences
from designer.sql.readers.live import introspect

LONG_TABLE = "customer_subscription_renewal_notifications_sent_by_the_billing"  # 63 bytes
LONG_COLUMN = "notification_delivery_channel_preference_identifier_for_customer"[:63]


def orders(**changes: object) -> Table:
    base = Table(
        name="orders",
        columns=(
            Column(name="id", type="integer", nullable=False),
            Column(name="customer_id", type="integer"),
            Column(name="total", type="integer", default="0"),
        ),
        primary_key=PrimaryKey(columns=("id",), name="orders_pkey"),
        checks=(CheckConstraint(expression="total >= 0", name="orders_total_check"),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_equal_designs_have_no_differences() -> None:
    assert differences(Schema(tables=(orders(),)), Schema(tables=(orders(),))) == []


def test_constraint_names_default_to_postgresqls_choice() -> None:
    unnamed = orders(
        primary_key=PrimaryKey(columns=("id",)),
        checks=(CheckConstraint(expression="total >= 0"),),
        uniques=(UniqueConstraint(columns=("customer_id", "total")),),
        foreign_keys=(
            ForeignKey(columns=("customer_id",), ref_table="customers", ref_columns=("id",)),
        ),
    )
    table = canonical(Schema(tables=(unnamed,))).tables[0]
    assert table.primary_key is not None and table.primary_key.name == "orders_pkey"
    assert [c.name for c in table.checks] == ["orders_total_check"]
    assert [u.name for u in table.uniques] == ["orders_customer_id_total_key"]
    assert [f.name for f in table.foreign_keys] == ["orders_customer_id_fkey"]


def test_check_on_several_columns_is_named_after_the_table() -> None:
    table = orders(checks=(CheckConstraint(expression="total > id"),))
    assert canonical(Schema(tables=(table,))).tables[0].checks[0].name == "orders_check"


def test_order_of_constraints_indexes_and_tables_does_not_matter() -> None:
    checks = (
        CheckConstraint(expression="total >= 0", name="a_check"),
        CheckConstraint(expression="id > 0", name="b_check"),
    )
    indexes = (
        Index(name="i1", parts=(IndexPart(column="id"),)),
        Index(name="i2", parts=(IndexPart(column="total"),)),
    )
    other = Table(name="customers", columns=(Column(name="id", type="integer"),))
    a = Schema(tables=(orders(checks=checks, indexes=indexes), other))
    b = Schema(tables=(other, orders(checks=checks[::-1], indexes=indexes[::-1])))
    assert differences(a, b) == []


def test_presentation_fields_are_ignored() -> None:
    plain = orders()
    dressed = orders(
        group="sales",
        color="#ffcc00",
        indexes=(Index(name="i", parts=(IndexPart(column="id"),), purpose="lookup by id"),),
    )
    assert (
        differences(
            Schema(tables=(replace(plain, indexes=dressed.indexes),)), Schema(tables=(dressed,))
        )
        == []
    )


def test_primary_key_implies_not_null() -> None:
    nullable_id = orders(columns=(Column(name="id", type="integer"), *orders().columns[1:]))
    assert differences(Schema(tables=(nullable_id,)), Schema(tables=(orders(),))) == []


def test_serial_is_compared_as_postgresql_stores_it() -> None:
    serial = Table(name="t", schema="app", columns=(Column(name="id", type="bigserial"),))
    stored = Schema(
        tables=(
            Table(
                name="t",
                schema="app",
                columns=(
                    Column(
                        name="id",
                        type="bigint",
                        nullable=False,
                        default="nextval('app.t_id_seq'::regclass)",
                    ),
                ),
            ),
        ),
        sequences=(Sequence(name="t_id_seq", schema="app", owned_by="app.t.id"),),
    )
    assert differences(Schema(tables=(serial,)), stored) == []


def test_sequence_options_at_their_default_equal_left_out() -> None:
    explicit = Sequence(name="s", start=1, increment=1, min_value=1, cache=1)
    descending = Sequence(name="d", increment=-1, start=-1, max_value=-1)
    assert (
        differences(
            Schema(sequences=(explicit, descending)),
            Schema(sequences=(Sequence(name="s"), Sequence(name="d", increment=-1))),
        )
        == []
    )


def test_storage_options_compare_without_quotes_or_case() -> None:
    a = Schema(tables=(orders(with_options=("FILLFACTOR='70'", "autovacuum_enabled=off")),))
    b = Schema(tables=(orders(with_options=("autovacuum_enabled=off", "fillfactor=70")),))
    assert differences(a, b) == []


def test_differences_read_like_sentences() -> None:
    a = Schema(
        tables=(orders(),),
        views=(View(name="v", query="SELECT 1"),),
        domains=(Domain(name="d", type="integer"),),
    )
    changed = orders(
        columns=(
            Column(name="id", type="integer", nullable=False),
            Column(name="customer_id", type="bigint"),
            Column(name="total", type="integer"),
            Column(name="note", type="text"),
        ),
        policies=(Policy(name="p"),),
        comment="all orders",
    )
    b = Schema(tables=(changed,), views=(View(name="v", query="SELECT 2"),))
    assert differences(a, b) == [
        "domain public.d: only in the first schema",
        "table public.orders: comment NULL vs all orders",
        "table public.orders: column customer_id: type integer vs bigint",
        "table public.orders: column note: only in the second schema",
        "table public.orders: column total: default 0 vs NULL",
        "table public.orders: policy p: only in the second schema",
        "view public.v: query SELECT 1 vs SELECT 2",
    ]


def test_canonical_is_idempotent() -> None:
    once = canonical(Schema(tables=(orders(primary_key=PrimaryKey(columns=("id",))),)))
    assert canonical(once) == once


def test_default_names_match_what_postgresql_chooses(pg_db: str) -> None:
    """An unnamed design equals the database PostgreSQL builds from the same DDL."""
    pgserver.apply_sql(
        pg_db,
        f"""
        CREATE TABLE parent (id serial PRIMARY KEY, code text UNIQUE);
        CREATE TABLE child (
            id integer PRIMARY KEY,
            parent_id integer REFERENCES parent,
            qty integer CHECK (qty > 0),
            lo integer, hi integer,
            CHECK (lo < hi),
            UNIQUE (lo, hi),
            EXCLUDE USING gist (int4range(lo, hi) WITH &&)
        );
        CREATE TABLE {LONG_TABLE} ({LONG_COLUMN} integer UNIQUE CHECK ({LONG_COLUMN} > 0));
        """,
    )
    design = Schema(
        tables=(
            Table(
                name="parent",
                columns=(Column(name="id", type="serial"), Column(name="code", type="text")),
                primary_key=PrimaryKey(columns=("id",)),
                uniques=(UniqueConstraint(columns=("code",)),),
            ),
            Table(
                name="child",
                columns=(
                    Column(name="id", type="integer"),
                    Column(name="parent_id", type="integer"),
                    Column(name="qty", type="integer"),
                    Column(name="lo", type="integer"),
                    Column(name="hi", type="integer"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                foreign_keys=(
                    ForeignKey(columns=("parent_id",), ref_table="parent", ref_columns=()),
                ),
                checks=(
                    CheckConstraint(expression="qty > 0"),
                    CheckConstraint(expression="lo < hi"),
                ),
                uniques=(UniqueConstraint(columns=("lo", "hi")),),
                excludes=(
                    ExcludeConstraint(
                        elements=(ExcludeElement(expression="int4range(lo, hi)", operator="&&"),)
                    ),
                ),
            ),
            Table(
                name=LONG_TABLE,
                columns=(Column(name=LONG_COLUMN, type="integer"),),
                uniques=(UniqueConstraint(columns=(LONG_COLUMN,)),),
                checks=(CheckConstraint(expression=f"{LONG_COLUMN} > 0"),),
            ),
        )
    )
    assert differences(design, introspect(pg_db)) == []


def test_identity_options_compare_by_meaning() -> None:
    def with_identity(options: str | None) -> Schema:
        column = Column(
            name="id", type="bigint", nullable=False, identity="ALWAYS", identity_options=options
        )
        return Schema(tables=(Table(name="t", schema="app", columns=(column,)),))

    assert differences(with_identity("start 1 increment by 1 NO CYCLE"), with_identity(None)) == []
    assert differences(with_identity("SEQUENCE NAME app.t_id_seq"), with_identity(None)) == []
    assert (
        differences(
            with_identity("increment 5  start with 100"),
            with_identity("START WITH 100 INCREMENT BY 5"),
        )
        == []
    )
    assert differences(with_identity("START WITH 7"), with_identity(None)) == [
        "table app.t: column id: identity options START WITH 7 vs NULL"
    ]


def test_what_the_catalog_adds_to_a_design_is_not_a_difference() -> None:
    written = Table(
        name="t",
        columns=(
            Column(name="id", type="integer", identity="ALWAYS"),
            Column(name="mood", type="mood", default="'ok'"),
            Column(name="tags", type="text[]", default="'{}'"),
            Column(name="code", type="text", collation='"C"'),
        ),
    )
    stored = Table(
        name="t",
        columns=(
            Column(name="id", type="integer", nullable=False, identity="ALWAYS"),
            Column(name="mood", type="mood", default="'ok'::mood"),
            Column(name="tags", type="text[]", default="'{}'::text[]"),
            Column(name="code", type="text", collation="C"),
        ),
    )
    assert differences(Schema(tables=(written,)), Schema(tables=(stored,))) == []
    # A cast to another type changes the value: it stays.
    other = replace(stored, columns=(Column(name="id", type="integer", default="'1'::text"),))
    assert canonical(Schema(tables=(other,))).tables[0].columns[0].default == "'1'::text"


def test_raw_statements_can_be_left_out_of_the_comparison() -> None:
    with_function = Schema(raw=(RawStatement(sql="CREATE FUNCTION f() ..."),))
    assert differences(with_function, Schema()) == ["raw statements differ: 1 vs 0"]
    assert differences(with_function, Schema(), compare_raw=False) == []
