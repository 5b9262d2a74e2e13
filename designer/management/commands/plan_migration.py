"""``plan_migration PROJECT --from NAME --to NAME|working``: a safe, reversible migration plan."""

from django.core.management.base import BaseCommand, CommandError

from designer.management.commands._common import get_project, write_output
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
from designer.services.versions import WORKING, version_schema

EXIT_REHEARSAL_FAILED = 1
EXIT_DESTRUCTIVE = 3


class Command(BaseCommand):
    help = (
        "Plan the migration between two versions (or a version and the working design). "
        "Exit 3 when the plan is destructive and --allow-destructive is not given; "
        "exit 1 when --rehearse fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--from", dest="from_name", required=True, help="version name")
        parser.add_argument(
            "--to", dest="to_name", required=True, help=f"version name or {WORKING}"
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
        format,
        down,
        allow_destructive,
        rehearsal: bool,
        output,
        **options,
    ):
        proj = get_project(project)
        try:
            before = version_schema(proj, from_name)
            after = version_schema(proj, to_name)
        except DesignError as exc:
            raise CommandError(str(exc)) from None
        try:
            migration = plan(diff(before, after), allow_destructive=allow_destructive)
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
            text = plan_markdown(migration, title=f"{proj.name}: {from_name} → {to_name}")
        elif format == "json":
            text = plan_json(migration)
        else:
            text = down_sql(migration) if down else up_sql(migration)
        write_output(text if text.endswith("\n") else text + "\n", output)
