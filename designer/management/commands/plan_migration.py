"""``plan_migration PROJECT --from NAME --to NAME|working`` or ``plan_migration --from-file OLD
--to-file NEW``: a safe, reversible migration plan.

Exit status: 0 with a plan, 3 when it is destructive and not allowed, 1 when the rehearsal fails
(or a version is unknown), 2 when a file cannot be read.
"""

from django.core.management.base import BaseCommand, CommandError

from designer.management.commands._common import get_project, read_schema_file, write_output
from designer.migrate import (
    DestructivePlanError,
    diff,
    down_sql,
    plan,
    plan_json,
    plan_markdown,
    up_sql,
)
from designer.migrate import rehearse as rehearse_plan
from designer.services.errors import DesignError
from designer.services.imports import parse_renames
from designer.services.versions import WORKING, version_schema
from designer.sql.readers.report import SchemaImportError

EXIT_REHEARSAL_FAILED = 1
EXIT_DESTRUCTIVE = 3
ERR_SOURCES = (
    "Give PROJECT with --from NAME and --to NAME, or --from-file OLD and --to-file NEW "
    "without a project."
)


class Command(BaseCommand):
    help = (
        "Plan the migration between two versions (or a version and the working design), or "
        "between two schema files without a project (--from-file, --to-file). Exit 3 when the plan is destructive and --allow-destructive is not given; "
        "exit 1 when --rehearse fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", nargs="?", help="the project's slug")
        parser.add_argument("--from", dest="from_name", help="version name")
        parser.add_argument("--to", dest="to_name", help=f"version name or {WORKING}")
        parser.add_argument("--from-file", help="SQL or DBML file of the design before")
        parser.add_argument("--to-file", help="SQL or DBML file of the design after")
        parser.add_argument(
            "--rename",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="a rename between the two: schema.table=new_table or "
            "schema.table.column=new_column (repeatable; files carry no identity)",
        )
        parser.add_argument("--format", default="sql", choices=["sql", "markdown", "json"])
        parser.add_argument("--down", action="store_true", help="write down.sql instead of up.sql")
        parser.add_argument("--allow-destructive", action="store_true")
        parser.add_argument(
            "--rehearse",
            dest="rehearsal",
            action="store_true",
            help="prove the plan on a real PostgreSQL first",
        )
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")

    def handle(
        self,
        *args,
        project,
        from_name,
        to_name,
        from_file,
        to_file,
        rename,
        format,
        down,
        allow_destructive,
        rehearsal: bool,
        output,
        **options,
    ):
        files = from_file is not None or to_file is not None
        versions = project is not None or from_name is not None or to_name is not None
        if files == versions or (files and not (from_file and to_file)):
            raise CommandError(ERR_SOURCES, returncode=2)
        if versions and not (project and from_name and to_name):
            raise CommandError(ERR_SOURCES, returncode=2)
        try:
            renames = parse_renames(rename)
        except SchemaImportError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if files:
            before, after = read_schema_file(from_file), read_schema_file(to_file)
            title = f"{from_file} → {to_file}"
        else:
            proj = get_project(project)
            try:
                before = version_schema(proj, from_name)
                after = version_schema(proj, to_name)
            except DesignError as exc:
                raise CommandError(str(exc)) from None
            title = f"{proj.name}: {from_name} → {to_name}"
        try:
            changes = diff(before, after, renames=renames)
            migration = plan(changes, allow_destructive=allow_destructive)
        except DestructivePlanError as exc:
            lines = [f"  - {s.description}" for s in exc.steps]
            raise CommandError(
                "The plan is destructive; re-run with --allow-destructive to accept:\n"
                + "\n".join(lines),
                returncode=EXIT_DESTRUCTIVE,
            ) from None
        if rehearsal:
            result = rehearse_plan(before, after, migration)
            if not result.passed:
                details = [*result.up_differences, *result.down_differences][:40]
                raise CommandError(
                    "Rehearsal failed:\n" + "\n".join(f"  {d}" for d in details),
                    returncode=EXIT_REHEARSAL_FAILED,
                )
            self.stderr.write("Rehearsal passed: up and down match both designs.")
        if format == "markdown":
            text = plan_markdown(migration, title=title)
        elif format == "json":
            text = plan_json(migration)
        else:
            text = down_sql(migration) if down else up_sql(migration)
        write_output(text if text.endswith("\n") else text + "\n", output)
