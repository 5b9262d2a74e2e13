"""The exported DDL applied to a real PostgreSQL 18: everything in the design
arrives in the catalog, the script is deterministic, hostile names stay names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fixtures.designs import SALES, kitchen_sink

from designer.schema.model import Column, PrimaryKey, Schema, Table, UniqueConstraint
from designer.schema.sqltext import normalize_expr, qualify, quote_ident
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres

DESIGN = kitchen_sink()
SCHEMAS = ("public", "app", SALES)


@pytest.fixture(scope="module")
def kitchen_db(pg_server_dsn: str) -> Iterator[str]:
    """One database holding the applied kitchen sink, shared by the read-only tests here."""
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_test_export") as dsn:
        pgserver.apply_sql(dsn, export_postgres(DESIGN).text)
        yield dsn


def rows(dsn: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        # Partition bounds print timestamps in the session's zone; the design says UTC.
        conn.execute("SET TimeZone = 'UTC'")
        return conn.execute(query, params).fetchall()


def test_every_table_and_view_arrives(kitchen_db: str) -> None:
    found = rows(
        kitchen_db,
        """SELECT n.nspname, c.relname, c.relkind, c.relpersistence, c.reloptions
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm')""",
        list(SCHEMAS),
    )
    expected = {
        (t.schema, t.name, "p" if t.partitioning else "r", "u" if t.unlogged else "p")
        for t in DESIGN.tables
    } | {(v.schema, v.name, "m" if v.materialized else "v", "p") for v in DESIGN.views}
    assert {r[:4] for r in found} == expected
    options = {(r[0], r[1]): sorted(r[4] or ()) for r in found}
    assert options[("app", "cache_entry")] == ["autovacuum_enabled=false", "fillfactor=70"]
    assert options[(SALES, "events_2025")] == ["fillfactor=90"]
    assert options[("public", "active users")] == ["check_option=local", "security_barrier=true"]
    assert options[("app", "order_totals")] == ["fillfactor=80"]


def test_every_column_arrives_with_type_nullability_default_identity_and_collation(
    kitchen_db: str,
) -> None:
    found = rows(
        kitchen_db,
        """SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                  CASE WHEN a.attcollation <> t.typcollation THEN co.collname END
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_type t ON t.oid = a.atttypid
           LEFT JOIN pg_collation co ON co.oid = a.attcollation
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')
             AND a.attnum > 0 AND NOT a.attisdropped""",
        list(SCHEMAS),
    )
    by_key = {(r[0], r[1], r[2]): r[3:] for r in found}
    checked = 0
    for table in DESIGN.tables:
        if table.partition_of is not None:
            continue  # a partition has its parent's columns
        for col in table.columns:
            type_, not_null, default, identity, generated, collation = by_key[
                (table.schema, table.name, col.name)
            ]
            assert type_ == col.type, col
            assert not_null == (not col.nullable), col
            assert identity == {"ALWAYS": "a", "BY DEFAULT": "d"}.get(col.identity or "", "")
            assert collation == col.collation
            if col.generated is not None:
                assert generated == {"STORED": "s", "VIRTUAL": "v"}[col.generated_kind]
            else:
                assert generated == ""
                assert (normalize_expr(default) if default else None) == col.default, col
            checked += 1
    assert checked == sum(len(t.columns) for t in DESIGN.tables if t.partition_of is None)
    # The partition's own default went onto its column.
    assert by_key[(SALES, "events_2025", "payload")][2] == "'{}'::jsonb"


def test_identity_options_and_generated_values_work(kitchen_db: str) -> None:
    with psycopg.connect(kitchen_db) as conn:
        conn.execute("SET app.tenant = '1'")  # row-level security is forced, even for the owner
        user_ids = [
            conn.execute(
                """INSERT INTO public."user" (email, "Display Name") VALUES (%s, 'A')
                   RETURNING id""",
                (email,),
            ).fetchone()[0]
            for email in ("a@x.org", "b@x.org")
        ]
        total = conn.execute(
            """INSERT INTO public."order" (tenant_id, user_id, qty, unit_price)
               VALUES (1, %s, 3, 2.50) RETURNING total, "total with tax", status::text""",
            (user_ids[0],),
        ).fetchone()
        conn.rollback()
    assert user_ids == [100, 110]
    assert [str(v) for v in total] == ["7.50", "9.000", "new"]


