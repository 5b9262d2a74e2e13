"""import_sql_dialect: MySQL/MariaDB, SQLite and SQL Server DDL into the Schema model."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from designer.schema.model import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    UniqueConstraint,
)
from designer.schema.sqltext import normalize_expr
from designer.sql.export_postgres import export_postgres
from designer.sql.readers.report import ImportResult, SchemaImportError
from designer.sql.readers.splitter import ERR_BINARY, ERR_EMPTY, split_statements
from designer.sql.readers.sqlglot import (
    ERR_NO_STATEMENTS,
    ERR_NOT_STATEMENT,
    import_sql_dialect,
)
from designer.sql.server import apply_sql

FIXTURES = Path(__file__).parents[1] / "fixtures"


def load(dialect: str, name: str) -> ImportResult:
    text = (FIXTURES / dialect / f"{name}.sql").read_text()
    return import_sql_dialect(text, dialect, source_name=name)


def table(schema: Schema, name: str, namespace: str = "public"):  # type: ignore[no-untyped-def]
    found = schema.table(name, namespace)
    assert found is not None, name
    return found


def messages(result: ImportResult) -> list[str]:
    return [w.message for w in result.report.warnings]


# -- MySQL ------------------------------------------------------------------------


def test_mysql_columns_types_and_defaults() -> None:
    result = load("mysql", "shop")
    customer = table(result.schema, "customer")
    assert customer.columns == (
        Column("id", "bigint", nullable=False, identity="BY DEFAULT"),
        Column("email", "character varying(255)", nullable=False, comment="login name"),
        Column("is_active", "boolean", nullable=False, default="TRUE"),
        Column("birth_year", "smallint"),
        Column(
            "created_at",
            "timestamp without time zone",
            nullable=False,
            default="CURRENT_TIMESTAMP",
        ),
        Column(
            "updated_at", "timestamp with time zone", nullable=False, default="CURRENT_TIMESTAMP"
        ),
        Column("profile", customer.column("profile").type),  # type: ignore[union-attr]
        Column("bio", "text"),
        Column("avatar", "bytea"),
        Column("score", "double precision", nullable=False, default="'0'"),
        Column("tier", "customer_tier", nullable=False, default="'free'"),
        Column("tags", "text[]", default=normalize_expr("'{new,vip}'::text[]")),
    )
    assert customer.column("profile").type.strip('"') == "json"  # type: ignore[union-attr]
    assert customer.comment == "People who buy"
    assert customer.primary_key == PrimaryKey(("id",))
    assert customer.uniques == (UniqueConstraint(("email",), name="uq_customer_email"),)
    assert customer.checks == (CheckConstraint("id >= 0"),)


def test_mysql_enum_becomes_named_enum_type_and_is_reported() -> None:
    result = load("mysql", "shop")
    assert result.schema.enums == (EnumType("customer_tier", ("free", "pro", "enterprise")),)
    assert "ENUM column customer.tier became the enum type customer_tier." in messages(result)


def test_mysql_set_unsigned_on_update_and_zero_date_are_reported_with_lines() -> None:
    result = load("mysql", "shop")
    by_line = {(w.line, w.message) for w in result.report.warnings}
    assert (
        14,
        "customer.updated_at: ON UPDATE CURRENT_TIMESTAMP() has no PostgreSQL column "
        "equivalent; add a BEFORE UPDATE trigger to keep it.",
    ) in by_line
    assert (
        20,
        "customer.tags: SET('new','vip','blocked') became text[]: PostgreSQL will not check "
        "the allowed values.",
    ) in by_line
    assert (
        34,
        "product.released: default '0000-00-00' left out: MySQL zero dates are not valid in "
        "PostgreSQL",
    ) in by_line
    product = table(result.schema, "product")
    assert product.column("stock") == Column("stock", "integer", nullable=False, default="0")
    assert CheckConstraint("stock >= 0") in product.checks
    assert product.column("released") == Column("released", "date")


def test_mysql_versioned_comments_follow_mariadb() -> None:
    result = load("mysql", "shop")
    # /*!40101 … */ runs (a SET, skipped as such); /*!50705 … */ is skipped like MariaDB does
    assert result.report.skipped[0].kind == "SET"
    assert result.report.skipped[0].line == 2
    assert table(result.schema, "customer").column("home") is None
    assert (
        21,
        "MySQL versioned comment /*!50705 … */ skipped (MySQL 5.7+ only; MariaDB skips it too).",
    ) in {(w.line, w.message) for w in result.report.warnings}


def test_mysql_keys_fulltext_and_index_name_clash() -> None:
    result = load("mysql", "shop")
    product = table(result.schema, "product")
    assert product.uniques == (UniqueConstraint(("sku",)),)
    assert product.checks[-1] == CheckConstraint("price >= 0", name="chk_price")
    fulltext, renamed = product.indexes
    assert fulltext.method == "gin"
    assert fulltext.parts[0].expression == normalize_expr(
        "to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(description, ''))"
    )
    # idx_created exists on two tables: PostgreSQL names indexes per schema
    assert renamed == Index("product_idx_created", (IndexPart(column="released"),))
    assert table(result.schema, "customer").indexes[0].name == "customer_idx_created"
    orders = table(result.schema, "orders")
    assert orders.indexes == (
        Index(
            "idx_orders_customer",
            (IndexPart(column="customer_id"), IndexPart(column="placed_at", descending=True)),
        ),
    )


def test_mysql_foreign_keys_inline_and_by_alter_table() -> None:
    result = load("mysql", "shop")
    assert table(result.schema, "orders").foreign_keys == (
        ForeignKey(
            ("customer_id",),
            "customer",
            ("id",),
            name="fk_orders_customer",
            on_delete="CASCADE",
            on_update="CASCADE",
        ),
    )
    line = table(result.schema, "order_line")
    assert line.foreign_keys == (
        ForeignKey(("order_id",), "orders", ("id",), name="fk_line_order", on_delete="CASCADE"),
        ForeignKey(
            ("product_id",), "product", ("id",), name="fk_line_product", on_delete="RESTRICT"
        ),
    )
    assert line.primary_key == PrimaryKey(("order_id", "product_id"))
    assert line.indexes == (Index("idx_line_product", (IndexPart(column="product_id"),)),)


def test_mysql_view_is_transpiled_and_group_by_completed() -> None:
    result = load("mysql", "shop")
    (view,) = result.schema.views
    assert view.name == "customer_totals"
    assert view.query == (
        "SELECT c.id, c.email, count(o.id) AS orders, "
        "COALESCE(max(o.placed_at), c.created_at) AS last_order "
        "FROM customer AS c LEFT JOIN orders AS o ON o.customer_id = c.id "
        "GROUP BY c.id, c.email, c.created_at"
    )


def test_mysql_routines_triggers_events_and_data_are_skipped_with_lines() -> None:
    result = load("mysql", "shop")
    skipped = [(s.line, s.kind) for s in result.report.skipped]
    assert skipped == [
        (2, "SET"),
        (3, "DATABASE"),
        (4, "USE"),
        (5, "SET"),
        (65, "LOCK"),
        (66, "INSERT"),
        (67, "LOCK"),
        (75, "ROUTINE"),
        (81, "TRIGGER"),
        (87, "EVENT"),
        (89, "SET"),
    ]
    assert result.report.data_rows == 3
    assert result.schema.raw == ()
    assert result.report.skipped[7].summary.startswith(
        "stored routines are not PostgreSQL; rewrite them in PL/pgSQL: CREATE PROCEDURE"
    )


def test_mysql_phpmyadmin_dump_keys_arrive_by_alter_table() -> None:
    result = load("mysql", "phpmyadmin")
    posts = table(result.schema, "wp_posts")
    assert posts.primary_key == PrimaryKey(("id",))
    assert posts.column("id") == Column("id", "bigint", nullable=False, identity="BY DEFAULT")
    assert posts.column("post_date") == Column("post_date", "timestamp without time zone", False)
    assert [i.name for i in posts.indexes] == ["post_author", "type_status_date", "post_name"]
    assert posts.checks == (CheckConstraint("id >= 0"), CheckConstraint("post_author >= 0"))
    assert posts.foreign_keys == (
        ForeignKey(("post_author",), "wp_users", ("id",), name="fk_posts_author"),
    )
    users = table(result.schema, "wp_users")
    assert users.uniques == (UniqueConstraint(("user_login",), name="user_login_key"),)
    assert result.report.data_rows == 2
    assert (
        "wp_posts.post_name: prefix length on post_title dropped; the whole column is indexed."
        in (messages(result))
    )


def test_mysql_delimiter_and_comments_split() -> None:
    text = (
        "# hash comment; with a semicolon\n"
        "CREATE TABLE a (id int); -- trailing; comment\n"
        "DELIMITER //\n"
        "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //\n"
        "DELIMITER ;\n"
        "/* block; comment */ CREATE TABLE b (s varchar(5) DEFAULT 'x;y');\n"
    )
    statements, _ = split_statements(text, "mysql")
    assert [(s.line, s.text.split("(")[0].strip()) for s in statements] == [
        (2, "CREATE TABLE a"),
        (4, "CREATE PROCEDURE p"),
        (6, "CREATE TABLE b"),
    ]


# -- MySQL corpus -----------------------------------------------------------------


def test_sakila_imports_with_expected_counts(corpus_dir: Path) -> None:
    result = import_sql_dialect((corpus_dir / "sakila_mysql.sql").read_text(), "mysql")
    counts = result.report.counts
    assert counts["tables"] == 16
    assert counts["foreign_keys"] == 22
    assert counts["primary_keys"] == 16
    # 41 indexes in MariaDB = 16 PK + 2 UNIQUE + 20 KEY + 1 FULLTEXT + 2 made for FKs
    assert counts["indexes"] == 21
    assert counts["unique_constraints"] == 2
    assert counts["views"] == 7
    assert result.schema.enums == (EnumType("film_rating", ("G", "PG", "PG-13", "R", "NC-17")),)
    skipped = {(s.line, s.kind) for s in result.report.skipped}
    for line in (190, 196, 208):
        assert (line, "TRIGGER") in skipped
    for line in (453, 520, 565, 581, 597, 615):
        assert (line, "ROUTINE") in skipped
    assert result.schema.raw == ()
    address = table(result.schema, "address")
    assert address.column("location") is None  # in /*!50705 … */, skipped as MariaDB does


def test_employees_imports_with_expected_counts(corpus_dir: Path) -> None:
    result = import_sql_dialect((corpus_dir / "employees_mysql.sql").read_text(), "mysql")
    counts = result.report.counts
    assert (counts["tables"], counts["foreign_keys"], counts["primary_keys"]) == (6, 6, 6)
    assert counts["unique_constraints"] == 1
    assert counts["views"] == 2
    assert table(result.schema, "employees").column("gender") == Column(
        "gender", "employees_gender", nullable=False
    )
    assert [(s.line, s.kind) for s in result.report.skipped][:3] == [
        (25, "DROP"),
        (26, "DATABASE"),
        (27, "USE"),
    ]


# -- SQLite -----------------------------------------------------------------------


def test_sqlite_affinity_and_autoincrement() -> None:
    result = load("sqlite", "blog")
    author = table(result.schema, "author")
    assert author.columns == (
        Column("id", "bigint", nullable=False, identity="BY DEFAULT"),
        Column("name", "text", nullable=False),
        Column("email", "character varying(120)", nullable=False),
        Column("karma", "double precision", default="0.0"),
        Column("avatar", "bytea"),
        Column("balance", "numeric(12,2)", default="0"),
        Column("joined", "timestamp without time zone", default="CURRENT_TIMESTAMP"),
        Column("active", "boolean", nullable=False, default="TRUE"),
        Column("legacy_code", "bigint"),
        Column("nickname", "character varying(40)"),
        Column("extra", "text"),
    )
    assert author.uniques == (UniqueConstraint(("email",)),)
    assert (15, "author.extra: The column has no type (SQLite BLOB affinity); it became text.") in {
        (w.line, w.message) for w in result.report.warnings
    }


def test_sqlite_constraints_indexes_view_and_trigger() -> None:
    result = load("sqlite", "blog")
    post = table(result.schema, "post")
    assert post.foreign_keys == (
        ForeignKey(("author_id",), "author", ("id",), on_delete="CASCADE"),
    )
    assert post.checks == (
        CheckConstraint("length(title) > 0"),
        CheckConstraint("status IN ('draft', 'published')"),
    )
    assert post.indexes == (
        Index(
            "post_author_idx",
            (IndexPart(column="author_id"), IndexPart(column="published_at", descending=True)),
        ),
        Index(
            "post_title_uq",
            (IndexPart(expression="lower(title)"),),
            unique=True,
            where="status = 'published'",
        ),
    )
    post_tag = table(result.schema, "post_tag")
    # "REFERENCES tag" without columns points at tag's primary key
    assert post_tag.foreign_keys[1] == ForeignKey(
        ("tag_name",), "tag", ("name",), on_update="CASCADE"
    )
    assert table(result.schema, "tag").primary_key == PrimaryKey(("name",))  # WITHOUT ROWID
    assert [v.name for v in result.schema.views] == ["published_post"]
    kinds = [(s.line, s.kind) for s in result.report.skipped]
    assert (38, "TRIGGER") in kinds  # its BEGIN … END body holds semicolons
    assert (47, "VIRTUAL TABLE") in kinds
    assert result.report.data_rows == 2


# -- SQL Server -------------------------------------------------------------------


def test_tsql_types_identity_and_defaults_for() -> None:
    result = load("tsql", "sales")
    customer = table(result.schema, "customer")
    assert customer.columns == (
        Column("customerid", "integer", nullable=False, identity="BY DEFAULT"),
        Column("name", "character varying(100)", nullable=False),
        Column("notes", "text"),
        Column("email", "character varying(255)"),
        Column("isactive", "boolean", nullable=False, default="TRUE"),
        Column(
            "createdat",
            "timestamp(6) without time zone",
            nullable=False,
            default="CURRENT_TIMESTAMP",
        ),
        Column("lastseen", "timestamp(6) with time zone"),
        Column("rowguid", "uuid", nullable=False, default="gen_random_uuid()"),
        Column("balance", "numeric(19,4)", nullable=False, default="0"),
        Column("age", "smallint"),
        Column("legacy", "timestamp(3) without time zone"),
        Column("photo", "bytea"),
    )
    assert customer.primary_key == PrimaryKey(("customerid",), name="pk_customer")
    assert customer.uniques == (UniqueConstraint(("email",), name="uq_customer_email"),)
    assert customer.checks == (CheckConstraint("age >= 0"),)  # tinyint is 0..255


def test_tsql_schemas_foreign_keys_checks_index_and_view() -> None:
    result = load("tsql", "sales")
    assert result.schema.schemas == ("sales",)
    order = table(result.schema, "order", "sales")
    assert order.column("orderid") == Column(
        "orderid",
        "bigint",
        nullable=False,
        identity="BY DEFAULT",
        identity_options="START WITH 1000 INCREMENT BY 5",
    )
    assert order.foreign_keys == (
        ForeignKey(
            ("customerid",),
            "customer",
            ("customerid",),
            name="fk_order_customer",
            on_delete="CASCADE",
        ),
    )
    assert order.checks == (CheckConstraint("total >= 0", name="ck_order_total"),)
    assert order.indexes == (
        Index(
            "ix_order_customer",
            (IndexPart(column="customerid"), IndexPart(column="orderdate", descending=True)),
            include=("total",),
            where="status <> 'cancelled'",
        ),
    )
    (view,) = result.schema.views
    assert (view.schema, view.name) == ("sales", "vcustomerorders")
    assert 'FROM customer AS c LEFT JOIN sales."order" AS o' in view.query
    kinds = [s.kind for s in result.report.skipped]
    assert kinds == ["USE", "SET", "SET", "ALTER", "ALTER", "ROUTINE", "INSERT"]


# -- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["mysql", "sqlite", "tsql"])
def test_empty_input_is_refused(dialect: str) -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("  \n ", dialect)
    assert err.value.message == ERR_EMPTY


def test_only_comments_is_refused() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("-- nothing\n/* here */\n", "mysql")
    assert err.value.message == ERR_NO_STATEMENTS


def test_binary_input_is_refused() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("SQLite format 3\x00\x04\x00\x01\x01", "sqlite")
    assert err.value.message == ERR_BINARY


def test_garbage_names_its_line() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("CREATE TABLE a (id int);\n\nhello world;\n", "mysql")
    assert (err.value.message, err.value.line) == (ERR_NOT_STATEMENT, 3)
    assert err.value.statement == "hello world"


def test_invalid_create_table_names_line_and_statement() -> None:
    text = "CREATE TABLE a (id int);\nCREATE TABLE b (\n  id int,\n  x int int int\n);\n"
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect(text, "mysql")
    assert err.value.line in (2, 4)
    assert err.value.statement.startswith("CREATE TABLE b")
    assert str(err.value).startswith(f"Line {err.value.line}: This statement is not valid MySQL")


def test_unterminated_string_is_reported() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_sql_dialect("CREATE TABLE a (id int);\nINSERT INTO a VALUES ('oops);\n", "mysql")
    assert err.value.line == 2


def test_one_bad_default_does_not_fail_the_import() -> None:
    result = import_sql_dialect(
        "CREATE TABLE a (id int, v varchar(5) DEFAULT (@@session.sql_mode));",
        "mysql",
    )
    assert table(result.schema, "a").column("v") == Column("v", "character varying(5)")
    assert [(w.line, w.message) for w in result.report.warnings] == [
        (
            1,
            "a.v: default @@session.sql_mode left out: @@session.sql_mode has no PostgreSQL meaning",
        )
    ]


# -- proof on a real PostgreSQL ---------------------------------------------------

SOURCES = [
    ("mysql", FIXTURES / "mysql" / "shop.sql"),
    ("mysql", FIXTURES / "mysql" / "phpmyadmin.sql"),
    ("mysql", FIXTURES / "mysql" / "mysqldump_view.sql"),
    ("sqlite", FIXTURES / "sqlite" / "blog.sql"),
    ("tsql", FIXTURES / "tsql" / "sales.sql"),
]


def catalog_counts(dsn: str) -> tuple[int, int, int]:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')),
                   (SELECT count(*) FROM pg_constraint WHERE contype = 'f'),
                   (SELECT count(*) FROM pg_views
                     WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))
            """
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


