"""A column typed in one field: name and type, and a reference."""

import pytest

from designer.selectors.design import project_schema
from designer.services.column_spec import (
    ERR_SPEC_TARGET,
    ColumnSpec,
    column_add_spec,
    parse_spec,
)
from designer.services.tables import table_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("email", None),
        ("email text", ColumnSpec("email", "text", "")),
        ("price numeric(12,2)", ColumnSpec("price", "numeric(12,2)", "")),
        ("ratio double precision", ColumnSpec("ratio", "double precision", "")),
        ("customer_id > customers", ColumnSpec("customer_id", "", "customers")),
        ("code text > sales.codes.code", ColumnSpec("code", "text", "sales.codes.code")),
    ],
)
def test_specs_read_as_written(text, spec):
    assert parse_spec(text) == spec


def test_a_reference_adds_the_key_with_the_type_of_the_target(project):
    table_create(project=project, name="customers")
    orders, _ = table_create(project=project, name="orders")
    column_add_spec(table=orders, spec=parse_spec("customer_id > customers"))
    t = project_schema(project).table("orders")
    assert t.column("customer_id").type == "bigint"
    assert [(fk.columns, fk.ref_table, fk.ref_columns) for fk in t.foreign_keys] == [
        (("customer_id",), "customers", ("id",))
    ]


def test_a_reference_to_a_missing_table_adds_nothing(project, unchanged):
    orders, _ = table_create(project=project, name="orders")
    err = unchanged(lambda: column_add_spec(table=orders, spec=parse_spec("x_id > nowhere")))
    assert err.message == ERR_SPEC_TARGET.format(name="nowhere")
