"""The canvas: tables stay where they are dropped, relationships are drawn with the mouse,
and an imported schema opens readable with its partitions folded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from designer.selectors.layout import placements
from designer.services.columns import column_add
from designer.services.imports import apply_import, import_text
from designer.services.tables import table_create
from projects.services import project_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-long-enough-1"

CENTRES = """() => Object.fromEntries([...document.querySelectorAll('#diagram g.node')].map(g => {
  const b = g.getBBox(); return [g.id, [Math.round(b.x + b.width / 2), Math.round(b.y + b.height / 2)]];
}))"""


def _open(page, live_server, django_user_model, name: str):
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = project_create(owner=user, name=name)
    return user, project


def _login_and_open(page, live_server, project) -> None:
    page.goto(live_server.url + "/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/p/{project.slug}/")
    expect(page.locator("#diagram svg")).to_have_count(1)


def _drag(page, locator, dx: float, dy: float, at=(0.5, 12)) -> None:
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] * at[0], box["y"] + at[1]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()


def test_a_dropped_table_is_where_it_was_dropped_after_a_reload(
    page, live_server, django_user_model
):
    _user, project = _open(page, live_server, django_user_model, "Placed")
    users, _ = table_create(project=project, name="users")
    table_create(project=project, name="posts")
    _login_and_open(page, live_server, project)
    node = page.locator(f'#diagram g.node[id="tbl-{users.uid}"]')
    before = page.evaluate(CENTRES)[f"tbl-{users.uid}"]
    scale = page.evaluate(
        "() => { const s = document.querySelector('#diagram svg');"
        " return s.viewBox.baseVal.width / s.getBoundingClientRect().width; }"
    )
    _drag(page, node, 120, 90)
    expect(page.locator("#diagram g.graph#erd-pinned")).to_have_count(1)
    after = page.evaluate(CENTRES)[f"tbl-{users.uid}"]
    assert abs(after[0] - before[0] - 120 * scale) <= 2
    assert abs(after[1] - before[1] - 90 * scale) <= 2
    assert set(placements(project)) == {users.uid, project.design_tables.get(name="posts").uid}

    page.reload()
    expect(page.locator("#diagram g.graph#erd-pinned")).to_have_count(1)
    assert page.evaluate(CENTRES)[f"tbl-{users.uid}"] == after


def test_adding_a_table_through_the_panel_moves_no_placed_table(
    page, live_server, django_user_model
):
    _user, project = _open(page, live_server, django_user_model, "Stable")
    for name in ("customers", "orders", "items"):
        table_create(project=project, name=name)
    _login_and_open(page, live_server, project)
    page.get_by_role("button", name="Auto-arrange").click()
    expect(page.locator("#diagram g.graph#erd-pinned")).to_have_count(1)
    placed = page.evaluate(CENTRES)

    form = page.locator("#add-table")
    form.locator("input[name=name]").fill("invoices")
    form.get_by_role("button", name="Add table").click()
    expect(page.locator("#diagram g.node")).to_have_count(4)
    now = page.evaluate(CENTRES)
    assert {k: now[k] for k in placed} == placed


def test_dragging_a_column_onto_another_table_draws_a_foreign_key(
    page, live_server, django_user_model
):
    _user, project = _open(page, live_server, django_user_model, "Linked")
    users, _ = table_create(project=project, name="users")
    posts, _ = table_create(project=project, name="posts")
    column_add(table=posts, name="author_id", data_type="bigint")
    _login_and_open(page, live_server, project)
    expect(page.locator("#diagram g.edge")).to_have_count(0)
    cell = page.locator(
        f'#diagram g.node[id="tbl-{posts.uid}"] g[id^="a_col-"] text', has_text="author_id"
    )
    target = page.locator(f'#diagram g.node[id="tbl-{users.uid}"]').bounding_box()
    source = cell.bounding_box()
    page.mouse.move(source["x"] + 5, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=8)
    page.mouse.up()

    expect(page.locator("#panel .panel-title")).to_have_text("posts")
    expect(page.locator("#panel .fk-item code")).to_have_text("(author_id) → users(id)")
    expect(page.locator("#panel form.fk-settings")).to_be_visible()
    expect(page.locator("#diagram g.edge")).to_have_count(1)


def test_pagila_opens_readable_with_its_partitions_folded(
    page, live_server, django_user_model, corpus_dir
):
    _user, project = _open(page, live_server, django_user_model, "Pagila")
    result = import_text((corpus_dir / "pagila.sql").read_text(), "postgres")
    apply_import(project=project, schema=result.schema)
    _login_and_open(page, live_server, project)

    nodes = page.locator("#diagram g.node")
    expect(nodes).to_have_count(16)  # 71 tables, 55 of them partitions of payment
    expect(page.locator("#diagram g.node", has_text="payment")).to_contain_text(
        "55 partitions, range on payment_date"
    )
    zoom = int(page.locator("#zoom-level").inner_text().rstrip("%"))
    assert zoom >= 70
    # column text is at least 11 px high on screen
    height = page.evaluate(
        "() => { const t = [...document.querySelectorAll('#diagram g.node text')]"
        ".find(t => t.getAttribute('font-size') === '12.00'); return t.getBoundingClientRect().height; }"
    )
    assert height >= 11
    # the first view shows whole tables, not a corner of empty canvas
    frame = page.locator("#diagram").bounding_box()
    visible = page.evaluate(
        """(f) => [...document.querySelectorAll('#diagram g.node')].filter(g => {
          const r = g.getBoundingClientRect();
          return r.left >= f.x && r.top >= f.y && r.right <= f.x + f.width && r.bottom <= f.y + f.height;
        }).length""",
        frame,
    )
    assert visible >= 3

    page.locator("#show-partitions").check()
    expect(nodes).to_have_count(71)


FIT = """() => {
  const out = [];
  for (const g of document.querySelectorAll('#diagram g.node')) {
    const boxes = [...g.querySelectorAll('polygon')].map(p => p.getBBox());
    const outer = boxes.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    const texts = [...g.querySelectorAll('text')].map(t => {
      const b = t.getBBox(); return {s: t.textContent, x: b.x, r: b.x + b.width, y: Math.round(b.y)};
    }).sort((a, b) => a.y - b.y || a.x - b.x);
    texts.forEach((t, i) => {
      const next = texts[i + 1];
      if (t.r > outer.x + outer.width + 0.5) out.push(`${t.s} leaves its table`);
      if (next && next.y === t.y && t.r > next.x + 0.5) out.push(`${t.s} runs into ${next.s}`);
    });
  }
  return out;
}"""


def test_every_name_and_type_fits_its_box_in_the_shipped_font(page, live_server, django_user_model):
    """The canvas is laid out with Graphviz's built-in Arial widths and drawn in the Arimo font
    the app ships (Arial's widths): on a browser whose own sans-serif is wider (this machine's
    DejaVu Sans), no text may overlap the next column or leave its table."""
    user, project = _open(page, live_server, django_user_model, "Wide names")
    wide, _ = table_create(project=project, name="WWW_MMM_warehouse_movements_overview")
    for name, type_ in (
        ("MMMMMMMMMMMMMMMMMM_identifier", "timestamp with time zone"),
        ("quantity_on_hand_WWW", "numeric(12,2)"),
        ("ÉÀÜ_accented_column_name", "character varying(255)"),
    ):
        column_add(actor=user, table=wide, name=name, data_type=type_, nullable=False)
    _login_and_open(page, live_server, project)
    assert page.evaluate(
        "() => document.fonts.ready.then(() => document.fonts.check('12px Arimo'))"
    )
    assert page.locator("#diagram text", has_text="MMMMMMMMMMMMMMMMMM_identifier").count() == 1
    assert page.evaluate(FIT) == []


def test_a_downloaded_svg_carries_its_font_and_every_name_fits_opened_on_its_own(
    page, live_server, django_user_model
):
    """SVG files are laid out with the same built-in Arial widths and carry Arimo inside them:
    opened alone (no page CSS; this machine's sans-serif is the wider DejaVu Sans) the text
    still fits, and the file's own policy lets its font load and nothing run."""
    user, project = _open(page, live_server, django_user_model, "Wide file")
    wide, _ = table_create(project=project, name="WWW_MMM_warehouse_movements_overview")
    for name, type_ in (
        ("MMMMMMMMMMMMMMMMMM_identifier", "timestamp with time zone"),
        ("quantity_on_hand_WWW", "numeric(12,2)"),
    ):
        column_add(actor=user, table=wide, name=name, data_type=type_, nullable=False)
    _login_and_open(page, live_server, project)
    response = page.goto(f"{live_server.url}/p/{project.slug}/diagram.svg")
    assert "script-src" not in response.headers["content-security-policy"]
    assert page.evaluate(
        "() => document.fonts.ready.then(() => document.fonts.check('12px Arimo'))"
    )
    fit = FIT.replace("#diagram g.node", "g.node")
    assert page.locator("text", has_text="MMMMMMMMMMMMMMMMMM_identifier").count() == 1
    assert page.evaluate(fit) == []
