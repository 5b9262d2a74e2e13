"""Names and type-text helpers shared by the non-DDL exporters.

Database names may hold spaces, quotes, capitals and non-ASCII letters; class
and attribute names in Python may not. Everything here maps one to the other
deterministically, so the same design always gives the same code, and keeps
the names of one scope unique by numbering repeats (``name``, ``name_2``).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from designer.schema.model import EnumType, ForeignKey, Schema, Table
from designer.schema.sqltext import qualify, quote_ident

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ARRAY = re.compile(r"(\[\d*\])+$")
_TYPE_ARGS = re.compile(r"^(?P<head>[^(]*?)\s*\((?P<args>[^)]*)\)(?P<tail>.*)$")


def words(name: str) -> list[str]:
    """The words of a database name: ``OrderLine`` / ``order line`` -> ``order``, ``line``."""
    return [w.lower() for w in _WORD.findall(_CAMEL.sub(" ", name))]


def _safe(name: str, *, fallback: str, digit_prefix: str) -> str:
    if not name:
        name = fallback
    if name[0].isdigit():
        name = digit_prefix + name
    if not name.isidentifier():
        name = "".join(ch if ("_" + ch).isidentifier() else "_" for ch in name)
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def class_name(table: Table, *, qualify_schema: bool = False) -> str:
    """``order_items`` -> ``OrderItems``; ``"Sales Dept".events`` -> ``SalesDeptEvents`` when
    ``qualify_schema`` (used when two schemas hold tables of the same name)."""
    parts = words(table.name)
    if qualify_schema:
        parts = words(table.schema) + parts
    return _safe("".join(w[:1].upper() + w[1:] for w in parts), fallback="Table", digit_prefix="T")


def attribute_name(name: str) -> str:
    """A Python attribute for a column or relation: ``Display Name`` -> ``display_name``."""
    return _safe("_".join(words(name)), fallback="column", digit_prefix="c_")


def unique_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``... whichever is not in ``taken``; records it."""
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}_{n}"
    taken.add(name)
    return name


def strip_id_suffix(column: str) -> str | None:
    """``customer_id`` -> ``customer``; None when the name has no ``_id``-like suffix."""
    parts = words(column)
    if len(parts) > 1 and parts[-1] in ("id", "fk", "key"):
        return "_".join(parts[:-1])
    return None


# -- the names of a whole design ---------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """One foreign key seen from both ends, with the attribute name on each side."""

    child: Table
    parent: Table
    fk: ForeignKey
    forward: str  # attribute on the child: its parent row
    backward: str  # attribute on the parent: its child rows
    one_to_one: bool  # the FK columns are unique on the child


@dataclass
class DesignNames:
    """Class and attribute names for every table of a design, unique in their scope."""

    classes: dict[tuple[str, str], str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    # FKs whose target table is not in the design: no relationship for them
    dangling: list[tuple[Table, ForeignKey]] = field(default_factory=list)

    def cls(self, table: Table) -> str:
        return self.classes[(table.schema, table.name)]

    def attr(self, table: Table, column: str) -> str:
        return self.attributes[(table.schema, table.name)][column]


def design_names(
    schema: Schema,
    tables: Iterable[Table],
    *,
    reserved: frozenset[str] = frozenset(),
) -> DesignNames:
    """Names for ``tables`` (a subset of ``schema.tables``): classes unique in the module,
    attributes unique in their class and never in ``reserved`` (names the ORM keeps for
    itself, like ``metadata``)."""
    tables = list(tables)
    names = DesignNames()
    bare_counts: dict[str, int] = {}
    for t in tables:
        bare = class_name(t)
        bare_counts[bare] = bare_counts.get(bare, 0) + 1
    taken_classes: set[str] = set()
    for t in sorted(tables, key=lambda t: (t.schema, t.name)):
        wanted = class_name(t, qualify_schema=bare_counts[class_name(t)] > 1)
        names.classes[(t.schema, t.name)] = unique_name(wanted, taken_classes)
    taken: dict[tuple[str, str], set[str]] = {}
    for t in tables:
        key = (t.schema, t.name)
        scope = set(reserved)
        taken[key] = scope
        names.attributes[key] = {}
        for c in t.columns:
            wanted = attribute_name(c.name)
            if wanted in reserved:
                wanted += "_"
            names.attributes[key][c.name] = unique_name(wanted, scope)
    by_key = {(t.schema, t.name): t for t in tables}
    for child in sorted(tables, key=lambda t: (t.schema, t.name)):
        same_parent: dict[tuple[str, str], int] = {}
        for fk in child.foreign_keys:
            pkey = (fk.ref_schema, fk.ref_table)
            same_parent[pkey] = same_parent.get(pkey, 0) + 1
        for fk in child.foreign_keys:
            parent = by_key.get((fk.ref_schema, fk.ref_table))
            if parent is None:
                names.dangling.append((child, fk))
                continue
            stem = strip_id_suffix(fk.columns[0]) if len(fk.columns) == 1 else None
            forward = stem or attribute_name(parent.name)
            if stem is None and same_parent[(fk.ref_schema, fk.ref_table)] > 1:
                forward = f"{forward}_by_{'_'.join(attribute_name(c) for c in fk.columns)}"
            if forward in reserved:
                forward += "_"
            forward = unique_name(forward, taken[(child.schema, child.name)])
            backward = attribute_name(child.name)
            if same_parent[(fk.ref_schema, fk.ref_table)] > 1 or child is parent:
                backward = f"{backward}_by_{forward}"
            if backward in reserved:
                backward += "_"
            backward = unique_name(backward, taken[(parent.schema, parent.name)])
            one_to_one = child.is_unique_on(fk.columns)
            names.relations.append(Relation(child, parent, fk, forward, backward, one_to_one))
    return names


# -- type text ------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeText:
    """Canonical type text taken apart: ``numeric(12,2)[]`` -> numeric, (12, 2), 1."""

    base: str  # without modifiers or array brackets: ``character varying``, ``app.order_status``
    args: tuple[int, ...]
    dims: int
    tail: str = ""  # ``with time zone`` after ``timestamp(3)``


def parse_type(text: str) -> TypeText:
    dims = 0
    m = _ARRAY.search(text)
    if m:
        dims = m.group(0).count("[")
        text = text[: m.start()]
    args: tuple[int, ...] = ()
    m2 = _TYPE_ARGS.match(text)
    if m2 and all(a.strip().lstrip("-").isdigit() for a in m2.group("args").split(",")):
        args = tuple(int(a) for a in m2.group("args").split(","))
        text = (m2.group("head") + m2.group("tail")).strip()
        tail = m2.group("tail").strip()
    else:
        tail = ""
    return TypeText(base=text.strip(), args=args, dims=dims, tail=tail)


def enum_lookup(schema: Schema) -> dict[str, EnumType]:
    """Type text (as columns spell it) -> the enum it names."""
    found: dict[str, EnumType] = {}
    for e in schema.enums:
        found[qualify(e.schema, e.name)] = e
        found[f"{e.schema}.{e.name}"] = e
        if e.schema == "public":
            found[quote_ident(e.name)] = e
            found[e.name] = e
    return found


def domain_lookup(schema: Schema) -> dict[str, object]:
    found: dict[str, object] = {}
    for d in schema.domains:
        found[qualify(d.schema, d.name)] = d
        if d.schema == "public":
            found[quote_ident(d.name)] = d
    return found
