import re

import pytest

from designer.demo import demo_schema
from designer.diagram import render as render_module
from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.diagram.render import (
    ERR_DOT_FAILED,
    ERR_DOT_MISSING,
    ERR_FORMAT,
    ERR_MEMORY,
    ERR_TIMEOUT,
    RenderError,
    cache_key,
    render,
    render_keyed,
)
from designer.schema.model import Column, ForeignKey, PrimaryKey, Schema, Table


class DictCache:
    """The get/set part of Django's cache API, counting hits."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.hits = 0

    def get(self, key: str) -> bytes | None:
        value = self.data.get(key)
        self.hits += value is not None
        return value

    def set(self, key: str, value: bytes) -> None:
        self.data[key] = value


def _big_schema(n: int) -> Schema:
    """A chain-and-hub design big enough to keep dot busy for a while."""
    tables = []
    for i in range(n):
        fks = []
        columns = [Column("id", "bigint", nullable=False)]
        for parent in {i - 1, i // 2, i // 7} if i else ():
            columns.append(Column(f"p{parent}_id", "bigint"))
            fks.append(ForeignKey((f"p{parent}_id",), f"t{parent}", ("id",)))
        columns += [Column(f"c{j}", "text") for j in range(6)]
        tables.append(
            Table(
                f"t{i}",
                columns=tuple(columns),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=tuple(fks),
                group=f"g{i % 9}",
            )
        )
    return Schema(tables=tuple(tables))


HOSTILE = [
    "<script>alert(1)</script>",
    '"; drop [label=x]',
    "a & b > c < d",
    "back\\slash\\",
    "new\nline\r\ttab",
    "ünïcødé 表 🐘",
    "nul\x00and\x07bell",
    "]]> <!-- -->",
]


def test_svg_is_inlineable_and_escapes_hostile_names():
    tables = tuple(
        Table(
            name,
            schema=name if i % 2 else "public",
            columns=(Column(name, name, nullable=False, comment=name),),
            comment=name,
            group=name,
        )
        for i, name in enumerate(HOSTILE)
    )
    dot = schema_to_dot(
        Schema(tables=tables),
        DiagramOptions(table_href="/t/{name}/", markers={t.qualified_name: "⚠ 1" for t in tables}),
    )
    svg = render(dot, "svg").decode("utf-8")
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "&lt;script&gt;" in svg
    assert "<script" not in svg.lower()
    # every hostile table made it into the picture
    assert len(re.findall(r'<g id="node\d+" class="node">', svg)) == len(HOSTILE)


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [("svg", b"<svg"), ("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")],
)
def test_real_render_per_format(fmt, magic):
    out = render(schema_to_dot(demo_schema()), fmt)
    assert out.startswith(magic)


def test_dot_format_returns_the_source():
    dot = schema_to_dot(demo_schema())
    assert render(dot, "dot") == dot.encode("utf-8")


def test_unknown_format_is_refused():
    with pytest.raises(RenderError) as exc:
        render("digraph {}", "gif")  # type: ignore[arg-type]
    assert str(exc.value) == ERR_FORMAT.format(fmt="gif")


def test_second_render_is_served_from_the_cache(monkeypatch):
    cache = DictCache()
    dot = schema_to_dot(demo_schema())
    first = render(dot, "svg", cache=cache)
    assert cache.hits == 0 and cache.data == {cache_key(dot, "svg"): first}
    # with no Graphviz on PATH only the cache can answer
    monkeypatch.setenv("PATH", "/nonexistent")
    assert render(dot, "svg", cache=cache) == first
    assert cache.hits == 1
    with pytest.raises(RenderError):
        render(dot, "png", cache=cache)


def test_cache_key_depends_on_format_and_source():
    assert cache_key("digraph {}", "svg").startswith("erd:")
    assert cache_key("digraph {}", "svg") != cache_key("digraph {}", "png")
    assert cache_key("digraph {}", "svg") != cache_key("digraph { a }", "svg")


def test_missing_graphviz_says_how_to_install_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError) as exc:
        render("digraph { a }", "svg")
    assert str(exc.value) == ERR_DOT_MISSING


def test_timeout_suggests_a_smaller_view():
    dot = schema_to_dot(_big_schema(400))
    with pytest.raises(RenderError) as exc:
        render(dot, "svg", timeout=0.05)
    assert str(exc.value) == ERR_TIMEOUT.format(seconds=0.05)
    assert "names" in str(exc.value)


def test_graphviz_errors_are_passed_on():
    with pytest.raises(RenderError) as exc:
        render("digraph { a -> }", "svg")
    assert str(exc.value).startswith(ERR_DOT_FAILED.format(detail=""))
    assert "syntax error" in str(exc.value)


def test_output_over_the_size_limit_is_refused():
    with pytest.raises(RenderError) as exc:
        render(schema_to_dot(demo_schema()), "svg", max_bytes=1000)
    assert "larger than" in str(exc.value)


def test_memory_limit_stops_a_runaway_layout(monkeypatch):
    assert render_module.MEMORY_LIMIT_BYTES == 2 * 1024**3
    # 40 MB is far too little for this graph: dot must fail, not the server
    monkeypatch.setattr(render_module, "MEMORY_LIMIT_BYTES", 40 * 1024**2)
    with pytest.raises(RenderError) as exc:
        render(schema_to_dot(_big_schema(300)), "svg")
    assert str(exc.value) == ERR_MEMORY


def test_render_keyed_skips_building_the_dot_on_a_hit():
    cache = DictCache()
    built = []

    def make_dot() -> str:
        built.append(1)
        return schema_to_dot(demo_schema())

    first = render_keyed("project-1:rev-7", make_dot, "svg", cache=cache)
    assert first.startswith(b"<svg") and built == [1]
    assert render_keyed("project-1:rev-7", make_dot, "svg", cache=cache) == first
    assert built == [1]
    # a new revision builds again; the DOT-hash entry means dot itself does not run
    assert render_keyed("project-1:rev-8", make_dot, "svg", cache=cache) == first
    assert built == [1, 1] and cache.hits == 2


def test_a_placed_picture_of_hundreds_of_tables_draws_its_edges_as_curves():
    """Placed tables are drawn by neato -n2; routing edges around 500 tables took Graphviz
    47 s, so big placed pictures draw their edges as curves instead (the cost is measured in
    ``make bench``'s pictures, not here). Every edge is still drawn."""
    from designer.diagram.dot import PINNED_ROUTED_TABLES

    n = 200
    tables = tuple(
        Table(
            f"t{i}",
            columns=(Column("id", "bigint", nullable=False), Column("parent_id", "bigint")),
            primary_key=PrimaryKey(("id",)),
            foreign_keys=(ForeignKey(("parent_id",), f"t{(i * 7) % n}", ("id",)),) if i else (),
        )
        for i in range(n)
    )
    positions = {f"public.t{i}": (float(i % 20) * 220, float(i // 20) * -160) for i in range(n)}
    source = schema_to_dot(Schema(tables=tables), DiagramOptions(positions=positions))
    assert n > PINNED_ROUTED_TABLES and "splines=curved" in source
    svg = render(source, "svg").decode()
    assert svg.count('class="edge"') == n - 1
    small = schema_to_dot(
        Schema(tables=tables[:10]), DiagramOptions(positions=dict(list(positions.items())[:10]))
    )
    assert "splines=spline" in small  # a small placed picture still routes around its tables


def test_dot_runs_bounded_in_memory_and_a_big_picture_at_a_lower_priority():
    """The limits are put on the running child (the app spawns it without forking itself):
    the memory bound always, a lower priority for a big picture, before any input is sent."""
    import os
    import resource

    for niceness in (0, render_module.YIELD_NICENESS):
        proc = render_module._spawn_dot(["cat"], None, niceness)
        try:
            limit = resource.prlimit(proc.pid, resource.RLIMIT_AS)
            assert limit == (render_module.MEMORY_LIMIT_BYTES,) * 2
            own = os.getpriority(os.PRIO_PROCESS, 0)
            assert os.getpriority(os.PRIO_PROCESS, proc.pid) == own + niceness
        finally:
            proc.communicate(b"")
