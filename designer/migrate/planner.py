"""``plan(changes)``: the migration a careful PostgreSQL engineer would write.

A plan is data: phases (expand -> backfill -> contract) of ordered steps, each with
its up and down SQL, the lock it takes, whether it rewrites or scans a table, and
the risks a reviewer should know. SQL text is produced here, rendering to files is
``designer.migrate.render``.

Safe patterns used on tables that already exist (new tables are empty, so they get
plain DDL): indexes built and dropped CONCURRENTLY outside a transaction; foreign
keys and checks added NOT VALID and validated in a later step; SET NOT NULL through
a validated ``CHECK (col IS NOT NULL)``; unique and primary keys attached to an index
built concurrently; volatile defaults backfilled in batches; ``lock_timeout`` before
every step that takes a lock other sessions would queue behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from designer.migrate import changes as ch
from designer.migrate.changes import (
    ACCESS_EXCLUSIVE,
    NO_LOCK,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    Change,
)
from designer.migrate.diff import is_volatile
from designer.schema.model import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExcludeConstraint,
    ForeignKey,
    Index,
    IndexPart,
    Policy,
    PrimaryKey,
    Table,
    UniqueConstraint,
    View,
)
from designer.schema.model import (
    Sequence as SequenceObj,
)
from designer.schema.sqltext import SERIAL_TYPES, qualify, quote_ident

EXPAND, BACKFILL, CONTRACT = "expand", "backfill", "contract"
PHASES = (EXPAND, BACKFILL, CONTRACT)
LOCK_TIMEOUT = "5s"
# Quick catalog changes should finish at once; if one does not, something is wrong.
QUICK_STATEMENT_TIMEOUT = "15s"
BACKFILL_BATCH_PAGES = 1000

ERR_DESTRUCTIVE = (
    "This plan can lose data in {count} step(s): {steps}. "
    "Review them and pass allow_destructive=True to accept."
)
RISK_RENAME = (
    "Code using the old name fails as soon as this runs: deploy code that accepts both names"
    " first, or keep a compatibility view under the old name for one release."
)
RISK_REWRITE = (
    "Rewrites the whole table and its indexes under ACCESS EXCLUSIVE: reads and writes wait"
    " until it finishes. On a large table use expand/contract instead: add a new column of the"
    " new type, keep it in sync with a trigger (dual writes), backfill it in batches, switch"
    " readers, then drop the old column and rename the new one."
)
RISK_NARROWING = "Values that do not fit the new type make this step fail (or lose precision)."
RISK_NOT_NULL_NO_DEFAULT = (
    "A NOT NULL column without a default cannot be added to a table that has rows: give it a"
    " default, or add it nullable, backfill, then set NOT NULL."
)
RISK_CONCURRENT = (
    "Runs outside a transaction. If it fails it leaves an INVALID index that IF NOT EXISTS"
    " would then skip: drop it with DROP INDEX CONCURRENTLY before running the step again."
)
RISK_DROP = "Data in it is lost; the rollback recreates the structure, not the data."
RISK_DROP_CODE = "Deploy code that no longer uses it before running this step."
RISK_VALIDATE = "Scans the table but lets reads and writes continue (SHARE UPDATE EXCLUSIVE)."
RISK_FK_INDEX = "Index the referencing columns, or deletes on the referenced table scan this one."
RISK_BACKFILL = (
    "Updates every row in batches of {pages} pages, committing after each; safe to re-run."
)
RISK_ENUM_VALUE = (
    "The new value cannot be used in the same transaction that adds it; later steps run"
    " after it commits."
)
RISK_RECREATE_ENUM = (
    "Rebuilds the type and rewrites every column using it under ACCESS EXCLUSIVE; rows holding"
    " a removed value make it fail."
)
RISK_EXCLUSION = "Builds the exclusion index while holding the lock: no concurrent variant exists."
RISK_ADD_REWRITE = (
    "Adding an identity, serial or stored generated column rewrites the table under ACCESS"
    " EXCLUSIVE."
)
RISK_MANUAL = "The planner does not script this; do it by hand and re-run the diff."
RISK_VIEW_REFRESH = (
    "PostgreSQL fixed the view's columns when it expanded its *: replacing it appends the new"
    " columns. Its rollback drops the view; it comes back with its old columns once the"
    " rollback has dropped the new ones."
)
ROLLBACK_POINT_SQL = "-- Nothing to run on the way up: this is where the rollback re-creates it."
RISK_VIEW_REPLACE = (
    "CREATE OR REPLACE VIEW only allows new columns at the end; if it fails, drop and"
    " recreate the view."
)


class DestructivePlanError(ValueError):
    """The plan drops data; ``steps`` lists the destructive steps."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = tuple(steps)
        super().__init__(
            ERR_DESTRUCTIVE.format(
                count=len(self.steps), steps="; ".join(s.description for s in self.steps)
            )
        )


@dataclass(frozen=True)
class Step:
    description: str
    sql: str
    down_sql: str
    phase: str
    lock: str = NO_LOCK
    rewrites: bool = False
    scans: bool = False
    destructive: bool = False
    transactional: bool = True
    down_transactional: bool = True
    risks: tuple[str, ...] = ()
    change: str = ""  # describe() of the change this step belongs to
    number: int = 0


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    changes: tuple[Change, ...] = field(default=())

    def phase(self, name: str) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.phase == name)

    @property
    def destructive_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.destructive)

    @property
    def is_empty(self) -> bool:
        return not self.steps


# -- SQL text ---------------------------------------------------------------------------


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cols(names: Iterable[str]) -> str:
    return ", ".join(quote_ident(n) for n in names)


def _deferrable(obj: Any) -> str:
    if not obj.deferrable:
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if obj.initially_deferred else " DEFERRABLE"


