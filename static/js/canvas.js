/* ERD Designer: the editor's canvas. Tables are dragged and stay where they are dropped
   (positions saved, the diagram re-rendered by Graphviz with them pinned); shift-click or a
   shift-drag marquee selects several; dragging a column's name onto another table draws a
   foreign key (Alt-drag a table: a new <table>_id column); clicking an edge opens that
   foreign key. The first view is readable, zoom and pan are remembered, a minimap and a
   search box find the rest. app.js keeps the pan and zoom (window.erdView).

   Coordinates: inside the SVG's graph group, a user unit is a Graphviz point with y
   pointing down; a table's saved position is its centre (x, -y). */
(function () {
  "use strict";

  var READABLE = 0.7; // below this zoom 12 pt text is too small to read
  var FOCUS_TABLES = 6; // a big design opens on its most connected tables
  var SAVE_VIEW_MS = 1500;

  var box = null; // #diagram
  var picked = {}; // table uid -> true (multi-select)
  var act = null; // the drag in progress: {kind: "move"|"fk"|"marquee", ...}
  var justDragged = false;
  var firstView = true;
  var untouched = true; // the user has not panned or zoomed since the first view
  var lastOrigin = null; // graph group translate of the previous pinned render
  var lastSaved = "";

  function diagram() { return document.getElementById("diagram"); }
  function svg() { var d = diagram(); return d && d.querySelector(".diagram-canvas svg"); }
  function graph() { var s = svg(); return s && s.querySelector("g.graph"); }
  function isPinned() { var g = graph(); return !!g && g.id === "erd-pinned"; }
  function canEdit() { var d = diagram(); return !!d && d.dataset.canEdit === "1"; }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function uidOf(node) { return node.id.indexOf("tbl-") === 0 ? node.id.slice(4) : ""; }
  function nodeByUid(uid) { return diagram().querySelector('g.node[id="tbl-' + CSS.escape(uid) + '"]'); }
  function view() { return window.erdView && window.erdView.state; }

  // SVG user units per screen pixel at the current zoom
  function unitsPerPixel() {
    var s = svg();
    var vb = s.viewBox.baseVal;
    var r = s.getBoundingClientRect();
    return vb && r.width ? vb.width / r.width : 1;
  }

  // graph group translate (user units): where Graphviz's origin sits in the SVG
  function origin() {
    var g = graph();
    var m = g && /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(g.getAttribute("transform") || "");
    return m ? { x: parseFloat(m[1]), y: parseFloat(m[2]) } : { x: 0, y: 0 };
  }

  // pixels (unzoomed) per user unit: the SVG's width is in pt, its viewBox in points
  function pxPerUnit() {
    var s = svg();
    var vb = s.viewBox.baseVal;
    return vb && vb.width ? s.width.baseVal.value / vb.width : 1;
  }

  // a point in graph units -> its place inside #diagram (before the view's pan and zoom)
  function toCanvasPx(ux, uy) {
    var o = origin(), s = pxPerUnit();
    return { x: (ux + o.x) * s, y: (uy + o.y) * s };
  }

  function centre(node) {
    var b = node.getBBox();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  }

  function toast(level, text) { if (window.erdToast) window.erdToast(level, [text]); }

  function post(url, data) {
    var body = new FormData();
    Object.keys(data).forEach(function (k) {
      [].concat(data[k]).forEach(function (v) { body.append(k, v); });
    });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch" }
    }).then(function (r) {
      if (r.ok) return r;
      return r.text().then(function (t) { throw new Error(t.slice(0, 300) || r.status + " " + r.statusText); });
    });
  }

  function refresh() { if (window.htmx) htmx.trigger(document.body, "canvas-changed"); }

  // -- selection ------------------------------------------------------------------------
  function paintPicked() {
    var n = 0;
    diagram().querySelectorAll("g.node").forEach(function (g) {
      var on = !!picked[uidOf(g)];
      g.classList.toggle("picked", on);
      if (on) n++;
    });
    var b = document.querySelector('[data-arrange="selected"]');
    if (b) b.disabled = n === 0;
  }

  function clearPicked() { picked = {}; paintPicked(); }

  // -- moving tables --------------------------------------------------------------------
  function startMove(e, node) {
    var uid = uidOf(node);
    if (!picked[uid]) {
      if (!e.shiftKey) picked = {};
      picked[uid] = true;
    }
    var nodes = Object.keys(picked).map(nodeByUid).filter(Boolean);
    act = { kind: "move", x: e.clientX, y: e.clientY, nodes: nodes, du: 0, dv: 0, moved: false, node: node };
    var titles = {};
    nodes.forEach(function (g) { var t = g.querySelector("title"); if (t) titles[t.textContent] = true; });
    // edges of the moving tables fade until Graphviz routes them again
    diagram().querySelectorAll("g.edge").forEach(function (edge) {
      var t = edge.querySelector("title");
      var ends = t ? t.textContent.split("->") : [];
      var touches = ends.some(function (end) { return titles[end.split(":")[0]]; });
      edge.classList.toggle("moving", touches);
    });
  }

  function moveTo(e) {
    var k = unitsPerPixel();
    act.du = (e.clientX - act.x) * k;
    act.dv = (e.clientY - act.y) * k;
    if (!act.moved && Math.abs(e.clientX - act.x) + Math.abs(e.clientY - act.y) < 3) return;
    act.moved = true;
    act.nodes.forEach(function (g) { g.setAttribute("transform", "translate(" + act.du + " " + act.dv + ")"); });
  }

  function drop() {
    var moved = act.moved, nodes = act.nodes, du = act.du, dv = act.dv;
    if (!moved) {
      // a click without a move: shift toggles the pick, a plain click picks only this one
      return;
    }
    var positions = {};
    if (!isPinned()) {
      // the first drop pins every table where it is drawn, so nothing else jumps
      diagram().querySelectorAll("g.node").forEach(function (g) {
        var c = centre(g), uid = uidOf(g);
        if (uid) positions[uid] = [round(c.x), round(-c.y)];
      });
    }
    nodes.forEach(function (g) {
      var c = centre(g);
      positions[uidOf(g)] = [round(c.x + du), round(-(c.y + dv))];
    });
    lastOrigin = origin();
    post(diagram().dataset.placeUrl, { positions: JSON.stringify(positions) })
      .then(refresh)
      .catch(function (err) {
        nodes.forEach(function (g) { g.removeAttribute("transform"); });
        toast("error", "The table was not moved: " + err.message);
      });
  }

  function round(v) { return Math.round(v * 10) / 10; }

  // -- drawing a foreign key ----------------------------------------------------------------
  function startFk(e, node, column) {
    var g = graph();
    var line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    line.setAttribute("class", "fk-rubber");
    var p = pointInGraph(e);
    ["x1", "x2"].forEach(function (a) { line.setAttribute(a, p.x); });
    ["y1", "y2"].forEach(function (a) { line.setAttribute(a, p.y); });
    g.appendChild(line);
    act = { kind: "fk", node: node, column: column, line: line, x: e.clientX, y: e.clientY, moved: false };
    node.classList.add("fk-source");
  }

  function pointInGraph(e) {
    var g = graph(), m = g.getScreenCTM();
    var pt = svg().createSVGPoint();
    pt.x = e.clientX; pt.y = e.clientY;
    var q = pt.matrixTransform(m.inverse());
    return { x: q.x, y: q.y };
  }

  function tableAt(e) {
    var el = document.elementFromPoint(e.clientX, e.clientY);
    return el && el.closest ? el.closest("#diagram g.node") : null;
  }

  function fkMove(e) {
    var p = pointInGraph(e);
    act.line.setAttribute("x2", p.x);
    act.line.setAttribute("y2", p.y);
    if (Math.abs(e.clientX - act.x) + Math.abs(e.clientY - act.y) > 3) act.moved = true;
    diagram().querySelectorAll("g.node.fk-target").forEach(function (n) { n.classList.remove("fk-target"); });
    var over = tableAt(e);
    if (over && over !== act.node) over.classList.add("fk-target");
  }

  function fkDrop(e) {
    act.line.remove();
    act.node.classList.remove("fk-source");
    diagram().querySelectorAll("g.node.fk-target").forEach(function (n) { n.classList.remove("fk-target"); });
    var target = tableAt(e);
    if (!act.moved || !target || target === act.node) return;
    var from = uidOf(act.node), to = uidOf(target);
    var url = diagram().dataset.fkUrl.replace("UID", encodeURIComponent(from));
    var values = { ref_table: to };
    if (act.column) values.column = act.column;
    htmx.ajax("POST", url, { target: "#panel", swap: "innerHTML", values: values, headers: { "X-CSRFToken": csrf() } });
  }

  // -- marquee ----------------------------------------------------------------------------
  function startMarquee(e) {
    var rect = document.createElement("div");
    rect.className = "marquee";
    diagram().appendChild(rect);
    act = { kind: "marquee", x: e.clientX, y: e.clientY, rect: rect };
    marqueeMove(e);
  }

  function marqueeBounds(e) {
    return {
      left: Math.min(act.x, e.clientX), top: Math.min(act.y, e.clientY),
      right: Math.max(act.x, e.clientX), bottom: Math.max(act.y, e.clientY)
    };
  }

  function marqueeMove(e) {
    var b = marqueeBounds(e), r = diagram().getBoundingClientRect();
    var s = act.rect.style;
    s.left = (b.left - r.left) + "px"; s.top = (b.top - r.top) + "px";
    s.width = (b.right - b.left) + "px"; s.height = (b.bottom - b.top) + "px";
  }

  function marqueeDrop(e) {
    var b = marqueeBounds(e);
    act.rect.remove();
    diagram().querySelectorAll("g.node").forEach(function (g) {
      var r = g.getBoundingClientRect();
      if (r.left >= b.left && r.right <= b.right && r.top >= b.top && r.bottom <= b.bottom) picked[uidOf(g)] = true;
    });
    paintPicked();
  }

  // -- pointer events (capture: app.js pans the canvas when we do not take the press) ------
  document.addEventListener("pointerdown", function (e) {
    var d = diagram();
    if (!d || e.button !== 0 || !d.contains(e.target) || !svg()) return;
    var node = e.target.closest("g.node");
    if (!canEdit() || (!node && !e.shiftKey)) return;
    e.stopPropagation();
    e.preventDefault();
    var cell = e.target.closest('g[id^="a_col-"] a');
    if (node && cell) startFk(e, node, cell.getAttribute("xlink:title") || cell.getAttribute("title"));
    else if (node && e.altKey) startFk(e, node, null);
    else if (node) startMove(e, node);
    else startMarquee(e);
  }, true);

  window.addEventListener("pointermove", function (e) {
    if (!act) return;
    if (act.kind === "move") moveTo(e);
    else if (act.kind === "fk") fkMove(e);
    else marqueeMove(e);
  });

  window.addEventListener("pointerup", function (e) {
    if (!act) return;
    var a = act;
    try {
      if (a.kind === "move") drop();
      else if (a.kind === "fk") fkDrop(e);
      else marqueeDrop(e);
    } finally {
      justDragged = a.kind !== "move" || a.moved;
      act = null;
      diagram().querySelectorAll("g.edge.moving").forEach(function (g) { g.classList.remove("moving"); });
    }
  });

  // clicks: a table opens its panel (a drag does not), an edge opens its foreign key
  document.addEventListener("click", function (e) {
    var d = diagram();
    if (!d || !d.contains(e.target)) return;
    var node = e.target.closest("g.node"), edge = e.target.closest("g.edge");
    if (!node && !edge) {
      if (!e.shiftKey && !justDragged) clearPicked();
      justDragged = false;
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (justDragged) { justDragged = false; return; }
    if (node) {
      var uid = uidOf(node);
      if (e.shiftKey) { picked[uid] = !picked[uid]; paintPicked(); return; }
      picked = {}; picked[uid] = true; paintPicked();
      openPanel(uid, "");
    } else if (edge && edge.id.indexOf("fk-") === 0) {
      var t = edge.querySelector("title");
      var child = t ? t.textContent.split("->")[1].split(":")[0] : "";
      var childNode = [].find.call(d.querySelectorAll("g.node"), function (g) {
        var nt = g.querySelector("title");
        return nt && nt.textContent === child;
      });
      if (childNode) openPanel(uidOf(childNode), edge.id.slice(3));
    }
  }, true);

  function openPanel(uid, fk) {
    var url = diagram().dataset.panelUrl.replace("UID", encodeURIComponent(uid)) + (fk ? "?fk=" + encodeURIComponent(fk) : "");
    htmx.ajax("GET", url, { target: "#panel", swap: "innerHTML" });
  }

  // -- toolbar: auto-arrange, search ---------------------------------------------------------
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-arrange]");
    if (!b) return;
    var opts = new FormData(document.getElementById("diagram-options"));
    var data = { direction: opts.get("direction") || "LR", mode: opts.get("mode") || "all" };
    if (b.dataset.arrange === "selected") data.tables = Object.keys(picked);
    lastOrigin = isPinned() ? origin() : null;
    post(diagram().dataset.arrangeUrl, data).then(refresh).catch(function (err) { toast("error", err.message); });
  });

  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var best = null;
    diagram().querySelectorAll("g.node").forEach(function (g) {
      var a = g.querySelector("a");
      var name = ((a && (a.getAttribute("xlink:title") || a.getAttribute("title"))) || "").split("\n")[0].toLowerCase();
      var bare = name.slice(name.indexOf(".") + 1);
      var rank = bare === q || name === q ? 0 : bare.indexOf(q) === 0 ? 1 : name.indexOf(q) !== -1 ? 2 : 3;
      if (rank < 3 && (!best || rank < best.rank)) best = { node: g, rank: rank };
    });
    return best && best.node;
  }

  function bounds(nodes) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    nodes.forEach(function (g) {
      var b = g.getBBox();
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
    });
    return { x0: x0, y0: y0, x1: x1, y1: y1 };
  }

  // the zoom at which ``nodes`` fill the diagram's box (at most 100 %)
  function fitZoom(nodes) {
    var d = diagram(), b = bounds(nodes), s = pxPerUnit();
    return Math.min(1, (d.clientWidth - 48) / ((b.x1 - b.x0) * s), (d.clientHeight - 48) / ((b.y1 - b.y0) * s));
  }

  function focusNodes(nodes, k) {
    var v = view(), d = diagram();
    if (!v || !nodes.length) return;
    var b = bounds(nodes);
    var p = toCanvasPx((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
    if (!k) k = Math.max(READABLE, fitZoom(nodes)); // never below a readable zoom
    v.k = k;
    v.x = d.clientWidth / 2 - p.x * k;
    v.y = d.clientHeight / 2 - p.y * k;
    v.fitted = true;
    window.erdView.apply();
  }

  document.addEventListener("keydown", function (e) {
    if (e.target.id !== "canvas-search" || e.key !== "Enter") return;
    e.preventDefault();
    var node = find(e.target.value);
    if (!node) { toast("info", "No table on the diagram matches “" + e.target.value + "”."); return; }
    focusNodes([node], Math.max(view().k, 1));
    picked = {}; picked[uidOf(node)] = true; paintPicked();
  });

  // -- first view, remembered viewport ------------------------------------------------------
  function mostConnected() {
    var degree = {};
    diagram().querySelectorAll("g.edge title").forEach(function (t) {
      t.textContent.split("->").forEach(function (end) {
        var n = end.split(":")[0];
        degree[n] = (degree[n] || 0) + 1;
      });
    });
    var nodes = [].slice.call(diagram().querySelectorAll("g.node"));
    var name = function (g) { var t = g.querySelector("title"); return t ? t.textContent : ""; };
    nodes.sort(function (a, b) { return (degree[name(b)] || 0) - (degree[name(a)] || 0); });
    return nodes.slice(0, FOCUS_TABLES);
  }

  function showFirstView() {
    var v = view(), d = diagram();
    var saved = (d.dataset.viewport || "").split(",").map(parseFloat);
    if (saved.length === 3 && saved.every(isFinite)) {
      v.x = saved[0]; v.y = saved[1]; v.k = saved[2]; v.fitted = true;
      window.erdView.apply();
    } else {
      // whole when it fits at a readable zoom (measured in the box the diagram has now, not
      // the one it had when the page first fitted it); else its most connected tables
      var all = [].slice.call(d.querySelectorAll("g.node"));
      if (all.length) focusNodes(fitZoom(all) >= READABLE ? all : mostConnected(), 0);
    }
    lastSaved = [v.x, v.y, v.k].join(",");
  }

  // The diagram's box settles after the first view (the empty side panel folds away, the
  // toolbar wraps): until the user moves the view, the first view follows the box.
  document.addEventListener("pointerdown", function (e) {
    if (e.target.closest && e.target.closest("#diagram")) untouched = false;
  }, true);
  document.addEventListener("wheel", function (e) {
    if (e.target.closest && e.target.closest("#diagram")) untouched = false;
  }, { capture: true, passive: true });
  if (window.ResizeObserver) {
    var watched = null;
    var resized = new ResizeObserver(function () {
      if (untouched && !firstView && svg()) showFirstView();
    });
    setInterval(function () {
      var d = diagram();
      if (d && d !== watched) { if (watched) resized.unobserve(watched); resized.observe(d); watched = d; }
    }, 500);
  }

  setInterval(function () {
    var v = view(), d = diagram();
    if (!v || !d || !d.dataset.viewportUrl || firstView) return;
    var now = [Math.round(v.x), Math.round(v.y), Math.round(v.k * 1000) / 1000].join(",");
    if (now === lastSaved || act) return;
    lastSaved = now;
    post(d.dataset.viewportUrl, { x: Math.round(v.x), y: Math.round(v.y), k: Math.round(v.k * 1000) / 1000 }).catch(function () {});
    drawFrame();
  }, SAVE_VIEW_MS);

  // -- minimap --------------------------------------------------------------------------------
  function buildMinimap() {
    var mini = document.getElementById("minimap"), s = svg();
    if (!mini || !s) return;
    var old = mini.querySelector("svg");
    if (old) old.remove();
    var d = diagram();
    var w = s.width.baseVal.value, h = s.height.baseVal.value;
    var fits = w * view().k <= d.clientWidth && h * view().k <= d.clientHeight;
    mini.classList.toggle("shown", !fits && w > 0);
    if (fits) return;
    var copy = s.cloneNode(true);
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    copy.querySelectorAll("a").forEach(function (a) { a.removeAttribute("xlink:href"); a.removeAttribute("href"); });
    var scale = Math.min(mini.clientWidth / w, mini.clientHeight / h);
    copy.setAttribute("width", w * scale);
    copy.setAttribute("height", h * scale);
    mini.dataset.scale = scale;
    mini.insertBefore(copy, mini.firstChild);
    drawFrame();
  }

  function drawFrame() {
    var mini = document.getElementById("minimap"), v = view(), d = diagram();
    if (!mini || !mini.classList.contains("shown") || !v) return;
    var m = parseFloat(mini.dataset.scale) || 0;
    var f = mini.querySelector(".minimap-frame").style;
    f.left = (-v.x / v.k * m) + "px"; f.top = (-v.y / v.k * m) + "px";
    f.width = (d.clientWidth / v.k * m) + "px"; f.height = (d.clientHeight / v.k * m) + "px";
  }

  document.addEventListener("click", function (e) {
    var mini = e.target.closest("#minimap");
    if (!mini) return;
    var v = view(), d = diagram(), m = parseFloat(mini.dataset.scale) || 0;
    if (!m) return;
    var r = mini.getBoundingClientRect();
    v.x = d.clientWidth / 2 - (e.clientX - r.left) / m * v.k;
    v.y = d.clientHeight / 2 - (e.clientY - r.top) / m * v.k;
    window.erdView.apply();
    drawFrame();
  });
  document.addEventListener("wheel", function () { setTimeout(drawFrame, 0); }, { passive: true });
  window.addEventListener("pointerup", function () { setTimeout(drawFrame, 0); });

  // -- after every diagram swap -----------------------------------------------------------------
  function addEdgeHitAreas() {
    diagram().querySelectorAll("g.edge").forEach(function (edge) {
      var path = edge.querySelector("path");
      if (!path || edge.querySelector(".edge-hit")) return;
      var hit = path.cloneNode(false);
      hit.setAttribute("class", "edge-hit");
      path.parentNode.appendChild(hit);
    });
  }

  document.addEventListener("htmx:afterSwap", function (e) {
    // a drawn or clicked foreign key: its settings scroll into view for a quick confirm
    if (e.detail.target && e.detail.target.id === "panel") {
      var settings = e.detail.target.querySelector("form[data-fk-settings]");
      if (settings) {
        settings.scrollIntoView({ block: "center" });
        var first = settings.querySelector("select");
        if (first) first.focus({ preventScroll: true });
      }
      return;
    }
    if (!e.detail.target || e.detail.target.id !== "diagram" || !svg()) return;
    var v = view();
    if (firstView) {
      firstView = false;
      showFirstView();
    } else if (lastOrigin && isPinned() && v) {
      // keep the tables where they were on screen when the picture's bounds grew or shrank
      var now = origin(), s = pxPerUnit();
      v.x -= (now.x - lastOrigin.x) * s * v.k;
      v.y -= (now.y - lastOrigin.y) * s * v.k;
      window.erdView.apply();
    }
    lastOrigin = isPinned() ? origin() : null;
    addEdgeHitAreas();
    paintPicked();
    buildMinimap();
  });
})();
