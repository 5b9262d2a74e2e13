"""PostgreSQL, the home dialect: the statements a migration asks it for (the one writer of
PostgreSQL DDL), with their flags, and proof that they run on a real server. Exports of
whole designs are tested in ``tests/designer/sql/test_export_postgres*.py``, reading in
``tests/designer/sql/readers/test_postgres.py``."""

from __future__ import annotations

import psycopg
import pytest

from designer.schema.model import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.sql.dialects.postgres import POSTGRES
from designer.sql.readers.detect import detect_format
from designer.sql.server import apply_sql

PARENT = Table(
    "orders",
    columns=(Column("id", "bigint", nullable=False), Column("placed", "date", nullable=False)),
    partitioning=Partitioning(strategy="RANGE", key="placed"),
)
CTX = POSTGRES.context(Schema(tables=(PARENT,), schemas=("app",)))


def test_index_built_without_blocking_writes_and_safe_to_run_again() -> None:
    index = Index("t_a_idx", (IndexPart(column="a"),), where="a > 0")
    assert (
        POSTGRES.create_index("app", "t", index, CTX, concurrently=True, if_not_exists=True)
        == "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON app.t (a) WHERE (a > 0);"
    )
    assert POSTGRES.create_index("app", "t", index, CTX) == (
        "CREATE INDEX t_a_idx ON app.t (a) WHERE (a > 0);"
    )
    assert POSTGRES.drop_index("app", "t_a_idx", concurrently=True) == (
        "DROP INDEX CONCURRENTLY IF EXISTS app.t_a_idx;"
    )


def test_constraints_added_not_valid_then_validated() -> None:
    fk = ForeignKey(("u",), "users", ("id",), name="t_u_fkey", on_delete="CASCADE")
    add = POSTGRES.add_constraint("public", "t", POSTGRES.foreign_key(fk), not_valid=True)
    assert add == (
        "ALTER TABLE public.t ADD CONSTRAINT t_u_fkey FOREIGN KEY (u) REFERENCES public.users (id)"
        " ON DELETE CASCADE NOT VALID;"
    )
    assert POSTGRES.validate_constraint("public", "t", "t_u_fkey") == (
        "ALTER TABLE public.t VALIDATE CONSTRAINT t_u_fkey;"
    )
    check = POSTGRES.not_null_check("t_a_nn_check", "user")
    assert POSTGRES.check(check) == 'CONSTRAINT t_a_nn_check CHECK ("user" IS NOT NULL)'


def test_keys_attach_to_an_index_built_before() -> None:
    assert POSTGRES.add_constraint_using_index(
        "public", "t", "t_pkey", "PRIMARY KEY", deferrable=False, deferred=False
    ) == ("ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;")
    assert POSTGRES.add_constraint_using_index(
        "public", "t", "t_a_key", "UNIQUE", deferrable=True, deferred=True
    ) == (
        "ALTER TABLE public.t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_key"
        " DEFERRABLE INITIALLY DEFERRED;"
    )


def test_type_change_from_text_casts_explicitly() -> None:
    to_int = POSTGRES.alter_column_type("public", "t", "n", "integer", CTX, old_type="text")
    assert to_int == "ALTER TABLE public.t ALTER COLUMN n TYPE integer USING n::integer;"
    widen = POSTGRES.alter_column_type("public", "t", "n", "bigint", CTX, old_type="integer")
    assert widen == "ALTER TABLE public.t ALTER COLUMN n TYPE bigint;"
    collated = POSTGRES.alter_column_type(
        "public", "t", "s", "text", CTX, old_type="text", collation="C"
    )
    assert collated == 'ALTER TABLE public.t ALTER COLUMN s TYPE text COLLATE "C";'


def test_enum_values_are_added_at_an_explicit_place() -> None:
    mood = EnumType("mood", ("sad", "ok"))
    assert POSTGRES.add_enum_value(mood, "meh", before="ok") == (
        "ALTER TYPE public.mood ADD VALUE 'meh' BEFORE 'ok';"
    )
    assert POSTGRES.add_enum_value(mood, "it's fine", after="ok") == (
        "ALTER TYPE public.mood ADD VALUE 'it''s fine' AFTER 'ok';"
    )


def test_session_timeouts_and_row_level_security() -> None:
    assert POSTGRES.session_timeouts(lock_timeout="5s", statement_timeout="0") == [
        "SET lock_timeout = '5s';",
        "SET statement_timeout = '0';",
    ]
    assert POSTGRES.set_row_level_security("public", "t", on=False, force=True) == [
        "ALTER TABLE public.t DISABLE ROW LEVEL SECURITY;",
        "ALTER TABLE public.t NO FORCE ROW LEVEL SECURITY;",
    ]


