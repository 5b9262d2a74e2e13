"""Rows <-> schema model: exact round trip, constant query count."""

import dataclasses

import pytest
from django.contrib.auth import get_user_model

from designer.demo import demo_schema
from designer.schema import model as m
from designer.schema.sqltext import normalize_expr
from designer.selectors.design import project_schema
from designer.services.errors import DesignError
from designer.services.schema import schema_replace
from projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    user = get_user_model().objects.create_user("ann", password="pw-long-enough-1")
    return project_create(owner=user, name="Shop")


def _rich_schema() -> m.Schema:
    base = demo_schema()
    orders = base.table("orders")
    part = m.Table(
        name="events",
        schema="audit",
        columns=(
            m.Column(
                "id",
                "bigint",
                nullable=False,
                identity="BY DEFAULT",
                identity_options="START WITH 10",
            ),
            m.Column("at", "timestamp with time zone", nullable=False),
            m.Column("body", "text", collation="C", comment="raw"),
            m.Column("len", "integer", generated=normalize_expr("length(body)")),
        ),
        partitioning=m.Partitioning("RANGE", "at"),
        rls_enabled=True,
        rls_forced=True,
        policies=(m.Policy("reader", command="SELECT", roles=("public",), using="true"),),
        excludes=(m.ExcludeConstraint((m.ExcludeElement("id", "="),), method="gist"),),
        unlogged=False,
        with_options=("fillfactor=70",),
    )
    child = m.Table(
        name="events_2024",
        schema="audit",
        partition_of=m.PartitionOf(
            "audit", "events", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
        ),
    )
    orders = dataclasses.replace(
        orders,
        indexes=(
            *orders.indexes,
            m.Index(
                "orders_lower_idx",
                (
                    m.IndexPart(
                        expression="lower(status::text)",
                        opclass="text_pattern_ops",
                        nulls_first=True,
                    ),
                ),
                include=("total",),
                with_options=("fillfactor=80",),
                comment="index comment",
            ),
        ),
        uniques=(
            m.UniqueConstraint(
                ("customer_id", "placed_at"), nulls_not_distinct=True, include=("total",)
            ),
        ),
        foreign_keys=(
            *orders.foreign_keys[:1],
            dataclasses.replace(
                orders.foreign_keys[1],
                deferrable=True,
                initially_deferred=True,
                not_valid=True,
                match="FULL",
            ),
        ),
    )
    return dataclasses.replace(
        base.with_table(orders),
        tables=(*base.with_table(orders).tables, part, child),
        schemas=("audit",),
        schema_comments=(("audit", "Audit trail"),),
        extensions=(m.Extension("citext"),),
        domains=(m.Domain("email", "citext", checks=(m.CheckConstraint("VALUE ~ '@'"),)),),
        sequences=(m.Sequence("invoice_no", start=1000, owned_by="public.orders.id"),),
        views=(m.View("big_orders", "SELECT id FROM orders WHERE total > 100"),),
        raw=(
            m.RawStatement(
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$SELECT 1$$", phase="pre"
            ),
        ),
    )


def test_schema_written_to_rows_reads_back_equal(project):
    schema = _rich_schema()
    schema_replace(project=project, schema=schema)
    back = project_schema(project)
    assert back == schema


def test_ids_are_assigned_and_survive_a_second_round_trip(project):
    schema_replace(project=project, schema=demo_schema())
    first = project_schema(project)
    assert all(t.id for t in first.tables)
    assert all(c.id for t in first.tables for c in t.columns)
    schema_replace(project=project, schema=first)
    second = project_schema(project)
    assert [t.id for t in second.tables] == [t.id for t in first.tables]
    assert [c.id for t in second.tables for c in t.columns] == [
        c.id for t in first.tables for c in t.columns
    ]


def test_reading_a_design_takes_the_same_number_of_queries_for_10_or_100_tables(
    project, django_assert_num_queries
):
    def design(n: int) -> m.Schema:
        return m.Schema(
            tables=tuple(
                m.Table(
                    f"t{i}",
                    columns=(m.Column("id", "bigint", nullable=False), m.Column("p", "bigint")),
                    primary_key=m.PrimaryKey(("id",)),
                    foreign_keys=(m.ForeignKey(("p",), f"t{i - 1}", ("id",)),) if i else (),
                    indexes=(m.Index(f"t{i}_p_idx", (m.IndexPart(column="p"),)),),
                )
                for i in range(n)
            )
        )

    # the revision (the key of the per-process memo), then one query per kind
    schema_replace(project=project, schema=design(10))
    with django_assert_num_queries(7):
        assert len(project_schema(project).tables) == 10
    schema_replace(project=project, schema=design(100))
    with django_assert_num_queries(7):
        assert len(project_schema(project).tables) == 100


def test_a_failed_replace_leaves_the_design_as_it_was(project):
    schema_replace(project=project, schema=demo_schema())
    before = project_schema(project)
    duplicate = m.Schema(tables=(m.Table("a"), m.Table("a")))
    with pytest.raises(DesignError, match="already exists"):
        schema_replace(project=project, schema=duplicate)
    assert project_schema(project) == before