EXPECTED_CONSTRAINTS = {
    (SALES, "events", "events_pkey", "PRIMARY KEY (id, occurred_at)", True, False, False),
    (SALES, "events 2024", "events 2024_pkey", "PRIMARY KEY (id, occurred_at)", True, False, False),
    (SALES, "events_2025", "events_2025_pkey", "PRIMARY KEY (id, occurred_at)", True, False, False),
    (SALES, "events_2025", "payload_present", "CHECK ((payload IS NOT NULL))", True, False, False),
    (
        SALES,
        "events_default",
        "events_default_pkey",
        "PRIMARY KEY (id, occurred_at)",
        True,
        False,
        False,
    ),
    (
        "app",
        "booking",
        "booking_no_double",
        "UNIQUE (room_id, during WITHOUT OVERLAPS)",
        True,
        False,
        False,
    ),
    (
        "app",
        "booking",
        "booking_room_fk",
        "FOREIGN KEY (room_id, PERIOD during) REFERENCES app.room(id, PERIOD valid)",
        True,
        False,
        False,
    ),
    (
        "app",
        "cache_entry",
        "cache_entry_pkey",
        "PRIMARY KEY (key) INCLUDE (value)",
        True,
        False,
        False,
    ),
    (
        "app",
        "coupon",
        "coupon_first_order_id_fkey",
        'FOREIGN KEY (first_order_id) REFERENCES "order"(id) ON DELETE SET NULL',
        True,
        False,
        False,
    ),
    (
        "app",
        "coupon",
        "coupon_no_overlap",
        "EXCLUDE USING gist (tenant_id WITH =, valid WITH &&, lower((code)::text) WITH =) "
        "INCLUDE (id) WHERE ((tenant_id > 0)) DEFERRABLE",
        True,
        True,
        False,
    ),
    ("app", "coupon", "coupon_pkey", "PRIMARY KEY (id)", True, False, False),
    ("app", "coupon", "coupon_tenant_id", "UNIQUE (tenant_id, id)", True, False, False),
    (
        "app",
        "invoice",
        "invoice_order_id_fkey",
        'FOREIGN KEY (order_id) REFERENCES "order"(id)',
        True,
        False,
        False,
    ),
    (
        "app",
        "invoice",
        "invoice_order_id_key",
        "UNIQUE (order_id) DEFERRABLE INITIALLY DEFERRED",
        True,
        True,
        True,
    ),
    ("app", "invoice", "invoice_pkey", "PRIMARY KEY (number)", True, False, False),
    ("app", "room", "room_pkey", "PRIMARY KEY (id, valid WITHOUT OVERLAPS)", True, False, False),
    (
        "public",
        "OrderLine",
        "OrderLine_order_id_fkey",
        'FOREIGN KEY (order_id) REFERENCES "order"(id) ON UPDATE RESTRICT ON DELETE CASCADE',
        True,
        False,
        False,
    ),
    (
        "public",
        "OrderLine",
        "OrderLine_pkey",
        "PRIMARY KEY (order_id, line_no) DEFERRABLE",
        True,
        True,
        False,
    ),
    (
        "public",
        "OrderLine",
        "line_coupon_fk",
        "FOREIGN KEY (tenant_id, coupon_id) REFERENCES app.coupon(tenant_id, id) "
        "ON DELETE SET NULL (coupon_id) NOT VALID",
        False,
        False,
        False,
    ),
    ("public", "order", "order_pk", "PRIMARY KEY (id)", True, False, False),
    (
        "public",
        "order",
        "order_user_fk",
        'FOREIGN KEY (tenant_id, user_id) REFERENCES "user"(tenant_id, id) MATCH FULL '
        "ON UPDATE CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
        True,
        True,
        True,
    ),
    ("public", "order", "qty positive", "CHECK ((qty > 0)) NO INHERIT", True, False, False),
    (
        "public",
        "user",
        "tenant_cap",
        "CHECK ((tenant_id < 1000000)) NOT VALID",
        False,
        False,
        False,
    ),
    (
        "public",
        "user",
        "user email unique",
        "UNIQUE NULLS NOT DISTINCT (tenant_id, email)",
        True,
        False,
        False,
    ),
    (
        "public",
        "user",
        "user_favourite_coupon_fk",
        "FOREIGN KEY (favourite_coupon_id) REFERENCES app.coupon(id) ON DELETE SET NULL",
        True,
        False,
        False,
    ),
    ("public", "user", "user_pkey", "PRIMARY KEY (id)", True, False, False),
    ("public", "user", "user_tenant_id_check", "CHECK ((tenant_id > 0))", True, False, False),
    ("public", "user", "user_tenant_id_id_key", "UNIQUE (tenant_id, id)", True, False, False),
}


