"""Read a live PostgreSQL database into the schema model, from the system catalogs.

What is read: non-system schemas, extensions, enums, domains, sequences, tables
(columns, constraints, indexes, partitioning, inheritance, RLS and policies),
views and materialized views, and the comments on all of them.

What is not read, on purpose:
* functions, procedures, triggers, rules, composite and range types, collations,
  casts, operators, grants, owners, publications, statistics objects, foreign
  tables: the model has no place for them; their raw SQL round-trips through
  file import (``RawStatement``), not through the catalogs.
* objects that belong to an extension (``pg_depend.deptype = 'e'``): the
  extension creates them; the ``plpgsql`` extension itself, present in every database.
* sequences behind identity columns (``deptype = 'i'``): they are part of the
  column (``Column.identity_options``).
* indexes of partitions attached to an index of the parent, and constraints
  cloned onto partitions or inherited by children: PostgreSQL creates them
  from the parent's definition, so the parent carries them.
* columns of partitions made by ``PARTITION OF``: they are the parent's. A partition made as
  a table of its own and attached later (as pg_dump writes them) is read with its columns,
  which the exporter writes back as ``CREATE TABLE`` + ``ATTACH PARTITION``.
* extension versions: they make round-trips fail whenever the server ships
  another version; ``Extension.version`` stays None.
* view column lists: ``pg_get_viewdef`` already names every output column
  (``SELECT x AS a``), so ``View.columns`` stays empty.
* the comment on ``public``, names of NOT NULL constraints (PostgreSQL 18),
  NOT ENFORCED, constraint comments, column defaults set on single partitions.

Extensions are read whatever ``schemas`` says: the tables read may use their types.
Indexes are read by parsing ``pg_get_indexdef`` with PostgreSQL's parser: ruleutils
already leaves out what is default (the type's opclass, the column's collation,
ASC, NULLS LAST), which rebuilding that from pg_opclass by hand gets wrong for
binary-coercible types.

Every object kind is read with one query, whatever the number of tables, all in
one READ ONLY transaction under ``SET LOCAL statement_timeout``. ``search_path``
is pinned to ``public`` for that transaction, so objects in ``public`` print
unqualified and objects elsewhere print qualified, whatever the role's settings.
"""

from __future__ import annotations

import contextlib
import heapq
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pglast
import psycopg
from pglast.enums import SortByDir, SortByNulls
from pglast.stream import RawStream
from psycopg import conninfo

from designer.schema import model
from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    ExcludeElement,
    Extension,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    Policy,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.pgnames import identity_sequence_name
from designer.sql.canonical import sequence_defaults, sequence_options_sql
from designer.sql.readers.live_queries import (
    Q_COLUMNS,
    Q_CONSTRAINTS,
    Q_DOMAIN_CHECKS,
    Q_DOMAINS,
    Q_ENUMS,
    Q_EXTENSIONS,
    Q_INDEXES,
    Q_POLICIES,
    Q_RELATIONS,
    Q_SCHEMAS,
    Q_SEQUENCES,
    Q_VIEW_DEPENDENCIES,
    versioned,
)
from designer.sql.readers.pg_json import FK_ACTION_CODES, print_sql

ERR_CONNECT = "Could not connect to {dsn}: {error}"
ERR_READ = "Reading the schema of {dsn} failed: {error}"
ERR_TIMEOUT = (
    "Reading the schema of {dsn} took longer than the statement timeout ({timeout_ms} ms)."
)
PASSWORD_MASK = "********"
DEFAULT_CONNECT_TIMEOUT_S = 10

_POLICY_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}
_PASSWORD_KV = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


class IntrospectionError(RuntimeError):
    """Connecting to or reading the database failed; the message never holds a password."""


class ConnectError(IntrospectionError):
    """Connecting failed before any query; the driver's detail may tell a port's state."""


# -- DSN handling -------------------------------------------------------------


def mask_dsn(dsn: str) -> str:
    """``dsn`` with its password replaced by ``********``, in the form it was given."""
    if "://" in dsn:
        parts = urlsplit(dsn)
        netloc = parts.netloc
        userinfo, at, hosts = netloc.rpartition("@")
        if at and ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            netloc = f"{user}:{PASSWORD_MASK}@{hosts}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, PASSWORD_MASK if k.lower() == "password" else v) for k, v in pairs],
                safe="/:*",
            )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return _PASSWORD_KV.sub(lambda m: m.group(1) + PASSWORD_MASK, dsn)


