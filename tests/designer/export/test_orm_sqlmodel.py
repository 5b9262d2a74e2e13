"""The SQLModel export imports and creates the same tables as the SQLAlchemy export."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from designer.demo import demo_schema
from designer.export.orm_sqlalchemy import export_sqlalchemy
from designer.export.orm_sqlmodel import export_sqlmodel


def load_module(text: str, tmp_path: Path) -> ModuleType:
    name = f"erd_generated_{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def ddl(metadata: sa.MetaData) -> list[object]:
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    # Each CREATE TABLE as its sorted lines: copying a table may reorder its constraints.
    out = [
        sorted(
            line.strip().rstrip(",")
            for line in str(CreateTable(t).compile(dialect=dialect)).splitlines()
        )
        for t in metadata.sorted_tables
    ]
    out += sorted(
        str(sa.schema.CreateIndex(i).compile(dialect=dialect))
        for t in metadata.sorted_tables
        for i in t.indexes
    )
    return out


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The demo's SQLModel module, loaded once: SQLModel keeps one registry per process."""
    return load_module(export_sqlmodel(demo_schema()).text, tmp_path_factory.mktemp("sqlmodel"))


def test_sqlmodel_and_sqlalchemy_exports_describe_the_same_tables(
    models: ModuleType, tmp_path: Path
) -> None:
    plain = load_module(export_sqlalchemy(demo_schema()).text, tmp_path)
    sa.orm.configure_mappers()
    tables = {t.fullname for t in models.SQLModel.metadata.sorted_tables}
    assert tables == {t.name for t in demo_schema().tables}
    mine = sa.MetaData()
    for t in models.SQLModel.metadata.sorted_tables:
        if t.fullname in tables:
            t.to_metadata(mine)
    assert ddl(mine) == ddl(plain.Base.metadata)


def test_sqlmodel_classes_are_tables_with_relationships(models: ModuleType) -> None:
    text = export_sqlmodel(demo_schema()).text
    assert "class Orders(SQLModel, table=True):" in text
    assert "customer: Optional[\"Customers\"] = Relationship(back_populates='orders'" in text
    order = models.Orders(customer=models.Customers(email="a@b.c", full_name="A"))
    assert order.customer.email == "a@b.c"
    assert order.customer.orders == [order]
