/* ERD Designer: editing together. On a project page, poll /p/<slug>/revision/ every 3 s; when
   the design changed because of someone else (or another tab), tell the page with a
   `schema-changed` event on <body> (the diagram and table list refresh themselves) and show a
   notice. The table panel is never re-rendered automatically: a form being typed in stays as
   it is, and the notice offers a link to reload the panel. */
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

  function poll() {
    if (document.hidden) return schedule();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && typeof data.revision === "number") {
          if (known === null) known = data.revision;
          else if (data.revision !== known) changed(data);
        }
      })
      .catch(function () { /* offline for a moment: try again next time */ })
      .then(schedule);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, POLL_MS);
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  poll();
})();