def _password(dsn: str) -> str | None:
    try:
        password = conninfo.conninfo_to_dict(dsn).get("password")
    except psycopg.Error:
        return None
    return str(password) if password else None


def _scrub(message: str, dsn: str) -> str:
    """A driver message with any trace of the DSN's password removed."""
    password = _password(dsn)
    if password:
        message = message.replace(password, PASSWORD_MASK)
    return message.replace(dsn, mask_dsn(dsn)).strip()


@contextlib.contextmanager
def read_only_connection(
    dsn: str, *, statement_timeout_ms: int = 30000
) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """A connection inside one READ ONLY transaction with ``statement_timeout`` set locally.

    The transaction is rolled back on exit: nothing read here can change the database.
    Errors are ``IntrospectionError`` with the DSN masked.
    """
    kwargs: dict[str, Any] = {"autocommit": False}
    try:
        if "connect_timeout" not in conninfo.conninfo_to_dict(dsn):
            kwargs["connect_timeout"] = DEFAULT_CONNECT_TIMEOUT_S
        conn = psycopg.connect(dsn, **kwargs)
    except psycopg.Error as exc:
        raise ConnectError(
            ERR_CONNECT.format(dsn=mask_dsn(dsn), error=_scrub(str(exc), dsn))
        ) from None
    try:
        conn.read_only = True
        conn.execute(
            "SELECT set_config('statement_timeout', %s, true),"
            " set_config('search_path', 'public', true)",
            (str(int(statement_timeout_ms)),),
        )
        try:
            yield conn
        except psycopg.errors.QueryCanceled:
            raise IntrospectionError(
                ERR_TIMEOUT.format(dsn=mask_dsn(dsn), timeout_ms=statement_timeout_ms)
            ) from None
        except psycopg.Error as exc:
            raise IntrospectionError(
                ERR_READ.format(dsn=mask_dsn(dsn), error=_scrub(str(exc), dsn))
            ) from None
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        conn.close()


def _qualified_name(schema: str, name: str) -> str:
    """Collation/opclass reference: bare when in pg_catalog or public."""
    return name if schema in ("pg_catalog", "public") else f"{schema}.{name}"


# -- public entry point -----------------------------------------------------------


def introspect(
    dsn: str, *, schemas: Sequence[str] | None = None, statement_timeout_ms: int = 30000
) -> Schema:
    """The ``Schema`` of the database at ``dsn`` (``schemas`` limits the namespaces read).

    Raises ``IntrospectionError`` (password masked) when connecting or reading fails
    or a query runs past ``statement_timeout_ms``.
    """
    params = {"schemas": list(schemas) if schemas is not None else None}
    with read_only_connection(dsn, statement_timeout_ms=statement_timeout_ms) as conn:
        version = conn.info.server_version

        def fetch(query: str) -> list[tuple[Any, ...]]:
            return conn.execute(versioned(query, version), params).fetchall()

        rows = {
            "schemas": fetch(Q_SCHEMAS),
            "extensions": conn.execute(Q_EXTENSIONS).fetchall(),
            "enums": fetch(Q_ENUMS),
            "domains": fetch(Q_DOMAINS),
            "domain_checks": fetch(Q_DOMAIN_CHECKS),
            "sequences": fetch(Q_SEQUENCES),
            "relations": fetch(Q_RELATIONS),
            "columns": fetch(Q_COLUMNS),
            "constraints": fetch(Q_CONSTRAINTS),
            "indexes": fetch(Q_INDEXES),
            "policies": fetch(Q_POLICIES),
            "view_deps": fetch(Q_VIEW_DEPENDENCIES),
        }
    return _build(rows)


# -- assembling the model -----------------------------------------------------------


