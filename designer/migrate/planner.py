"""``plan(changes)``: the migration a careful PostgreSQL engineer would write.

A plan is data: phases (expand -> backfill -> contract) of ordered steps, each with its
up and down SQL, the lock it takes, whether it rewrites or scans a table, and the risks
a reviewer should know. The steps of each change come from ``designer.migrate.steps``
(one function per change type), their SQL from the PostgreSQL dialect; rendering to
files is ``designer.migrate.render``. This module orders the steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from designer.migrate import changes as ch
from designer.migrate.changes import ACCESS_EXCLUSIVE, Change
from designer.migrate.statements import plan_context
from designer.migrate.steps import STAGE_RANK, Phase, Stage, Step, steps_for

EXPAND, BACKFILL, CONTRACT = Phase.EXPAND, Phase.BACKFILL, Phase.CONTRACT
PHASES = tuple(Phase)

ERR_DESTRUCTIVE = (
    "This plan can lose data in {count} step(s): {steps}. "
    "Review them and pass allow_destructive=True to accept."
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
            out.add(("constraint", c.schema, c.table, c.constraint_name))
    drops = {
        ("constraint", c.schema, c.table, c.constraint_name)
        for c in changes
        if isinstance(c, ch.DropPrimaryKey | ch.DropUnique)
    }
    # A key replaced early takes the foreign keys that reference it with it.
    for key in drops & out:
        out.add(("pk_or_unique", key[1], key[2]))
    # A column dropped and another added under its name (a split, then an add): the drop
    # first, unless the table is renamed too (the drop names it as it will be called).
    renamed = {(c.schema, c.new_name) for c in changes if isinstance(c, ch.RenameTable)}
    columns = [
        (type(c), ("column", c.schema, c.table, c.column.name))
        for c in changes
        if isinstance(c, ch.AddColumn | ch.DropColumn) and (c.schema, c.table) not in renamed
    ]
    added = {key for kind, key in columns if kind is ch.AddColumn}
    out |= {key for kind, key in columns if kind is ch.DropColumn and key in added}
    added_pks = {(c.schema, c.table) for c in changes if isinstance(c, ch.AddPrimaryKey)}
    for c in changes:
        if isinstance(c, ch.DropPrimaryKey) and (c.schema, c.table) in added_pks:
            out.add(("constraint", c.schema, c.table, c.constraint_name))
            out.add(("pk_or_unique", c.schema, c.table))
    return out


def plan(changes: Sequence[Change], *, allow_destructive: bool = False) -> Plan:
    """Order the steps of ``changes`` into expand -> backfill -> contract.

    Raises ``DestructivePlanError`` listing the steps that can lose data unless
    ``allow_destructive`` is True.
    """
    ctx = plan_context(list(changes), _replaced_keys(changes))
    staged: list[tuple[int, int, int, Step]] = []
    for i, change in enumerate(changes):
        for j, (stage, step) in enumerate(steps_for(change, ctx)):
            staged.append((STAGE_RANK[stage], i, j, step))
    # Within a stage the diff's order is kept: it already puts dependencies first
    # (parents before children, dependent views dropped before the views they read).
    staged.sort(key=lambda s: s[:3])
    steps = tuple(replace(s, number=n) for n, (*_, s) in enumerate(staged, start=1))
    result = Plan(steps=steps, changes=tuple(changes))
    if result.destructive_steps and not allow_destructive:
        raise DestructivePlanError(result.destructive_steps)
    return result


__all__ = [
    "ACCESS_EXCLUSIVE",
    "BACKFILL",
    "CONTRACT",
    "EXPAND",
    "PHASES",
    "DestructivePlanError",
    "Phase",
    "Plan",
    "Stage",
    "Step",
    "plan",
]
