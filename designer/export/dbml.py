"""Schema -> DBML (dbdiagram.io), readable by ``pydbml``.

DBML carries tables, columns, keys, plain indexes, references, enums, notes
and table groups. Everything else (partial indexes, INCLUDE, exclusion and
check constraints, row-level security, partitions, views, domains,
sequences, raw SQL) is named in a warning. CHECKs are not written as a
``checks {}`` block because pydbml 1.2 cannot read one.
"""

from __future__ import annotations

import re

from designer.export.naming import enum_lookup, parse_type
from designer.schema.model import Column, EnumType, ForeignKey, Index, Schema, Table
from designer.sql.ddl import ExportResult

WARN_QUOTE_IN_NAME = "DBML names cannot contain a double quote: “{name}” is written as “{fixed}”."
WARN_LOST = "DBML has no {feature}: left out for {target}."
WARN_REF_OUTSIDE = (
    "Foreign key {name} on {target} references {ref}, which is not in the design: left out."
)
WARN_UNIQUE_AS_INDEX = (
    "Unique constraint {name} on {target} is written as a unique index (DBML has no "
    "table constraints)."
)
WARN_BAD_COLOR = "Colour “{color}” of {target} is not a hex colour DBML accepts: left out."
WARN_NO_COLUMNS = "DBML tables need a column: {target} has none of its own, so it is left out."
WARN_BACKTICK = "Expression of {target} contains a backtick, which DBML cannot quote: left out."

_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SIMPLE_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\(\d+(,\d+)?\))?(\[\])*\Z")
_NUMBER = re.compile(r"\d+(\.\d+)?\Z")
_STRING = re.compile(r"'((?:[^']|'')*)'\Z")
_COLOR = re.compile(r"#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})\Z")
# Words DBML gives a meaning to; a name spelled like one is quoted to be safe.
_KEYWORDS = frozenset(
    {
        "table",
        "ref",
        "enum",
        "note",
        "indexes",
        "project",
        "tablegroup",
        "as",
        "pk",
        "null",
        "true",
        "false",
        "not",
        "unique",
        "default",
        "increment",
    }
)
ACTIONS = {
    "CASCADE": "cascade",
    "RESTRICT": "restrict",
    "SET NULL": "set null",
    "SET DEFAULT": "set default",
}


