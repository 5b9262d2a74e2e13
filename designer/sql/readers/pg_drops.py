"""Reading DROP and CREATE OR REPLACE as PostgreSQL runs them, statement after statement.

A script written for ``psql`` often says ``DROP FUNCTION IF EXISTS f(bigint); CREATE FUNCTION
f(bigint) …``. Kept verbatim, that DROP would be exported after the CREATE and undo it. So a
DROP of something the file has not defined yet is a no-op (``IF EXISTS``) and left out, listed
in the report; a DROP of something defined earlier removes it from the design, together with
the statements that made it; a ``CREATE OR REPLACE`` of a routine replaces the earlier one.
What the reader cannot follow (a kind it does not track, a DROP of something the file never
made without ``IF EXISTS``) is kept verbatim, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from designer.schema.model import RawStatement
from designer.sql.readers.pg_json import Key, list_items, strings

# kinds of DROP whose objects, made by statements kept verbatim, the reader tracks
_ROUTINES = ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE")
_INPUT_MODES = ("FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC", "FUNC_PARAM_DEFAULT")
# What a raw statement made: ("routine", schema, name, argument types), ("type", schema,
# name), ("aggregate", schema, name), ("trigger", schema, table, name).
RawObject = tuple[str, ...]


def signature(type_names: Iterable[dict[str, Any]]) -> str:
    """Argument types as PostgreSQL tells routines apart: base type name (``int``, ``integer``
    and ``int4`` all parse as ``int4``) and array-ness; type modifiers do not count."""
    out = []
    for t in type_names:
        names = strings(t.get("names"))
        out.append((names[-1] if names else "") + ("[]" if t.get("arrayBounds") else ""))
    return ",".join(out)


class DropsReader:
    """DROP of what the file defined, and raw objects replaced (a mixin of the importer)."""

    def init_drops(self) -> None:
        # every raw statement that made an object the reader tracks, by that object
        self.raw_objects: dict[RawObject, list[RawStatement]] = {}

    # -- what raw statements make --------------------------------------------------
    def raw_object(self, kind: str, node: dict[str, Any]) -> RawObject | None:
        if kind == "CreateFunctionStmt":
            schema, name = self.names_key(strings(node.get("funcname")))
            args = [
                p["FunctionParameter"]["argType"]
                for p in node.get("parameters") or ()
                if p["FunctionParameter"].get("mode", "FUNC_PARAM_DEFAULT") in _INPUT_MODES
            ]
            return ("routine", schema, name, signature(args))
        if kind == "CompositeTypeStmt":
            return ("type", *self.key(node["typevar"]))
        if kind == "CreateRangeStmt":
            return ("type", *self.names_key(strings(node["typeName"])))
        if kind == "DefineStmt" and node.get("kind") == "OBJECT_AGGREGATE":
            return ("aggregate", *self.names_key(strings(node.get("defnames"))))
        if kind == "CreateTrigStmt":
            schema, table = self.key(node["relation"])
            return ("trigger", schema, table, node.get("trigname", ""))
        return None

    def before_raw(self, kind: str, node: dict[str, Any]) -> None:
        """A ``CREATE OR REPLACE`` of a routine or trigger made earlier replaces it."""
        made = self.raw_object(kind, node)
        if made is not None and node.get("replace") and made in self.raw_objects:
            self.forget_raw(made)

    def after_raw(self, kind: str, node: dict[str, Any]) -> None:
        made = self.raw_object(kind, node)
        if made is not None and self.raw:
            self.raw_objects.setdefault(made, []).append(self.raw[-1])

    def forget_raw(self, made: RawObject) -> None:
        gone = {id(r) for r in self.raw_objects.pop(made, [])}
        self.raw = [r for r in self.raw if id(r) not in gone]
        if made[0] == "type":
            self.raw_types.discard((made[1], made[2]))
        if made[0] == "routine" and not any(
            k[0] == "routine" and k[1:3] == made[1:3] for k in self.raw_objects
        ):
            self.routine_phase.pop((made[1], made[2]), None)

    # -- DROP ----------------------------------------------------------------------
    def drop(self, node: dict[str, Any]) -> None:
        """DROP of something this file defined removes it; of something it has not defined
        (yet), with IF EXISTS, does nothing; anything else is kept verbatim."""
        removetype = node.get("removeType") or ""
        missing_ok = bool(node.get("missing_ok"))
        objects = node.get("objects") or ()
        if removetype in _ROUTINES or removetype == "OBJECT_AGGREGATE":
            found = [self.made_routines(o, removetype) for o in objects]
        elif removetype == "OBJECT_TRIGGER":
            found = [self.made_triggers(o) for o in objects]
        elif removetype in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            found = [self.made_types(o, removetype) for o in objects]
        elif removetype == "OBJECT_POLICY":
            found = [self.made_policies(o) for o in objects]
        elif removetype in ("OBJECT_SCHEMA", "OBJECT_EXTENSION"):
            found = [self.made_namespaces(o, removetype) for o in objects]
        elif removetype == "OBJECT_INDEX":
            found = [self.made_indexes(o) for o in objects]
        elif removetype in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE"):
            found = [self.made_relations(o, removetype) for o in objects]
        else:
            self.keep_raw("DropStmt", phase="post")
            return
        if any(f is None for f in found) or (not missing_ok and not all(found)):
            # something the reader cannot follow, or a DROP of what the file never made
            self.keep_raw("DropStmt", phase=self.drop_phase(node))
            return
        for removals in found:
            for remove in removals or ():
                remove()
        if not any(found):
            self.skip("DROP", " ".join(self.text.split())[:80])

    # Each ``made_*`` answers, for one object of a DROP: None when the reader cannot tell,
    # [] when the file has not made it, else the removals that drop it.
    def made_routines(self, obj: dict[str, Any], removetype: str) -> list[Any] | None:
        spec = obj.get("ObjectWithArgs", {})
        schema, name = self.names_key(strings(spec.get("objname")))
        kind = "aggregate" if removetype == "OBJECT_AGGREGATE" else "routine"
        if kind == "aggregate":
            keys = [k for k in self.raw_objects if k == ("aggregate", schema, name)]
        elif spec.get("args_unspecified") or ("objargs" not in spec and "objfuncargs" not in spec):
            keys = [k for k in self.raw_objects if k[:3] == ("routine", schema, name)]
        else:
            wanted = (
                "routine",
                schema,
                name,
                signature(a.get("TypeName", a) for a in spec.get("objargs") or ()),
            )
            keys = [wanted] if wanted in self.raw_objects else []
        if (schema, name) in self.routine_phase and not keys:
            return None  # made by the file, but not in a way the reader matched
        if any(self.used_after(self.raw_objects[k], name) for k in keys):
            return None  # a helper the script uses before dropping it: kept, in order
        return [lambda k=k: self.forget_raw(k) for k in keys]

    def used_after(self, made: list[RawStatement], name: str) -> bool:
        """Whether a raw statement kept after the first of ``made`` spells ``name``."""
        first = next((i for i, r in enumerate(self.raw) if r is made[0]), len(self.raw))
        word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])", re.IGNORECASE)
        mine = {id(r) for r in made}
        return any(word.search(r.sql) for r in self.raw[first:] if id(r) not in mine)

    def made_triggers(self, obj: dict[str, Any]) -> list[Any] | None:
        *table, name = strings(list_items(obj))
        schema, table_name = self.names_key(table)
        key = ("trigger", schema, table_name, name)
        return [lambda: self.forget_raw(key)] if key in self.raw_objects else []

    def made_types(self, obj: dict[str, Any], removetype: str) -> list[Any] | None:
        key = self.names_key(strings(obj.get("TypeName", {}).get("names")))
        store = self.domains if removetype == "OBJECT_DOMAIN" else self.enums
        if key in store:
            return [lambda: store.pop(key)]
        if removetype == "OBJECT_TYPE" and ("type", *key) in self.raw_objects:
            return [lambda: self.forget_raw(("type", *key))]
        if removetype == "OBJECT_TYPE" and key in self.raw_types:
            return None
        return []

    def made_policies(self, obj: dict[str, Any]) -> list[Any] | None:
        *table, name = strings(list_items(obj))
        builder = self.tables.get(self.names_key(table))
        if builder is None or not any(p.name == name for p in builder.policies):
            return None if builder is None and self.names_key(table) in self.raw_relations else []

        def remove() -> None:
            builder.policies = [p for p in builder.policies if p.name != name]

        return [remove]

    def made_namespaces(self, obj: dict[str, Any], removetype: str) -> list[Any] | None:
        name = obj.get("String", {}).get("sval", "")
        if removetype == "OBJECT_EXTENSION":
            return [lambda: self.extensions.pop(name)] if name in self.extensions else []
        stores: list[dict[Key, Any]] = [
            self.tables,
            self.views,
            self.enums,
            self.domains,
            self.sequences,
        ]
        used = any(k[0] == name for store in stores for k in store) or any(
            k[1] == name for k in self.raw_objects
        )
        if used:
            return None  # dropping a schema the file filled: kept verbatim
        if name in self.schemas:
            return [lambda: self.schemas.remove(name)]
        return []

    def made_indexes(self, obj: dict[str, Any]) -> list[Any] | None:
        key = self.names_key(strings(list_items(obj)))
        if key in self.index_owner:
            return [lambda: self.remove_index(key)]
        return []

    def made_relations(self, obj: dict[str, Any], removetype: str) -> list[Any] | None:
        key = self.names_key(strings(list_items(obj)))
        if key in self.raw_relations:
            return None
        store: dict[Key, Any] = {
            "OBJECT_TABLE": self.tables,
            "OBJECT_VIEW": self.views,
            "OBJECT_MATVIEW": self.views,
            "OBJECT_SEQUENCE": self.sequences,
        }[removetype]
        if key not in store:
            return []
        if removetype != "OBJECT_TABLE":
            return [lambda: store.pop(key)]
        return [lambda: self.drop_table(key)]

    def drop_phase(self, node: dict[str, Any]) -> str:
        """A DROP of a routine this file created, kept verbatim, goes to that routine's
        phase, after it (raw statements keep their order within a phase): a script that
        creates a helper, uses it and drops it must not drop it before it exists."""
        if node.get("removeType") in _ROUTINES:
            for obj in node.get("objects") or ():
                names = strings(obj.get("ObjectWithArgs", {}).get("objname"))
                phase = self.routine_phase.get(self.names_key(names)) if names else None
                if phase is not None:
                    return phase
        return "post"

    def drop_table(self, key: Key) -> None:
        """A dropped table takes its indexes and triggers with it, and (with CASCADE, or as
        nothing else could hold) the foreign keys of other tables that point at it."""
        del self.tables[key]
        for made in [k for k in self.raw_objects if k[0] == "trigger" and k[1:3] == key]:
            self.forget_raw(made)
        for name, (kind, owner) in list(self.index_owner.items()):
            if kind == "table" and owner == key:
                del self.index_owner[name]
        for other in self.tables.values():
            other.foreign_keys = [
                fk for fk in other.foreign_keys if (fk.ref_schema, fk.ref_table) != key
            ]


__all__ = ["DropsReader", "signature"]
