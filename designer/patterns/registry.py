"""The patterns the designer offers, in the order the page lists them, and how a form's
option values become a pattern's keyword arguments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from designer.patterns import (
    audit_columns,
    audit_log,
    job_queue,
    monthly_range_partitioning,
    multi_tenancy,
    optimistic_locking,
    soft_delete,
    temporal_validity,
)
from designer.patterns.base import (
    ERR_OPTION_INT,
    ERR_TABLE_REQUIRED,
    Pattern,
    PatternError,
    PatternOption,
    PatternResult,
)
from designer.schema.model import Schema

ERR_UNKNOWN_PATTERN = "There is no pattern “{pattern}”."
ERR_UNKNOWN_OPTION = "This pattern has no option “{option}”."

# In the order the patterns page lists them.
PATTERNS: dict[str, Pattern] = {
    p.id: p
    for p in (
        soft_delete.PATTERN,
        audit_columns.PATTERN,
        audit_log.PATTERN,
        optimistic_locking.PATTERN,
        multi_tenancy.PATTERN,
        job_queue.PATTERN,
        temporal_validity.PATTERN,
        monthly_range_partitioning.PATTERN,
    )
}


def _parse_option(option: PatternOption, raw: Any) -> Any:
    if option.kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in ("1", "true", "on", "yes")
    if option.kind == "int":
        try:
            return int(str(raw).strip())
        except ValueError:
            raise PatternError(ERR_OPTION_INT.format(option=option.name, low=1, high=120)) from None
    text = str(raw).strip() if raw is not None else ""
    return text if text or option.kind == "columns" else option.default


def parse_options(pattern: Pattern, options: Mapping[str, Any]) -> dict[str, Any]:
    """Typed keyword arguments from form values; missing options take their defaults.

    A bool option absent from a submitted form means unchecked, so callers posting a form
    pass every bool option (``"0"`` when off).
    """
    known = {o.name: o for o in pattern.options}
    for name in options:
        if name not in known:
            raise PatternError(ERR_UNKNOWN_OPTION.format(option=name))
    return {
        o.name: _parse_option(o, options[o.name]) if o.name in options else o.default
        for o in pattern.options
    }


def get_pattern(pattern_id: str) -> Pattern:
    try:
        return PATTERNS[pattern_id]
    except KeyError:
        raise PatternError(ERR_UNKNOWN_PATTERN.format(pattern=pattern_id)) from None


def run_pattern(
    schema: Schema, pattern_id: str, table: str | None, options: Mapping[str, Any]
) -> PatternResult:
    """Apply a registered pattern with options as a form sends them (strings)."""
    pattern = get_pattern(pattern_id)
    kwargs = parse_options(pattern, options)
    if pattern.scope == "table" and not table and not pattern.all_tables:
        raise PatternError(ERR_TABLE_REQUIRED)
    return pattern.apply(schema, table=table or None, **kwargs)
