"""Undo and redo: per user, on the server, refused when someone changed the same objects."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.models import DesignColumn, DesignHistory, DesignTable
from designer.selectors.design import project_schema
from designer.services import history
from designer.services.columns import column_add, column_delete, column_update
from designer.services.constraints import foreign_key_create
from designer.services.errors import DesignError
from designer.services.tables import table_create, table_delete, table_update
from projects.models import Activity
from projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann():
    return get_user_model().objects.create_user("ann", password="pw-long-enough-1")


@pytest.fixture
def bob():
    return get_user_model().objects.create_user("bob", password="pw-long-enough-1")


@pytest.fixture
def project(ann, bob):
    return project_create(owner=ann, name="Shop")


def _rename(table, name, actor):
    table.refresh_from_db()
    table_update(actor=actor, table=table, name=name)


def test_undo_and_redo_a_rename(project, ann):
    orders, _ = table_create(actor=ann, project=project, name="orders")
    created = project_schema(project)
    _rename(orders, "purchases", ann)
    renamed = project_schema(project)

    assert history.history_undo(actor=ann, project=project) == "changed table public.purchases"
    assert project_schema(project) == created
    history.history_redo(actor=ann, project=project)
    assert project_schema(project) == renamed
    # The table kept its id all along: it is the same table, renamed.
    assert DesignTable.objects.get(project=project).uid == orders.uid


def test_undo_of_a_delete_brings_back_the_table_with_its_ids_and_the_keys_pointing_at_it(
    project, ann
):
    customers, _ = table_create(actor=ann, project=project, name="customers")
    orders, _ = table_create(actor=ann, project=project, name="orders")
    column_add(actor=ann, table=orders, name="customer_id", data_type="bigint")
    foreign_key_create(
        actor=ann, table=orders, columns=["customer_id"], ref_table=customers, ref_columns=["id"]
    )
    before = project_schema(project)
    table_delete(actor=ann, table=customers)
    assert project_schema(project).table("orders").foreign_keys == ()

    history.history_undo(actor=ann, project=project)
    assert project_schema(project) == before


def test_every_edit_can_be_undone_back_to_the_start_and_redone(project, ann):
    start = project_schema(project)
    t, _ = table_create(actor=ann, project=project, name="items")
    column_add(actor=ann, table=t, name="sku", data_type="text")
    column = DesignColumn.objects.get(table=t, name="sku")
    column_update(actor=ann, column=column, name="code", data_type="text", nullable=False)
    column_delete(actor=ann, column=DesignColumn.objects.get(table=t, name="code"))
    end = project_schema(project)
    for _ in range(4):
        history.history_undo(actor=ann, project=project)
    assert project_schema(project) == start
    with pytest.raises(DesignError) as info:
        history.history_undo(actor=ann, project=project)
    assert info.value.message == history.ERR_NOTHING_TO_UNDO
    for _ in range(4):
        history.history_redo(actor=ann, project=project)
    assert project_schema(project) == end


def test_undo_is_refused_when_someone_else_changed_the_table_since(project, ann, bob):
    orders, _ = table_create(actor=ann, project=project, name="orders")
    _rename(orders, "purchases", ann)
    column_add(actor=bob, table=orders, name="total", data_type="numeric(12,2)")
    current = project_schema(project)

    with pytest.raises(DesignError) as info:
        history.history_undo(actor=ann, project=project)
    assert info.value.message == history.ERR_CONFLICT.format(
        action="undo",
        label="changed table public.purchases",
        what="table “purchases”",
        done="undone",
    )
    assert project_schema(project) == current


def test_each_user_undoes_only_their_own_edits(project, ann, bob):
    table_create(actor=ann, project=project, name="orders")
    table_create(actor=bob, project=project, name="payments")
    history.history_undo(actor=ann, project=project)
    assert [t.name for t in project_schema(project).tables] == ["payments"]
    assert history.history_state(actor=bob, project=project) == {
        "undo": "created table public.payments",
        "redo": None,
    }


def test_a_new_edit_ends_redo(project, ann):
    table_create(actor=ann, project=project, name="a")
    history.history_undo(actor=ann, project=project)
    table_create(actor=ann, project=project, name="b")
    with pytest.raises(DesignError) as info:
        history.history_redo(actor=ann, project=project)
    assert info.value.message == history.ERR_NOTHING_TO_REDO


def test_undo_is_logged_and_is_not_itself_an_entry(project, ann):
    table_create(actor=ann, project=project, name="orders")
    history.history_undo(actor=ann, project=project)
    latest = Activity.objects.filter(project=project).first()
    assert (latest.verb, latest.object_name) == ("undid", "created table public.orders")
    assert DesignHistory.objects.filter(project=project).count() == 1


def test_refused_edits_and_edits_without_a_user_are_not_recorded(project, ann):
    table_create(project=project, name="orders")  # the CLI: no actor
    with pytest.raises(DesignError):
        table_create(actor=ann, project=project, name="orders")
    assert not DesignHistory.objects.filter(project=project).exists()


NAMES = st.sampled_from(["a", "b", "c", "d"])


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["add", "rename", "delete", "column"]), NAMES),
        min_size=1,
        max_size=6,
    )
)
def test_undoing_every_edit_restores_each_earlier_design(steps):
    """For any sequence of edits, undo walks back through exactly the designs seen."""
    user = get_user_model().objects.create_user(uuid.uuid4().hex)
    project = project_create(owner=user, name="Prop")
    seen = [project_schema(project)]
    for op, name in steps:
        tables = {t.name: t for t in DesignTable.objects.filter(project=project)}
        try:
            if op == "add":
                table_create(actor=user, project=project, name=name)
            elif op == "rename" and tables:
                table_update(actor=user, table=next(iter(tables.values())), name=name)
            elif op == "delete" and name in tables:
                table_delete(actor=user, table=tables[name])
            elif op == "column" and tables:
                column_add(
                    actor=user, table=next(iter(tables.values())), name=name, data_type="text"
                )
            else:
                continue
        except DesignError:
            continue
        seen.append(project_schema(project))
    for expected in reversed(seen[:-1]):
        history.history_undo(actor=user, project=project)
        assert project_schema(project) == expected
    for expected in seen[1:]:
        history.history_redo(actor=user, project=project)
        assert project_schema(project) == expected


def test_undo_that_would_take_a_name_someone_has_taken_since_is_refused(project, ann, bob):
    orders, _ = table_create(actor=ann, project=project, name="orders")
    _rename(orders, "purchases", ann)
    table_create(actor=bob, project=project, name="orders")
    current = project_schema(project)
    with pytest.raises(DesignError) as info:
        history.history_undo(actor=ann, project=project)
    assert "orders" in info.value.message
    assert project_schema(project) == current


# -- table placement on the canvas ------------------------------------------------------------


def _where(project):
    from designer.models import TablePlacement

    return {p.table_uid: (p.x, p.y) for p in TablePlacement.objects.filter(project=project)}


def test_undo_and_redo_a_move_on_the_canvas(project, ann):
    from designer.services.layout import place_tables

    orders, _ = table_create(actor=ann, project=project, name="orders")
    items, _ = table_create(actor=ann, project=project, name="items")
    place_tables(project=project, actor=ann, positions={orders.uid: [100, 100]})
    place_tables(
        project=project, actor=ann, positions={orders.uid: [300, 50], items.uid: [500, 60]}
    )
    design = project_schema(project)

    assert history.history_undo(actor=ann, project=project) == "moved 2 tables on the canvas"
    assert _where(project) == {orders.uid: (100, 100)}  # items was not placed before
    assert project_schema(project) == design  # a move changes no design
    history.history_undo(actor=ann, project=project)
    assert _where(project) == {}
    history.history_redo(actor=ann, project=project)
    history.history_redo(actor=ann, project=project)
    assert _where(project) == {orders.uid: (300, 50), items.uid: (500, 60)}
    # the design edits before the moves are still on the stack, under them
    history.history_undo(actor=ann, project=project)
    history.history_undo(actor=ann, project=project)
    assert history.history_undo(actor=ann, project=project) == "created table public.items"


def test_undo_of_a_move_is_refused_when_someone_moved_the_table_since(project, ann, bob):
    from designer.services.layout import place_tables

    orders, _ = table_create(actor=ann, project=project, name="orders")
    place_tables(project=project, actor=ann, positions={orders.uid: [100, 100]})
    place_tables(project=project, actor=bob, positions={orders.uid: [700, 700]})
    with pytest.raises(DesignError, match="the place of table “orders”"):
        history.history_undo(actor=ann, project=project)
    assert _where(project) == {orders.uid: (700, 700)}
