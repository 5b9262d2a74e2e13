"""DBML, Mermaid, PlantUML, the index table and the design document, read as text."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

import pytest
from fixtures.designs import kitchen_sink
from pydbml import PyDBML

from designer.demo import demo_schema
from designer.export import TEXT_EXPORTS
from designer.export.dbml import export_dbml
from designer.export.document import design_document_html, design_document_markdown
from designer.export.index_table import (
    FLAG_FK_WITHOUT_INDEX,
    index_rows,
    index_table_csv,
    index_table_markdown,
)
from designer.export.mermaid import export_mermaid
from designer.export.plantuml import export_plantuml
from designer.schema.model import Column, ForeignKey, Index, IndexPart, PrimaryKey, Schema, Table
from designer.sql.readers.dbml import import_dbml


def hostile() -> Schema:
    """Names a diagram language cannot take raw."""
    parent = Table(
        name='a"b',
        columns=(
            Column("id", "bigint", nullable=False),
            Column("<x>", "text", comment='say "hi" <b>'),
        ),
        primary_key=PrimaryKey(("id",)),
    )
    child = Table(
        name="child",
        columns=(Column("id", "bigint", nullable=False), Column("parent id", "bigint")),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("parent id",), 'a"b', ("id",)),),
    )
    return Schema(tables=(parent, child))


# -- DBML -----------------------------------------------------------------------------


@pytest.mark.parametrize("design", [demo_schema, kitchen_sink], ids=["demo", "kitchen_sink"])
def test_pydbml_reads_the_dbml_and_finds_the_design(design: object) -> None:
    schema = design()  # type: ignore[operator]
    parsed = PyDBML(export_dbml(schema).text)
    tables = {(t.schema, t.name): t for t in parsed.tables}
    for table in schema.tables:
        if not table.columns:
            continue
        got = tables[(table.schema, table.name.replace('"', "'"))]
        assert [c.name for c in got.columns] == [c.name.replace('"', "'") for c in table.columns]
        assert [c.not_null for c in got.columns] == [not c.nullable for c in table.columns]
        if table.primary_key:
            pk = [c.name for c in got.columns if c.pk]
            pk += [s.name for i in got.indexes if i.pk for s in i.subjects]
            assert pk == list(table.primary_key.columns)
        named = {i.name for i in got.indexes if i.name}
        assert {i.name for i in table.indexes} <= named
    expected_refs = sum(
        1
        for t in schema.tables
        for fk in t.foreign_keys
        if schema.table(fk.ref_table, fk.ref_schema)
    )
    assert len(parsed.refs) == expected_refs
    assert {(e.schema, e.name) for e in parsed.enums} == {(e.schema, e.name) for e in schema.enums}


def test_dbml_carries_actions_defaults_notes_groups_and_colours() -> None:
    text = export_dbml(demo_schema()).text
    parsed = PyDBML(text)
    ref = next(r for r in parsed.refs if r.table1.name == "addresses")
    assert (ref.on_delete, ref.table2.name) == ("cascade", "customers")
    customers = next(t for t in parsed.tables if t.name == "customers")
    assert customers.note.text == "People who buy from the shop"
    assert customers.header_color == "#fef3c7"
    created = next(c for c in customers.columns if c.name == "created_at")
    assert str(created.default) == "Expression('now()')" or created.default.text == "now()"
    assert next(c for c in customers.columns if c.name == "email").unique
    assert {g.name: sorted(t.name for t in g.items) for g in parsed.table_groups}["sales"] == [
        "order_items",
        "orders",
        "payments",
        "shipments",
    ]
    gin = next(i for t in parsed.tables for i in t.indexes if i.name == "products_attributes_idx")
    assert gin.type == "gin"


def test_dbml_warns_about_what_it_cannot_carry() -> None:
    warnings = "\n".join(export_dbml(kitchen_sink()).warnings)
    for expected in (
        "DBML has no partial indexes (the predicate): left out for index user_created_desc",
        "DBML has no INCLUDE columns",
        "DBML has no exclusion constraints: left out for app.coupon (coupon_no_overlap)",
        "DBML has no row-level security: left out for public.user",
        "DBML has no partitions",
        "DBML has no views: left out for public.active users",
        "DBML has no domains",
        "DBML has no CHECK constraints: left out for public.user (tenant_cap)",
        "DBML has no sequences",
        "DBML has no raw SQL statements",
        "DBML names cannot contain a double quote",
    ):
        assert expected in warnings
    assert "checks {" not in export_dbml(kitchen_sink()).text


def test_dbml_export_reimports_equal() -> None:
    schema = demo_schema()
    back = import_dbml(export_dbml(schema).text).schema
    assert {t.name for t in back.tables} == {t.name for t in schema.tables}
    for table in schema.tables:
        got = back.table(table.name, table.schema)
        assert got is not None
        assert [(c.name, c.type, c.nullable, c.default) for c in got.columns] == [
            (c.name, c.type, c.nullable, c.default) for c in table.columns
        ]
        assert got.primary_key == table.primary_key
        assert set(got.foreign_keys) == set(table.foreign_keys)
        # A composite unique constraint travels as a unique index (a warned loss).
        assert {u.columns for u in got.uniques} <= {u.columns for u in table.uniques}
    assert back.enums == schema.enums or [e.values for e in back.enums] == [
        e.values for e in schema.enums
    ]


# -- Mermaid and PlantUML -------------------------------------------------------------------


def test_mermaid_entities_and_cardinalities() -> None:
    text = export_mermaid(demo_schema()).text
    assert text.startswith("erDiagram\n")
    assert "        timestamptz created_at\n" in text
    assert "        numeric price\n" in text
    assert "        bigint order_id PK, FK\n" in text
    assert '        text email UK "Login and contact address"\n' in text
    assert '    customers ||--o{ orders : "customer_id"\n' in text
    assert '    addresses |o--o{ orders : "shipping_address_id"\n' in text
    assert '    categories |o--o{ categories : "parent_id"\n' in text


def test_mermaid_one_to_one_and_hostile_names() -> None:
    schema = hostile()
    child = schema.tables[1]
    one = replace(child, uniques=(), indexes=(Index("u", (IndexPart("parent id"),), unique=True),))
    result = export_mermaid(Schema(tables=(schema.tables[0], one)))
    assert '    a_b |o--o| child : "parent id"\n' in result.text
    assert "        text x \"say 'hi' ‹b›\"\n" in result.text
    assert '%% a_b is a"b' not in result.text
    assert any('“a"b”: it is written as a_b' in w for w in result.warnings)


def test_plantuml_entities_packages_and_crows_feet() -> None:
    text = export_plantuml(demo_schema()).text
    assert text.startswith("@startuml\n") and text.endswith("@enduml\n")
    assert 'package "sales" as package_2 {' in text
    assert "    * id : bigint <<PK>>\n    --\n" in text
    assert "    shipping_address_id : bigint <<FK>>\n" in text
    assert 'orders }o--|| customers : "customer_id"' in text
    assert 'orders }o--o| addresses : "shipping_address_id"' in text
    hostile_text = export_plantuml(hostile()).text
    assert 'entity "a\'b" as a_b {' in hostile_text
    assert "  <x> :" not in hostile_text and "  ‹x› : text" in hostile_text


# -- index table -----------------------------------------------------------------------------


def test_index_rows_name_keys_cover_fks_and_flag_gaps() -> None:
    rows = {(r.table, r.name): r for r in index_rows(demo_schema())}
    pk = rows[("public.customers", "customers_pkey")]
    assert (pk.kind, pk.purpose) == ("primary key", "identity of each row")
    uq = rows[("public.customers", "customers_email_key")]
    assert uq.purpose == "enforces uniqueness of (email)"
    recent = rows[("public.orders", "orders_customer_recent_idx")]
    assert recent.parts == ("customer_id", "placed_at DESC")
    assert recent.covers == ("orders_customer_id_fkey: (customer_id) → public.customers(id)",)
    assert not any(FLAG_FK_WITHOUT_INDEX in r.flags for r in rows.values())


def test_index_rows_flag_duplicates_redundant_and_missing() -> None:
    t = Table(
        name="t",
        columns=(Column("a", "integer"), Column("b", "integer"), Column("c", "integer")),
        foreign_keys=(ForeignKey(("c",), "t", ("a",)),),
        indexes=(
            Index("t_a", (IndexPart("a"),)),
            Index("t_a_again", (IndexPart("a"),)),
            Index("t_a_b", (IndexPart("a"), IndexPart("b"))),
        ),
    )
    rows = {r.name: r for r in index_rows(Schema(tables=(t,)))}
    assert "duplicate of t_a_again" in rows["t_a"].flags
    assert "redundant: prefix of t_a_b" in rows["t_a"].flags
    assert rows["t_a_b"].flags == ()
    assert rows["t_c_fkey"].flags == (FLAG_FK_WITHOUT_INDEX,)


def test_index_table_csv_and_markdown() -> None:
    reader = list(csv.reader(io.StringIO(index_table_csv(demo_schema()).text)))
    assert reader[0][:3] == ["table", "name", "kind"]
    assert len(reader) == 1 + len(index_rows(demo_schema()))
    md = index_table_markdown(hostile()).text
    assert md.splitlines()[0].startswith("| Table | Name | Kind |")
    assert "<x>" not in md


# -- design document ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeFinding:
    rule: str
    severity: str
    object: str
    message: str


def test_design_document_markdown_has_every_section() -> None:
    finding = FakeFinding("fk-without-index", "warning", "public.t", "Index <t>.c")
    text = design_document_markdown(
        demo_schema(),
        title="Shop",
        diagram_svg_path="shop.svg",
        advisor_findings=[finding],
        migration_plan_markdown="## Plan\n\n1. Add column",
    ).text
    assert text.startswith("# Shop\n")
    assert "9 tables" in text
    assert "- sales: public.order_items, public.orders, public.payments, public.shipments" in text
    assert "![ER diagram of Shop](shop.svg)" in text
    assert "| email | text | no |  | UQ | Login and contact address |" in text
    assert "- CHECK (price &gt;= 0)" in text
    assert "on delete cascade" in text
    assert "## Index table" in text and "orders_customer_recent_idx" in text
    assert "```mermaid\nerDiagram\n" in text
    assert "| warning | fk-without-index | public.t | Index &lt;t&gt;.c |" in text
    # the plan's own Markdown names objects unescaped: shown as text (issue 18)
    assert "## Latest migration plan\n\n```markdown\n## Plan\n\n1. Add column\n```" in text


def test_design_document_html_escapes_user_text() -> None:
    schema = hostile()
    html = design_document_html(schema, title="<script>alert(1)</script>").text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;x&gt;" in html and "a&quot;b" in html
    assert html.startswith('<article class="design-document">')


def test_every_text_export_is_deterministic() -> None:
    for name, (_label, _ext, _media, produce) in TEXT_EXPORTS.items():
        first, second = produce(kitchen_sink()), produce(kitchen_sink())
        assert first == second, name
        assert first.text.endswith("\n"), name
