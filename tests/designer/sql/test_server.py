import psycopg

from designer.sql import server as pgserver


def test_scratch_database_is_real_postgres_and_dump_sees_the_table(pg_db):
    pgserver.apply_sql(pg_db, "CREATE TABLE t (id bigint PRIMARY KEY, note text);")
    with psycopg.connect(pg_db) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
    assert int(version) >= 150000
    assert "CREATE TABLE public.t" in pgserver.dump_schema(pg_db)
