"""What every SQL script writer shares: one statement's text, joining statements into a
file, and resolving the dotted references the model stores (``schema.name``).

Dialects (``designer.sql.dialects``) and the driver (``designer.sql.ddl``) both import
this module; neither imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Iterable

from designer.schema.model import DEFAULT_SCHEMA, Schema

# Schemas that always exist, so a design never creates them.
BUILTIN_SCHEMAS = frozenset({DEFAULT_SCHEMA, "pg_catalog", "information_schema"})


def statement(sql: str) -> str:
    """``sql`` as one statement: stripped, ending with exactly one ``;``."""
    sql = sql.strip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    # A trailing "-- comment" would swallow the semicolon.
    if "--" in sql.rsplit("\n", 1)[-1]:
        return sql + "\n;"
    return sql + ";"


def join_statements(statements: Iterable[str]) -> str:
    """Statements separated by blank lines, the file ending with one newline."""
    return "\n\n".join(statements) + "\n"


def split_qualified(ref: str, known_schemas: Iterable[str]) -> tuple[str | None, str]:
    """Split a ``schema.name`` reference as the model stores it (unquoted, dot-joined).

    The model stores collations, opclasses and inheritance parents as one
    dotted text, and names may themselves contain dots (collation
    ``C.utf8``). So the text is split at a dot only when what precedes it is a
    schema the design knows; otherwise it is one unqualified name.
    """
    for schema in sorted(set(known_schemas), key=len, reverse=True):
        if ref.startswith(schema + ".") and len(ref) > len(schema) + 1:
            return schema, ref[len(schema) + 1 :]
    return None, ref


def known_schemas(schema: Schema) -> frozenset[str]:
    """Every schema a reference in ``schema`` can name."""
    names = set(schema.all_schemas) | BUILTIN_SCHEMAS
    names |= {e.schema for e in schema.extensions if e.schema}
    return frozenset(names)
