"""Schema -> PlantUML entity-relationship diagram (IE notation, crow's feet).

Each table is an ``entity`` with a quoted display name and a word-only alias;
``*`` marks NOT NULL columns, ``<<PK>>``/``<<FK>>`` the keys, and the key
columns sit above the ``--`` line. Tables go into packages by group when the
design uses groups, else by schema when it has several.
"""

from __future__ import annotations

from designer.export.mermaid import EntityNames, cardinality, label_text, not_shown
from designer.schema.model import Schema, Table
from designer.sql.ddl import ExportResult

WARN_REF_OUTSIDE = "Foreign key {name} on {target} references {ref}, which is not in the design."


def _display(text: str) -> str:
    """Text inside PlantUML double quotes or after ``:``."""
    return label_text(text)


def _entity(table: Table, alias: str) -> list[str]:
    pk = table.primary_key.columns if table.primary_key else ()
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    shown = table.name if table.schema == "public" else f"{table.schema}.{table.name}"
    head = f'entity "{_display(shown)}" as {alias}'
    if table.color and table.color.startswith("#") and table.color[1:].isalnum():
        head += f" {table.color}"
    lines = [head + " {"]

    def line(col_name: str) -> str:
        col = table.column(col_name)
        assert col is not None
        stereo = [s for s, on in (("PK", col_name in pk), ("FK", col_name in fk_cols)) if on]
        text = f"  {'* ' if not col.nullable or col_name in pk else ''}{_display(col_name)}"
        text += f" : {_display(col.type)}"
        if stereo:
            text += " " + " ".join(f"<<{s}>>" for s in stereo)
        if col.comment:
            text += f" // {_display(col.comment)}"
        return text

    for name in pk:
        if table.column(name) is not None:
            lines.append(line(name))
    lines.append("  --")
    for col in table.columns:
        if col.name not in pk:
            lines.append(line(col.name))
    lines.append("}")
    return lines


def export_plantuml(schema: Schema) -> ExportResult:
    warnings: list[str] = []
    tables = sorted(schema.tables, key=lambda t: (t.schema, t.name))
    names = EntityNames(tables, [])  # aliases are never shown, so renaming is no loss
    lines = ["@startuml", "hide circle", "skinparam linetype ortho", ""]
    if any(t.group for t in tables):
        packages: dict[str | None, list[Table]] = {}
        for t in tables:
            packages.setdefault(t.group, []).append(t)
    elif len({t.schema for t in tables}) > 1:
        packages = {}
        for t in tables:
            packages.setdefault(t.schema, []).append(t)
    else:
        packages = {None: tables}
    for n, package in enumerate(sorted(packages, key=lambda p: (p is not None, p or ""))):
        indent = "" if package is None else "  "
        if package is not None:
            # An alias of its own: a package named like a table would clash with it.
            lines.append(f'package "{_display(package)}" as package_{n} {{')
        for t in packages[package]:
            lines.extend(indent + line for line in _entity(t, names.table(t)))
        if package is not None:
            lines.append("}")
        lines.append("")
    by_key = {(t.schema, t.name): t for t in tables}
    for child in tables:
        for fk in child.foreign_keys:
            parent = by_key.get((fk.ref_schema, fk.ref_table))
            if parent is None:
                warnings.append(
                    WARN_REF_OUTSIDE.format(
                        name=fk.name or ", ".join(fk.columns),
                        target=child.qualified_name,
                        ref=f"{fk.ref_schema}.{fk.ref_table}",
                    )
                )
                continue
            required, single = cardinality(child, fk)
            left = "|o" if single else "}o"
            right = "||" if required else "o|"
            label = _display(", ".join(fk.columns))
            lines.append(f'{names.table(child)} {left}--{right} {names.table(parent)} : "{label}"')
    lines.append("@enduml")
    summary = not_shown(schema)
    if summary:
        warnings.append(summary)
    return ExportResult(text="\n".join(lines) + "\n", warnings=tuple(warnings))
