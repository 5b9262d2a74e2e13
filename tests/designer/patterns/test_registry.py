"""The pattern registry: every pattern listed with its scope and defaults, and form options parsed."""

from __future__ import annotations

import pytest

from designer.patterns.base import ERR_OPTION_INT, ERR_TABLE_REQUIRED, PatternError
from designer.patterns.registry import (
    ERR_UNKNOWN_OPTION,
    ERR_UNKNOWN_PATTERN,
    PATTERNS,
    run_pattern,
)
from tests.designer.patterns.shop import shop


def test_registry_lists_every_pattern_with_scope_and_defaults():
    assert list(PATTERNS) == [
        "soft-delete",
        "audit-columns",
        "audit-log",
        "optimistic-locking",
        "multi-tenancy",
        "job-queue",
        "temporal-validity",
        "monthly-range-partitioning",
    ]
    assert PATTERNS["job-queue"].scope == "project"
    assert all(p.scope == "table" for k, p in PATTERNS.items() if k != "job-queue")
    months = {o.name: o.default for o in PATTERNS["monthly-range-partitioning"].options}
    assert months == {
        "column": "created_at",
        "start": "2025-01",
        "months": 12,
        "default_partition": True,
    }


def test_run_pattern_parses_form_options_and_refuses_unknown_ones():
    result = run_pattern(
        shop(),
        "monthly-range-partitioning",
        "orders",
        {"column": "placed_at", "months": "2", "default_partition": "0"},
    )
    names = [t.name for t in result.schema.tables if t.partition_of]
    assert names == ["orders_y2025m01", "orders_y2025m02"]
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "soft-delete", "orders", {"colour": "red"})
    assert err.value.message == ERR_UNKNOWN_OPTION.format(option="colour")
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "monthly-range-partitioning", "orders", {"months": "many"})
    assert err.value.message == ERR_OPTION_INT.format(option="months", low=1, high=120)
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "no-such", None, {})
    assert err.value.message == ERR_UNKNOWN_PATTERN.format(pattern="no-such")
    with pytest.raises(PatternError) as err:
        run_pattern(shop(), "soft-delete", None, {})
    assert err.value.message == ERR_TABLE_REQUIRED
