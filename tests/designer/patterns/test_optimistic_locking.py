"""Optimistic locking: a version column, and a stale update refused on PostgreSQL."""

from __future__ import annotations

import pytest

from designer.patterns.optimistic_locking import apply_optimistic_locking
from designer.schema.model import Column
from tests.designer.patterns.shop import build, run, shop


def test_optimistic_locking_adds_a_version_and_the_checked_update():
    result = apply_optimistic_locking(shop(), table="orders")
    assert result.schema.table("orders").column("version") == Column(
        name="version", type="integer", nullable=False, default="1"
    )
    assert result.schema.raw == ()
    assert result.example_queries[1] == (
        "UPDATE orders SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING version;"
    )
    assert any("rather than done by a trigger" in n for n in result.notes)


@pytest.mark.slow
def test_optimistic_locking_refuses_a_stale_update(pg_db):
    result = apply_optimistic_locking(shop(), table="customers")
    read, update = result.example_queries
    with build(pg_db, result) as conn:
        (cid,) = conn.execute(
            "INSERT INTO customers (email) VALUES ('a@x.org') RETURNING id"
        ).fetchone()
        assert run(conn, read, cid)[0][-1] == 1  # both clients read version 1
        assert run(conn, update, cid, 1) == [(2,)]  # the first writer wins
        assert run(conn, update, cid, 1) == []  # the second is stale: no row updated
        assert run(conn, update, cid, 2) == [(3,)]
