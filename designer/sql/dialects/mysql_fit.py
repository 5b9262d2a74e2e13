"""What MySQL 8 and MariaDB refuse at CREATE TABLE time that PostgreSQL accepts, made to fit.

* Literal defaults the column's MySQL type cannot hold (``Invalid default value``): PostgreSQL
  keeps ``'infinity'``, ``'NaN'``, zone offsets and over-long strings in a default and fails
  only on insert, or never. Each is rewritten to what MySQL reads, or left out, and the
  caller warns with the reason ``fit_literal`` gives.
* Rows over the server's 65,535-byte limit, or over InnoDB's 8,126-byte in-row limit (16 KB
  pages, DYNAMIC rows, strict mode: error 1118 "Row size too large"). ``row_sizes`` follows
  what MariaDB 10.11 on 127.0.0.1:3306 was measured to refuse (utf8mb4: 4 bytes a character;
  a TEXT/BLOB, or a string column over 255 bytes, takes 21 bytes in the row since InnoDB can
  move it off the page; 20 bytes of record header and system columns, 6 more without a
  primary key). ``fit_row`` turns the widest string columns outside any key into TEXT until
  the row fits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

from designer.schema.model import Column, Table

MAX_ROW_BYTES = 65535
MAX_INNODB_ROW_BYTES = 8126
_INNODB_RECORD_OVERHEAD = 20  # record header, DB_TRX_ID, DB_ROLL_PTR
_INNODB_ROW_ID = 6  # the hidden clustered key of a table without a primary key
_OFF_PAGE_BYTES = 21  # a 20-byte pointer and a length byte

_SIZED = re.compile(
    r"^(VARCHAR|CHAR|VARBINARY|BINARY|DECIMAL|DATETIME|TIMESTAMP|TIME|BIT)\((\d+)(?:,(\d+))?\)"
)
_FIXED = {
    "TINYINT": 1,
    "BOOLEAN": 1,
    "SMALLINT": 2,
    "MEDIUMINT": 3,
    "INT": 4,
    "BIGINT": 8,
    "FLOAT": 4,
    "DOUBLE": 8,
    "DATE": 3,
    "YEAR": 1,
    "UUID": 16,
}
_POINTERS = {"TINYTEXT": 9, "TEXT": 10, "MEDIUMTEXT": 11, "LONGTEXT": 12, "JSON": 12}
_DIGIT_BYTES = (0, 1, 1, 2, 2, 3, 3, 4, 4, 4)


def _decimal_bytes(digits: int) -> int:
    return digits // 9 * 4 + _DIGIT_BYTES[digits % 9]


@dataclass(frozen=True)
class ColumnBytes:
    """A column's share of the row: in the server's 65,535 bytes and in InnoDB's page."""

    server: int
    innodb: int
    stringy: bool  # VARCHAR/CHAR/VARBINARY/BINARY: can become TEXT or BLOB


