/* The Explorer: what htmx cannot do alone.
   Clicking a table in the SVG re-centres without a page load (the links work without JS too),
   the centred table is outlined, and the quick "add a column" form reports its outcome. */
(function () {
  "use strict";

  function main() { return document.getElementById("explore-main"); }

  // A table in the SVG is an <a> (Graphviz URL=) to ?table=...: load just the main area.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("#explore-diagram a");
    if (!a || !window.htmx || !main()) return;
    var href = a.getAttribute("href") || a.getAttribute("xlink:href");
    if (!href) return;
    e.preventDefault();
    htmx.ajax("GET", href, { target: "#explore-main", swap: "innerHTML" }).then(function () {
      history.pushState({ explore: true }, "", href);
    });
  });

  // Our own history entries are not htmx's: reload them from the server.
  window.addEventListener("popstate", function (e) {
    if (e.state && e.state.explore) location.reload();
  });

  function markCentre() {
    var box = document.getElementById("explore-diagram");
    if (!box) return;
    var centre = box.getAttribute("data-centre");
    if (!centre) return;
    var wanted = "table=" + encodeURIComponent(centre);
    box.querySelectorAll("g.node").forEach(function (g) {
      var a = g.querySelector("a");
      var href = a ? (a.getAttribute("href") || a.getAttribute("xlink:href") || "") : "";
      var params = href.split("?")[1] || "";
      g.classList.toggle("centre", ("&" + params + "&").indexOf("&" + wanted + "&") !== -1);
    });
  }

  // The elapsed seconds of a background drawing tick between the 2-second polls.
  setInterval(function () {
    document.querySelectorAll(".ex-elapsed").forEach(function (el) {
      var n = parseInt(el.textContent, 10);
      if (!isNaN(n)) el.textContent = String(n + 1);
    });
  }, 1000);

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-quick-edit]")) return;
    var xhr = e.detail.xhr;
    if (xhr.status >= 200 && xhr.status < 300) {
      var name = form.querySelector("input[name=name]");
      if (window.erdToast) window.erdToast("info", ["Column “" + (name ? name.value : "") + "” added."]);
      form.reset();
    } else if (xhr.status === 422) {
      // The editor answers with its panel; its error message is all we need here.
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var messages = [].map.call(doc.querySelectorAll(".field-error, .form-error"), function (el) {
        return el.textContent.trim();
      }).filter(Boolean);
      if (window.erdToast) window.erdToast("error", messages.length ? messages : ["The column was not added."]);
    }
  });

  document.addEventListener("htmx:afterSettle", markCentre);
  document.addEventListener("DOMContentLoaded", markCentre);
})();