def test_a_complete_table_keeps_not_valid_checks_and_writes_a_partition_like_pg_dump() -> None:
    table = Table(
        "t",
        columns=(Column("a", "integer"),),
        checks=(CheckConstraint("a > 0", name="t_a_check", not_valid=True),),
        indexes=(Index("t_a_idx", (IndexPart(column="a"),)),),
        comment="it's a table",
    )
    assert POSTGRES.create_table_complete(table, CTX) == [
        "CREATE TABLE public.t (\n    a integer\n);",
        "ALTER TABLE public.t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;",
        "CREATE INDEX t_a_idx ON public.t (a);",
        "COMMENT ON TABLE public.t IS 'it''s a table';",
    ]
    part = Table(
        "orders_2024",
        columns=PARENT.columns,
        partition_of=PartitionOf(
            "public", "orders", "FOR VALUES FROM ('2024-01-01') TO (MAXVALUE)"
        ),
    )
    create, attach = POSTGRES.create_table_complete(part, CTX)[0].split("\n\n")
    assert create.startswith("CREATE TABLE public.orders_2024 (\n    id bigint NOT NULL,")
    assert attach == (
        "ALTER TABLE ONLY public.orders ATTACH PARTITION public.orders_2024"
        " FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);"
    )


def test_backfill_runs_in_committed_batches() -> None:
    sql = POSTGRES.backfill_in_batches("public", "t", "token", pages=500)
    assert sql.startswith("DO $backfill$")
    assert "pg_relation_size('public.t'::regclass)" in sql
    assert "UPDATE public.t SET token = DEFAULT" in sql
    assert "first_page + 500)::tid" in sql and "COMMIT;" in sql


def test_migration_statements_run_on_postgresql(pg_db: str) -> None:
    """Built, keyed and constrained the way a migration does it, on a table with rows."""
    d = POSTGRES
    users = Table(
        "users",
        columns=(Column("id", "bigint", nullable=False), Column("email", "text")),
    )
    ctx = d.context(Schema(tables=(users,)))
    apply_sql(pg_db, "\n".join(d.create_table_complete(users, ctx)))
    apply_sql(pg_db, "INSERT INTO users VALUES (1, 'a'), (2, 'b');")
    pk = Index("users_pkey", (IndexPart(column="id"),), unique=True)
    email = UniqueConstraint(("email",), name="users_email_key")
    statements = [
        d.create_index("public", "users", pk, ctx, concurrently=True, if_not_exists=True),
        d.add_constraint_using_index(
            "public", "users", "users_pkey", "PRIMARY KEY", deferrable=False, deferred=False
        ),
        d.add_constraint("public", "users", d.unique(email)),
        d.add_column("public", "users", Column("token", "uuid"), ctx),
        d.set_default("public", "users", "token", "gen_random_uuid()"),
        d.backfill_in_batches("public", "users", "token", pages=1),
        d.add_constraint(
            "public", "users", d.check(d.not_null_check("users_token_nn", "token")), not_valid=True
        ),
        d.validate_constraint("public", "users", "users_token_nn"),
        d.set_not_null("public", "users", "token"),
        d.drop_constraint("public", "users", "users_token_nn"),
        d.alter_column_type("public", "users", "email", "varchar(80)", ctx, old_type="text"),
        d.add_constraint(
            "public",
            "users",
            d.foreign_key(ForeignKey(("id",), "users", ("id",), name="users_self")),
            not_valid=True,
        ),
        d.validate_constraint("public", "users", "users_self"),
    ]
    # psql runs each on its own: CONCURRENTLY and the backfill's COMMIT need no transaction
    apply_sql(pg_db, "\n".join(statements))
    with psycopg.connect(pg_db) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE token IS NOT NULL),"
            " (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass"
            "  AND attname = 'token'),"
            " (SELECT array_agg(conname ORDER BY conname) FROM pg_constraint"
            "  WHERE conrelid = 'users'::regclass AND convalidated AND contype <> 'n')"
            " FROM users"
        ).fetchone()
    assert row == (2, True, ["users_email_key", "users_pkey", "users_self"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CREATE TABLE t (id bigserial PRIMARY KEY, at timestamptz);", "postgres"),
        ("CREATE TYPE mood AS ENUM ('a');", "postgres"),
        ("CREATE TABLE t (id int);", "postgres"),
    ],
)
def test_detection_clues(text: str, expected: str) -> None:
    assert detect_format(text) == expected
