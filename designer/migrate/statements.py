"""The plain SQL of each change, asked of the PostgreSQL dialect: one function per type.

``statements(change, ctx)`` is what running the change means, with nothing of the safe
patterns around it (those are ``designer.migrate.steps``). A change that is symmetric rolls
back with ``statements(change.reverse(), ctx)``. No SQL is spelled here: every statement
comes from ``designer.sql.dialects.postgres``, the one writer of PostgreSQL DDL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import singledispatch

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
    raise TypeError(f"no statement for {type(change).__name__}")


# -- namespaces, extensions, types, sequences ----------------------------------------------


@statements.register
def _(c: ch.AddSchema, ctx: PlanContext) -> list[str]:
    return [ctx.d.create_schema(c.name)]


@statements.register
def _(c: ch.DropSchema, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_schema(c.name)]


@statements.register
def _(c: ch.AddExtension, ctx: PlanContext) -> list[str]:
    return [ctx.d.create_extension(c.extension, ctx.sql)]


@statements.register
def _(c: ch.DropExtension, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_extension(c.extension)]


@statements.register
def _(c: ch.AddEnum, ctx: PlanContext) -> list[str]:
    return ctx.d.create_enum_complete(c.enum, ctx.sql)


@statements.register
def _(c: ch.DropEnum, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_type(c.enum.schema, c.enum.name)]


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
def _(c: ch.AddDomain, ctx: PlanContext) -> list[str]:
    return ctx.d.create_domain_complete(c.domain, ctx.sql)


@statements.register
def _(c: ch.DropDomain, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_domain(c.domain)]


@statements.register
def _(c: ch.AddSequence, ctx: PlanContext) -> list[str]:
    return ctx.d.create_sequence_complete(c.sequence, ctx.sql) + sequence_owner(c, ctx)


def sequence_owner(c: ch.AddSequence, ctx: PlanContext) -> list[str]:
    """``OWNED BY`` the column it numbers, when it has one."""
    if not c.sequence.owned_by:
        return []
    return [ctx.d.sequence_owned_by(c.sequence, ctx.sql)]


@statements.register
def _(c: ch.DropSequence, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_sequence(c.sequence)]


@statements.register
def _(c: ch.RenameSequence, ctx: PlanContext) -> list[str]:
    return [ctx.d.rename_sequence(c.schema, c.old_name, c.new_name)]


# -- tables and columns ------------------------------------------------------------------


@statements.register
def _(c: ch.AddTable, ctx: PlanContext) -> list[str]:
    return ctx.d.create_table_complete(c.table, ctx.sql)


@statements.register
def _(c: ch.DropTable, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_table(c.table.schema, c.table.name)]


@statements.register
def _(c: ch.RenameTable, ctx: PlanContext) -> list[str]:
    return [ctx.d.rename_table(c.schema, c.table, c.new_name)]


@statements.register
def _(c: ch.AddColumn, ctx: PlanContext) -> list[str]:
    return [ctx.d.add_column(c.schema, c.table, c.column, ctx.sql), *column_comment(c, ctx)]


def column_comment(c: ch.AddColumn, ctx: PlanContext) -> list[str]:
    if c.column.comment is None:
        return []
    target = ctx.d.column_ref(c.schema, c.table, c.column.name)
    return [ctx.d.comment_on("COLUMN", target, c.column.comment, ctx.sql)]


@statements.register
def _(c: ch.DropColumn, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_column(c.schema, c.table, c.column.name)]


@statements.register
def _(c: ch.RenameColumn, ctx: PlanContext) -> list[str]:
    return [ctx.d.rename_column(c.schema, c.table, c.old_name, c.new_name)]


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


@statements.register
def _(c: ch.SetNotNull, ctx: PlanContext) -> list[str]:
    return [ctx.d.set_not_null(c.schema, c.table, c.column)]


@statements.register
def _(c: ch.DropNotNull, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_not_null(c.schema, c.table, c.column)]


@statements.register
def _(c: ch.SetDefault, ctx: PlanContext) -> list[str]:
    return [ctx.d.set_default(c.schema, c.table, c.column, c.default)]


@statements.register
def _(c: ch.DropDefault, ctx: PlanContext) -> list[str]:
    return [ctx.d.set_default(c.schema, c.table, c.column, None)]


@statements.register
def _(c: ch.AddIdentity, ctx: PlanContext) -> list[str]:
    return [ctx.d.add_identity(c.schema, c.table, c.column, c.identity, c.options)]


@statements.register
def _(c: ch.DropIdentity, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_identity(c.schema, c.table, c.column)]


# -- constraints and indexes -------------------------------------------------------------


@singledispatch
def definition(x: AnyConstraint, ctx: PlanContext) -> str:
    """A constraint as ``CONSTRAINT name ...``: what follows ``ALTER TABLE ... ADD``."""
    raise TypeError(f"no definition for {type(x).__name__}")


@definition.register
def _(x: PrimaryKey, ctx: PlanContext) -> str:
    return ctx.d.primary_key(x)


@definition.register
def _(x: UniqueConstraint, ctx: PlanContext) -> str:
    return ctx.d.unique(x)


@definition.register
def _(x: CheckConstraint, ctx: PlanContext) -> str:
    return ctx.d.check(x)


@definition.register
def _(x: ForeignKey, ctx: PlanContext) -> str:
    return ctx.d.foreign_key(x)


@definition.register
def _(x: ExcludeConstraint, ctx: PlanContext) -> str:
    # An element that is a plain name is a column (the change does not carry the table).
    columns = [e.expression for e in x.elements if e.expression.isidentifier()]
    return ctx.d.exclude(x, columns, ctx.sql)


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
def _(c: ch.RenameConstraint, ctx: PlanContext) -> list[str]:
    return [ctx.d.rename_constraint(c.schema, c.table, c.old_name, c.new_name)]


@statements.register
def _(c: ch.AddIndex, ctx: PlanContext) -> list[str]:
    # On a table in use the index is built without blocking writes; IF NOT EXISTS makes a
    # re-run after a partial failure skip the finished ones.
    busy = not ctx.is_new(c)
    index = ctx.d.create_index(
        c.schema, c.table, c.index, ctx.sql, concurrently=busy, if_not_exists=busy
    )
    return [index, *ctx.d.index_comments(c.schema, (c.index,), ctx.sql)]


@statements.register
def _(c: ch.DropIndex, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_index(c.schema, c.index.name, concurrently=not ctx.is_new(c))]


@statements.register
def _(c: ch.RenameIndex, ctx: PlanContext) -> list[str]:
    return [ctx.d.rename_index(c.schema, c.old_name, c.new_name)]


# -- views, comments, row-level security ---------------------------------------------------


@statements.register
def _(c: ch.AddView, ctx: PlanContext) -> list[str]:
    return ctx.d.create_view_complete(c.view, ctx.sql)


@statements.register
def _(c: ch.DropView, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_view(c.view)]


@statements.register(ch.ReplaceView)
@statements.register(ch.RefreshView)
def _replace_view(c: ch.ReplaceView | ch.RefreshView, ctx: PlanContext) -> list[str]:
    return ctx.d.create_view_complete(c.new, ctx.sql, replace=True)


@statements.register
def _(c: ch.SetComment, ctx: PlanContext) -> list[str]:
    return [ctx.d.comment_on(c.object_kind, c.target, c.comment, ctx.sql)]


@statements.register
def _(c: ch.EnableRls, ctx: PlanContext) -> list[str]:
    return ctx.d.set_row_level_security(c.schema, c.table, on=True, force=c.force)


@statements.register
def _(c: ch.DisableRls, ctx: PlanContext) -> list[str]:
    return ctx.d.set_row_level_security(c.schema, c.table, on=False, force=c.force)


@statements.register
def _(c: ch.AddPolicy, ctx: PlanContext) -> list[str]:
    return ctx.d.create_policy_complete(c.schema, c.table, c.policy, ctx.sql)


@statements.register
def _(c: ch.DropPolicy, ctx: PlanContext) -> list[str]:
    return [ctx.d.drop_policy(c.schema, c.table, c.policy.name)]