def column_bytes(type_text: str) -> ColumnBytes:
    sized = _SIZED.match(type_text)
    name = type_text.split("(")[0].split()[0]
    if sized:
        kind, n = sized[1], int(sized[2])
        if kind in ("VARCHAR", "CHAR", "VARBINARY", "BINARY"):
            width = n * 4 if kind in ("VARCHAR", "CHAR") else n
            length_bytes = 1 if width < 256 else 2
            server = width + (length_bytes if kind.startswith("VAR") else 0)
            # utf8mb4 CHAR is variable-length in InnoDB
            variable = kind != "BINARY"
            innodb = width + length_bytes if width <= 255 or not variable else _OFF_PAGE_BYTES
            return ColumnBytes(server, innodb if variable else width, True)
        if kind == "DECIMAL":
            scale = int(sized[3] or 0)
            size = _decimal_bytes(n - scale) + _decimal_bytes(scale)
            return ColumnBytes(size, size, False)
        if kind == "BIT":
            return ColumnBytes((n + 7) // 8, (n + 7) // 8, False)
        base = {"DATETIME": 5, "TIMESTAMP": 4, "TIME": 3}[kind]
        return ColumnBytes(base + math.ceil(n / 2), base + math.ceil(n / 2), False)
    if name in _POINTERS or name.endswith(("BLOB", "TEXT")):
        return ColumnBytes(_POINTERS.get(name, 12), _OFF_PAGE_BYTES, False)
    if name in ("ENUM", "SET"):
        return ColumnBytes(2, 2, False)
    size = _FIXED.get(name, 8)
    return ColumnBytes(size, size, False)


def row_sizes(table: Table) -> tuple[int, int]:
    """(bytes against the server's 65,535, bytes against InnoDB's 8,126) of ``table``'s row."""
    null_bytes = (sum(1 for c in table.columns if c.nullable) + 7) // 8
    sizes = [column_bytes(c.type) for c in table.columns if c.generated_kind != "VIRTUAL"]
    server = sum(s.server for s in sizes) + null_bytes
    innodb = sum(s.innodb for s in sizes) + null_bytes + _INNODB_RECORD_OVERHEAD
    if table.primary_key is None:
        innodb += _INNODB_ROW_ID
    return server, innodb


def _as_lob(type_text: str) -> str:
    sized = _SIZED.match(type_text)
    assert sized is not None
    binary = sized[1] in ("VARBINARY", "BINARY")
    width = int(sized[2]) * (1 if binary else 4)
    if binary:
        return "BLOB" if width <= 65535 else "MEDIUMBLOB"
    return "TEXT" if width <= 65535 else "MEDIUMTEXT"


WARN_ROW_SERVER = (
    "Column {column}: {old} -> {new}: the row of {table} would take {size} bytes, over the"
    " {limit}-byte row limit of {dialect} (utf8mb4: 4 bytes a character); {new} is stored off"
    " the row."
)
WARN_ROW_INNODB = (
    "Column {column}: {old} -> {new}: the row of {table} would take {size} bytes in an InnoDB"
    " page, over its {limit}-byte in-row limit (16 KB pages; utf8mb4: 4 bytes a character);"
    " {new} can be stored off the page."
)


def _saving(column: Column, over_server: bool) -> int:
    """Bytes the row saves against the limit it is over when ``column`` becomes TEXT/BLOB."""
    size = column_bytes(column.type)
    return size.server if over_server else size.innodb - _OFF_PAGE_BYTES


def fit_row(table: Table, keys: set[str], label: str, target: str) -> tuple[Table, list[str]]:
    """``table`` with its widest string columns outside ``keys`` turned into TEXT/BLOB until
    its row fits both limits, and a warning per column changed."""
    warnings: list[str] = []
    while True:
        server, innodb = row_sizes(table)
        over_server = server > MAX_ROW_BYTES
        if not over_server and innodb <= MAX_INNODB_ROW_BYTES:
            return table, warnings
        candidates = [
            c
            for c in table.columns
            if c.name not in keys and c.generated is None and column_bytes(c.type).stringy
        ]
        if not candidates:
            return table, warnings

        widest = max(candidates, key=lambda c: _saving(c, over_server))
        if _saving(widest, over_server) <= 0:
            return table, warnings
        new = _as_lob(widest.type)
        default = widest.default
        if default is not None and not default.startswith("("):
            default = f"({default})"  # MySQL 8 takes a TEXT/BLOB default only as an expression
        warnings.append(
            (WARN_ROW_SERVER if over_server else WARN_ROW_INNODB).format(
                column=f"{target}.{widest.name}",
                old=widest.type,
                new=new,
                table=target,
                size=server if over_server else innodb,
                limit=MAX_ROW_BYTES if over_server else MAX_INNODB_ROW_BYTES,
                dialect=label,
            )
        )
        columns = tuple(
            replace(c, type=new, default=default) if c.name == widest.name else c
            for c in table.columns
        )
        table = replace(table, columns=columns)


# -- literal defaults ------------------------------------------------------------------------

_INT_RANGES = {
    "TINYINT": (-(2**7), 2**7 - 1),
    "SMALLINT": (-(2**15), 2**15 - 1),
    "MEDIUMINT": (-(2**23), 2**23 - 1),
    "INT": (-(2**31), 2**31 - 1),
    "BIGINT": (-(2**63), 2**63 - 1),
}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_MONEY = re.compile(r"^(-?)\$?(-?)([\d,]*\.?\d*)$")
_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
_ZONE = r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?"
_TIMESTAMP = re.compile(rf"^{_DATE}(?:[ T]{_TIME})?{_ZONE}$", re.I)
_TIME_ONLY = re.compile(rf"^{_TIME}{_ZONE}$", re.I)
_LATEST = {
    "DATE": "9999-12-31",
    "DATETIME": "9999-12-31 23:59:59",
    "TIMESTAMP": "2038-01-19 03:14:07",
}
_EARLIEST = {
    "DATE": "1000-01-01",
    "DATETIME": "1000-01-01 00:00:00",
    "TIMESTAMP": "1970-01-01 00:00:01",
}


def _offset(zone: str | None) -> timedelta:
    if not zone or zone.upper() == "Z":
        return timedelta(0)
    digits = zone.replace(":", "")
    sign = -1 if digits[0] == "-" else 1
    return sign * timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5] or 0))


