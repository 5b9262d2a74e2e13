"""The PostgreSQL DDL text: order, quoting, escaping, determinism, warnings."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from fixtures.designs import TRICKY_COMMENT, kitchen_sink

from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    PrimaryKey,
    RawStatement,
    Schema,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.sqltext import quote_literal
from designer.sql.ddl import WARN_DEFAULT_IGNORED, ExportResult
from designer.sql.dialects.base import WARN_NUL_IN_TEXT, Dialect
from designer.sql.export_postgres import export_postgres
from designer.sql.script import split_qualified


@pytest.fixture(scope="module")
def ddl() -> str:
    return export_postgres(kitchen_sink()).text


def statements(text: str) -> list[str]:
    return [s for s in text.rstrip("\n").split("\n\n") if not s.startswith("--")]


def position(ddl: str, fragment: str) -> int:
    assert fragment in ddl, fragment
    return ddl.index(fragment)


def test_kitchen_sink_exports_without_warnings() -> None:
    result = export_postgres(kitchen_sink())
    assert isinstance(result, ExportResult)
    assert result.warnings == ()


def test_output_is_byte_for_byte_deterministic() -> None:
    design = kitchen_sink()
    shuffled = list(design.tables)
    random.Random(7).shuffle(shuffled)
    first = export_postgres(design).text
    assert export_postgres(design).text == first
    assert export_postgres(replace(design, tables=tuple(shuffled))).text == first


def test_every_statement_ends_with_a_semicolon_and_stands_alone(ddl: str) -> None:
    for stmt in statements(ddl):
        assert stmt.endswith(";"), stmt
    assert ddl.endswith(";\n")
    assert "\n\n\n" not in ddl


def test_header_can_be_left_out() -> None:
    text = export_postgres(kitchen_sink(), header=False).text
    assert text.startswith("SET client_encoding = 'UTF8';\n\n")
    assert "--" not in text.split("\n")[0]


def test_statements_come_in_dependency_order(ddl: str) -> None:
    milestones = [
        "SET check_function_bodies = false;",
        'CREATE SCHEMA "Sales Dept";',
        "CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;",
        "CREATE TYPE app.order_status AS ENUM",
        "CREATE DOMAIN app.email AS ext.citext",
        "CREATE SEQUENCE app.invoice_no_seq AS integer",
        "CREATE FUNCTION app.user_count()",
        "CREATE FUNCTION app.touch()",
        'CREATE TABLE "Sales Dept".events (',
        'CREATE TABLE public."user" (',
        'ALTER TABLE public."user" ADD CONSTRAINT tenant_cap CHECK',
        # indexes before foreign keys: a key may reference a unique index
        "CREATE INDEX events_payload_gin",
        "ADD CONSTRAINT booking_room_fk FOREIGN KEY",
        "ALTER SEQUENCE app.invoice_no_seq OWNED BY app.invoice.number;",
        'CREATE VIEW public."active users"',
        "CREATE MATERIALIZED VIEW app.order_totals",
        "CREATE UNIQUE INDEX order_totals_user ON app.order_totals",
        'ALTER TABLE public."user" ENABLE ROW LEVEL SECURITY;',
        'ALTER TABLE public."user" FORCE ROW LEVEL SECURITY;',
        "CREATE POLICY no_sunday_deletes",
        'COMMENT ON SCHEMA "Sales Dept"',
        'COMMENT ON POLICY "tenant isolation"',
        "CREATE TRIGGER user_touch",
    ]
    positions = [position(ddl, m) for m in milestones]
    assert positions == sorted(positions)


def test_tables_sort_by_schema_and_name_with_parents_first() -> None:
    parent = Table(
        name="z_parent",
        columns=(Column("at", "date", nullable=False),),
        partitioning=Partitioning(strategy="RANGE", key="at"),
    )
    part = Table(name="a_part", partition_of=PartitionOf("public", "z_parent", "DEFAULT"))
    base = Table(name="y_base", columns=(Column("x", "integer"),))
    child = Table(name="b_child", inherits=("public.y_base",))
    other = Table(name="c_plain", columns=(Column("x", "integer"),))
    text = export_postgres(Schema(tables=(parent, part, child, base, other))).text
    order = [
        position(text, f"CREATE TABLE public.{n} ")
        for n in ("c_plain", "y_base", "b_child", "z_parent", "a_part")
    ]
    assert order == sorted(order)
    assert "CREATE TABLE public.a_part PARTITION OF public.z_parent DEFAULT;" in text
    assert "CREATE TABLE public.b_child () INHERITS (public.y_base);" in text


def test_foreign_keys_follow_all_tables_so_cycles_apply(ddl: str) -> None:
    last_table = max(i for i, s in enumerate(statements(ddl)) if s.startswith("CREATE TABLE"))
    fks = [i for i, s in enumerate(statements(ddl)) if "FOREIGN KEY" in s]
    assert fks and min(fks) > last_table
    assert "REFERENCES" not in "".join(s for s in statements(ddl) if s.startswith("CREATE TABLE"))


def test_not_valid_check_is_added_after_create_table(ddl: str) -> None:
    create_user = next(s for s in statements(ddl) if s.startswith('CREATE TABLE public."user"'))
    assert "tenant_cap" not in create_user
    assert "NOT VALID" not in "".join(s for s in statements(ddl) if s.startswith("CREATE"))
    assert (
        'ALTER TABLE public."user" ADD CONSTRAINT tenant_cap CHECK (tenant_id < 1000000) NOT VALID;'
        in ddl
    )
    assert (
        "ALTER DOMAIN app.positive_amount ADD CONSTRAINT amount_cap CHECK (value < 1000000) "
        "NOT VALID;" in ddl
    )


def test_foreign_key_clauses(ddl: str) -> None:
    assert (
        "ADD CONSTRAINT order_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES "
        'public."user" (tenant_id, id) MATCH FULL ON UPDATE CASCADE ON DELETE CASCADE '
        "DEFERRABLE INITIALLY DEFERRED;" in ddl
    )
    assert "ON DELETE SET NULL (coupon_id) NOT VALID;" in ddl
    assert "FOREIGN KEY (room_id, PERIOD during) REFERENCES app.room (id, PERIOD valid);" in ddl
    # Defaults are left implicit.
    assert "NO ACTION" not in ddl
    assert "MATCH SIMPLE" not in ddl


def test_unnamed_constraints_let_postgres_name_them(ddl: str) -> None:
    assert "    PRIMARY KEY (id),\n" in ddl
    assert "    CHECK (tenant_id > 0)\n" in ddl
    assert 'ADD FOREIGN KEY (order_id) REFERENCES public."order" (id);' in ddl


def test_identifiers_are_quoted_exactly_when_needed(ddl: str) -> None:
    for fragment in (
        'CREATE TABLE public."user" (',
        'CREATE TABLE public."order" (',
        'CREATE TABLE public."OrderLine" (',
        'CREATE TABLE app."audit_café" (',
        '"say ""hi""" text,',
        '"Display Name" character varying(80) COLLATE "C.utf8",',
        '"Display Name" COLLATE ucs_basic text_pattern_ops NULLS LAST',
        "ext.gin_trgm_ops",
        'CONSTRAINT "user email unique" UNIQUE NULLS NOT DISTINCT (tenant_id, email)',
        'CREATE INDEX "order line brin" ON public."OrderLine" USING brin',
        'CREATE POLICY "tenant isolation" ON public."user"',
        'CREATE VIEW public."active users" ("user id", email)',
        'CREATE DOMAIN "Sales Dept".code AS text COLLATE "C" NOT NULL;',
    ):
        assert fragment in ddl, fragment
    assert "CREATE TABLE app.coupon (" in ddl  # plain names stay bare


