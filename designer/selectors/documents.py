"""The design document of a project: the schema, the diagram, advisor findings, latest plan."""

from __future__ import annotations

from django.urls import reverse

from designer.export.document import design_document_html, design_document_markdown
from designer.export.markdown_html import markdown_to_html
from designer.migrate import DestructivePlanError, diff, plan, plan_markdown
from designer.models import WorkbenchRun
from designer.schema.model import Schema
from designer.schema.serialize import schema_from_json
from designer.selectors.advisor import project_findings
from designer.selectors.design import project_schema
from designer.sql.ddl import ExportResult
from designer.workbench.report import markdown_report
from projects.models import Project, Version


def latest_plan_markdown(project: Project, schema: Schema) -> str | None:
    """The migration plan from the newest version to the working design, if there is one."""
    version = Version.objects.filter(project=project).order_by("-created_at", "-id").first()
    if version is None:
        return None
    changes = diff(schema_from_json(version.schema_json), schema)
    if not changes:
        return None
    try:
        migration = plan(changes, allow_destructive=True)
    except DestructivePlanError:  # pragma: no cover - allowed above
        return None
    return plan_markdown(migration, title=f"{version.name} → working design")


def latest_workbench_markdown(project: Project) -> str | None:
    """For each key query of the latest finished workbench run: the problem plan, the
    optimised plan, the indexes applied and the measured gain."""
    result = (
        WorkbenchRun.objects.filter(project=project, state=WorkbenchRun.State.DONE)
        .values_list("result", flat=True)
        .first()
    )
    return markdown_report(result, heading="###") if result else None


def project_document(project: Project, fmt: str = "html") -> ExportResult:
    """The design document as HTML (for the browser) or Markdown (to download)."""
    schema = project_schema(project)
    kwargs = {
        "title": project.name,
        "diagram_svg_path": reverse("diagram", args=[project.slug, "svg"]) + "?download=0"
        if fmt == "html"
        else f"{project.slug}-diagram.svg",
        "advisor_findings": project_findings(project, schema=schema),
        "migration_plan_markdown": latest_plan_markdown(project, schema),
        "workbench_markdown": latest_workbench_markdown(project),
    }
    if fmt == "markdown":
        return design_document_markdown(schema, **kwargs)  # type: ignore[arg-type]
    return design_document_html(schema, **kwargs)  # type: ignore[arg-type]


def project_document_page(project: Project) -> tuple[str, str, tuple[str, ...]]:
    """The design document for the browser: (its Markdown, that Markdown as HTML, warnings).

    One Markdown text is both shown and copied, so what "copy Markdown" gives is what you read;
    its Mermaid block is drawn as the design's diagram (see export.markdown_html).
    """
    schema = project_schema(project)
    svg_url = reverse("diagram", args=[project.slug, "svg"]) + "?download=0"
    result = design_document_markdown(
        schema,
        title=project.name,
        diagram_svg_path=svg_url,
        advisor_findings=project_findings(project, schema=schema),
        migration_plan_markdown=latest_plan_markdown(project, schema),
    )
    alt = f"Entity-relationship diagram of {project.name}"
    return result.text, markdown_to_html(result.text, mermaid_image=(svg_url, alt)), result.warnings
