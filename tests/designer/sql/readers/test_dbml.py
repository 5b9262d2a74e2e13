"""import_dbml: DBML (pydbml) into the Schema model, including what pydbml cannot read."""

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
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import normalize_expr
from designer.sql.export_postgres import export_postgres
from designer.sql.readers.dbml import (
    ERR_CHECKS_UNCLOSED,
    ERR_DBML_NOTHING,
    group_color,
    import_dbml,
)
from designer.sql.readers.report import ImportResult, SchemaImportError
from designer.sql.readers.splitter import ERR_BINARY, ERR_EMPTY
from designer.sql.server import apply_sql

FEATURES = Path(__file__).parents[1] / "fixtures" / "dbml" / "features.dbml"


@pytest.fixture(scope="module")
def features() -> ImportResult:
    return import_dbml(FEATURES.read_text(), source_name="features.dbml")


def table(schema: Schema, name: str, namespace: str = "public") -> Table:
    found = schema.table(name, namespace)
    assert found is not None, name
    return found


def test_columns_defaults_identity_and_notes(features: ImportResult) -> None:
    member = table(features.schema, "member", "lending")
    assert member.columns == (
        Column("id", "bigint", nullable=False, identity="BY DEFAULT"),
        Column("email", "character varying(255)", nullable=False, comment="login"),
        Column("display_name", "character varying(80)", nullable=False, default="'anonymous'"),
        Column("credit", "numeric(8,2)", nullable=False, default="0.5"),
        Column("max_loans", "integer", default="3"),
        Column("active", "boolean", default=normalize_expr("true")),
        Column("joined_at", "timestamp with time zone", default="now()"),
        Column("tags", "text[]"),
    )
    assert member.primary_key == PrimaryKey(("id",))
    assert member.uniques == (UniqueConstraint(("email",)),)
    assert member.comment == "People who borrow books"


def test_check_setting_and_checks_block_are_lifted(features: ImportResult) -> None:
    assert table(features.schema, "member", "lending").checks == (CheckConstraint("credit >= 0"),)
    assert table(features.schema, "book", "catalog").checks == (
        CheckConstraint("length(isbn) = 13", name="book_isbn_length"),
        CheckConstraint("published > '1450-01-01'"),
    )


def test_enums_schemas_and_enum_columns(features: ImportResult) -> None:
    assert features.schema.enums == (
        EnumType("loan_state", ("open", "returned", "lost"), schema="lending"),
    )
    assert features.schema.schemas == ("catalog", "lending")
    loan = table(features.schema, "loan", "lending")
    assert loan.column("state") == Column(
        "state", "lending.loan_state", nullable=False, default="'open'"
    )
    assert loan.column("due") == Column(
        "due", "date", nullable=False, default=normalize_expr("current_date + 14")
    )
    assert loan.primary_key == PrimaryKey(("member_id", "isbn", "copy_no"), name="loan_pkey")


def test_indexes(features: ImportResult) -> None:
    book = table(features.schema, "book", "catalog")
    assert book.indexes == (
        Index("book_title_idx", (IndexPart(column="title"),)),
        Index(
            "book_author_id_published_idx",
            (IndexPart(column="author_id"), IndexPart(column="published")),
            unique=True,
        ),
        Index("book_search_idx", (IndexPart(column="search"),), method="gin"),
        Index("book_title_lower_idx", (IndexPart(expression="lower(title)"),)),
        Index("book_author_id_idx", (IndexPart(column="author_id"),), method="hash"),
    )
    assert table(features.schema, "copy", "catalog").primary_key == PrimaryKey(("isbn", "copy_no"))


def test_refs_inline_top_level_and_composite(features: ImportResult) -> None:
    assert table(features.schema, "book", "catalog").foreign_keys == (
        ForeignKey(("author_id",), "author", ("id",), ref_schema="catalog"),
    )
    assert table(features.schema, "loan", "lending").foreign_keys == (
        ForeignKey(
            ("member_id",),
            "member",
            ("id",),
            ref_schema="lending",
            name="loan_member",
            on_delete="CASCADE",
        ),
        # "copy.(…) < loan.(…)": the right side holds the foreign key
        ForeignKey(
            ("isbn", "copy_no"),
            "copy",
            ("isbn", "copy_no"),
            ref_schema="catalog",
            on_delete="RESTRICT",
        ),
    )