def _precision(type_text: str) -> int:
    found = re.search(r"\((\d+)\)", type_text)
    return int(found[1]) if found else 0


def _clock(t: datetime, precision: int) -> str:
    text = t.strftime("%H:%M:%S")
    if precision and t.microsecond:
        text += "." + f"{t.microsecond:06d}"[:precision]
    return text


def _temporal(value: str, kind: str, type_text: str) -> tuple[str | None, str | None]:
    """(value MySQL reads for ``kind``, or None; what changed and why, or None)."""
    word = value.strip().lower()
    if word in ("infinity", "+infinity", "-infinity"):
        ends = _EARLIEST if word.startswith("-") else _LATEST
        if kind not in ends:
            return None, f"{kind} has no {word}"
        return (
            ends[kind],
            f"{kind} has no {word}; its {'earliest' if ends is _EARLIEST else 'latest'} value stands in",
        )
    stamp = _TIMESTAMP.match(value.strip())
    clock = _TIME_ONLY.match(value.strip()) if stamp is None else None
    if stamp is None and clock is None:
        return None, f"{value!r} is not a {kind} value MySQL reads"
    precision = _precision(type_text)
    if stamp is not None:
        y, mo, d, h, mi, s, frac, zone = stamp.groups()
        try:
            t = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
        except ValueError:
            return None, f"{value!r} is not a {kind} value MySQL reads"
        t += timedelta(microseconds=int((frac or "0")[:6].ljust(6, "0")))
    else:
        if kind != "TIME":
            return None, f"{value!r} is a time of day, not a {kind}"
        h, mi, s, frac, zone = clock.groups()  # type: ignore[union-attr]
        t = datetime(2000, 1, 1, tzinfo=None) + timedelta(
            hours=int(h),
            minutes=int(mi),
            seconds=int(s or 0),
            microseconds=int((frac or "0")[:6].ljust(6, "0")),
        )
    note = None
    if zone:
        t = (t.replace(tzinfo=timezone(_offset(zone)))).astimezone(UTC).replace(tzinfo=None)
        note = f"{kind} stores no time zone; {value!r} is written as at UTC"
    if not 1000 <= t.year <= 9999 and kind != "TIME":
        return None, f"{value!r} is outside {kind}'s years 1000 to 9999"
    if kind == "DATE":
        return t.strftime("%Y-%m-%d"), note
    if kind == "TIME":
        return _clock(t, precision), note
    return f"{t.strftime('%Y-%m-%d')} {_clock(t, precision)}", note


def _number(value: str, type_text: str) -> tuple[str | None, str | None]:
    kind = type_text.split("(")[0]
    text, note = value.strip(), None
    if not _NUMBER.match(text):
        money = _MONEY.match(text.replace(" ", ""))
        if money is None or not money[3].strip(",."):
            return None, f"{kind} has no value {value!r}"
        text = (money[1] or money[2]) + money[3].replace(",", "")
        note = f"{value!r} is written as the number {text}"
    number = float(text)
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        if number != int(number):
            # PostgreSQL rounds a fraction assigned to an integer column, halves away from 0
            rounded = int(math.copysign(math.floor(abs(number) + 0.5), number))
            note = f"{value!r} is rounded to {rounded}, as PostgreSQL rounds it on insert"
            number = rounded
        if not low <= int(number) <= high:
            return None, f"{value!r} is outside {kind}'s range {low} to {high}"
        return str(int(number)), note
    sized = re.match(r"DECIMAL\((\d+),(\d+)\)", type_text)
    if sized and abs(number) >= 10 ** (int(sized[1]) - int(sized[2])):
        return (
            None,
            f"{value!r} has more than {int(sized[1]) - int(sized[2])} digits before the point ({type_text})",
        )
    return text, note


