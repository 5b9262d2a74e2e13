"""The advisor's rules, one module per theme; importing this package registers them all.

The import order is the order rules appear in ``RULES`` (and in the documentation).
"""

from designer.advisor.rules import keys, indexes, types, design, naming, security  # noqa: I001

__all__ = ["design", "indexes", "keys", "naming", "security", "types"]
