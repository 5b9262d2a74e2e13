"""Index edits: key parts with expressions, operator classes and order."""

import pytest

from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.indexes import index_save
from designer.services.tables import table_create

pytestmark = pytest.mark.django_db


def test_index_parts_support_expressions_opclasses_and_order(project):
    table, _ = table_create(project=project, name="people")
    column_add(table=table, name="email", data_type="text")
    index_save(
        table=table,
        name="people_email_lower_idx",
        parts="(lower(email)) text_pattern_ops DESC\nid",
        unique=True,
        where="email IS NOT NULL",
    )
    ix = project_schema(project).table("people").indexes[0]
    assert ix.parts[0].expression == "lower(email)"
    assert ix.parts[0].opclass == "text_pattern_ops" and ix.parts[0].descending
    assert ix.parts[1].column == "id"
    assert ix.unique and ix.where == "email IS NOT NULL"
