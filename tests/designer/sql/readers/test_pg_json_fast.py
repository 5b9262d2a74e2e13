"""The import's shortcut for ``nextval('seq'::regclass)`` prints what PostgreSQL's printer
prints, for any sequence name."""

from __future__ import annotations

import json

import pglast
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.schema.sqltext import qualify
from designer.sql.readers.pg_json import _nextval_text, _wrapped, print_sql

names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)


def _expr(sql: str):
    stmt = json.loads(pglast.parser.parse_sql_json(f"SELECT {sql}"))["stmts"][0]["stmt"]
    return stmt["SelectStmt"]["targetList"][0]["ResTarget"]["val"]


@settings(max_examples=200, deadline=None)
@given(schema=names, name=names)
def test_the_nextval_shortcut_prints_as_the_printer(schema: str, name: str) -> None:
    literal = "'" + qualify(schema, name).replace("'", "''") + "'"
    value = _expr(f"nextval({literal}::regclass)")
    fast = _nextval_text(value)
    assert fast is None or fast == print_sql(_wrapped(value))


def test_other_shapes_take_the_printer() -> None:
    for sql in ("nextval('s')", "nextval('s'::text)", "pg_catalog.nextval('s'::regclass)", "now()"):
        assert _nextval_text(_expr(sql)) is None
    assert _nextval_text(_expr("nextval('s'::regclass)")) == "nextval('s'::regclass)"
