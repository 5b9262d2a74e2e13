/* ERD Designer: the little the page needs beyond htmx.
   Toasts, SVG pan/zoom, diagram clicks that open the table panel, copy buttons. */
(function () {
  "use strict";

  // -- toasts: warnings from HX-Trigger and every failed request -----------------------
  function toast(level, messages) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast toast-" + level;
    el.setAttribute("role", level === "error" ? "alert" : "status");
    [].concat(messages).forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text; // never innerHTML: messages may quote user input
      el.appendChild(p);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.onclick = function () { el.remove(); };
    el.appendChild(close);
    box.appendChild(el);
    if (level !== "error") setTimeout(function () { el.remove(); }, 8000);
  }
  window.erdToast = toast;

  function responseText(xhr) {
    var text = xhr.responseText || "";
    if (/<html|<!doctype/i.test(text)) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var title = doc.querySelector("h1, title");
      text = title ? title.textContent : "";
    }
    text = text.trim().slice(0, 300);
    return text || (xhr.status + " " + (xhr.statusText || "error"));
  }

  document.addEventListener("toast", function (e) {
    toast(e.detail.level || "info", e.detail.messages || []);
  });
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    var what = xhr.status === 403 ? "Not allowed" : xhr.status === 404 ? "Not found" : "Request failed";
    toast("error", [what + " (" + xhr.status + "): " + responseText(xhr)]);
  });
  document.addEventListener("htmx:sendError", function () {
    toast("error", ["The server did not answer. Check your connection and try again."]);
  });

  // -- diagram pan and zoom ---------------------------------------------------------
  var view = { x: 20, y: 20, k: 1, fitted: false };
  var MIN_K = 0.1, MAX_K = 4;

  function canvas() { return document.querySelector("#diagram .diagram-canvas"); }

  function apply() {
    var c = canvas();
    if (c) c.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.k + ")";
    var label = document.getElementById("zoom-level");
    if (label) label.textContent = Math.round(view.k * 100) + "%";
  }

  function zoomAt(factor, cx, cy) {
    var k = Math.min(MAX_K, Math.max(MIN_K, view.k * factor));
    view.x = cx - (cx - view.x) * (k / view.k);
    view.y = cy - (cy - view.y) * (k / view.k);
    view.k = k;
    apply();
  }

  function fit() {
    var box = document.getElementById("diagram");
    var svg = box && box.querySelector("svg");
    if (!svg) return;
    var w = svg.width.baseVal.value || svg.getBBox().width;
    var h = svg.height.baseVal.value || svg.getBBox().height;
    if (!w || !h) return;
    var pad = 24;
    var k = Math.min((box.clientWidth - pad * 2) / w, (box.clientHeight - pad * 2) / h, 1.5);
    view.k = Math.max(MIN_K, k);
    view.x = (box.clientWidth - w * view.k) / 2;
    view.y = Math.max(pad, (box.clientHeight - h * view.k) / 2);
    view.fitted = true;
    apply();
  }

  // canvas.js reads and sets the view (restored viewport, first view, search, minimap).
  window.erdView = { state: view, apply: apply, fit: fit };

  var drag = null, dragged = false;

  function bindDiagram(box) {
    if (box.dataset.bound) return;
    box.dataset.bound = "1";
    box.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = box.getBoundingClientRect();
      zoomAt(e.deltaY < 0 ? 1.12 : 1 / 1.12, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    box.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
      dragged = false;
    });
    window.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!dragged) box.classList.add("dragging");
      dragged = true;
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      apply();
    });
    window.addEventListener("pointerup", function () {
      drag = null;
      box.classList.remove("dragging");
    });
    // A table in the SVG is an <a> (Graphviz URL=); open its panel instead of leaving the page.
    box.addEventListener("click", function (e) {
      var a = e.target.closest("a");
      if (!a) return;
      e.preventDefault();
      if (dragged) { dragged = false; return; }
      var href = a.getAttribute("href") || a.getAttribute("xlink:href");
      if (href && window.htmx) htmx.ajax("GET", href, { target: "#panel", swap: "innerHTML" });
    });
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-zoom]");
    if (!b) return;
    var box = document.getElementById("diagram");
    if (!box) return;
    var cx = box.clientWidth / 2, cy = box.clientHeight / 2;
    if (b.dataset.zoom === "in") zoomAt(1.25, cx, cy);
    else if (b.dataset.zoom === "out") zoomAt(1 / 1.25, cx, cy);
    else fit();
  });

  // -- keeping the page in step after swaps ------------------------------------------
  function markSelected() {
    var panel = document.querySelector("#panel [data-table-uid]");
    var uid = panel ? panel.getAttribute("data-table-uid") : "";
    document.querySelectorAll("#table-list a[data-uid]").forEach(function (a) {
      a.classList.toggle("active", a.getAttribute("data-uid") === uid);
    });
    document.querySelectorAll("#diagram g.node").forEach(function (g) {
      var a = g.querySelector("a");
      var href = a ? (a.getAttribute("href") || a.getAttribute("xlink:href") || "") : "";
      g.classList.toggle("selected", !!uid && href.indexOf("/tables/" + uid + "/") !== -1);
    });
  }

  function syncDownloads() {
    var form = document.getElementById("diagram-options");
    if (!form) return;
    var params = new URLSearchParams(new FormData(form));
    params.set("download", "1");
    document.querySelectorAll("a.diagram-download").forEach(function (a) {
      a.href = a.dataset.base + "?" + params.toString();
    });
  }

  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target && target.id === "diagram") {
      bindDiagram(target);
      if (!view.fitted) fit(); else apply();
    }
    markSelected();
  });
  document.addEventListener("change", function (e) {
    if (e.target.closest("#diagram-options")) syncDownloads();
  });

  // -- menus and copy buttons ---------------------------------------------------------
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
    var copy = e.target.closest("[data-copy]");
    if (!copy) return;
    var source = document.querySelector(copy.dataset.copy);
    if (!source) return;
    var text = source.textContent;
    // Say "Copied" in place of the label (icons included) and put the label back after.
    var label = copy.innerHTML;
    var done = function () { copy.textContent = "Copied"; setTimeout(function () { copy.innerHTML = label; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { toast("error", ["Copy failed."]); });
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      try { document.execCommand("copy"); done(); } catch (err) { toast("error", ["Copy failed; select the text and copy it."]); }
    }
  });

  // -- what the Content-Security-Policy keeps out of the markup -------------------------
  // No inline handlers or style attributes: forms that only drive htmx never submit,
  // forms marked data-reset-on-success clear after a successful request, and table colours
  // (validated #rrggbb) are applied from data-color.
  document.addEventListener("submit", function (e) {
    if (e.target.matches && e.target.matches("form[data-no-submit]")) e.preventDefault();
  }, true);
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (form && form.matches && form.matches("form[data-reset-on-success]") && e.detail.xhr.status < 300) form.reset();
  });
  function paintSwatches(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-color]").forEach(function (el) {
      el.style.background = el.getAttribute("data-color");
    });
  }
  document.addEventListener("htmx:load", function (e) { paintSwatches(e.detail.elt); });

  document.addEventListener("DOMContentLoaded", function () {
    paintSwatches(document);
    syncDownloads();
    markSelected();
  });
})();

/* Colour picker beside the hex field: the hex stays the value the form sends. */
(function () {
  "use strict";
  var HEX = /^#[0-9a-fA-F]{6}$/;
  function partner(el, selector) {
    var box = el.closest(".color-field");
    return box ? box.querySelector(selector) : null;
  }
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (el.matches && el.matches("input[type=color][data-color-for]")) {
      var text = partner(el, "input[name=" + el.dataset.colorFor + "]");
      if (text) text.value = el.value;
    } else if (el.matches && el.matches(".color-field input[name]")) {
      var picker = partner(el, "input[type=color]");
      if (picker && HEX.test(el.value.trim())) picker.value = el.value.trim().toLowerCase();
    }
  });
})();
