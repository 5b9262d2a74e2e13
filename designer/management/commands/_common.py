"""Shared bits of the CLI: finding a project by slug, writing output."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from projects.models import Project


def get_project(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise CommandError(f"No project with slug “{slug}”.")
    return project


def write_output(data: str | bytes, path: str | None) -> None:
    if path:
        mode = "wb" if isinstance(data, bytes) else "w"
        with Path(path).open(mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        sys.stdout.write(data)
        sys.stdout.flush()
