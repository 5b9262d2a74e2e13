"""The working design is read once per revision in a process: an edit's panel reads it, the
picture drawn next reads nothing. Every edit is still seen at once, also by a caller holding
the project as it was before the edit, and a transaction always reads its own rows."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from designer.selectors.advisor import project_findings
from designer.selectors.design import project_schema
from designer.services.columns import column_add
from designer.services.tables import table_create
from projects.models import Project
from projects.services import project_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project(django_user_model):
    owner = django_user_model.objects.create_user("memo", password="pw-long-enough-1")
    project = project_create(owner=owner, name="Memo")
    table_create(project=project, name="users")
    return project


def _columns(schema, table="users") -> list[str]:
    return [c.name for t in schema.tables if t.name == table for c in t.columns]


def test_a_second_read_of_the_same_revision_reads_no_rows(project):
    first = project_schema(project)
    with CaptureQueriesContext(connection) as queries:
        again = project_schema(project)
    assert again is first
    assert len(queries.captured_queries) == 1  # the revision, nothing else


def test_an_edit_is_seen_at_once_even_through_an_old_project_object(project):
    stale = Project.objects.get(pk=project.pk)
    project_schema(stale)
    table = project.design_tables.get(name="users")
    column_add(table=table, name="email", data_type="text")
    assert "email" in _columns(project_schema(stale))  # stale.revision is the old one


def test_a_transaction_reads_its_own_rows_before_the_revision_moves(project):
    project_schema(project)
    table = project.design_tables.get(name="users")
    with transaction.atomic():
        table.columns.create(name="draft", data_type="text", position=99, uid="draftuid0001")
        assert "draft" in _columns(project_schema(project))
        transaction.set_rollback(True)
    assert "draft" not in _columns(project_schema(project))


def test_findings_are_linted_once_per_revision_and_follow_an_edit(project):
    first = project_findings(project, schema=project_schema(project))
    assert "json-not-jsonb" not in {f.rule for f in first}
    table = project.design_tables.get(name="users")
    column_add(table=table, name="payload", data_type="json")
    schema = project_schema(project)
    after = project_findings(project, schema=schema)
    assert "json-not-jsonb" in {f.rule for f in after}
    assert project_findings(project, schema=schema) == after


def test_a_design_read_at_the_end_of_an_edit_is_remembered_once_committed(project):
    table = project.design_tables.get(name="users")
    with transaction.atomic():  # as a request with an Idempotency-Key runs
        column_add(table=table, name="email", data_type="text")
        inside = project_schema(project)
    with CaptureQueriesContext(connection) as queries:
        assert project_schema(project) is inside
    assert len(queries.captured_queries) == 1


def test_a_design_read_before_a_later_edit_of_the_same_transaction_is_not_remembered(project):
    table = project.design_tables.get(name="users")
    with transaction.atomic():
        before = project_schema(project)
        column_add(table=table, name="email", data_type="text")
    after = project_schema(project)
    assert after is not before
    assert "email" in _columns(after) and "email" not in _columns(before)


def test_a_design_freed_while_the_memo_is_busy_in_the_same_thread_does_not_hang(project):
    """A design's finalizer may run in whatever thread frees it, also one holding the memo's
    lock (the cyclic collector runs inside any allocation): with a plain lock, the ci.sh
    journey hung on exactly that."""
    import threading

    from designer.selectors import design

    done: list[str] = []

    def free_inside_the_lock() -> None:
        schema = project_schema(project)
        design._designs.clear()
        with design._designs_lock:
            del schema  # the last reference: its finalizer runs here
        done.append("ok")

    worker = threading.Thread(target=free_inside_the_lock, daemon=True)
    worker.start()
    worker.join(20)
    assert done == ["ok"]


# -- a table edit patches the remembered design instead of reading it all again ----------


def _edits(owner):
    """Every kind of edit that records one table (and its referrers): (label, function)."""
    from designer.models import (
        ConstraintKind,
        DesignColumn,
        DesignConstraint,
        DesignIndex,
        DesignTable,
    )
    from designer.services import columns, constraints, indexes, relationships, tables

    def t(name: str) -> DesignTable:
        return DesignTable.objects.get(name=name)

    def col(table: str, name: str) -> DesignColumn:
        return DesignColumn.objects.get(table__name=table, name=name)

    def fk(table: str) -> DesignConstraint:
        return DesignConstraint.objects.filter(
            table__name=table, kind=ConstraintKind.FOREIGN
        ).first()

    return [
        (
            "add a column",
            lambda: columns.column_add(
                actor=owner, table=t("orders"), name="note", data_type="text"
            ),
        ),
        (
            "rename a referenced column",
            lambda: columns.column_update(
                actor=owner,
                column=col("users", "id"),
                name="user_id",
                data_type="bigint",
                nullable=False,
            ),
        ),
        (
            "change a type the FK follows",
            lambda: columns.column_update(
                actor=owner,
                column=col("users", "user_id"),
                name="user_id",
                data_type="integer",
                nullable=False,
            ),
        ),
        (
            "move a column",
            lambda: columns.column_move(actor=owner, column=col("orders", "note"), offset=-1),
        ),
        (
            "draw a relationship",
            lambda: relationships.foreign_key_drawn(
                actor=owner, table=t("orders"), ref_table=t("users")
            ),
        ),
        (
            "set ON DELETE",
            lambda: relationships.foreign_key_settings(
                actor=owner, constraint=fk("orders"), on_delete="CASCADE", on_update="NO ACTION"
            ),
        ),
        (
            "add a CHECK",
            lambda: constraints.check_create(
                actor=owner, table=t("orders"), expression="length(note) < 100"
            ),
        ),
        (
            "add a UNIQUE",
            lambda: constraints.unique_create(actor=owner, table=t("orders"), columns=["note"]),
        ),
        (
            "add an index",
            lambda: indexes.index_save(
                actor=owner, table=t("orders"), name="orders_note_idx", parts="(lower(note))"
            ),
        ),
        (
            "drop the index",
            lambda: indexes.index_delete(
                actor=owner, index=DesignIndex.objects.get(name="orders_note_idx")
            ),
        ),
        (
            "drop the FK",
            lambda: constraints.constraint_delete(actor=owner, constraint=fk("orders")),
        ),
        (
            "rename a referenced table",
            lambda: tables.table_update(
                actor=owner, table=t("users"), name="people", comment="who"
            ),
        ),
        ("drop a column", lambda: columns.column_delete(actor=owner, column=col("orders", "note"))),
    ]


def test_every_table_edit_leaves_the_remembered_design_equal_to_a_fresh_read(
    django_user_model, settings
):
    from designer.selectors.design import _read_schema

    settings.ERD_CHECK_DESIGN_PATCH = False  # this test compares itself, edit by edit
    owner = django_user_model.objects.create_user("patch", password="pw-long-enough-1")
    project = project_create(owner=owner, name="Patch")
    for name in ("users", "orders", "lines"):
        table_create(actor=owner, project=project, name=name)
    read_anew = []
    for label, edit in _edits(owner):
        project_schema(project)  # the design at the revision before the edit is remembered
        edit()
        with CaptureQueriesContext(connection) as queries:
            schema = project_schema(project)
        if len(queries.captured_queries) > 1:  # more than the revision: not patched
            read_anew.append(label)
        assert schema == _read_schema(project), label
    # every one of them patched the design, not only read it anew
    assert read_anew == []


def test_an_edits_panel_in_the_same_transaction_reads_the_patched_design(django_user_model):
    """The keyed request of an edit runs in one transaction (designer.idempotency): the panel
    it answers with reads the design the edit patched, not every row again."""
    from designer.selectors.design import _read_schema

    owner = django_user_model.objects.create_user("tx", password="pw-long-enough-1")
    project = project_create(owner=owner, name="Tx")
    table_create(actor=owner, project=project, name="users")
    project_schema(project)
    with transaction.atomic():
        column_add(
            actor=owner,
            table=project.design_tables.get(name="users"),
            name="email",
            data_type="text",
        )
        with CaptureQueriesContext(connection) as queries:
            schema = project_schema(project)
        assert len(queries.captured_queries) == 1
        assert "email" in _columns(schema)
        assert schema == _read_schema(project)
        transaction.set_rollback(True)
    assert "email" not in _columns(project_schema(project))


def test_another_app_process_gets_the_design_an_edit_patched_from_the_shared_cache(
    django_user_model, settings
):
    """With Redis the app processes share the designs they read and the edits they make: the
    process that did not make the edit answers with one query (the revision), not a read of
    every row (the design shared whole before the edit, with the edit replayed on it)."""
    from designer.selectors import design

    settings.ERD_SHARE_DESIGNS = True
    settings.ERD_CHECK_DESIGN_PATCH = False  # it reads the rows; this test compares itself
    owner = django_user_model.objects.create_user("share", password="pw-long-enough-1")
    project = project_create(owner=owner, name="Share")
    table_create(actor=owner, project=project, name="users")
    project_schema(project)
    column_add(
        actor=owner, table=project.design_tables.get(name="users"), name="email", data_type="text"
    )
    design._designs.clear()  # another process: nothing remembered here
    with CaptureQueriesContext(connection) as queries:
        schema = project_schema(project)
    assert len(queries.captured_queries) == 1
    assert "email" in _columns(schema)
    assert schema == design._read_schema(project)

    settings.ERD_SHARE_DESIGNS = False  # without Redis each process reads its own rows
    design._designs.clear()
    with CaptureQueriesContext(connection) as queries:
        project_schema(project)
    assert len(queries.captured_queries) > 1


def _add_column(owner, project, name: str) -> None:
    column_add(
        actor=owner, table=project.design_tables.get(name="users"), name=name, data_type="text"
    )


def test_a_process_a_few_edits_behind_replays_the_edits_the_others_shared(
    django_user_model, settings
):
    """Each table edit shares the tables it changed: a process holding the design a few edits
    back replays them (one query, the revision) instead of reading or unpickling the whole
    design; too far behind, it reads the rows."""
    from designer.selectors import design

    settings.ERD_SHARE_DESIGNS = True
    settings.ERD_CHECK_DESIGN_PATCH = False  # it reads the rows; this test compares itself
    owner = django_user_model.objects.create_user("replay", password="pw-long-enough-1")
    project = project_create(owner=owner, name="Replay")
    table_create(actor=owner, project=project, name="users")
    table_create(actor=owner, project=project, name="orders")
    old_key = design.design_key(project)
    old = project_schema(project)  # this process's design, then the others edit
    for n in range(3):
        _add_column(owner, project, f"c{n}")
    design._designs.clear()
    design._remember(old_key, old)
    design.cache.delete(design._shared_slot(old_key))  # nothing shared whole: replay only
    with CaptureQueriesContext(connection) as queries:
        schema = project_schema(project)
    assert len(queries.captured_queries) == 1
    assert _columns(schema)[-3:] == ["c0", "c1", "c2"]
    assert schema == design._read_schema(project)

    # more edits behind than it replays: the rows are read
    behind_key = design.design_key(project)
    behind = project_schema(project)
    for n in range(design.REPLAY_EDITS + 1):
        _add_column(owner, project, f"d{n}")
    design._designs.clear()
    design._remember(behind_key, behind)
    with CaptureQueriesContext(connection) as queries:
        schema = project_schema(project)
    assert len(queries.captured_queries) > 1
    assert _columns(schema)[-1] == f"d{design.REPLAY_EDITS}"


def test_an_edit_in_a_process_that_holds_an_older_design_patches_the_replayed_one(
    django_user_model, settings
):
    """The edit's own panel (in its transaction) reads the design patched onto the replayed
    one, not every row."""
    from designer.selectors import design

    settings.ERD_SHARE_DESIGNS = True
    settings.ERD_CHECK_DESIGN_PATCH = False  # it reads the rows; this test compares itself
    owner = django_user_model.objects.create_user("replay2", password="pw-long-enough-1")
    project = project_create(owner=owner, name="Replay 2")
    table_create(actor=owner, project=project, name="users")
    old_key = design.design_key(project)
    old = project_schema(project)
    _add_column(owner, project, "by_another_process")
    design._designs.clear()
    design._remember(old_key, old)
    with transaction.atomic():
        _add_column(owner, project, "here")
        with CaptureQueriesContext(connection) as queries:
            schema = project_schema(project)
        assert len(queries.captured_queries) == 1
    assert _columns(schema)[-2:] == ["by_another_process", "here"]
    assert schema == design._read_schema(project)