@pytest.mark.parametrize(
    ("dialect", "path"), SOURCES, ids=[p.parent.name + "/" + p.name for _, p in SOURCES]
)
def test_fixture_exports_to_valid_postgresql(dialect: str, path: Path, pg_db: str) -> None:
    result = import_sql_dialect(path.read_text(), dialect)
    apply_sql(pg_db, export_postgres(result.schema).text)
    counts = result.report.counts
    assert catalog_counts(pg_db) == (counts["tables"], counts["foreign_keys"], counts["views"])


@pytest.mark.parametrize("name", ["sakila_mysql.sql", "employees_mysql.sql"])
def test_mysql_corpus_exports_to_valid_postgresql(name: str, corpus_dir: Path, pg_db: str) -> None:
    result = import_sql_dialect((corpus_dir / name).read_text(), "mysql", source_name=name)
    apply_sql(pg_db, export_postgres(result.schema).text)
    counts = result.report.counts
    assert catalog_counts(pg_db) == (counts["tables"], counts["foreign_keys"], counts["views"])


def test_untranslatable_view_is_kept_as_commented_raw_sql(pg_db: str) -> None:
    text = (
        "CREATE TABLE t (a int);\n"
        "CREATE DEFINER=`x`@`%` VIEW `numbered` AS SELECT @n := @n + 1 AS n FROM t;\n"
        "CREATE VIEW `odd` AS SELECT * FROM t PROCEDURE ANALYSE();\n"
    )
    result = import_sql_dialect(text, "mysql")
    assert result.schema.views == ()
    assert [r.kind for r in result.schema.raw] == ["CREATE VIEW", "CREATE VIEW"]
    assert result.schema.raw[0].sql == (
        "-- View numbered (MySQL, not transpiled):\n"
        "-- CREATE DEFINER=`x`@`%` VIEW `numbered` AS SELECT @n := @n + 1 AS n FROM t"
    )
    assert [(r.line, r.kind) for r in result.report.raw] == [(2, "CREATE VIEW"), (3, "CREATE VIEW")]
    assert [w.line for w in result.report.warnings] == [2, 3]
    # the export still applies: the views are there to read, as comments
    apply_sql(pg_db, export_postgres(result.schema).text)


