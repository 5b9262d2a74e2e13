"""Project diagrams: the design's schema drawn by Graphviz, cached by DOT hash.

Subsets (a neighbourhood, a saved view) read only their tables' rows
(``designer.selectors.graph``), so their cost follows the picture, not the design.
Whole pictures of big designs are drawn off the request path: ``diagram_or_pending``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from designer import jobs, locks
from designer.diagram import dot as dot_module
from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.diagram.graph import find_table, neighbourhood
from designer.diagram.limits import check_drawable
from designer.diagram.render import RenderError, render, render_keyed
from designer.models import Job, JobState
from designer.schema.model import Schema
from designer.selectors.design import project_schema
from designer.selectors.graph import design_graph, subset_schema
from designer.selectors.layout import layout_stamp, pinned_positions, placements
from projects.models import Project, SavedView

logger = logging.getLogger(__name__)

DIAGRAM_FORMATS = ["svg", "png", "pdf", "dot"]
MEDIA_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz",
}


def schema_diagram(schema: Schema, fmt: str, options: DiagramOptions) -> bytes:
    check_drawable(schema, options, settings.ERD_MAX_DIAGRAM_ROWS)
    return render(
        schema_to_dot(schema, options),
        fmt,  # type: ignore[arg-type]
        timeout=settings.ERD_DOT_TIMEOUT_SECONDS,
        cache=cache,
    )


def project_diagram(
    project: Project,
    fmt: str = "svg",
    *,
    direction: str = "LR",
    mode: str = "all",
    table_href: str | None = None,
    markers: dict[str, str] | None = None,
    around: str | None = None,
    depth: int = 1,
    tables: frozenset[str] | None = None,
    marker_source: Callable[[Schema], Mapping[str, str]] | None = None,
    marker_version: object = None,
    view: SavedView | None = None,
    canvas: bool = False,
    fold_partitions: bool = True,
) -> bytes:
    """Render the project's design; ``around`` limits it to a table's neighbourhood.

    The whole design (and a saved ``view``) is drawn where the user placed its tables
    (``designer.selectors.layout``); neighbourhoods and other subsets are laid out by
    ``dot``. ``canvas`` adds the ids the editor's canvas drags and clicks.

    A re-render of an unchanged design is a cache hit on a cheap key (the project's
    revision and the options), without reading the design or building DOT.
    ``marker_source`` computes badges from the schema only on a cache miss (linting a
    design is dearer than the key); ``marker_version`` is whatever, beside the revision,
    changes those badges (open comment threads, say) and goes into the key.
    Raises ``LookupError`` with a message naming the table when ``around`` is unknown.
    """
    placed_layout = around is None and (tables is None or view is not None)
    key = _diagram_key(
        project,
        direction,
        mode,
        table_href,
        markers,
        around,
        depth,
        tables,
        marker_version,
        layout=_layout_key(project, view, placed_layout, canvas, fold_partitions),
    )

    def make_dot() -> str:
        subset = tables
        if around:
            subset = project_around_tables(project, around, depth)
        # A subset reads only its own tables' rows: a neighbourhood of 3,000 tables costs
        # what a 20-table design does.
        schema = subset_schema(project, subset) if subset is not None else project_schema(project)
        options = DiagramOptions(
            direction=direction,  # type: ignore[arg-type]
            mode=mode,  # type: ignore[arg-type]
            table_href=table_href,
            markers=marker_source(schema) if marker_source else markers or {},
            tables=subset,
            canvas_ids=canvas,
            fold_partitions=fold_partitions,
        )
        if placed_layout:
            positions = pinned_positions(schema, options, placements(project, view))
            if positions is not None:
                options = replace(options, positions=positions)
        check_drawable(schema, options, settings.ERD_MAX_DIAGRAM_ROWS)
        return schema_to_dot(schema, options)

    fast_key = _fast_key(fmt, key)
    hit = cache.get(fast_key)
    if isinstance(hit, bytes):
        return hit
    # One render per key across every process: a second asker waits for the first one's
    # picture (render_keyed then finds it in the cache) instead of running dot again.
    wait = settings.ERD_DOT_TIMEOUT_SECONDS + LOCK_EXTRA_SECONDS
    lock = locks.wait_for("render:" + fast_key, ttl=wait, timeout=wait)
    try:
        return render_keyed(
            key,  # canvas (and so the text metrics) is part of its layout key
            make_dot,
            fmt,  # type: ignore[arg-type]
            timeout=settings.ERD_DOT_TIMEOUT_SECONDS,
            cache=cache,
            # the canvas draws text in Arimo (the page's font) and an SVG file carries it
            # (designer.diagram.svg_font): Arial's widths, which Graphviz knows itself
            text_metrics="builtin",
        )
    finally:
        if lock is not None:
            lock.release()


# The cheap cache key must change when the drawing code does.
_DIAGRAM_CODE = hashlib.sha256(Path(dot_module.__file__).read_bytes()).hexdigest()[:12]
ERR_NO_TABLE = "No table “{name}” in this design."
MAX_DEPTH = 5


def around_tables(schema: Schema, name: str, depth: int = 1) -> frozenset[str]:
    """Qualified names of ``name`` (qualified or not) and its neighbours up to ``depth`` hops."""
    table = find_table(schema, name)
    if table is None:
        raise LookupError(ERR_NO_TABLE.format(name=name))
    return neighbourhood(schema, table.qualified_name, max(0, min(depth, MAX_DEPTH)))


def project_around_tables(project: Project, name: str, depth: int = 1) -> frozenset[str]:
    """``around_tables`` on the project's FK graph, remembered per revision (no rows read)."""
    names = design_graph(project).around(name, max(0, min(depth, MAX_DEPTH)))
    if names is None:
        raise LookupError(ERR_NO_TABLE.format(name=name))
    return names


