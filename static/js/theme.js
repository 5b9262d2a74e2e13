/* ERD Designer: light or dark. Loaded without defer in <head> so the page never flashes the
   wrong theme. No stored choice: follow the system (and its changes). A choice: keep it. */
(function () {
  "use strict";
  var KEY = "erd-theme";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function current() {
    return stored() || (media && media.matches ? "dark" : "light");
  }
  function apply(theme) {
    document.documentElement.setAttribute("data-theme", theme);
    var button = document.querySelector("[data-theme-toggle]");
    if (button) {
      button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
      button.title = theme === "dark" ? "Switch to light mode" : "Switch to dark mode";
    }
  }

  apply(current());
  if (media && media.addEventListener) {
    media.addEventListener("change", function () { if (!stored()) apply(current()); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    apply(current());
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      try { localStorage.setItem(KEY, next); } catch (e) { /* private mode: this page only */ }
      apply(next);
    });
  });
})();
