"""Reads for big designs: the foreign-key graph alone, and the rows of a few tables.

``project_schema`` reads every column of every table (about a second for 3,000 tables);
a neighbourhood, a search or a saved view needs the whole graph but the rows of only a
few tables. The graph is two narrow queries and is kept in memory per project revision,
so every query count here is fixed whatever the design's size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Value
from django.db.models.functions import Concat

from designer import rows
from designer.diagram.graph import find_table, neighbourhood, search
from designer.models import (
    ConstraintKind,
    DesignColumn,
    DesignConstraint,
    DesignTable,
)
from designer.schema.model import Column, ForeignKey, Schema, Table
from designer.selectors.design import model_tables
from projects.models import Project

SEARCH_LIMIT = 50
_GRAPH_CACHE_SIZE = 8


@dataclass(frozen=True)
class TableInfo:
    """What lists and filters show of a table, without its columns."""

    pk: int
    uid: str
    schema: str
    name: str
    group: str

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class DesignGraph:
    """Every table of a design (sorted by qualified name) and its foreign keys, no columns.

    ``schema`` holds tables whose foreign keys carry only the referenced table, which is
    all ``designer.diagram.graph`` needs for ``find_table`` and ``neighbourhood``.
    """

    tables: tuple[TableInfo, ...]
    schema: Schema
    # (name, depth) -> neighbourhood; each answer is computed once per revision
    _around: dict[tuple[str, int], frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def by_name(self) -> dict[str, TableInfo]:
        return {t.qualified_name: t for t in self.tables}

    def around(self, name: str, depth: int) -> frozenset[str] | None:
        """Qualified names within ``depth`` FKs of the table ``name`` (as ``find_table``
        reads it), both directions; None when there is no such table."""
        key = (name, depth)
        hit = self._around.get(key)
        if hit is None:
            table = find_table(self.schema, name)
            if table is None:
                return None
            hit = neighbourhood(self.schema, table.qualified_name, depth)
            self._around[key] = hit
        return hit

    @property
    def schemas(self) -> list[str]:
        return sorted({t.schema for t in self.tables})

    @property
    def groups(self) -> list[str]:
        return sorted({t.group for t in self.tables if t.group})

    def filtered(self, schema: str = "", group: str = "", name: str = "") -> list[TableInfo]:
        name = name.strip().casefold()
        return [
            t
            for t in self.tables
            if (not schema or t.schema == schema)
            and (not group or t.group == group)
            and (not name or name in t.qualified_name.casefold())
        ]


_graphs: OrderedDict[tuple[object, ...], DesignGraph] = OrderedDict()
_graphs_lock = threading.Lock()


def _graph_key(project: Project) -> tuple[object, ...]:
    # created_at tells apart two projects that reuse a primary key (a reset database).
    return (project.pk, str(project.created_at), project.revision)


def design_graph(project: Project) -> DesignGraph:
    """The FK graph of ``project`` at its current revision: two queries, then from memory."""
    key = _graph_key(project)
    with _graphs_lock:
        hit = _graphs.get(key)
        if hit is not None:
            _graphs.move_to_end(key)
            return hit
    found = DesignTable.objects.filter(project=project).values_list(
        "pk", "uid", "schema_name", "name", "group"
    )
    infos = sorted((TableInfo(*r) for r in found), key=lambda t: (t.schema, t.name))
    fks: dict[int, list[ForeignKey]] = defaultdict(list)
    for table_id, ref_schema, ref_table in (
        DesignConstraint.objects.filter(table__project=project, kind=ConstraintKind.FOREIGN)
        .order_by("table_id", "position", "id")
        .values_list("table_id", "ref_schema", "ref_table")
    ):
        fks[table_id].append(ForeignKey((), ref_table, (), ref_schema=ref_schema or "public"))
    schema = Schema(
        tables=tuple(
            Table(name=t.name, schema=t.schema, foreign_keys=tuple(fks[t.pk])) for t in infos
        )
    )
    graph = DesignGraph(tables=tuple(infos), schema=schema)
    with _graphs_lock:
        _graphs[key] = graph
        while len(_graphs) > _GRAPH_CACHE_SIZE:
            _graphs.popitem(last=False)
    return graph


def subset_schema(project: Project, names: frozenset[str] | set[str]) -> Schema:
    """The full model of the tables named (qualified) and nothing else: four queries.

    Foreign keys to tables outside the subset are kept; the diagram leaves their edges out.
    """
    graph = design_graph(project)
    by_name = graph.by_name()
    ids = sorted(by_name[n].pk for n in names if n in by_name)
    table_rows = list(DesignTable.objects.filter(pk__in=ids).order_by("position", "id"))
    tables = model_tables(table_rows, table_id__in=ids)
    return rows.schema_from_objects(tables, [], [])


def search_tables(
    project: Project, query: str, limit: int = SEARCH_LIMIT
) -> list[tuple[TableInfo, str]]:
    """Tables whose name, columns or comments contain ``query``, ranked by
    ``designer.diagram.graph.search``, at most ``limit``: two queries.

    The database narrows the candidates (case-insensitive LIKE); the ranking then runs on
    the candidates' names, column names and comments only.
    """
    q = query.strip()
    if not q:
        return []
    candidates = (
        DesignTable.objects.filter(project=project)
        .annotate(qualified=Concat("schema_name", Value("."), "name"))
        .filter(
            Q(qualified__icontains=q)
            | Q(comment__icontains=q)
            | Q(columns__name__icontains=q)
            | Q(columns__comment__icontains=q)
        )
        .values_list("pk", "uid", "schema_name", "name", "group", "comment")
        .distinct()
    )
    infos: dict[int, TableInfo] = {}
    comments: dict[int, str] = {}
    for pk, uid, schema_name, name, group, comment in candidates:
        infos[pk] = TableInfo(pk, uid, schema_name, name, group)
        comments[pk] = comment
    if not infos:
        return []
    cols: dict[int, list[Column]] = defaultdict(list)
    for table_id, name, comment in (
        DesignColumn.objects.filter(table_id__in=sorted(infos))
        .order_by("table_id", "position", "id")
        .values_list("table_id", "name", "comment")
    ):
        cols[table_id].append(Column(name, "", comment=comment or None))
    light = Schema(
        tables=tuple(
            Table(
                name=t.name,
                schema=t.schema,
                columns=tuple(cols[pk]),
                comment=comments[pk] or None,
            )
            for pk, t in infos.items()
        )
    )
    by_name = {t.qualified_name: t for t in infos.values()}
    return [(by_name[name], what) for name, what in search(light, query)[:limit]]
