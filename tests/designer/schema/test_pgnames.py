"""PostgreSQL's naming rules, as ``designer.schema.pgnames`` ports them.

What PostgreSQL itself chooses is proven against a real server in
``tests/designer/sql/test_canonical.py`` (``test_default_names_match_what_postgresql_chooses``).
"""

from __future__ import annotations

from designer.schema.model import Column, ExcludeConstraint, ExcludeElement, Table
from designer.schema.pgnames import (
    default_check_name,
    default_exclusion_name,
    default_key_name,
    identity_sequence_name,
    index_column_names,
    index_element_name,
    make_object_name,
    name_addition,
    truncate_identifier,
)

LONG_TABLE = "customer_subscription_renewal_notifications_sent_by_the_billing"  # 63 bytes
LONG_COLUMN = "notification_delivery_channel_preference_identifier_for_customer"[:63]


def test_names_are_cut_to_63_bytes_like_postgresql() -> None:
    assert make_object_name("a" * 40, "b" * 40, "key") == "a" * 29 + "_" + "b" * 29 + "_key"
    assert len(make_object_name(LONG_TABLE, LONG_COLUMN, "fkey").encode()) == 63
    # A multi-byte character is never cut in half.
    assert make_object_name("é" * 40, None, "pkey") == "é" * 29 + "_pkey"


def test_default_key_names_follow_the_label() -> None:
    assert default_key_name("orders", ("id",), "pkey") == "orders_pkey"
    assert default_key_name("orders", ("a", "b"), "key") == "orders_a_b_key"
    assert default_key_name("orders", ("customer_id",), "fkey") == "orders_customer_id_fkey"
    assert identity_sequence_name("orders", "id") == "orders_id_seq"


def test_joined_column_names_stop_at_63_bytes_on_a_character_boundary() -> None:
    assert name_addition(["é" * 40, "x"]) == "é" * 31
    assert len(name_addition(["c" * 40, "d" * 40]).encode()) == 63
    assert truncate_identifier("é" * 40) == "é" * 31
    assert truncate_identifier("short") == "short"


def test_expression_elements_are_named_like_postgresql_names_them() -> None:
    assert index_element_name("lower(email)") == "lower"
    assert index_element_name("(a + b)") is None
    assert index_column_names(["lower", None, "lower", None]) == [
        "lower",
        "expr",
        "lower1",
        "expr1",
    ]


def test_check_names_mention_a_column_only_when_exactly_one_is_used() -> None:
    table = Table("t", columns=(Column("a", "integer"), Column("b", "integer")))
    assert default_check_name(table, "a > 0") == "t_a_check"
    assert default_check_name(table, "a > b") == "t_check"
    assert default_check_name(table, "now() > '2020-01-01'") == "t_check"


def test_exclusion_names_list_their_elements_like_index_names() -> None:
    booking = Table("booking", columns=(Column("order", "int4range"), Column("name", "text")))
    by_columns = ExcludeConstraint((ExcludeElement("order", "&&"), ExcludeElement("name", "=")))
    by_expressions = ExcludeConstraint(
        (ExcludeElement("lower(name)", "="), ExcludeElement("(a + b)", "="))
    )
    # a column element is held as the bare name, a reserved word too
    assert default_exclusion_name(booking, by_columns) == "booking_order_name_excl"
    assert default_exclusion_name(booking, by_expressions) == "booking_lower_expr_excl"
