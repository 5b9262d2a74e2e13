from designer.schema import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    Policy,
    PrimaryKey,
    RawStatement,
    Schema,
    Table,
    schema_from_json,
    schema_to_json,
)


def _sample() -> Schema:
    orders = Table(
        name="orders",
        id="t1",
        columns=(
            Column("id", "bigint", nullable=False, identity="ALWAYS", id="c1"),
            Column("customer_id", "bigint", nullable=False),
            Column("total", "numeric(12,2)", nullable=False, default="0"),
            Column("tags", "text[]"),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(
            ForeignKey(
                ("customer_id",), "customers", ("id",), on_delete="CASCADE", deferrable=True
            ),
        ),
        checks=(CheckConstraint("total >= 0", name="orders_total_check", not_valid=True),),
        indexes=(
            Index(
                "orders_recent",
                (
                    IndexPart(column="customer_id"),
                    IndexPart(expression="lower(x)", descending=True, nulls_first=False),
                ),
                where="total > 0",
                include=("tags",),
            ),
        ),
        partitioning=Partitioning("RANGE", "id"),
        rls_enabled=True,
        policies=(Policy("own", command="SELECT", roles=("app",), using="true"),),
        group="sales",
        color="#ffcc00",
    )
    return Schema(
        tables=(orders,),
        enums=(EnumType("mood", ("sad", "ok")),),
        raw=(
            RawStatement("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", phase="pre"),
        ),
    )


def test_json_round_trip_is_exact_including_ids():
    schema = _sample()
    back = schema_from_json(schema_to_json(schema))
    assert back == schema
    assert back.tables[0].id == "t1"
    assert back.tables[0].columns[0].id == "c1"
    assert isinstance(back.tables[0].indexes[0].parts, tuple)


def test_ids_take_no_part_in_equality():
    a = _sample()
    b = schema_from_json(schema_to_json(a).replace('"t1"', '"other"'))
    assert a == b


def test_json_is_deterministic():
    assert schema_to_json(_sample()) == schema_to_json(_sample())
