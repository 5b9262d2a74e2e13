"""Introspection of a real PostgreSQL: hand-written DDL in, the exact Schema out."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from psycopg import conninfo

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    ExcludeElement,
    Extension,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    Policy,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from designer.sql import server as pgserver
from designer.sql.readers.live import (
    ERR_TIMEOUT,
    IntrospectionError,
    introspect,
    mask_dsn,
    read_only_connection,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "introspect"


@pytest.fixture(scope="module")
def rich(pg_server_dsn: str) -> Iterator[Schema]:
    """The Schema of rich.sql, introspected once for the module's tests."""
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as dsn:
        pgserver.apply_sql(dsn, (FIXTURES / "rich.sql").read_text())
        yield introspect(dsn)


def table(schema: Schema, name: str) -> Table:
    found = schema.table(name)
    assert found is not None, name
    return found


def test_schemas_and_extensions(rich: Schema) -> None:
    assert rich.schemas == ("app", "audit")
    assert rich.schema_comments == (("app", "application tables"),)
    # plpgsql is in every database; hstore's control-file comment is not the user's.
    assert rich.extensions == (
        Extension(name="btree_gist", schema="public", comment="for exclusion constraints"),
        Extension(name="hstore", schema="public"),
    )


def test_enums_keep_sort_order_and_comments(rich: Schema) -> None:
    assert rich.enums == (
        EnumType(name="status", schema="app", values=("new", "done")),
        EnumType(name="mood", values=("sad", "meh", "ok", "happy"), comment="how it went"),
    )


def test_domains(rich: Schema) -> None:
    assert rich.domains == (
        Domain(
            name="code",
            schema="app",
            type="character varying(10)",
            collation="C",
            checks=(
                CheckConstraint(
                    name="code_upper",
                    expression="value::text = upper(value::text)",
                ),
            ),
        ),
        Domain(
            name="positive_int",
            type="integer",
            not_null=True,
            default="1",
            checks=(CheckConstraint(name="positive_int_check", expression="value > 0"),),
            comment="strictly positive",
        ),
    )


def test_sequences_skip_identity_and_keep_owned_by(rich: Schema) -> None:
    assert rich.sequences == (
        Sequence(name="orders_id_seq", schema="app", data_type="integer", owned_by="app.orders.id"),
        Sequence(name="countdown", increment=-1),
        Sequence(
            name="invoice_no",
            data_type="integer",
            start=1000,
            increment=10,
            cache=5,
            cycle=True,
            comment="invoice numbers",
        ),
    )


def test_table_columns_every_kind(rich: Schema) -> None:
    customers = table(rich, "customers")
    assert customers.columns == (
        Column(
            name="id",
            type="bigint",
            nullable=False,
            identity="ALWAYS",
            identity_options="START WITH 100 INCREMENT BY 5",
        ),
        Column(name="email", type="text", nullable=False, collation="C", comment="login"),
        Column(name="name", type="character varying(200)", nullable=False),
        Column(name="mood", type="mood", default="'ok'::mood"),
        Column(name="status", type="app.status"),
        Column(name="tags", type="text[]", default="'{}'::text[]"),
        Column(name="attrs", type="hstore"),
        Column(name="score", type="numeric(10,2)", default="0"),
        Column(name="name_lower", type="text", generated="lower(name::text)"),
        Column(name="created_at", type="timestamp with time zone", nullable=False, default="now()"),
    )
    orders = rich.table("orders", "app")
    assert orders is not None
    assert orders.columns == (
        Column(
            name="id",
            type="integer",
            nullable=False,
            default="nextval('app.orders_id_seq'::regclass)",
        ),
        Column(name="customer_id", type="bigint", nullable=False),
        Column(
            name="ref_no",
            type="integer",
            nullable=False,
            identity="BY DEFAULT",
            identity_options="SEQUENCE NAME app.order_ref_seq MINVALUE 5 MAXVALUE 1000 CACHE 10",
        ),
        Column(name="total", type="numeric(12,2)", nullable=False, default="0"),
        Column(name="note", type="text"),
    )


def test_table_flags_and_constraints(rich: Schema) -> None:
    customers = table(rich, "customers")
    assert customers.comment == "people who buy"
    assert customers.with_options == ("fillfactor=80",)
    assert customers.primary_key == PrimaryKey(columns=("id",), name="customers_pkey")
    assert customers.uniques == (
        UniqueConstraint(
            columns=("email",),
            name="customers_email_key",
            nulls_not_distinct=True,
            include=("name",),
        ),
    )
    assert customers.checks == (
        CheckConstraint(
            name="score_range",
            expression="score >= 0::numeric AND score <= 100::numeric",
            no_inherit=True,
        ),
    )
    assert customers.indexes == ()  # the unique and primary key indexes are the constraints
    assert table(rich, "scratch").unlogged is True
    assert table(rich, "order_owners").uniques == (
        UniqueConstraint(
            columns=("order_id", "owner_id"), name="order_owners_order_id_owner_id_key"
        ),
    )