def fit_literal_value(
    value: str, is_string: bool, type_text: str
) -> tuple[str | None, str | None, bool]:
    """A literal default for a column of MySQL type ``type_text``: (the value to write, or
    None when it cannot be; what changed and why; whether it is a string)."""
    kind = type_text.split("(")[0].split()[0]
    if kind in ("DATETIME", "TIMESTAMP", "DATE", "TIME"):
        fitted, note = _temporal(value, kind, type_text)
        return fitted, note, True
    if kind in (*_INT_RANGES, "DECIMAL", "FLOAT", "DOUBLE"):
        fitted, note = _number(value, type_text)
        return fitted, note, False
    if kind in ("CHAR", "VARCHAR"):
        limit = int(type_text[type_text.find("(") + 1 : type_text.find(")")])
        length = len(value.rstrip(" ") if kind == "CHAR" else value)
        if length > limit:
            return None, f"{value!r} is {length} characters, longer than {type_text}", is_string
        return value, None, is_string
    if kind == "BIT" and is_string:
        if not re.fullmatch(r"[01]*", value):
            return None, f"{value!r} is not a bit string", False
        return f"b'{value}'", None, False
    if kind in ("LONGBLOB", "MEDIUMBLOB", "BLOB", "VARBINARY", "BINARY") and is_string:
        if value.startswith("\\x") and re.fullmatch(r"[0-9a-fA-F]*", value[2:]):
            return f"X'{value[2:]}'", None, False
        if "\\" in value:
            return None, f"{value!r} uses PostgreSQL's bytea escapes", is_string
    return value, None, is_string


# -- foreign keys over InnoDB's key length -------------------------------------------------

MAX_KEY_BYTES = 3072
WARN_FK_KEY = (
    "Column {column}: {old} -> {new}: foreign key {fk} on {child} needs an index over all of"
    " {columns} ({size} bytes), and {dialect} keys hold at most {limit} bytes (utf8mb4: 4 bytes"
    " a character); a foreign key cannot use a prefix."
)
_STRING = re.compile(r"^(VARCHAR|CHAR|VARBINARY|BINARY)\((\d+)\)$")


def _key_bytes(type_text: str) -> int:
    found = _STRING.match(type_text)
    if found:
        return int(found[2]) * (4 if found[1] in ("VARCHAR", "CHAR") else 1)
    return column_bytes(type_text).server


def _shares(sizes: list[int], room: int) -> list[int]:
    """Each size cut to a fair share of ``room``: small ones keep theirs, the rest split it."""
    out = list(sizes)
    left = sorted(range(len(sizes)), key=lambda i: sizes[i])
    while left:
        share = room // len(left)
        i = left[0]
        if sizes[i] > share:
            for j in left:
                out[j] = share
            return out
        room -= sizes[i]
        left.pop(0)
    return out


def fit_foreign_keys(tables: list[Table], label: str) -> tuple[list[Table], list[str]]:
    """``tables`` with the string columns a foreign key references narrowed, widest first,
    until they fit one InnoDB key (the referencing columns take the same types)."""
    by_key = {(t.schema, t.name): i for i, t in enumerate(tables)}
    warnings: list[str] = []
    for child in list(tables):
        for fk in child.foreign_keys:
            index = by_key.get((fk.ref_schema, fk.ref_table))
            if index is None:
                continue
            parent = tables[index]
            cols = [c for c in (parent.column(n) for n in fk.ref_columns) if c is not None]
            size = sum(_key_bytes(c.type) for c in cols)
            strings = [c for c in cols if _STRING.match(c.type)]
            if size <= MAX_KEY_BYTES or not strings:
                continue
            fixed = size - sum(_key_bytes(c.type) for c in strings)
            shares = _shares([_key_bytes(c.type) for c in strings], MAX_KEY_BYTES - fixed)
            new_types = {}
            for col, share in zip(strings, shares, strict=True):
                found = _STRING.match(col.type)
                assert found is not None
                per_char = 4 if found[1] in ("VARCHAR", "CHAR") else 1
                n = max(1, share // per_char)
                if n < int(found[2]):
                    new_types[col.name] = f"{found[1]}({n})"
                    warnings.append(
                        WARN_FK_KEY.format(
                            column=f"{parent.qualified_name}.{col.name}",
                            old=col.type,
                            new=new_types[col.name],
                            fk=fk.name or "(unnamed)",
                            child=child.qualified_name,
                            columns=", ".join(fk.ref_columns),
                            size=size,
                            dialect=label,
                            limit=MAX_KEY_BYTES,
                        )
                    )
            columns = tuple(
                replace(c, type=new_types[c.name]) if c.name in new_types else c
                for c in parent.columns
            )
            tables[index] = replace(parent, columns=columns)
    return tables, warnings
