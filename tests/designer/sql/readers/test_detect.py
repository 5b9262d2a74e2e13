"""detect_format: which importer a file needs, from its name and its content."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.sql.readers.detect import detect_format

FIXTURES = Path(__file__).parents[1] / "fixtures"

CORPUS = {
    "adventureworks.dbml": "dbml",
    "dbml_playground_ecommerce.dbml": "dbml",
    "dbml_cli_postgres_introspection.dbml": "dbml",
    "sakila_mysql.sql": "mysql",
    "employees_mysql.sql": "mysql",
    "pagila.sql": "postgres",
    "pagila_temporal.sql": "postgres",
    "chinook.sql": "postgres",
    "northwind.sql": "postgres",
    "adventureworks.sql": "postgres",
    "openstreetmap_website.sql": "postgres",
    "graphile_starter.sql": "postgres",
    "graphile_starter.prelude.sql": "postgres",
}


@pytest.mark.parametrize(("name", "expected"), sorted(CORPUS.items()))
def test_corpus_file_by_content_alone(name: str, expected: str, corpus_dir: Path) -> None:
    assert detect_format((corpus_dir / name).read_text()) == expected


@pytest.mark.parametrize(("name", "expected"), sorted(CORPUS.items()))
def test_corpus_file_with_its_name(name: str, expected: str, corpus_dir: Path) -> None:
    assert detect_format((corpus_dir / name).read_text(), name) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("mysql/shop.sql", "mysql"),
        ("mysql/phpmyadmin.sql", "mysql"),
        ("mysql/mysqldump_view.sql", "mysql"),
        ("sqlite/blog.sql", "sqlite"),
        ("tsql/sales.sql", "tsql"),
        ("dbml/features.dbml", "dbml"),
    ],
)
def test_fixtures(path: str, expected: str) -> None:
    assert detect_format((FIXTURES / path).read_text()) == expected


def test_extension_wins_over_content() -> None:
    assert detect_format("CREATE TABLE t (id int);", "schema.dbml") == "dbml"
    assert detect_format("CREATE TABLE t (id int);", "app.sqlite3") == "sqlite"


def test_plain_sql_defaults_to_postgres() -> None:
    assert detect_format("CREATE TABLE t (id integer PRIMARY KEY, name text);") == "postgres"
    assert detect_format("") == "postgres"


def test_clues_in_comments_and_strings_do_not_count() -> None:
    text = (
        "-- converted from MySQL: ENGINE=InnoDB AUTO_INCREMENT DELIMITER\n"
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, note text DEFAULT 'GO');\n"
    )
    assert detect_format(text) == "postgres"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT) ENGINE=InnoDB;", "mysql"),
        ("CREATE TABLE [dbo].[t] ([id] INT IDENTITY(1,1) NOT NULL)\nGO\n", "tsql"),
        (
            "PRAGMA foreign_keys=OFF;\nCREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);",
            "sqlite",
        ),
        ("Table users {\n  id int [pk]\n}\nRef: posts.user_id > users.id\n", "dbml"),
        (
            "CREATE TABLE t (id serial PRIMARY KEY, at timestamptz DEFAULT now()::timestamptz);",
            "postgres",
        ),
    ],
)
def test_small_snippets(text: str, expected: str) -> None:
    assert detect_format(text) == expected