def test_every_constraint_arrives(kitchen_db: str) -> None:
    found = rows(
        kitchen_db,
        """SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid),
                  con.convalidated, con.condeferrable, con.condeferred
           FROM pg_constraint con
           JOIN pg_class c ON c.oid = con.conrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = ANY(%s) AND con.contype <> 'n'""",
        list(SCHEMAS),
    )
    assert set(found) == EXPECTED_CONSTRAINTS
    # Every constraint the design names kept its name.
    named = {
        (t.schema, t.name, c.name)
        for t in DESIGN.tables
        for c in (t.primary_key, *t.uniques, *t.checks, *t.excludes, *t.foreign_keys)
        if c is not None and c.name
    }
    assert named <= {r[:3] for r in found}


EXPECTED_INDEXES = {
    "user_created_desc": 'CREATE INDEX user_created_desc ON public."user" USING btree '
    '(created_at DESC, "Display Name" COLLATE ucs_basic text_pattern_ops) INCLUDE (email) '
    "WITH (fillfactor='70') WHERE (tenant_id > 0)",
    "user_lower_email": 'CREATE UNIQUE INDEX user_lower_email ON public."user" USING btree '
    "(lower((email)::text)) NULLS NOT DISTINCT",
    "user_name_hash": 'CREATE INDEX user_name_hash ON public."user" USING hash ("Display Name")',
    "user_tags_gin": 'CREATE INDEX user_tags_gin ON public."user" USING gin (tags)',
    "user_name_trgm": 'CREATE INDEX user_name_trgm ON public."user" USING gin '
    '(lower(("Display Name")::text) ext.gin_trgm_ops)',
    "user_location_spgist": 'CREATE INDEX user_location_spgist ON public."user" '
    "USING spgist (location kd_point_ops)",
    "order line brin": 'CREATE INDEX "order line brin" ON public."OrderLine" USING brin '
    "(line_no) WITH (pages_per_range='32')",
    "coupon_valid_gist": "CREATE INDEX coupon_valid_gist ON app.coupon USING gist (valid)",
    "events_payload_gin": 'CREATE INDEX events_payload_gin ON ONLY "Sales Dept".events '
    "USING gin (payload jsonb_path_ops)",
    "order_totals_user": "CREATE UNIQUE INDEX order_totals_user ON app.order_totals "
    "USING btree (user_id)",
}


def test_every_index_arrives(kitchen_db: str) -> None:
    found = dict(
        rows(
            kitchen_db,
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ANY(%s)",
            list(SCHEMAS),
        )
    )
    designed = {i.name for t in DESIGN.tables for i in t.indexes}
    designed |= {i.name for v in DESIGN.views for i in v.indexes}
    assert designed == set(EXPECTED_INDEXES)
    assert {name: found.get(name) for name in designed} == EXPECTED_INDEXES
    # The partitioned index reached every partition.
    assert {n for n in found if n.endswith("_payload_idx")} == {
        "events 2024_payload_idx",
        "events_2025_payload_idx",
        "events_default_payload_idx",
    }


def test_row_level_security_and_policies_arrive(kitchen_db: str) -> None:
    rls = rows(
        kitchen_db,
        """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = ANY(%s) AND c.relrowsecurity AND c.relforcerowsecurity""",
        list(SCHEMAS),
    )
    assert rls == [("user",)]
    policies = rows(
        kitchen_db,
        """SELECT schemaname, tablename, policyname, permissive,
                  ARRAY(SELECT unnest(roles) ORDER BY 1), cmd, qual, with_check
           FROM pg_policies""",
    )
    tenant = "(tenant_id = (current_setting('app.tenant'::text))::integer)"
    assert {(*r[:4], tuple(r[4]), *r[5:]) for r in policies} == {
        ("public", "user", "tenant isolation", "PERMISSIVE", ("public",), "ALL", tenant, tenant),
        ("public", "user", "readers", "PERMISSIVE", ("public",), "SELECT", "true", None),
        (
            "public",
            "user",
            "no_sunday_deletes",
            "RESTRICTIVE",
            ("pg_monitor", "pg_read_all_data"),
            "DELETE",
            "(EXTRACT(dow FROM now()) <> (0)::numeric)",
            None,
        ),
    }


