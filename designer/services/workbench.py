"""Writes of the query workbench: key queries, runs, and proven indexes added to the design."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from designer.jobs import enqueue
from designer.models import DesignTable, KeyQuery, WorkbenchRun
from designer.services.errors import DesignError
from designer.services.indexes import index_save
from designer.workbench.queries import KeyQuerySpec, _split_params, check_query
from projects.models import Actor, Project

ERR_QUERY_NAME = "Give the query a name."
ERR_QUERY_TAKEN = "A key query named “{name}” exists already."
ERR_NO_QUERIES = "Add a key query first."
ERR_RUN_BUSY = "A run is in progress; wait for it to finish."
ERR_NO_SUGGESTION = "That suggestion is not in the run's result (run again?)."
ERR_NOT_PROVEN = "Only an index the run proved faster can be added."
MAX_ROWS = 5_000_000


@transaction.atomic
def key_query_save(
    *, project: Project, name: str, sql: str, params: str = "", schema=None
) -> tuple[KeyQuery, list[str]]:
    """Add a key query; the checks against the design come back as warnings."""
    name, sql = name.strip(), sql.strip().rstrip(";").strip()
    if not name:
        raise DesignError(ERR_QUERY_NAME, "name")
    if KeyQuery.objects.filter(project=project, name=name).exists():
        raise DesignError(ERR_QUERY_TAKEN.format(name=name), "name")
    spec = KeyQuerySpec(name=name, sql=sql, params=_split_params(params))
    problems = check_query(spec, schema).errors if schema is not None else []
    fatal = [
        p for p in problems if "does not parse" in p or "only SELECT" in p or "one statement" in p
    ]
    if fatal:
        raise DesignError(fatal[0], "sql")
    query = KeyQuery.objects.create(
        project=project,
        name=name,
        sql=sql,
        params=list(spec.params),
        position=KeyQuery.objects.filter(project=project).count(),
    )
    return query, problems


@transaction.atomic
def key_query_delete(*, query: KeyQuery) -> None:
    query.delete()


@transaction.atomic
def run_start(*, project: Project, user, scale: float, suggest: bool) -> WorkbenchRun:
    if not KeyQuery.objects.filter(project=project).exists():
        raise DesignError(ERR_NO_QUERIES, "run")
    busy = WorkbenchRun.objects.select_for_update().filter(
        project=project, state__in=(WorkbenchRun.State.QUEUED, WorkbenchRun.State.RUNNING)
    )
    if busy.exists():
        raise DesignError(ERR_RUN_BUSY, "run")
    run = WorkbenchRun.objects.create(
        project=project,
        started_by=user if getattr(user, "is_authenticated", False) else None,
        options={"scale": scale, "suggest": suggest},
    )
    transaction.on_commit(lambda: enqueue("designer.services.workbench.run_task", run_id=run.pk))
    return run


def run_task(*, run_id: int) -> None:
    """The background task: idempotent. A finished run is left alone; one whose worker was
    killed runs again from the start, in a new sandbox with new random role and database
    names (so it never meets what the killed run left), and writes only its own run's row."""
    from designer.selectors.design import project_schema
    from designer.workbench.run import run_workbench

    run = WorkbenchRun.objects.select_related("project").filter(pk=run_id).first()
    if run is None or run.state in (WorkbenchRun.State.DONE, WorkbenchRun.State.FAILED):
        return
    WorkbenchRun.objects.filter(pk=run_id).update(state=WorkbenchRun.State.RUNNING)

    def progress(message: str) -> None:
        WorkbenchRun.objects.filter(pk=run_id).update(progress=message[:300])

    specs = [
        KeyQuerySpec(name=q.name, sql=q.sql, params=tuple(q.params))
        for q in KeyQuery.objects.filter(project=run.project)
    ]
    try:
        schema = project_schema(run.project)
        total = sum(t.expected_rows or 1000 for t in schema.tables)
        scale = min(float(run.options.get("scale", 1.0)), MAX_ROWS / max(total, 1))
        result = run_workbench(
            schema,
            specs,
            scale=scale,
            with_suggestions=bool(run.options.get("suggest", True)),
            progress=progress,
        )
    except Exception as exc:  # shown to the user: our errors are written for them
        WorkbenchRun.objects.filter(pk=run_id).update(
            state=WorkbenchRun.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    WorkbenchRun.objects.filter(pk=run_id).update(
        state=WorkbenchRun.State.DONE,
        result=result.to_json(),
        progress="Done",
        finished_at=timezone.now(),
    )


@transaction.atomic
def suggestion_apply(
    *, actor: Actor = None, run: WorkbenchRun, query_name: str, ddl: str
) -> list[str]:
    """Add a proven index of ``run`` to the design, its purpose the query it serves."""
    for query in (run.result or {}).get("queries", []):
        if query["name"] != query_name:
            continue
        for s in query["suggestions"]:
            if s["ddl"] != ddl:
                continue
            if not s["proven"]:
                raise DesignError(ERR_NOT_PROVEN, "ddl")
            index = s["index"]
            table = DesignTable.objects.get(
                project=run.project, schema_name=index["schema"], name=s["table"]
            )
            _, warnings = index_save(
                actor=actor,
                table=table,
                name=index["name"],
                parts="\n".join(index["parts"]),
                method=index["method"],
                include=index["include"],
                where=index["where"] or "",
                purpose=f"{query_name} ({s['before_ms']:.1f} ms → {s['after_ms']:.1f} ms measured)",
            )
            return warnings
    raise DesignError(ERR_NO_SUGGESTION, "ddl")