def test_foreign_keys(rich: Schema) -> None:
    orders = rich.table("orders", "app")
    assert orders is not None
    assert orders.foreign_keys == (
        ForeignKey(
            columns=("customer_id",),
            ref_table="customers",
            ref_columns=("id",),
            name="orders_customer_fk",
            on_delete="CASCADE",
            on_update="RESTRICT",
            deferrable=True,
            initially_deferred=True,
        ),
    )
    assert table(rich, "order_lines").foreign_keys == (
        ForeignKey(
            columns=("order_id",),
            ref_schema="app",
            ref_table="orders",
            ref_columns=("id",),
            name="order_lines_order_fk",
            match="FULL",
        ),
        ForeignKey(
            columns=("order_id", "owner_id"),
            ref_table="order_owners",
            ref_columns=("order_id", "owner_id"),
            name="order_lines_owner_fk",
            on_delete="SET NULL",
            on_delete_columns=("owner_id",),
            not_valid=True,
        ),
    )


def test_checks_sorted_by_name_with_not_valid(rich: Schema) -> None:
    orders = rich.table("orders", "app")
    assert orders is not None
    assert orders.checks == (
        CheckConstraint(name="orders_note_check", expression="length(note) < 500", not_valid=True),
        CheckConstraint(name="orders_total_check", expression="total >= 0::numeric"),
    )


def test_exclusion_constraint(rich: Schema) -> None:
    assert table(rich, "bookings").excludes == (
        ExcludeConstraint(
            name="bookings_no_overlap",
            method="gist",
            elements=(
                ExcludeElement(expression="room", operator="="),
                ExcludeElement(expression="during", operator="&&"),
            ),
            where="room > 0",
            deferrable=True,
        ),
    )


def test_indexes(rich: Schema) -> None:
    orders = rich.table("orders", "app")
    assert orders is not None
    assert orders.indexes == (
        Index(
            name="orders_customer_idx",
            parts=(
                IndexPart(column="customer_id", descending=True, nulls_first=False),
                IndexPart(expression="lower(note)", opclass="text_pattern_ops"),
            ),
            include=("total",),
            where="total > 0::numeric",
            with_options=("fillfactor=70",),
            comment="orders by customer",
        ),
        Index(name="orders_note_hash", parts=(IndexPart(column="note"),), method="hash"),
        Index(
            name="orders_note_uidx",
            parts=(IndexPart(column="note"),),
            unique=True,
            nulls_not_distinct=True,
        ),
    )


