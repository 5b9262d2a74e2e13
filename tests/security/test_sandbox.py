"""A design's SQL runs in a sandbox: every way out a superuser would have fails.

Each attack runs through ``apply_sql`` on a ``scratch_database`` (what rehearsals, exports
and round trips use), on the session's server (embedded unless TEST_PG_DSN is set) and on a
DSN-configured PostgreSQL (``TEST_SECOND_PG_DSN``, default the machine's at 127.0.0.1:5432).
Each must fail for the reason named, leave no trace on the server, and its message must not
echo file contents or server paths.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fixtures.services import missing_service
from psycopg import conninfo

from designer.sql import server as pgserver

SECOND_PG = os.environ.get("TEST_SECOND_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")

DENIED = r"permission denied|must be superuser|Only roles with privileges"
UNAVAILABLE = r"is not available"  # not installed on that server: nothing to load either
RESTRICTED = r"backslash commands are restricted"

# name -> (SQL, what the refusal says). {marker}: a file the attack would create.
ATTACKS: dict[str, tuple[str, str]] = {
    "COPY TO PROGRAM": ("COPY (SELECT 1) TO PROGRAM 'touch {marker}';", DENIED),
    "COPY FROM PROGRAM": (
        "CREATE TEMP TABLE loot (t text); COPY loot FROM PROGRAM 'id';",
        DENIED,
    ),
    "COPY TO PROGRAM inside DO": (
        "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch {marker}'''; END $$;",
        DENIED,
    ),
    "COPY FROM a server file": (
        "CREATE TEMP TABLE loot (t text); COPY loot FROM '/etc/passwd';",
        DENIED,
    ),
    "COPY TO a server file": ("COPY (SELECT 1) TO '{marker}';", DENIED),
    "pg_read_file": ("SELECT pg_read_file('/etc/passwd');", DENIED),
    "pg_read_file into an error": ("SELECT pg_read_file('/etc/passwd')::int;", DENIED),
    "pg_read_binary_file": ("SELECT pg_read_binary_file('/etc/passwd');", DENIED),
    "pg_ls_dir": ("SELECT pg_ls_dir('/');", DENIED),
    "pg_stat_file": ("SELECT pg_stat_file('/etc/passwd');", DENIED),
    "lo_import": ("SELECT lo_import('/etc/passwd');", DENIED),
    "lo_export": ("SELECT lo_export(lo_from_bytea(0, 'x'), '{marker}');", DENIED),
    "plpython3u": ("CREATE EXTENSION plpython3u;", f"{DENIED}|{UNAVAILABLE}"),
    "plperlu": ("CREATE EXTENSION plperlu;", f"{DENIED}|{UNAVAILABLE}"),
    "CREATE LANGUAGE plperlu": ("CREATE LANGUAGE plperlu;", f"{DENIED}|{UNAVAILABLE}"),
    "dblink": ("CREATE EXTENSION dblink;", DENIED),
    "postgres_fdw": ("CREATE EXTENSION postgres_fdw;", DENIED),
    "file_fdw": ("CREATE EXTENSION file_fdw;", DENIED),
    "adminpack": ("CREATE EXTENSION adminpack;", f"{DENIED}|{UNAVAILABLE}"),
    "ALTER SYSTEM": ("ALTER SYSTEM SET archive_command = 'touch {marker}';", DENIED),
    "superuser-only setting": ("SET session_preload_libraries = 'plpgsql';", DENIED),
    "read a superuser-only setting": ("SELECT current_setting('data_directory');", DENIED),
    "CREATE ROLE": ("CREATE ROLE erd_evil LOGIN;", DENIED),
    "ALTER ROLE SUPERUSER": ("ALTER ROLE CURRENT_USER SUPERUSER;", DENIED),
    "CREATE DATABASE": ("CREATE DATABASE erd_evil;", DENIED),
    "SET ROLE to the maintenance role": ("SET ROLE {admin};", DENIED),
    "SET SESSION AUTHORIZATION": ("SET SESSION AUTHORIZATION {admin};", DENIED),
    "psql \\!": ("\\! touch {marker}", RESTRICTED),
    "psql \\! after a statement": ("SELECT 1 \\! touch {marker}", RESTRICTED),
    "psql \\copy to a file": ("\\copy (SELECT 1) TO '{marker}'", RESTRICTED),
    "psql \\o": ("\\o {marker}\nSELECT 1;", RESTRICTED),
    "psql \\i": ("\\i /etc/passwd", RESTRICTED),
    "psql \\c": ("\\c postgres", RESTRICTED),
    "psql \\unrestrict guessed": ("\\unrestrict guessed\n\\! touch {marker}", RESTRICTED),
}


def _reachable(dsn: str) -> str | None:
    try:
        with psycopg.connect(dsn, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return exc.__class__.__name__


@pytest.fixture(params=["session server", "DSN server"])
def server(request: pytest.FixtureRequest) -> str:
    if request.param == "session server":
        return str(request.getfixturevalue("pg_server_dsn"))
    problem = _reachable(SECOND_PG)
    if problem:
        missing_service(f"A DSN-configured PostgreSQL at {SECOND_PG} ({problem})")
    return SECOND_PG


@pytest.fixture
def sandbox(server: str) -> Iterator[str]:
    with pgserver.scratch_database(server, prefix="erd_sec") as dsn:
        yield dsn


def _user(dsn: str) -> str:
    return str(conninfo.conninfo_to_dict(dsn)["user"])


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_escape_from_the_sandbox_fails(attack: str, server: str, sandbox: str) -> None:
    marker = Path(f"/tmp/erd-sandbox-escape-{uuid.uuid4().hex}")
    text, reason = ATTACKS[attack]
    with pytest.raises(pgserver.SqlError) as failed:
        pgserver.apply_sql(sandbox, text.format(marker=marker, admin=_user(server)), timeout_s=30)
    message = str(failed.value)
    assert re.search(reason, message), message
    assert not marker.exists(), f"{attack} wrote {marker}"
    assert "root:" not in message  # /etc/passwd's first line
    assert not re.search(r"(?<![\w.])/(tmp|etc|var|usr|home|root)/", message), message


def test_the_sandbox_role_has_no_privilege_beyond_its_database(server: str, sandbox: str) -> None:
    with psycopg.connect(sandbox) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication,"
            " pg_has_role(current_user, 'pg_read_server_files', 'USAGE'),"
            " pg_has_role(current_user, 'pg_write_server_files', 'USAGE'),"
            " pg_has_role(current_user, 'pg_execute_server_program', 'USAGE'),"
            " current_database() = current_user,"
            " pg_get_userbyid(d.datdba) = current_user"
            " FROM pg_roles r, pg_database d"
            " WHERE r.rolname = current_user AND d.datname = current_database()"
        ).fetchone()
        timeouts = [
            conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
        ]
    assert row == (False, False, False, False, False, False, False, True, True)
    assert timeouts == [
        pgserver.STATEMENT_TIMEOUT,
        pgserver.LOCK_TIMEOUT,
        pgserver.IDLE_IN_TRANSACTION_TIMEOUT,
    ]


def test_a_sandbox_cannot_connect_to_another_database(server: str, sandbox: str) -> None:
    with pgserver.scratch_database(server, prefix="erd_sec_other") as other:
        params = conninfo.conninfo_to_dict(sandbox)
        params["dbname"] = conninfo.conninfo_to_dict(other)["dbname"]
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(conninfo.make_conninfo("", **params), connect_timeout=5).close()


def test_on_the_embedded_server_a_sandbox_reaches_only_its_own_database(
    pg_server_dsn: str,
) -> None:
    if "TEST_PG_DSN" in os.environ:
        pytest.skip("the session server is DSN-configured: pg_hba.conf is its operator's")
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_sec") as sandbox:
        for dbname in ("postgres", "template1"):
            params = conninfo.conninfo_to_dict(sandbox)
            params["dbname"] = dbname
            with pytest.raises(psycopg.OperationalError, match="pg_hba"):
                psycopg.connect(conninfo.make_conninfo("", **params), connect_timeout=5).close()


def test_role_and_database_are_gone_afterwards(server: str) -> None:
    with pgserver.scratch_database(server, prefix="erd_sec") as dsn:
        name = _user(dsn)
    with psycopg.connect(server) as conn:
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is None
        assert (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None
        )


# Extensions the corpus and the patterns create, and others designs commonly use.
NEEDED = ("btree_gist", "citext", "tablefunc", "hstore", "pg_trgm", "pgcrypto", "uuid-ossp")


def test_extensions_designs_need_are_created_and_dropped_by_the_sandbox(
    server: str, sandbox: str
) -> None:
    with psycopg.connect(server) as conn:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
    wanted = [e for e in NEEDED if e in available]
    assert {"btree_gist", "citext", "tablefunc"} <= set(wanted)  # the corpus needs these
    if server != SECOND_PG and "vector" in available:
        wanted.append("vector")  # pagila; trusted on the embedded server only
    script = "\n".join(f'CREATE EXTENSION IF NOT EXISTS "{e}" WITH SCHEMA public;' for e in wanted)
    pgserver.apply_sql(sandbox, script)
    with psycopg.connect(sandbox) as conn:
        owners = conn.execute(
            "SELECT extname, pg_get_userbyid(extowner) FROM pg_extension WHERE extname <> 'plpgsql'"
        ).fetchall()
    assert {name for name, _ in owners} == set(wanted)
    assert {owner for _, owner in owners} == {_user(sandbox)}
    pgserver.apply_sql(sandbox, "\n".join(f'DROP EXTENSION "{e}";' for e in wanted))


# -- time limits (issue 18, item 4) --------------------------------------------------------


def test_a_statement_past_the_statement_timeout_is_cancelled_with_a_clear_message(
    pg_server_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pgserver, "STATEMENT_TIMEOUT", "1s")
    with pgserver.scratch_database(pg_server_dsn, prefix="erd_sec") as dsn:
        started = time.monotonic()
        with pytest.raises(pgserver.SqlError) as failed:
            pgserver.apply_sql(dsn, "SELECT pg_sleep(400);", timeout_s=60)
    assert time.monotonic() - started < 10
    assert str(failed.value) == pgserver.ERR_STATEMENT_TIMEOUT.format(timeout="1s")


def test_sql_that_lifts_its_statement_timeout_is_stopped_at_the_deadline(sandbox: str) -> None:
    started = time.monotonic()
    with pytest.raises(pgserver.SqlTimeout) as failed:
        pgserver.apply_sql(
            sandbox, "SET statement_timeout = 0;\nSELECT pg_sleep(400);", timeout_s=2
        )
    assert time.monotonic() - started < 10
    assert str(failed.value) == pgserver.ERR_TIMEOUT.format(seconds=2)


def test_the_stopped_statement_does_not_outlive_the_sandbox(server: str) -> None:
    with pgserver.scratch_database(server, prefix="erd_sec") as dsn:
        name = _user(dsn)
        with pytest.raises(pgserver.SqlTimeout):
            pgserver.apply_sql(
                dsn, "SET statement_timeout = 0;\nSELECT pg_sleep(400);", timeout_s=1
            )
    with psycopg.connect(server) as conn:
        left = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (name,))
        assert left.fetchone() == (0,)


# -- the client side ---------------------------------------------------------------------------


def test_psql_gets_the_password_from_its_environment_not_its_command_line(
    sandbox: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[list[str], dict[str, str]]] = []
    real_run = pgserver.subprocess.run

    def spy(args: list[str], **kwargs: object) -> object:
        if "env" in kwargs:  # psql and pg_dump runs, not the version probe
            seen.append((list(args), dict(kwargs["env"])))  # type: ignore[arg-type]
        return real_run(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(pgserver.subprocess, "run", spy)
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=0")  # never inherited
    pgserver.apply_sql(sandbox, "SELECT 1;")
    pgserver.dump_schema(sandbox)
    password = conninfo.conninfo_to_dict(sandbox)["password"]
    assert len(seen) == 2
    for args, env in seen:
        assert not any(password in a or "password" in a for a in args), args
        assert env["PGPASSWORD"] == password
        assert "PGOPTIONS" not in env


def test_parameters_without_a_variable_go_on_the_command_line_and_secrets_never_do() -> None:
    args, env = pgserver.client_connection(
        "host=db.internal port=6543 dbname=d user=u password=s3cret keepalives=1"
    )
    assert args == ["-d", "keepalives=1"]
    assert (env["PGHOST"], env["PGPORT"], env["PGPASSWORD"]) == ("db.internal", "6543", "s3cret")
    with pytest.raises(ValueError, match="sslpassword"):
        pgserver.client_connection("host=db.internal sslpassword=s3cret")