def _build(rows: dict[str, list[tuple[Any, ...]]]) -> Schema:
    columns: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows["columns"]:
        columns[row[0]].append(row)
    constraints: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows["constraints"]:
        constraints[row[0]].append(row)
    indexes: dict[int, list[Index]] = defaultdict(list)
    for row in rows["indexes"]:
        indexes[row[0]].append(_index(row))
    policies: dict[int, list[Policy]] = defaultdict(list)
    for oid, name, cmd, permissive, roles, qual, check, comment in rows["policies"]:
        policies[oid].append(
            Policy(
                name=name,
                command=_POLICY_COMMANDS[cmd],  # type: ignore[arg-type]
                permissive=permissive,
                roles=tuple(roles),
                using=_expr(qual),
                with_check=_expr(check),
                comment=comment,
            )
        )

    tables: list[Table] = []
    views: dict[int, View] = {}
    for rel in rows["relations"]:
        oid, kind = rel[0], rel[3]
        if kind in ("v", "m"):
            views[oid] = _view(rel, columns[oid], indexes[oid])
        else:
            tables.append(_table(rel, columns[oid], constraints[oid], indexes[oid], policies[oid]))

    domain_checks: dict[int, list[CheckConstraint]] = defaultdict(list)
    for typid, name, expr, validated in rows["domain_checks"]:
        domain_checks[typid].append(
            CheckConstraint(expression=_normalize_expr(expr), name=name, not_valid=not validated)
        )

    return Schema(
        tables=tuple(tables),
        enums=tuple(
            EnumType(name=name, values=tuple(values), schema=schema, comment=comment)
            for schema, name, values, comment in rows["enums"]
        ),
        domains=tuple(
            Domain(
                name=name,
                type=base,
                schema=schema,
                not_null=not_null,
                default=_expr(default),
                collation=_qualified_name(coll_ns, coll) if coll else None,
                checks=tuple(domain_checks[oid]),
                comment=comment,
            )
            for oid, schema, name, base, not_null, default, coll_ns, coll, comment in rows[
                "domains"
            ]
        ),
        sequences=tuple(_sequence(row) for row in rows["sequences"]),
        views=tuple(views[oid] for oid in _dependency_order(views, rows["view_deps"])),
        extensions=tuple(
            Extension(name=name, schema=schema, comment=comment)
            for name, schema, comment in rows["extensions"]
        ),
        schemas=tuple(name for name, _ in rows["schemas"]),
        schema_comments=tuple((name, comment) for name, comment in rows["schemas"] if comment),
    )


@lru_cache(maxsize=8192)
def _normalize_expr(text: str) -> str:
    """What ``sqltext.normalize_expr`` prints, SQL-syntax calls (``NORMALIZE(x, NFKC)``)
    kept as the catalog holds them, exactly as the file importer prints them."""
    return print_sql(pglast.parse_sql(f"SELECT {text}")[0].stmt.targetList[0].val)  # type: ignore[union-attr]


def _normalize_query(text: str) -> str:
    return print_sql(pglast.parse_sql(text.strip().rstrip(";"))[0].stmt)  # type: ignore[arg-type]


def _expr(text: str | None) -> str | None:
    return _normalize_expr(text) if text is not None else None


def _options(reloptions: list[str] | None) -> tuple[str, ...]:
    """Storage parameters as the catalog keeps them (``fillfactor=70``), sorted."""
    return tuple(sorted(reloptions or ()))


def _sequence(row: tuple[Any, ...]) -> model.Sequence:
    (schema, name, data_type, start, increment, min_value, max_value, cache, cycle) = row[:9]
    own_schema, own_table, own_column, comment = row[9:]
    defaults = sequence_defaults(data_type, increment, min_value, max_value)

    def explicit(key: str, value: int) -> int | None:
        # Options at PostgreSQL's default are left out, as a designer would write them.
        return None if value == defaults[key] else value

    return model.Sequence(
        name=name,
        schema=schema,
        data_type=data_type,
        start=explicit("start", start),
        increment=explicit("increment", increment),
        min_value=explicit("min_value", min_value),
        max_value=explicit("max_value", max_value),
        cache=explicit("cache", cache),
        cycle=cycle,
        owned_by=f"{own_schema}.{own_table}.{own_column}" if own_table else None,
        comment=comment,
    )


def _identity_options(
    table_schema: str, table: str, column: str, row: tuple[Any, ...]
) -> str | None:
    """Non-default sequence options of an identity column as SQL text."""
    seq_schema, seq_name, data_type, start, increment, min_value, max_value, cache, cycle = row
    if seq_name is None:
        return None
    name = None
    if (seq_schema, seq_name) != (table_schema, identity_sequence_name(table, column)):
        # An unqualified SEQUENCE NAME is created in the first schema of search_path.
        name = _qualified_name(seq_schema, seq_name)
    return sequence_options_sql(
        data_type,
        name=name,
        start=start,
        increment=increment,
        min_value=min_value,
        max_value=max_value,
        cache=cache,
        cycle=cycle,
    )


def _column(row: tuple[Any, ...]) -> Column:
    (_, name, type_, not_null, default, identity, generated, _, coll_ns, coll, comment) = row[:11]
    table, table_schema = row[11], row[21]
    generated_expr = _expr(default) if generated else None
    return Column(
        name=name,
        type=type_,
        nullable=not not_null,
        default=None if generated else _expr(default),
        identity={"a": "ALWAYS", "d": "BY DEFAULT"}.get(identity),  # type: ignore[arg-type]
        identity_options=_identity_options(table_schema, table, name, row[12:21])
        if identity
        else None,
        generated=generated_expr,
        generated_kind="VIRTUAL" if generated == "v" else "STORED",
        collation=_qualified_name(coll_ns, coll) if coll else None,
        comment=comment,
    )