def column_sql(c: Column) -> str:
    parts = [quote_ident(c.name), c.type]
    if c.collation:
        parts.append(f"COLLATE {quote_ident(c.collation)}")
    if c.generated:
        parts.append(f"GENERATED ALWAYS AS ({c.generated}) {c.generated_kind}")
    elif c.identity:
        opts = f" ({c.identity_options})" if c.identity_options else ""
        parts.append(f"GENERATED {c.identity} AS IDENTITY{opts}")
    if c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    if not c.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def _index_parts(index: Index) -> str:
    out = []
    for p in index.parts:
        text = quote_ident(p.column) if p.column is not None else f"({p.expression})"
        if p.collation:
            text += f" COLLATE {quote_ident(p.collation)}"
        if p.opclass:
            text += f" {p.opclass}"
        if p.descending:
            text += " DESC"
        if p.nulls_first is not None:
            text += " NULLS FIRST" if p.nulls_first else " NULLS LAST"
        out.append(text)
    return ", ".join(out)


def index_sql(schema: str, table: str, index: Index, *, concurrently: bool) -> str:
    unique = "UNIQUE " if index.unique else ""
    # IF NOT EXISTS makes a re-run after a partial failure skip the finished indexes.
    conc = "CONCURRENTLY IF NOT EXISTS " if concurrently else ""
    method = f" USING {index.method}" if index.method != "btree" else ""
    text = (
        f"CREATE {unique}INDEX {conc}{quote_ident(index.name)} ON {qualify(schema, table)}"
        f"{method} ({_index_parts(index)})"
    )
    if index.include:
        text += f" INCLUDE ({_cols(index.include)})"
    if index.nulls_not_distinct:
        text += " NULLS NOT DISTINCT"
    if index.with_options:
        text += f" WITH ({', '.join(index.with_options)})"
    if index.tablespace:
        text += f" TABLESPACE {quote_ident(index.tablespace)}"
    if index.where:
        text += f" WHERE {index.where}"
    return text + ";"


def _pk_sql(pk: PrimaryKey) -> str:
    cols = _cols(pk.columns)
    if pk.without_overlaps:
        cols += " WITHOUT OVERLAPS"
    include = f" INCLUDE ({_cols(pk.include)})" if pk.include else ""
    return f"CONSTRAINT {quote_ident(pk.name or '')} PRIMARY KEY ({cols}){include}" + _deferrable(
        pk
    )


def _unique_sql(u: UniqueConstraint) -> str:
    nnd = " NULLS NOT DISTINCT" if u.nulls_not_distinct else ""
    cols = _cols(u.columns) + (" WITHOUT OVERLAPS" if u.without_overlaps else "")
    include = f" INCLUDE ({_cols(u.include)})" if u.include else ""
    return f"CONSTRAINT {quote_ident(u.name or '')} UNIQUE{nnd} ({cols}){include}" + _deferrable(u)


def _check_sql(c: CheckConstraint) -> str:
    no_inherit = " NO INHERIT" if c.no_inherit else ""
    return f"CONSTRAINT {quote_ident(c.name or '')} CHECK ({c.expression}){no_inherit}"


def _exclude_sql(e: ExcludeConstraint) -> str:
    elems = ", ".join(
        (quote_ident(x.expression) if x.expression.isidentifier() else f"({x.expression})")
        + (f" {x.opclass}" if x.opclass else "")
        + f" WITH {x.operator}"
        for x in e.elements
    )
    text = f"CONSTRAINT {quote_ident(e.name or '')} EXCLUDE USING {e.method} ({elems})"
    if e.include:
        text += f" INCLUDE ({_cols(e.include)})"
    if e.where:
        text += f" WHERE ({e.where})"
    return text + _deferrable(e)


def _fk_sql(fk: ForeignKey) -> str:
    cols = list(map(quote_ident, fk.columns))
    refs = list(map(quote_ident, fk.ref_columns))
    if fk.period:
        cols[-1] = f"PERIOD {cols[-1]}"
        refs[-1] = f"PERIOD {refs[-1]}"
    text = (
        f"CONSTRAINT {quote_ident(fk.name or '')} FOREIGN KEY ({', '.join(cols)})"
        f" REFERENCES {qualify(fk.ref_schema, fk.ref_table)}"
    )
    if refs:
        text += f" ({', '.join(refs)})"
    if fk.match == "FULL":
        text += " MATCH FULL"
    if fk.on_update != "NO ACTION":
        text += f" ON UPDATE {fk.on_update}"
    if fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
        if fk.on_delete_columns:
            text += f" ({_cols(fk.on_delete_columns)})"
    return text + _deferrable(fk)


def comment_sql(kind: str, target: str, text: str | None) -> str:
    return f"COMMENT ON {kind} {target} IS {literal(text) if text is not None else 'NULL'};"


def _policy_sql(schema: str, table: str, p: Policy) -> str:
    text = f"CREATE POLICY {quote_ident(p.name)} ON {qualify(schema, table)}"
    if not p.permissive:
        text += " AS RESTRICTIVE"
    if p.command != "ALL":
        text += f" FOR {p.command}"
    text += " TO " + ", ".join(r if r.lower() == "public" else quote_ident(r) for r in p.roles)
    if p.using:
        text += f" USING ({p.using})"
    if p.with_check:
        text += f" WITH CHECK ({p.with_check})"
    lines = [text + ";"]
    if p.comment:
        lines.append(
            comment_sql("POLICY", f"{quote_ident(p.name)} ON {qualify(schema, table)}", p.comment)
        )
    return "\n".join(lines)


