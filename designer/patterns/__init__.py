"""Design patterns: proven structures (soft delete, audit, tenancy, queues, ...) applied to a
design in one step. Pure: ``Schema`` in, ``PatternResult`` out; no Django."""

from designer.patterns.catalog import (
    PATTERNS,
    Pattern,
    PatternError,
    PatternOption,
    PatternResult,
    apply_audit_columns,
    apply_audit_log,
    apply_job_queue,
    apply_monthly_partitioning,
    apply_multi_tenancy,
    apply_optimistic_locking,
    apply_soft_delete,
    apply_temporal_validity,
    get_pattern,
    parse_options,
    pattern_ddl,
    run_pattern,
)

__all__ = [
    "PATTERNS",
    "Pattern",
    "PatternError",
    "PatternOption",
    "PatternResult",
    "apply_audit_columns",
    "apply_audit_log",
    "apply_job_queue",
    "apply_monthly_partitioning",
    "apply_multi_tenancy",
    "apply_optimistic_locking",
    "apply_soft_delete",
    "apply_temporal_validity",
    "get_pattern",
    "parse_options",
    "pattern_ddl",
    "run_pattern",
]