def _table(
    rel: tuple[Any, ...],
    column_rows: list[tuple[Any, ...]],
    constraint_rows: list[tuple[Any, ...]],
    indexes: list[Index],
    policies: list[Policy],
) -> Table:
    (_, schema, name, kind, unlogged, reloptions, partkey, is_partition, bound) = rel[:9]
    rls, rls_forced, comment, parent_schemas, parent_names = rel[9:14]
    partition_of = None
    inherits: tuple[str, ...] = ()
    if is_partition:
        partition_of = PartitionOf(
            parent_schema=parent_schemas[0], parent_table=parent_names[0], bound=bound
        )
        # A partition made by PARTITION OF has its parent's columns, so the parent carries
        # them. A table made on its own and attached later keeps NOT NULL constraints named
        # after itself (PostgreSQL 18): it is read with its columns, and exported the same way.
        if not rel[16]:
            column_rows = []
    else:
        inherits = tuple(f"{s}.{n}" for s, n in zip(parent_schemas, parent_names))
        # Columns a child only inherits come with the parent.
        column_rows = [r for r in column_rows if r[7]]
    table = Table(
        name=name,
        schema=schema,
        columns=tuple(_column(r) for r in column_rows),
        indexes=tuple(indexes),
        comment=comment,
        partitioning=_partitioning(partkey) if kind == "p" else None,
        partition_of=partition_of,
        inherits=inherits,
        unlogged=unlogged,
        rls_enabled=rls,
        rls_forced=rls_forced,
        policies=tuple(policies),
        with_options=_options(reloptions),
        # the planner's row estimate is the design's scale; -1 means never analysed
        expected_rows=rel[17] if len(rel) > 17 and rel[17] is not None and rel[17] >= 0 else None,
    )
    return _with_constraints(table, constraint_rows)


def _with_constraints(table: Table, rows: list[tuple[Any, ...]]) -> Table:
    primary_key = None
    fks: list[ForeignKey] = []
    uniques: list[UniqueConstraint] = []
    checks: list[CheckConstraint] = []
    excludes: list[ExcludeConstraint] = []
    for row in rows:
        (_, name, kind, cols, ref_schema, ref_table, ref_cols, upd, dele, match) = row[:10]
        deferrable, deferred, validated, no_inherit, period, delsetcols = row[10:16]
        nulls_not_distinct, include, check_expr, exclude_def = row[16:]
        if kind == "p":
            primary_key = PrimaryKey(
                columns=tuple(cols),
                name=name,
                include=tuple(include),
                deferrable=deferrable,
                initially_deferred=deferred,
                without_overlaps=period,
            )
        elif kind == "u":
            uniques.append(
                UniqueConstraint(
                    columns=tuple(cols),
                    name=name,
                    nulls_not_distinct=bool(nulls_not_distinct),
                    include=tuple(include),
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    without_overlaps=period,
                )
            )
        elif kind == "f":
            fks.append(
                ForeignKey(
                    columns=tuple(cols),
                    ref_table=ref_table,
                    ref_columns=tuple(ref_cols),
                    ref_schema=ref_schema,
                    name=name,
                    on_delete=FK_ACTION_CODES[dele],  # type: ignore[arg-type]
                    on_update=FK_ACTION_CODES[upd],  # type: ignore[arg-type]
                    match="FULL" if match == "f" else "SIMPLE",
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    not_valid=not validated,
                    period=period,
                    on_delete_columns=tuple(delsetcols),
                )
            )
        elif kind == "c":
            checks.append(
                CheckConstraint(
                    expression=_normalize_expr(check_expr),
                    name=name,
                    not_valid=not validated,
                    no_inherit=no_inherit,
                )
            )
        elif kind == "x":
            excludes.append(_exclude(name, exclude_def, deferrable, deferred))
    return replace(
        table,
        primary_key=primary_key,
        foreign_keys=tuple(fks),
        uniques=tuple(uniques),
        checks=tuple(checks),
        excludes=tuple(excludes),
    )


def _parse(sql: str) -> Any:
    """The one statement of ``sql`` as a pglast node (catalog output always parses)."""
    return pglast.parse_sql(sql)[0].stmt