def test_hostile_name_is_one_quoted_identifier() -> None:
    hostile = 'x"; DROP TABLE y; --'
    table = Table(name=hostile, columns=(Column(hostile, "integer"),), comment=hostile)
    text = export_postgres(Schema(tables=(table,)), header=False).text
    assert 'CREATE TABLE public."x""; DROP TABLE y; --" (' in text
    assert '    "x""; DROP TABLE y; --" integer\n' in text
    assert "IS 'x\"; DROP TABLE y; --';" in text


def test_index_clauses_in_grammar_order(ddl: str) -> None:
    assert (
        'CREATE INDEX user_created_desc ON public."user" (created_at DESC NULLS FIRST, '
        '"Display Name" COLLATE ucs_basic text_pattern_ops NULLS LAST) INCLUDE (email) '
        "WITH (fillfactor=70) TABLESPACE pg_default WHERE (tenant_id > 0);" in ddl
    )
    assert (
        'CREATE UNIQUE INDEX user_lower_email ON public."user" ((lower(email::text))) '
        "NULLS NOT DISTINCT;" in ddl
    )


def test_using_is_written_only_for_methods_other_than_btree(ddl: str) -> None:
    indexes = [s for s in statements(ddl) if " INDEX " in s]
    assert not any("USING btree" in s for s in indexes)
    for method in ("hash", "gin", "gist", "spgist", "brin"):
        assert any(f"USING {method} (" in s for s in indexes), method


