"""The diagram: inline SVG for the editor, and files (svg, png, pdf, dot) to download."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from designer.diagram.limits import DrawingTooLarge
from designer.diagram.render import RenderError
from designer.diagram.svg_font import SVG_FILE_POLICY, with_font
from designer.models import DesignTable
from designer.selectors.advisor import diagram_markers
from designer.selectors.diagrams import (
    ASYNC_RENDER_TABLES,
    DIAGRAM_FORMATS,
    MEDIA_TYPES,
    Pending,
    diagram_or_pending,
    project_diagram,
)
from designer.views.common import EDITOR, HtmxHttpRequest
from projects.access import project_access
from projects.models import Role
from projects.services import unresolved_threads_by_anchor

DIRECTIONS = ("LR", "TB")
MODES = ("all", "keys", "names")
HINT_LARGE = "Try the “names” mode, or draw a neighbourhood in Explore."
ERR_RENDER = "The diagram could not be drawn: {reason}"


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else allowed[0]


def _large_inline(
    request, project, direction: str, mode: str, href: str | None, fold: bool
) -> HttpResponse:
    """A big design's editor diagram is drawn off the request path; the page polls for it.

    Badges are left out here: linting thousands of tables on every poll would cost more than
    the badges are worth (the advisor page lists every finding).
    """
    try:
        result = diagram_or_pending(
            project,
            "svg",
            direction=direction,
            mode=mode,
            table_href=href,
            canvas=True,
            fold_partitions=fold,
        )
    except RenderError as exc:
        message = ERR_RENDER.format(reason=exc) + " " + HINT_LARGE
        return render(request, f"{EDITOR}#diagram", {"render_error": message})
    if isinstance(result, Pending):
        context = {"pending": True, "elapsed": int(result.elapsed), "project": project}
        return render(request, f"{EDITOR}#diagram", context)
    return render(request, f"{EDITOR}#diagram", {"svg": inline_svg(result)})


def svg_file_response(data: bytes) -> HttpResponse:
    """An SVG file of the diagram: the font it was laid out for inside it, and a policy of its
    own (no script runs in it, nothing is fetched)."""
    response = HttpResponse(with_font(data), content_type=MEDIA_TYPES["svg"])
    response["Content-Security-Policy"] = SVG_FILE_POLICY
    return response


def inline_svg(data: bytes) -> str:
    """The <svg> element alone: the XML prolog and DOCTYPE are not allowed inside HTML."""
    text = data.decode("utf-8")
    return text[text.find("<svg") :]


@require_GET
def diagram(request: HtmxHttpRequest, slug: str, fmt: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    if fmt not in DIAGRAM_FORMATS:
        raise Http404("No such diagram format.")
    inline = bool(request.htmx) and fmt == "svg"
    # Inside the editor each table links to its panel; app.js turns the click into an hx-get.
    href = reverse("table_panel", args=[slug, "UID"]).replace("UID", "{id}") if inline else None
    # The editor's diagram shows advisor and comment badges; files only when asked, since a
    # picture for documentation rarely wants them.
    marked = inline or request.GET.get("markers") == "1"
    direction = _choice(request.GET.get("direction"), DIRECTIONS)
    mode = _choice(request.GET.get("mode"), MODES)
    # Partitions are folded into their parent unless asked for (the canvas's toggle).
    fold = request.GET.get("partitions") != "show"
    project = access.project
    # An unchanged design (same revision, options and open comment threads) comes from the
    # cache without reading the design, linting it or building DOT.
    if inline and DesignTable.objects.filter(project=project).count() > ASYNC_RENDER_TABLES:
        return _large_inline(request, project, direction, mode, href, fold)
    try:
        data = project_diagram(
            project,
            fmt,
            direction=direction,
            mode=mode,
            table_href=href,
            marker_source=(lambda schema: diagram_markers(project, schema)) if marked else None,
            # Open comment threads change the badges without changing the revision.
            marker_version=sorted(unresolved_threads_by_anchor(project).items())
            if marked
            else None,
            canvas=inline,
            fold_partitions=fold,
        )
    except RenderError as exc:
        message = ERR_RENDER.format(reason=exc)
        if inline:
            return render(request, f"{EDITOR}#diagram", {"render_error": message})
        # too big to draw is the request's fault (422); a failed drawing is ours (503)
        status = 422 if isinstance(exc, DrawingTooLarge) else 503
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if inline:
        return render(request, f"{EDITOR}#diagram", {"svg": inline_svg(data)})
    response = (
        svg_file_response(data)
        if fmt == "svg"
        else HttpResponse(data, content_type=MEDIA_TYPES[fmt])
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{slug}-diagram.{fmt}"'
    return response
