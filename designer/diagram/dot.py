"""Schema -> Graphviz DOT: tables as HTML-like labels, FKs as crow's-foot edges column to column.

Everything a user typed (names, types, groups, comments, badges) reaches DOT only
through ``html_text`` (inside HTML-like labels) or ``dot_quote`` (quoted IDs), and
node, port and cluster names are synthetic (``t12``, ``c3``, ``cluster_g0``), so no
name can break the DOT syntax or inject markup into the SVG.

Crow's-foot ends follow Information Engineering: the symbol next to a table says how
many rows of *that* table relate to one row at the other end.
* parent end: ``tee`` (exactly one) when the FK columns are NOT NULL, ``teeodot``
  (zero or one) when they are nullable;
* child end: ``crowodot`` (zero or many), or ``teeodot`` (zero or one: a one-to-one)
  when the FK columns are unique. SQL cannot force a parent to have children, so
  the child end is always optional.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from urllib.parse import quote

from designer.schema.model import DEFAULT_SCHEMA, ForeignKey, Schema, Table

Direction = Literal["LR", "TB"]
Mode = Literal["all", "keys", "names"]
ClusterBy = Literal["group", "schema"]
HighlightState = Literal["added", "removed", "changed"]

# Above this many tables dot's network simplex and crossing minimisation dominate;
# capping them costs little in a big picture nobody reads edge by edge (measured:
# a 3,000-table ERD 28 s -> 13 s).
BIG_GRAPH_TABLES = 300
# Placed tables (neato -n2): up to this many, edges are routed around the tables; Graphviz's
# router grows with the cube of the picture (30 ms at 20 tables, 0.95 s at 100, 47 s at 500),
# so bigger placed pictures draw their edges as curves from column to column (36 ms at 100).
PINNED_ROUTED_TABLES = 60
MAX_TYPE_CHARS = 32
MAX_BADGE_CHARS = 16
# The first graph attributes of a pinned picture: ``render`` knows it by them, the page
# by the id of the SVG's graph group, and neato -n2 keeps the coordinates as given.
PINNED_GRAPH = 'id="erd-pinned", notranslate=true'
# Text sizes in points: column text readable at 75 % zoom, markers only a little smaller.
TEXT_POINTS = 12
SMALL_POINTS = 10
TITLE_POINTS = 13

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
HEADER_DEFAULT = "#e2e8f0"
BORDER = "#94a3b8"
ROW_TEXT = "#0f172a"
MUTED = "#64748b"
KEY_TEXT = "#b45309"
EDGE = "#64748b"
BADGE = "#b91c1c"
# (strong colour for borders and edges, pale colour for row backgrounds)
HIGHLIGHT_COLOURS: dict[str, tuple[str, str]] = {
    "added": ("#16a34a", "#dcfce7"),
    "removed": ("#dc2626", "#fee2e2"),
    "changed": ("#d97706", "#fef3c7"),
}


@dataclass(frozen=True)
class DiagramOptions:
    direction: Direction = "LR"
    mode: Mode = "all"
    show_types: bool = True
    # qualified names of the tables to draw; None draws every table
    tables: frozenset[str] | None = None
    # e.g. "/p/demo/tables/{id}/"; fields: id, schema, name, qualified (all URL-quoted)
    table_href: str | None = None
    # qualified table name -> short badge ("⚠ 3", "💬 2")
    markers: Mapping[str, str] = field(default_factory=dict)
    # "schema.table" or "schema.table.column" -> "added" | "removed" | "changed"
    highlight: Mapping[str, str] = field(default_factory=dict)
    # fk_key(table, fk) -> "added" | "removed" | "changed"
    edge_highlight: Mapping[str, str] = field(default_factory=dict)
    cluster_by: ClusterBy | None = "group"
    # Partitions drawn as one line of their parent ("55 partitions, range on payment_date")
    # instead of one box each: a pg_dump with monthly partitions is otherwise a tall strip.
    fold_partitions: bool = True
    # Ids for the editor's canvas: tables ``tbl-<id>``, name cells ``col-<id>-<n>`` (titled
    # with the column's name), edges ``fk-<id>``, so the page can drag and click them.
    canvas_ids: bool = False
    # Pinned layout: qualified table name -> node centre (points, y up). When set, every
    # drawn table must have a position; the picture is rendered with ``neato -n2`` (see
    # ``designer.diagram.layout``), which keeps the nodes where they are and routes edges.
    positions: Mapping[str, tuple[float, float]] | None = None


# -- escaping ------------------------------------------------------------------

_HTML_UNSAFE = re.compile("[&<>\"'\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_HTML_REPLACE = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_DOT_UNSAFE = re.compile('[\\\\"\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]')
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}\Z|#[0-9a-fA-F]{8}\Z|[a-z]{3,20}\Z")


def _html_char(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _HTML_REPLACE:
        return _HTML_REPLACE[ch]
    # Expat (Graphviz's HTML-label parser) rejects control characters, lone
    # surrogates and U+FFFE/FFFF; whitespace controls read best as a space.
    return " " if ch in "\n\r\t" else "\ufffd"


@lru_cache(maxsize=65536)
def html_text(text: str) -> str:
    """``text`` safe inside a Graphviz HTML-like label (and therefore inside the SVG)."""
    return _HTML_UNSAFE.sub(_html_char, text)


def _dot_char(m: re.Match[str]) -> str:
    ch = m.group()
    if ch == "\\":
        # doubled, so escString expansion (\N, \G, \l) reads a literal backslash
        return "\\\\"
    if ch == '"':
        return '\\"'
    return "\\n" if ch == "\n" else ("" if ch == "\r" else " " if ch == "\t" else "\ufffd")


def dot_quote(text: str) -> str:
    """``text`` as a DOT double-quoted string (an escString: newlines stay newlines)."""
    return '"' + _DOT_UNSAFE.sub(_dot_char, text) + '"'


@lru_cache(maxsize=1024)
def _colour(value: str | None, default: str) -> str:
    """A user-chosen colour if it is one Graphviz understands, else ``default``."""
    return value if value and _COLOUR.match(value) else default


# -- small helpers ---------------------------------------------------------------

_SHORT_NAMES = {
    "character varying": "varchar",
    "character": "char",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "double precision": "float8",
    "real": "float4",
    "boolean": "bool",
    "integer": "int",
    "bit varying": "varbit",
}
_TYPE_PARTS = re.compile(
    r"(?P<base>[^(\[]+?)(?P<mods>\([^)]*\))?(?P<tail> with(?:out)? time zone)?(?P<array>(?:\[\d*\])*)\Z"
)


@lru_cache(maxsize=4096)
def short_type(type_text: str) -> str:
    """The compact spelling people write: ``character varying(40)`` -> ``varchar(40)``,
    ``timestamp(3) with time zone`` -> ``timestamptz(3)``, long types cut with "…"."""
    text = " ".join(type_text.split())
    m = _TYPE_PARTS.match(text)
    if m:
        base = m["base"].strip() + (m["tail"] or "")
        short = _SHORT_NAMES.get(base)
        if short is not None:
            text = short + (m["mods"] or "").replace(" ", "") + m["array"]
    if len(text) > MAX_TYPE_CHARS:
        text = text[: MAX_TYPE_CHARS - 1] + "…"
    return text


def fk_key(table: Table, fk: ForeignKey) -> str:
    """Stable key of a foreign key for ``edge_highlight``: ``s.child(a,b)->s.parent(x,y)``."""
    return (
        f"{table.qualified_name}({','.join(fk.columns)})"
        f"->{fk.ref_schema}.{fk.ref_table}({','.join(fk.ref_columns)})"
    )


def _display_name(table: Table) -> str:
    return table.name if table.schema == DEFAULT_SCHEMA else table.qualified_name


@lru_cache(maxsize=1024)
def _text_on(background: str) -> str:
    """Dark text on light headers, white on dark ones (only #rgb/#rrggbb are judged)."""
    hexpart = background[1:]
    if background.startswith("#") and len(hexpart) in (3, 6):
        if len(hexpart) == 3:
            hexpart = "".join(c * 2 for c in hexpart)
        r, g, b = (int(hexpart[i : i + 2], 16) for i in (0, 2, 4))
        if 0.299 * r + 0.587 * g + 0.114 * b < 140:
            return "#ffffff"
    return ROW_TEXT


def _pale(colour: str | None, key: str) -> str:
    """A pale fill for a cluster: its tables' colour mixed with white, or a hue from ``key``."""
    if colour and colour.startswith("#") and len(colour) in (4, 7):
        hexpart = colour[1:]
        if len(hexpart) == 3:
            hexpart = "".join(c * 2 for c in hexpart)
        rgb = [int(hexpart[i : i + 2], 16) for i in (0, 2, 4)]
    else:
        # Deterministic across processes (unlike hash()): same group, same tint.
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        rgb = [160 + digest[0] % 96, 160 + digest[1] % 96, 160 + digest[2] % 96]
    mixed = [round(c + (255 - c) * 0.6) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _href(template: str, table: Table) -> str:
    return template.format_map(
        {
            "id": quote(str(table.id), safe=""),
            "schema": quote(table.schema, safe=""),
            "name": quote(table.name, safe=""),
            "qualified": quote(table.qualified_name, safe=""),
            "qualified_name": quote(table.qualified_name, safe=""),
        }
    )


# -- labels ----------------------------------------------------------------------


def _font(attrs: str, text: str) -> str:
    # Graphviz rejects an empty <FONT></FONT>, so empty text gets no element at all.
    return f"<FONT {attrs}>{text}</FONT>" if text else ""


_NN_TEXT = _font(f'POINT-SIZE="{SMALL_POINTS}" COLOR="{MUTED}"', "NN")


# (in primary key, in a foreign key, single-column unique) -> the key cell's text
_MARKS = {
    (pk, fk, uq): _font(
        f'POINT-SIZE="{SMALL_POINTS}" COLOR="{KEY_TEXT}"',
        " ".join(m for m, on in (("PK", pk), ("FK", fk), ("UQ", uq)) if on),
    )
    for pk in (False, True)
    for fk in (False, True)
    for uq in (False, True)
}
_ROW_BG = {state: f' BGCOLOR="{pale}"' for state, (_strong, pale) in HIGHLIGHT_COLOURS.items()}


_TYPE_FONT = f'COLOR="{MUTED}"'
_NOTE_FONT = f'POINT-SIZE="{SMALL_POINTS}" COLOR="{MUTED}"'


@lru_cache(maxsize=8192)
def _type_cell(type_text: str, bg: str) -> str:
    text = _font(_TYPE_FONT, html_text(short_type(type_text)))
    return f'<TD ALIGN="LEFT"{bg}>{text}</TD>'


def _key_columns(table: Table) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(primary key, foreign key, single-column unique) column names."""
    pk = frozenset(table.primary_key.columns) if table.primary_key else frozenset()
    fk = frozenset(c for f in table.foreign_keys for c in f.columns)
    uq = {u.columns[0] for u in table.uniques if len(u.columns) == 1}
    uq.update(
        i.parts[0].column
        for i in table.indexes
        if i.unique and i.where is None and len(i.parts) == 1 and i.parts[0].column
    )
    return pk, fk, frozenset(uq)


def _table_label(
    table: Table,
    keys: tuple[frozenset[str], frozenset[str], frozenset[str]],
    options: DiagramOptions,
    referenced: frozenset[str] | set[str],
    node_id: str,
    extra_attrs: str,
    note: str = "",
) -> tuple[str, dict[str, int]]:
    """The DOT line of a table's node (an HTML-like label) and its ports (column name -> port).

    ``note`` is a muted last row (folded partitions)."""
    pk, fk, uq = keys
    multi_unique = {c for u in table.uniques if len(u.columns) > 1 for c in u.columns}
    qname = table.qualified_name
    highlight = options.highlight
    state = highlight.get(qname)
    header_bg = _colour(table.color, HEADER_DEFAULT)
    header_fg = _text_on(header_bg)
    ncols = 4 if options.show_types else 3
    badge = options.markers.get(qname)
    title = _font(
        f'FACE="{FONT_BOLD}" POINT-SIZE="{TITLE_POINTS}" COLOR="{header_fg}"',
        html_text(_display_name(table)),
    )
    if badge:
        badge_text = _font(
            f'POINT-SIZE="{SMALL_POINTS}" COLOR="{BADGE}"', html_text(badge[:MAX_BADGE_CHARS])
        )
        badge_cell = f'<TD BGCOLOR="{header_bg}" ALIGN="RIGHT">{badge_text}</TD>'
        header = (
            f'<TR><TD COLSPAN="{ncols - 1}" BGCOLOR="{header_bg}" ALIGN="LEFT">{title}</TD>'
            f"{badge_cell}</TR>"
        )
    else:
        header = f'<TR><TD COLSPAN="{ncols}" BGCOLOR="{header_bg}" ALIGN="LEFT">{title}</TD></TR>'
    rows = [header]
    ports: dict[str, int] = {}
    keys_only = options.mode == "keys"
    show_types = options.show_types
    prefix = qname + "."
    # The editor finds a column under the pointer through its name cell's id and title.
    cell_id = f' ID="col-{html_text(table.id or node_id)}-' if options.canvas_ids else ""
    # This loop runs once per column of the design: it stays a few lookups and
    # one f-string per row (1,000 tables must take a few ms).
    for pos, col in enumerate(table.columns):
        name = col.name
        col_state = highlight.get(prefix + name) if highlight else None
        in_pk, in_fk, in_uq = name in pk, name in fk, name in uq
        if keys_only and not (
            in_pk or in_fk or in_uq or name in multi_unique or name in referenced or col_state
        ):
            continue
        ports[name] = pos
        bg = _ROW_BG.get(col_state, "") if col_state else ""
        text = html_text(name)
        if col_state == "removed":
            text = f"<S>{text}</S>"
        if in_pk:
            text = f"<U>{text}</U>"
        nn = _NN_TEXT if not (col.nullable or in_pk) else ""
        type_cell = _type_cell(col.type, bg) if show_types else ""
        name_attrs = f'{cell_id}{pos}" HREF="#col" TITLE="{html_text(name)}"' if cell_id else ""
        # Ports sit on the outermost cells so edges meet the table's border
        # (the west one for the child end, the east one for the parent end).
        rows.append(
            f'<TR><TD PORT="c{pos}w" ALIGN="LEFT"{bg}>{_MARKS[in_pk, in_fk, in_uq]}</TD>'
            f'<TD ALIGN="LEFT"{bg}{name_attrs}>{text}</TD>{type_cell}'
            f'<TD PORT="c{pos}e" ALIGN="RIGHT"{bg}>{nn}</TD></TR>'
        )
    if note:
        note_text = _font(_NOTE_FONT, html_text(note))
        rows.append(f'<TR><TD COLSPAN="{ncols}" ALIGN="LEFT">{note_text}</TD></TR>')
    border_colour, border = BORDER, 1
    if state in HIGHLIGHT_COLOURS:
        border_colour, border = HIGHLIGHT_COLOURS[state][0], 3
    # one f-string for the whole node: labels are most of the DOT text, copy them once
    line = (
        f'  {node_id} [label=<<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" '
        f'CELLPADDING="4" COLOR="{border_colour}" BGCOLOR="white">{"".join(rows)}</TABLE>>'
        f"{extra_attrs}];"
    )
    return line, ports


def _names_label(table: Table, options: DiagramOptions, note: str = "") -> str:
    """The tiny node of "names" mode: a filled rounded box, no HTML (fast for dot)."""
    qname = table.qualified_name
    text = _display_name(table) + (f" ({note})" if note else "")
    badge = options.markers.get(qname)
    if badge:
        text += "  " + badge[:MAX_BADGE_CHARS]
    fill = _colour(table.color, HEADER_DEFAULT)
    attrs = f"label={dot_quote(text)}, fillcolor={dot_quote(fill)}, fontcolor={dot_quote(_text_on(fill))}"
    state = options.highlight.get(qname)
    if state in HIGHLIGHT_COLOURS:
        attrs += f', color="{HIGHLIGHT_COLOURS[state][0]}", penwidth=3'
    return attrs


def _tooltip(table: Table) -> str:
    return table.qualified_name + (f"\n{table.comment}" if table.comment else "")


def _fk_ends(
    child: Table, fk: ForeignKey, nullable: frozenset[str], pk: frozenset[str], uq: frozenset[str]
) -> tuple[str, str]:
    """(arrowtail at the parent, arrowhead at the child); see the module docstring."""
    cols = fk.columns
    parent_end = "teeodot" if any(c in nullable for c in cols) else "tee"
    if len(cols) == 1:  # the common case, without building sets
        unique = cols[0] in uq or pk == frozenset(cols)
    else:
        unique = child.is_unique_on(cols)
    return parent_end, "teeodot" if unique else "crowodot"


def _graph_header(options: DiagramOptions, n_tables: int, clustered: bool) -> list[str]:
    graph = [
        f"rankdir={options.direction}",
        "splines=spline",
        f'fontname="{FONT}"',
        "fontsize=11",
        "pad=0.3",
        'bgcolor="white"',
    ]
    if options.mode == "names":
        graph += ["nodesep=0.2", "ranksep=0.5"]
    else:
        graph += ["nodesep=0.35", "ranksep=0.9"]
    if n_tables > BIG_GRAPH_TABLES:
        graph += ["nslimit=1", "mclimit=0.3"]
        if not clustered:
            # Graphviz 2.43 with newrank and clusters fails ("trouble in init_rank") on
            # a generated 1,000-table design, and without nslimit runs for minutes.
            graph.append("newrank=true")
    if options.mode == "names":
        node = (
            f'shape=box, style="rounded,filled", fontname="{FONT}", fontsize={TEXT_POINTS}, '
            f'color="{BORDER}", margin="0.08,0.03", height=0.25, width=0'
        )
    else:
        node = f'shape=plain, fontname="{FONT}", fontsize={TEXT_POINTS}, fontcolor="{ROW_TEXT}"'
    edge = f'dir=both, color="{EDGE}", arrowsize=0.8, penwidth=1.1'
    return [
        "digraph erd {",
        f"  graph [{', '.join(graph)}];",
        f"  node [{node}];",
        f"  edge [{edge}];",
    ]


def partition_note(parent: Table, count: int) -> str:
    """What a folded parent says about its partitions: "55 partitions, range on payment_date"."""
    text = f"{count} partition{'s' if count != 1 else ''}"
    if parent.partitioning is not None:
        text += f", {parent.partitioning.strategy.lower()} on {parent.partitioning.key}"
    return text


def drawn_tables(schema: Schema, options: DiagramOptions) -> tuple[list[Table], dict[str, str]]:
    """The tables a picture draws, sorted, and the notes of folded partition parents.

    ``options.tables`` picks a subset; with ``fold_partitions`` a partition whose parent
    is drawn is left out and counted on its parent instead.
    """
    tables = sorted(schema.tables, key=lambda t: (t.schema, t.name))
    if options.tables is not None:
        tables = [t for t in tables if t.qualified_name in options.tables]
    notes: dict[str, str] = {}
    if options.fold_partitions:
        shown = {t.qualified_name: t for t in tables}
        folded: Counter[str] = Counter()
        for t in tables:
            if t.partition_of is not None:
                parent = f"{t.partition_of.parent_schema}.{t.partition_of.parent_table}"
                if parent in shown and parent != t.qualified_name:
                    folded[parent] += 1
        if folded:
            tables = [
                t
                for t in tables
                if t.partition_of is None
                or f"{t.partition_of.parent_schema}.{t.partition_of.parent_table}" not in folded
            ]
            notes = {name: partition_note(shown[name], n) for name, n in folded.items()}
    return tables, notes


def node_ids(schema: Schema) -> dict[str, str]:
    """Qualified table name -> its synthetic DOT node name (``t0``, ``t1``, …)."""
    ordered = sorted(schema.tables, key=lambda t: (t.schema, t.name))
    return {t.qualified_name: f"t{i}" for i, t in enumerate(ordered)}


def _pos(point: tuple[float, float]) -> str:
    return f'"{point[0]:.1f},{point[1]:.1f}!"'


def schema_to_dot(schema: Schema, options: DiagramOptions = DiagramOptions()) -> str:
    """The DOT source of the ER diagram of ``schema``: same schema and options, same bytes.

    With ``options.positions`` the nodes are pinned (``pos="x,y!"``) for ``neato -n2``:
    render it with ``render(..., pinned=True)``.
    """
    node_id_of = node_ids(schema)
    tables, notes = drawn_tables(schema, options)
    shown = {t.qualified_name for t in tables}
    positions = options.positions

    # (child, its name, fk, parent name)
    edges: list[tuple[Table, str, ForeignKey, str]] = []
    referenced: dict[str, set[str]] = {}
    for child in tables:
        child_name = child.qualified_name
        for fk in child.foreign_keys:
            parent_name = f"{fk.ref_schema}.{fk.ref_table}"
            if parent_name not in shown:
                continue
            edges.append((child, child_name, fk, parent_name))
            if fk.ref_columns:
                referenced.setdefault(parent_name, set()).add(fk.ref_columns[0])
    keys = {t.qualified_name: _key_columns(t) for t in tables}

    names_mode = options.mode == "names"
    ports: dict[str, dict[str, int]] = {}
    node_lines: dict[str, str] = {}
    href = options.table_href
    no_refs: set[str] = set()
    for table in tables:
        qname = table.qualified_name
        node_id = node_id_of[qname]
        extra = f", tooltip={dot_quote(_tooltip(table))}"
        if href:
            extra += f", URL={dot_quote(_href(href, table))}"
        if options.canvas_ids:
            extra += f", id={dot_quote('tbl-' + (table.id or node_id))}"
        if positions is not None:
            extra += f", pos={_pos(positions[qname])}"
        note = notes.get(qname, "")
        if names_mode:
            label = _names_label(table, options, note)
            node_lines[qname] = f"  {node_id} [{label}{extra}];"
        else:
            node_lines[qname], ports[qname] = _table_label(
                table, keys[qname], options, referenced.get(qname, no_refs), node_id, extra, note
            )

    clusters: dict[str, list[Table]] = {}
    # neato draws no clusters; pinned pictures show groups by their header colours only
    if options.cluster_by is not None and positions is None:
        for table in tables:
            key = table.group if options.cluster_by == "group" else table.schema
            if key:
                clusters.setdefault(key, []).append(table)
    lines = _graph_header(options, len(tables), clustered=bool(clusters))
    if positions is not None:
        # neato -n2 must keep the coordinates as given, so the page can map them back
        lines[1] = lines[1].replace("graph [", f"graph [{PINNED_GRAPH}, ", 1)
        if len(tables) > PINNED_ROUTED_TABLES:
            lines[1] = lines[1].replace("splines=spline", "splines=curved", 1)
    for i, key in enumerate(sorted(clusters)):
        members = clusters[key]
        colours = Counter(t.color for t in members if t.color and _COLOUR.match(t.color))
        # most common colour, ties broken by the colour text so output is stable
        colour = min(colours.items(), key=lambda kv: (-kv[1], kv[0]))[0] if colours else None
        fill = _pale(colour, key)
        lines.append(f"  subgraph cluster_g{i} {{")
        lines.append(
            f'    graph [label=<<B>{html_text(key)}</B>>, style="rounded,filled", '
            f'fillcolor="{fill}", color="{BORDER}", fontcolor="{MUTED}", labeljust=l, margin=14];'
        )
        lines.extend(node_lines.pop(t.qualified_name) for t in members)
        lines.append("  }")
    lines.extend(node_lines[t.qualified_name] for t in tables if t.qualified_name in node_lines)

    nullable: dict[str, frozenset[str]] = {}
    for child, child_name, fk, parent_name in edges:
        tail, head = node_id_of[parent_name], node_id_of[child_name]
        if not names_mode:
            parent_port = ports[parent_name].get(fk.ref_columns[0] if fk.ref_columns else "")
            child_port = ports[child_name].get(fk.columns[0] if fk.columns else "")
            if parent_port is not None:
                tail += f":c{parent_port}e:e"
            if child_port is not None:
                # a self-reference loops on the east side instead of crossing the table
                side = "e" if child_name == parent_name else "w"
                head += f":c{child_port}{side}:{side}"
        if child_name not in nullable:
            nullable[child_name] = frozenset(c.name for c in child.columns if c.nullable)
        pk, _fk, uq = keys[child_name]
        arrowtail, arrowhead = _fk_ends(child, fk, nullable[child_name], pk, uq)
        attrs = f"arrowtail={arrowtail}, arrowhead={arrowhead}"
        key = fk_key(child, fk)
        attrs += f", tooltip={dot_quote(key)}"
        if options.canvas_ids and fk.id:
            attrs += f", id={dot_quote('fk-' + fk.id)}"
        state = options.edge_highlight.get(key)
        if state in HIGHLIGHT_COLOURS:
            attrs += f', color="{HIGHLIGHT_COLOURS[state][0]}", penwidth=2.2'
            if state == "removed":
                attrs += ", style=dashed"
        lines.append(f"  {tail} -> {head} [{attrs}];")
    lines.append("}\n")
    return "\n".join(lines)
