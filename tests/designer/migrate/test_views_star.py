"""Views written with ``*`` follow their tables: PostgreSQL freezes the star's columns when a
view is created, so the plan re-creates such views when columns are added or dropped."""

from __future__ import annotations

import pytest

from designer.migrate import changes as ch
from designer.migrate.diff import diff
from designer.migrate.facts import star_relations
from designer.migrate.planner import ACCESS_EXCLUSIVE, EXPAND, Plan, plan
from designer.migrate.rehearse import rehearse, schema_from_sql
from designer.migrate.render import down_sql, up_sql
from designer.schema.model import Schema

TABLE = "CREATE TABLE t (id bigint PRIMARY KEY, name text{extra});\n"
VIEWS = """
CREATE VIEW v_star AS SELECT * FROM t;
CREATE VIEW v_dot AS SELECT t.*, 1 AS one FROM t;
CREATE VIEW v_tail AS SELECT 1 AS one, t.* FROM t;
CREATE VIEW v_explicit AS SELECT id, name FROM t;
CREATE VIEW v_over AS SELECT * FROM v_star;
CREATE VIEW v_name AS SELECT name FROM v_star;
"""
ADDED = ", note text, flag boolean NOT NULL DEFAULT false"


def _schemas(before_extra: str, after_extra: str, views: str = VIEWS) -> tuple[Schema, Schema]:
    before = schema_from_sql(TABLE.format(extra=before_extra) + views)
    after = schema_from_sql(TABLE.format(extra=after_extra) + views)
    return before, after


def _gaining() -> tuple[Schema, Schema, Plan]:
    before, after = _schemas("", ADDED)
    return before, after, plan(diff(before, after))


def _at(text: str, *fragments: str) -> list[int]:
    found = [text.find(f) for f in fragments]
    assert -1 not in found, (fragments, text)
    return found


@pytest.mark.parametrize(
    ("query", "tables"),
    [
        ("SELECT * FROM t", {"t"}),
        ("SELECT x, * FROM t", {"t"}),
        ("SELECT t.*, 1 AS one FROM t", {"t"}),
        ("SELECT 1 AS one, t.* FROM t", {"t"}),
        ("SELECT a.*, b.id FROM t a JOIN u b ON b.id = a.id", {"t"}),
        ("SELECT b.* FROM public.t a JOIN s.u b ON true", {"s.u"}),
        ("SELECT * FROM t JOIN u USING (id)", {"t", "u"}),
        ("SELECT id FROM (SELECT * FROM t) q", {"t"}),
        ("SELECT id, name FROM t", set()),
        ("SELECT count(*) FROM t", set()),
        ("SELECT id FROM t UNION ALL SELECT * FROM u", {"u"}),
    ],
)
def test_star_relations_finds_the_tables_a_star_expands(query: str, tables: set[str]) -> None:
    found = {
        name if schema == "public" else f"{schema}.{name}" for schema, name in star_relations(query)
    }
    assert found == tables


def test_star_views_are_replaced_after_the_columns_are_added() -> None:
    _, _, migration = _gaining()
    text = up_sql(migration)
    add, star, tail, over, name = _at(
        text,
        "ADD COLUMN note text",
        "CREATE OR REPLACE VIEW public.v_star AS",
        "CREATE OR REPLACE VIEW public.v_tail AS",
        "CREATE OR REPLACE VIEW public.v_over AS",
        "CREATE OR REPLACE VIEW public.v_name AS",
    )
    assert add < star < over  # a view over a refreshed view follows it
    assert add < tail and star < name
    assert "v_explicit" not in text  # its columns are named: nothing to refresh
    refreshes = [s for s in migration.steps if "CREATE OR REPLACE VIEW" in s.sql]
    assert len(refreshes) == 4
    for step in refreshes:
        assert step.phase == EXPAND
        assert step.lock == ACCESS_EXCLUSIVE
        assert not step.rewrites and not step.destructive
        assert "so its * includes the new columns" in step.description


