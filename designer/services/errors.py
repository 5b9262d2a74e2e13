"""Errors a design edit reports to the user. Messages are constants, asserted in tests."""

from __future__ import annotations

ERR_DUPLICATE_TABLE = "A table named “{name}” already exists in schema “{schema}”."
ERR_DUPLICATE_COLUMN = "Table “{table}” already has a column named “{name}”."
ERR_DUPLICATE_ENUM = "A type named “{name}” already exists in schema “{schema}”."
ERR_DUPLICATE_INDEX = "An index or constraint named “{name}” already exists in schema “{schema}”."
ERR_FK_COLUMN_COUNT = "A foreign key needs as many referenced columns as columns ({n} vs {m})."
ERR_FK_NO_COLUMNS = "Choose at least one column for the foreign key."
ERR_FK_TYPE_MISMATCH = (
    "Column “{column}” is {type}, but the referenced column “{ref}” is {ref_type}; "
    "a foreign key needs matching types."
)
ERR_FK_TARGET_NOT_UNIQUE = (
    "The referenced columns ({columns}) of “{table}” must be its primary key or have a unique "
    "constraint."
)
ERR_FK_ACTION = "“{action}” is not a foreign-key action."
ERR_FK_SET_NULL_NOT_NULL = "ON DELETE SET NULL needs nullable columns, but “{column}” is NOT NULL."
ERR_UNKNOWN_COLUMN = "Table “{table}” has no column named “{name}”."
ERR_UNKNOWN_TABLE = "There is no table “{name}” in this design."
ERR_CHECK_NO_EXPRESSION = "A CHECK constraint needs an expression."
ERR_UNIQUE_NO_COLUMNS = "Choose at least one column."
ERR_INDEX_NO_PARTS = "An index needs at least one column or expression."
ERR_INDEX_METHOD = "“{method}” is not an index method (use btree, hash, gin, gist, spgist or brin)."
ERR_ENUM_NO_VALUES = "An enum needs at least one value."
ERR_ENUM_VALUE_TOO_LONG = "The value “{value}” is longer than 63 bytes."
ERR_ENUM_DUPLICATE_VALUE = "The value “{value}” appears twice."
ERR_STALE = (
    "Someone else changed this {what} while you were editing (it is now version {current}). "
    "Your change was not saved; the form shows the current values."
)
ERR_NO_VERSION = (
    "This form does not say which version of the {what} it was made from, so it could overwrite "
    "someone else's change. Reload the page and try again."
)
ERR_DESIGN_TABLES = (
    "This design has {count:,} tables, the limit (ERD_MAX_TABLES); delete one or split the "
    "design into projects before adding more."
)
ERR_DESIGN_COLUMNS = "This design has {count:,} columns, the limit (ERD_MAX_COLUMNS); delete some before adding more."
ERR_TABLE_COLUMNS = "Table “{table}” has {count:,} columns; PostgreSQL allows at most {limit:,}."
ERR_IDENTITY_KIND = "Identity must be ALWAYS or BY DEFAULT."
ERR_IDENTITY_TYPE = "An identity column must be smallint, integer or bigint, not {type}."
ERR_IDENTITY_AND_DEFAULT = "A column cannot have both a default and an identity."
ERR_GENERATED_AND_DEFAULT = "A generated column cannot also have a default or an identity."
ERR_DEFAULT_TYPE = "The default {default} is not a valid {type} value."
ERR_DEFAULT_RANGE = "The default {default} is out of range for {type}."
ERR_COLOR = "“{color}” is not a colour; use the #rrggbb form."


class DesignError(ValueError):
    """An edit that cannot be applied; ``field`` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
