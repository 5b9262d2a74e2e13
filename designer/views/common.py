"""What the design views share: the access gate for a table, the editor's context, edit responses.

Every edit answers with the panel it changed. Success adds ``HX-Trigger: schema-changed`` (the
diagram and the table list refresh themselves) and a ``toast`` event for warnings; a refused edit
answers 422 with the message beside the field that caused it and nothing changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from designer.advisor import RULES, Finding
from designer.export.registry import EXPORT_FORMATS
from designer.models import (
    ConstraintKind,
    DesignColumn,
    DesignConstraint,
    DesignEnum,
    DesignIndex,
    DesignTable,
)
from designer.schema import model as m
from designer.selectors import advisor
from designer.selectors.diagrams import DIAGRAM_FORMATS
from designer.services.errors import ERR_NO_VERSION, DesignError
from projects.access import ProjectAccess, project_access
from projects.models import Role

EDITOR = "designer/editor.html"
UNPROCESSABLE = 422

# The type picker's suggestions; the project's enums are appended.
PG_TYPES = (
    "bigint",
    "integer",
    "smallint",
    "text",
    "varchar(255)",
    "numeric(12,2)",
    "boolean",
    "date",
    "timestamptz",
    "timestamp",
    "time",
    "interval",
    "uuid",
    "jsonb",
    "json",
    "bytea",
    "inet",
    "cidr",
    "citext",
    "int4range",
    "tstzrange",
    "text[]",
    "integer[]",
    "bigint[]",
    "uuid[]",
    "real",
    "double precision",
    "char(1)",
)
IDENTITY_CHOICES = (("", "—"), ("ALWAYS", "ALWAYS"), ("BY DEFAULT", "BY DEFAULT"))
FIELD_ALIASES = {"nullable": "not_null"}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@dataclass(frozen=True)
class FormError:
    """A refused edit: which form on the page, which of its fields ("__all__" for the form)."""

    form: str
    field: str
    message: str

    @classmethod
    def of(cls, form: str, exc: DesignError, fields: Iterable[str]) -> FormError:
        name = FIELD_ALIASES.get(exc.field or "", exc.field or "")
        return cls(form, name if name in set(fields) else "__all__", exc.message)


@dataclass
class ColumnRow:
    uid: str
    name: str
    data_type: str
    not_null: bool
    default: str
    identity: str
    comment: str
    primary_key: bool
    unique: bool
    foreign_key: bool = False

    @property
    def key(self) -> str:
        return f"column-{self.uid}"


@dataclass
class IndexRow:
    uid: str
    name: str
    method: str
    unique: bool
    parts: str
    include: str
    where: str
    nulls_not_distinct: bool
    purpose: str

    @property
    def key(self) -> str:
        return f"index-{self.uid}"

    @property
    def parts_inline(self) -> str:
        return ", ".join(self.parts.splitlines())


@dataclass(frozen=True)
class FindingRow:
    """One advisor finding as the panel and the advisor page show it."""

    rule: str
    title: str
    severity: str
    object: str
    table: str | None
    table_uid: str | None
    message: str
    rationale: str
    fix: str | None  # what the fix does, when there is one

    @property
    def key(self) -> str:
        """A stable HTML id for this finding (objects may hold any character)."""
        digest = hashlib.sha1(f"{self.rule}\0{self.object}".encode()).hexdigest()[:12]
        return f"finding-{digest}"

    @property
    def short_object(self) -> str:
        """The object without its table's name: the table is already on screen."""
        if self.table and self.object.startswith(self.table + "."):
            return self.object[len(self.table) + 1 :]
        return "" if self.object == self.table else self.object


def finding_rows(findings: Iterable[Finding], uids: Mapping[str, str]) -> list[FindingRow]:
    """Rows for ``findings``; ``uids`` maps qualified table names to table uids."""
    return [
        FindingRow(
            rule=f.rule,
            title=RULES[f.rule].title,
            severity=f.severity,
            object=f.object,
            table=f.table,
            table_uid=uids.get(f.table) if f.table else None,
            message=f.message,
            rationale=f.rationale,
            fix=f.fix.description if f.fix else None,
        )
        for f in findings
    ]


