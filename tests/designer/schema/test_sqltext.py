import pytest

from designer.schema.sqltext import (
    ERR_IDENT_TOO_LONG,
    SqlTextError,
    identifier_errors,
    identifier_warnings,
    normalize_expr,
    normalize_type,
    quote_ident,
    rename_columns,
)


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("int", "integer"),
        ("int4", "integer"),
        ("varchar(255)", "character varying(255)"),
        ("timestamptz", "timestamp with time zone"),
        ("timestamp(3)", "timestamp(3) without time zone"),
        ("numeric(12, 2)", "numeric(12,2)"),
        ("text[]", "text[]"),
        ("bool", "boolean"),
        ("float8", "double precision"),
        ("char(2)", "character(2)"),
        ("jsonb", "jsonb"),
        ("serial", "serial"),
        ("public.mood", "public.mood"),
    ],
)
def test_types_are_spelled_as_format_type_prints_them(written, canonical):
    assert normalize_type(written) == canonical


@pytest.mark.parametrize("bad", ["", "int; drop table x", "not a type at all", "1"])
def test_bad_types_are_rejected_with_a_message(bad):
    with pytest.raises(SqlTextError):
        normalize_type(bad)


def test_expressions_are_normalised_by_the_postgres_parser():
    assert normalize_expr("NOW( )") == "now()"
    assert normalize_expr("price>0  and  qty>=1") == "price > 0 AND qty >= 1"


@pytest.mark.parametrize("bad", ["1; DROP TABLE t", "1 FROM t", "x y z (", ""])
def test_non_expressions_are_rejected(bad):
    with pytest.raises(SqlTextError):
        normalize_expr(bad)


def test_quoting_follows_quote_ident():
    assert quote_ident("order_id") == "order_id"
    assert quote_ident("user") == '"user"'
    assert quote_ident("Order") == '"Order"'
    assert quote_ident('a"b') == '"a""b"'
    assert quote_ident("name") == "name"  # unreserved keyword


def test_identifier_rules_name_the_rule():
    assert identifier_errors("ok") == []
    long = "x" * 64
    assert identifier_errors(long) == [ERR_IDENT_TOO_LONG.format(name=long, size=64)]
    assert identifier_errors("é" * 32)  # 64 bytes in UTF-8
    assert "reserved word" in identifier_warnings("select")[0]
    assert identifier_warnings("snake_case") == []


def test_keyword_type_names_are_not_quoted():
    assert normalize_type("json") == "json"
    assert normalize_type("json[]") == "json[]"


def test_a_column_rename_reaches_every_reference_in_an_expression() -> None:
    before = normalize_expr('lower("two words"::text) > a AND t.a IS NOT NULL AND ab > 0')
    after = rename_columns(before, {"two words": "order", "a": "名前"})
    assert after == normalize_expr(
        'lower("order"::text) > "名前" AND t."名前" IS NOT NULL AND ab > 0'
    )
