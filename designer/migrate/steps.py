"""The steps of one change: the catalogue of safe patterns, one registered function per type.

A step is data: its up and down SQL, the stage it runs in (and so its phase), the lock it
takes, whether it rewrites or scans a table, and the risks a reviewer should know. Most
changes are one step of their own statement, rolled back by their reverse's (the table
``SIMPLE``); the others register a function that writes the safe pattern:

indexes built and dropped CONCURRENTLY outside a transaction; foreign keys and checks added
NOT VALID and validated in a later step; SET NOT NULL through a validated
``CHECK (col IS NOT NULL)``; unique and primary keys attached to an index built
concurrently; volatile defaults backfilled in batches; ``lock_timeout`` before every step.
New tables are empty, so what is done to them gets the plain statement.

The SQL itself comes from ``designer.migrate.statements`` (and so from the dialect).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import singledispatch
from typing import Any

from designer.migrate import changes as ch
from designer.migrate.changes import (
    ACCESS_EXCLUSIVE,
    NO_LOCK,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    Change,
)
from designer.migrate.facts import is_volatile
from designer.migrate.statements import PlanContext, definition, sequence_owner, sql
from designer.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexPart,
    PrimaryKey,
    UniqueConstraint,
)
from designer.schema.pgnames import make_object_name
from designer.schema.sqltext import SERIAL_TYPES

LOCK_TIMEOUT = "5s"
# Quick catalog changes should finish at once; if one does not, something is wrong.
QUICK_STATEMENT_TIMEOUT = "15s"
BACKFILL_BATCH_PAGES = 1000

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
RISK_PARTITIONED_INDEX = (
    "PostgreSQL builds and drops a partitioned table's index only while holding the lock"
    " (no CONCURRENTLY): writes to every partition wait until it is done."
)
RISK_EXCLUSION = "Builds the exclusion index while holding the lock: no concurrent variant exists."
RISK_ADD_REWRITE = (
    "Adding an identity, serial or stored generated column rewrites the table under ACCESS"
    " EXCLUSIVE."
)
RISK_ADD_AT_END = "PostgreSQL adds new columns at the end of the table."
RISK_MANUAL = "The planner does not script this; do it by hand and re-run the diff."
RISK_VIEW_REFRESH = (
    "PostgreSQL fixed the view's columns when it expanded its *: replacing it appends the new"
    " columns. Its rollback drops the view; it comes back with its old columns once the"
    " rollback has dropped the new ones."
)
RISK_VIEW_REPLACE = (
    "CREATE OR REPLACE VIEW only allows new columns at the end; if it fails, drop and"
    " recreate the view."
)
ROLLBACK_POINT = "Nothing to run on the way up: this is where the rollback re-creates it."


class Phase(StrEnum):
    EXPAND = "expand"
    BACKFILL = "backfill"
    CONTRACT = "contract"


class Stage(Enum):
    """Where a step runs. Stages run in the order listed, each inside its phase; a change
    can put steps into several (a foreign key: added NOT VALID, validated later)."""

    MANUAL = ("manual", Phase.EXPAND)
    NAMESPACES = ("namespaces", Phase.EXPAND)  # schemas, extensions
    TYPES = ("types", Phase.EXPAND)  # enums, enum values, domains, sequences
    DROP_VIEWS = ("drop_views", Phase.EXPAND)  # views over columns about to change
    REPLACE_DROPS = ("replace_drops", Phase.EXPAND)  # objects re-created under the same name
    RENAMES = ("renames", Phase.EXPAND)
    TABLES = ("tables", Phase.EXPAND)
    COLUMNS = ("columns", Phase.EXPAND)
    INDEXES = ("indexes", Phase.EXPAND)  # CONCURRENTLY, outside transactions
    CONSTRAINTS = ("constraints", Phase.EXPAND)  # NOT VALID
    VIEWS = ("views", Phase.EXPAND)
    SECURITY = ("security", Phase.EXPAND)
    COMMENTS = ("comments", Phase.EXPAND)
    BACKFILL = ("backfill", Phase.BACKFILL)
    VALIDATE = ("validate", Phase.BACKFILL)
    NOT_NULL = ("not_null", Phase.BACKFILL)
    ATTACH = ("attach", Phase.BACKFILL)  # keys onto their concurrently built indexes
    DROP_CONSTRAINTS = ("drop_constraints", Phase.CONTRACT)
    DROP_VIEWS_LATE = ("drop_views_late", Phase.CONTRACT)
    DROP_COLUMNS = ("drop_columns", Phase.CONTRACT)
    VIEWS_LATE = ("views_late", Phase.CONTRACT)  # views reading a shrinking table with *
    DROP_TABLES = ("drop_tables", Phase.CONTRACT)
    DROP_TYPES = ("drop_types", Phase.CONTRACT)

    def __init__(self, label: str, phase: Phase) -> None:
        self.label = label
        self.phase = phase


STAGE_RANK = {stage: i for i, stage in enumerate(Stage)}


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


StepList = list[tuple[Stage, Step]]


def step(stage: Stage, change: Change, **kw: Any) -> tuple[Stage, Step]:
    kw.setdefault("description", change.describe())
    return stage, Step(phase=stage.phase, change=change.describe(), **kw)


def guard(ctx: PlanContext, *, long: bool) -> str:
    """Timeouts before every step: never queue for long behind other sessions' locks.

    Even steps that lock no existing table (CREATE VIEW, COMMENT) take a weak lock that
    queues behind someone else's ACCESS EXCLUSIVE, and everything queued behind them waits too.
    """
    statement = "0" if long else QUICK_STATEMENT_TIMEOUT
    timeouts = ctx.d.session_timeouts(lock_timeout=LOCK_TIMEOUT, statement_timeout=statement)
    return "\n".join(timeouts) + "\n"


def simple(
    stage: Stage,
    change: Change,
    ctx: PlanContext,
    *,
    up: str | None = None,
    down: str | None = None,
    lock: str | None = None,
    risks: tuple[str, ...] = (),
    long: bool = False,
) -> StepList:
    """One step: the change's statement (``up``), rolled back by its reverse's (``down``)."""
    lock = change.lock if lock is None else lock
    up = sql(change, ctx) if up is None else up
    down = sql(change.reverse(), ctx) if down is None else down
    return [
        step(
            stage,
            change,
            sql=guard(ctx, long=long or change.rewrites or change.scans) + up,
            down_sql=down,
            lock=lock,
            rewrites=change.rewrites,
            scans=change.scans,
            destructive=change.destructive,
            risks=risks,
        )
    ]


def concurrently(
    stage: Stage, change: Change, ctx: PlanContext, up: str, down: str, **kw: Any
) -> tuple[Stage, Step]:
    """A step run CONCURRENTLY: outside a transaction, either way, under a weak lock."""
    return step(
        stage,
        change,
        sql=guard(ctx, long=True) + up,
        down_sql=down,
        lock=SHARE_UPDATE_EXCLUSIVE,
        transactional=False,
        down_transactional=False,
        risks=(RISK_CONCURRENT,),
        **kw,
    )


# Changes that are one step of their own statement, rolled back by their reverse's.
SIMPLE: dict[type[Change], tuple[Stage, tuple[str, ...]]] = {
    ch.AddSchema: (Stage.NAMESPACES, ()),
    ch.DropSchema: (Stage.DROP_TYPES, ()),
    ch.AddExtension: (Stage.NAMESPACES, ()),
    ch.DropExtension: (Stage.DROP_TYPES, ()),
    ch.AddEnum: (Stage.TYPES, ()),
    ch.DropEnum: (Stage.DROP_TYPES, (RISK_DROP_CODE,)),
    ch.AddEnumValue: (Stage.TYPES, (RISK_ENUM_VALUE,)),
    ch.RecreateEnum: (Stage.COLUMNS, (RISK_RECREATE_ENUM,)),
    ch.AddDomain: (Stage.TYPES, ()),
    ch.DropDomain: (Stage.DROP_TYPES, ()),
    ch.DropSequence: (Stage.DROP_TYPES, (RISK_DROP,)),
    ch.RenameSequence: (Stage.RENAMES, ()),
    ch.AddTable: (Stage.TABLES, ()),
    ch.DropTable: (Stage.DROP_TABLES, (RISK_DROP_CODE, RISK_DROP)),
    ch.RenameTable: (Stage.RENAMES, (RISK_RENAME,)),
    ch.RenameColumn: (Stage.RENAMES, (RISK_RENAME,)),
    ch.DropNotNull: (Stage.COLUMNS, ()),
    ch.SetDefault: (Stage.COLUMNS, ()),
    ch.DropDefault: (Stage.COLUMNS, ()),
    ch.AddIdentity: (Stage.COLUMNS, ()),
    ch.DropIdentity: (Stage.COLUMNS, ()),
    ch.RenameConstraint: (Stage.RENAMES, ()),
    ch.RenameIndex: (Stage.RENAMES, ()),
    ch.ReplaceView: (Stage.VIEWS, (RISK_VIEW_REPLACE,)),
    ch.SetComment: (Stage.COMMENTS, ()),
    ch.EnableRls: (Stage.SECURITY, ()),
    ch.DisableRls: (Stage.DROP_CONSTRAINTS, ()),
    ch.AddPolicy: (Stage.SECURITY, ()),
}


@singledispatch
def steps_for(change: Change, ctx: PlanContext) -> StepList:
    """The steps of one change (the ``SIMPLE`` ones here, the rest registered below)."""
    if type(change) not in SIMPLE:
        raise TypeError(f"no plan for {type(change).__name__}")
    stage, risks = SIMPLE[type(change)]
    return simple(stage, change, ctx, risks=risks)


# -- changes done by hand, sequences, views ---------------------------------------------


@steps_for.register
def _(c: ch.ManualChange, ctx: PlanContext) -> StepList:
    text = ctx.d.script_comment(f"MANUAL: {c.what}")
    return [step(Stage.MANUAL, c, sql=text, down_sql="", risks=(RISK_MANUAL,))]


@steps_for.register
def _(c: ch.AddSequence, ctx: PlanContext) -> StepList:
    # Owned by its column only once the column exists.
    create = "\n".join(ctx.d.create_sequence_complete(c.sequence, ctx.sql))
    steps = simple(Stage.TYPES, c, ctx, up=create, down=ctx.d.drop_sequence(c.sequence))
    for owned in sequence_owner(c, ctx):
        down = ctx.d.sequence_owned_by_none(c.sequence)
        steps += simple(Stage.VIEWS, c, ctx, up=owned, down=down)
    return steps


@steps_for.register
def _(c: ch.AddView, ctx: PlanContext) -> StepList:
    return simple(Stage.VIEWS_LATE if c.late else Stage.VIEWS, c, ctx)


@steps_for.register
def _(c: ch.DropView, ctx: PlanContext) -> StepList:
    stage = Stage.DROP_VIEWS if c.rebuild and not c.late else Stage.DROP_VIEWS_LATE
    return simple(stage, c, ctx)


@steps_for.register
def _(c: ch.RefreshView, ctx: PlanContext) -> StepList:
    down = ctx.d.drop_view(c.new)
    return simple(Stage.VIEWS, c, ctx, down=down, risks=(RISK_VIEW_REFRESH,))


@steps_for.register
def _(c: ch.RestoreViewOnRollback, ctx: PlanContext) -> StepList:
    # Before the columns are added (the rollback runs last step first, so after they are
    # dropped again), in reverse dependency order like the views dropped there.
    up = ctx.d.script_comment(ROLLBACK_POINT)
    down = sql(ch.AddView(c.view), ctx)
    return simple(Stage.DROP_VIEWS, c, ctx, up=up, down=down)


@steps_for.register
def _(c: ch.DropPolicy, ctx: PlanContext) -> StepList:
    key = ("policy", c.schema, c.table, c.policy.name)
    return simple(Stage.REPLACE_DROPS if key in ctx.replaced else Stage.DROP_CONSTRAINTS, c, ctx)


# -- columns ------------------------------------------------------------------------------


@steps_for.register
def _(c: ch.DropColumn, ctx: PlanContext) -> StepList:
    replaced = ("column", c.schema, c.table, c.column.name) in ctx.replaced
    stage = Stage.REPLACE_DROPS if replaced else Stage.DROP_COLUMNS
    return simple(stage, c, ctx, risks=(RISK_DROP_CODE, RISK_DROP))


@steps_for.register
def _(c: ch.AddColumn, ctx: PlanContext) -> StepList:
    col = c.column
    drop = ctx.d.drop_column(c.schema, c.table, col.name, if_exists=True)
    rewrites = bool(col.identity or col.generated or col.type in SERIAL_TYPES)
    if not rewrites and col.default is not None and is_volatile(col.default):
        return _add_column_then_backfill(c, ctx, drop)
    risks: tuple[str, ...] = (RISK_ADD_AT_END,)
    if rewrites:
        risks += (RISK_ADD_REWRITE,)
    elif not col.nullable and col.default is None:
        risks += (RISK_NOT_NULL_NO_DEFAULT,)
    return [
        step(
            Stage.COLUMNS,
            c,
            sql=guard(ctx, long=rewrites) + sql(c, ctx),
            down_sql=drop,
            lock=ACCESS_EXCLUSIVE,
            rewrites=rewrites,
            scans=rewrites,
            risks=risks,
        )
    ]


def _add_column_then_backfill(c: ch.AddColumn, ctx: PlanContext, drop: str) -> StepList:
    """Volatile default: one value per row would rewrite the table under the lock, so the
    column is added bare, the default set for new rows, old rows filled in batches."""
    col, d = c.column, ctx.d
    bare = Column(col.name, col.type, collation=col.collation, comment=col.comment)
    add = sql(ch.AddColumn(c.schema, c.table, bare), ctx).split("\n")
    up = [add[0], d.set_default(c.schema, c.table, col.name, col.default), *add[1:]]
    where = f"{c.schema}.{c.table}.{col.name}"
    steps = [
        step(
            Stage.COLUMNS,
            c,
            description=f"Add column {where} without default, then set default {col.default}"
            " for new rows",
            sql=guard(ctx, long=False) + "\n".join(up),
            down_sql=drop,
            lock=ACCESS_EXCLUSIVE,
        ),
        step(
            Stage.BACKFILL,
            c,
            description=f"Backfill {where} with {col.default} in batches",
            sql=guard(ctx, long=True)
            + d.backfill_in_batches(c.schema, c.table, col.name, pages=BACKFILL_BATCH_PAGES),
            down_sql="",
            transactional=False,
            scans=True,
            risks=(RISK_BACKFILL.format(pages=BACKFILL_BATCH_PAGES),),
        ),
    ]
    if not col.nullable:
        steps += _not_null_steps(c, col.name, ctx)
    return steps


@steps_for.register
def _(c: ch.SetNotNull, ctx: PlanContext) -> StepList:
    return _not_null_steps(c, c.column, ctx)


def _not_null_steps(c: ch.TableChange, column: str, ctx: PlanContext) -> StepList:
    """SET NOT NULL without a long ACCESS EXCLUSIVE scan (PostgreSQL 12+ trusts a valid CHECK)."""
    d = ctx.d
    name = make_object_name(c.table, column, "nn_check")
    check = d.not_null_check(name, column)
    where = f"{c.schema}.{c.table}"
    return [
        step(
            Stage.CONSTRAINTS,
            c,
            description=f"Add CHECK ({column} IS NOT NULL) NOT VALID on {where}",
            sql=guard(ctx, long=False)
            + d.add_constraint(c.schema, c.table, d.check(check), not_valid=True),
            down_sql=d.drop_constraint(c.schema, c.table, name, if_exists=True),
            lock=ACCESS_EXCLUSIVE,
        ),
        step(
            Stage.VALIDATE,
            c,
            description=f"Validate CHECK ({column} IS NOT NULL) on {where}",
            sql=guard(ctx, long=True) + d.validate_constraint(c.schema, c.table, name),
            down_sql="",
            lock=SHARE_UPDATE_EXCLUSIVE,
            scans=True,
            risks=(RISK_VALIDATE,),
        ),
        step(
            Stage.NOT_NULL,
            c,
            description=f"Set {where}.{column} NOT NULL using the validated check",
            sql=guard(ctx, long=False)
            + d.set_not_null(c.schema, c.table, column)
            + "\n"
            + d.drop_constraint(c.schema, c.table, name),
            down_sql=d.drop_not_null(c.schema, c.table, column),
            lock=ACCESS_EXCLUSIVE,
        ),
    ]


@steps_for.register
def _(c: ch.AlterColumnType, ctx: PlanContext) -> StepList:
    risks: tuple[str, ...] = ()
    if c.rewrites:
        risks += (RISK_REWRITE,)
    if c.destructive:
        risks += (RISK_NARROWING,)
    return simple(Stage.COLUMNS, c, ctx, risks=risks)


# -- keys, checks, exclusion constraints ---------------------------------------------------


def _constraint_stage(c: ch.ConstraintChange, ctx: PlanContext) -> Stage:
    key = ("constraint", c.schema, c.table, c.constraint_name)
    return Stage.REPLACE_DROPS if key in ctx.replaced else Stage.DROP_CONSTRAINTS


@steps_for.register(ch.DropPrimaryKey)
@steps_for.register(ch.DropUnique)
@steps_for.register(ch.DropCheck)
@steps_for.register(ch.DropExclusion)
def _drop_constraint(c: ch.ConstraintChange, ctx: PlanContext) -> StepList:
    return simple(_constraint_stage(c, ctx), c, ctx)


@steps_for.register
def _(c: ch.DropForeignKey, ctx: PlanContext) -> StepList:
    fk = c.foreign_key
    stage = _constraint_stage(c, ctx)
    if ("pk_or_unique", fk.ref_schema, fk.ref_table) in ctx.replaced:
        stage = Stage.REPLACE_DROPS
    return simple(stage, c, ctx)


def _drop_if_exists(c: ch.ConstraintChange, ctx: PlanContext) -> str:
    return ctx.d.drop_constraint(c.schema, c.table, c.constraint_name, if_exists=True)


@steps_for.register
def _(c: ch.AddExclusion, ctx: PlanContext) -> StepList:
    down = _drop_if_exists(c, ctx)
    return simple(
        Stage.CONSTRAINTS,
        c,
        ctx,
        down=down,
        lock=ACCESS_EXCLUSIVE,
        long=True,
        risks=(RISK_EXCLUSION,),
    )


@steps_for.register
def _(c: ch.AddPrimaryKey, ctx: PlanContext) -> StepList:
    return _add_key(c, c.primary_key, "PRIMARY KEY", ctx)


@steps_for.register
def _(c: ch.AddUnique, ctx: PlanContext) -> StepList:
    return _add_key(c, c.unique, "UNIQUE", ctx)


def _add_key(
    c: ch.ConstraintChange, key: PrimaryKey | UniqueConstraint, kind: str, ctx: PlanContext
) -> StepList:
    """On a table in use: a unique index built concurrently, then the key attached to it
    (a brief lock). A temporal key (WITHOUT OVERLAPS) has no such route."""
    down = _drop_if_exists(c, ctx)
    if key.without_overlaps or ctx.is_new(c):
        return simple(Stage.ATTACH, c, ctx, down=down, long=True)
    name = c.constraint_name
    parts = tuple(IndexPart(column=col) for col in key.columns)
    nulls = isinstance(key, UniqueConstraint) and key.nulls_not_distinct
    index = Index(name, parts, unique=True, include=key.include, nulls_not_distinct=nulls)
    attach = ctx.d.add_constraint_using_index(
        c.schema, c.table, name, kind, deferrable=key.deferrable, deferred=key.initially_deferred
    )
    build = ctx.d.create_index(
        c.schema, c.table, index, ctx.sql, concurrently=True, if_not_exists=True
    )
    return [
        concurrently(
            Stage.INDEXES,
            c,
            ctx,
            build,
            ctx.d.drop_index(c.schema, name, concurrently=True),
            description=f"Build unique index {name} on {c.schema}.{c.table} concurrently",
            scans=True,
        ),
        step(
            Stage.ATTACH,
            c,
            sql=guard(ctx, long=False) + attach,
            down_sql=down,
            lock=ACCESS_EXCLUSIVE,
        ),
    ]


@steps_for.register
def _(c: ch.AddForeignKey, ctx: PlanContext) -> StepList:
    return _add_then_validate(c, c.foreign_key, SHARE_ROW_EXCLUSIVE, (RISK_FK_INDEX,), ctx)


@steps_for.register
def _(c: ch.AddCheck, ctx: PlanContext) -> StepList:
    return _add_then_validate(c, c.check, ACCESS_EXCLUSIVE, (), ctx)


def _add_then_validate(
    c: ch.ConstraintChange,
    x: ForeignKey | CheckConstraint,
    lock: str,
    risks: tuple[str, ...],
    ctx: PlanContext,
) -> StepList:
    """Added NOT VALID (existing rows unchecked, a brief lock), validated in a later step
    that lets reads and writes go on; left NOT VALID when the design says so."""
    name, where = c.constraint_name, f"{c.schema}.{c.table}"
    steps = [
        step(
            Stage.CONSTRAINTS,
            c,
            description=c.describe() + " (NOT VALID: existing rows unchecked)",
            sql=guard(ctx, long=False)
            + ctx.d.add_constraint(c.schema, c.table, definition(x, ctx), not_valid=True),
            down_sql=_drop_if_exists(c, ctx),
            lock=lock,
            risks=risks,
        )
    ]
    if not x.not_valid:
        steps.append(
            step(
                Stage.VALIDATE,
                c,
                description=f"Validate {name} on {where}",
                sql=guard(ctx, long=True) + ctx.d.validate_constraint(c.schema, c.table, name),
                down_sql="",
                lock=SHARE_UPDATE_EXCLUSIVE,
                scans=True,
                risks=(RISK_VALIDATE,),
            )
        )
    return steps


# -- indexes ------------------------------------------------------------------------------


@steps_for.register
def _(c: ch.AddIndex, ctx: PlanContext) -> StepList:
    if ctx.is_new(c):
        return simple(Stage.INDEXES, c, ctx)
    if c.partitioned:
        return simple(Stage.INDEXES, c, ctx, long=True, risks=(RISK_PARTITIONED_INDEX,))
    return [concurrently(Stage.INDEXES, c, ctx, sql(c, ctx), sql(c.reverse(), ctx), scans=True)]


@steps_for.register
def _(c: ch.DropIndex, ctx: PlanContext) -> StepList:
    replaced = ("index", c.schema, c.index.name) in ctx.replaced
    stage = Stage.REPLACE_DROPS if replaced else Stage.DROP_CONSTRAINTS
    if c.partitioned:
        return simple(stage, c, ctx, risks=(RISK_PARTITIONED_INDEX,))
    return [concurrently(stage, c, ctx, sql(c, ctx), sql(c.reverse(), ctx))]
