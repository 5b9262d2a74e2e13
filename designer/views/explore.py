"""The Explorer: search, neighbourhoods, filters and saved views for designs of any size.

Every view here runs a fixed number of queries: the foreign-key graph comes from
``designer.selectors.graph`` (kept in memory per revision) and lists are paginated, so
a 3,000-table design answers as fast as a 30-table one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from designer.diagram.graph import find_table
from designer.diagram.render import RenderError
from designer.selectors.diagrams import (
    ASYNC_RENDER_TABLES,
    Pending,
    diagram_or_pending,
    project_around_tables,
    saved_view_options,
)
from designer.selectors.graph import SEARCH_LIMIT, design_graph, search_tables
from designer.services import saved_views
from designer.services.errors import DesignError
from designer.views.common import UNPROCESSABLE, HtmxHttpRequest
from projects.access import ProjectAccess, project_access
from projects.models import Role, SavedView

PAGE = "designer/explore.html"
TABLES_PER_PAGE = 100
VIEWS_PER_PAGE = 50
DEPTHS = (1, 2, 3)
MODES = (("all", "All columns"), ("keys", "Keys only"), ("names", "Names only"))
DIRECTIONS = (("LR", "Left to right"), ("TB", "Top to bottom"))
ERR_DRAW = "The diagram could not be drawn: {reason}"
HINT_SMALLER = (
    "Try the “Names only” mode, a smaller depth, a schema or group filter, "
    "or a single table's neighbourhood."
)


@dataclass(frozen=True)
class ExploreState:
    """What the Explorer shows, read from and written to the query string."""

    table: str = ""
    depth: int = 1
    mode: str = "all"
    direction: str = "LR"
    schema: str = ""
    group: str = ""
    saved: int | None = None
    whole: bool = False

    @classmethod
    def from_query(cls, data: QueryDict) -> ExploreState:
        depth = data.get("depth", "")
        saved = data.get("saved", "")
        return cls(
            table=data.get("table", "").strip(),
            depth=int(depth) if depth.isdigit() and int(depth) in DEPTHS else 1,
            mode=_choice(data.get("mode"), MODES),
            direction=_choice(data.get("direction"), DIRECTIONS),
            schema=data.get("schema", "").strip(),
            group=data.get("group", "").strip(),
            saved=int(saved) if saved.isdigit() else None,
            whole=data.get("whole") == "1",
        )

    def query(self, **changes: Any) -> str:
        """The query string of this state with ``changes``; defaults are left out."""
        state = replace(self, **changes)
        pairs = [
            ("table", state.table),
            ("depth", str(state.depth) if state.depth != 1 else ""),
            ("mode", state.mode if state.mode != "all" else ""),
            ("direction", state.direction if state.direction != "LR" else ""),
            ("schema", state.schema),
            ("group", state.group),
            ("saved", str(state.saved) if state.saved else ""),
            ("whole", "1" if state.whole else ""),
        ]
        return urlencode([(k, v) for k, v in pairs if v])

    def centred(self, table: str) -> str:
        """The query string that re-centres the Explorer on ``table``."""
        return self.query(table=table, saved=None, whole=False)


def _choice(value: str | None, choices: tuple[tuple[str, str], ...]) -> str:
    allowed = [c for c, _label in choices]
    return value if value in allowed else allowed[0]


def _page_number(data: QueryDict) -> int:
    value = data.get("page", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _table_href(slug: str, state: ExploreState) -> str:
    """The link on every table of a drawn diagram: re-centre on it, keeping the options."""
    rest = state.query(table="", saved=None, whole=False)
    base = reverse("explore", args=[slug]) + "?table={qualified}"
    return base + ("&" + rest if rest else "")


def diagram_context(access: ProjectAccess, state: ExploreState) -> dict[str, Any]:
    """The diagram area: a neighbourhood, a saved view, filtered tables or the whole design."""
    project = access.project
    graph = design_graph(project)
    options: dict[str, Any] = {"mode": state.mode, "direction": state.direction}
    ctx: dict[str, Any] = {"state": state, "centre": None, "view": None, "drawn": 0}
    if state.saved:
        view = get_object_or_404(SavedView, project=project, pk=state.saved)
        ctx["view"] = view
        options = saved_view_options(view)
        ctx["drawn"] = len(options["tables"]) if options["tables"] is not None else None
    elif state.table:
        try:
            names = project_around_tables(project, state.table, state.depth)
        except LookupError as exc:
            return {**ctx, "error": str(exc.args[0])}
        found = find_table(graph.schema, state.table)
        centre = graph.by_name()[found.qualified_name] if found else None
        ctx.update(centre=centre, neighbourhood=sorted(names), drawn=len(names))
        options.update(around=state.table, depth=state.depth)
    elif state.whole or state.schema or state.group:
        if state.schema or state.group:
            picked = graph.filtered(schema=state.schema, group=state.group)
            if not picked:
                return {**ctx, "error": "No table matches these filters."}
            options["tables"] = frozenset(t.qualified_name for t in picked)
            ctx["drawn"] = len(picked)
        else:
            ctx["drawn"] = len(graph.tables)
    else:
        return {**ctx, "idle": True, "table_count": len(graph.tables)}
    if ctx["drawn"] is None:
        ctx["drawn"] = len(graph.tables)
    options["table_href"] = _table_href(project.slug, state)
    try:
        result = diagram_or_pending(project, "svg", **options)
    except LookupError as exc:
        return {**ctx, "error": str(exc.args[0])}
    except RenderError as exc:
        return {**ctx, "error": ERR_DRAW.format(reason=exc), "hint": HINT_SMALLER}
    if isinstance(result, Pending):
        return {**ctx, "pending": result, "elapsed": int(result.elapsed)}
    return {**ctx, "svg": result.decode("utf-8")}


def _table_page(access: ProjectAccess, data: QueryDict) -> dict[str, Any]:
    graph = design_graph(access.project)
    schema, group, name = (data.get(k, "").strip() for k in ("schema", "group", "name"))
    tables = graph.filtered(schema=schema, group=group, name=name)
    return {
        "tables_page": Paginator(tables, TABLES_PER_PAGE).get_page(_page_number(data)),
        "table_filter": {"schema": schema, "group": group, "name": name},
        "schemas": graph.schemas,
        "groups": graph.groups,
    }


def _views_page(access: ProjectAccess, data: QueryDict) -> dict[str, Any]:
    views = SavedView.objects.filter(project=access.project).order_by("name", "id")
    return {"views_page": Paginator(views, VIEWS_PER_PAGE).get_page(_page_number(data))}


def _base(access: ProjectAccess, state: ExploreState) -> dict[str, Any]:
    return {
        "access": access,
        "project": access.project,
        "state": state,
        "depths": DEPTHS,
        "modes": MODES,
        "directions": DIRECTIONS,
        "async_threshold": ASYNC_RENDER_TABLES,
    }


@require_GET
def explore(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The Explorer page; asked by htmx it answers its main area (diagram and tools)."""
    access = project_access(request.user, slug, Role.VIEWER)
    state = ExploreState.from_query(request.GET)
    context = {**_base(access, state), **diagram_context(access, state)}
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{PAGE}#main", context)
    empty = QueryDict()
    filters = QueryDict(mutable=True)
    filters.update({"schema": state.schema, "group": state.group})
    return render(
        request, PAGE, {**context, **_table_page(access, filters), **_views_page(access, empty)}
    )


