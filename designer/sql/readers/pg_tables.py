"""Reading tables: columns, keys, checks, exclusion constraints, partitions, indexes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from designer.schema.model import (
    CheckConstraint,
    Column,
    ExcludeConstraint,
    ExcludeElement,
    ForeignKey,
    Index,
    IndexPart,
    Partitioning,
    PartitionOf,
    PrimaryKey,
    UniqueConstraint,
)
from designer.schema.pgnames import (
    default_key_name,
    expression_columns,
    make_object_name,
)
from designer.schema.sqltext import is_serial, qualify, quote_ident
from designer.sql.readers.pg_json import (
    FK_ACTION_CODES,
    WARN_DUPLICATE,
    WARN_KEPT_RAW,
    WARN_NOT_MODELLED,
    WARN_UNKNOWN_TARGET,
    KeepRaw,
    TableBuilder,
    int_value,
    list_items,
    name_text,
    option_texts,
    ref_name,
    strings,
    struct_text,
)

_STRATEGIES = {
    "PARTITION_STRATEGY_RANGE": "RANGE",
    "PARTITION_STRATEGY_LIST": "LIST",
    "PARTITION_STRATEGY_HASH": "HASH",
}


# CREATE TABLE … (LIKE …) option bits (PostgreSQL's TableLikeOption)
_LIKE_COMMENTS = 1 << 0
_LIKE_CONSTRAINTS = 1 << 2
_LIKE_DEFAULTS = 1 << 3
_LIKE_GENERATED = 1 << 4
_LIKE_IDENTITY = 1 << 5
_LIKE_INDEXES = 1 << 6
_SERIAL_BASE = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}


class TablesReader:
    """CREATE TABLE, ALTER TABLE, constraints and CREATE INDEX (a mixin of the importer)."""

    def create_table(self, node: dict[str, Any]) -> None:
        relation = node["relation"]
        key = self.key(relation)
        persistence = relation.get("relpersistence", "p")
        unsupported = []
        if persistence == "t":
            unsupported.append("A temporary table")
        if node.get("ofTypename"):
            unsupported.append("CREATE TABLE ... OF type")
        likes = [
            e["TableLikeClause"] for e in node.get("tableElts") or () if "TableLikeClause" in e
        ]
        if not all(self.like_supported(like) for like in likes):
            unsupported.append("CREATE TABLE ... (LIKE ...) of a table the design cannot copy")
        if unsupported:
            self.raw_relations.add(key)
            raise KeepRaw(WARN_KEPT_RAW.format(what=unsupported[0]))
        if key in self.tables:
            if node.get("if_not_exists"):
                return
            self.warn(WARN_DUPLICATE.format(kind="Table", name=qualify(*key)))
        table = TableBuilder(*key)
        self.tables[key] = table
        table.unlogged = persistence == "u"
        table.with_options = option_texts(node.get("options"))
        parents = [self.key(r["RangeVar"]) for r in node.get("inhRelations") or ()]
        if node.get("partbound"):
            parent = parents[0]
            table.partition_of = PartitionOf(
                parent[0], parent[1], struct_text("PartitionBoundSpec", node["partbound"])
            )
        else:
            table.inherits = tuple(f"{s}.{n}" for s, n in parents)
        if node.get("partspec"):
            table.partitioning = self.partitioning(node["partspec"])
        if node.get("tablespacename"):
            self.warn(WARN_NOT_MODELLED.format(what="The table's TABLESPACE"))
        if node.get("accessMethod"):
            self.warn(WARN_NOT_MODELLED.format(what="The table's access method (USING)"))
        for element in node.get("tableElts") or ():
            if "ColumnDef" in element:
                self.add_column(table, element["ColumnDef"])
            elif "Constraint" in element:
                self.add_constraint(table, element["Constraint"])
            elif "TableLikeClause" in element:
                self.add_like(table, element["TableLikeClause"])

    def like_supported(self, like: dict[str, Any]) -> bool:
        """Whether ``LIKE src`` can be copied into the design: ``src`` is a table of the file
        and, with INDEXES, its indexes are ones whose names the copy can be given."""
        source = self.tables.get(self.key(like["relation"]))
        if source is None:
            return False
        if like.get("options", 0) & _LIKE_DEFAULTS and any(
            is_serial(c.type) for c in source.columns
        ):
            return False  # the copy's default names a sequence the export makes with src
        if like.get("options", 0) & _LIKE_INDEXES:
            if source.excludes or any(p.column is None for i in source.indexes for p in i.parts):
                return False
            names = [
                default_key_name(source.name, [p.column or "" for p in i.parts], "idx")
                for i in source.indexes
            ]
            return len(names) == len(set(names))
        return True

    def add_like(self, table: TableBuilder, like: dict[str, Any]) -> None:
        """``LIKE src [INCLUDING …]``: src's columns with their types, collations and NOT NULL,
        and what each option copies (PostgreSQL's CREATE TABLE reference, "LIKE")."""
        source = self.tables[self.key(like["relation"])]
        options = like.get("options", 0)
        for c in source.columns:
            column = replace(c, nullable=not source.not_null(c), comment=None, id="")
            if is_serial(c.type):
                column = replace(column, type=_SERIAL_BASE[c.type], nullable=False, default=None)
            if c.identity is not None:
                column = replace(column, nullable=False)
            if not options & _LIKE_DEFAULTS:
                column = replace(column, default=None)
            if not options & _LIKE_IDENTITY:
                column = replace(column, identity=None, identity_options=None)
            if not options & _LIKE_GENERATED:
                column = replace(column, generated=None)
            if options & _LIKE_COMMENTS:
                column = replace(column, comment=c.comment)
            table.columns.append(column)
        if options & _LIKE_CONSTRAINTS:
            # the copy's CHECKs carry src's names; src's unnamed ones are named now, as the
            # catalog has them, or an export making the copy first would rename src's
            source.checks = [
                c if c.name else replace(c, name=self.check_name(source, c.expression))
                for c in source.checks
            ]
            for check in source.checks:
                table.checks.append(replace(check, not_valid=False, id=""))
        if options & _LIKE_INDEXES:
            pk = source.primary_key
            if pk is not None:
                table.primary_key = replace(pk, name=None, id="")
            table.uniques += [replace(u, name=None, id="") for u in source.uniques]
            for index in source.indexes:
                columns = [p.column or "" for p in index.parts]
                table.indexes.append(
                    replace(
                        index,
                        name=default_key_name(table.name, columns, "idx"),
                        comment=index.comment if options & _LIKE_COMMENTS else None,
                        id="",
                    )
                )
                self.index_owner[(table.schema, table.indexes[-1].name)] = (
                    "table",
                    (table.schema, table.name),
                )

    @staticmethod
    def check_name(source: TableBuilder, expression: str) -> str:
        refs = expression_columns(expression) & {c.name for c in source.columns}
        return make_object_name(source.name, next(iter(refs)) if len(refs) == 1 else None, "check")

    def partitioning(self, spec: dict[str, Any]) -> Partitioning:
        parts = []
        for item in spec.get("partParams") or ():
            elem = item["PartitionElem"]
            if elem.get("name"):
                text = quote_ident(elem["name"])
            else:
                expr = elem["expr"]
                text = self.expr(expr)
                if "FuncCall" not in expr:
                    text = f"({text})"
            if elem.get("collation"):
                text += f" COLLATE {name_text(strings(elem['collation']))}"
            if elem.get("opclass"):
                text += f" {name_text(strings(elem['opclass']))}"
            parts.append(text)
        return Partitioning(_STRATEGIES[spec["strategy"]], ", ".join(parts))  # type: ignore[arg-type]

    def add_column(self, table: TableBuilder, coldef: dict[str, Any]) -> None:
        name = coldef["colname"]
        if "typeName" in coldef:
            column = Column(name=name, type=self.type_text(coldef["typeName"]))
        else:
            column = self.partition_column(table, name)
        if coldef.get("collClause"):
            column = replace(column, collation=ref_name(strings(coldef["collClause"]["collname"])))
        if coldef.get("storage_name") or coldef.get("compression"):
            target = (
                f"ALTER TABLE {qualify(table.schema, table.name)} ALTER COLUMN {quote_ident(name)}"
            )
            if coldef.get("storage_name"):
                self.keep_as_statement(
                    f"Column {name}'s STORAGE",
                    f"{target} SET STORAGE {coldef['storage_name'].upper()}",
                )
            if coldef.get("compression"):
                self.keep_as_statement(
                    f"Column {name}'s COMPRESSION",
                    f"{target} SET COMPRESSION {quote_ident(coldef['compression'])}",
                )
        table.columns.append(column)
        last: tuple[str, int] | None = None
        for item in coldef.get("constraints") or ():
            con = item["Constraint"]
            contype = con["contype"]
            if contype.startswith("CONSTR_ATTR_"):
                self.constraint_attribute(table, last, contype)
                continue
            last = self.add_constraint(table, con, column=name)

    def partition_column(self, table: TableBuilder, name: str) -> Column:
        """``PARTITION OF parent (col WITH OPTIONS ...)``: the parent's column, options to come.

        Only the columns given options are listed on the partition, so the exporter writes
        ``PARTITION OF`` with just those options again."""
        parent = None
        if table.partition_of is not None:
            of = table.partition_of
            parent = self.tables.get((of.parent_schema, of.parent_table))
        if parent is None:
            raise KeepRaw(WARN_UNKNOWN_TARGET.format(name=f"Column {table.name}.{name}"))
        own = parent.columns[parent.column_index(name)]
        return Column(name=name, type=own.type, default=own.default, collation=own.collation)

    def drop_constraint(self, table: TableBuilder, cmd: dict[str, Any]) -> None:
        name = cmd["name"]
        pk = table.primary_key
        names = [u.name for u in table.uniques] + [f.name for f in table.foreign_keys]
        names += [c.name for c in table.checks] + [x.name for x in table.excludes]
        found = (pk is not None and pk.name == name) or name in names
        if not found:
            if cmd.get("missing_ok"):
                return
            raise KeepRaw()  # an unnamed constraint, or one made elsewhere
        if pk is not None and pk.name == name:
            table.primary_key = None
        table.uniques = [u for u in table.uniques if u.name != name]
        table.foreign_keys = [f for f in table.foreign_keys if f.name != name]
        table.checks = [c for c in table.checks if c.name != name]
        table.excludes = [x for x in table.excludes if x.name != name]

    def validate_constraint(self, table: TableBuilder, name: str) -> None:
        names = [c.name for c in table.checks] + [f.name for f in table.foreign_keys]
        if name not in names:
            raise KeepRaw()
        table.checks = [replace(c, not_valid=False) if c.name == name else c for c in table.checks]
        table.foreign_keys = [
            replace(f, not_valid=False) if f.name == name else f for f in table.foreign_keys
        ]

    def drop_column(self, table: TableBuilder, cmd: dict[str, Any]) -> None:
        """DROP COLUMN takes the table's own indexes and constraints on the column with it."""
        name = cmd["name"]
        if not any(c.name == name for c in table.columns):
            if cmd.get("missing_ok"):
                return
            raise KeepRaw()
        referenced = any(
            fk.ref_schema == table.schema and fk.ref_table == table.name and name in fk.ref_columns
            for other in self.tables.values()
            for fk in other.foreign_keys
        )
        if referenced or cmd.get("behavior") == "DROP_CASCADE":
            raise KeepRaw()  # other objects depend on it; PostgreSQL decides what goes

        def uses(columns: Iterable[str | None], *expressions: str | None) -> bool:
            found = {c for c in columns if c}
            for expression in expressions:
                if expression:
                    found |= expression_columns(expression)
            return name in found

        table.columns = [c for c in table.columns if c.name != name]
        pk = table.primary_key
        if pk is not None and uses((*pk.columns, *pk.include)):
            table.primary_key = None
        table.uniques = [u for u in table.uniques if not uses((*u.columns, *u.include))]
        table.foreign_keys = [f for f in table.foreign_keys if not uses(f.columns)]
        table.checks = [c for c in table.checks if not uses((), c.expression)]
        table.excludes = [
            x
            for x in table.excludes
            if not uses(x.include, x.where, *(e.expression for e in x.elements))
        ]
        kept = []
        for index in table.indexes:
            parts = [p.column for p in index.parts] + list(index.include)
            if uses(parts, index.where, *(p.expression for p in index.parts)):
                self.index_owner.pop((table.schema, index.name), None)
            else:
                kept.append(index)
        table.indexes = kept

    def constraint_attribute(
        self, table: TableBuilder, last: tuple[str, int] | None, contype: str
    ) -> None:
        """DEFERRABLE / INITIALLY DEFERRED after a column constraint apply to that constraint."""
        if last is None:
            return
        changes: dict[str, bool] = {}
        if contype == "CONSTR_ATTR_DEFERRABLE":
            changes["deferrable"] = True
        elif contype == "CONSTR_ATTR_NOT_DEFERRABLE":
            changes["deferrable"] = False
        elif contype == "CONSTR_ATTR_DEFERRED":
            changes = {"deferrable": True, "initially_deferred": True}
        elif contype == "CONSTR_ATTR_IMMEDIATE":
            changes["initially_deferred"] = False
        else:
            self.warn(WARN_NOT_MODELLED.format(what="ENFORCED / NOT ENFORCED"))
            return
        kind, i = last
        if kind == "pk" and table.primary_key:
            table.primary_key = replace(table.primary_key, **changes)
        elif kind == "unique":
            table.uniques[i] = replace(table.uniques[i], **changes)
        elif kind == "fk":
            table.foreign_keys[i] = replace(table.foreign_keys[i], **changes)

    def add_constraint(
        self, table: TableBuilder, con: dict[str, Any], column: str | None = None
    ) -> tuple[str, int] | None:
        contype = con["contype"]
        name = con.get("conname")
        if contype == "CONSTR_NOTNULL":
            if column is None:  # PG18 table-level "NOT NULL col"
                column = strings(con.get("keys"))[0]
            table.update_column(column, nullable=False)
            table.not_null_names[column] = name
            return None
        if contype == "CONSTR_NULL":
            return None
        if contype == "CONSTR_DEFAULT":
            table.update_column(column or "", default=self.expr(con["raw_expr"]))
            return None
        if contype == "CONSTR_IDENTITY":
            table.update_column(
                column or "",
                identity="ALWAYS" if con.get("generated_when") == "a" else "BY DEFAULT",
                identity_options=self.identity_options(table, column or "", con.get("options")),
            )
            return None
        if contype == "CONSTR_GENERATED":
            table.update_column(
                column or "",
                generated=self.expr(con["raw_expr"]),
                generated_kind="VIRTUAL" if con.get("generated_kind") == "v" else "STORED",
            )
            return None
        if contype in ("CONSTR_CHECK", "CONSTR_FOREIGN") and not con.get("is_enforced"):
            self.warn(WARN_NOT_MODELLED.format(what="NOT ENFORCED"))
        if con.get("indexspace"):
            self.warn(WARN_NOT_MODELLED.format(what="USING INDEX TABLESPACE"))
        keys = tuple(strings(con.get("keys"))) or ((column,) if column else ())
        if con.get("options") and contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            label = "pkey" if contype == "CONSTR_PRIMARY" else "key"
            index = name or default_key_name(table.name, keys, label)
            self.keep_as_statement(
                "WITH (...) of a key's index",
                f"ALTER INDEX {qualify(table.schema, index)} SET "
                f"({', '.join(option_texts(con['options']))})",
            )
        deferrable = bool(con.get("deferrable"))
        deferred = bool(con.get("initdeferred"))
        if contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE") and con.get("indexname"):
            keys, include = self.take_index(table, con["indexname"])
            con = {**con, "including": [{"String": {"sval": c}} for c in include]}
            name = name or con["indexname"]
        include = tuple(strings(con.get("including")))
        if contype == "CONSTR_PRIMARY":
            if table.primary_key is not None:
                self.warn(WARN_DUPLICATE.format(kind="Primary key of", name=table.name))
            table.primary_key = PrimaryKey(
                columns=keys,
                name=name,
                include=include,
                deferrable=deferrable,
                initially_deferred=deferred,
                without_overlaps=bool(con.get("without_overlaps")),
            )
            return ("pk", 0)
        if contype == "CONSTR_UNIQUE":
            table.uniques.append(
                UniqueConstraint(
                    columns=keys,
                    name=name,
                    nulls_not_distinct=bool(con.get("nulls_not_distinct")),
                    include=include,
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    without_overlaps=bool(con.get("without_overlaps")),
                )
            )
            return ("unique", len(table.uniques) - 1)
        if contype == "CONSTR_CHECK":
            table.checks.append(
                CheckConstraint(
                    expression=self.expr(con["raw_expr"]),
                    name=name,
                    not_valid=bool(con.get("skip_validation")),
                    no_inherit=bool(con.get("is_no_inherit")),
                )
            )
            return ("check", len(table.checks) - 1)
        if contype == "CONSTR_FOREIGN":
            ref_schema, ref_table = self.key(con["pktable"])
            if con.get("fk_matchtype") == "p":
                self.warn(WARN_NOT_MODELLED.format(what="MATCH PARTIAL"))
            table.foreign_keys.append(
                ForeignKey(
                    columns=tuple(strings(con.get("fk_attrs"))) or keys,
                    ref_table=ref_table,
                    ref_columns=tuple(strings(con.get("pk_attrs"))),
                    ref_schema=ref_schema,
                    name=name,
                    on_delete=FK_ACTION_CODES[con.get("fk_del_action", "a")],  # type: ignore[arg-type]
                    on_update=FK_ACTION_CODES[con.get("fk_upd_action", "a")],  # type: ignore[arg-type]
                    match="FULL" if con.get("fk_matchtype") == "f" else "SIMPLE",
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    not_valid=bool(con.get("skip_validation")),
                    period=bool(con.get("fk_with_period")),
                    on_delete_columns=tuple(strings(con.get("fk_del_set_cols"))),
                )
            )
            return ("fk", len(table.foreign_keys) - 1)
        if contype == "CONSTR_EXCLUSION":
            elements = []
            for pair in con.get("exclusions") or ():
                elem_json, ops = pair["List"]["items"]
                elem = elem_json["IndexElem"]
                if elem.get("name"):  # a column: the bare name, as the model holds it
                    expression = elem["name"]
                else:
                    expression = f"({self.expr(elem['expr'])})"
                opclass = elem.get("opclass")
                elements.append(
                    ExcludeElement(
                        expression=expression,
                        operator=".".join(strings(ops["List"]["items"])),
                        opclass=ref_name(strings(opclass)) if opclass else None,
                    )
                )
            table.excludes.append(
                ExcludeConstraint(
                    elements=tuple(elements),
                    method=con.get("access_method") or "gist",
                    name=name,
                    include=include,
                    where=self.expr(con["where_clause"]) if con.get("where_clause") else None,
                    deferrable=deferrable,
                    initially_deferred=deferred,
                )
            )
            return ("exclude", len(table.excludes) - 1)
        raise KeepRaw(WARN_KEPT_RAW.format(what=contype))

    def take_index(self, table: TableBuilder, index_name: str) -> tuple[tuple[str, ...], list[str]]:
        """ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's own."""
        for i, index in enumerate(table.indexes):
            if index.name == index_name and all(p.column for p in index.parts):
                del table.indexes[i]
                self.index_owner.pop((table.schema, index_name), None)
                return tuple(p.column or "" for p in index.parts), list(index.include)
        raise KeepRaw(WARN_UNKNOWN_TARGET.format(name=f"Index {index_name}"))

    def identity_options(
        self, table: TableBuilder, column: str, options: list[dict[str, Any]] | None
    ) -> str | None:
        """Canonical sequence options of an identity column; defaults are left out so that
        pg_dump's spelled-out form and a bare ``GENERATED ... AS IDENTITY`` compare equal."""
        parts = []
        seq = self.sequence_fields(options)
        increment = seq.get("increment")
        for field, text in (
            ("sequence_name", "SEQUENCE NAME {}"),
            ("data_type", "AS {}"),
            ("start", "START WITH {}"),
            ("increment", "INCREMENT BY {}"),
            ("min_value", "MINVALUE {}"),
            ("max_value", "MAXVALUE {}"),
            ("cache", "CACHE {}"),
        ):
            value = seq.get(field)
            if value is None:
                continue
            if field == "sequence_name":
                default = (table.schema, f"{table.name}_{column}_seq")
                if value == default or (len(default[1].encode()) > 63):
                    continue
                value = qualify(*value)
            if field in ("increment", "cache") and value == 1:
                continue
            if (
                field == "start"
                and value == 1
                and (increment or 1) > 0
                and seq.get("min_value") in (None, 1)
            ):
                continue
            parts.append(text.format(value))
        if seq.get("cycle"):
            parts.append("CYCLE")
        return " ".join(parts) or None

    def sequence_fields(self, options: list[dict[str, Any]] | None) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        names = {
            "start": "start",
            "increment": "increment",
            "minvalue": "min_value",
            "maxvalue": "max_value",
            "cache": "cache",
        }
        for item in options or ():
            elem = item["DefElem"]
            name = elem["defname"]
            arg = elem.get("arg")
            if name in names:
                fields[names[name]] = int_value(arg)
            elif name == "as":
                fields["data_type"] = self.type_text(arg["TypeName"])
            elif name == "cycle":
                fields["cycle"] = bool(arg and arg.get("Boolean", {}).get("boolval"))
            elif name == "sequence_name":
                fields["sequence_name"] = self.names_key(strings(list_items(arg)))
            elif name == "owned_by":
                fields["owned_by"] = strings(list_items(arg))
            else:
                self.warn(WARN_NOT_MODELLED.format(what=f"Sequence option {name.upper()}"))
        return fields

    def alter_table(self, node: dict[str, Any]) -> None:
        objtype = node.get("objtype", "OBJECT_TABLE")
        key = self.key(node["relation"])
        cmds = [c["AlterTableCmd"] for c in node.get("cmds") or ()]
        if all(c["subtype"] == "AT_ChangeOwner" for c in cmds):
            self.skip("OWNER", " ".join(self.text.split())[:80])
            return
        if objtype != "OBJECT_TABLE" or key not in self.tables:
            if objtype == "OBJECT_TABLE" and key not in self.raw_relations:
                self.warn(self._unknown(key))
            raise KeepRaw()
        table = self.tables[key]
        leftover = []
        for cmd in cmds:
            try:
                self.alter_table_cmd(table, cmd)
            except KeepRaw as keep:
                if keep.warning:
                    self.warn(keep.warning)
                leftover.append(cmd)
        if leftover:
            if len(leftover) == len(cmds):
                raise KeepRaw()
            rest = {**node, "cmds": [{"AlterTableCmd": c} for c in leftover]}
            self.keep_raw("AlterTableStmt", sql=struct_text("AlterTableStmt", rest))

    def alter_table_cmd(self, table: TableBuilder, cmd: dict[str, Any]) -> None:
        subtype = cmd["subtype"]
        definition = cmd.get("def")
        if subtype == "AT_AddConstraint":
            self.add_constraint(table, definition["Constraint"])
        elif subtype == "AT_ColumnDefault":
            default = self.expr(definition) if definition else None
            table.update_column(cmd["name"], default=default)
        elif subtype == "AT_AddIdentity":
            con = definition["Constraint"]
            table.update_column(
                cmd["name"],
                identity="ALWAYS" if con.get("generated_when") == "a" else "BY DEFAULT",
                identity_options=self.identity_options(table, cmd["name"], con.get("options")),
            )
        elif subtype == "AT_AttachPartition":
            part = definition["PartitionCmd"]
            child = self.table(self.key(part["name"]))
            child.partition_of = PartitionOf(
                table.schema, table.name, struct_text("PartitionBoundSpec", part["bound"])
            )
        elif subtype in ("AT_EnableRowSecurity", "AT_DisableRowSecurity"):
            table.rls_enabled = subtype == "AT_EnableRowSecurity"
        elif subtype in ("AT_ForceRowSecurity", "AT_NoForceRowSecurity"):
            table.rls_forced = subtype == "AT_ForceRowSecurity"
        elif subtype in ("AT_SetNotNull", "AT_DropNotNull"):
            table.update_column(cmd["name"], nullable=subtype == "AT_DropNotNull")
        elif subtype == "AT_AddColumn":
            coldef = definition["ColumnDef"]
            if any(c.name == coldef["colname"] for c in table.columns):
                if cmd.get("missing_ok"):
                    return
                raise KeepRaw()
            self.add_column(table, coldef)
        elif subtype == "AT_DropColumn":
            self.drop_column(table, cmd)
        elif subtype == "AT_AlterColumnType":
            coldef = definition["ColumnDef"]
            changes: dict[str, Any] = {"type": self.type_text(coldef["typeName"])}
            if coldef.get("collClause"):
                changes["collation"] = ref_name(strings(coldef["collClause"]["collname"]))
            # USING converts the data; the design only holds the new type
            table.update_column(cmd["name"], **changes)
        elif subtype == "AT_DropConstraint":
            self.drop_constraint(table, cmd)
        elif subtype == "AT_ValidateConstraint":
            self.validate_constraint(table, cmd["name"])
        elif subtype in ("AT_SetLogged", "AT_SetUnLogged"):
            table.unlogged = subtype == "AT_SetUnLogged"
        elif subtype == "AT_ChangeOwner":
            self.skip("OWNER", " ".join(self.text.split())[:80])
        else:
            raise KeepRaw()

    # -- indexes ---------------------------------------------------------------
    def create_index(self, node: dict[str, Any]) -> None:
        key = self.key(node["relation"])
        name = node.get("idxname")
        if not name:
            raise KeepRaw(WARN_KEPT_RAW.format(what="An index without a name"))
        if node.get("tableSpace"):
            tablespace: str | None = node["tableSpace"]
        else:
            tablespace = None
        parts = []
        for item in node.get("indexParams") or ():
            elem = item["IndexElem"]
            if elem.get("opclassopts"):
                raise KeepRaw(WARN_KEPT_RAW.format(what="An operator class with parameters"))
            descending = elem.get("ordering") == "SORTBY_DESC"
            nulls = elem.get("nulls_ordering")
            nulls_first = {"SORTBY_NULLS_FIRST": True, "SORTBY_NULLS_LAST": False}.get(nulls or "")
            if nulls_first is not None and nulls_first == descending:
                nulls_first = None  # the default for the direction
            opclass = elem.get("opclass")
            collation = elem.get("collation")
            parts.append(
                IndexPart(
                    column=elem.get("name"),
                    expression=None if elem.get("name") else self.expr(elem["expr"]),
                    opclass=ref_name(strings(opclass)) if opclass else None,
                    collation=ref_name(strings(collation)) if collation else None,
                    descending=descending,
                    nulls_first=nulls_first,
                )
            )
        include = []
        for item in node.get("indexIncludingParams") or ():
            include.append(item["IndexElem"]["name"])
        index = Index(
            name=name,
            parts=tuple(parts),
            method=node.get("accessMethod") or "btree",
            unique=bool(node.get("unique")),
            nulls_not_distinct=bool(node.get("nulls_not_distinct")),
            include=tuple(include),
            where=self.expr(node["whereClause"]) if node.get("whereClause") else None,
            with_options=option_texts(node.get("options")),
            tablespace=tablespace,
        )
        if key in self.tables:
            self.tables[key].indexes.append(index)
            self.index_owner[(key[0], name)] = ("table", key)
        elif key in self.views and self.views[key].materialized:
            view = self.views[key]
            self.views[key] = replace(view, indexes=(*view.indexes, index))
            self.index_owner[(key[0], name)] = ("view", key)
        else:
            raise KeepRaw(None if key in self.raw_relations else self._unknown(key))