@dataclass
class Draft:
    """What the user posted in the form that failed, so it can be shown again."""

    form: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    def get(self, form: str) -> Mapping[str, Any]:
        return self.data if form == self.form else {}


def load_table(request: Any, slug: str, uid: str, needed: str) -> tuple[ProjectAccess, DesignTable]:
    access = project_access(request.user, slug, needed)
    table = get_object_or_404(DesignTable, project=access.project, uid=uid)
    return access, table


def part_text(part: Mapping[str, Any]) -> str:
    """One index key part as the editor writes it: ``col [opclass] [DESC] [NULLS FIRST|LAST]``."""
    words = [part["column"] if part.get("column") else f"({part.get('expression')})"]
    if part.get("opclass"):
        words.append(part["opclass"])
    if part.get("descending"):
        words.append("DESC")
    if part.get("nulls_first") is not None:
        words.append("NULLS FIRST" if part["nulls_first"] else "NULLS LAST")
    return " ".join(words)


def _flag(data: Mapping[str, Any], name: str) -> bool:
    return bool(data.get(name)) and data.get(name) not in ("", "0", "false", "off")


def _column_rows(
    columns: Sequence[DesignColumn], constraints: Sequence[DesignConstraint], draft: Draft
) -> list[ColumnRow]:
    pk = next((c.columns for c in constraints if c.kind == ConstraintKind.PRIMARY), [])
    unique = {
        c.columns[0] for c in constraints if c.kind == ConstraintKind.UNIQUE and len(c.columns) == 1
    }
    fk_cols = {n for c in constraints if c.kind == ConstraintKind.FOREIGN for n in c.columns}
    rows = []
    for c in columns:
        row = ColumnRow(
            uid=c.uid,
            name=c.name,
            data_type=c.data_type,
            not_null=not c.nullable,
            default=c.default or "",
            identity=c.identity,
            comment=c.comment,
            primary_key=c.name in pk,
            unique=c.name in unique,
            foreign_key=c.name in fk_cols,
        )
        posted = draft.get(row.key)
        if posted:
            row.name = posted.get("name", row.name)
            row.data_type = posted.get("data_type", row.data_type)
            row.not_null = _flag(posted, "not_null")
            row.default = posted.get("default", row.default)
            row.identity = posted.get("identity", row.identity)
            row.comment = posted.get("comment", row.comment)
            row.primary_key = _flag(posted, "primary_key")
            row.unique = _flag(posted, "unique")
        rows.append(row)
    return rows


def _index_rows(indexes: Sequence[DesignIndex], draft: Draft) -> list[IndexRow]:
    rows = []
    for ix in indexes:
        row = IndexRow(
            uid=ix.uid,
            name=ix.name,
            method=ix.method,
            unique=ix.unique,
            parts="\n".join(part_text(p) for p in ix.parts),
            include=", ".join(ix.include),
            where=ix.where or "",
            nulls_not_distinct=ix.nulls_not_distinct,
            purpose=ix.purpose,
        )
        posted = draft.get(row.key)
        if posted:
            for name in ("name", "method", "parts", "include", "where", "purpose"):
                setattr(row, name, posted.get(name, getattr(row, name)))
            row.unique = _flag(posted, "unique")
            row.nulls_not_distinct = _flag(posted, "nulls_not_distinct")
        rows.append(row)
    return rows