def create_table_sql(t: Table) -> str:
    """CREATE TABLE with everything but foreign keys, then its indexes, comments and policies."""
    name = qualify(t.schema, t.name)
    unlogged = "UNLOGGED " if t.unlogged else ""
    items = [column_sql(c) for c in t.columns] if t.partition_of is None else []
    if t.primary_key:
        items.append(_pk_sql(t.primary_key))
    items += [_unique_sql(u) for u in t.uniques]
    items += [_check_sql(c) for c in t.checks]
    items += [_exclude_sql(e) for e in t.excludes]
    if t.partition_of is not None:
        parent = qualify(t.partition_of.parent_schema, t.partition_of.parent_table)
        body = f" PARTITION OF {parent}"
        if items:
            body += " (\n    " + ",\n    ".join(items) + "\n)"
        body += f" {t.partition_of.bound}"
    else:
        body = " (\n    " + ",\n    ".join(items) + "\n)"
    if t.inherits:
        body += " INHERITS (" + ", ".join(qualify(*p.split(".", 1)) for p in t.inherits) + ")"
    if t.partitioning:
        body += f" PARTITION BY {t.partitioning.strategy} ({t.partitioning.key})"
    if t.with_options:
        body += f" WITH ({', '.join(t.with_options)})"
    lines = [f"CREATE {unlogged}TABLE {name}{body};"]
    lines += [index_sql(t.schema, t.name, i, concurrently=False) for i in t.indexes]
    if t.comment is not None:
        lines.append(comment_sql("TABLE", name, t.comment))
    for c in t.columns:
        if c.comment is not None:
            lines.append(comment_sql("COLUMN", f"{name}.{quote_ident(c.name)}", c.comment))
    for i in t.indexes:
        if i.comment is not None:
            lines.append(comment_sql("INDEX", qualify(t.schema, i.name), i.comment))
    if t.rls_enabled:
        lines.append(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;")
    if t.rls_forced:
        lines.append(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY;")
    lines += [_policy_sql(t.schema, t.name, p) for p in t.policies]
    return "\n".join(lines)


def create_enum_sql(e: EnumType) -> str:
    text = f"CREATE TYPE {qualify(e.schema, e.name)} AS ENUM ({', '.join(map(literal, e.values))});"
    if e.comment is not None:
        text += "\n" + comment_sql("TYPE", qualify(e.schema, e.name), e.comment)
    return text


def create_domain_sql(d: Domain) -> str:
    text = f"CREATE DOMAIN {qualify(d.schema, d.name)} AS {d.type}"
    if d.collation:
        text += f" COLLATE {quote_ident(d.collation)}"
    if d.default is not None:
        text += f" DEFAULT {d.default}"
    if d.not_null:
        text += " NOT NULL"
    for c in d.checks:
        text += (
            f" CONSTRAINT {quote_ident(c.name)}" if c.name else ""
        ) + f" CHECK ({c.expression})"
    text += ";"
    if d.comment is not None:
        text += "\n" + comment_sql("DOMAIN", qualify(d.schema, d.name), d.comment)
    return text


def create_sequence_sql(s: SequenceObj) -> str:
    text = f"CREATE SEQUENCE {qualify(s.schema, s.name)} AS {s.data_type}"
    for label, value in (
        ("INCREMENT BY", s.increment),
        ("MINVALUE", s.min_value),
        ("MAXVALUE", s.max_value),
        ("START WITH", s.start),
        ("CACHE", s.cache),
    ):
        if value is not None:
            text += f" {label} {value}"
    if s.cycle:
        text += " CYCLE"
    text += ";"
    if s.comment is not None:
        text += "\n" + comment_sql("SEQUENCE", qualify(s.schema, s.name), s.comment)
    return text


def create_view_sql(v: View, *, replace: bool = False) -> str:
    name = qualify(v.schema, v.name)
    kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
    head = f"CREATE {'OR REPLACE ' if replace else ''}{kind} {name}"
    if v.columns:
        head += f" ({_cols(v.columns)})"
    if v.with_options:
        head += f" WITH ({', '.join(v.with_options)})"
    text = f"{head} AS\n{v.query}"
    if v.check_option:
        text += f"\nWITH {v.check_option} CHECK OPTION"
    if v.materialized:
        text += "\nWITH DATA" if v.with_data else "\nWITH NO DATA"
    lines = [text + ";"]
    lines += [index_sql(v.schema, v.name, i, concurrently=False) for i in v.indexes]
    if v.comment is not None:
        lines.append(comment_sql(kind, name, v.comment))
    for col, text in v.column_comments:
        lines.append(comment_sql("COLUMN", f"{name}.{quote_ident(col)}", text))
    return "\n".join(lines)


def drop_view_sql(v: View) -> str:
    kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
    return f"DROP {kind} {qualify(v.schema, v.name)};"


def _guard(lock: str, *, long: bool) -> str:
    """Timeouts before every step: never queue for long behind other sessions' locks.

    Even steps that lock no existing table (CREATE VIEW, COMMENT) take a weak lock that
    queues behind someone else's ACCESS EXCLUSIVE, and everything queued behind them waits too.
    """
    statement = "0" if long else QUICK_STATEMENT_TIMEOUT
    return f"SET lock_timeout = '{LOCK_TIMEOUT}';\nSET statement_timeout = '{statement}';\n"


# -- steps per change ---------------------------------------------------------------------

# Stages in the order they run; each belongs to a phase. A change can put steps into
# several stages (a foreign key: added NOT VALID in "constraints", validated in "validate").
STAGES: tuple[tuple[str, str], ...] = (
    ("manual", EXPAND),
    ("namespaces", EXPAND),  # schemas, extensions
    ("types", EXPAND),  # enums, enum values, domains, sequences
    ("drop_views", EXPAND),  # views over columns about to change
    ("replace_drops", EXPAND),  # old versions of objects re-created under the same name
    ("renames", EXPAND),
    ("tables", EXPAND),
    ("columns", EXPAND),
    ("indexes", EXPAND),  # CONCURRENTLY, outside transactions
    ("constraints", EXPAND),  # NOT VALID
    ("views", EXPAND),
    ("security", EXPAND),
    ("comments", EXPAND),
    ("backfill", BACKFILL),
    ("validate", BACKFILL),
    ("not_null", BACKFILL),
    ("attach", BACKFILL),  # unique and primary keys onto their concurrently built indexes
    ("drop_constraints", CONTRACT),
    ("drop_views_late", CONTRACT),
    ("drop_columns", CONTRACT),
    ("views_late", CONTRACT),  # views reading a shrinking table with *: after the drop
    ("drop_tables", CONTRACT),
    ("drop_types", CONTRACT),
)
_PHASE = dict(STAGES)
_STAGE_RANK = {name: i for i, (name, _) in enumerate(STAGES)}


@dataclass
class _Ctx:
    new_tables: set[tuple[str, str]]
    replaced: set[tuple[str, ...]]  # keys of objects dropped and re-added under one name


StepList = list[tuple[str, Step]]


def _step(stage: str, change: Change, **kw: Any) -> tuple[str, Step]:
    kw.setdefault("description", change.describe())
    return stage, Step(phase=_PHASE[stage], change=change.describe(), **kw)


def _alter(c: ch.TableChange, body: str) -> str:
    return f"ALTER TABLE {c.qualified} {body};"


def _simple(
    stage: str,
    change: Change,
    sql: str,
    down: str,
    *,
    lock: str | None = None,
    risks: tuple[str, ...] = (),
    long: bool = False,
) -> StepList:
    lock = change.lock if lock is None else lock
    return [
        _step(
            stage,
            change,
            sql=_guard(lock, long=long or change.rewrites or change.scans) + sql,
            down_sql=down,
            lock=lock,
            rewrites=change.rewrites,
            scans=change.scans,
            destructive=change.destructive,
            risks=risks,
        )
    ]


def _tmp_check_name(table: str, column: str) -> str:
    from designer.schema.pgnames import make_object_name

    return make_object_name(table, column, "nn_check")


def _not_null_steps(c: ch.TableChange, column: str, change: Change) -> StepList:
    """SET NOT NULL without a long ACCESS EXCLUSIVE scan (PostgreSQL 12+ trusts a valid CHECK)."""
    check = quote_ident(_tmp_check_name(c.table, column))
    col = quote_ident(column)
    drop_check = _alter(c, f"DROP CONSTRAINT IF EXISTS {check}")
    return [
        _step(
            "constraints",
            change,
            description=f"Add CHECK ({column} IS NOT NULL) NOT VALID on {c.schema}.{c.table}",
            sql=_guard(ACCESS_EXCLUSIVE, long=False)
            + _alter(c, f"ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID"),
            down_sql=drop_check,
            lock=ACCESS_EXCLUSIVE,
        ),
        _step(
            "validate",
            change,
            description=f"Validate CHECK ({column} IS NOT NULL) on {c.schema}.{c.table}",
            sql=_guard(SHARE_UPDATE_EXCLUSIVE, long=True)
            + _alter(c, f"VALIDATE CONSTRAINT {check}"),
            down_sql="",
            lock=SHARE_UPDATE_EXCLUSIVE,
            scans=True,
            risks=(RISK_VALIDATE,),
        ),
        _step(
            "not_null",
            change,
            description=f"Set {c.schema}.{c.table}.{column} NOT NULL using the validated check",
            sql=_guard(ACCESS_EXCLUSIVE, long=False)
            + _alter(c, f"ALTER COLUMN {col} SET NOT NULL")
            + "\n"
            + _alter(c, f"DROP CONSTRAINT {check}"),
            down_sql=_alter(c, f"ALTER COLUMN {col} DROP NOT NULL"),
            lock=ACCESS_EXCLUSIVE,
        ),
    ]


def _backfill_sql(c: ch.TableChange, column: str) -> str:
    col = quote_ident(column)
    return f"""DO $backfill$
DECLARE
    last_page bigint := pg_relation_size({literal(c.qualified)}::regclass)
        / current_setting('block_size')::bigint;
    first_page bigint := 0;
BEGIN
    -- Batches of {BACKFILL_BATCH_PAGES} pages by ctid range: each commits, so locks stay short.
    WHILE first_page <= last_page LOOP
        UPDATE {c.qualified} SET {col} = DEFAULT
        WHERE ctid >= format('(%s,0)', first_page)::tid
          AND ctid < format('(%s,0)', first_page + {BACKFILL_BATCH_PAGES})::tid
          AND {col} IS NULL;
        COMMIT;
        first_page := first_page + {BACKFILL_BATCH_PAGES};
    END LOOP;
END
$backfill$;"""


def _add_column(c: ch.AddColumn, ctx: _Ctx) -> StepList:
    col = c.column
    drop = _alter(c, f"DROP COLUMN IF EXISTS {quote_ident(col.name)}")
    comment = (
        "\n" + comment_sql("COLUMN", f"{c.qualified}.{quote_ident(col.name)}", col.comment)
        if col.comment is not None
        else ""
    )
    rewrites = bool(col.identity or col.generated or col.type in SERIAL_TYPES)
    if not rewrites and col.default is not None and is_volatile(col.default):
        # Volatile default: one value per row would rewrite the table under the lock.
        bare = _alter(
            c, f"ADD COLUMN {column_sql(Column(col.name, col.type, collation=col.collation))}"
        )
        set_default = _alter(c, f"ALTER COLUMN {quote_ident(col.name)} SET DEFAULT {col.default}")
        steps = [
            _step(
                "columns",
                c,
                description=f"Add column {c.schema}.{c.table}.{col.name} without default, "
                f"then set default {col.default} for new rows",
                sql=_guard(ACCESS_EXCLUSIVE, long=False) + bare + "\n" + set_default + comment,
                down_sql=drop,
                lock=ACCESS_EXCLUSIVE,
            ),
            _step(
                "backfill",
                c,
                description=f"Backfill {c.schema}.{c.table}.{col.name} with {col.default} in batches",
                sql=_guard(NO_LOCK, long=True) + _backfill_sql(c, col.name),
                down_sql="",
                transactional=False,
                scans=True,
                risks=(RISK_BACKFILL.format(pages=BACKFILL_BATCH_PAGES),),
            ),
        ]
        if not col.nullable:
            steps += _not_null_steps(c, col.name, c)
        return steps
    risks: tuple[str, ...] = ("PostgreSQL adds new columns at the end of the table.",)
    if rewrites:
        risks += (RISK_ADD_REWRITE,)
    elif not col.nullable and col.default is None:
        risks += (RISK_NOT_NULL_NO_DEFAULT,)
    return [
        _step(
            "columns",
            c,
            sql=_guard(ACCESS_EXCLUSIVE, long=rewrites)
            + _alter(c, f"ADD COLUMN {column_sql(col)}")
            + comment,
            down_sql=drop,
            lock=ACCESS_EXCLUSIVE,
            rewrites=rewrites,
            scans=rewrites,
            risks=risks,
        )
    ]


def _alter_type_sql(
    c: ch.AlterColumnType, new_type: str, old_type: str, collation: str | None
) -> str:
    col = quote_ident(c.column)
    text = f"ALTER COLUMN {col} TYPE {new_type}"
    if collation:
        text += f" COLLATE {quote_ident(collation)}"
    using = c.using
    text_like = ("text", "character varying", "character")
    if using is None and old_type.startswith(text_like) and not new_type.startswith(text_like):
        using = f"{col}::{new_type}"
    if using:
        text += f" USING {using}"
    return _alter(c, text)


def _alter_type(c: ch.AlterColumnType, ctx: _Ctx) -> StepList:
    risks: tuple[str, ...] = ()
    if c.rewrites:
        risks += (RISK_REWRITE,)
    if c.destructive:
        risks += (RISK_NARROWING,)
    return _simple(
        "columns",
        c,
        _alter_type_sql(c, c.new_type, c.old_type, c.new_collation),
        _alter_type_sql(
            ch.AlterColumnType(c.schema, c.table, c.column, c.new_type, c.old_type),
            c.old_type,
            c.new_type,
            c.old_collation,
        ),
        risks=risks,
    )


def _index_via_concurrent(
    c: ch.TableChange, name: str, index: Index, change: Change, attach: str, down: str
) -> StepList:
    """Build a unique index concurrently, then attach a constraint to it (brief lock)."""
    return [
        _step(
            "indexes",
            change,
            description=f"Build unique index {name} on {c.schema}.{c.table} concurrently",
            sql=_guard(SHARE_UPDATE_EXCLUSIVE, long=True)
            + index_sql(c.schema, c.table, index, concurrently=True),
            down_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {qualify(c.schema, name)};",
            lock=SHARE_UPDATE_EXCLUSIVE,
            scans=True,
            transactional=False,
            down_transactional=False,
            risks=(RISK_CONCURRENT,),
        ),
        _step(
            "attach",
            change,
            sql=_guard(ACCESS_EXCLUSIVE, long=False) + _alter(c, attach),
            down_sql=down,
            lock=ACCESS_EXCLUSIVE,
        ),
    ]


def _add_pk(c: ch.AddPrimaryKey, ctx: _Ctx) -> StepList:
    pk = c.primary_key
    name = pk.name or ""
    add_plain = f"ADD {_pk_sql(pk)}"
    down = _alter(c, f"DROP CONSTRAINT IF EXISTS {quote_ident(name)}")
    if pk.without_overlaps or (c.schema, c.table) in ctx.new_tables:
        return _simple("attach", c, _alter(c, add_plain), down, long=True)
    index = Index(name, tuple(ch_part(col) for col in pk.columns), unique=True, include=pk.include)
    attach = f"ADD CONSTRAINT {quote_ident(name)} PRIMARY KEY USING INDEX {quote_ident(name)}"
    return _index_via_concurrent(c, name, index, c, attach + _deferrable(pk), down)


def ch_part(column: str) -> IndexPart:
    return IndexPart(column=column)


def _add_unique(c: ch.AddUnique, ctx: _Ctx) -> StepList:
    u = c.unique
    name = u.name or ""
    down = _alter(c, f"DROP CONSTRAINT IF EXISTS {quote_ident(name)}")
    if u.without_overlaps or (c.schema, c.table) in ctx.new_tables:
        return _simple("attach", c, _alter(c, f"ADD {_unique_sql(u)}"), down, long=True)
    index = Index(
        name,
        tuple(ch_part(col) for col in u.columns),
        unique=True,
        include=u.include,
        nulls_not_distinct=u.nulls_not_distinct,
    )
    attach = f"ADD CONSTRAINT {quote_ident(name)} UNIQUE USING INDEX {quote_ident(name)}"
    return _index_via_concurrent(c, name, index, c, attach + _deferrable(u), down)


def _not_valid_then_validate(
    c: ch.TableChange, change: Change, definition: str, name: str, lock: str, validate: bool
) -> StepList:
    qname = quote_ident(name)
    steps = [
        _step(
            "constraints",
            change,
            description=change.describe() + " (NOT VALID: existing rows unchecked)",
            sql=_guard(lock, long=False) + _alter(c, f"ADD {definition} NOT VALID"),
            down_sql=_alter(c, f"DROP CONSTRAINT IF EXISTS {qname}"),
            lock=lock,
        )
    ]
    if validate:
        steps.append(
            _step(
                "validate",
                change,
                description=f"Validate {name} on {c.schema}.{c.table}",
                sql=_guard(SHARE_UPDATE_EXCLUSIVE, long=True)
                + _alter(c, f"VALIDATE CONSTRAINT {qname}"),
                down_sql="",
                lock=SHARE_UPDATE_EXCLUSIVE,
                scans=True,
                risks=(RISK_VALIDATE,),
            )
        )
    return steps


def _add_fk(c: ch.AddForeignKey, ctx: _Ctx) -> StepList:
    fk = c.foreign_key
    steps = _not_valid_then_validate(
        c, c, _fk_sql(fk), fk.name or "", SHARE_ROW_EXCLUSIVE, not fk.not_valid
    )
    stage, first = steps[0]
    steps[0] = (stage, _with_risks(first, RISK_FK_INDEX))
    return steps


def _with_risks(step: Step, *risks: str) -> Step:
    return replace(step, risks=step.risks + risks)


def _add_check(c: ch.AddCheck, ctx: _Ctx) -> StepList:
    chk = c.check
    return _not_valid_then_validate(
        c, c, _check_sql(chk), chk.name or "", ACCESS_EXCLUSIVE, not chk.not_valid
    )


def _drop_constraint(stage: str, c: ch.TableChange, name: str, down_body: str) -> StepList:
    return _simple(
        stage,
        c,
        _alter(c, f"DROP CONSTRAINT {quote_ident(name)}"),
        _alter(c, down_body),
    )


def _add_index(c: ch.AddIndex, ctx: _Ctx) -> StepList:
    comment = (
        "\n" + comment_sql("INDEX", qualify(c.schema, c.index.name), c.index.comment)
        if c.index.comment is not None
        else ""
    )
    down = f"DROP INDEX CONCURRENTLY IF EXISTS {qualify(c.schema, c.index.name)};"
    if (c.schema, c.table) in ctx.new_tables:
        return _simple(
            "indexes",
            c,
            index_sql(c.schema, c.table, c.index, concurrently=False) + comment,
            down.replace("CONCURRENTLY ", ""),
        )
    return [
        _step(
            "indexes",
            c,
            sql=_guard(SHARE_UPDATE_EXCLUSIVE, long=True)
            + index_sql(c.schema, c.table, c.index, concurrently=True)
            + comment,
            down_sql=down,
            lock=SHARE_UPDATE_EXCLUSIVE,
            scans=True,
            transactional=False,
            down_transactional=False,
            risks=(RISK_CONCURRENT,),
        )
    ]


def _drop_index(c: ch.DropIndex, ctx: _Ctx) -> StepList:
    stage = (
        "replace_drops" if ("index", c.schema, c.index.name) in ctx.replaced else "drop_constraints"
    )
    return [
        _step(
            stage,
            c,
            sql=_guard(SHARE_UPDATE_EXCLUSIVE, long=True)
            + f"DROP INDEX CONCURRENTLY IF EXISTS {qualify(c.schema, c.index.name)};",
            down_sql=index_sql(c.schema, c.table, c.index, concurrently=True),
            lock=SHARE_UPDATE_EXCLUSIVE,
            transactional=False,
            down_transactional=False,
            risks=(RISK_CONCURRENT,),
        )
    ]


def _constraint_stage(ctx: _Ctx, c: ch.TableChange, name: str) -> str:
    key = ("constraint", c.schema, c.table, name)
    return "replace_drops" if key in ctx.replaced else "drop_constraints"


def _enum_recreate_sql(old: EnumType, new: EnumType, uses: Iterable[ch.EnumUse]) -> str:
    name = qualify(old.schema, old.name)
    tmp = f"{old.name}__old"
    lines = [
        f"ALTER TYPE {name} RENAME TO {quote_ident(tmp)};",
        create_enum_sql(new),
    ]
    for u in uses:
        table = qualify(u.schema, u.table)
        col = quote_ident(u.column)
        array = "[]" if u.type.endswith("[]") else ""
        if u.default is not None:
            lines.append(f"ALTER TABLE {table} ALTER COLUMN {col} DROP DEFAULT;")
        lines.append(
            f"ALTER TABLE {table} ALTER COLUMN {col} TYPE {u.type}"
            f" USING {col}::text{array}::{u.type};"
        )
        if u.default is not None:
            lines.append(f"ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT {u.default};")
    lines.append(f"DROP TYPE {qualify(old.schema, tmp)};")
    return "\n".join(lines)


def _view_stage(c: ch.DropView) -> str:
    return "drop_views" if c.rebuild and not c.late else "drop_views_late"


def _manual(c: ch.ManualChange, ctx: _Ctx) -> StepList:
    return [_step("manual", c, sql=f"-- MANUAL: {c.what}", down_sql="", risks=(RISK_MANUAL,))]


def _steps_for(c: Change, ctx: _Ctx) -> StepList:
    """The steps of one change: the catalogue of safe patterns, one branch per change type."""
    if isinstance(c, ch.ManualChange):
        return _manual(c, ctx)
    if isinstance(c, ch.AddSchema):
        return _simple(
            "namespaces",
            c,
            f"CREATE SCHEMA {quote_ident(c.name)};",
            f"DROP SCHEMA {quote_ident(c.name)};",
        )
    if isinstance(c, ch.DropSchema):
        return _simple(
            "drop_types",
            c,
            f"DROP SCHEMA {quote_ident(c.name)};",
            f"CREATE SCHEMA {quote_ident(c.name)};",
        )
    if isinstance(c, ch.AddExtension | ch.DropExtension):
        e = c.extension
        create = f"CREATE EXTENSION IF NOT EXISTS {quote_ident(e.name)}"
        if e.schema:
            create += f" WITH SCHEMA {quote_ident(e.schema)}"
        create += ";"
        drop = f"DROP EXTENSION IF EXISTS {quote_ident(e.name)};"
        if isinstance(c, ch.AddExtension):
            return _simple("namespaces", c, create, drop)
        return _simple("drop_types", c, drop, create)
    if isinstance(c, ch.AddEnum):
        return _simple(
            "types", c, create_enum_sql(c.enum), f"DROP TYPE {qualify(c.enum.schema, c.enum.name)};"
        )
    if isinstance(c, ch.DropEnum):
        return _simple(
            "drop_types",
            c,
            f"DROP TYPE {qualify(c.enum.schema, c.enum.name)};",
            create_enum_sql(c.enum),
            risks=(RISK_DROP_CODE,),
        )
    if isinstance(c, ch.AddEnumValue):
        # An explicit position: appending silently is how enum orderings go wrong.
        if c.before:
            before = f" BEFORE {literal(c.before)}"
        else:
            before = f" AFTER {literal(c.enum.values[-1])}" if c.enum.values else ""
        sql = f"ALTER TYPE {qualify(c.enum.schema, c.enum.name)} ADD VALUE {literal(c.value)}{before};"
        down = _enum_recreate_sql(c.after_enum, c.enum, c.uses)
        return _simple("types", c, sql, down, risks=(RISK_ENUM_VALUE,))
    if isinstance(c, ch.RecreateEnum):
        return _simple(
            "columns",
            c,
            _enum_recreate_sql(c.old, c.new, c.uses),
            _enum_recreate_sql(c.new, c.old, c.uses),
            lock=ACCESS_EXCLUSIVE,
            risks=(RISK_RECREATE_ENUM,),
        )
    if isinstance(c, ch.AddDomain):
        return _simple(
            "types",
            c,
            create_domain_sql(c.domain),
            f"DROP DOMAIN {qualify(c.domain.schema, c.domain.name)};",
        )
    if isinstance(c, ch.DropDomain):
        return _simple(
            "drop_types",
            c,
            f"DROP DOMAIN {qualify(c.domain.schema, c.domain.name)};",
            create_domain_sql(c.domain),
        )
    if isinstance(c, ch.AddSequence | ch.DropSequence):
        s = c.sequence
        name = qualify(s.schema, s.name)
        create = create_sequence_sql(s)
        drop = f"DROP SEQUENCE IF EXISTS {name};"
        owned = ""
        if s.owned_by:
            sch, tab, col = s.owned_by.split(".", 2)
            owned = f"ALTER SEQUENCE {name} OWNED BY {qualify(sch, tab)}.{quote_ident(col)};"
        if isinstance(c, ch.AddSequence):
            steps = _simple("types", c, create, drop)
            if owned:
                steps += _simple("views", c, owned, f"ALTER SEQUENCE {name} OWNED BY NONE;")
            return steps
        return _simple(
            "drop_types", c, drop, create + ("\n" + owned if owned else ""), risks=(RISK_DROP,)
        )
    if isinstance(c, ch.RenameSequence):
        return _simple(
            "renames",
            c,
            f"ALTER SEQUENCE {qualify(c.schema, c.old_name)} RENAME TO {quote_ident(c.new_name)};",
            f"ALTER SEQUENCE {qualify(c.schema, c.new_name)} RENAME TO {quote_ident(c.old_name)};",
        )
    if isinstance(c, ch.AddTable):
        return _simple(
            "tables",
            c,
            create_table_sql(c.table),
            f"DROP TABLE {qualify(c.table.schema, c.table.name)};",
        )
    if isinstance(c, ch.DropTable):
        t = c.table
        return _simple(
            "drop_tables",
            c,
            f"DROP TABLE {qualify(t.schema, t.name)};",
            create_table_sql(t),
            risks=(RISK_DROP_CODE, RISK_DROP),
        )
    if isinstance(c, ch.RenameTable):
        return _simple(
            "renames",
            c,
            _alter(c, f"RENAME TO {quote_ident(c.new_name)}"),
            f"ALTER TABLE {qualify(c.schema, c.new_name)} RENAME TO {quote_ident(c.table)};",
            risks=(RISK_RENAME,),
        )
    if isinstance(c, ch.AddColumn):
        return _add_column(c, ctx)
    if isinstance(c, ch.DropColumn):
        return _simple(
            "drop_columns",
            c,
            _alter(c, f"DROP COLUMN {quote_ident(c.column.name)}"),
            _alter(c, f"ADD COLUMN {column_sql(c.column)}"),
            risks=(RISK_DROP_CODE, RISK_DROP),
        )
    if isinstance(c, ch.RenameColumn):
        return _simple(
            "renames",
            c,
            _alter(c, f"RENAME COLUMN {quote_ident(c.old_name)} TO {quote_ident(c.new_name)}"),
            _alter(c, f"RENAME COLUMN {quote_ident(c.new_name)} TO {quote_ident(c.old_name)}"),
            risks=(RISK_RENAME,),
        )
    if isinstance(c, ch.AlterColumnType):
        return _alter_type(c, ctx)
    if isinstance(c, ch.SetNotNull):
        return _not_null_steps(c, c.column, c)
    if isinstance(c, ch.DropNotNull):
        col = quote_ident(c.column)
        return _simple(
            "columns",
            c,
            _alter(c, f"ALTER COLUMN {col} DROP NOT NULL"),
            _alter(c, f"ALTER COLUMN {col} SET NOT NULL"),
        )
    if isinstance(c, ch.SetDefault | ch.DropDefault):
        col = quote_ident(c.column)
        old = c.old_default
        new = c.default if isinstance(c, ch.SetDefault) else None
        up = (
            f"ALTER COLUMN {col} SET DEFAULT {new}"
            if new is not None
            else f"ALTER COLUMN {col} DROP DEFAULT"
        )
        down = (
            f"ALTER COLUMN {col} SET DEFAULT {old}"
            if old is not None
            else f"ALTER COLUMN {col} DROP DEFAULT"
        )
        return _simple("columns", c, _alter(c, up), _alter(c, down))
    if isinstance(c, ch.AddIdentity | ch.DropIdentity):
        col = quote_ident(c.column)
        opts = f" ({c.options})" if c.options else ""
        add = _alter(c, f"ALTER COLUMN {col} ADD GENERATED {c.identity} AS IDENTITY{opts}")
        drop = _alter(c, f"ALTER COLUMN {col} DROP IDENTITY")
        return (
            _simple("columns", c, add, drop)
            if isinstance(c, ch.AddIdentity)
            else _simple("columns", c, drop, add)
        )
    if isinstance(c, ch.AddPrimaryKey):
        return _add_pk(c, ctx)
    if isinstance(c, ch.DropPrimaryKey):
        return _drop_constraint(
            _constraint_stage(ctx, c, c.primary_key.name or ""),
            c,
            c.primary_key.name or "",
            f"ADD {_pk_sql(c.primary_key)}",
        )
    if isinstance(c, ch.AddForeignKey):
        return _add_fk(c, ctx)
    if isinstance(c, ch.DropForeignKey):
        fk = c.foreign_key
        stage = _constraint_stage(ctx, c, fk.name or "")
        if ("pk_or_unique", fk.ref_schema, fk.ref_table) in ctx.replaced:
            stage = "replace_drops"
        return _drop_constraint(stage, c, fk.name or "", f"ADD {_fk_sql(fk)}")
    if isinstance(c, ch.AddUnique):
        return _add_unique(c, ctx)
    if isinstance(c, ch.DropUnique):
        return _drop_constraint(
            _constraint_stage(ctx, c, c.unique.name or ""),
            c,
            c.unique.name or "",
            f"ADD {_unique_sql(c.unique)}",
        )
    if isinstance(c, ch.AddCheck):
        return _add_check(c, ctx)
    if isinstance(c, ch.DropCheck):
        return _drop_constraint(
            _constraint_stage(ctx, c, c.check.name or ""),
            c,
            c.check.name or "",
            f"ADD {_check_sql(c.check)}",
        )
    if isinstance(c, ch.AddExclusion):
        return _simple(
            "constraints",
            c,
            _alter(c, f"ADD {_exclude_sql(c.exclusion)}"),
            _alter(c, f"DROP CONSTRAINT IF EXISTS {quote_ident(c.exclusion.name or '')}"),
            lock=ACCESS_EXCLUSIVE,
            long=True,
            risks=(RISK_EXCLUSION,),
        )
    if isinstance(c, ch.DropExclusion):
        return _drop_constraint(
            _constraint_stage(ctx, c, c.exclusion.name or ""),
            c,
            c.exclusion.name or "",
            f"ADD {_exclude_sql(c.exclusion)}",
        )
    if isinstance(c, ch.RenameConstraint):
        return _simple(
            "renames",
            c,
            _alter(c, f"RENAME CONSTRAINT {quote_ident(c.old_name)} TO {quote_ident(c.new_name)}"),
            _alter(c, f"RENAME CONSTRAINT {quote_ident(c.new_name)} TO {quote_ident(c.old_name)}"),
        )
    if isinstance(c, ch.AddIndex):
        return _add_index(c, ctx)
    if isinstance(c, ch.DropIndex):
        return _drop_index(c, ctx)
    if isinstance(c, ch.RenameIndex):
        return _simple(
            "renames",
            c,
            f"ALTER INDEX {qualify(c.schema, c.old_name)} RENAME TO {quote_ident(c.new_name)};",
            f"ALTER INDEX {qualify(c.schema, c.new_name)} RENAME TO {quote_ident(c.old_name)};",
        )
    if isinstance(c, ch.AddView):
        stage = "views_late" if c.late else "views"
        return _simple(stage, c, create_view_sql(c.view), drop_view_sql(c.view))
    if isinstance(c, ch.DropView):
        return _simple(_view_stage(c), c, drop_view_sql(c.view), create_view_sql(c.view))
    if isinstance(c, ch.ReplaceView):
        return _simple(
            "views",
            c,
            create_view_sql(c.new, replace=True),
            create_view_sql(c.old, replace=True),
            risks=(RISK_VIEW_REPLACE,),
        )
    if isinstance(c, ch.RefreshView):
        return _simple(
            "views",
            c,
            create_view_sql(c.new, replace=True),
            drop_view_sql(c.new),
            risks=(RISK_VIEW_REFRESH,),
        )
    if isinstance(c, ch.RestoreViewOnRollback):
        # Before the columns are added (the rollback runs last step first, so after
        # they are dropped again), in reverse dependency order like the views dropped there.
        return _simple("drop_views", c, ROLLBACK_POINT_SQL, create_view_sql(c.view))
    if isinstance(c, ch.SetComment):
        return _simple(
            "comments",
            c,
            comment_sql(c.object_kind, c.target, c.comment),
            comment_sql(c.object_kind, c.target, c.old_comment),
        )
    if isinstance(c, ch.EnableRls | ch.DisableRls):
        on = "ENABLE ROW LEVEL SECURITY" + (
            f";\nALTER TABLE {c.qualified} FORCE ROW LEVEL SECURITY" if c.force else ""
        )
        off = "DISABLE ROW LEVEL SECURITY" + (
            f";\nALTER TABLE {c.qualified} NO FORCE ROW LEVEL SECURITY" if c.force else ""
        )
        if isinstance(c, ch.EnableRls):
            return _simple("security", c, _alter(c, on), _alter(c, off))
        return _simple("drop_constraints", c, _alter(c, off), _alter(c, on))
    if isinstance(c, ch.AddPolicy | ch.DropPolicy):
        create = _policy_sql(c.schema, c.table, c.policy)
        drop = f"DROP POLICY {quote_ident(c.policy.name)} ON {c.qualified};"
        if isinstance(c, ch.AddPolicy):
            return _simple("security", c, create, drop)
        key = ("policy", c.schema, c.table, c.policy.name)
        stage = "replace_drops" if key in ctx.replaced else "drop_constraints"
        return _simple(stage, c, drop, create)
    raise TypeError(f"no plan for {type(c).__name__}")


def _replaced_keys(changes: Sequence[Change]) -> set[tuple[str, ...]]:
    """Objects both dropped and added under one name: the drop has to run first, early."""
    out: set[tuple[str, ...]] = set()
    for c in changes:
        if isinstance(c, ch.AddIndex):
            out.add(("index", c.schema, c.index.name))
        elif isinstance(c, ch.AddPolicy):
            out.add(("policy", c.schema, c.table, c.policy.name))
        elif isinstance(
            c, ch.AddPrimaryKey | ch.AddUnique | ch.AddCheck | ch.AddForeignKey | ch.AddExclusion
        ):
            obj = getattr(
                c,
                {
                    ch.AddPrimaryKey: "primary_key",
                    ch.AddUnique: "unique",
                    ch.AddCheck: "check",
                    ch.AddForeignKey: "foreign_key",
                    ch.AddExclusion: "exclusion",
                }[type(c)],
            )
            out.add(("constraint", c.schema, c.table, obj.name or ""))
    drops = {
        (
            "constraint",
            c.schema,
            c.table,
            (c.primary_key if isinstance(c, ch.DropPrimaryKey) else c.unique).name or "",
        )
        for c in changes
        if isinstance(c, ch.DropPrimaryKey | ch.DropUnique)
    }
    # A key replaced early takes the foreign keys that reference it with it.
    for key in drops & out:
        out.add(("pk_or_unique", key[1], key[2]))
    if any(isinstance(c, ch.AddPrimaryKey) for c in changes):
        for c in changes:
            if isinstance(c, ch.DropPrimaryKey) and any(
                isinstance(a, ch.AddPrimaryKey) and (a.schema, a.table) == (c.schema, c.table)
                for a in changes
            ):
                out.add(("constraint", c.schema, c.table, c.primary_key.name or ""))
                out.add(("pk_or_unique", c.schema, c.table))
    return out


def plan(changes: Sequence[Change], *, allow_destructive: bool = False) -> Plan:
    """Order the steps of ``changes`` into expand -> backfill -> contract.

    Raises ``DestructivePlanError`` listing the steps that can lose data unless
    ``allow_destructive`` is True.
    """
    ctx = _Ctx(
        new_tables={(c.table.schema, c.table.name) for c in changes if isinstance(c, ch.AddTable)},
        replaced=_replaced_keys(changes),
    )
    staged: list[tuple[int, int, int, Step]] = []
    for i, change in enumerate(changes):
        for j, (stage, step) in enumerate(_steps_for(change, ctx)):
            staged.append((_STAGE_RANK[stage], i, j, step))
    # Within a stage the diff's order is kept: it already puts dependencies first
    # (parents before children, dependent views dropped before the views they read).
    staged.sort(key=lambda s: s[:3])
    steps = tuple(replace(s, number=n) for n, (*_, s) in enumerate(staged, start=1))
    result = Plan(steps=steps, changes=tuple(changes))
    if result.destructive_steps and not allow_destructive:
        raise DestructivePlanError(result.destructive_steps)
    return result


__all__ = [
    "BACKFILL",
    "CONTRACT",
    "EXPAND",
    "PHASES",
    "DestructivePlanError",
    "Plan",
    "Step",
    "plan",
]
