"""Undo history: what recording costs an edit, and how long undo takes, on a large design.

Baseline, measured in the same run: the same edit (column_add, the service the editor calls)
made without a signed-in actor, which records nothing. Targets: recording adds under 50 ms
to a one-table edit at 1,000 tables, whatever the design's size; undo of it under 1 s.
Run: .venv/bin/python benchmarks/bench_history.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ["ERD_VAR_DIR"] = tempfile.mkdtemp(prefix="erd-bench-history-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.pop("DATABASE_URL", None)

import django

django.setup()

from _gen import generate_schema  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from designer.models import DesignTable  # noqa: E402
from designer.services.columns import column_add  # noqa: E402
from designer.services.history import history_undo  # noqa: E402
from designer.services.schema import schema_replace  # noqa: E402
from projects.services import project_create  # noqa: E402

OVERHEAD_MS = 50
UNDO_MS = 1000


def ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    reps = 9 if quick else 25
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="pw-long-enough-1")
    failed = 0
    print("undo history: one-table edit with and without recording; undo of it")
    for n in (100, 1000) if quick else (100, 1000, 3000):
        project = project_create(owner=user, name=f"History {n}")
        schema_replace(project=project, schema=generate_schema(n))
        tables = list(DesignTable.objects.filter(project=project).order_by("id")[:reps])
        bare: list[float] = []
        recorded: list[float] = []
        for i, t in enumerate(tables):  # interleaved, so load on the machine hits both alike
            bare.append(ms(lambda t=t, i=i: column_add(table=t, name=f"b{i}", data_type="text")))
            recorded.append(
                ms(lambda t=t, i=i: column_add(actor=user, table=t, name=f"r{i}", data_type="text"))
            )
        undo = ms(lambda p=project: history_undo(actor=user, project=p))
        base, rec = statistics.median(bare), statistics.median(recorded)
        ok = rec - base < OVERHEAD_MS and undo < UNDO_MS
        failed += not ok
        print(
            f"  {'PASS' if ok else 'FAIL'}  {n:>5} tables: edit {base:.1f} ms bare, "
            f"{rec:.1f} ms recorded (+{rec - base:.1f} ms, ratio {rec / base:.2f}; "
            f"< +{OVERHEAD_MS} ms); undo {undo:.0f} ms (< {UNDO_MS} ms)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
