"""Sample rows for every table of a design, obeying its types, keys and simple CHECKs.

Tables are filled parents first (foreign keys in dependency order); a cycle is broken at a
nullable foreign key, left NULL. Primary keys and UNIQUE sets get one column whose values
come from the row number; sets made only of foreign keys (join tables) are de-duplicated, so
a table may get fewer rows than asked when there are not enough distinct pairs. Identity and
generated columns, and columns of types without a generator that have a default or allow
NULL, are left to PostgreSQL. Nothing here talks to a database: ``load.py`` writes the rows.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from designer.schema.model import Column, Domain, ForeignKey, Schema, Table
from designer.workbench import values as v
from designer.workbench.checks import Bounds, read_checks

CHUNK = 20_000
DEFAULT_ROWS = 1000
NULL_RATE = 0.05
SOFT_DELETE_NULL_RATE = 0.9

ERR_NO_GENERATOR = (
    "No sample values for {table}.{column} of type {type}: give it a default or allow NULL."
)
ERR_CYCLE = (
    "The foreign keys of {tables} form a cycle without a nullable column to break it, "
    "so no load order exists."
)
ERR_MISSING_PARENT = (
    "{table}.{columns} references {parent}, which is not in the design, and cannot be NULL."
)
WARN_CHECK = "{table}: the CHECK ({check}) is not understood; generated rows may violate it."
WARN_CYCLE_NULL = "{table}.{columns} left NULL to break a foreign-key cycle."
WARN_FEWER = "{table}: {made} of {wanted} rows (not enough distinct values for its unique keys)."

_LENGTH = re.compile(r"\((\d+)\)$")
_NUMERIC = re.compile(r"^numeric\((\d+)(?:,\s*(\d+))?\)$")


class GenerationError(ValueError):
    """The design cannot be filled; ``str()`` says why, for users."""


TableKey = tuple[str, str]


@dataclass
class TablePlan:
    table: Table
    wanted: int
    columns: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    generators: list[v.Generator] = field(default_factory=list)
    null_rates: list[float] = field(default_factory=list)
    foreign_keys: list[tuple[ForeignKey, bool]] = field(default_factory=list)  # (fk, null it)
    dedupe: list[tuple[int, ...]] = field(default_factory=list)
    referenced: set[tuple[str, ...]] = field(default_factory=set)
    made: int = 0

    @property
    def key(self) -> TableKey:
        return (self.table.schema, self.table.name)

    @property
    def label(self) -> str:
        return self.table.qualified_name if self.table.schema != "public" else self.table.name


def _lookup(name: str, schema: str) -> tuple[str, str]:
    bare = name.replace('"', "")
    return tuple(bare.split(".", 1)) if "." in bare else (schema, bare)  # type: ignore[return-value]


class SampleData:
    """The plan and the rows of a design's sample data; iterate ``tables()`` once."""

    def __init__(
        self,
        schema: Schema,
        *,
        rows: dict[str, int] | None = None,
        scale: float = 1.0,
        default_rows: int = DEFAULT_ROWS,
        seed: int = 0,
    ) -> None:
        self.schema = schema
        self.seed = seed
        self.rng = random.Random(seed)
        self.warnings: list[str] = []
        self.enums = {(e.schema, e.name): e for e in schema.enums}
        self.domains = {(d.schema, d.name): d for d in schema.domains}
        tables = [t for t in schema.tables if t.partition_of is None]
        self.by_key = {(t.schema, t.name): t for t in tables}
        overrides = dict(rows or {})
        self.plans: dict[TableKey, TablePlan] = {}
        for t in tables:
            wanted = overrides.get(t.qualified_name, overrides.get(t.name))
            if wanted is None:
                base = t.expected_rows if t.expected_rows is not None else default_rows
                wanted = round(base * scale)
            self.plans[(t.schema, t.name)] = TablePlan(table=t, wanted=max(int(wanted), 0))
        for t in tables:
            for fk in t.foreign_keys:
                parent = self.plans.get((fk.ref_schema, fk.ref_table))
                if parent:
                    parent.referenced.add(tuple(fk.ref_columns))
        self.order = self._load_order()
        for plan in self.order:
            self._plan_columns(plan)
        self.keys: dict[TableKey, dict[tuple[str, ...], list[tuple[str | None, ...]]]] = {}

    # -- order -------------------------------------------------------------------------------
    def _load_order(self) -> list[TablePlan]:
        waiting: dict[TableKey, dict[TableKey, list[ForeignKey]]] = {}
        for key, plan in sorted(self.plans.items()):
            deps: dict[TableKey, list[ForeignKey]] = {}
            for fk in plan.table.foreign_keys:
                parent = (fk.ref_schema, fk.ref_table)
                if parent == key:
                    plan.foreign_keys.append((fk, False))
                elif parent in self.plans:
                    deps.setdefault(parent, []).append(fk)
                elif self._nullable(plan.table, fk.columns):
                    plan.foreign_keys.append((fk, True))
                else:
                    raise GenerationError(
                        ERR_MISSING_PARENT.format(
                            table=plan.label, columns=",".join(fk.columns), parent=fk.ref_table
                        )
                    )
            waiting[key] = deps
        order: list[TablePlan] = []
        done: set[TableKey] = set()
        while waiting:
            ready = sorted(k for k, deps in waiting.items() if set(deps) <= done)
            if not ready:
                ready = [self._break_cycle(waiting, done)]
            for key in ready:
                plan = self.plans[key]
                for parent, fks in waiting.pop(key).items():
                    plan.foreign_keys += [(fk, parent not in done) for fk in fks]
                order.append(plan)
                done.add(key)
        return order

    def _break_cycle(
        self, waiting: dict[TableKey, dict[TableKey, list[ForeignKey]]], done: set[TableKey]
    ) -> TableKey:
        for key in sorted(waiting):
            table = self.plans[key].table
            pending = [fk for p, fks in waiting[key].items() if p not in done for fk in fks]
            if all(self._nullable(table, fk.columns) for fk in pending):
                for fk in pending:
                    self.warnings.append(
                        WARN_CYCLE_NULL.format(
                            table=self.plans[key].label, columns=",".join(fk.columns)
                        )
                    )
                return key
        names = ", ".join(sorted(self.plans[k].label for k in waiting))
        raise GenerationError(ERR_CYCLE.format(tables=names))

    def _nullable(self, table: Table, columns: tuple[str, ...]) -> bool:
        return all((c := table.column(n)) is not None and self._is_nullable(c) for n in columns)

    def _is_nullable(self, column: Column) -> bool:
        domain = self._domain(column.type, column)
        return column.nullable and not (domain and domain.not_null)

    def _domain(self, type_text: str, column: Column) -> Domain | None:
        return self.domains.get(_lookup(type_text, "public"))

    # -- columns -----------------------------------------------------------------------------
    def _plan_columns(self, plan: TablePlan) -> None:
        table = plan.table
        fk_columns = {c for fk, _ in plan.foreign_keys for c in fk.columns}
        unique_sets = _unique_sets(table)
        checks = [c.expression for c in table.checks]
        bounds, unknown = read_checks(checks)
        for text in unknown:
            self.warnings.append(WARN_CHECK.format(table=plan.label, check=text))
        starts = [c.name for c in table.columns if v._START.search(c.name.lower())]
        for column in table.columns:
            if starts and v._LATER.search(column.name.lower()) and column.name not in starts:
                # updated_at after created_at, closed_at after opened_at
                bounds.setdefault(column.name, Bounds()).after.append((starts[0], False))
        anchors: set[str] = set()
        for cols in unique_sets:
            anchor = next(
                (
                    c
                    for c in cols
                    if c not in fk_columns
                    and (col := table.column(c)) is not None
                    and self._can_be_unique(col, bounds.get(c))
                ),
                None,
            )
            if anchor:
                anchors.add(anchor)
        key_columns = {c for cols in unique_sets for c in cols} | {
            c for cols in plan.referenced for c in cols
        }
        ordered = sorted(
            (c for c in table.columns if c.name not in fk_columns),
            key=lambda c: len(bounds.get(c.name, Bounds()).after) > 0,
        )
        for column in ordered:
            if column.generated:
                continue
            if column.identity and column.name not in key_columns:
                continue
            column_bounds = bounds.get(column.name, Bounds())
            generator, type_text = self._generator(
                table, column, column_bounds, unique=column.name in anchors
            )
            if generator is None:
                if column.default is not None or self._is_nullable(column):
                    continue
                raise GenerationError(
                    ERR_NO_GENERATOR.format(table=plan.label, column=column.name, type=column.type)
                )
            plan.columns.append(column.name)
            plan.types.append(type_text)
            plan.generators.append(generator)
            plan.null_rates.append(self._null_rate(column, key_columns))
        for fk, _ in plan.foreign_keys:
            for name in fk.columns:
                if name not in plan.columns and (col := table.column(name)) is not None:
                    plan.columns.append(name)
                    plan.types.append(col.type)
                    plan.generators.append(_placeholder)
                    plan.null_rates.append(0.0)
        for cols in unique_sets:
            if not anchors & set(cols) and all(c in plan.columns for c in cols):
                plan.dedupe.append(tuple(plan.columns.index(c) for c in cols))

    def _null_rate(self, column: Column, key_columns: set[str]) -> float:
        if not self._is_nullable(column) or column.name in key_columns:
            return 0.0
        return SOFT_DELETE_NULL_RATE if v._SOFT_DELETE.search(column.name.lower()) else NULL_RATE

    def _can_be_unique(self, column: Column, bounds: Bounds | None) -> bool:
        if bounds and bounds.choices is not None:
            return False
        base, _ = self._base_type(column)
        kind = v.simple_kind(base)
        return kind in ("int", "numeric", "text", "date", "timestamp", "timestamptz", "uuid")

    def _base_type(self, column: Column) -> tuple[str, list[str]]:
        """The built-in type under a column's domains, and the domains' CHECK bodies."""
        type_text, checks = column.type, []
        for _ in range(5):
            domain = self._domain(type_text, column)
            if domain is None:
                break
            checks += [c.expression for c in domain.checks]
            type_text = domain.type
        return type_text, checks

    def _generator(
        self, table: Table, column: Column, bounds: Bounds, *, unique: bool
    ) -> tuple[v.Generator | None, str]:
        base, domain_checks = self._base_type(column)
        if domain_checks:
            extra, unknown = read_checks(domain_checks, value_name=column.name)
            for text in unknown:
                self.warnings.append(WARN_CHECK.format(table=table.name, check=text))
            more = extra.get(column.name)
            if more:
                bounds = _combine(bounds, more)
        return self._generator_for_type(column.name, base, bounds, unique=unique), column.type

    def _generator_for_type(
        self, name: str, type_text: str, bounds: Bounds, *, unique: bool
    ) -> v.Generator | None:
        rng, seed = self.rng, self.seed
        lowered = type_text.lower()
        enum = self.enums.get(_lookup(type_text, "public"))
        if enum is not None:
            labels = list(bounds.choices or enum.values)
            return lambda start, n, done: rng.choices(labels, k=n)
        if lowered.endswith("[]"):
            element = self._generator_for_type(name, type_text[:-2], Bounds(), unique=False)
            if element is None:
                return None
            return _array_of(element, rng)
        kind = v.simple_kind(lowered)
        if kind is None:
            return None
        if kind == "text":
            m = _LENGTH.search(lowered)
            limit = int(m.group(1)) if m else None
            return v.text_values(
                name, rng=rng, seed=seed, limit=limit, unique=unique, bounds=bounds
            )
        if kind in ("int", "numeric", "float"):
            scale, maximum = None, v.INT_MAX.get(lowered)
            m = _NUMERIC.match(lowered)
            if m:
                precision, scale = int(m.group(1)), int(m.group(2) or 0)
                maximum = 10.0 ** (precision - scale) - 10.0**-scale
            return v.number_values(
                name,
                rng=rng,
                integer=kind == "int",
                scale=scale if kind == "numeric" else (None if kind == "int" else 3),
                maximum=maximum,
                unique=unique,
                bounds=bounds,
            )
        if kind in ("date", "timestamp", "timestamptz", "time"):
            after = list(bounds.after)
            return v.moment_values(name, rng=rng, kind=kind, unique=unique, after=after)
        if kind == "uuid":
            return v.uuid_values(rng)
        if kind == "bool" and bounds.choices is not None:
            choices = bounds.choices
            return lambda start, n, done: rng.choices(choices, k=n)
        return v.misc_values(kind, name, rng, seed)

    # -- rows --------------------------------------------------------------------------------
    def tables(self) -> Iterator[tuple[TablePlan, Iterator[list[tuple[str | None, ...]]]]]:
        """Each table in load order with an iterator over its chunks of rows (text values in
        ``plan.columns`` order, ``None`` for NULL). Consume each before the next table."""
        for plan in self.order:
            yield plan, self._chunks(plan)

    def _chunks(self, plan: TablePlan) -> Iterator[list[tuple[str | None, ...]]]:
        own_keys = self.keys.setdefault(plan.key, {cols: [] for cols in plan.referenced})
        seen: list[set[tuple[str | None, ...]]] = [set() for _ in plan.dedupe]
        start, poor = 0, 0
        for fk, null_it in plan.foreign_keys:
            parent = (fk.ref_schema, fk.ref_table)
            if null_it or parent == plan.key or self._nullable(plan.table, fk.columns):
                continue
            if not self.keys.get(parent, {}).get(tuple(fk.ref_columns)):
                plan.wanted = 0  # no parent rows: no child row can exist
        while plan.made < plan.wanted and poor < 3:
            missing = plan.wanted - plan.made
            n = min(CHUNK, missing if not plan.dedupe else max(2 * missing, 100))
            columns = self._chunk_columns(plan, start, n)
            start += n
            rows = list(zip(*columns)) if columns else [() for _ in range(n)]
            if plan.dedupe:
                rows = _deduplicated(rows, plan.dedupe, seen)[: plan.wanted - plan.made]
                poor = poor + 1 if len(rows) < n // 100 else 0
            if not rows:
                continue
            plan.made += len(rows)
            for cols in plan.referenced:
                positions = [plan.columns.index(c) for c in cols if c in plan.columns]
                if len(positions) == len(cols):
                    own_keys[cols].extend(tuple(r[p] for p in positions) for r in rows)
            yield rows
        if plan.made < plan.wanted:
            self.warnings.append(
                WARN_FEWER.format(table=plan.label, made=plan.made, wanted=plan.wanted)
            )

    def _chunk_columns(self, plan: TablePlan, start: int, n: int) -> list[list[str | None]]:
        rng = self.rng
        done: dict[str, list] = {}
        out: list[list[str | None]] = []
        for name, generator, rate in zip(plan.columns, plan.generators, plan.null_rates):
            values = generator(start, n, done) if generator is not _placeholder else [None] * n
            if rate:
                values = [None if rng.random() < rate else x for x in values]
            done[name] = values
            out.append(values)
        assigned: set[int] = set()
        # composite keys first: a column two keys share takes the composite parent's value
        for fk, null_it in sorted(plan.foreign_keys, key=lambda f: -len(f[0].columns)):
            positions = [plan.columns.index(c) for c in fk.columns if c in plan.columns]
            if len(positions) != len(fk.columns) or set(positions) <= assigned:
                continue
            picks = self._parent_rows(plan, fk, null_it, n, out)
            for i, p in enumerate(positions):
                if p in assigned:
                    continue
                out[p] = [pick[i] if pick is not None else None for pick in picks]
            assigned.update(positions)
        return out

    def _parent_rows(
        self,
        plan: TablePlan,
        fk: ForeignKey,
        null_it: bool,
        n: int,
        chunk: list[list[str | None]],
    ) -> list[tuple[str | None, ...] | None]:
        rng = self.rng
        nullable = self._nullable(plan.table, fk.columns)
        if null_it:
            return [None] * n
        parent_key = (fk.ref_schema, fk.ref_table)
        pool = self.keys.get(parent_key, {}).get(tuple(fk.ref_columns), [])
        self_ref = parent_key == plan.key
        if self_ref:
            own = [plan.columns.index(c) for c in fk.ref_columns if c in plan.columns]
            current = list(zip(*(chunk[p] for p in own))) if len(own) == len(fk.ref_columns) else []
            picks: list[tuple[str | None, ...] | None] = []
            for k in range(n):
                # earlier rows only (a tree), about a third of them roots when NULL is allowed
                available = len(pool) + (k if not plan.dedupe else 0)
                if nullable and (available == 0 or rng.random() < 0.3):
                    picks.append(None)
                elif available == 0:
                    picks.append(current[k] if current else None)
                else:
                    j = int(rng.random() * available)
                    picks.append(pool[j] if j < len(pool) else current[j - len(pool)])
            return picks
        if not pool:
            return [None] * n
        picks = list(rng.choices(pool, k=n))
        if nullable:
            picks = [None if rng.random() < NULL_RATE else p for p in picks]
        return picks