def test_columns_carry_identity_generation_and_defaults(ddl: str) -> None:
    for fragment in (
        "id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10) NOT NULL,",
        "id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,",
        "total numeric GENERATED ALWAYS AS (qty * unit_price) STORED,",
        '"total with tax" numeric GENERATED ALWAYS AS (qty * unit_price * 1.2) VIRTUAL,',
        "tags text[] DEFAULT '{}'::text[] NOT NULL,",
        "payload WITH OPTIONS DEFAULT '{}'::jsonb,",
    ):
        assert fragment in ddl, fragment


def test_views_carry_options_and_data_clause(ddl: str) -> None:
    assert "WITH (security_barrier=true) AS\n" in ddl
    assert "\nWITH LOCAL CHECK OPTION;" in ddl
    assert "CREATE MATERIALIZED VIEW app.order_totals WITH (fillfactor=80) AS\n" in ddl
    assert "\nWITH NO DATA;" in ddl


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("a\\b", "E'a\\\\b'"),
        ("it's a\\b", "E'it''s a\\\\b'"),
        ("line\nbreak", "'line\nbreak'"),
        ("ünï $$", "'ünï $$'"),
    ],
)
def test_quote_literal_escapes_only_what_it_must(text: str, literal: str) -> None:
    assert quote_literal(text) == literal


def test_comments_are_escaped(ddl: str) -> None:
    expected = quote_literal(TRICKY_COMMENT)
    assert expected.startswith("E'")
    assert f'COMMENT ON COLUMN public."user"."say ""hi""" IS {expected};' in ddl
    assert (
        "COMMENT ON INDEX public.user_created_desc IS 'Newest users first; it''s partial';" in ddl
    )


def test_nul_in_a_comment_is_removed_with_a_warning() -> None:
    table = Table(name="t", columns=(Column("a", "integer"),), comment="a\x00b")
    result = export_postgres(Schema(tables=(table,)))
    assert "COMMENT ON TABLE public.t IS 'ab';" in result.text
    assert result.warnings == (WARN_NUL_IN_TEXT.format(target="table public.t"),)


def test_default_beside_identity_is_dropped_with_a_warning() -> None:
    col = Column("id", "integer", nullable=False, identity="ALWAYS", default="1")
    result = export_postgres(Schema(tables=(Table(name="t", columns=(col,)),)))
    assert "DEFAULT" not in result.text
    assert result.warnings == (
        WARN_DEFAULT_IGNORED.format(target="public.t.id", kind="an identity column"),
    )


def test_raw_statements_keep_their_order_within_a_phase() -> None:
    raw = (
        RawStatement("SELECT 2", phase="post"),
        RawStatement("SELECT 1;", phase="pre"),
        RawStatement("SELECT 3;;", phase="post"),
    )
    text = export_postgres(Schema(raw=raw), header=False).text
    assert text.endswith("SELECT 1;\n\nSELECT 2;\n\nSELECT 3;\n")


def test_raw_statement_ending_in_a_line_comment_still_ends() -> None:
    raw = (RawStatement("SELECT 1 -- one", phase="pre"), RawStatement("SELECT 2"))
    text = export_postgres(Schema(raw=raw), header=False).text
    assert text.endswith("SELECT 1 -- one\n;\n\nSELECT 2;\n")


def test_schemas_used_but_not_listed_are_created_and_public_never() -> None:
    table = Table(name="t", schema="extra", columns=(Column("a", "integer"),))
    text = export_postgres(Schema(tables=(table,), schemas=("public", "listed"))).text
    assert "CREATE SCHEMA extra;" in text
    assert "CREATE SCHEMA listed;" in text
    assert "CREATE SCHEMA public" not in text


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("C.utf8", (None, "C.utf8")),
        ("ext.gin_trgm_ops", ("ext", "gin_trgm_ops")),
        ("pg_catalog.C", ("pg_catalog", "C")),
        ("Sales Dept.x.y", ("Sales Dept", "x.y")),
        ("text_ops", (None, "text_ops")),
    ],
)
def test_split_qualified_splits_only_at_known_schemas(
    ref: str, expected: tuple[str | None, str]
) -> None:
    known = {"ext", "pg_catalog", "public", "Sales Dept", "Sales"}
    assert split_qualified(ref, known) == expected


def test_base_dialect_warns_instead_of_dropping_silently() -> None:
    from designer.sql.ddl import export_ddl

    result = export_ddl(kitchen_sink(), Dialect())
    joined = "\n".join(result.warnings)
    for feature in (
        "EXCLUDE constraints",
        "row-level security",
        "declarative partitioning",
        "partial indexes",
        "enum types",
        "gin indexes",
    ):
        assert feature in joined, feature
    assert "EXCLUDE" not in result.text
    assert "CREATE POLICY" not in result.text
    assert 'CREATE TABLE "public"."user" (' in result.text