def _partitioning(partkeydef: str) -> Partitioning:
    strategy, _, _ = partkeydef.partition(" ")
    stmt = _parse(f"CREATE TABLE x () PARTITION BY {partkeydef}")
    key = ", ".join(RawStream()(p) for p in stmt.partspec.partParams)
    return Partitioning(strategy=strategy.upper(), key=key)  # type: ignore[arg-type]


def _names_of(nodes: Any) -> str | None:
    """A qualified name list of pglast String nodes as text (opclass, collation)."""
    if not nodes:
        return None
    return ".".join(n.sval for n in nodes)


def _index_part(elem: Any) -> IndexPart:
    expression = print_sql(elem.expr) if elem.expr is not None else None
    nulls = {SortByNulls.SORTBY_NULLS_FIRST: True, SortByNulls.SORTBY_NULLS_LAST: False}
    return IndexPart(
        column=elem.name,
        expression=expression,
        opclass=_names_of(elem.opclass),
        collation=_names_of(elem.collation),
        descending=elem.ordering == SortByDir.SORTBY_DESC,
        nulls_first=nulls.get(elem.nulls_ordering),
    )


def _index(row: tuple[Any, ...]) -> Index:
    """An index from pg_get_indexdef, parsed by PostgreSQL's parser.

    The definition already leaves out what is default (opclass for the type,
    collation of the column, ASC, NULLS LAST), by ruleutils' own rules.
    """
    _, name, indexdef, method, unique, nulls_not_distinct, reloptions, tablespace, comment = row
    stmt = _parse(indexdef)
    where = stmt.whereClause
    return Index(
        name=name,
        parts=tuple(_index_part(e) for e in stmt.indexParams),
        method=method,
        unique=unique,
        nulls_not_distinct=bool(nulls_not_distinct),
        include=tuple(e.name for e in stmt.indexIncludingParams or ()),
        where=print_sql(where) if where is not None else None,
        with_options=_options(reloptions),
        tablespace=tablespace,
        comment=comment,
    )


def _exclude(name: str, definition: str, deferrable: bool, deferred: bool) -> ExcludeConstraint:
    con = _parse(f"ALTER TABLE x ADD {definition}").cmds[0].def_
    elements = []
    for elem, operator in con.exclusions:
        part = _index_part(elem)
        elements.append(
            ExcludeElement(
                expression=part.column if part.column is not None else part.expression or "",
                operator=".".join(o.sval for o in operator),
                opclass=part.opclass,
            )
        )
    where = con.where_clause
    return ExcludeConstraint(
        elements=tuple(elements),
        method=con.access_method or "btree",
        name=name,
        include=tuple(n.sval for n in con.including or ()),
        where=print_sql(where) if where is not None else None,
        deferrable=deferrable,
        initially_deferred=deferred,
    )


def _view(rel: tuple[Any, ...], column_rows: list[tuple[Any, ...]], indexes: list[Index]) -> View:
    _, schema, name, kind, _, reloptions = rel[:6]
    comment, viewdef, populated = rel[11], rel[14], rel[15]
    check_option = None
    options = []
    for option in reloptions or ():
        key, _, value = option.partition("=")
        if key == "check_option":
            check_option = value.upper()
        else:
            options.append(option)
    return View(
        name=name,
        query=_normalize_query(viewdef),
        schema=schema,
        materialized=kind == "m",
        with_options=_options(options),
        check_option=check_option,
        with_data=bool(populated) if kind == "m" else True,
        indexes=tuple(indexes) if kind == "m" else (),
        comment=comment,
        column_comments=tuple((r[1], r[10]) for r in column_rows if r[10] is not None),
    )


def _dependency_order(views: dict[int, View], edges: list[tuple[Any, ...]]) -> list[int]:
    """View oids with every view after the views it reads; ties by (schema, name)."""
    needs: dict[int, set[int]] = {oid: set() for oid in views}
    users: dict[int, set[int]] = defaultdict(set)
    for view, dep in edges:
        if view in views and dep in views:
            needs[view].add(dep)
            users[dep].add(view)

    def key(oid: int) -> tuple[str, str, int]:
        return (views[oid].schema, views[oid].name, oid)

    ready = [key(oid) for oid, deps in needs.items() if not deps]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        oid = heapq.heappop(ready)[2]
        order.append(oid)
        for user in sorted(users[oid]):
            needs[user].discard(oid)
            if not needs[user]:
                heapq.heappush(ready, key(user))
    # A cycle cannot exist among views; keep any leftover rather than lose it.
    order += sorted((oid for oid in views if oid not in order), key=key)
    return order