def _getlist(data: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    return list(getlist(name)) if getlist else list(data.get(name, []))


def ref_column_options(
    ref_table: DesignTable | None, selected: Sequence[str] = ()
) -> list[tuple[str, str, bool]]:
    """(name, type, selected) for the FK builder's target columns; the primary key by default."""
    if ref_table is None:
        return []
    columns = list(DesignColumn.objects.filter(table=ref_table).order_by("position", "id"))
    if not selected:
        pk = DesignConstraint.objects.filter(table=ref_table, kind=ConstraintKind.PRIMARY).first()
        selected = pk.columns if pk else []
    return [(c.name, c.data_type, c.name in selected) for c in columns]


def _scale(
    table: DesignTable,
    columns: list[DesignColumn],
    constraints: list[DesignConstraint],
    indexes: list[DesignIndex],
) -> dict[str, Any]:
    """The table's expected rows and growth, and what they take on disk."""
    from designer.rows import table_from_rows
    from designer.workbench.capacity import table_capacity

    model = table_from_rows(table, columns, constraints, indexes)
    return {
        "expected_rows": model.expected_rows,
        "yearly_growth": model.yearly_growth,
        "capacity": table_capacity(model, years=3),
    }


class TableChoice(NamedTuple):
    """A table the FK builder offers as the referenced one."""

    uid: str
    qualified_name: str


def panel_context(
    access: ProjectAccess,
    table: DesignTable,
    *,
    error: FormError | None = None,
    draft: Draft | None = None,
    finding_error: FormError | None = None,
    finding_draft: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the table panel shows, in a fixed number of queries."""
    draft = draft or Draft()
    project = access.project
    mine = advisor.table_findings(project, table)
    columns = list(DesignColumn.objects.filter(table=table).order_by("position", "id"))
    constraints = list(DesignConstraint.objects.filter(table=table).order_by("position", "id"))
    indexes = list(DesignIndex.objects.filter(table=table).order_by("position", "id"))
    # the FK builder's target list: names, not a model instance per table of the design
    tables = [
        TableChoice(uid, f"{schema}.{name}")
        for uid, schema, name in DesignTable.objects.filter(project=project)
        .order_by("schema_name", "name")
        .values_list("uid", "schema_name", "name")
    ]
    enums = DesignEnum.objects.filter(project=project).order_by("schema_name", "name")
    enum_types = [
        e.name if e.schema_name == "public" else f"{e.schema_name}.{e.name}" for e in enums
    ]
    fk_posted = draft.get("fk")
    ref_uid = fk_posted.get("ref_table", "") if fk_posted else ""
    ref_table = (
        DesignTable.objects.filter(project=project, uid=ref_uid).first() if ref_uid else None
    )
    table_values = draft.get("table")
    return {
        "access": access,
        "project": project,
        "table": table,
        "table_values": {
            k: table_values.get(k, getattr(table, k))
            for k in ("name", "schema_name", "comment", "group", "color")
        },
        "scale": _scale(table, columns, constraints, indexes),
        "columns": _column_rows(columns, constraints, draft),
        "column_names": [c.name for c in columns],
        "foreign_keys": [c for c in constraints if c.kind == ConstraintKind.FOREIGN],
        "checks": [c for c in constraints if c.kind == ConstraintKind.CHECK],
        "uniques": [c for c in constraints if c.kind == ConstraintKind.UNIQUE],
        "indexes": _index_rows(indexes, draft),
        "fk_tables": tables,
        "fk_columns_selected": _getlist(fk_posted, "columns"),
        "fk_ref_table": ref_table,
        "fk_ref_options": ref_column_options(ref_table, _getlist(fk_posted, "ref_columns")),
        "fk_actions": m.FK_ACTIONS,
        "unique_selected": _getlist(draft.get("unique"), "columns"),
        "index_methods": m.INDEX_METHODS,
        "identity_choices": IDENTITY_CHOICES,
        "type_choices": [*PG_TYPES, *enum_types],
        "new_column": draft.get("column-new"),
        "new_index": draft.get("index-new"),
        "new_fk": fk_posted,
        "new_check": draft.get("check"),
        "new_unique": draft.get("unique"),
        "error": error,
        "findings": finding_rows(mine, {table.qualified_name: table.uid}),
        "finding_error": finding_error,
        "finding_draft": finding_draft or {},
    }


# The list shows at most this many tables; bigger designs are searched (filter box, Explorer).
TABLE_LIST_LIMIT = 200
# Above this size the page loads the advisor counter after it is shown, not before.
LARGE_DESIGN_TABLES = 300


def editor_context(access: ProjectAccess, q: str = "") -> dict[str, Any]:
    """The editor page around the panel: project header and the table list (three queries).

    The list is capped at TABLE_LIST_LIMIT rows so a 3,000-table design renders as fast as
    a 30-table one; the filter box (and the Explorer) find the rest.
    """
    all_tables = DesignTable.objects.filter(project=access.project)
    tables = all_tables.filter(name__icontains=q) if q else all_tables
    rows = list(
        tables.annotate(n_columns=Count("columns")).order_by("schema_name", "name")[
            : TABLE_LIST_LIMIT + 1
        ]
    )
    table_count = all_tables.count()
    matching = len(rows) if len(rows) <= TABLE_LIST_LIMIT else tables.count()
    large = table_count > LARGE_DESIGN_TABLES
    return {
        "access": access,
        "project": access.project,
        "tables": rows[:TABLE_LIST_LIMIT],
        "tables_hidden": max(0, matching - TABLE_LIST_LIMIT),
        "q": q,
        "table_count": table_count,
        "large_design": large,
        "export_formats": list(EXPORT_FORMATS.values()),
        "diagram_formats": DIAGRAM_FORMATS,
        # Lazy: only the full page shows the counter, not the list's htmx refreshes; a large
        # design's counter is fetched by the browser once the page is up.
        "advisor_counts": None
        if large
        else SimpleLazyObject(
            lambda: advisor.severity_counts(advisor.project_findings(access.project))
        ),
    }


def table_url(table: DesignTable) -> str:
    return reverse("table_panel", args=[table.project.slug, table.uid])


def changed(response: HttpResponse, warnings: Sequence[str] = ()) -> HttpResponse:
    """Tell the page the design changed, and show any warnings as a toast."""
    trigger_client_event(response, "schema-changed", {})
    if warnings:
        trigger_client_event(response, "toast", {"level": "warning", "messages": list(warnings)})
    return response


def panel_response(
    request: Any,
    access: ProjectAccess,
    table: DesignTable | None,
    *,
    error: FormError | None = None,
    warnings: Sequence[str] = (),
    edited: bool = False,
    focus_fk: str = "",
) -> HttpResponse:
    """Answer an edit or a panel read: the panel for htmx, the whole editor otherwise.

    ``focus_fk`` (a foreign key's uid) opens that key's settings form in the panel."""
    if table is not None:
        table = DesignTable.objects.filter(pk=table.pk).first()
    if not request.htmx and edited and error is None:
        target = table_url(table) if table else reverse("editor", args=[access.project.slug])
        return redirect(target)
    # A form-wide refusal (a stale version) shows the current values, not the draft.
    draft = Draft(error.form, request.POST) if error and error.field != "__all__" else None
    context = (
        panel_context(access, table, error=error, draft=draft)
        if table
        else {"access": access, "project": access.project}
    )
    if focus_fk:
        context["focus_fk"] = focus_fk
    if request.htmx:
        template = f"{EDITOR}#table-panel" if table else f"{EDITOR}#empty-panel"
    else:
        template = EDITOR
        context = {**editor_context(access), **context}
    response = render(request, template, context, status=UNPROCESSABLE if error else 200)
    return changed(response, warnings) if edited and error is None else response


def posted_version(request: Any, what: str = "table") -> int:
    """The version an edit or delete form was made from. Required: without it a late form
    would overwrite someone else's change unseen."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise DesignError(ERR_NO_VERSION.format(what=what), "version") from None


def editor_role(request: Any, slug: str) -> ProjectAccess:
    return project_access(request.user, slug, Role.EDITOR)
