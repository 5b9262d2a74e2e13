"""Every change type has its steps, and its SQL unless it runs none (a change the planner
cannot script, a rollback point): adding a change type without a plan fails here."""

from __future__ import annotations

from designer.migrate import changes as ch
from designer.migrate.statements import ONE_CALL, statements
from designer.migrate.steps import SIMPLE, steps_for

# Changes that run no statement of their own: their steps say what to do instead.
NO_STATEMENT = {ch.ManualChange, ch.RestoreViewOnRollback}


def test_every_change_type_has_steps_and_sql() -> None:
    for kind in ch.CHANGE_TYPES:
        assert kind in SIMPLE or steps_for.dispatch(kind) is not steps_for.dispatch(object), kind
        if kind not in NO_STATEMENT:
            registered = statements.dispatch(kind) is not statements.dispatch(object)
            assert kind in ONE_CALL or registered, kind