class _Writer:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.warnings: list[str] = []
        self.enums = enum_lookup(schema)
        self._warned_names: set[str] = set()

    def lost(self, feature: str, target: str) -> None:
        self.warnings.append(WARN_LOST.format(feature=feature, target=target))

    # -- text ------------------------------------------------------------------------

    def name(self, name: str) -> str:
        if '"' in name:
            fixed = name.replace('"', "'")
            if name not in self._warned_names:
                self._warned_names.add(name)
                self.warnings.append(WARN_QUOTE_IN_NAME.format(name=name, fixed=fixed))
            name = fixed
        if _SIMPLE.match(name) and name.lower() not in _KEYWORDS:
            return name
        return f'"{name}"'

    def quoted(self, name: str) -> str:
        """Always in double quotes (enum values)."""
        text = self.name(name)
        return text if text.startswith('"') else f'"{text}"'

    def qname(self, schema: str, name: str) -> str:
        if schema == "public":
            return self.name(name)
        return f"{self.name(schema)}.{self.name(name)}"

    @staticmethod
    def string(text: str) -> str:
        body = text.replace("\\", "\\\\").replace("'", "\\'")
        return "'" + body.replace("\r", "\\r").replace("\n", "\\n") + "'"

    def expression(self, text: str, target: str) -> str | None:
        if "`" in text:
            self.warnings.append(WARN_BACKTICK.format(target=target))
            return None
        return f"`{text}`"

    def column_type(self, column: Column) -> str:
        parsed = parse_type(column.type)
        enum = self.enums.get(parsed.base)
        if enum is not None:
            base = self.qname(enum.schema, enum.name)
            return base + "[]" * parsed.dims
        text = column.type.replace('"', "")
        if _SIMPLE_TYPE.match(text):
            return text
        return f'"{text}"'

    def default(self, text: str, target: str) -> str | None:
        if text.lower() in ("true", "false", "null"):
            return text.lower()
        if _NUMBER.match(text):
            return text
        m = _STRING.match(text)
        if m:
            return self.string(m.group(1).replace("''", "'"))
        return self.expression(text, target)

    # -- objects -----------------------------------------------------------------------

    def enum(self, enum: EnumType) -> list[str]:
        target = f"enum {enum.qualified_name}"
        if enum.comment:
            self.lost("notes on enums", target)
        lines = [f"Enum {self.qname(enum.schema, enum.name)} {{"]
        for value in enum.values:
            lines.append(f"  {self.quoted(value)}")
        lines.append("}")
        return lines

    def table(self, table: Table) -> list[str]:
        target = table.qualified_name
        self.table_losses(table)
        settings = []
        if table.color:
            if _COLOR.match(table.color):
                settings.append(f"headercolor: {table.color}")
            else:
                self.warnings.append(WARN_BAD_COLOR.format(color=table.color, target=target))
        head = f"Table {self.qname(table.schema, table.name)}"
        head += f" [{', '.join(settings)}]" if settings else ""
        lines = [head + " {"]
        pk = table.primary_key
        column_pk = pk is not None and len(pk.columns) == 1 and pk.name is None
        column_unique = {
            u.columns[0]
            for u in table.uniques
            if len(u.columns) == 1 and u.name is None and not _unique_extras(u)
        }
        for col in table.columns:
            lines.append("  " + self.column(table, col, column_pk, column_unique))
        index_lines = self.index_lines(table, column_pk, column_unique)
        if index_lines:
            lines.append("")
            lines.append("  Indexes {")
            lines.extend("    " + line for line in index_lines)
            lines.append("  }")
        if table.comment:
            lines.append("")
            lines.append(f"  Note: {self.string(table.comment)}")
        lines.append("}")
        return lines

    def table_losses(self, table: Table) -> None:
        target = table.qualified_name
        for check in table.checks:
            self.lost("CHECK constraints", f"{target} ({check.name or check.expression})")
        for ex in table.excludes:
            self.lost("exclusion constraints", f"{target} ({ex.name or 'unnamed'})")
        if table.rls_enabled or table.rls_forced:
            self.lost("row-level security", target)
        for policy in table.policies:
            self.lost("policies", f"{target} (policy {policy.name})")
        if table.partitioning:
            self.lost("partitioning", target)
        if table.partition_of:
            self.lost("partitions", f"{target} (partition of {table.partition_of.parent_table})")
        if table.inherits:
            self.lost("table inheritance", target)
        if table.unlogged:
            self.lost("UNLOGGED tables", target)
        if table.with_options:
            self.lost("storage parameters", target)
        pk = table.primary_key
        if pk is not None and (pk.include or pk.deferrable or pk.without_overlaps):
            self.lost("INCLUDE, DEFERRABLE or WITHOUT OVERLAPS on keys", f"{target} primary key")

    def column(self, table: Table, col: Column, column_pk: bool, uniques: set[str]) -> str:
        target = f"{table.qualified_name}.{col.name}"
        settings = []
        if column_pk and table.primary_key and table.primary_key.columns == (col.name,):
            settings.append("pk")
        if col.identity:
            settings.append("increment")
            if col.identity_options:
                self.lost("identity sequence options", target)
        if not col.nullable:
            settings.append("not null")
        if col.name in uniques:
            settings.append("unique")
        if col.default is not None:
            value = self.default(col.default, target)
            if value is not None:
                settings.append(f"default: {value}")
        if col.generated is not None:
            self.lost("generated columns", target)
        if col.collation:
            self.lost("collations", target)
        if col.comment:
            settings.append(f"note: {self.string(col.comment)}")
        text = f"{self.name(col.name)} {self.column_type(col)}"
        return text + (f" [{', '.join(settings)}]" if settings else "")

    def index_lines(self, table: Table, column_pk: bool, column_unique: set[str]) -> list[str]:
        target = table.qualified_name
        lines = []
        pk = table.primary_key
        if pk is not None and not column_pk:
            settings = ["pk"] + ([f"name: {self.string(pk.name)}"] if pk.name else [])
            lines.append(f"{self.subjects(pk.columns)} [{', '.join(settings)}]")
        for u in table.uniques:
            if len(u.columns) == 1 and u.columns[0] in column_unique and u.name is None:
                continue
            name = u.name or "(unnamed)"
            self.warnings.append(WARN_UNIQUE_AS_INDEX.format(name=name, target=target))
            if _unique_extras(u):
                self.lost(
                    "NULLS NOT DISTINCT, INCLUDE, DEFERRABLE or WITHOUT OVERLAPS on keys",
                    f"{target} ({name})",
                )
            settings = ["unique"] + ([f"name: {self.string(u.name)}"] if u.name else [])
            lines.append(f"{self.subjects(u.columns)} [{', '.join(settings)}]")
        for index in sorted(table.indexes, key=lambda i: i.name):
            line = self.index(table, index)
            if line is not None:
                lines.append(line)
        return lines

    def subjects(self, columns: tuple[str, ...]) -> str:
        if len(columns) == 1:
            return self.name(columns[0])
        return "(" + ", ".join(self.name(c) for c in columns) + ")"

    def index(self, table: Table, index: Index) -> str | None:
        target = f"index {index.name} on {table.qualified_name}"
        parts = []
        for part in index.parts:
            if part.column is not None:
                parts.append(self.name(part.column))
            else:
                expr = self.expression(part.expression or "", target)
                if expr is None:
                    return None
                parts.append(expr)
            if part.descending or part.nulls_first is not None:
                self.lost("sort order (DESC, NULLS FIRST/LAST) in indexes", target)
            if part.opclass:
                self.lost("operator classes", target)
            if part.collation:
                self.lost("collations in indexes", target)
        if index.where is not None:
            self.lost("partial indexes (the predicate)", target)
        if index.include:
            self.lost("INCLUDE columns", target)
        if index.nulls_not_distinct:
            self.lost("NULLS NOT DISTINCT", target)
        if index.with_options or index.tablespace:
            self.lost("storage parameters or tablespaces", target)
        subject = parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"
        settings = [f"name: {self.string(index.name)}"]
        if index.unique:
            settings.append("unique")
        if index.method != "btree":
            settings.append(f"type: {index.method}")
        if index.comment:
            settings.append(f"note: {self.string(index.comment)}")
        return f"{subject} [{', '.join(settings)}]"

    def ref(self, table: Table, fk: ForeignKey) -> str | None:
        target = table.qualified_name
        parent = self.schema.table(fk.ref_table, fk.ref_schema)
        ref_columns = fk.ref_columns or (
            parent.primary_key.columns if parent and parent.primary_key else ()
        )
        label = fk.name or f"({', '.join(fk.columns)})"
        if parent is None or not parent.columns or not ref_columns:
            self.warnings.append(
                WARN_REF_OUTSIDE.format(
                    name=label, target=target, ref=f"{fk.ref_schema}.{fk.ref_table}"
                )
            )
            return None
        if fk.match != "SIMPLE":
            self.lost("MATCH FULL", f"{target} ({label})")
        if fk.deferrable or fk.initially_deferred:
            self.lost("deferrable references", f"{target} ({label})")
        if fk.not_valid:
            self.lost("NOT VALID references", f"{target} ({label})")
        if fk.on_delete_columns:
            self.lost("ON DELETE SET NULL (columns)", f"{target} ({label})")
        if fk.period:
            self.lost("temporal (PERIOD) references", f"{target} ({label})")
        kind = "-" if table.is_unique_on(fk.columns) else ">"
        left = f"{self.qname(table.schema, table.name)}.{self.subjects(fk.columns)}"
        right = f"{self.qname(parent.schema, parent.name)}.{self.subjects(ref_columns)}"
        head = f"Ref {self.name(fk.name)}:" if fk.name else "Ref:"
        settings = []
        if fk.on_delete in ACTIONS:
            settings.append(f"delete: {ACTIONS[fk.on_delete]}")
        if fk.on_update in ACTIONS:
            settings.append(f"update: {ACTIONS[fk.on_update]}")
        tail = f" [{', '.join(settings)}]" if settings else ""
        return f"{head} {left} {kind} {right}{tail}"

    def schema_losses(self) -> None:
        s = self.schema
        for view in s.views:
            self.lost("views", view.qualified_name)
        for domain in s.domains:
            self.lost("domains (columns keep the domain's name as type)", domain.qualified_name)
        for seq in s.sequences:
            self.lost("sequences", seq.qualified_name)
        for ext in s.extensions:
            self.lost("extensions", ext.name)
        for raw in s.raw:
            self.lost("raw SQL statements", raw.kind or raw.sql.split("\n", 1)[0][:60])
        for name, _comment in s.schema_comments:
            self.lost("comments on schemas", name)


