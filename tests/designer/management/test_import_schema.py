"""The import_schema CLI: files and live databases, atomic, clear errors."""

import pytest
from django.core.management import CommandError, call_command

from designer.selectors.design import project_schema
from designer.sql import server as pgserver
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def admin(django_user_model):
    return django_user_model.objects.create_user("admin", password="pw-long-enough-1")


def test_import_a_corpus_file_into_a_new_project(corpus_dir, capsys):
    call_command("import_schema", "chinook", str(corpus_dir / "chinook.sql"), "--create")
    schema = project_schema(Project.objects.get(slug="chinook"))
    assert len(schema.tables) == 11
    assert sum(len(t.foreign_keys) for t in schema.tables) == 11
    assert "Imported into chinook: 11 tables" in capsys.readouterr().out


def test_without_create_the_project_must_exist(tmp_path):
    sql = tmp_path / "a.sql"
    sql.write_text("CREATE TABLE a (id int);")
    with pytest.raises(CommandError, match="use --create"):
        call_command("import_schema", "nope", str(sql))


def test_invalid_sql_names_file_and_line_and_changes_nothing(tmp_path):
    call_command("seed_demo")
    before = project_schema(Project.objects.get(slug="demo"))
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE ok (id int);\n\nCREATE TABLE broken (id int,, x text);\n")
    with pytest.raises(CommandError) as info:
        call_command("import_schema", "demo", str(bad))
    message = str(info.value)
    assert message.startswith(f"{bad}: Line 3:")
    assert "CREATE TABLE broken" in message
    assert project_schema(Project.objects.get(slug="demo")) == before


def test_a_binary_file_is_refused(tmp_path):
    blob = tmp_path / "x.sql"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(CommandError, match="binary"):
        call_command("import_schema", "x", str(blob), "--create")
    assert not Project.objects.filter(slug="x").exists()


def test_import_from_a_live_database_replaces_the_design(pg_db):
    pgserver.apply_sql(
        pg_db,
        "CREATE TABLE parent (id bigint PRIMARY KEY);"
        "CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent ON DELETE CASCADE);"
        "COMMENT ON TABLE child IS 'kids';",
    )
    call_command("seed_demo")
    call_command("import_schema", "demo", "--dsn", pg_db)
    schema = project_schema(Project.objects.get(slug="demo"))
    assert [t.name for t in schema.tables] == ["child", "parent"]
    assert schema.table("child").comment == "kids"
    assert schema.table("child").foreign_keys[0].on_delete == "CASCADE"


def test_a_live_import_error_never_shows_the_password():
    with pytest.raises(CommandError) as info:
        call_command(
            "import_schema", "x", "--create", "--dsn", "postgresql://u:s3cret@127.0.0.1:1/db"
        )
    assert "s3cret" not in str(info.value)
    assert not Project.objects.filter(slug="x").exists()


def test_tables_of_one_name_in_two_schemas_keep_their_own_columns_keys_and_indexes(tmp_path):
    """Rows are written in bulk and tables' ids read back by qualified name: each column, key
    and index must land on its own table, and the same expression at two places reads once."""
    sql = tmp_path / "two.sql"
    sql.write_text(
        "CREATE SCHEMA sales;\n"
        "CREATE TABLE sales.item (id bigint PRIMARY KEY, price numeric DEFAULT 0 NOT NULL,\n"
        "  CONSTRAINT price_positive CHECK (price >= 0));\n"
        "CREATE TABLE public.item (code text NOT NULL DEFAULT 'x', id bigint);\n"
        "ALTER TABLE ONLY public.item ADD CONSTRAINT item_fk FOREIGN KEY (id)\n"
        "  REFERENCES sales.item(id) ON DELETE CASCADE;\n"
        "CREATE INDEX item_code_idx ON public.item USING btree (lower(code));\n"
        "CREATE INDEX item_price_idx ON sales.item USING btree (lower(price::text));\n"
    )
    call_command("import_schema", "two", str(sql), "--create")
    schema = project_schema(Project.objects.get(slug="two"))
    sales = schema.table("item", "sales")
    public = schema.table("item", "public")
    assert sales is not None and public is not None
    assert [(c.name, c.default, c.nullable) for c in sales.columns] == [
        ("id", None, True),  # NOT NULL through the primary key
        ("price", "0", False),
    ]
    assert [(c.name, c.default, c.nullable) for c in public.columns] == [
        ("code", "'x'", False),
        ("id", None, True),
    ]
    assert sales.primary_key is not None and sales.primary_key.columns == ("id",)
    assert [c.expression for c in sales.checks] == ["price >= 0"]
    assert [(f.ref_schema, f.ref_table, f.on_delete) for f in public.foreign_keys] == [
        ("sales", "item", "CASCADE")
    ]
    assert [i.name for i in public.indexes] == ["item_code_idx"]
    assert [i.name for i in sales.indexes] == ["item_price_idx"]
    assert not public.checks and public.primary_key is None
