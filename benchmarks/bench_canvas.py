"""Canvas speed: a dropped table re-rendered, and auto-arrange, against bare Graphviz.

    .venv/bin/python benchmarks/bench_canvas.py [--quick]

For generated designs of 100 and 500 tables (``--quick``: 100), every table placed where
``dot`` first put it and one table moved:
* drop: the app's path from placements to SVG (positions for every table, pinned DOT,
  ``neato -n2``; no cache) against bare ``dot -Kneato -n2 -Tsvg`` on the same DOT text;
* arrange: DOT, ``dot -Tplain`` and reading the positions back, against bare
  ``dot -Tplain`` on the same DOT text.
The database writes of a drop (one upsert) and the page's fetch are not included.
Targets: drop < 300 ms at 100 tables and < 1 s at 500; arrange within 1.2x of bare dot.
Benchmarks report; they exit 0 whatever the figures.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _gen import generate_schema

from designer.diagram.dot import DiagramOptions, schema_to_dot
from designer.diagram.layout import complete_positions, layout_positions
from designer.diagram.render import PINNED_ARGS, render

SIZES = (100, 500)
QUICK_SIZES = (100,)
DROP_TARGET_S = {100: 0.300, 500: 1.0}
MAX_ARRANGE_RATIO = 1.2


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _bare(args: list[str], dot: str) -> None:
    subprocess.run(["dot", *args], input=dot.encode("utf-8"), capture_output=True, check=True)


def measure(n: int) -> dict[str, float]:
    schema = generate_schema(n)
    options = DiagramOptions(canvas_ids=True)
    laid = layout_positions(schema, render(schema_to_dot(schema, options), "plain"))
    placed = {q: p for q, (p, _size) in laid.items()}
    moved = sorted(placed)[n // 2]
    # dropped in free space right of the drawing: a drop onto another table makes Graphviz
    # give up routing ("nodes touch - falling back to straight line edges"), which is fast
    # and not what a user sees after a clean drop
    right = max(x for x, _ in placed.values()) + 600.0
    placed[moved] = (right, placed[moved][1])

    def drop() -> bytes:
        positions = complete_positions(schema, options, placed)
        return render(schema_to_dot(schema, replace(options, positions=positions)), "svg")

    pinned_dot = schema_to_dot(
        schema, replace(options, positions=complete_positions(schema, options, placed))
    )
    plain_dot = schema_to_dot(schema, options)

    def arrange() -> object:
        return layout_positions(schema, render(schema_to_dot(schema, options), "plain"))

    repeats = 5 if n <= 100 else 3
    app_drop, bare_drop, app_arrange, bare_arrange = [], [], [], []
    for _ in range(repeats):
        # interleaved so machine noise hits both sides alike
        app_drop.append(_timed(drop))
        bare_drop.append(_timed(lambda: _bare([*PINNED_ARGS, "-Tsvg"], pinned_dot)))
        app_arrange.append(_timed(arrange))
        bare_arrange.append(_timed(lambda: _bare(["-Tplain"], plain_dot)))
    drop_s, bare_drop_s = statistics.median(app_drop), statistics.median(bare_drop)
    arrange_s, bare_arrange_s = statistics.median(app_arrange), statistics.median(bare_arrange)
    return {
        "tables": n,
        "drop": drop_s,
        "bare_drop": bare_drop_s,
        "drop_ratio": drop_s / bare_drop_s,
        "arrange": arrange_s,
        "bare_arrange": bare_arrange_s,
        "arrange_ratio": arrange_s / bare_arrange_s,
    }


def main(argv: list[str]) -> int:
    sizes = QUICK_SIZES if "--quick" in argv else SIZES
    print(
        f"{'tables':>7} {'drop s':>8} {'bare neato -n2 s':>17} {'ratio':>6} "
        f"{'arrange s':>10} {'bare dot s':>11} {'ratio':>6}"
    )
    rows = []
    for n in sizes:
        r = measure(n)
        rows.append(r)
        print(
            f"{n:>7} {r['drop']:>8.3f} {r['bare_drop']:>17.3f} {r['drop_ratio']:>6.2f} "
            f"{r['arrange']:>10.3f} {r['bare_arrange']:>11.3f} {r['arrange_ratio']:>6.2f}",
            flush=True,
        )
    print()
    for r in rows:
        n = int(r["tables"])
        target = DROP_TARGET_S[n]
        ok = r["drop"] < target
        print(
            f"{'PASS' if ok else 'FAIL'}  {n} tables: drop -> SVG {r['drop'] * 1000:.0f} ms "
            f"< {target * 1000:.0f} ms (ratio {r['drop_ratio']:.2f} to bare neato -n2)"
        )
        ok = r["arrange_ratio"] <= MAX_ARRANGE_RATIO
        print(
            f"{'PASS' if ok else 'FAIL'}  {n} tables: auto-arrange ratio "
            f"{r['arrange_ratio']:.2f} <= {MAX_ARRANGE_RATIO} to bare dot"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
