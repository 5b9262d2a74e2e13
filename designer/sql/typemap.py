"""How column types of MySQL/MariaDB, SQLite and SQL Server become PostgreSQL types.

The importers parse DDL with sqlglot; each ``exp.DataType`` it returns goes through
``map_type``, which answers with canonical PostgreSQL type text (as ``format_type``
prints it, via ``designer.schema.sqltext.normalize_type``) and any caveat the user
should see in the import report.

| source type | PostgreSQL type | note |
|---|---|---|
| **MySQL / MariaDB** | | |
| `tinyint(1)`, `bool`, `boolean` | `boolean` | `tinyint(1)` is MySQL's boolean by convention (its own `BOOLEAN` is `tinyint(1)`) |
| `tinyint` | `smallint` | PostgreSQL has no 1-byte integer |
| `smallint`, `mediumint`, `int`/`integer`, `bigint` | `smallint`, `integer`, `integer`, `bigint` | display widths (`int(11)`) are dropped |
| `… UNSIGNED` | next wider type + `CHECK (col >= 0)` | `tinyint`→`smallint`, `smallint`→`integer`, `mediumint`→`integer`, `int`→`bigint`; `bigint` stays `bigint` (values above 2⁶³−1 do not fit; a `numeric` key could not be referenced by `bigint` foreign keys); decimals and floats keep their type |
| `serial` | `bigint` identity BY DEFAULT | MySQL's alias of `bigint unsigned not null auto_increment unique` |
| `decimal(p,s)`, `numeric(p,s)` | `numeric(p,s)` | |
| `float` | `real` | `float(p)` with p > 24 → `double precision` |
| `double`, `double precision` | `double precision` | |
| `real` | `real` | sqlglot reads MySQL `REAL` as `FLOAT`; MySQL itself makes it `DOUBLE` (unless `REAL_AS_FLOAT`): widen by hand if it matters |
| `bit(1)` | `boolean` | `bit(n)`, n > 1 → `bit(n)` |
| `char(n)`, `varchar(n)` | `character(n)`, `character varying(n)` | |
| `tinytext`, `text`, `mediumtext`, `longtext` | `text` | |
| `binary`, `varbinary`, `tinyblob`, `blob`, `mediumblob`, `longblob` | `bytea` | |
| `date`, `time(p)` | `date`, `time(p) without time zone` | |
| `datetime(p)` | `timestamp(p) without time zone` | MySQL `datetime` stores no time zone |
| `timestamp(p)` | `timestamp(p) with time zone` | MySQL converts `timestamp` values to UTC and back to the session time zone: that is PostgreSQL's `timestamptz` |
| `year` | `smallint` | |
| `json` | `json` | kept as `json` (same semantics); the advisor suggests `jsonb` |
| `enum('a','b')` | enum type `<table>_<column>` | created and reported |
| `set('a','b')` | `text[]` | warning: the allowed values are not enforced |
| `geometry`, `point`, … | `text` | warning: PostGIS is not assumed |
| **SQLite** (type affinity) | | |
| `integer`, `int`, `bigint` | `bigint` | SQLite integers are 64-bit (`INTEGER PRIMARY KEY` is the 64-bit rowid) |
| `tinyint`, `smallint`, `int2`, `mediumint` | `smallint`, `smallint`, `smallint`, `integer` | the declared width is taken as the intent; `int8` is read by sqlglot as `tinyint` (→ `smallint`): a known gap |
| `integer primary key autoincrement` | `bigint` identity BY DEFAULT | |
| `text`, `clob`, `string` | `text` | |
| `varchar(n)`, `character(n)`, `nchar(n)` | `character varying(n)`, `character(n)`, `character(n)` | SQLite ignores lengths; PostgreSQL enforces them |
| `real`, `double`, `float` | `double precision` | SQLite REAL is 8 bytes |
| `blob` | `bytea` | |
| `numeric`, `decimal(p,s)` | `numeric`, `numeric(p,s)` | |
| `boolean`, `date`, `datetime`, `json` | `boolean`, `date`, `timestamp without time zone`, `json` | |
| other names (affinity rules, in SQLite's order) | contains `INT` → `bigint`; `CHAR`/`CLOB`/`TEXT` → `text`; `BLOB` → `bytea`; `REAL`/`FLOA`/`DOUB` → `double precision`; else `numeric` | warning names the rule |
| no type at all | `text` | warning (SQLite gives it BLOB affinity, but such columns usually hold text) |
| **SQL Server** | | |
| `bit` | `boolean` | |
| `tinyint` | `smallint` | SQL Server's `tinyint` is unsigned 0–255: a `CHECK (col >= 0)` is added |
| `smallint`, `int`, `bigint` | same | |
| `decimal(p,s)`, `numeric(p,s)` | `numeric(p,s)` | |
| `money`, `smallmoney` | `numeric(19,4)`, `numeric(10,4)` | |
| `float`, `float(n)` | `double precision`; `real` when n ≤ 24 | |
| `real` | `double precision` | sqlglot reads T-SQL `real` as `float`: narrow to `real` by hand if it matters |
| `char(n)`, `nchar(n)` | `character(n)` | |
| `varchar(n)`, `nvarchar(n)` | `character varying(n)` | |
| `varchar(max)`, `nvarchar(max)`, `text`, `ntext` | `text` | |
| `binary`, `varbinary(n)`, `varbinary(max)`, `image` | `bytea` | |
| `date`, `time(p)` | `date`, `time(p) without time zone` | |
| `datetime`, `datetime2(p)`, `smalldatetime` | `timestamp(3)`, `timestamp(p)`, `timestamp(0)` without time zone | |
| `datetimeoffset(p)` | `timestamp(p) with time zone` | the offset itself is not kept |
| `uniqueidentifier` | `uuid` | |
| `xml` | `xml` | |
| `rowversion`/`timestamp` | `bytea` | warning: PostgreSQL has no automatic row version |
| `sysname`, `hierarchyid`, `geography` | `character varying(128)`, `text`, `text` | warning |
| `sql_variant` | — | sqlglot cannot parse it: the import stops at that line |

Identity: MySQL `AUTO_INCREMENT`, SQL Server `IDENTITY(1,1)` and SQLite
`INTEGER PRIMARY KEY AUTOINCREMENT` all become ``GENERATED BY DEFAULT AS IDENTITY``
(by default, so existing ids can still be loaded); an IDENTITY seed or step other than 1
is kept as identity options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from designer.schema.sqltext import SqlTextError, normalize_type

Dialect = str  # "mysql" | "sqlite" | "tsql"

WARN_SET_TYPE = "SET({values}) became text[]: PostgreSQL will not check the allowed values."
WARN_SPATIAL = "{name} became text: spatial types need PostGIS."
WARN_UNKNOWN_TYPE = "Type “{name}” is unknown; the column became text."
WARN_SQLITE_AFFINITY = "Type “{name}” has SQLite {affinity} affinity; it became {pg}."
WARN_SQLITE_NO_TYPE = "The column has no type (SQLite BLOB affinity); it became text."
WARN_ROWVERSION = "rowversion became bytea: PostgreSQL does not maintain a row version for you."
WARN_TSQL_LOOSE = "{name} became {pg}."

SPATIAL = frozenset(
    {
        "GEOMETRY",
        "GEOGRAPHY",
        "POINT",
        "LINESTRING",
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
    }
)


@dataclass(frozen=True)
class MappedType:
    """A source type turned into PostgreSQL terms.

    ``enum_values`` is set for MySQL ENUM: the caller creates the enum type and uses
    its name. ``unsigned`` asks the caller for a ``CHECK (col >= 0)``.
    """

    type: str
    unsigned: bool = False
    enum_values: tuple[str, ...] = ()
    is_set: bool = False
    warning: str | None = None


def _params(dt: exp.DataType) -> list[str]:
    out = []
    for p in dt.expressions:
        inner = p.this if isinstance(p, exp.DataTypeParam) else p
        out.append(inner.name if isinstance(inner, exp.Literal | exp.Var) else inner.sql())
    return out


def _ints(dt: exp.DataType) -> list[int]:
    return [int(p) for p in _params(dt) if p.isdigit()]


def _mods(dt: exp.DataType, limit: int = 2) -> str:
    ints = _ints(dt)[:limit]
    return "(" + ",".join(str(i) for i in ints) + ")" if ints else ""


def _is_max(dt: exp.DataType) -> bool:
    return any(p.upper() == "MAX" for p in _params(dt))


def _char(pg: str) -> Callable[[exp.DataType], str]:
    def build(dt: exp.DataType) -> str:
        if _is_max(dt):
            return "text"
        return pg + _mods(dt, 1)

    return build


def _fixed(pg: str) -> Callable[[exp.DataType], str]:
    return lambda dt: pg


def _numeric(dt: exp.DataType) -> str:
    return "numeric" + _mods(dt)


def _time(pg: str, suffix: str, default_precision: int | None = None) -> Callable[..., str]:
    def build(dt: exp.DataType) -> str:
        ints = _ints(dt)
        precision = ints[0] if ints else default_precision
        if precision is None:
            return f"{pg} {suffix}"
        return f"{pg}({min(precision, 6)}) {suffix}"

    return build


_COMMON: dict[str, Callable[[exp.DataType], str]] = {
    "BOOLEAN": _fixed("boolean"),
    "SMALLINT": _fixed("smallint"),
    "INT": _fixed("integer"),
    "BIGINT": _fixed("bigint"),
    "DECIMAL": _numeric,
    "DOUBLE": _fixed("double precision"),
    "CHAR": _char("character"),
    "NCHAR": _char("character"),
    "VARCHAR": _char("character varying"),
    "NVARCHAR": _char("character varying"),
    "TEXT": _fixed("text"),
    "BINARY": _fixed("bytea"),
    "VARBINARY": _fixed("bytea"),
    "BLOB": _fixed("bytea"),
    "DATE": _fixed("date"),
    "TIME": _time("time", "without time zone"),
    "DATETIME": _time("timestamp", "without time zone"),
    "JSON": _fixed("json"),
    "UUID": _fixed("uuid"),
    "XML": _fixed("xml"),
}

_MYSQL: dict[str, Callable[[exp.DataType], str]] = {
    **_COMMON,
    "TINYINT": lambda dt: "boolean" if _ints(dt) == [1] else "smallint",
    "MEDIUMINT": _fixed("integer"),
    "FLOAT": lambda dt: "double precision" if _ints(dt)[:1] and _ints(dt)[0] > 24 else "real",
    "BIT": lambda dt: "boolean" if _ints(dt) in ([], [1]) else f"bit{_mods(dt, 1)}",
    "TINYTEXT": _fixed("text"),
    "MEDIUMTEXT": _fixed("text"),
    "LONGTEXT": _fixed("text"),
    "TINYBLOB": _fixed("bytea"),
    "MEDIUMBLOB": _fixed("bytea"),
    "LONGBLOB": _fixed("bytea"),
    "TIMESTAMP": _time("timestamp", "with time zone"),
    "TIMESTAMPTZ": _time("timestamp", "with time zone"),
    "YEAR": _fixed("smallint"),
    "SERIAL": _fixed("bigint"),
}

# unsigned source type -> the wider PostgreSQL type that holds its whole range
_MYSQL_UNSIGNED: dict[str, str] = {
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UMEDIUMINT": "integer",
    "UINT": "bigint",
    # not numeric(20,0): ids are the usual bigint unsigned, and a numeric key could not be
    # referenced by the bigint foreign keys around it
    "UBIGINT": "bigint",
}

_SQLITE: dict[str, Callable[[exp.DataType], str]] = {
    **_COMMON,
    # SQLite stores every integer in up to 8 bytes; INTEGER PRIMARY KEY is the rowid.
    "INT": _fixed("bigint"),
    "TINYINT": _fixed("smallint"),
    "MEDIUMINT": _fixed("integer"),
    "FLOAT": _fixed("double precision"),
    "DECIMAL": _numeric,
    "VARBINARY": _fixed("bytea"),
}

_TSQL: dict[str, Callable[[exp.DataType], str]] = {
    **_COMMON,
    "BIT": _fixed("boolean"),
    "FLOAT": lambda dt: "real" if _ints(dt)[:1] and _ints(dt)[0] <= 24 else "double precision",
    "MONEY": _fixed("numeric(19,4)"),
    "SMALLMONEY": _fixed("numeric(10,4)"),
    "IMAGE": _fixed("bytea"),
    "DATETIME": _time("timestamp", "without time zone", 3),
    "DATETIME2": _time("timestamp", "without time zone"),
    "SMALLDATETIME": _time("timestamp", "without time zone", 0),
    "DATETIMEOFFSET": _time("timestamp", "with time zone"),
    "TIMESTAMPTZ": _time("timestamp", "with time zone"),
}

_TSQL_LOOSE: dict[str, str] = {
    "SYSNAME": "character varying(128)",
    "HIERARCHYID": "text",
    "SQL_VARIANT": "text",
}

_TABLES = {"mysql": _MYSQL, "sqlite": _SQLITE, "tsql": _TSQL}


def _canonical(text: str) -> str:
    return normalize_type(text)


def sqlite_affinity(name: str) -> tuple[str, str]:
    """SQLite's five affinity rules (in its order) -> (affinity, PostgreSQL type)."""
    upper = name.upper()
    if "INT" in upper:
        return "INTEGER", "bigint"
    if any(k in upper for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT", "text"
    if "BLOB" in upper or not upper:
        return "BLOB", "bytea"
    if any(k in upper for k in ("REAL", "FLOA", "DOUB")):
        return "REAL", "double precision"
    return "NUMERIC", "numeric"


def map_type(dialect: Dialect, dt: exp.DataType | None) -> MappedType:
    """The PostgreSQL type for a sqlglot ``DataType`` read in ``dialect``."""
    if dt is None:  # SQLite lets a column have no type at all
        return MappedType("text", warning=WARN_SQLITE_NO_TYPE)
    name = dt.this.name
    if dialect == "mysql":
        if name == "ENUM":
            return MappedType("", enum_values=tuple(_params(dt)))
        if name == "SET":
            values = tuple(_params(dt))
            quoted = ",".join(f"'{v}'" for v in values)
            return MappedType("text[]", is_set=True, warning=WARN_SET_TYPE.format(values=quoted))
        if name in _MYSQL_UNSIGNED:
            return MappedType(_canonical(_MYSQL_UNSIGNED[name]), unsigned=True)
        if name in ("UDECIMAL", "UDOUBLE", "UFLOAT"):
            signed = exp.DataType(this=exp.DataType.Type[name[1:]], expressions=dt.expressions)
            return MappedType(map_type(dialect, signed).type, unsigned=True)
    if dialect == "tsql":
        if name == "UTINYINT":  # T-SQL tinyint is 0..255
            return MappedType("smallint", unsigned=True)
        if name == "ROWVERSION":
            return MappedType("bytea", warning=WARN_ROWVERSION)
        if name == "USERDEFINED" and str(dt.args.get("kind", "")).upper() in _TSQL_LOOSE:
            kind = str(dt.args["kind"]).upper()
            pg = _TSQL_LOOSE[kind]
            return MappedType(_canonical(pg), warning=WARN_TSQL_LOOSE.format(name=kind, pg=pg))
    if name in SPATIAL:
        return MappedType("text", warning=WARN_SPATIAL.format(name=name.lower()))
    if dialect == "sqlite" and name == "USERDEFINED":
        declared = str(dt.args.get("kind", ""))
        affinity, pg = sqlite_affinity(declared)
        return MappedType(
            pg, warning=WARN_SQLITE_AFFINITY.format(name=declared, affinity=affinity, pg=pg)
        )
    if name == "USERDEFINED":  # alias types (T-SQL CREATE TYPE) are not in the input's model
        shown = str(dt.args.get("kind") or dt.sql(dialect=dialect))
        return MappedType("text", warning=WARN_UNKNOWN_TYPE.format(name=shown))
    builder = _TABLES[dialect].get(name)
    if builder is not None:
        return MappedType(_canonical(builder(dt)))
    # Anything else: trust sqlglot's PostgreSQL spelling when PostgreSQL accepts it.
    try:
        return MappedType(_canonical(dt.sql(dialect="postgres")))
    except SqlTextError:
        shown = dt.sql(dialect=dialect)
        return MappedType("text", warning=WARN_UNKNOWN_TYPE.format(name=shown))
