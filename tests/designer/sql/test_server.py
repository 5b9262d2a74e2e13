import psycopg

from designer.sql import server as pgserver


def test_scratch_database_is_real_postgres_and_dump_sees_the_table(pg_db):
    pgserver.apply_sql(pg_db, "CREATE TABLE t (id bigint PRIMARY KEY, note text);")
    with psycopg.connect(pg_db) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
    assert int(version) >= 150000
    assert "CREATE TABLE public.t" in pgserver.dump_schema(pg_db)


def test_sandboxes_a_killed_job_left_are_swept_and_those_in_use_are_not(pg_server_dsn):
    """A worker SIGKILLed in a rehearsal never drops its sandbox; the next worker's sweep does,
    once it is older than any job could run, and leaves a sandbox still in use alone."""
    import datetime as dt
    import secrets
    import uuid

    from psycopg import sql

    old = f"erd_rehearse_{uuid.uuid4().hex[:12]}"
    fresh = f"erd_rehearse_{uuid.uuid4().hex[:12]}"
    for name in (old, fresh):
        pgserver._create_sandbox(pg_server_dsn, name, secrets.token_urlsafe(12))
    made_long_ago = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=-3)).isoformat()
    with psycopg.connect(pg_server_dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} VALID UNTIL {}").format(
                sql.Identifier(old), sql.Literal(made_long_ago)
            )
        )
    try:
        dropped = pgserver.sweep_sandboxes(pg_server_dsn, dt.timedelta(hours=1))
        assert old in dropped and fresh not in dropped
        with psycopg.connect(pg_server_dsn) as conn:
            left = {
                r[0]
                for r in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname = ANY(%s)", ([old, fresh],)
                )
            }
            roles = {
                r[0]
                for r in conn.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", ([old, fresh],)
                )
            }
        assert left == {fresh} and roles == {fresh}
    finally:
        pgserver._drop_sandbox(pg_server_dsn, fresh)