def test_groups_colours_and_project(features: ImportResult) -> None:
    schema = features.schema
    member = table(schema, "member", "lending")
    assert (member.group, member.color) == ("lending", "#3498DB")  # its own headercolor wins
    loan = table(schema, "loan", "lending")
    assert (loan.group, loan.color) == ("lending", group_color("lending"))
    assert {table(schema, n, "catalog").color for n in ("book", "author", "copy")} == {"#2ECC71"}
    assert [(s.line, s.kind) for s in features.report.skipped] == [(2, "Project")]
    assert (7, "Enum loan_state: value notes are not kept.") in {
        (w.line, w.message) for w in features.report.warnings
    }


def test_group_colour_is_deterministic() -> None:
    assert group_color("billing") == group_color("billing")
    assert group_color("billing").startswith("#")


# -- corpus -----------------------------------------------------------------------


def test_playground_ecommerce_imports_completely(corpus_dir: Path) -> None:
    result = import_dbml((corpus_dir / "dbml_playground_ecommerce.dbml").read_text())
    counts = result.report.counts
    assert (counts["tables"], counts["foreign_keys"], counts["enums"]) == (5, 5, 3)
    assert counts["indexes"] == 11
    assert {t.group for t in result.schema.tables} == {"ecommerce_core"}
    categories = table(result.schema, "categories")
    assert categories.foreign_keys == (ForeignKey(("parent_id",), "categories", ("id",)),)
    users = table(result.schema, "users")
    assert users.column("status") == Column("status", "user_status", default="'active'")
    assert users.comment == "Stores user account information"


def test_cli_introspection_imports_with_checks(corpus_dir: Path) -> None:
    result = import_dbml((corpus_dir / "dbml_cli_postgres_introspection.dbml").read_text())
    counts = result.report.counts
    assert (counts["tables"], counts["foreign_keys"], counts["enums"]) == (15, 4, 5)
    assert counts["check_constraints"] == 11  # 10 check: settings + 1 Checks block
    assert counts["indexes"] == 8  # plus 2 composite primary keys
    assert result.schema.enum("enum_type1", "dbml_test") is not None
    assert result.schema.enum("enum_type1") is not None
    products = table(result.schema, "products")
    assert CheckConstraint("created_at <= updated_at", name="chk_created_at") in products.checks
    authors = table(result.schema, "authors")
    assert authors.primary_key == PrimaryKey(("authorid", "nationalityid"), name="authors_pkey")
    books = table(result.schema, "books")
    assert books.foreign_keys == (
        ForeignKey(
            ("authorid", "nationalityid"),
            "authors",
            ("authorid", "nationalityid"),
            name="fk_authornationality",
            on_delete="CASCADE",
        ),
    )
    # the JSON defaults are not SQL expressions: left out, with the line
    assert [w.line for w in result.report.warnings if "json" in w.message] == [113, 114]


def test_adventureworks_dbml_imports_with_checks(corpus_dir: Path) -> None:
    result = import_dbml((corpus_dir / "adventureworks.dbml").read_text())
    counts = result.report.counts
    assert (counts["tables"], counts["foreign_keys"], counts["check_constraints"]) == (68, 90, 88)
    assert counts["primary_keys"] == 68
    assert result.schema.schemas == (
        "humanresources",
        "person",
        "production",
        "purchasing",
        "sales",
    )
    employee = table(result.schema, "employee", "humanresources")
    assert employee.column("salariedflag") == Column(
        "salariedflag",
        'public."Flag"',
        nullable=False,
        default=normalize_expr("true"),
        comment="Job classification. 0 = Hourly, not exempt from collective bargaining. "
        "1 = Salaried, exempt from collective bargaining.",
    )
    assert (
        18,
        'employee.salariedflag: type public."Flag" is neither built in nor declared in this '
        "DBML; create it before applying the schema.",
    ) in {(w.line, w.message) for w in result.report.warnings}


# -- errors -----------------------------------------------------------------------


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_dbml("Table a {\n  id int [pk\n}\n")
    assert err.value.line == 3
    assert err.value.message.startswith("DBML syntax error: ")