@require_GET
def explore_diagram(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The diagram alone: polled while a big picture is drawn, reloaded after an edit."""
    access = project_access(request.user, slug, Role.VIEWER)
    state = ExploreState.from_query(request.GET)
    return render(
        request, f"{PAGE}#diagram", {**_base(access, state), **diagram_context(access, state)}
    )


@require_GET
def explore_search(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    state = ExploreState.from_query(request.GET)
    q = request.GET.get("q", "")
    results = search_tables(access.project, q, SEARCH_LIMIT)
    context = {**_base(access, state), "q": q, "results": results, "limit": SEARCH_LIMIT}
    return render(request, f"{PAGE}#search-results", context)


@require_GET
def explore_tables(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    state = ExploreState.from_query(request.GET)
    context = {**_base(access, state), **_table_page(access, request.GET)}
    return render(request, f"{PAGE}#table-browser", context)


@require_http_methods(["GET", "POST"])
def saved_view_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the saved views, a page at a time. POST (editors): save a new one."""
    needed = Role.EDITOR if request.method == "POST" else Role.VIEWER
    access = project_access(request.user, slug, needed)
    state = ExploreState.from_query(request.GET)
    if request.method == "GET":
        context = {**_base(access, state), **_views_page(access, request.GET)}
        return render(request, f"{PAGE}#saved-views", context)
    post = request.POST
    try:
        view = saved_views.saved_view_create(
            actor=request.user,
            project=access.project,
            name=post.get("name", ""),
            tables=post.get("tables", "").splitlines(),
            schema_filter=post.get("schema_filter", "").strip(),
            group_filter=post.get("group_filter", "").strip(),
            mode=post.get("mode", "all"),
            direction=post.get("direction", "LR"),
        )
    except DesignError as exc:
        context = {**_base(access, state), **_views_page(access, QueryDict())}
        context.update(view_error=exc.message, view_draft=post)
        status = UNPROCESSABLE
        if request.htmx:
            return render(request, f"{PAGE}#saved-views", context, status=status)
        return HttpResponse(exc.message, status=status, content_type="text/plain; charset=utf-8")
    target = reverse("explore", args=[slug]) + "?" + ExploreState(saved=view.pk).query()
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@require_POST
def saved_view_delete(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(request.user, slug, Role.EDITOR)
    view = get_object_or_404(SavedView, project=access.project, pk=pk)
    saved_views.saved_view_delete(actor=request.user, view=view)
    if request.htmx:
        state = ExploreState.from_query(request.GET)
        context = {**_base(access, state), **_views_page(access, request.GET)}
        return render(request, f"{PAGE}#saved-views", context)
    return redirect("explore", slug=slug)
