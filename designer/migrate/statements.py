"""The plain SQL of each change, asked of the PostgreSQL dialect: one function per type.

``statements(change, ctx)`` is what running the change means, with nothing of the safe
patterns around it (those are ``designer.migrate.steps``). A change that is symmetric rolls
back with ``statements(change.reverse(), ctx)``. No SQL is spelled here: every statement
comes from ``designer.sql.dialects.postgres``, the one writer of PostgreSQL DDL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

from designer.migrate import changes as ch
from designer.migrate.changes import Change
from designer.migrate.changes.constraints import AnyConstraint
from designer.schema.model import (
    CheckConstraint,
    ExcludeConstraint,
    ForeignKey,
    PrimaryKey,
    Schema,
    UniqueConstraint,
)
from designer.sql.dialects.base import ExportContext
from designer.sql.dialects.postgres import POSTGRES, PostgresDialect


@dataclass
class PlanContext:
    """What the statements of a plan need besides the change itself."""

    sql: ExportContext  # the schemas and tables a reference can name
    new_tables: set[tuple[str, str]]  # (schema, name) of the tables the plan creates
    # keys of objects dropped and re-added under one name: their drop must run first
    replaced: set[tuple[str, ...]] = field(default_factory=set)
    d: PostgresDialect = POSTGRES

    def is_new(self, c: ch.TableChange) -> bool:
        return (c.schema, c.table) in self.new_tables


def plan_context(changes: list[Change], replaced: set[tuple[str, ...]]) -> PlanContext:
    """The context of ``changes``: the tables they create and every schema they name."""
    tables = [c.table for c in changes if isinstance(c, ch.AddTable | ch.DropTable)]
    schemas = {c.schema for c in changes if isinstance(c, ch.TableChange)}
    schemas |= {c.name for c in changes if isinstance(c, ch.AddSchema | ch.DropSchema)}
    design = Schema(tables=tuple(tables), schemas=tuple(sorted(schemas)))
    return PlanContext(
        sql=POSTGRES.context(design),
        new_tables={(c.table.schema, c.table.name) for c in changes if isinstance(c, ch.AddTable)},
        replaced=replaced,
    )


def sql(change: Change, ctx: PlanContext) -> str:
    """The statements of ``change``, one per line."""
    return "\n".join(statements(change, ctx))


@singledispatch
def statements(change: Change, ctx: PlanContext) -> list[str]:
    """The SQL of ``change``: one call in ``ONE_CALL``, or the function registered below."""
    write = ONE_CALL.get(type(change))
    if write is None:
        raise TypeError(f"no statement for {type(change).__name__}")
    out = write(change, ctx)
    return [out] if isinstance(out, str) else out


# Changes whose SQL is one call of the dialect on the change's own fields.
ONE_CALL: dict[type[Change], Callable[[Any, PlanContext], str | list[str]]] = {
    ch.AddSchema: lambda c, ctx: ctx.d.create_schema(c.name),
    ch.DropSchema: lambda c, ctx: ctx.d.drop_schema(c.name),
    ch.AddExtension: lambda c, ctx: ctx.d.create_extension(c.extension, ctx.sql),
    ch.DropExtension: lambda c, ctx: ctx.d.drop_extension(c.extension),
    ch.AddEnum: lambda c, ctx: ctx.d.create_enum_complete(c.enum, ctx.sql),
    ch.DropEnum: lambda c, ctx: ctx.d.drop_type(c.enum.schema, c.enum.name),
    ch.AddDomain: lambda c, ctx: ctx.d.create_domain_complete(c.domain, ctx.sql),
    ch.DropDomain: lambda c, ctx: ctx.d.drop_domain(c.domain),
    ch.DropSequence: lambda c, ctx: ctx.d.drop_sequence(c.sequence),
    ch.RenameSequence: lambda c, ctx: ctx.d.rename_sequence(c.schema, c.old_name, c.new_name),
    ch.AddTable: lambda c, ctx: ctx.d.create_table_complete(c.table, ctx.sql),
    ch.DropTable: lambda c, ctx: ctx.d.drop_table(c.table.schema, c.table.name),
    ch.RenameTable: lambda c, ctx: ctx.d.rename_table(c.schema, c.table, c.new_name),
    ch.DropColumn: lambda c, ctx: ctx.d.drop_column(c.schema, c.table, c.column.name),
    ch.RenameColumn: lambda c, ctx: ctx.d.rename_column(c.schema, c.table, c.old_name, c.new_name),
    ch.SetNotNull: lambda c, ctx: ctx.d.set_not_null(c.schema, c.table, c.column),
    ch.DropNotNull: lambda c, ctx: ctx.d.drop_not_null(c.schema, c.table, c.column),
    ch.SetDefault: lambda c, ctx: ctx.d.set_default(c.schema, c.table, c.column, c.default),
    ch.DropDefault: lambda c, ctx: ctx.d.set_default(c.schema, c.table, c.column, None),
    ch.AddIdentity: lambda c, ctx: ctx.d.add_identity(
        c.schema, c.table, c.column, c.identity, c.options
    ),
    ch.DropIdentity: lambda c, ctx: ctx.d.drop_identity(c.schema, c.table, c.column),
    ch.RenameConstraint: lambda c, ctx: ctx.d.rename_constraint(
        c.schema, c.table, c.old_name, c.new_name
    ),
    ch.DropIndex: lambda c, ctx: ctx.d.drop_index(
        c.schema, c.index.name, concurrently=not (ctx.is_new(c) or c.partitioned)
    ),
    ch.RenameIndex: lambda c, ctx: ctx.d.rename_index(c.schema, c.old_name, c.new_name),
    ch.AddView: lambda c, ctx: ctx.d.create_view_complete(c.view, ctx.sql),
    ch.DropView: lambda c, ctx: ctx.d.drop_view(c.view),
    ch.SetComment: lambda c, ctx: ctx.d.comment_on(c.object_kind, c.target, c.comment, ctx.sql),
    ch.EnableRls: lambda c, ctx: ctx.d.set_row_level_security(
        c.schema, c.table, on=True, force=c.force
    ),
    ch.DisableRls: lambda c, ctx: ctx.d.set_row_level_security(
        c.schema, c.table, on=False, force=c.force
    ),
    ch.AddPolicy: lambda c, ctx: ctx.d.create_policy_complete(c.schema, c.table, c.policy, ctx.sql),
    ch.DropPolicy: lambda c, ctx: ctx.d.drop_policy(c.schema, c.table, c.policy.name),
}


# -- types and sequences -------------------------------------------------------------------


@statements.register
def _(c: ch.AddEnumValue, ctx: PlanContext) -> list[str]:
    # An explicit position: appending silently is how enum orderings go wrong.
    after = c.enum.values[-1] if c.enum.values and not c.before else None
    return [ctx.d.add_enum_value(c.enum, c.value, before=c.before, after=after)]


@statements.register
def _(c: ch.RecreateEnum, ctx: PlanContext) -> list[str]:
    """The type renamed aside, the new one created, every column cast over, the old dropped."""
    d, old = ctx.d, c.old
    tmp = f"{old.name}__old"
    out = [d.rename_type(old.schema, old.name, tmp), *d.create_enum_complete(c.new, ctx.sql)]
    for u in c.uses:
        if u.default is not None:
            out.append(d.set_default(u.schema, u.table, u.column, None))
        out.append(d.recast_enum_column(u.schema, u.table, u.column, u.type))
        if u.default is not None:
            out.append(d.set_default(u.schema, u.table, u.column, u.default))
    return [*out, d.drop_type(old.schema, tmp)]


@statements.register
def _(c: ch.AddSequence, ctx: PlanContext) -> list[str]:
    return ctx.d.create_sequence_complete(c.sequence, ctx.sql) + sequence_owner(c, ctx)


def sequence_owner(c: ch.AddSequence, ctx: PlanContext) -> list[str]:
    """``OWNED BY`` the column it numbers, when it has one."""
    if not c.sequence.owned_by:
        return []
    return [ctx.d.sequence_owned_by(c.sequence, ctx.sql)]


# -- columns ------------------------------------------------------------------------------


@statements.register
def _(c: ch.AddColumn, ctx: PlanContext) -> list[str]:
    return [ctx.d.add_column(c.schema, c.table, c.column, ctx.sql), *column_comment(c, ctx)]


def column_comment(c: ch.AddColumn, ctx: PlanContext) -> list[str]:
    if c.column.comment is None:
        return []
    target = ctx.d.column_ref(c.schema, c.table, c.column.name)
    return [ctx.d.comment_on("COLUMN", target, c.column.comment, ctx.sql)]


@statements.register
def _(c: ch.AlterColumnType, ctx: PlanContext) -> list[str]:
    return [
        ctx.d.alter_column_type(
            c.schema,
            c.table,
            c.column,
            c.new_type,
            ctx.sql,
            old_type=c.old_type,
            collation=c.new_collation,
            using=c.using,
        )
    ]


# -- constraints and indexes -------------------------------------------------------------


def definition(x: AnyConstraint, ctx: PlanContext) -> str:
    """A constraint as ``CONSTRAINT name ...``: what follows ``ALTER TABLE ... ADD``."""
    d = ctx.d
    if isinstance(x, ExcludeConstraint):
        # An element that is a plain name is a column (the change does not carry the table).
        columns = [e.expression for e in x.elements if e.expression.isidentifier()]
        return d.exclude(x, columns, ctx.sql)
    write: dict[type, Callable[[Any], str]] = {
        PrimaryKey: d.primary_key,
        UniqueConstraint: d.unique,
        CheckConstraint: d.check,
        ForeignKey: d.foreign_key,
    }
    return write[type(x)](x)


@statements.register(ch.AddPrimaryKey)
@statements.register(ch.AddUnique)
@statements.register(ch.AddCheck)
@statements.register(ch.AddForeignKey)
@statements.register(ch.AddExclusion)
def _add_constraint(c: ch.ConstraintChange, ctx: PlanContext) -> list[str]:
    x = c.constraint
    not_valid = x.not_valid if isinstance(x, CheckConstraint | ForeignKey) else False
    return [ctx.d.add_constraint(c.schema, c.table, definition(x, ctx), not_valid=not_valid)]


@statements.register(ch.DropPrimaryKey)
@statements.register(ch.DropUnique)
@statements.register(ch.DropCheck)
@statements.register(ch.DropForeignKey)
@statements.register(ch.DropExclusion)
def _drop_constraint(c: ch.ConstraintChange, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_constraint(c.schema, c.table, c.constraint_name)]


@statements.register
def _(c: ch.AddIndex, ctx: PlanContext) -> list[str]:
    # On a table in use the index is built without blocking writes; IF NOT EXISTS makes a
    # re-run after a partial failure skip the finished ones.
    busy = not ctx.is_new(c)
    concurrently = busy and not c.partitioned
    index = ctx.d.create_index(
        c.schema, c.table, c.index, ctx.sql, concurrently=concurrently, if_not_exists=busy
    )
    return [index, *ctx.d.index_comments(c.schema, (c.index,), ctx.sql)]


# -- views ------------------------------------------------------------------------------


@statements.register(ch.ReplaceView)
@statements.register(ch.RefreshView)
def _replace_view(c: ch.ReplaceView | ch.RefreshView, ctx: PlanContext) -> list[str]:
    return ctx.d.create_view_complete(c.new, ctx.sql, replace=True)