def test_a_star_followed_by_other_columns_is_dropped_and_recreated() -> None:
    # New columns would land before "one": CREATE OR REPLACE VIEW refuses that.
    text = up_sql(_gaining()[2])
    drop, add, create = _at(
        text, "DROP VIEW public.v_dot;", "ADD COLUMN note text", "CREATE VIEW public.v_dot AS"
    )
    assert drop < add < create
    assert text.count("DROP VIEW") == 1


def test_the_rollback_drops_refreshed_views_before_the_columns_and_restores_them_after() -> None:
    _, _, migration = _gaining()
    text = down_sql(migration)
    drop_over, drop_star, drop_col, create_star, create_over = _at(
        text,
        "DROP VIEW public.v_over;",
        "DROP VIEW public.v_star;",
        "DROP COLUMN IF EXISTS note",
        "CREATE VIEW public.v_star AS",
        "CREATE VIEW public.v_over AS",
    )
    assert drop_over < drop_star < drop_col < create_star < create_over
    assert "v_explicit" not in text


def test_the_changes_name_the_refresh_and_its_rollback_point() -> None:
    before, after = _schemas("", ADDED)
    kinds = [c.kind for c in diff(before, after) if "View" in c.kind]
    assert kinds == [
        "RestoreViewOnRollback",  # v_name, v_over, v_tail, v_dot, v_star: readers first
        "RestoreViewOnRollback",
        "RestoreViewOnRollback",
        "DropView",
        "RestoreViewOnRollback",
        "RefreshView",  # v_star, v_dot, v_tail, v_over, v_name: in dependency order
        "AddView",
        "RefreshView",
        "RefreshView",
        "RefreshView",
    ]


def test_a_materialized_star_view_is_rebuilt() -> None:
    views = "CREATE MATERIALIZED VIEW m AS SELECT * FROM t;\n"
    before, after = _schemas("", ADDED, views)
    text = up_sql(plan(diff(before, after)))
    drop, add, create = _at(
        text,
        "DROP MATERIALIZED VIEW public.m;",
        "ADD COLUMN note",
        "CREATE MATERIALIZED VIEW public.m AS",
    )
    assert drop < add < create


def test_a_star_view_over_a_dropped_column_comes_back_after_the_drop() -> None:
    before, after = _schemas(", old text", "", "CREATE VIEW v_star AS SELECT * FROM t;\n")
    migration = plan(diff(before, after), allow_destructive=True)
    text = up_sql(migration)
    drop_view, drop_col, create = _at(
        text, "DROP VIEW public.v_star;", "DROP COLUMN old", "CREATE VIEW public.v_star AS"
    )
    assert drop_view < drop_col < create
    assert {s.phase for s in migration.steps} == {"contract"}


@pytest.mark.slow
def test_star_views_rehearse_up_and_down(pg_server_dsn: str) -> None:
    before, after, migration = _gaining()
    result = rehearse(before, after, migration, server_dsn=pg_server_dsn)
    assert result.passed, [*result.up_differences, *result.down_differences, *result.log]


@pytest.mark.slow
def test_a_star_view_over_a_dropped_column_rehearses_up_and_down(pg_server_dsn: str) -> None:
    before, after = _schemas(", old text", "", "CREATE VIEW v_star AS SELECT * FROM t;\n")
    migration = plan(diff(before, after), allow_destructive=True)
    result = rehearse(before, after, migration, server_dsn=pg_server_dsn)
    assert result.passed, [*result.up_differences, *result.down_differences, *result.log]


def test_renamed_columns_rebuild_star_views_as_before() -> None:
    before, after = _schemas(", old text", ", new text", "CREATE VIEW v_star AS SELECT * FROM t;\n")
    changes = diff(before, after, renames={"public.t.old": "new"})
    assert [c.kind for c in changes if isinstance(c, ch.DropView | ch.AddView)] == [
        "DropView",
        "AddView",
    ]
