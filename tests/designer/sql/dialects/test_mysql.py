"""MySQL and MariaDB: reading their DDL (``designer.sql.dialects.mysql`` read hooks) and
writing it (write hooks), case by case."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.ddl import catalog_counts, col, column_line, load, messages, one_table, table

from designer.schema.model import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import normalize_expr
from designer.sql.export_postgres import export_postgres
from designer.sql.readers.splitter import split_statements
from designer.sql.readers.sqlglot import import_sql_dialect
from designer.sql.server import apply_sql
from designer.sql.translate import export_mariadb, export_mysql

# -- reading ----------------------------------------------------------------------

READ_TYPES = [
    ("int(11)", "integer"),
    ("tinyint(1)", "boolean"),
    ("tinyint", "smallint"),
    ("tinyint unsigned", "smallint"),
    ("smallint unsigned", "integer"),
    ("int unsigned", "bigint"),
    ("bigint unsigned", "bigint"),
    ("mediumint", "integer"),
    ("datetime", "timestamp without time zone"),
    ("datetime(6)", "timestamp(6) without time zone"),
    ("timestamp", "timestamp with time zone"),
    ("double", "double precision"),
    ("float", "real"),
    ("decimal(12,3)", "numeric(12,3)"),
    ("longtext", "text"),
    ("mediumtext", "text"),
    ("varchar(30)", "character varying(30)"),
    ("char(2)", "character(2)"),
    ("blob", "bytea"),
    ("varbinary(16)", "bytea"),
    ("year", "smallint"),
    ("bit(1)", "boolean"),
    ("bit(8)", "bit(8)"),
    ("geometry", "text"),
]


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


@pytest.mark.parametrize(("declared", "expected"), READ_TYPES)
def test_documented_type_mapping_in(declared: str, expected: str) -> None:
    result = import_sql_dialect(f"CREATE TABLE t (c {declared});", "mysql")
    assert table(result.schema, "t").columns[0].type == expected


# -- writing ----------------------------------------------------------------------

WRITE_TYPES = [
    ("integer", "INT"),
    ("bigint", "BIGINT"),
    ("numeric(12,2)", "DECIMAL(12,2)"),
    ("varchar(40)", "VARCHAR(40)"),
    ("text", "LONGTEXT"),
    ("boolean", "BOOLEAN"),
    ("timestamptz", "DATETIME(6)"),
    ("timestamp(3)", "DATETIME(3)"),
    ("jsonb", "JSON"),
    ("uuid", "CHAR(36)"),
    ("bytea", "LONGBLOB"),
    ("text[]", "JSON"),
    ("inet", "VARCHAR(49)"),
]


def test_mysql_quotes_with_backticks_doubling_a_backtick_inside_a_name() -> None:
    schema = Schema(tables=(Table(name="we`ird", columns=(col("a`b", "integer"),)),))
    text = export_mysql(schema).text
    assert "CREATE TABLE `we``ird` (" in text
    assert "`a``b` INT" in text


def test_mariadb_writes_uuid_natively() -> None:
    assert "`c` UUID" in export_mariadb(one_table(col("c", "uuid"))).text


def test_mysql_doubles_backslashes_in_literals() -> None:
    schema = Schema(tables=(Table(name="t", columns=(col("c", "text"),), comment="a\\b 'q'"),))
    assert "COMMENT='a\\\\b ''q'''" in export_mysql(schema).text


@pytest.mark.parametrize(("pg", "mysql"), WRITE_TYPES)
def test_types_map_out(pg: str, mysql: str) -> None:
    schema = one_table(col("c", pg))
    assert column_line(export_mysql(schema).text, "`c`") == f"`c` {mysql}"


# -- exports that apply (issue 11): key length, long VARCHAR, refused CHECKs -------------------


def _long_keys() -> Schema:
    from designer.schema.model import Column, ForeignKey, Index, IndexPart, Table

    columns = (
        Column("id", "integer", nullable=False),
        Column("a", "character varying(800)"),
        Column("b", "character varying(800)"),
        Column("essay", "character varying(20000)"),
        Column("parent_id", "integer"),
    )
    return Schema(
        tables=(
            Table(
                name="doc",
                columns=columns,
                primary_key=PrimaryKey(("id",)),
                uniques=(UniqueConstraint(("a", "b"), name="doc_a_b"),),
                indexes=(Index("doc_b", (IndexPart(column="b"),)),),
                checks=(CheckConstraint(normalize_expr("parent_id > 0"), name="doc_parent"),),
                foreign_keys=(
                    ForeignKey(("parent_id",), "doc", ("id",), name="doc_up", on_delete="CASCADE"),
                ),
            ),
        )
    )


def test_keys_over_3072_bytes_get_prefix_lengths_with_a_warning() -> None:
    result = export_mysql(_long_keys())
    assert "UNIQUE (`a`(384), `b`(384))" in result.text
    assert (
        "MySQL 8 keys hold at most 3072 bytes (utf8mb4: 4 bytes a character): unique constraint"
        " doc_a_b on doc (6144 bytes) indexes, and for a unique key compares, only the first 384"
        " characters of a, b."
    ) in result.warnings
    assert "CREATE INDEX `doc_b` ON `doc` (`b`);" in result.text  # VARCHAR(768): 3072 bytes


def test_varchar_over_16383_characters_becomes_mediumtext_with_a_warning() -> None:
    result = export_mysql(_long_keys())
    assert "`essay` MEDIUMTEXT" in result.text
    assert any(
        "character varying(20000) column(s) written as MEDIUMTEXT (VARCHAR holds at most 16383"
        " utf8mb4 characters)" in w
        for w in result.warnings
    )


def test_a_check_on_a_column_a_foreign_key_action_changes_is_left_out_with_a_warning() -> None:
    result = export_mariadb(_long_keys())
    assert "CONSTRAINT `doc_parent`" not in result.text
    assert (
        "MariaDB 10.11 refuses a CHECK on column parent_id, which foreign key doc_up changes"
        " (ON DELETE CASCADE): check doc_parent on doc (`parent_id` > 0) was left out."
    ) in result.warnings
