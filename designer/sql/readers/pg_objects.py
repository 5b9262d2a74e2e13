"""Reading everything but tables: sequences, enums, domains, views, schemas, extensions,
comments, row-level security policies, and the session settings that change names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from designer.schema.model import (
    CheckConstraint,
    Domain,
    EnumType,
    Extension,
    Policy,
    Sequence,
    View,
)
from designer.schema.sqltext import qualify, quote_ident
from designer.sql.readers.pg_json import (
    WARN_DUPLICATE,
    WARN_KEPT_RAW,
    WARN_NOT_MODELLED,
    KeepRaw,
    Key,
    list_items,
    node_text,
    option_texts,
    ref_name,
    strings,
    struct_text,
)

_CHECK_OPTIONS = {"LOCAL_CHECK_OPTION": "LOCAL", "CASCADED_CHECK_OPTION": "CASCADED"}
_COMMENT_ON_RELATION_PARTS = frozenset(
    {
        "OBJECT_TABLE",
        "OBJECT_FOREIGN_TABLE",
        "OBJECT_VIEW",
        "OBJECT_MATVIEW",
        "OBJECT_COLUMN",
        "OBJECT_INDEX",
        "OBJECT_SEQUENCE",
        "OBJECT_POLICY",
    }
)


class ObjectsReader:
    """Sequences, types, views, schemas, extensions, comments, policies and settings
    (a mixin of the importer)."""

    def create_sequence(self, node: dict[str, Any]) -> None:
        key = self.key(node["sequence"])
        if node["sequence"].get("relpersistence") in ("t", "u"):
            raise KeepRaw(WARN_KEPT_RAW.format(what="A temporary or unlogged sequence"))
        fields = self.sequence_fields(node.get("options"))
        owned = fields.pop("owned_by", None)
        fields.pop("sequence_name", None)
        if owned and owned != ["none"]:
            fields["owned_by"] = ".".join(self.owned_by(owned))
        if key in self.sequences and not node.get("if_not_exists"):
            self.warn(WARN_DUPLICATE.format(kind="Sequence", name=qualify(*key)))
        if key not in self.sequences or not node.get("if_not_exists"):
            self.sequences[key] = Sequence(name=key[1], schema=key[0], **fields)

    def owned_by(self, names: list[str]) -> list[str]:
        if len(names) == 2:
            return [self.default_schema, *names]
        return names[-3:]

    def alter_sequence(self, node: dict[str, Any]) -> None:
        key = self.key(node["sequence"])
        options = node.get("options") or []
        if key not in self.sequences or any(o["DefElem"]["defname"] != "owned_by" for o in options):
            raise KeepRaw()
        fields = self.sequence_fields(options)
        owned = fields["owned_by"]
        value = None if owned == ["none"] else ".".join(self.owned_by(owned))
        self.sequences[key] = replace(self.sequences[key], owned_by=value)

    def create_enum(self, node: dict[str, Any]) -> None:
        key = self.names_key(strings(node["typeName"]))
        self.enums[key] = EnumType(
            name=key[1], schema=key[0], values=tuple(strings(node.get("vals")))
        )

    def alter_enum(self, node: dict[str, Any]) -> None:
        key = self.names_key(strings(node["typeName"]))
        enum = self.enums.get(key)
        if enum is None:
            raise KeepRaw(self._unknown(key))
        values = list(enum.values)
        new = node.get("newVal", "")
        if node.get("oldVal"):
            values[values.index(node["oldVal"])] = new
        elif new in values:
            if not node.get("skipIfNewValExists"):
                raise KeepRaw()
        elif node.get("newValNeighbor"):
            at = values.index(node["newValNeighbor"])
            values.insert(at + 1 if node.get("newValIsAfter") else at, new)
        else:
            values.append(new)
        self.enums[key] = replace(enum, values=tuple(values))

    def create_domain(self, node: dict[str, Any]) -> None:
        key = self.names_key(strings(node["domainname"]))
        domain = Domain(name=key[1], schema=key[0], type=self.type_text(node["typeName"]))
        if node.get("collClause"):
            domain = replace(domain, collation=ref_name(strings(node["collClause"]["collname"])))
        checks = []
        for item in node.get("constraints") or ():
            con = item["Constraint"]
            contype = con["contype"]
            if contype == "CONSTR_NOTNULL":
                domain = replace(domain, not_null=True)
            elif contype == "CONSTR_DEFAULT":
                domain = replace(domain, default=self.expr(con["raw_expr"]))
            elif contype == "CONSTR_CHECK":
                checks.append(
                    CheckConstraint(
                        expression=self.expr(con["raw_expr"]),
                        name=con.get("conname"),
                        not_valid=bool(con.get("skip_validation")),
                    )
                )
            elif contype != "CONSTR_NULL":
                raise KeepRaw(WARN_KEPT_RAW.format(what=f"Domain constraint {contype}"))
        self.domains[key] = replace(domain, checks=tuple(checks))

    # -- views -----------------------------------------------------------------
    def create_view(self, node: dict[str, Any]) -> None:
        relation = node["view"]
        key = self.key(relation)
        if relation.get("relpersistence") == "t":
            self.raw_relations.add(key)
            raise KeepRaw(WARN_KEPT_RAW.format(what="A temporary view"))
        self.check_view_sources(key, node["query"])
        previous = self.views.get(key)
        self.views.pop(key, None)  # OR REPLACE keeps the latest; order follows the latest
        self.views[key] = View(
            name=key[1],
            schema=key[0],
            query=self.expr(node["query"]),
            columns=tuple(strings(node.get("aliases"))),
            with_options=option_texts(node.get("options")),
            check_option=_CHECK_OPTIONS.get(node.get("withCheckOption", "")),  # type: ignore[arg-type]
            comment=previous.comment if previous else None,
        )

    def create_table_as(self, node: dict[str, Any]) -> None:
        into = node["into"]
        key = self.key(into["rel"])
        if node.get("objtype") != "OBJECT_MATVIEW":
            self.raw_relations.add(key)
            raise KeepRaw(WARN_KEPT_RAW.format(what="CREATE TABLE ... AS"))
        if key in self.views and node.get("if_not_exists"):
            return
        self.check_view_sources(key, node["query"])
        if into.get("tableSpaceName") or into.get("accessMethod"):
            self.warn(WARN_NOT_MODELLED.format(what="A materialized view's storage"))
        self.views[key] = View(
            name=key[1],
            schema=key[0],
            query=self.expr(node["query"]),
            materialized=True,
            columns=tuple(strings(into.get("colNames"))),
            with_options=option_texts(into.get("options")),
            with_data=not into.get("skipData"),
        )

    def expr(self, value: Any) -> str:
        """Canonical text of an expression or query, names found through ``search_path``
        qualified."""
        return node_text(self.qualify_names(value))

    def resolve(self, name: str, *stores: Any) -> str | None:
        """The schema of ``search_path`` where ``name`` is found first among ``stores``."""
        for schema in self.search_path:
            if any((schema, name) in store for store in stores):
                return schema
        return None

    def check_view_sources(self, key: Key, query: dict[str, Any]) -> None:
        """A view over a relation kept verbatim (CREATE TABLE ... AS, another such view) is
        kept verbatim too: raw statements are written after the views."""
        found = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                rel = node.get("RangeVar")
                if rel is not None:
                    found.append(self.key(rel))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(query)
        if any(k in self.raw_relations for k in found):
            self.raw_relations.add(key)
            raise KeepRaw(WARN_KEPT_RAW.format(what="A view over a statement kept verbatim"))

    def qualify_names(self, tree: Any) -> Any:
        """The tree with each name this file defines outside ``public``, and the file reaches
        through a ``SET search_path``, qualified: tables and views, types, routines and
        sequences named in ``nextval('...')``. The export runs without that search_path."""
        if self.search_path in ([], ["public"]):
            return tree
        ctes: set[str] = set()

        def collect(node: Any) -> None:
            if isinstance(node, dict):
                if "CommonTableExpr" in node:
                    ctes.add(node["CommonTableExpr"].get("ctename", ""))
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)

        def qualified(schema: str | None, names: list[Any]) -> list[Any] | None:
            if schema is None or schema == "public":
                return None
            return [{"String": {"sval": schema}}, *names]

        def sequence_literal(const: Any) -> Any:
            text = const.get("sval", {}).get("sval") if isinstance(const, dict) else None
            if not text or "." in text or text.startswith('"'):
                return const
            schema = self.resolve(text, self.sequences, self.raw_relations)
            if schema is None or schema == "public":
                return const
            return {**const, "sval": {"sval": f"{quote_ident(schema)}.{quote_ident(text)}"}}

        def rewrite(node: Any) -> Any:
            if isinstance(node, list):
                return [rewrite(v) for v in node]
            if not isinstance(node, dict):
                return node
            out = {k: rewrite(v) for k, v in node.items()}
            rel = out.get("RangeVar")
            if rel is not None and not rel.get("schemaname") and rel["relname"] not in ctes:
                schema = self.resolve(rel["relname"], self.tables, self.views, self.raw_relations)
                if schema is not None and schema != "public":
                    out["RangeVar"] = {**rel, "schemaname": schema}
            # a TypeName is wrapped where any node may stand, inlined where only a type may
            for key in ("TypeName", "typeName"):
                type_name = out.get(key)
                if isinstance(type_name, dict) and len(type_name.get("names") or ()) == 1:
                    name = strings(type_name["names"])[0]
                    schema = self.resolve(name, self.enums, self.domains, self.raw_types)
                    names = qualified(schema, type_name["names"])
                    if names is not None:
                        out[key] = {**type_name, "names": names}
            call = out.get("FuncCall")
            if call is not None:
                func = strings(call.get("funcname"))
                if len(func) == 1:
                    names = qualified(self.resolve(func[0], self.routine_phase), call["funcname"])
                    if names is not None:
                        call = out["FuncCall"] = {**call, "funcname": names}
                args = call.get("args") or []
                if func[-1] in ("nextval", "currval", "setval") and args and "A_Const" in args[0]:
                    first = {"A_Const": sequence_literal(args[0]["A_Const"])}
                    out["FuncCall"] = {**call, "args": [first, *args[1:]]}
            cast = out.get("TypeCast")
            if (
                cast is not None
                and strings(cast.get("typeName", {}).get("names"))[-1:] == ["regclass"]
                and "A_Const" in cast.get("arg", {})
            ):
                out["TypeCast"] = {
                    **cast,
                    "arg": {"A_Const": sequence_literal(cast["arg"]["A_Const"])},
                }
            return out

        collect(tree)
        return rewrite(tree)

    # -- schemas, extensions -----------------------------------------------------
    def create_schema(self, node: dict[str, Any]) -> None:
        name = node.get("schemaname")
        if not name:
            raise KeepRaw(WARN_KEPT_RAW.format(what="CREATE SCHEMA AUTHORIZATION"))
        if name != "public" and name not in self.schemas:
            self.schemas.append(name)
        if node.get("authrole"):
            self.skip("OWNER", f"AUTHORIZATION of schema {name}")
        saved, saved_path = self.default_schema, self.search_path
        # elements are created in the new schema, and names in them are looked up there first
        self.default_schema = name
        self.search_path = [name, *saved_path]
        try:
            for element in node.get("schemaElts") or ():
                ((kind, inner),) = element.items()
                text = self.text
                self.text = struct_text(kind, inner)
                try:
                    self.statement(element)
                finally:
                    self.text = text
        finally:
            self.default_schema, self.search_path = saved, saved_path

    def create_extension(self, node: dict[str, Any]) -> None:
        name = node["extname"]
        schema = version = None
        for item in node.get("options") or ():
            elem = item["DefElem"]
            if elem["defname"] == "schema":
                schema = elem["arg"]["String"]["sval"]
            elif elem["defname"] == "new_version":
                version = elem["arg"]["String"]["sval"]
        self.extensions[name] = Extension(name=name, schema=schema, version=version)

    # -- comments, policies ------------------------------------------------------
    def comment(self, node: dict[str, Any]) -> None:
        objtype = node["objtype"]
        text = node.get("comment")
        obj = node["object"]
        if objtype in ("OBJECT_SCHEMA", "OBJECT_EXTENSION"):
            name = obj["String"]["sval"]
            if objtype == "OBJECT_SCHEMA":
                if text is None:
                    self.schema_comments.pop(name, None)
                else:
                    self.schema_comments[name] = text
                return
            if name not in self.extensions:
                raise KeepRaw(self._unknown(("", name)))
            self.extensions[name] = replace(self.extensions[name], comment=text)
            return
        if objtype in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            key = self.names_key(strings(obj["TypeName"]["names"]))
            if key in self.enums:
                self.enums[key] = replace(self.enums[key], comment=text)
            elif key in self.domains:
                self.domains[key] = replace(self.domains[key], comment=text)
            else:
                raise KeepRaw()
            return
        if objtype not in _COMMENT_ON_RELATION_PARTS:
            raise KeepRaw()
        names = strings(list_items(obj))
        if objtype in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
            self.table(self.names_key(names)).comment = text
        elif objtype in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            key = self.names_key(names)
            if key not in self.views:
                raise KeepRaw(self._unknown(key))
            self.views[key] = replace(self.views[key], comment=text)
        elif objtype == "OBJECT_COLUMN":
            key = self.names_key(names[:-1])
            column = names[-1]
            if key in self.views:
                view = self.views[key]
                pairs = [p for p in view.column_comments if p[0] != column]
                if text is not None:
                    pairs.append((column, text))
                self.views[key] = replace(view, column_comments=tuple(pairs))
            else:
                self.table(key).update_column(column, comment=text)
        elif objtype == "OBJECT_INDEX":
            self.comment_index(self.names_key(names), text)
        elif objtype == "OBJECT_SEQUENCE":
            key = self.names_key(names)
            if key not in self.sequences:
                raise KeepRaw()
            self.sequences[key] = replace(self.sequences[key], comment=text)
        elif objtype == "OBJECT_POLICY":
            table = self.table(self.names_key(names[:-1]))
            for i, policy in enumerate(table.policies):
                if policy.name == names[-1]:
                    table.policies[i] = replace(policy, comment=text)
                    return
            raise KeepRaw()
        else:
            raise KeepRaw()

    def comment_index(self, key: Key, text: str | None) -> None:
        owner = self.index_owner.get(key)
        if owner is None:
            raise KeepRaw()
        kind, owner_key = owner
        if kind == "table":
            table = self.tables[owner_key]
            table.indexes = [
                replace(i, comment=text) if i.name == key[1] else i for i in table.indexes
            ]
        else:
            view = self.views[owner_key]
            indexes = tuple(
                replace(i, comment=text) if i.name == key[1] else i for i in view.indexes
            )
            self.views[owner_key] = replace(view, indexes=indexes)

    def create_policy(self, node: dict[str, Any]) -> None:
        table = self.table(self.key(node["table"]))
        roles = []
        for item in node.get("roles") or ():
            spec = item["RoleSpec"]
            roletype = spec["roletype"]
            if roletype == "ROLESPEC_CSTRING":
                roles.append(spec["rolename"])
            elif roletype == "ROLESPEC_PUBLIC":
                roles.append("public")
            else:
                roles.append(roletype.removeprefix("ROLESPEC_"))
        table.policies.append(
            Policy(
                name=node["policy_name"],
                command=node.get("cmd_name", "all").upper(),  # type: ignore[arg-type]
                permissive=bool(node.get("permissive")),
                roles=tuple(roles) or ("public",),
                using=self.expr(node["qual"]) if node.get("qual") else None,
                with_check=self.expr(node["with_check"]) if node.get("with_check") else None,
            )
        )

    # -- session settings, data, ownership, drops -----------------------------------
    def set_variable(self, node: dict[str, Any]) -> None:
        name = node.get("name", "")
        summary = " ".join(self.text.split())[:80]
        self.skip("SET", summary)
        if name != "search_path" or node.get("is_local"):
            return
        if node.get("kind") in ("VAR_SET_DEFAULT", "VAR_RESET"):
            self.set_search_path(["public"])
            return
        values = []
        for arg in node.get("args") or ():
            if "A_Const" in arg and "sval" in arg["A_Const"]:
                values.append(arg["A_Const"]["sval"].get("sval", ""))
        self.set_search_path(values)

    def set_search_path(self, path: list[str]) -> None:
        schemas = [p for p in path if p and p != "$user"]
        # An empty path (pg_dump) means every name is qualified; keep "public" for stray ones.
        self.default_schema = schemas[0] if schemas else "public"
        self.search_path = schemas

    def select(self, node: dict[str, Any]) -> None:
        targets = node.get("targetList") or ()
        calls = []
        for target in targets:
            val = target["ResTarget"].get("val", {})
            if "FuncCall" not in val:
                break
            calls.append(val["FuncCall"])
        names = [strings(c["funcname"])[-1] for c in calls]
        if not calls or len(calls) != len(targets) or node.get("fromClause"):
            raise KeepRaw()
        if all(n == "setval" for n in names):
            self.skip("SELECT", " ".join(self.text.split())[:80])
            return
        if names == ["set_config"]:
            args = calls[0].get("args") or []
            consts = [a.get("A_Const", {}).get("sval", {}).get("sval") for a in args[:2]]
            self.skip("SET", " ".join(self.text.split())[:80])
            if consts[0] == "search_path" and len(consts) == 2 and consts[1] is not None:
                path = [p.strip().strip('"') for p in consts[1].split(",")]
                self.set_search_path(path)
            return
        raise KeepRaw()

    def alter_owner(self, node: dict[str, Any]) -> None:
        self.skip("OWNER", " ".join(self.text.split())[:80])
