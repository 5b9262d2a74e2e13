"""The SQLAlchemy export builds, with ``create_all``, the same catalog as our DDL."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import conninfo

from designer.demo import demo_schema
from designer.export.orm_sqlalchemy import export_sqlalchemy
from designer.schema.model import (
    CheckConstraint,
    Column,
    EnumType,
    ExcludeConstraint,
    ExcludeElement,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import normalize_expr, normalize_type
from designer.sql import server as pgserver
from designer.sql.export_postgres import export_postgres

CATALOG_QUERIES = {
    "tables": """
        SELECT n.nspname || '.' || c.relname, c.relkind::text,
               coalesce(obj_description(c.oid, 'pg_class'), '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'""",
    "columns": """
        SELECT n.nspname || '.' || c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
               a.attidentity::text, a.attgenerated::text,
               coalesce(pg_get_expr(d.adbin, d.adrelid), ''),
               coalesce(col_description(c.oid, a.attnum), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')""",
    "constraints": """
        SELECT n.nspname || '.' || c.relname || '.' || k.conname, k.contype::text,
               pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND k.contype <> 'n'""",
    "indexes": """
        SELECT n.nspname || '.' || i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'""",
    "enums": """
        SELECT n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
        JOIN pg_namespace n ON n.oid = t.typnamespace GROUP BY 1""",
}


def _col(name: str, type_: str, **kw: object) -> Column:
    if kw.get("default") is not None:
        kw["default"] = normalize_expr(str(kw["default"]))
    if kw.get("generated") is not None:
        kw["generated"] = normalize_expr(str(kw["generated"]))
    return Column(name, normalize_type(type_), **kw)  # type: ignore[arg-type]


# A design richer than the demo, inside what the ORM export claims to carry (no views,
# domains, policies or partitions), with names that need quoting and a second schema.
def rich_design() -> Schema:
    account = Table(
        name="account",
        schema="app",
        columns=(
            _col(
                "id",
                "integer",
                nullable=False,
                identity="BY DEFAULT",
                identity_options="START WITH 100 INCREMENT BY 10",
            ),
            _col("handle", "varchar(40)", nullable=False, comment='Shown as "@handle" <b>'),
            _col("Display Name", "text"),
            _col("kind", "app.account_kind", nullable=False, default="'person'::app.account_kind"),
            _col("tags", "text[]", nullable=False, default="'{}'::text[]"),
            _col("balance", "numeric(12,2)", nullable=False, default="0"),
            _col("external_id", "uuid"),
            _col("joined_on", "date", nullable=False, default="CURRENT_DATE"),
            _col("seen_at", "timestamp(3) with time zone"),
            _col("grace", "interval"),
            _col("settings", "jsonb"),
            _col("handle_lower", "text", generated="lower(handle::text)"),
        ),
        primary_key=PrimaryKey(("id",), name="account_pk"),
        uniques=(
            UniqueConstraint(("handle",)),
            UniqueConstraint(("external_id",), name="account_external_uq", nulls_not_distinct=True),
        ),
        checks=(CheckConstraint(normalize_expr("balance >= 0"), name="balance_not_negative"),),
        indexes=(
            Index(
                "account_seen_idx",
                (IndexPart(column="seen_at", descending=True, nulls_first=False),),
                include=("handle",),
                where=normalize_expr("seen_at IS NOT NULL"),
            ),
            Index(
                "account_name_lower_idx",
                (IndexPart(expression=normalize_expr('lower("Display Name")')),),
            ),
            Index(
                "account_handle_pattern_idx",
                (IndexPart(column="handle", opclass="varchar_pattern_ops"),),
            ),
            Index("account_tags_gin", (IndexPart(column="tags"),), method="gin"),
        ),
        comment="Accounts; the comment has 'quotes'",
    )
    membership = Table(
        name="membership",
        schema="app",
        columns=(
            _col("account_id", "integer", nullable=False),
            _col("team", "varchar(20)", nullable=False),
            _col("role", "text", nullable=False, default="'member'::text"),
            _col("valid", "tstzrange", nullable=False),
        ),
        primary_key=PrimaryKey(("account_id", "team")),
        foreign_keys=(
            ForeignKey(("account_id",), "account", ("id",), ref_schema="app", on_delete="CASCADE"),
        ),
        excludes=(
            ExcludeConstraint(
                elements=(ExcludeElement("valid", "&&"),), name="membership_no_overlap"
            ),
        ),
    )
    grant = Table(
        name="grant",
        schema="public",
        columns=(
            _col("id", "bigint", nullable=False, identity="ALWAYS"),
            _col("account_id", "integer", nullable=False),
            _col("team", "varchar(20)", nullable=False),
            _col("parent_id", "bigint"),
            _col('say "hi"', "text"),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(
            ForeignKey(
                ("account_id", "team"),
                "membership",
                ("account_id", "team"),
                ref_schema="app",
                name="grant_membership_fk",
                on_delete="CASCADE",
                on_update="CASCADE",
            ),
            ForeignKey(("parent_id",), "grant", ("id",), on_delete="SET NULL"),
        ),
        indexes=(
            Index(
                "grant_membership_idx",
                (IndexPart(column="account_id"), IndexPart(column="team")),
            ),
        ),
    )
    return Schema(
        tables=(account, membership, grant),
        enums=(EnumType("account_kind", ("person", "company", "it's a bot"), schema="app"),),
        schemas=("app",),
    )


def catalog(dsn: str) -> dict[str, set[tuple[str, ...]]]:
    """What a user would see of a database's design: tables, columns, keys, indexes, enums."""
    with psycopg.connect(dsn) as conn:
        return {
            kind: {tuple(row) for row in conn.execute(query).fetchall()}
            for kind, query in CATALOG_QUERIES.items()
        }


def load_module(text: str, tmp_path: Path) -> ModuleType:
    """Import generated code as a real module (SQLAlchemy resolves annotations through it)."""
    name = f"erd_generated_{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def sqlalchemy_url(dsn: str) -> sa.URL:
    params = conninfo.conninfo_to_dict(dsn)
    return sa.URL.create(
        "postgresql+psycopg",
        username=params.get("user"),
        password=params.get("password"),
        host=params.get("host"),
        port=int(params["port"]) if params.get("port") else None,
        database=params.get("dbname"),
    )


def create_all(schema: Schema, dsn: str, tmp_path: Path) -> ModuleType:
    module = load_module(export_sqlalchemy(schema).text, tmp_path)
    engine = sa.create_engine(sqlalchemy_url(dsn))
    try:
        with engine.begin() as conn:
            for name in schema.schemas:
                conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
            module.Base.metadata.create_all(conn)
        sa.orm.configure_mappers()
    finally:
        engine.dispose()
    return module


@pytest.mark.parametrize("design", [demo_schema, rich_design], ids=["demo", "rich"])
def test_create_all_builds_the_same_catalog_as_the_ddl(
    design: object, pg_db: str, pg_server_dsn: str, tmp_path: Path
) -> None:
    schema = design()  # type: ignore[operator]
    create_all(schema, pg_db, tmp_path)
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_ddl") as ddl_db:
        pgserver.apply_sql(ddl_db, export_postgres(schema).text)
        expected = catalog(ddl_db)
    got = catalog(pg_db)
    assert all(expected[kind] for kind in ("tables", "columns", "constraints", "indexes"))
    for kind in CATALOG_QUERIES:
        assert (
            sorted(got[kind] - expected[kind]) == [] and sorted(expected[kind] - got[kind]) == []
        ), kind


def test_the_models_work_as_an_orm(pg_db: str, tmp_path: Path) -> None:
    module = create_all(demo_schema(), pg_db, tmp_path)
    engine = sa.create_engine(sqlalchemy_url(pg_db))
    try:
        with sa.orm.Session(engine) as session:
            customer = module.Customers(email="a@example.com", full_name="Ada")
            order = module.Orders(customer=customer)
            session.add(order)
            session.commit()
            assert order.status == "pending"
            assert customer.orders == [order]
            parent = module.Categories(name="Books", slug="books")
            child = module.Categories(name="Poetry", slug="poetry", parent=parent)
            session.add(child)
            session.commit()
            assert parent.categories_by_parent == [child]
    finally:
        engine.dispose()


def test_what_sqlalchemy_cannot_create_is_a_warning() -> None:
    from fixtures.designs import kitchen_sink

    warnings = "\n".join(export_sqlalchemy(kitchen_sink()).warnings)
    for expected in (
        "cannot create views: left out for public.active users",
        "cannot create policies: left out for public.user (policy readers)",
        "cannot create partitions: left out for Sales Dept.events 2024",
        "uses domain app.email",
        "NOT VALID foreign keys",
    ):
        assert expected in warnings


def test_hostile_names_become_python_names() -> None:
    text = export_sqlalchemy(rich_design()).text
    assert "display_name: Mapped[str | None] = mapped_column('Display Name'," in text
    assert "say_hi: Mapped[str | None] = mapped_column('say \"hi\"'," in text
    compile(text, "generated.py", "exec")


def test_output_is_deterministic() -> None:
    assert export_sqlalchemy(rich_design()) == export_sqlalchemy(rich_design())
