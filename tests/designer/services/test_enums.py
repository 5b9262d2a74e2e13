"""Enum edits: a rename follows into the columns of that type."""

import pytest

from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.enums import enum_save
from designer.services.errors import ERR_ENUM_VALUE_TOO_LONG
from designer.services.tables import table_create

pytestmark = pytest.mark.django_db


def test_enum_rename_follows_into_column_types(project):
    enum, _ = enum_save(project=project, name="mood", values="happy\nsad")
    table, _ = table_create(project=project, name="t")
    column_add(table=table, name="m", data_type="mood")
    enum_save(project=project, name="feeling", values="happy, sad, meh", enum=enum)
    schema = project_schema(project)
    assert schema.enums[0].values == ("happy", "sad", "meh")
    assert schema.table("t").column("m").type == "feeling"


def test_an_enum_value_longer_than_63_bytes_is_refused(project, unchanged):
    value = "é" * 32  # 64 bytes
    err = unchanged(lambda: enum_save(project=project, name="mood", values=["ok", value]))
    assert (err.message, err.field) == (ERR_ENUM_VALUE_TOO_LONG.format(value=value), "values")