def _placeholder(start: int, n: int, done: dict[str, list]) -> list:
    return [None] * n


def _array_of(element: v.Generator, rng: random.Random) -> v.Generator:
    def arrays(start: int, n: int, done: dict[str, list]) -> list:
        items = element(start, n * 3, {})
        out = []
        for k in range(n):
            parts = [
                '"' + str(x).replace("\\", "\\\\").replace('"', '\\"') + '"'
                for x in items[3 * k : 3 * k + rng.randint(0, 3)]
            ]
            out.append("{" + ",".join(parts) + "}")
        return out

    return arrays


def _combine(a: Bounds, b: Bounds) -> Bounds:
    out = Bounds(
        choices=a.choices if a.choices is not None else b.choices,
        min_length=max(a.min_length, b.min_length),
        max_length=a.max_length if a.max_length is not None else b.max_length,
        after=a.after + b.after,
    )
    for src in (a, b):
        if src.low is not None:
            out.merge_low(src.low, src.low_strict)
        if src.high is not None:
            out.merge_high(src.high, src.high_strict)
    return out


def _unique_sets(table: Table) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = []
    if table.primary_key:
        sets.append(table.primary_key.columns)
    sets += [u.columns for u in table.uniques]
    sets += [
        tuple(p.column for p in i.parts if p.column)
        for i in table.indexes
        # partial unique indexes too: unique over all rows is unique over some
        if i.unique and all(p.column for p in i.parts)
    ]
    return [s for s in dict.fromkeys(sets) if s]


def _deduplicated(
    rows: list[tuple[str | None, ...]],
    sets: list[tuple[int, ...]],
    seen: list[set[tuple[str | None, ...]]],
) -> list[tuple[str | None, ...]]:
    kept = []
    for row in rows:
        keys = [tuple(row[i] for i in positions) for positions in sets]
        # NULLs are distinct in a unique key, so a key with a NULL never collides
        if any(None not in key and key in s for key, s in zip(keys, seen)):
            continue
        for key, s in zip(keys, seen):
            s.add(key)
        kept.append(row)
    return kept
