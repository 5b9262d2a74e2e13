"""ER diagram speed: the app's path (schema_to_dot + render) against bare ``dot -Tsvg``.

    .venv/bin/python benchmarks/bench_diagram.py [--quick]

For generated designs of 10, 100, 500 and 1000 tables (``--quick``: 10 and 100) it
prints the cold app time (empty cache), bare dot on the same DOT text, their
ratio, schema_to_dot alone, a cached re-render (schema_to_dot + cache hit) and a
keyed re-render (``render_keyed`` hit: no DOT built).
Targets: ratio <= 1.2 from 100 tables, cached < 20 ms, 1000 tables cold < 3 s.
Benchmarks report; they exit 0 whatever the figures.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _gen import generate_schema

from designer.diagram.dot import schema_to_dot
from designer.diagram.render import render, render_keyed

SIZES = (10, 100, 500, 1000)
QUICK_SIZES = (10, 100)
MAX_RATIO = 1.2
MAX_CACHED_S = 0.020
MAX_COLD_1000_S = 3.0


class DictCache:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        self.data[key] = value


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _bare_dot(dot: str) -> None:
    subprocess.run(["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, check=True)


def measure(n: int) -> dict[str, float]:
    schema = generate_schema(n)
    repeats = 5 if n <= 100 else 3
    dot = schema_to_dot(schema)
    app, bare = [], []
    for _ in range(repeats):
        # interleaved so machine noise hits both sides alike
        app.append(_timed(lambda: render(schema_to_dot(schema), "svg", cache=DictCache())))
        bare.append(_timed(lambda: _bare_dot(dot)))
    dot_only = min(_timed(lambda: schema_to_dot(schema)) for _ in range(10))
    warm = DictCache()
    render(schema_to_dot(schema), "svg", cache=warm)
    cached = min(
        _timed(lambda: render(schema_to_dot(schema), "svg", cache=warm)) for _ in range(10)
    )
    bare_s = statistics.median(bare)
    render_keyed("bench:1", lambda: schema_to_dot(schema), "svg", cache=warm)
    keyed = min(
        _timed(lambda: render_keyed("bench:1", lambda: schema_to_dot(schema), "svg", cache=warm))
        for _ in range(10)
    )
    app_s = statistics.median(app)
    return {
        "tables": n,
        "app": app_s,
        "bare": bare_s,
        "ratio": app_s / bare_s,
        "to_dot": dot_only,
        "cached": cached,
        "keyed": keyed,
    }


def main(argv: list[str]) -> int:
    sizes = QUICK_SIZES if "--quick" in argv else SIZES
    print(
        f"{'tables':>7} {'app cold s':>11} {'bare dot s':>11} {'ratio':>6} "
        f"{'to_dot ms':>10} {'cached ms':>10} {'keyed ms':>9}"
    )
    rows = []
    for n in sizes:
        r = measure(n)
        rows.append(r)
        print(
            f"{n:>7} {r['app']:>11.3f} {r['bare']:>11.3f} {r['ratio']:>6.2f} "
            f"{r['to_dot'] * 1000:>10.2f} {r['cached'] * 1000:>10.2f} {r['keyed'] * 1000:>9.3f}",
            flush=True,
        )
    print()
    for r in rows:
        n = int(r["tables"])
        if n >= 100:
            ok = r["ratio"] <= MAX_RATIO
            print(f"{'PASS' if ok else 'FAIL'}  {n} tables: ratio {r['ratio']:.2f} <= {MAX_RATIO}")
        ok = r["cached"] < MAX_CACHED_S
        print(
            f"{'PASS' if ok else 'FAIL'}  {n} tables: cached re-render "
            f"{r['cached'] * 1000:.1f} ms < {MAX_CACHED_S * 1000:.0f} ms"
        )
        if n == 1000:
            ok = r["app"] < MAX_COLD_1000_S
            print(
                f"{'PASS' if ok else 'FAIL'}  1000 tables: cold {r['app']:.2f} s "
                f"< {MAX_COLD_1000_S:.0f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
