"""import_postgres: one fixture per object kind, asserted on the resulting Schema."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from designer.schema.model import (
    CheckConstraint,
    Column,
    ExcludeConstraint,
    ExcludeElement,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    Policy,
    PrimaryKey,
    Schema,
    Sequence,
    UniqueConstraint,
)
from designer.schema.sqltext import normalize_expr
from designer.sql.readers.postgres import ERR_BINARY, ERR_EMPTY, import_postgres
from designer.sql.readers.report import SchemaImportError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "postgres"


def load(name: str) -> Schema:
    return import_postgres((FIXTURES / f"{name}.sql").read_text(), source_name=name).schema


def test_tables_columns() -> None:
    schema = load("tables_columns")
    items = schema.table("items")
    assert items is not None
    assert items.columns == (
        Column("id", "serial"),
        Column("big_id", "bigserial", nullable=False),
        Column("code", "character varying(20)", nullable=False, default="'x'"),
        Column("price", "numeric(10,2)", default="0.00"),
        Column("ratio", "double precision"),
        Column("flags", "integer[]", default="'{}'"),
        Column("created", "timestamp with time zone", nullable=False, default="now()"),
        Column("happened", "timestamp(3) without time zone"),
        Column("span", "interval day to second"),
        Column("name", "text", collation="C"),
        Column("doubled", "integer", generated="id * 2"),
        Column("tripled", "integer", generated="id * 3", generated_kind="VIRTUAL"),
        Column(
            "ident",
            "integer",
            identity="BY DEFAULT",
            identity_options="START WITH 10 INCREMENT BY 5",
        ),
        Column("payload", "jsonb"),
        Column("active", "boolean", nullable=False, default="TRUE"),
    )
    assert items.primary_key == PrimaryKey(("id",))
    scratch = schema.table("scratch")
    assert scratch is not None and scratch.unlogged and scratch.with_options == ("fillfactor=70",)
    always = schema.table("always_id")
    assert always is not None
    assert always.columns[0] == Column("id", "bigint", identity="ALWAYS")


def test_expressions_equal_normalize_expr() -> None:
    items = load("tables_columns").table("items")
    assert items is not None
    for column in items.columns:
        for text in (column.default, column.generated):
            if text is not None:
                assert normalize_expr(text) == text


def test_constraints() -> None:
    schema = load("constraints")
    accounts = schema.table("accounts")
    assert accounts is not None
    assert accounts.primary_key == PrimaryKey(("id",), name="accounts_pkey")
    assert accounts.uniques == (
        UniqueConstraint(("email",)),
        UniqueConstraint(
            ("tenant", "region"),
            name="accounts_tenant_region_key",
            nulls_not_distinct=True,
            include=("email",),
        ),
    )
    assert accounts.checks == (
        CheckConstraint("balance >= 0"),
        CheckConstraint("region IN ('eu', 'us')", name="region_known", no_inherit=True),
        CheckConstraint("balance < 1000000", name="balance_cap", not_valid=True),
    )
    bookings = schema.table("bookings")
    assert bookings is not None
    assert bookings.excludes == (
        ExcludeConstraint(
            elements=(ExcludeElement("room", "="), ExcludeElement("during", "&&")),
            name="no_overlap",
            where="room > 0",
        ),
    )
    later = schema.table("later")
    assert later is not None
    # USING INDEX turns the unique index into the key: it is no longer a separate index
    assert later.primary_key == PrimaryKey(("a", "b"), name="later_pkey")
    assert later.indexes == ()
    assert later.uniques == (
        UniqueConstraint(("b",), name="later_b_key", deferrable=True, initially_deferred=True),
    )


def test_foreign_keys() -> None:
    schema = load("foreign_keys")
    books = schema.table("books")
    reviews = schema.table("reviews")
    assert books is not None and reviews is not None
    assert books.foreign_keys == (
        # REFERENCES authors without columns means its primary key
        ForeignKey(("author_id",), "authors", ("id",), on_delete="CASCADE"),
        ForeignKey(
            ("editor_id",),
            "authors",
            ("id",),
            on_update="SET NULL",
            deferrable=True,
            initially_deferred=True,
        ),
        ForeignKey(("parent_id",), "books", ("id",), name="books_parent_fkey", match="FULL"),
    )
    assert reviews.foreign_keys == (
        ForeignKey(
            ("book_id",),
            "books",
            ("id",),
            name="reviews_book_fkey",
            on_delete="RESTRICT",
            not_valid=True,
        ),
        ForeignKey(
            ("author_id",),
            "authors",
            ("id",),
            name="reviews_author_fkey",
            on_delete="SET NULL",
            on_delete_columns=("author_id",),
        ),
    )


def test_indexes() -> None:
    schema = load("indexes")
    docs = schema.table("docs")
    assert docs is not None
    assert [e.name for e in schema.extensions] == ["pg_trgm"]
    by_name = {i.name: i for i in docs.indexes}
    # in the order the exporter writes them (by name), so export -> import is equal
    assert list(by_name) == [
        "docs_brin_idx",
        "docs_expr_idx",
        "docs_hash_idx",
        "docs_lower_title_key",
        "docs_multi_idx",
        "docs_score_nnd",
        "docs_tags_idx",
        "docs_title_idx",
        "docs_trgm_idx",
    ]
    assert by_name["docs_lower_title_key"] == Index(
        "docs_lower_title_key",
        (IndexPart(expression="lower(title)"),),
        unique=True,
        where="score > 0",
    )
    assert by_name["docs_multi_idx"] == Index(
        "docs_multi_idx",
        (
            IndexPart(column="created", descending=True, nulls_first=False),
            IndexPart(column="score", nulls_first=True),
            IndexPart(column="title", opclass="text_pattern_ops", collation="C"),
        ),
        include=("body",),
    )
    assert by_name["docs_trgm_idx"].parts == (IndexPart("body", opclass="gist_trgm_ops"),)
    assert by_name["docs_trgm_idx"].method == "gist"
    assert by_name["docs_brin_idx"].with_options == ("pages_per_range=32",)
    assert by_name["docs_score_nnd"].nulls_not_distinct
    assert by_name["docs_hash_idx"].method == "hash"
    assert by_name["docs_expr_idx"].parts == (
        IndexPart(expression="score + 1"),
        IndexPart(expression="title || body"),
    )


def test_enums_and_domains() -> None:
    schema = load("enums_domains")
    mood = schema.enum("mood")
    assert mood is not None and mood.values == ("sad", "meh", "ok", "happy")
    positive, short = schema.domains
    assert (positive.name, positive.type, positive.not_null, positive.default) == (
        "positive_int",
        "integer",
        True,
        "1",
    )
    assert positive.checks == (CheckConstraint("value > 0", name="positive_int_check"),)
    # names are stored unquoted, as PostgreSQL stores them; the exporter quotes them
    assert (short.type, short.collation) == ("character varying(10)", "C")
    people = schema.table("people")
    assert people is not None
    assert [c.type for c in people.columns] == ["positive_int", "mood", "short_text"]


def test_sequences_and_identity() -> None:
    schema = load("sequences_identity")
    assert schema.sequences == (
        Sequence(
            "counter_seq",
            data_type="integer",
            start=100,
            increment=10,
            min_value=100,
            max_value=100000,
            cache=5,
            cycle=True,
        ),
        Sequence("plain_seq", owned_by="public.tickets.code"),
    )
    tickets = schema.table("tickets")
    assert tickets is not None
    assert tickets.columns == (
        # pg_dump's spelled-out defaults and the default sequence name are left out
        Column("id", "integer", nullable=False, identity="ALWAYS"),
        Column("number", "integer", nullable=False, default="nextval('counter_seq'::regclass)"),
        Column("code", "bigint", nullable=False, default="nextval('plain_seq')"),
    )
    invoices = schema.table("invoices")
    assert invoices is not None
    assert invoices.columns[0].identity_options == (
        "SEQUENCE NAME public.invoice_numbers START WITH 1000 CACHE 20"
    )


def test_views() -> None:
    schema = load("views")
    big, checked, totals = schema.views
    # OR REPLACE keeps the later definition
    assert big.query == "SELECT id, customer FROM orders WHERE total > 1000"
    assert big.columns == ("order_id", "who")
    assert big.comment == "Orders over 1000"
    assert big.column_comments == (("who", "The customer"),)
    assert checked.with_options == ("security_barrier=true",)
    assert checked.check_option == "CASCADED"
    assert totals.materialized and not totals.with_data and totals.comment == "Per customer"
    assert totals.indexes == (Index("totals_customer_idx", (IndexPart("customer"),), unique=True),)


def test_partitions_and_inheritance() -> None:
    schema = load("partitions")
    events = schema.table("events")
    assert events is not None and events.partitioning == Partitioning("RANGE", "happened")
    assert schema.table("events_2024").partition_of == PartitionOf(  # type: ignore[union-attr]
        "public", "events", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    )
    assert schema.table("events_rest").partition_of.bound == "DEFAULT"  # type: ignore[union-attr]
    # ATTACH PARTITION makes an existing table a partition
    assert schema.table("events_2025").partition_of == PartitionOf(  # type: ignore[union-attr]
        "public", "events", "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
    )
    assert schema.table("tagged").partitioning == Partitioning("LIST", "lower(tag)")  # type: ignore[union-attr]
    assert schema.table("hashed_1").partition_of.bound == (  # type: ignore[union-attr]
        "FOR VALUES WITH (MODULUS 2, REMAINDER 1)"
    )
    assert schema.table("audit_log").inherits == ("public.base_log",)  # type: ignore[union-attr]


def test_rls_and_policies() -> None:
    result = import_postgres((FIXTURES / "rls_policies.sql").read_text())
    notes = result.schema.table("notes")
    assert notes is not None and notes.rls_enabled and notes.rls_forced
    assert notes.policies == (
        Policy(
            "notes_owner",
            using="owner = CURRENT_USER",
            with_check="owner = CURRENT_USER",
            comment="Owners see their notes",
        ),
        Policy(
            "notes_read",
            command="SELECT",
            permissive=False,
            roles=("erd_test_reader", "public"),
            using="body IS NOT NULL",
        ),
    )
    # the DO block creates a role the policy needs: it goes before the tables
    assert [(r.kind, r.phase) for r in result.schema.raw] == [("DoStmt", "pre")]


def test_comments() -> None:
    schema = load("comments")
    orders = schema.table("orders", "sales")
    assert orders is not None
    assert orders.comment == "One row per order"
    assert orders.column("state").comment == "Where the order is"  # type: ignore[union-attr]
    assert orders.indexes[0].comment == "Dashboard filter"
    assert schema.enum("state", "sales").comment == "Order states"  # type: ignore[union-attr]
    assert schema.domains[0].comment == "Two decimals"
    assert schema.sequences[0].comment == "Order numbers"
    assert schema.schema_comments == (("sales", "Sales data"),)
    # constraint comments are not modelled: kept verbatim
    assert [r.sql for r in schema.raw] == [
        "COMMENT ON CONSTRAINT orders_pkey ON sales.orders IS 'The key'"
    ]


def test_schemas_and_search_path() -> None:
    schema = load("schemas")
    assert schema.schemas == ("inventory", "reporting")
    stock = schema.table("stock", "inventory")
    assert stock is not None
    assert stock.foreign_keys == (
        ForeignKey(("warehouse_id",), "warehouses", ("id",), ref_schema="inventory"),
    )
    assert [(v.schema, v.name) for v in schema.views] == [("inventory", "cities")]
    # SET search_path = reporting: unqualified names land there, and types say so
    assert schema.table("daily", "reporting") is not None
    assert schema.enum("level", "reporting") is not None
    alerts = schema.table("alerts", "reporting")
    assert alerts is not None and alerts.columns[1].type == "reporting.level"


def test_raw_objects_keep_order_and_phase() -> None:
    result = import_postgres((FIXTURES / "raw_objects.sql").read_text())
    raw = result.schema.raw
    assert [(r.kind, r.phase) for r in raw] == [
        ("CreateFunctionStmt", "pre"),
        ("CompositeTypeStmt", "pre"),
        ("CreateFunctionStmt", "pre"),
        # returns the table's row type, so it must follow the table; the exporter writes it
        # before the views (which may call it), so the schema lists it first of "post"
        ("CreateFunctionStmt", "post"),
        ("CreateTrigStmt", "post"),
        ("RuleStmt", "post"),
        ("GrantStmt", "post"),
        ("CommentStmt", "post"),
        ("AlterTableStmt", "post"),
    ]
    assert raw[0].sql == (
        "CREATE FUNCTION add_one(integer) RETURNS integer LANGUAGE sql IMMUTABLE"
        " AS $$ SELECT $1 + 1 $$"
    )
    assert "NEW.updated := now();\n" in raw[2].sql
    assert [k.line for k in result.report.raw] == [1, 2, 4, 10, 11, 12, 13, 14, 15]


def test_pg_dump_style() -> None:
    result = import_postgres((FIXTURES / "pg_dump_style.sql").read_text())
    schema, report = result.schema, result.report
    customer = schema.table("customer")
    payment = schema.table("payment")
    assert customer is not None and payment is not None
    assert customer.column("customer_id") == Column(  # type: ignore[union-attr]
        "customer_id",
        "integer",
        nullable=False,
        default="nextval('public.customer_customer_id_seq'::regclass)",
    )
    assert customer.column("status").default == "'new'::public.status"  # type: ignore[union-attr]
    assert payment.column("payment_id").identity == "ALWAYS"  # type: ignore[union-attr]
    assert payment.column("payment_id").identity_options is None  # type: ignore[union-attr]
    assert schema.sequences == (
        Sequence(
            "customer_customer_id_seq",
            data_type="integer",
            start=1,
            increment=1,
            cache=1,
            owned_by="public.customer.customer_id",
        ),
    )
    assert payment.foreign_keys == (
        ForeignKey(
            ("customer_id",),
            "customer",
            ("customer_id",),
            name="payment_customer_id_fkey",
            on_delete="RESTRICT",
            on_update="CASCADE",
        ),
    )
    assert schema.raw == ()
    kinds = [(s.line, s.kind) for s in report.skipped]
    assert (5, "psql") in kinds and (86, "psql") in kinds
    assert (66, "COPY") in kinds and (71, "INSERT") in kinds and (73, "SELECT") in kinds
    assert sum(1 for _, k in kinds if k == "OWNER") == 3
    assert report.counts["tables"] == 2 and report.counts["foreign_keys"] == 1


def test_report_counts_skipped_data_rows() -> None:
    text = (
        "CREATE TABLE t (a integer, b text);\n"
        "INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z');\n"
        "INSERT INTO t (a) VALUES (4);\n"
        "COPY t (a, b) FROM stdin;\n"
        "5\tfive\n"
        "6\t\\N\n"
        "\\.\n"
        "CREATE INDEX t_a_idx ON t (a);\n"
    )
    report = import_postgres(text).report
    assert report.data_rows == 6
    assert [(s.line, s.kind, s.summary) for s in report.skipped] == [
        (2, "INSERT", "INSERT public.t: 3 rows"),
        (3, "INSERT", "INSERT public.t: 1 row"),
        (4, "COPY", "COPY public.t: 2 rows"),
    ]
    assert report.counts["indexes"] == 1


def test_quoting() -> None:
    schema = load("quoting")
    order = schema.table("order")
    assert order is not None
    assert order.column_names == ("select", "Mixed Case", 'with "quote"', "naïve café", "user")
    assert order.column("naïve café") == Column(  # type: ignore[union-attr]
        "naïve café", "text", default="'crème'", comment="It's quoted"
    )
    assert order.indexes == (
        Index("Order Index", (IndexPart("Mixed Case"), IndexPart(expression='lower("user")'))),
    )
    unicode_table = schema.table("Ünïcode Täble")
    assert unicode_table is not None
    assert unicode_table.foreign_keys == (ForeignKey(("from",), "order", ("select",)),)
    assert unicode_table.checks == (CheckConstraint("\"to\" <> ''"),)


# -- bad input ---------------------------------------------------------------------


def test_garbage_names_line_and_statement() -> None:
    text = "CREATE TABLE ok (a integer);\n\nCREATE TABLE broken (a integer,, b text);\n"
    with pytest.raises(SchemaImportError) as err:
        import_postgres(text)
    assert err.value.line == 3
    assert err.value.statement.startswith("CREATE TABLE broken")
    assert str(err.value).startswith("Line 3: PostgreSQL cannot parse this SQL: syntax error")
    assert "CREATE TABLE broken (a integer,, b text);" in str(err.value)


def test_unicode_before_the_error_keeps_line_numbers() -> None:
    text = "COMMENT ON SCHEMA public IS 'çà';\n-- ünïcode\nCREATE TABLE x (;\n"
    with pytest.raises(SchemaImportError) as err:
        import_postgres(text)
    assert err.value.line == 3


def test_truncated_input() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_postgres("CREATE TABLE t (\n  a integer,\n  b text")
    assert err.value.line == 3
    assert err.value.statement.startswith("CREATE TABLE t")


def test_unterminated_string() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_postgres("CREATE TABLE t (a text);\nCOMMENT ON TABLE t IS 'oops;\n")
    assert err.value.line == 2


def test_binary_input() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_postgres(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert str(err.value) == ERR_BINARY
    with pytest.raises(SchemaImportError, match="not UTF-8"):
        import_postgres(b"CREATE TABLE t (a text DEFAULT '\xff');")


@pytest.mark.parametrize(
    "text", ["", "   \n", "-- only a comment\n/* and this */\n", "\\connect db\n"]
)
def test_empty_input(text: str) -> None:
    with pytest.raises(SchemaImportError) as err:
        import_postgres(text)
    assert str(err.value) == ERR_EMPTY


def test_ten_thousand_statements() -> None:
    text = "".join(
        f"CREATE TABLE t{i} (id integer PRIMARY KEY, v text DEFAULT 'v{i}');\n"
        for i in range(10_000)
    )
    start = time.perf_counter()
    result = import_postgres(text)
    elapsed = time.perf_counter() - start
    assert result.report.statements == 10_000
    assert result.report.counts["tables"] == 10_000
    assert result.schema.tables[-1].columns[1].default == "'v9999'"
    assert elapsed < 10


def test_corpus_files_import(corpus_dir: Path) -> None:
    expected = {
        "pagila.sql": 71,
        "pagila_temporal.sql": 2,
        "chinook.sql": 11,
        "northwind.sql": 14,
        "adventureworks.sql": 68,
        "openstreetmap_website.sql": 56,
        "graphile_starter.sql": 12,
    }
    for name, tables in expected.items():
        report = import_postgres((corpus_dir / name).read_text(), source_name=name).report
        assert report.counts["tables"] == tables, name


def test_names_found_through_search_path_are_qualified() -> None:
    schema = import_postgres(
        "CREATE SCHEMA inv;\n"
        "SET search_path = inv, public;\n"
        "CREATE SEQUENCE item_seq;\n"
        "CREATE TYPE size AS ENUM ('s', 'l');\n"
        "CREATE TABLE items (id integer DEFAULT nextval('item_seq'), code text CHECK "
        "(code::size IS NOT NULL));\n"
        "CREATE FUNCTION n() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM items $$;\n"
        "CREATE VIEW stats AS SELECT n() AS n, (SELECT count(*) FROM items) AS c;\n"
        "RESET search_path;\n"
    ).schema
    items = schema.table("items", "inv")
    assert items is not None
    # the export runs without that search_path: every name must say where it lives
    assert items.columns[0].default == "nextval('inv.item_seq')"
    assert items.checks[0].expression == "code::inv.size IS NOT NULL"
    assert schema.views[0].query == "SELECT inv.n() AS n, (SELECT count(*) FROM inv.items) AS c"
    (function,) = schema.raw
    assert function.sql.startswith("SET search_path = inv, public;\nCREATE FUNCTION n()")
    assert function.sql.endswith("$$;\nRESET search_path")


def test_drop_column_takes_its_indexes_and_constraints() -> None:
    schema = import_postgres(
        "CREATE TABLE t (a integer, b integer UNIQUE, c integer CHECK (c > b));\n"
        "CREATE INDEX t_b ON t (b);\nCREATE INDEX t_a ON t (a);\n"
        "ALTER TABLE t DROP COLUMN b;\n"
    ).schema
    t = schema.table("t")
    assert t is not None
    assert (t.column_names, t.uniques, t.checks) == (("a", "c"), (), ())
    assert [i.name for i in t.indexes] == ["t_a"]
    assert schema.raw == ()


def test_partition_of_with_column_options() -> None:
    schema = import_postgres(
        "CREATE TABLE p (a integer NOT NULL DEFAULT 1, b integer) PARTITION BY LIST (a);\n"
        "CREATE TABLE p1 PARTITION OF p (b DEFAULT 5) FOR VALUES IN (1);\n"
    ).schema
    p1 = schema.table("p1")
    assert p1 is not None and p1.columns == (Column("b", "integer", default="5"),)


def test_functions_in_sql_syntax_keep_their_spelling() -> None:
    # the catalog remembers the spelling, and pg_dump prints it back
    schema = import_postgres(
        "CREATE TABLE u (name text);\n"
        "CREATE INDEX u_name ON u (lower(NORMALIZE(name, NFKC)), trim(both from name));\n"
    ).schema
    u = schema.table("u")
    assert u is not None
    assert [p.expression for p in u.indexes[0].parts] == [
        "lower(normalize(name, NFKC))",
        "trim(BOTH FROM name)",
    ]


def test_clauses_without_a_place_in_the_model_become_statements() -> None:
    result = import_postgres(
        "CREATE TABLE d (id integer, body text STORAGE EXTERNAL COMPRESSION pglz,"
        " PRIMARY KEY (id) WITH (fillfactor = 80));\n"
        "CREATE STATISTICS d_stats ON id, body FROM d;\n"
    )
    assert [(r.sql, r.phase) for r in result.schema.raw] == [
        ("ALTER TABLE public.d ALTER COLUMN body SET STORAGE EXTERNAL", "post"),
        ("ALTER TABLE public.d ALTER COLUMN body SET COMPRESSION pglz", "post"),
        ("ALTER INDEX public.d_pkey SET (fillfactor=80)", "post"),
        # statistics need their table
        ("CREATE STATISTICS d_stats ON id, body FROM d", "post"),
    ]
    assert len(result.report.warnings) == 3


def test_a_helper_function_used_then_dropped_by_the_script_is_dropped_after_it_is_made() -> None:
    raw = import_postgres(
        "CREATE FUNCTION helper() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;\n"
        "CREATE TABLE t (a integer);\n"
        "DO $$ BEGIN PERFORM helper(); END $$;\n"
        "DROP FUNCTION helper();\n"
        "GRANT SELECT ON t TO PUBLIC;\n"
    ).schema.raw
    assert [(r.kind, r.phase) for r in raw] == [
        ("CreateFunctionStmt", "pre"),
        ("DoStmt", "pre"),
        ("DropStmt", "pre"),
        ("GrantStmt", "post"),
    ]


def test_a_helper_function_made_and_dropped_unused_leaves_nothing() -> None:
    result = import_postgres(
        "CREATE FUNCTION helper(a int) RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;\n"
        "CREATE TABLE t (a integer);\n"
        "DROP FUNCTION helper(integer);\n"
    )
    assert result.schema.raw == ()


def test_pg_dump_partitions_made_by_partition_of_come_back_without_columns() -> None:
    # pg_dump writes every partition as a table of its own; NOT NULL constraints named
    # after the parent show that PARTITION OF made it (PostgreSQL 18)
    schema = import_postgres(
        "CREATE TABLE public.e (id bigint NOT NULL, at date NOT NULL)"
        " PARTITION BY RANGE (at);\n"
        "CREATE TABLE public.e1 (id bigint CONSTRAINT e_id_not_null NOT NULL,"
        " at date CONSTRAINT e_at_not_null NOT NULL);\n"
        "CREATE TABLE public.e2 (id bigint NOT NULL, at date NOT NULL);\n"
        "ALTER TABLE ONLY public.e ATTACH PARTITION public.e1"
        " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "ALTER TABLE ONLY public.e ATTACH PARTITION public.e2"
        " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n"
        "ALTER TABLE ONLY public.e ADD CONSTRAINT e_pkey PRIMARY KEY (id, at);\n"
        "ALTER TABLE ONLY public.e1 ADD CONSTRAINT e1_pkey PRIMARY KEY (id, at);\n"
    ).schema
    e1, e2 = schema.table("e1"), schema.table("e2")
    assert e1 is not None and e2 is not None
    assert (e1.columns, e1.primary_key) == ((), None)
    assert e2.column_names == ("id", "at")


def test_not_null_constraint_names_are_kept_by_a_rename() -> None:
    raw = load("not_null_names").raw
    assert [r.sql for r in raw] == [
        "ALTER TABLE public.t RENAME CONSTRAINT t_a_not_null TO a_must",
        "ALTER TABLE public.t RENAME CONSTRAINT t_c_not_null TO c_needed",
        "ALTER TABLE public.p RENAME CONSTRAINT p_id_not_null TO p_id_required",
    ]


def test_migrations_are_applied_to_the_design() -> None:
    schema = load("migrations")
    assert [t.name for t in schema.tables] == ["purchases"]
    purchases = schema.tables[0]
    assert [(c.name, c.type, c.nullable) for c in purchases.columns] == [
        ("id", "integer", True),
        ("total", "bigint", True),
        ("remark", "text", False),
    ]
    # the key keeps the name it got before the table was renamed
    assert purchases.primary_key == PrimaryKey(("id",), name="orders_pkey")
    assert purchases.checks == (CheckConstraint("total > 0", name="purchases_total_positive"),)
    assert [i.name for i in purchases.indexes] == ["purchases_remark"]
    assert schema.views[0].query == "SELECT id, remark FROM purchases WHERE total > 100"
    assert [r.sql for r in schema.raw] == [
        "ALTER TABLE public.purchases RENAME CONSTRAINT purchases_id_not_null TO orders_id_not_null"
    ]


def test_a_rename_that_a_kept_text_spells_stays_verbatim() -> None:
    schema = import_postgres(
        "CREATE TABLE t (a integer CHECK (a > 0));\nALTER TABLE t RENAME COLUMN a TO b;\n"
    ).schema
    t = schema.table("t")
    assert t is not None and t.column_names == ("a",)
    assert [r.kind for r in schema.raw] == ["RenameStmt"]
