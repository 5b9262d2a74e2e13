"""Shared bits of the CLI: finding a project by slug, reading a schema file, writing output."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from designer.schema.model import Schema
from designer.services.imports import decode_upload, import_text
from designer.sql.readers.report import SchemaImportError
from projects.models import Project

BAD_INPUT = 2  # exit status when an input cannot be read (no such file, a file that does not parse)
ERR_NO_FILE = "{path}: no such file."
ERR_IMPORT = "{path}: {reason}"


def get_project(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise CommandError(f"No project with slug “{slug}”.")
    return project


def read_schema_file(path: str) -> Schema:
    """The design a SQL or DBML file holds (format detected), or exit ``BAD_INPUT``."""
    source = Path(path)
    if not source.is_file():
        raise CommandError(ERR_NO_FILE.format(path=path), returncode=BAD_INPUT)
    try:
        result = import_text(decode_upload(source.read_bytes()), "auto", filename=source.name)
    except SchemaImportError as exc:
        raise CommandError(ERR_IMPORT.format(path=path, reason=exc), returncode=BAD_INPUT) from None
    return result.schema


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