def test_sqlite_free_form_type_names_follow_affinity_rules() -> None:
    result = import_sql_dialect(
        "CREATE TABLE t (a BIGINTEGERISH, b SHORTCHARS, c PICTUREBLOB, d FLOATISH, e MONEYISH);",
        "sqlite",
    )
    assert [c.type for c in table(result.schema, "t").columns] == [
        "bigint",
        "text",
        "bytea",
        "double precision",
        "numeric",
    ]
    assert (
        messages(result)[0]
        == "t.a: Type “BIGINTEGERISH” has SQLite INTEGER affinity; it became bigint."
    )


def test_tsql_go_batches_and_semicolons() -> None:
    text = "CREATE TABLE a (id int)\nGO\nCREATE TABLE b (id int); CREATE TABLE c (id int)\ngo 2\n"
    statements, _ = split_statements(text, "tsql")
    assert [(s.line, s.text) for s in statements] == [
        (1, "CREATE TABLE a (id int)"),
        (3, "CREATE TABLE b (id int)"),
        (3, "CREATE TABLE c (id int)"),
    ]


TYPE_CASES = [
    ("mysql", "int(11)", "integer"),
    ("mysql", "tinyint(1)", "boolean"),
    ("mysql", "tinyint", "smallint"),
    ("mysql", "tinyint unsigned", "smallint"),
    ("mysql", "smallint unsigned", "integer"),
    ("mysql", "int unsigned", "bigint"),
    ("mysql", "bigint unsigned", "bigint"),
    ("mysql", "mediumint", "integer"),
    ("mysql", "datetime", "timestamp without time zone"),
    ("mysql", "datetime(6)", "timestamp(6) without time zone"),
    ("mysql", "timestamp", "timestamp with time zone"),
    ("mysql", "double", "double precision"),
    ("mysql", "float", "real"),
    ("mysql", "decimal(12,3)", "numeric(12,3)"),
    ("mysql", "longtext", "text"),
    ("mysql", "mediumtext", "text"),
    ("mysql", "varchar(30)", "character varying(30)"),
    ("mysql", "char(2)", "character(2)"),
    ("mysql", "blob", "bytea"),
    ("mysql", "varbinary(16)", "bytea"),
    ("mysql", "year", "smallint"),
    ("mysql", "bit(1)", "boolean"),
    ("mysql", "bit(8)", "bit(8)"),
    ("mysql", "geometry", "text"),
    ("sqlite", "INTEGER", "bigint"),
    ("sqlite", "TEXT", "text"),
    ("sqlite", "REAL", "double precision"),
    ("sqlite", "BLOB", "bytea"),
    ("sqlite", "NUMERIC", "numeric"),
    ("sqlite", "CLOB", "text"),
    ("sqlite", "DATETIME", "timestamp without time zone"),
    ("tsql", "NVARCHAR(MAX)", "text"),
    ("tsql", "VARCHAR(MAX)", "text"),
    ("tsql", "NVARCHAR(40)", "character varying(40)"),
    ("tsql", "DATETIME2", "timestamp without time zone"),
    ("tsql", "DATETIME2(3)", "timestamp(3) without time zone"),
    ("tsql", "DATETIMEOFFSET", "timestamp with time zone"),
    ("tsql", "DATETIME", "timestamp(3) without time zone"),
    ("tsql", "SMALLDATETIME", "timestamp(0) without time zone"),
    ("tsql", "UNIQUEIDENTIFIER", "uuid"),
    ("tsql", "BIT", "boolean"),
    ("tsql", "MONEY", "numeric(19,4)"),
    ("tsql", "SMALLMONEY", "numeric(10,4)"),
    ("tsql", "FLOAT", "double precision"),
    ("tsql", "FLOAT(24)", "real"),
    ("tsql", "IMAGE", "bytea"),
    ("tsql", "NTEXT", "text"),
    ("tsql", "XML", "xml"),
    ("tsql", "ROWVERSION", "bytea"),
]


@pytest.mark.parametrize(("dialect", "declared", "expected"), TYPE_CASES)
def test_documented_type_mapping(dialect: str, declared: str, expected: str) -> None:
    result = import_sql_dialect(f"CREATE TABLE t (c {declared});", dialect)
    assert table(result.schema, "t").columns[0].type == expected


def test_mysqldump_view_stand_in_table_is_replaced_by_the_view() -> None:
    result = load("mysql", "mysqldump_view")
    assert [t.name for t in result.schema.tables] == ["city"]
    (view,) = result.schema.views
    assert view.query == (
        "SELECT city.id AS id, city.name AS name FROM city WHERE city.population > 1000000"
    )
    assert table(result.schema, "city").column("population") == Column(
        "population", "integer", nullable=False, default="'0'"
    )
    assert [(w.line, w.message) for w in result.report.warnings] == [
        (41, "DROP removes the view big_city defined at line 32; it is not imported.")
    ]
    assert result.report.data_rows == 2
