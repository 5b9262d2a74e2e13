"""Big designs: the FK-graph selectors, background whole-design renders, saved views, the CLI."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.diagram.graph import neighbourhood, search
from designer.diagram.render import ERR_TIMEOUT, RenderError
from designer.management.commands.render_erd import ERR_NO_VIEW
from designer.models import Job, JobState
from designer.selectors import diagrams
from designer.selectors.design import project_schema
from designer.selectors.diagrams import (
    Pending,
    diagram_or_pending,
    project_diagram,
    saved_view_tables,
)
from designer.selectors.graph import design_graph, search_tables, subset_schema
from designer.services.saved_views import saved_view_create
from designer.services.schema import schema_replace
from designer.services.tables import table_create
from projects.services import project_create

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from _gen import generate_schema

PASSWORD = "pw-long-enough-1"


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olive", password=PASSWORD)


def _project(owner, n: int, name: str = "Big"):
    project = project_create(owner=owner, name=name)
    schema_replace(project=project, schema=generate_schema(n))
    project.refresh_from_db()
    return project


@pytest.mark.django_db
def test_neighbourhood_from_the_fk_graph_equals_the_full_read(owner, django_assert_num_queries):
    project = _project(owner, 200)
    full = project_schema(project)
    with django_assert_num_queries(2):
        graph = design_graph(project)
    with django_assert_num_queries(0):  # remembered for this revision
        assert design_graph(project) is graph
    for table in full.tables[::17]:
        for depth in (1, 2, 3):
            expected = neighbourhood(full, table.qualified_name, depth)
            assert graph.around(table.name if depth == 2 else table.qualified_name, depth) == (
                expected
            )
    assert graph.around("no_such_table", 1) is None


@pytest.mark.django_db
def test_subset_schema_reads_only_the_tables_asked_in_four_queries(
    owner, django_assert_num_queries
):
    project = _project(owner, 200)
    full = project_schema(project)
    names = neighbourhood(full, full.tables[40].qualified_name, 2)
    design_graph(project)
    with django_assert_num_queries(4):
        subset = subset_schema(project, names)
    assert {t.qualified_name for t in subset.tables} == names
    for table in subset.tables:
        assert table == full.table(table.name, table.schema)
    # the drawing is the same as cutting the full design
    options = DiagramOptions(tables=names)
    assert _labels(schema_to_dot(subset, options)) == _labels(schema_to_dot(full, options))


def _labels(dot: str) -> list[str]:
    return sorted(line.split("[", 1)[1] for line in dot.splitlines() if "label=<" in line)


@pytest.mark.django_db
def test_cold_neighbourhood_render_runs_a_fixed_number_of_queries(
    owner, private_cache, django_assert_max_num_queries
):
    project = _project(owner, 200)
    target = project_schema(project).tables[120].qualified_name
    with django_assert_max_num_queries(6):
        dot = project_diagram(project, "dot", around=target, depth=2).decode()
    assert target.split(".")[1] in dot
    with django_assert_max_num_queries(0):
        project_diagram(project, "dot", around=target, depth=2)


@pytest.mark.django_db
def test_search_on_the_database_ranks_as_the_model_search(owner, django_assert_num_queries):
    project = _project(owner, 200)
    full = project_schema(project)
    for query in ("order", "ID", "synthetic table 1", "comment_", "zzz"):
        with django_assert_num_queries(2 if query != "zzz" else 1):
            found = search_tables(project, query, limit=50)
        assert [(t.qualified_name, what) for t, what in found] == search(full, query)[:50]


@pytest.mark.django_db
def test_saved_view_tables_from_hand_picked_names_or_filters(owner):
    project = _project(owner, 60)
    graph = design_graph(project)
    names = [t.qualified_name for t in graph.tables[:3]]
    picked = saved_view_create(project=project, name="Picked", tables=names, mode="names")
    assert saved_view_tables(picked) == frozenset(names)
    audit = saved_view_create(project=project, name="Audit", schema_filter="audit")
    assert saved_view_tables(audit) == {
        t.qualified_name for t in graph.tables if t.schema == "audit"
    }


@pytest.mark.django_db
def test_render_erd_view_draws_the_saved_view(owner, tmp_path, private_cache):
    project = _project(owner, 60)
    graph = design_graph(project)
    names = [t.qualified_name for t in graph.tables[:2]]
    saved_view_create(project=project, name="Two", tables=names, mode="names", direction="TB")
    out = tmp_path / "two.dot"
    call_command("render_erd", project.slug, "--format", "dot", "--view", "Two", "-o", str(out))
    dot = out.read_text()
    assert "rankdir=TB" in dot and "shape=box" in dot
    assert dot.count("label=") - dot.count("graph [label") == 2
    for name in names:
        assert name.split(".")[1] in dot
    with pytest.raises(
        CommandError,
        match=re.escape(ERR_NO_VIEW.format(name="Nope", project=project.slug, names="Two")),
    ):
        call_command("render_erd", project.slug, "--view", "Nope")
    with pytest.raises(CommandError, match="not both"):
        call_command("render_erd", project.slug, "--view", "Two", "--around", names[0])


def _wait(project, deadline_s: float, **options) -> bytes | Pending:
    start = time.monotonic()
    result = diagram_or_pending(project, "svg", **options)
    while isinstance(result, Pending) and time.monotonic() - start < deadline_s:
        time.sleep(0.2)
        result = diagram_or_pending(project, "svg", **options)
    return result


@pytest.mark.django_db(transaction=True)
def test_big_whole_design_is_drawn_in_the_background_once(owner, private_cache):
    project = _project(owner, 450)
    assert len(design_graph(project).tables) > diagrams.ASYNC_RENDER_TABLES
    first = diagram_or_pending(project, "svg", mode="names")
    assert isinstance(first, Pending)
    # asked again while drawing: the same render, not a second one
    second = diagram_or_pending(project, "svg", mode="names")
    assert isinstance(second, Pending) and second.started_at == first.started_at
    assert Job.objects.filter(project=project).count() == 1
    svg = _wait(project, 120, mode="names")
    assert isinstance(svg, bytes) and svg.startswith(b"<svg")
    assert svg.count(b'class="node"') == 450
    # from the cache now, and the same picture project_diagram gives
    assert diagram_or_pending(project, "svg", mode="names") == svg
    assert project_diagram(project, "svg", mode="names") == svg


@pytest.mark.django_db(transaction=True)
def test_small_design_is_drawn_at_once(owner, private_cache):
    project = _project(owner, 20)
    assert diagram_or_pending(project, "svg").startswith(b"<svg")


@pytest.mark.django_db(transaction=True)
def test_failed_background_render_is_reported_and_remembered(owner, private_cache, settings):
    project = _project(owner, 450)
    settings.ERD_DOT_TIMEOUT_SECONDS = 0.001
    assert isinstance(diagram_or_pending(project, "svg", mode="names"), Pending)
    with pytest.raises(RenderError, match=re.escape(ERR_TIMEOUT.format(seconds=0.001))):
        _wait(project, 60, mode="names")
    # remembered: the poller gets the message at once, no new render starts
    settings.ERD_DOT_TIMEOUT_SECONDS = 60
    with pytest.raises(RenderError, match="took longer than"):
        diagram_or_pending(project, "svg", mode="names")
    assert Job.objects.filter(project=project).count() == 1
    assert Job.objects.get(project=project).state == JobState.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_editor_diagram_of_a_big_design_polls_then_shows_the_picture(
    owner, private_cache, client
):
    project = _project(owner, 450)
    client.force_login(owner)
    url = f"/p/{project.slug}/diagram.svg?mode=names"
    first = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Drawing this large design in the background" in first
    assert 'hx-trigger="load delay:2s"' in first
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        if "<svg" in html:
            break
        time.sleep(0.5)
    assert "<svg" in html and html.count('class="node"') == 450


@pytest.mark.django_db(transaction=True)
def test_a_background_drawing_asked_for_before_an_edit_is_skipped_for_the_new_one(
    owner, private_cache
):
    """While a big design is being edited the worker draws the revision people wait for, not
    every revision someone once asked about."""
    project = _project(owner, 450)
    asked_at = project.revision
    table_create(project=project, name="added_later")
    project.refresh_from_db()
    skipped = diagrams.render_diagram_job(
        project_id=project.pk, fmt="svg", options={"mode": "names"}, revision=asked_at
    )
    assert skipped == {"superseded_by": project.revision}
    svg = _wait(project, 120, mode="names")
    assert isinstance(svg, bytes) and svg.count(b'class="node"') == 451
