"""What every pattern refuses: an unknown table, or a partition instead of its parent."""

from __future__ import annotations

import pytest

from designer.patterns.base import ERR_PARTITION, ERR_UNKNOWN_TABLE, PatternError
from designer.patterns.monthly_range_partitioning import apply_monthly_partitioning
from designer.patterns.soft_delete import apply_soft_delete
from tests.designer.patterns.shop import shop


def test_unknown_table_and_partition_targets_are_refused():
    with pytest.raises(PatternError) as err:
        apply_soft_delete(shop(), table="public.nope")
    assert err.value.message == ERR_UNKNOWN_TABLE.format(table="public.nope")
    parted = apply_monthly_partitioning(shop(), table="orders", column="placed_at").schema
    with pytest.raises(PatternError) as err:
        apply_soft_delete(parted, table="orders_y2025m01")
    assert err.value.message == ERR_PARTITION.format(table="public.orders_y2025m01")