def test_garbage_empty_and_binary_are_refused() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_dbml("hello world")
    assert err.value.line == 1
    with pytest.raises(SchemaImportError) as err:
        import_dbml("")
    assert err.value.message == ERR_EMPTY
    with pytest.raises(SchemaImportError) as err:
        import_dbml("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert err.value.message == ERR_BINARY
    with pytest.raises(SchemaImportError) as err:
        import_dbml("// only a comment\n")
    assert err.value.message == ERR_DBML_NOTHING


def test_unknown_table_in_ref_is_a_clear_error() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_dbml("Table a {\n  id int\n}\nRef: a.id > b.id\n")
    assert "public.b" in err.value.message


def test_unclosed_checks_block_names_its_line() -> None:
    with pytest.raises(SchemaImportError) as err:
        import_dbml("Table a {\n  id int\n  checks {\n    `id > 0`\n")
    assert (err.value.message, err.value.line) == (ERR_CHECKS_UNCLOSED, 3)


# -- proof on a real PostgreSQL ---------------------------------------------------

# adventureworks.dbml names objects its source database had but the DBML does not declare:
# the domains (as in adventureworks.sql), uuid-ossp's uuid_generate_v1() and a type
# "charactervarying" that dbml's converter wrote for "character varying".
ADVENTUREWORKS_PRELUDE = """
CREATE DOMAIN public."OrderNumber" varchar(25) NULL;
CREATE DOMAIN public."AccountNumber" varchar(15) NULL;
CREATE DOMAIN public."Flag" boolean NOT NULL;
CREATE DOMAIN public."NameStyle" boolean NOT NULL;
CREATE DOMAIN public."Name" varchar(50) NULL;
CREATE DOMAIN public."Phone" varchar(25) NULL;
CREATE DOMAIN public.charactervarying AS varchar;
CREATE FUNCTION public.uuid_generate_v1() RETURNS uuid LANGUAGE sql AS 'SELECT gen_random_uuid()';
"""


def catalog_counts(dsn: str) -> tuple[int, int, int]:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')),
                   (SELECT count(*) FROM pg_constraint WHERE contype = 'f'),
                   (SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid <> 0)
            """
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


@pytest.mark.parametrize(
    ("name", "prelude"),
    [
        ("dbml_playground_ecommerce.dbml", ""),
        ("dbml_cli_postgres_introspection.dbml", ""),
        ("adventureworks.dbml", ADVENTUREWORKS_PRELUDE),
        ("features.dbml", ""),
    ],
)
def test_dbml_exports_to_valid_postgresql(
    name: str, prelude: str, corpus_dir: Path, pg_db: str
) -> None:
    path = FEATURES if name == "features.dbml" else corpus_dir / name
    result = import_dbml(path.read_text(), source_name=name)
    apply_sql(pg_db, prelude + export_postgres(result.schema).text)
    counts = result.report.counts
    assert catalog_counts(pg_db) == (
        counts["tables"],
        counts["foreign_keys"],
        counts["check_constraints"],
    )


def test_one_to_one_and_many_to_many_refs() -> None:
    text = (
        "Table person {\n  id int [pk]\n}\n"
        "Table passport {\n  id int [pk]\n  person_id int [unique]\n}\n"
        "Table club {\n  id int [pk]\n}\n"
        "Ref: passport.person_id - person.id\n"
        "Ref: person.id <> club.id\n"
    )
    result = import_dbml(text)
    # "-": the left side holds the foreign key
    assert table(result.schema, "passport").foreign_keys == (
        ForeignKey(("person_id",), "person", ("id",)),
    )
    assert table(result.schema, "person").foreign_keys == ()
    assert [(w.line, w.message) for w in result.report.warnings] == [
        (
            1,
            "Many-to-many ref person.(id) <> club.(id) has no single foreign key; add a join table.",
        )
    ]


def test_increment_on_a_non_integer_column_is_reported() -> None:
    result = import_dbml("Table t {\n  code varchar [pk, increment]\n}\n")
    assert table(result.schema, "t").column("code") == Column(
        "code", "character varying", nullable=False
    )
    assert [(w.line, w.message) for w in result.report.warnings] == [
        (2, "t.code: increment needs an integer type, not character varying; ignored.")
    ]
