"""SQL dialects: one module each, holding everything about that dialect.

A dialect reads (type mapping in, script syntax, implicit schemas, detection clues) and
writes (type mapping out, capability flags, statement overrides) its SQL; ``base.Dialect``
says what each hook means. ``DIALECTS`` is the one registry: detection
(``designer.sql.readers.detect``), import (``designer.services.imports``,
``designer.sql.readers.sqlglot``), export (``designer.sql.translate``,
``designer.export.registry``) and the format lists of forms and commands all read it.
Adding a dialect is one module and one line here.
"""

from designer.sql.dialects.base import Dialect, ExportContext
from designer.sql.dialects.mysql import MARIADB, MYSQL
from designer.sql.dialects.postgres import POSTGRES, PostgresDialect
from designer.sql.dialects.sqlite import SQLITE
from designer.sql.dialects.tsql import TSQL

# In the order forms and commands list them.
DIALECTS: dict[str, Dialect] = {d.name: d for d in (POSTGRES, MYSQL, MARIADB, SQLITE, TSQL)}
# The dialect of the model itself: the one an unclear script is read as.
HOME = POSTGRES.name


def import_dialects() -> list[Dialect]:
    """The dialects offered as import formats, in registry order."""
    return [d for d in DIALECTS.values() if d.import_label is not None]


__all__ = ["DIALECTS", "HOME", "Dialect", "ExportContext", "PostgresDialect", "import_dialects"]