def test_partitioning_and_inheritance(rich: Schema) -> None:
    events = table(rich, "events")
    assert events.partitioning == Partitioning(strategy="RANGE", key="created")
    assert events.primary_key == PrimaryKey(columns=("id", "created"), name="events_pkey")
    assert events.indexes == (
        Index(name="events_payload_idx", parts=(IndexPart(column="payload"),)),
    )
    # The partition's copies of the parent's key and index are implied by the parent;
    # its own index is not.
    assert table(rich, "events_2024") == Table(
        name="events_2024",
        partition_of=PartitionOf(
            parent_schema="public",
            parent_table="events",
            bound="FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        ),
        indexes=(
            Index(
                name="events_2024_local_idx",
                parts=(IndexPart(column="created"), IndexPart(column="id")),
            ),
        ),
    )
    assert table(rich, "events_default").partition_of == PartitionOf(
        parent_schema="public", parent_table="events", bound="DEFAULT"
    )
    assert table(rich, "special_item") == Table(
        name="special_item",
        columns=(Column(name="extra", type="text"),),
        inherits=("public.base_item",),
    )


def test_row_level_security_and_policies(rich: Schema) -> None:
    secrets = table(rich, "secrets")
    assert (secrets.rls_enabled, secrets.rls_forced) == (True, True)
    assert secrets.policies == (
        Policy(
            name="owner_reads",
            command="SELECT",
            using="owner = CURRENT_USER",
            comment="own rows only",
        ),
        Policy(
            name="owner_writes",
            command="INSERT",
            permissive=False,
            roles=("pg_monitor", "pg_read_all_data"),
            with_check="owner = CURRENT_USER",
        ),
    )


def test_views_in_dependency_order(rich: Schema) -> None:
    assert rich.views == (
        View(
            name="order_totals",
            schema="audit",
            materialized=True,
            query="SELECT customer_id, sum(total) AS total FROM app.orders GROUP BY customer_id",
            with_data=False,
            indexes=(
                Index(
                    name="order_totals_customer",
                    parts=(IndexPart(column="customer_id"),),
                    unique=True,
                ),
            ),
        ),
        View(
            name="big_customers",
            query="SELECT id, name FROM customers WHERE score > 50::numeric",
            with_options=("security_barrier=true",),
            check_option="LOCAL",
            comment="the best",
            column_comments=(("name", "display name"),),
        ),
        # a_top sorts first by name but reads big_customers, so it comes after it.
        View(name="a_top", query="SELECT id AS customer FROM big_customers"),
    )


def test_unmodelled_objects_are_not_read(rich: Schema) -> None:
    names = {t.name for t in rich.tables}
    # btree_gist and hstore create no tables; the trigger and function are not modelled.
    assert names == {
        "base_item",
        "bookings",
        "customers",
        "events",
        "events_2024",
        "events_default",
        "order_lines",
        "order_owners",
        "orders",
        "scratch",
        "secrets",
        "special_item",
    }
    assert rich.raw == ()


def test_schemas_argument_limits_what_is_read(pg_db: str) -> None:
    pgserver.apply_sql(pg_db, (FIXTURES / "rich.sql").read_text())
    only_app = introspect(pg_db, schemas=["app"])
    assert [t.qualified_name for t in only_app.tables] == ["app.orders"]
    assert only_app.schemas == ("app",)
    assert [e.name for e in only_app.enums] == ["status"]
    assert [s.qualified_name for s in only_app.sequences] == ["app.orders_id_seq"]
    assert only_app.views == ()


def test_empty_database_gives_an_empty_schema(pg_db: str) -> None:
    assert introspect(pg_db) == Schema()


def test_introspection_runs_read_only_with_a_statement_timeout(pg_db: str) -> None:
    with read_only_connection(pg_db, statement_timeout_ms=1234) as conn:
        assert conn.execute("SHOW transaction_read_only").fetchone() == ("on",)
        assert conn.execute("SHOW statement_timeout").fetchone() == ("1234ms",)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE sneaky (id integer)")
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT to_regclass('sneaky')").fetchone() == (None,)
        # SET LOCAL: the timeout does not outlive the transaction (the sandbox role's stays).
        assert conn.execute("SHOW statement_timeout").fetchone() == ("30s",)


def test_statement_timeout_stops_a_blocked_introspection(pg_db: str) -> None:
    pgserver.apply_sql(pg_db, "CREATE TABLE t (id integer); CREATE VIEW v AS SELECT id FROM t;")
    locked = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        with psycopg.connect(pg_db) as conn:
            conn.execute("LOCK TABLE v IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(30)
        with pytest.raises(IntrospectionError) as caught:
            introspect(pg_db, statement_timeout_ms=300)
    finally:
        release.set()
        holder.join()
    assert str(caught.value) == ERR_TIMEOUT.format(dsn=mask_dsn(pg_db), timeout_ms=300)


def test_connection_errors_never_show_the_password(pg_server_dsn: str) -> None:
    unreachable = "postgresql://erd:s3cret-Pw@127.0.0.1:1/shop"
    with pytest.raises(IntrospectionError) as caught:
        introspect(unreachable)
    message = str(caught.value)
    assert "s3cret-Pw" not in message
    assert message.startswith("Could not connect to postgresql://erd:********@127.0.0.1:1/shop: ")

    params = conninfo.conninfo_to_dict(pg_server_dsn)
    params.update(dbname="no_such_database", password="s3cret-Pw")
    wrong = conninfo.make_conninfo(**params)
    with pytest.raises(IntrospectionError) as caught:
        introspect(wrong)
    message = str(caught.value)
    assert "s3cret-Pw" not in message
    assert "password=********" in message
    assert "no_such_database" in message


@pytest.mark.parametrize(
    ("dsn", "masked"),
    [
        ("postgresql://u:pw@db.example:5432/app", "postgresql://u:********@db.example:5432/app"),
        ("postgres://u@h/app?password=pw&sslmode=require", None),
        ("host=h user=u password=pw dbname=app", "host=h user=u password=******** dbname=app"),
        ("host=h password='p w\\'x' dbname=app", "host=h password=******** dbname=app"),
        ("postgresql://u@h/app", "postgresql://u@h/app"),
        ("host=h dbname=app", "host=h dbname=app"),
    ],
)
def test_mask_dsn(dsn: str, masked: str | None) -> None:
    result = mask_dsn(dsn)
    if masked is not None:
        assert result == masked
    assert "pw" not in result.replace("password", "")


def test_postgresql_18_virtual_columns_and_temporal_keys(pg_db: str) -> None:
    with psycopg.connect(pg_db) as conn:
        if conn.info.server_version < 180000:
            pytest.skip("virtual generated columns and temporal keys need PostgreSQL 18")
    pgserver.apply_sql(
        pg_db,
        """
        CREATE EXTENSION btree_gist;
        CREATE TABLE rooms (
            id integer, valid daterange, price integer,
            price_with_tax integer GENERATED ALWAYS AS (price * 2) VIRTUAL,
            CONSTRAINT rooms_pkey PRIMARY KEY (id, valid WITHOUT OVERLAPS)
        );
        CREATE TABLE stays (
            room_id integer, during daterange,
            CONSTRAINT stays_room_fk FOREIGN KEY (room_id, PERIOD during)
                REFERENCES rooms (id, PERIOD valid)
        );
        """,
    )
    schema = introspect(pg_db)
    rooms, stays = table(schema, "rooms"), table(schema, "stays")
    assert rooms.column("price_with_tax") == Column(
        name="price_with_tax", type="integer", generated="price * 2", generated_kind="VIRTUAL"
    )
    assert rooms.primary_key == PrimaryKey(
        columns=("id", "valid"), name="rooms_pkey", without_overlaps=True
    )
    assert stays.foreign_keys == (
        ForeignKey(
            columns=("room_id", "during"),
            ref_table="rooms",
            ref_columns=("id", "valid"),
            name="stays_room_fk",
            period=True,
        ),
    )


def test_a_database_restored_from_pg_dump_introspects_identically(pg_server_dsn: str) -> None:
    """pg_dump writes partitions as CREATE TABLE + ATTACH and names everything: same Schema."""
    with (
        pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as original,
        pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as restored,
    ):
        pgserver.apply_sql(original, (FIXTURES / "rich.sql").read_text())
        pgserver.apply_sql(restored, pgserver.dump_schema(original))
        assert introspect(restored) == introspect(original)


CORPUS = {
    "pagila.sql": [],
    "chinook.sql": [],
    "northwind.sql": [],
    "adventureworks.sql": [],
    "openstreetmap_website.sql": [],
    "graphile_starter.sql": [],  # its roles: the corpus_setup fixture
}


def _populated(schema: Schema) -> Schema:
    # pg_dump --schema-only creates materialized views WITH NO DATA (data is a later section).
    return replace(schema, views=tuple(replace(v, with_data=True) for v in schema.views))


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_real_schemas_survive_pg_dump_and_restore(
    name: str, corpus_dir: Path, pg_server_dsn: str, corpus_setup: Callable[[str], str]
) -> None:
    text = corpus_setup("\n".join((corpus_dir / f).read_text() for f in [*CORPUS[name], name]))
    with (
        pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as original,
        pgserver.scratch_database(pg_server_dsn, prefix="erd_test") as restored,
    ):
        pgserver.apply_sql(original, text)
        pgserver.apply_sql(restored, pgserver.dump_schema(original))
        before = introspect(original)
        assert before.tables
        assert _populated(introspect(restored)) == _populated(before)


def test_a_table_attached_as_partition_is_read_with_its_columns(pg_db: str) -> None:
    pgserver.apply_sql(
        pg_db,
        "CREATE TABLE e (id bigint NOT NULL, at date NOT NULL, note text)"
        " PARTITION BY RANGE (at);\n"
        "CREATE TABLE e1 PARTITION OF e FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "CREATE TABLE e2 (at date NOT NULL, note text, id bigint NOT NULL);\n"
        "ALTER TABLE e ATTACH PARTITION e2 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n"
        "CREATE INDEX e_note ON e1 (lower(NORMALIZE(note, NFKC)));\n",
    )
    schema = introspect(pg_db)
    # e2 keeps its own column order and NOT NULL names; e1 has its parent's
    assert table(schema, "e1").columns == ()
    assert table(schema, "e2").column_names == ("at", "note", "id")
    # written the way the catalog keeps it (SQL syntax), as pg_dump prints it
    assert table(schema, "e1").indexes[0].parts[0].expression == ("lower(normalize(note, NFKC))")


def test_the_planners_row_count_becomes_the_tables_expected_rows(pg_db: str) -> None:
    pgserver.apply_sql(
        pg_db,
        "CREATE TABLE counted (id integer PRIMARY KEY);"
        "INSERT INTO counted SELECT generate_series(1, 500); ANALYZE counted;"
        "CREATE TABLE never_analysed (id integer);",
    )
    schema = introspect(pg_db)
    assert schema.table("counted").expected_rows == 500
    assert schema.table("never_analysed").expected_rows is None
