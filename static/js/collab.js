/* ERD Designer: editing together. On the editor page, listen to /p/<slug>/events/ (Server-Sent
   Events, pushed the moment someone saves; served under ASGI, `make run-prod`); where the
   server cannot stream (runserver answers 204) or the stream keeps failing, poll
   /p/<slug>/revision/ every 3 s instead. When the design changed because of someone else (or
   another tab), tell the page with a `schema-changed` event on <body> (the diagram and table
   list refresh themselves) and show a notice. The table panel is never re-rendered
   automatically: a form being typed in stays as it is, and the notice offers a link to reload
   the panel. Presence: who has the editor open, and which table each one edits, in #presence. */
(function () {
  "use strict";

  var POLL_MS = 3000;
  var match = window.location.pathname.match(/^\/p\/([^/]+)\/$/);
  if (!match) return; // only the editor page follows the design live
  var slug = match[1];
  var url = "/p/" + slug + "/revision/";
  var known = null; // the last revision this tab has seen
  var ownEdits = 0; // this tab's successful edits since the last poll
  var pending = 0; // this tab's edits still in flight
  var timer = null;

  function isEdit(detail) {
    var verb = (detail.requestConfig && detail.requestConfig.verb) || "";
    var path = (detail.pathInfo && detail.pathInfo.requestPath) || "";
    return verb.toLowerCase() !== "get" && path.indexOf("/p/" + slug + "/") === 0;
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (isEdit(e.detail)) pending++;
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (!isEdit(e.detail)) return;
    pending = Math.max(0, pending - 1);
    if (e.detail.successful) ownEdits++;
  });

  function reloadPanel(event) {
    event.preventDefault();
    var panel = document.querySelector("#panel [data-table-uid]");
    if (panel && window.htmx) {
      var uid = panel.getAttribute("data-table-uid");
      htmx.ajax("GET", "/p/" + slug + "/tables/" + uid + "/", { target: "#panel", swap: "innerHTML" });
    }
    var toast = event.target.closest(".toast");
    if (toast) toast.remove();
  }

  function notify(actor) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var old = box.querySelector(".toast-collab");
    if (old) old.remove(); // one notice at a time: the latest says enough
    var el = document.createElement("div");
    el.className = "toast toast-collab";
    el.setAttribute("role", "status");
    var p = document.createElement("p");
    p.textContent = (actor || "Someone") + " changed the design."; // textContent: names are user text
    if (document.querySelector("#panel [data-table-uid]")) {
      var a = document.createElement("a");
      a.href = "#";
      a.className = "reload-panel";
      a.textContent = "Reload panel";
      a.addEventListener("click", reloadPanel);
      p.appendChild(a);
    }
    el.appendChild(p);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.onclick = function () { el.remove(); };
    el.appendChild(close);
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 15000);
  }

  function changed(data) {
    var jump = data.revision - known;
    // Our own edits already refreshed the page; anything beyond them came from elsewhere.
    var fromElsewhere = !data.by_you || jump > ownEdits + pending;
    known = data.revision;
    ownEdits = 0;
    if (!fromElsewhere) return;
    document.body.dispatchEvent(new CustomEvent("schema-changed", { bubbles: true, detail: { remote: true } }));
    notify(data.by_you ? "You (in another tab)" : data.actor);
  }

  function seen(data) {
    if (!data || typeof data.revision !== "number") return;
    if (known === null) known = data.revision;
    else if (data.revision > known) changed(data);
  }

  function poll() {
    if (document.hidden) return schedule();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(seen)
      .catch(function () { /* offline for a moment: try again next time */ })
      .then(schedule);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, POLL_MS);
  }

  function startPolling() {
    if (polling) return;
    polling = true;
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
    poll();
  }

  // -- pushed updates and presence ---------------------------------------------------------

  var connection = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var polling = false;
  var failures = 0;

  function showPresence(viewers) {
    var box = document.getElementById("presence");
    if (!box || !Array.isArray(viewers)) return;
    box.textContent = "";
    viewers.forEach(function (v) {
      var chip = document.createElement("span");
      chip.className = "presence-chip";
      chip.textContent = v.table ? v.user + " · " + v.table : v.user; // textContent: user text
      chip.title = v.table ? v.user + " is editing " + v.table : v.user + " is viewing";
      box.appendChild(chip);
    });
    box.hidden = viewers.length === 0;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  var reportedTable = null;
  function reportPresence() {
    var panel = document.querySelector("#panel [data-table-uid]");
    var table = panel ? panel.getAttribute("data-table-uid") : "";
    if (table === reportedTable) return;
    reportedTable = table;
    var body = new URLSearchParams({ connection: connection, table: table });
    fetch("/p/" + slug + "/presence/", {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrfToken() },
    }).catch(function () {});
  }

  function listen() {
    if (!window.EventSource) return startPolling();
    var source = new EventSource("/p/" + slug + "/events/?c=" + connection);
    source.addEventListener("hello", function (e) {
      failures = 0;
      var data = JSON.parse(e.data);
      seen(data);
      showPresence(data.viewers);
      reportedTable = null;
      reportPresence();
    });
    source.addEventListener("revision", function (e) { seen(JSON.parse(e.data)); });
    source.addEventListener("presence", function (e) { showPresence(JSON.parse(e.data).viewers); });
    source.onerror = function () {
      // CLOSED: the server cannot stream (204 under runserver); several errors in a row: give up
      if (source.readyState === EventSource.CLOSED || ++failures > 3) {
        source.close();
        startPolling();
      }
    };
  }

  document.addEventListener("htmx:afterSettle", reportPresence);
  listen();
})();