def test_partitions_bounds_and_inheritance_arrive(kitchen_db: str) -> None:
    found = rows(
        kitchen_db,
        """SELECT cn.nspname, c.relname, pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid)
           FROM pg_inherits i
           JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
           JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
           WHERE c.relkind IN ('r', 'p')""",
    )
    expected = {
        (
            t.schema,
            t.name,
            t.partition_of.parent_schema,
            t.partition_of.parent_table,
            t.partition_of.bound,
        )
        for t in DESIGN.tables
        if t.partition_of
    } | {("app", "audit_café", "app", "audit_base", None)}
    assert set(found) == expected
    key = rows(kitchen_db, """SELECT pg_get_partkeydef('"Sales Dept".events'::regclass)""")
    assert key == [("RANGE (occurred_at)",)]


def test_enums_domains_sequences_and_extensions_arrive(kitchen_db: str) -> None:
    labels = rows(
        kitchen_db,
        """SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
           FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname""",
    )
    assert dict(labels) == {e.name: list(e.values) for e in DESIGN.enums}
    domains = rows(
        kitchen_db,
        """SELECT t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
                  t.typdefault, co.collname,
                  ARRAY(SELECT pg_get_constraintdef(c.oid) || ' ' || c.convalidated
                        FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'
                        ORDER BY c.conname)
           FROM pg_type t LEFT JOIN pg_collation co ON co.oid = t.typcollation
           JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE t.typtype = 'd' AND n.nspname = ANY(%s)""",
        list(SCHEMAS),
    )
    assert {(*r[:-1], tuple(r[-1])) for r in domains} == {
        ("code", "text", True, None, "C", ()),
        (
            "email",
            "ext.citext",
            False,
            None,
            "default",
            ("CHECK (((VALUE)::text ~ '@'::text)) true",),
        ),
        (
            "positive_amount",
            "numeric(12,2)",
            False,
            "0",
            None,
            (
                "CHECK ((VALUE < (1000000)::numeric)) NOT VALID false",
                "CHECK ((VALUE >= (0)::numeric)) true",
            ),
        ),
    }
    sequences = rows(
        kitchen_db,
        """SELECT schemaname, sequencename, data_type::text, start_value, increment_by,
                  min_value, max_value, cache_size, cycle
           FROM pg_sequences WHERE schemaname = ANY(%s)""",
        list(SCHEMAS),
    )
    assert ("app", "invoice_no_seq", "integer", 1000, 5, 1000, 999999, 10, True) in sequences
    assert ("public", "ticket_seq", "bigint", 1, 1, 1, 2**63 - 1, 1, False) in sequences
    owner = rows(kitchen_db, "SELECT pg_get_serial_sequence('app.invoice', 'number')")
    assert owner == [("app.invoice_no_seq",)]
    extensions = rows(
        kitchen_db,
        """SELECT x.extname, n.nspname FROM pg_extension x
           JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql'""",
    )
    assert set(extensions) == {(e.name, e.schema) for e in DESIGN.extensions}
    assert rows(kitchen_db, "SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'") == [
        ("1.6",)
    ]


def test_views_arrive(kitchen_db: str) -> None:
    columns = rows(
        kitchen_db,
        """SELECT a.attname FROM pg_attribute a
           WHERE a.attrelid = 'public."active users"'::regclass AND a.attnum > 0
           ORDER BY a.attnum""",
    )
    assert [c[0] for c in columns] == ["user id", "email"]
    assert rows(kitchen_db, "SELECT ispopulated FROM pg_matviews") == [(False,)]


