"""Placing tables, auto-arrange, viewports and relationships drawn on the canvas."""

from __future__ import annotations

import pytest

from designer.models import CanvasViewport, DesignColumn, TablePlacement
from designer.selectors.design import project_schema
from designer.selectors.diagrams import project_diagram
from designer.selectors.layout import placements
from designer.services import layout, relationships
from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.errors import ERR_FK_TYPE_MISMATCH, DesignError
from designer.services.tables import table_create

pytestmark = pytest.mark.django_db


def test_placing_tables_saves_positions_without_bumping_the_revision(project, two_tables):
    users, posts = two_tables
    project.refresh_from_db()
    revision = project.revision
    layout.place_tables(project=project, actor=None, positions={users.uid: [10, 20.04]})
    layout.place_tables(
        project=project, actor=None, positions={users.uid: [30, 40], posts.uid: (-5, 0)}
    )
    project.refresh_from_db()
    assert project.revision == revision
    assert placements(project) == {users.uid: (30.0, 40.0), posts.uid: (-5.0, 0.0)}


def test_a_bad_position_or_unknown_table_places_nothing(project, two_tables):
    users, posts = two_tables
    for bad in ({users.uid: [1, 2], posts.uid: ["x", 2]}, {users.uid: [1, 2], "nope": [0, 0]}):
        with pytest.raises(DesignError):
            layout.place_tables(project=project, actor=None, positions=bad)
    assert not TablePlacement.objects.exists()


def test_placed_positions_reach_the_picture_and_a_new_placement_is_a_new_picture(
    project, two_tables
):
    users, posts = two_tables
    unpinned = project_diagram(project, "dot").decode()
    assert "erd-pinned" not in unpinned
    layout.place_tables(
        project=project, actor=None, positions={users.uid: [100, 100], posts.uid: [400, 100]}
    )
    pinned = project_diagram(project, "dot").decode()
    assert 'pos="100.0,100.0!"' in pinned and 'pos="400.0,100.0!"' in pinned
    layout.place_tables(project=project, actor=None, positions={users.uid: [150, 100]})
    assert 'pos="150.0,100.0!"' in project_diagram(project, "dot").decode()
    svg = project_diagram(project, "svg").decode()
    assert 'id="erd&#45;pinned"' in svg  # Graphviz escapes the hyphen


def test_auto_arrange_places_every_table_and_selected_ones_as_a_block(project, two_tables):
    users, posts = two_tables
    foreign_key_create(table=posts, columns=["author_id"], ref_table=users, ref_columns=["id"])
    assert layout.arrange_tables(project=project, actor=None) == 2
    whole = placements(project)
    assert whole[users.uid][0] < whole[posts.uid][0]  # parent left of child
    layout.place_tables(project=project, actor=None, positions={users.uid: [900, 900]})
    layout.arrange_tables(project=project, actor=None, table_uids=[users.uid])
    # one table arranged alone stays where it was
    assert placements(project)[users.uid] == pytest.approx((900, 900), abs=1)


def test_viewport_is_remembered_and_refused_when_out_of_range(project):
    user = project.created_by
    layout.save_viewport(user=user, project=project, x=-120.0, y=30.0, k=0.8)
    layout.save_viewport(user=user, project=project, x=-100.0, y=30.0, k=0.9)
    vp = CanvasViewport.objects.get(user=user, project=project)
    assert (vp.x, vp.y, vp.k) == (-100.0, 30.0, 0.9)
    for k in (0.0, 100.0, float("nan")):
        with pytest.raises(DesignError, match="zoom"):
            layout.save_viewport(user=user, project=project, x=0.0, y=0.0, k=k)


def test_a_relationship_drawn_from_the_header_adds_the_column_and_targets_the_key(project):
    customer, _ = table_create(project=project, name="customer")
    orders, _ = table_create(project=project, name="orders")
    fk, added = relationships.foreign_key_drawn(actor=None, table=orders, ref_table=customer)
    assert added == ["customer_id"]
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (["customer_id"], "customer", ["id"])
    pk_type = DesignColumn.objects.get(table=customer, name="id").data_type
    assert DesignColumn.objects.get(table=orders, name="customer_id").data_type == pk_type
    # a second drag reuses the column
    _fk, added = relationships.foreign_key_drawn(actor=None, table=orders, ref_table=customer)
    assert added == []


def test_a_relationship_drawn_from_a_column_uses_it_and_a_refusal_changes_nothing(
    project, unchanged
):
    customer, _ = table_create(project=project, name="customer")
    orders, _ = table_create(project=project, name="orders")
    column_add(table=orders, name="buyer", data_type="bigint")
    column_add(table=orders, name="label", data_type="text")
    fk, added = relationships.foreign_key_drawn(
        actor=None, table=orders, ref_table=customer, column="buyer"
    )
    assert added == [] and fk.columns == ["buyer"]
    error = unchanged(
        lambda: relationships.foreign_key_drawn(
            actor=None, table=orders, ref_table=customer, column="label"
        )
    )
    assert error.message == ERR_FK_TYPE_MISMATCH.format(
        column="label", type="text", ref="id", ref_type="bigint"
    )


def test_a_relationship_to_a_table_without_primary_key_is_refused(project, unchanged):
    loose, _ = table_create(project=project, name="loose")
    DesignColumn.objects.filter(table=loose).delete()
    from designer.models import DesignConstraint

    DesignConstraint.objects.filter(table=loose).delete()
    orders, _ = table_create(project=project, name="orders")
    error = unchanged(
        lambda: relationships.foreign_key_drawn(actor=None, table=orders, ref_table=loose)
    )
    assert error.message == relationships.ERR_DRAW_NO_PK.format(table="loose")


def test_foreign_key_settings_change_actions_and_name(project, two_tables):
    users, posts = two_tables
    fk, _ = relationships.foreign_key_drawn(
        actor=None, table=posts, ref_table=users, column="author_id"
    )
    relationships.foreign_key_settings(
        actor=None, constraint=fk, on_delete="CASCADE", on_update="NO ACTION", name="posts_author"
    )
    (saved,) = project_schema(project).table("posts").foreign_keys
    assert (saved.on_delete, saved.name) == ("CASCADE", "posts_author")
    with pytest.raises(DesignError):
        relationships.foreign_key_settings(
            actor=None, constraint=fk, on_delete="SET NULL", on_update="NO ACTION"
        )
