"""What the workbench commands share: ``--rows TABLE=N`` and the key queries to run."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

ERR_ROWS = "--rows wants TABLE=N (a table name and a whole number), not “{value}”."
ERR_SCALE = "--scale must be a positive number."


def parse_rows(values: list[str] | None) -> dict[str, int]:
    rows: dict[str, int] = {}
    for value in values or ():
        table, sep, count = value.partition("=")
        if not sep or not table.strip() or not count.strip().isdigit():
            raise CommandError(ERR_ROWS.format(value=value), returncode=2)
        rows[table.strip()] = int(count)
    return rows


def check_scale(scale: float) -> float:
    if scale <= 0:
        raise CommandError(ERR_SCALE, returncode=2)
    return scale


def read_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from None
