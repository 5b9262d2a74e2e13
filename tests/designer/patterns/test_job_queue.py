"""Job queue: the jobs table and its dequeue index; concurrent workers never share a job."""

from __future__ import annotations

import psycopg
import pytest

from designer.patterns.base import ERR_TABLE_EXISTS, PatternError
from designer.patterns.job_queue import apply_job_queue
from designer.schema.sqltext import normalize_expr
from tests.designer.patterns.shop import build, rowcount, run, shop


def test_job_queue_adds_a_jobs_table_with_the_dequeue_index():
    result = apply_job_queue(shop())
    jobs = result.schema.table("jobs")
    assert jobs.column_names == (
        "id",
        "queue",
        "payload",
        "status",
        "run_at",
        "attempts",
        "max_attempts",
        "locked_at",
        "locked_by",
        "last_error",
        "created_at",
    )
    queued = next(i for i in jobs.indexes if i.name == "jobs_queue_run_at_idx")
    assert queued.column_names == ("queue", "run_at")
    assert queued.where == normalize_expr("status = 'queued'")
    assert "FOR UPDATE SKIP LOCKED" in result.example_queries[1]
    with pytest.raises(PatternError) as err:
        apply_job_queue(result.schema)
    assert err.value.message == ERR_TABLE_EXISTS.format(table="jobs")


@pytest.mark.slow
def test_job_queue_gives_concurrent_workers_different_jobs(pg_db):
    result = apply_job_queue(shop())
    enqueue, dequeue, complete, retry, reap = result.example_queries
    with build(pg_db, result) as conn:
        ids = [run(conn, enqueue, "mail", f'{{"n": {n}}}')[0][0] for n in range(3)]
        run(conn, enqueue, "other", "{}")
        with psycopg.connect(pg_db) as w1, psycopg.connect(pg_db) as w2:
            # both transactions stay open: w1 holds its row lock while w2 dequeues
            (job1,) = run(w1, dequeue, "mail", "w1")
            (job2,) = run(w2, dequeue, "mail", "w2")
            assert job1[0] != job2[0]
            assert {job1[0], job2[0]} <= set(ids)
            assert job1[2] == job2[2] == 1
            w1.commit()
            w2.commit()
        assert rowcount(conn, complete, job1[0], "w1") == 1
        assert rowcount(conn, retry, job2[0], "boom") == 1
        (status, error) = conn.execute(
            "SELECT status, last_error FROM jobs WHERE id = %s", [job2[0]]
        ).fetchone()
        assert (status, error) == ("queued", "boom")
        (job3,) = run(conn, dequeue, "mail", "w3")
        assert job3[0] not in (job1[0], job2[0])
        conn.execute(
            "UPDATE jobs SET locked_at = now() - interval '1 hour' WHERE id = %s", [job3[0]]
        )
        assert rowcount(conn, reap, "5 minutes") == 1
        plan = conn.execute(
            "EXPLAIN SELECT id FROM jobs WHERE queue = 'mail' AND status = 'queued'"
            " ORDER BY run_at LIMIT 1"
        ).fetchall()
        assert plan  # the partial index is a valid plan choice (the table is too small to force it)
