"""``lint_schema PROJECT`` or ``lint_schema --file FILE``: the design advisor for CI pipelines.

Exit status: 0 when no finding reaches ``--fail-on`` (default ``error``), 1 when one does,
2 when the input cannot be read (no such project or file, a file that does not parse).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from designer.advisor import Finding, findings_to_json, lint
from designer.advisor.engine import SEVERITIES
from designer.management.commands._common import BAD_INPUT, read_schema_file
from designer.selectors.advisor import project_findings
from projects.models import Project

ERR_PROJECT_OR_FILE = "Give either PROJECT or --file FILE."
ERR_NO_PROJECT = "No project with slug “{slug}”."
SUMMARY = "{total} finding{s}: {error} error(s), {warning} warning(s), {info} info."


class Command(BaseCommand):
    help = (
        "Lint a project's working design, or a SQL/DBML file, with the design advisor. "
        "Exits 1 when a finding at or above --fail-on exists, 2 on unreadable input."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", nargs="?", help="the project's slug")
        parser.add_argument("--file", help="lint a SQL or DBML file instead of a project")
        parser.add_argument("--format", default="text", choices=("text", "json"))
        parser.add_argument("--fail-on", default="error", choices=SEVERITIES)

    def handle(self, *args, project, file, format, fail_on, **options):
        if bool(project) == bool(file):
            raise CommandError(ERR_PROJECT_OR_FILE, returncode=BAD_INPUT)
        findings = _file_findings(file) if file else _project_findings(project)
        if format == "json":
            self.stdout.write(json.dumps(findings_to_json(findings), indent=2, ensure_ascii=False))
        else:
            self._write_text(findings)
        limit = SEVERITIES.index(fail_on)
        failing = [f for f in findings if SEVERITIES.index(f.severity) <= limit]
        if failing:
            raise CommandError(f"{len(failing)} finding(s) at or above “{fail_on}”.", returncode=1)

    def _write_text(self, findings: list[Finding]) -> None:
        for f in findings:
            self.stdout.write(f"{f.severity:<7}  {f.rule}  {f.object}  {f.message}")
        counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
        total = len(findings)
        self.stdout.write(SUMMARY.format(total=total, s="" if total == 1 else "s", **counts))


def _project_findings(slug: str) -> list[Finding]:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise CommandError(ERR_NO_PROJECT.format(slug=slug), returncode=BAD_INPUT)
    return project_findings(project)


def _file_findings(path: str) -> list[Finding]:
    return lint(read_schema_file(path))