def _unique_extras(u: object) -> bool:
    return bool(
        getattr(u, "nulls_not_distinct", False)
        or getattr(u, "include", ())
        or getattr(u, "deferrable", False)
        or getattr(u, "without_overlaps", False)
    )


def export_dbml(schema: Schema) -> ExportResult:
    """DBML for ``schema``: enums, tables, references, table groups, in name order."""
    w = _Writer(schema)
    blocks: list[list[str]] = []
    for enum in sorted(schema.enums, key=lambda e: (e.schema, e.name)):
        blocks.append(w.enum(enum))
    tables = []
    for table in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        if table.columns:
            tables.append(table)
        else:
            w.warnings.append(WARN_NO_COLUMNS.format(target=table.qualified_name))
    for table in tables:
        blocks.append(w.table(table))
    refs = [r for t in tables for fk in t.foreign_keys if (r := w.ref(t, fk)) is not None]
    if refs:
        blocks.append(refs)
    groups: dict[str, list[Table]] = {}
    for table in tables:
        if table.group:
            groups.setdefault(table.group, []).append(table)
    for group in sorted(groups):
        lines = [f"TableGroup {w.name(group)} {{"]
        lines.extend(f"  {w.qname(t.schema, t.name)}" for t in groups[group])
        lines.append("}")
        blocks.append(lines)
    w.schema_losses()
    text = "\n\n".join("\n".join(block) for block in blocks) + "\n"
    return ExportResult(text=text, warnings=tuple(dict.fromkeys(w.warnings)))
