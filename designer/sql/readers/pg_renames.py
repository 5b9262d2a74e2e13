"""Reading RENAME: a script that creates and renames objects leaves the design it ends with,
names carried into keys, indexes and references (DROP: ``pg_drops``)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from designer.schema.pgnames import (
    default_check_name,
    default_key_name,
    make_object_name,
)
from designer.schema.sqltext import is_serial
from designer.sql.readers.pg_json import (
    KeepRaw,
    Key,
    TableBuilder,
)


class RenamesReader:
    """ALTER ... RENAME of what the file defined, and removing indexes (a mixin of the importer)."""

    def remove_index(self, key: Key) -> None:
        kind, owner_key = self.index_owner.pop(key)
        if kind == "table":
            table = self.tables[owner_key]
            table.indexes = [i for i in table.indexes if i.name != key[1]]
        else:
            view = self.views[owner_key]
            indexes = tuple(i for i in view.indexes if i.name != key[1])
            self.views[owner_key] = replace(view, indexes=indexes)

    # -- renames -------------------------------------------------------------------
    def rename(self, node: dict[str, Any]) -> None:
        """Renames of tables, columns, indexes and constraints this file made are applied to
        the design, unless a text the model keeps (a view, an expression, a raw statement)
        spells the old name: that text would not follow, so the rename is kept verbatim."""
        kind = node.get("renameType")
        new = node["newname"]
        old = node.get("subname")
        if kind == "OBJECT_INDEX":
            self.rename_index(self.key(node["relation"]), new)
            return
        if kind not in ("OBJECT_TABLE", "OBJECT_COLUMN", "OBJECT_TABCONSTRAINT"):
            raise KeepRaw()
        if kind == "OBJECT_COLUMN" and node.get("relationType") != "OBJECT_TABLE":
            raise KeepRaw()
        key = self.key(node["relation"])
        table = self.table(key)
        if kind == "OBJECT_TABCONSTRAINT":
            self.rename_constraint(table, old or "", new)
        elif kind == "OBJECT_COLUMN":
            self.rename_column(table, old or "", new)
        else:
            self.rename_table(table, new)

    def spelled_anywhere(self, name: str, table: TableBuilder | None = None) -> bool:
        """Whether ``name`` appears in a text the model keeps: every view and raw statement,
        and the expressions of ``table`` (of every table when None)."""
        word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])")
        texts = [v.query for v in self.views.values()] + [r.sql for r in self.raw]
        for t in [table] if table is not None else list(self.tables.values()):
            if t.partitioning is not None:
                texts.append(t.partitioning.key)
            texts += [c.default or "" for c in t.columns] + [c.generated or "" for c in t.columns]
            texts += [c.expression for c in t.checks]
            texts += [str(x.elements) + (x.where or "") for x in t.excludes]
            texts += [str(p.using) + str(p.with_check) for p in t.policies]
            for i in t.indexes:
                texts += [p.expression or "" for p in i.parts] + [i.where or ""]
        return any(word.search(text) for text in texts)

    def children_of(self, table: TableBuilder) -> list[TableBuilder]:
        ref = f"{table.schema}.{table.name}"
        return [
            t
            for t in self.tables.values()
            if ref in t.inherits
            or (
                t.partition_of
                and (t.partition_of.parent_schema, t.partition_of.parent_table)
                == (table.schema, table.name)
            )
        ]

    def rename_table(self, table: TableBuilder, new: str) -> None:
        old_key, new_key = (table.schema, table.name), (table.schema, new)
        if new_key in self.tables or self.spelled_anywhere(table.name):
            raise KeepRaw()
        self.name_constraints(table)
        old_ref, new_ref = f"{table.schema}.{table.name}", f"{table.schema}.{new}"
        self.tables = {new_key if k == old_key else k: t for k, t in self.tables.items()}
        table.name = new
        for t in self.tables.values():
            t.foreign_keys = [
                replace(f, ref_table=new) if (f.ref_schema, f.ref_table) == old_key else f
                for f in t.foreign_keys
            ]
            t.inherits = tuple(new_ref if r == old_ref else r for r in t.inherits)
            of = t.partition_of
            if of is not None and (of.parent_schema, of.parent_table) == old_key:
                t.partition_of = replace(of, parent_table=new)
        for k, seq in self.sequences.items():
            if seq.owned_by and seq.owned_by.startswith(old_ref + "."):
                owned = new_ref + seq.owned_by[len(old_ref) :]
                self.sequences[k] = replace(seq, owned_by=owned)
        for k, (kind, owner) in list(self.index_owner.items()):
            if kind == "table" and owner == old_key:
                self.index_owner[k] = (kind, new_key)

    def name_constraints(self, table: TableBuilder) -> None:
        """Spell out the names PostgreSQL gave unnamed constraints: they keep them when the
        table is renamed. A serial or identity column's sequence would keep its name too,
        which the model cannot say, so such a rename stays verbatim."""
        if any(c.identity or is_serial(c.type) for c in table.columns) or any(
            x.name is None for x in table.excludes
        ):
            raise KeepRaw()
        built = table.build()
        pk = table.primary_key
        if pk is not None and pk.name is None:
            table.primary_key = replace(pk, name=default_key_name(table.name, pk.columns, "pkey"))
        table.uniques = [
            u if u.name else replace(u, name=default_key_name(table.name, u.columns, "key"))
            for u in table.uniques
        ]
        table.foreign_keys = [
            f if f.name else replace(f, name=default_key_name(table.name, f.columns, "fkey"))
            for f in table.foreign_keys
        ]
        table.checks = [
            c if c.name else replace(c, name=default_check_name(built, c.expression))
            for c in table.checks
        ]
        for column in table.columns:
            if table.not_null(column) and table.not_null_names.get(column.name) is None:
                table.not_null_names[column.name] = make_object_name(
                    table.name, column.name, "not_null"
                )

    def rename_column(self, table: TableBuilder, old: str, new: str) -> None:
        i = table.column_index(old)
        column = table.columns[i]
        if (
            column.identity
            or is_serial(column.type)
            or any(c.name == new for c in table.columns)
            or self.children_of(table)
            or self.spelled_anywhere(old, table)
        ):
            raise KeepRaw()

        def cols(names: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new if n == old else n for n in names)

        table.columns[i] = replace(table.columns[i], name=new)
        if old in table.not_null_names:
            table.not_null_names[new] = table.not_null_names.pop(old)
        pk = table.primary_key
        if pk is not None:
            table.primary_key = replace(pk, columns=cols(pk.columns), include=cols(pk.include))
        table.uniques = [
            replace(u, columns=cols(u.columns), include=cols(u.include)) for u in table.uniques
        ]
        table.foreign_keys = [replace(f, columns=cols(f.columns)) for f in table.foreign_keys]
        table.indexes = [
            replace(
                x,
                parts=tuple(replace(p, column=new) if p.column == old else p for p in x.parts),
                include=cols(x.include),
            )
            for x in table.indexes
        ]
        for t in self.tables.values():
            t.foreign_keys = [
                replace(f, ref_columns=cols(f.ref_columns))
                if (f.ref_schema, f.ref_table) == (table.schema, table.name)
                else f
                for f in t.foreign_keys
            ]
        owner = f"{table.schema}.{table.name}.{old}"
        for k, seq in self.sequences.items():
            if seq.owned_by == owner:
                self.sequences[k] = replace(seq, owned_by=f"{table.schema}.{table.name}.{new}")

    def rename_index(self, key: Key, new: str) -> None:
        owner = self.index_owner.get(key)
        if owner is None:
            # the index behind a key carries the key's name: renaming one renames both
            table = None
            for t in self.tables.values():
                if t.schema == key[0] and self.constraint_named(t, key[1]):
                    table = t
                    break
            if table is None:
                raise KeepRaw()
            self.rename_constraint(table, key[1], new)
            return
        kind, owner_key = owner
        if kind == "table":
            table = self.tables[owner_key]
            table.indexes = [replace(i, name=new) if i.name == key[1] else i for i in table.indexes]
        else:
            view = self.views[owner_key]
            indexes = tuple(replace(i, name=new) if i.name == key[1] else i for i in view.indexes)
            self.views[owner_key] = replace(view, indexes=indexes)
        del self.index_owner[key]
        self.index_owner[(key[0], new)] = owner

    def constraint_named(self, table: TableBuilder, name: str) -> bool:
        pk = table.primary_key
        return (pk is not None and pk.name == name) or any(u.name == name for u in table.uniques)

    def rename_constraint(self, table: TableBuilder, old: str, new: str) -> None:
        found = False

        def renamed(items: list[Any]) -> list[Any]:
            nonlocal found
            out = []
            for item in items:
                if item.name == old:
                    item, found = replace(item, name=new), True
                out.append(item)
            return out

        pk = table.primary_key
        if pk is not None and pk.name == old:
            table.primary_key, found = replace(pk, name=new), True
        table.uniques = renamed(table.uniques)
        table.foreign_keys = renamed(table.foreign_keys)
        table.checks = renamed(table.checks)
        table.excludes = renamed(table.excludes)
        if not found:
            raise KeepRaw()