def _diagram_key(
    project: Project,
    direction: str,
    mode: str,
    table_href: str | None,
    markers: dict[str, str] | None,
    around: str | None,
    depth: int,
    tables: frozenset[str] | None,
    marker_version: object = None,
    layout: object = None,
) -> str:
    """The cheap cache key of a project picture: the design's revision, the options and
    the placements (``_layout_key``), which change without a revision."""
    return repr(
        (
            _DIAGRAM_CODE,
            project.pk,
            # tells apart two projects that reuse a primary key (a reset database)
            str(project.created_at),
            project.revision,
            direction,
            mode,
            table_href,
            sorted((markers or {}).items()),
            around,
            depth,
            sorted(tables) if tables is not None else None,
            marker_version,
            layout,
        )
    )


def _layout_key(
    project: Project, view: SavedView | None, placed: bool, canvas: bool, fold: bool
) -> object:
    return (layout_stamp(project, view) if placed else None, view and view.pk, canvas, fold)


def _fast_key(fmt: str, key: str) -> str:
    # The key render_keyed stores its result under.
    return "erd:k:" + hashlib.sha256(f"{fmt}:{key}".encode()).hexdigest()


# -- whole pictures of big designs, off the request path ------------------------------

# Above this many tables drawn, a picture not in the cache is drawn in the background.
ASYNC_RENDER_TABLES = 400
# How long a failure is remembered: the poller stops, and a retry is possible soon after.
FAILURE_SECONDS = 60
# The lock outlives the longest render (reading the design, DOT, dot's own time limit).
LOCK_EXTRA_SECONDS = 120
ERR_BACKGROUND = (
    "The diagram could not be drawn because of an internal error. Try again in a minute, "
    "or draw a table's neighbourhood or the “names” mode."
)


@dataclass(frozen=True)
class Pending:
    """A picture being drawn in the background since ``started_at`` (``time.time()``)."""

    started_at: float

    @property
    def elapsed(self) -> float:
        return max(0.0, time.time() - self.started_at)


def _drawn_count(project: Project, options: dict[str, Any]) -> int:
    if options.get("around"):
        return len(project_around_tables(project, options["around"], options.get("depth", 1)))
    if options.get("tables") is not None:
        return len(options["tables"])
    return len(design_graph(project).tables)


def render_diagram_job(
    *, project_id: int, fmt: str, options: dict[str, Any], revision: int = 0
) -> dict[str, Any]:
    """The job (``designer.jobs``) drawing a big picture into the cache; ``revision`` only
    tells apart the jobs of two revisions. A failure is remembered for ``FAILURE_SECONDS``
    for the pollers. Safe to run again after a killed worker: it writes nothing but the
    picture into the cache, under a key of what is drawn, so a re-run draws the same one."""
    project = Project.objects.get(pk=project_id)
    if revision and project.revision != revision:
        # Edited since it was asked for: whoever waits asks again at the new revision, which
        # queues its own job. Drawing now would keep the worker busy with pictures no one
        # waits for while a design is being edited (a 500-table drawing takes seconds).
        return {"superseded_by": project.revision}
    options = _decode_options(options)
    fast_key = _fast_key(fmt, _options_key(project, options))
    try:
        out = project_diagram(project, fmt, **options)
    except (RenderError, LookupError) as exc:
        cache.set(fast_key + ":failed", str(exc.args[0] if exc.args else exc), FAILURE_SECONDS)
        raise jobs.JobError(str(exc.args[0] if exc.args else exc)) from None
    except Exception:
        cache.set(fast_key + ":failed", ERR_BACKGROUND, FAILURE_SECONDS)
        raise
    return {"bytes": len(out)}


