"""``import_schema PROJECT FILE [--format …] [--create] [--rename OLD=NEW …]`` and
``import_schema PROJECT --dsn DSN``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from designer.services.errors import DesignError
from designer.services.imports import (
    FORMATS,
    apply_import,
    decode_upload,
    import_live,
    import_text,
    parse_renames,
)
from designer.sql.readers.report import SchemaImportError
from projects.models import Project
from projects.services import ProjectError, project_create


class Command(BaseCommand):
    help = (
        "Import SQL DDL, DBML or a live PostgreSQL database into a project. Without --create the "
        "project must exist and its working design is replaced atomically; objects whose "
        "qualified names match (or that --rename pairs) keep their identity, so a plan from a "
        "version before shows the real changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("file", nargs="?", help="SQL or DBML file ('-' for stdin)")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument("--dsn", help="read a live PostgreSQL database instead of a file")
        parser.add_argument("--create", action="store_true", help="create the project")
        parser.add_argument("--owner", default="admin", help="owner of a created project")
        parser.add_argument(
            "--rename",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="a rename since the last import: schema.table=new_table or "
            "schema.table.column=new_column (repeatable)",
        )

    def handle(self, *args, project, file, format, dsn, create, owner, rename, **options):
        if bool(file) == bool(dsn):
            raise CommandError("Give either FILE or --dsn DSN.")
        existing = Project.objects.filter(slug=project).first()
        if existing is None and not create:
            raise CommandError(f"No project with slug “{project}” (use --create to create it).")
        if existing is not None and create:
            raise CommandError(f"A project with slug “{project}” already exists.")
        try:
            renames = parse_renames(rename)
            if dsn:
                result = import_live(dsn, checked=False)  # the operator's own DSN
            else:
                source = Path(file)
                if file == "-":
                    import sys

                    data = sys.stdin.buffer.read()
                else:
                    if not source.is_file():
                        raise CommandError(f"{file}: no such file.")
                    data = source.read_bytes()
                text = decode_upload(data)
                result = import_text(text, format, filename=None if file == "-" else source.name)
        except SchemaImportError as exc:
            where = f"{file}: " if file else ""
            raise CommandError(f"{where}{exc}") from None
        try:
            with transaction.atomic():
                if existing is None:
                    user = get_user_model().objects.filter(username=owner).first()
                    if user is None:
                        raise CommandError(
                            f"No user “{owner}” to own the new project (see --owner)."
                        )
                    existing = project_create(owner=user, name=project, slug=project)
                apply_import(project=existing, schema=result.schema, renames=renames)
        except (DesignError, ProjectError, SchemaImportError) as exc:
            raise CommandError(str(exc)) from None
        report = result.report
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items() if v)
        self.stdout.write(f"Imported into {project}: {counts or 'nothing'}.")
        for w in report.warnings:
            self.stderr.write(f"warning: line {w.line}: {w.message}")
        if report.skipped:
            self.stderr.write(f"skipped {len(report.skipped)} statement(s) (data and settings):")
            for s in report.skipped[:50]:
                self.stderr.write(f"  line {s.line}: {s.kind} {s.summary}")
        if report.raw:
            self.stderr.write(f"kept {len(report.raw)} statement(s) as raw SQL:")
            for r in report.raw[:50]:
                self.stderr.write(f"  line {r.line}: {r.kind}")