def test_constraint_attributes() -> None:
    table = Table(
        name="t",
        columns=(Column("a", "integer"), Column("b", "integer")),
        primary_key=PrimaryKey(("a",), name="t pk", include=("b",), initially_deferred=True),
        uniques=(UniqueConstraint(("b",), deferrable=True),),
        checks=(CheckConstraint("a > 0", no_inherit=True),),
        foreign_keys=(
            ForeignKey(("b",), "t", ("a",), on_update="SET DEFAULT", on_delete="RESTRICT"),
        ),
        indexes=(Index("t_b", (IndexPart(column="b", descending=True),), method="btree"),),
    )
    text = export_postgres(Schema(tables=(table,)), header=False).text
    assert 'CONSTRAINT "t pk" PRIMARY KEY (a) INCLUDE (b) DEFERRABLE INITIALLY DEFERRED,' in text
    assert "UNIQUE (b) DEFERRABLE,\n" in text
    assert "CHECK (a > 0) NO INHERIT\n" in text
    assert "REFERENCES public.t (a) ON UPDATE SET DEFAULT ON DELETE RESTRICT;" in text
    assert "CREATE INDEX t_b ON public.t (b DESC);" in text


def test_a_partition_with_its_own_columns_is_attached_like_pg_dump_does() -> None:
    parent = Table(
        name="m",
        columns=(Column("id", "integer", nullable=False), Column("at", "date")),
        checks=(CheckConstraint("id > 0"),),
        partitioning=Partitioning(strategy="RANGE", key="at"),
    )
    own = Table(
        name="m1",
        columns=(Column("at", "date"), Column("id", "integer", nullable=False)),
        partition_of=PartitionOf("public", "m", "FOR VALUES FROM ('2024-01-01') TO (MAXVALUE)"),
    )
    made = Table(name="m2", partition_of=PartitionOf("public", "m", "DEFAULT"))
    text = export_postgres(Schema(tables=(parent, own, made))).text
    # its own column order, and the parent's CHECK by name, which ATTACH requires
    assert (
        "CREATE TABLE public.m1 (\n    at date,\n    id integer NOT NULL,\n"
        "    CONSTRAINT m_id_check CHECK (id > 0)\n);\n\n"
        "ALTER TABLE ONLY public.m ATTACH PARTITION public.m1 "
        "FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);"
    ) in text
    assert "CREATE TABLE public.m2 PARTITION OF public.m DEFAULT;" in text


def test_partitions_indexes_come_before_their_parents() -> None:
    # an index on the parent then adopts the partition's equal index instead of a new one
    parent = Table(
        name="a_parent",
        columns=(Column("v", "integer"),),
        partitioning=Partitioning(strategy="LIST", key="v"),
        indexes=(Index("a_parent_v", (IndexPart("v"),)),),
    )
    part = Table(
        name="b_part",
        partition_of=PartitionOf("public", "a_parent", "DEFAULT"),
        indexes=(Index("b_part_v", (IndexPart("v"),)),),
    )
    text = export_postgres(Schema(tables=(parent, part))).text
    assert position(text, "CREATE INDEX b_part_v") < position(text, "CREATE INDEX a_parent_v")


def test_a_domain_over_another_domain_follows_it() -> None:
    base = Domain(name="zz_base", type="integer")
    derived = Domain(name="aa_derived", type="zz_base")
    text = export_postgres(Schema(domains=(derived, base))).text
    assert position(text, "CREATE DOMAIN public.zz_base") < position(
        text, "CREATE DOMAIN public.aa_derived"
    )


def test_functions_that_need_tables_come_before_views() -> None:
    design = Schema(
        tables=(Table(name="t", columns=(Column("a", "integer"),)),),
        views=(View(name="v", query="SELECT a FROM f()"),),
        raw=(
            RawStatement(
                "CREATE FUNCTION f() RETURNS SETOF t LANGUAGE sql AS 'SELECT * FROM t'",
                phase="post",
                kind="CreateFunctionStmt",
            ),
            RawStatement("GRANT SELECT ON v TO PUBLIC", phase="post", kind="GrantStmt"),
        ),
    )
    text = export_postgres(design).text
    order = [position(text, s) for s in ("CREATE TABLE", "CREATE FUNCTION", "CREATE VIEW", "GRANT")]
    assert order == sorted(order)