def expected_comments(design: Schema) -> dict[tuple[str, str], str]:
    """Every comment of the design keyed as pg_identify_object() names its object."""
    out = {("schema", quote_ident(name)): text for name, text in design.schema_comments}
    out |= {("extension", quote_ident(e.name)): e.comment for e in design.extensions if e.comment}
    for obj in (*design.enums, *design.domains):
        if obj.comment:
            out[("type", qualify(obj.schema, obj.name))] = obj.comment
    for seq in design.sequences:
        if seq.comment:
            out[("sequence", qualify(seq.schema, seq.name))] = seq.comment
    for t in design.tables:
        name = qualify(t.schema, t.name)
        if t.comment:
            out[("table", name)] = t.comment
        for c in t.columns:
            if c.comment:
                out[("table column", f"{name}.{quote_ident(c.name)}")] = c.comment
        for i in t.indexes:
            if i.comment:
                out[("index", qualify(t.schema, i.name))] = i.comment
        for p in t.policies:
            if p.comment:
                out[("policy", f"{quote_ident(p.name)} on {name}")] = p.comment
    for v in design.views:
        kind = "materialized view" if v.materialized else "view"
        name = qualify(v.schema, v.name)
        if v.comment:
            out[(kind, name)] = v.comment
        for column, text in v.column_comments:
            out[(f"{kind} column", f"{name}.{quote_ident(column)}")] = text
        for i in v.indexes:
            if i.comment:
                out[("index", qualify(v.schema, i.name))] = i.comment
    return out


def test_every_comment_arrives_verbatim(kitchen_db: str) -> None:
    found = rows(
        kitchen_db,
        """SELECT o.type, o.identity, d.description
           FROM pg_description d, pg_identify_object(d.classoid, d.objoid, d.objsubid) o
           WHERE d.objoid >= 16384
             AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid
                             AND e.objid = d.objoid AND e.deptype = 'e')""",
    )
    expected = expected_comments(DESIGN)
    # Extensions the design leaves uncommented keep their control file's comment.
    actual = {
        (kind, ident): text
        for kind, ident, text in found
        if kind != "extension" or (kind, ident) in expected
    }
    assert len(expected) >= 20
    assert actual == expected


def test_raw_statements_ran_and_functions_see_the_tables(kitchen_db: str) -> None:
    assert rows(kitchen_db, "SELECT app.user_count()") == [(0,)]
    triggers = rows(
        kitchen_db,
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.\"user\"'::regclass "
        "AND NOT tgisinternal",
    )
    assert triggers == [("user_touch",)]


def _dump(dsn: str) -> str:
    # pg_dump 18 brackets its output with a random \restrict key.
    return "\n".join(
        line
        for line in pgserver.dump_schema(dsn).splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict"))
    )


def test_applying_twice_gives_identical_databases(pg_db: str, pg_server_dsn: str) -> None:
    text = export_postgres(DESIGN).text
    assert export_postgres(kitchen_sink()).text == text
    pgserver.apply_sql(pg_db, text)
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_test_twin") as twin:
        pgserver.apply_sql(twin, export_postgres(kitchen_sink()).text)
        assert _dump(twin) == _dump(pg_db)
    assert 'CREATE TABLE public."user"' in _dump(pg_db)


def test_hostile_name_becomes_a_harmless_identifier(pg_db: str) -> None:
    hostile = 'x"; DROP TABLE y; --'
    design = Schema(
        tables=(
            Table(name="y", columns=(Column("a", "integer"),)),
            Table(
                name=hostile,
                columns=(Column(hostile, "integer", comment=hostile),),
                comment=f"{hostile} ' \\",
            ),
        )
    )
    pgserver.apply_sql(pg_db, export_postgres(design).text)
    tables = rows(
        pg_db,
        """SELECT c.relname, obj_description(c.oid, 'pg_class')
           FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'""",
    )
    assert set(tables) == {("y", None), (hostile, f"{hostile} ' \\")}
    columns = rows(
        pg_db,
        "SELECT attname, col_description(attrelid, attnum) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0",
        qualify("public", hostile),
    )
    assert columns == [(hostile, hostile)]


def test_a_unique_on_the_primary_key_columns_arrives_as_its_own_constraint(pg_db: str) -> None:
    # CREATE TABLE would fold both UNIQUEs into the key (the key taking a UNIQUE's name)
    table = Table(
        "account",
        columns=(Column("id", "uuid", nullable=False), Column("code", "text")),
        primary_key=PrimaryKey(("id",)),
        uniques=(UniqueConstraint(("id",), name="account_id_unique"), UniqueConstraint(("id",))),
    )
    pgserver.apply_sql(pg_db, export_postgres(Schema(tables=(table,))).text)
    found = rows(
        pg_db,
        "SELECT conname, contype FROM pg_constraint"
        " WHERE conrelid = 'account'::regclass AND contype IN ('p', 'u') ORDER BY conname",
    )
    assert found == [("account_id_key", "u"), ("account_id_unique", "u"), ("account_pkey", "p")]