def _encode_options(options: dict[str, Any]) -> dict[str, Any]:
    """``project_diagram`` options as JSON for a job: table sets sorted, a view by its id."""
    encoded = dict(options)
    if encoded.get("tables") is not None:
        encoded["tables"] = sorted(encoded["tables"])
    if encoded.get("view") is not None:
        encoded["view"] = encoded["view"].pk
    return encoded


def _decode_options(options: dict[str, Any]) -> dict[str, Any]:
    decoded = dict(options)
    if decoded.get("tables") is not None:
        decoded["tables"] = frozenset(decoded["tables"])
    if decoded.get("view") is not None:
        decoded["view"] = SavedView.objects.get(pk=decoded["view"])
    return decoded


def _options_key(project: Project, options: dict[str, Any]) -> str:
    return _diagram_key(
        project,
        options.get("direction", "LR"),
        options.get("mode", "all"),
        options.get("table_href"),
        options.get("markers"),
        options.get("around"),
        options.get("depth", 1),
        options.get("tables"),
        layout=_layout_key(
            project,
            options.get("view"),
            options.get("around") is None
            and (options.get("tables") is None or options.get("view") is not None),
            options.get("canvas", False),
            options.get("fold_partitions", True),
        ),
    )


def diagram_or_pending(project: Project, fmt: str = "svg", **options: Any) -> bytes | Pending:
    """The picture ``project_diagram(project, fmt, **options)`` would give, or ``Pending``.

    A cached picture is returned at once. One drawing more than ``ASYNC_RENDER_TABLES``
    tables that is not cached becomes a job (``designer.jobs``: a Celery worker, or a thread
    without a broker; one job per picture across all processes) and ``Pending`` comes back at
    once; ask again to get the picture. Smaller pictures are drawn here. Raises
    ``RenderError`` when the drawing failed (remembered for ``FAILURE_SECONDS``) and
    ``LookupError`` for an unknown ``around`` table.
    """
    fast_key = _fast_key(fmt, _options_key(project, options))
    hit = cache.get(fast_key)
    if isinstance(hit, bytes):
        return hit
    failed = cache.get(fast_key + ":failed")
    if isinstance(failed, str):
        raise RenderError(failed)
    if _drawn_count(project, options) <= ASYNC_RENDER_TABLES:
        return project_diagram(project, fmt, **options)
    job_id = jobs.enqueue(
        "designer.selectors.diagrams.render_diagram_job",
        project_id=project.pk,
        fmt=fmt,
        options=_encode_options(options),
        revision=project.revision,
    )
    job = Job.objects.filter(pk=job_id).values("state", "created_at").first()
    if job is not None and job["state"] in (JobState.DONE, JobState.FAILED):
        # finished already (eager jobs, or a fast worker): the picture or its failure is there
        hit = cache.get(fast_key)
        if isinstance(hit, bytes):
            return hit
        failed = cache.get(fast_key + ":failed")
        if isinstance(failed, str):
            raise RenderError(failed)
    started = job["created_at"].timestamp() if job is not None else time.time()
    return Pending(started)


# -- saved views (subject areas) ---------------------------------------------------------


def saved_view_tables(view: SavedView) -> frozenset[str] | None:
    """The qualified names a saved view draws: its hand-picked tables, else the tables its
    schema and group filters let through, else None (the whole design)."""
    if view.tables:
        return frozenset(view.tables)
    if view.schema_filter or view.group_filter:
        graph = design_graph(view.project)
        picked = graph.filtered(schema=view.schema_filter, group=view.group_filter)
        return frozenset(t.qualified_name for t in picked)
    return None


def saved_view_options(view: SavedView) -> dict[str, Any]:
    """The ``project_diagram`` options that draw ``view``."""
    return {
        "direction": view.direction,
        "mode": view.mode,
        "tables": saved_view_tables(view),
        "view": view,
    }


def saved_view_diagram(
    view: SavedView, fmt: str = "svg", *, table_href: str | None = None
) -> bytes:
    """The picture of a saved view, drawn now (the command line, downloads)."""
    return project_diagram(view.project, fmt, table_href=table_href, **saved_view_options(view))
