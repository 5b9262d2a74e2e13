/* ERD Designer: the code view. The design as DBML or PostgreSQL DDL in CodeMirror 6
   (static/vendor/code-editor.js, loaded the first time the view opens). Typing is checked
   on the server after a pause: parse errors are marked at their line, and the list below
   the editor says what applying the text would change. Apply merges it into the design
   (one undoable edit); the diagram and the panel redraw. */
(function () {
  "use strict";

  var CHECK_DELAY_MS = 400;
  var root, editor, format = "dbml", revision = null, loaded = "", timer = null, seq = 0;

  function $(sel) { return root.querySelector(sel); }

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function post(url, data) {
    var body = new FormData();
    Object.keys(data).forEach(function (k) { body.append(k, data[k]); });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
    }).then(function (r) {
      return r.json().then(function (json) { json.ok = r.ok; return json; }, function () {
        return { ok: false, errors: [{ line: 0, message: "The server answered " + r.status + "." }], changes: [] };
      });
    });
  }

  function state(kind, text) {
    var el = $("[data-code-state]");
    el.dataset.state = kind;
    el.textContent = text;
  }

  function dirty() { return editor && editor.getText() !== loaded; }

  function setApply(enabled) {
    var b = $("[data-code-apply]");
    if (b) b.disabled = !enabled;
  }

  function showResult(result) {
    var box = $("[data-code-changes]");
    box.textContent = "";
    var errors = result.errors || [];
    editor.showErrors(errors.filter(function (e) { return e.line > 0; }));
    if (errors.length) {
      errors.forEach(function (e) {
        var p = document.createElement("p");
        p.className = "codeview-error";
        p.setAttribute("role", "alert");
        p.textContent = (e.line ? "Line " + e.line + ": " : "") + e.message; // text: may quote input
        box.appendChild(p);
      });
      state("error", errors.length === 1 ? "1 error" : errors.length + " errors");
      setApply(false);
      return;
    }
    var changes = result.changes || [];
    if (!changes.length) {
      var none = document.createElement("p");
      none.className = "muted small";
      none.textContent = "No changes to the design.";
      box.appendChild(none);
      state("ok", dirty() ? "Nothing to apply" : "");
      setApply(false);
      return;
    }
    var head = document.createElement("p");
    head.className = "small";
    head.textContent = changes.length + (changes.length === 1 ? " change" : " changes") + " to apply:";
    box.appendChild(head);
    var ul = document.createElement("ul");
    changes.forEach(function (c) {
      var li = document.createElement("li");
      li.textContent = c;
      ul.appendChild(li);
    });
    box.appendChild(ul);
    state("ok", "Ready to apply");
    setApply(true);
  }

  function check() {
    var mine = ++seq;
    state("checking", "Checking…");
    post(root.dataset.checkUrl, { text: editor.getText(), format: format }).then(function (result) {
      if (mine === seq) showResult(result);
    });
  }

  function load() {
    var url = root.dataset.textUrl + "?format=" + encodeURIComponent(format);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        loaded = data.text;
        revision = data.revision;
        editor.setText(data.text);
        editor.setLanguage(format === "dbml" ? "dbml" : "sql");
        editor.setReadOnly(!data.can_edit);
        editor.showErrors([]);
        showResult({ changes: [] });
        state("ok", "");
      });
  }

  function apply() {
    setApply(false);
    state("checking", "Applying…");
    post(root.dataset.applyUrl, { text: editor.getText(), format: format, revision: revision }).then(function (result) {
      if (!result.ok) { showResult(result); return; }
      var n = (result.changes || []).length;
      revision = result.revision;
      if (window.erdToast) window.erdToast("info", ["Applied " + n + (n === 1 ? " change" : " changes") + " from the code view."]);
      document.body.dispatchEvent(new CustomEvent("schema-changed", { bubbles: true, detail: { code: true } }));
      var panel = document.querySelector("#panel [data-table-uid]");
      if (panel && window.htmx) {
        htmx.ajax("GET", "/p/" + root.dataset.textUrl.split("/")[2] + "/tables/" + panel.getAttribute("data-table-uid") + "/", { target: "#panel", swap: "innerHTML" });
      }
      load();
    });
  }

  function withEditorScript(done) {
    if (window.ErdCodeEditor) return done();
    var s = document.createElement("script");
    s.src = root.dataset.editorSrc;
    s.onload = done;
    s.onerror = function () { state("error", "The code editor could not be loaded."); };
    document.head.appendChild(s);
  }

  function open() {
    var toggle = document.querySelector("[data-code-toggle]");
    var showing = root.hidden;
    root.hidden = !showing;
    root.parentElement.classList.toggle("with-code", showing);
    toggle.setAttribute("aria-expanded", showing ? "true" : "false");
    toggle.classList.toggle("active", showing);
    if (!showing) return;
    withEditorScript(function () {
      if (!editor) {
        // Inside a shadow root CodeMirror styles itself with constructed stylesheets, which
        // the Content-Security-Policy allows; in the document it would inject <style> tags.
        var host = $("[data-code-editor]");
        var shadow = host.shadowRoot || host.attachShadow({ mode: "open" });
        var mount = document.createElement("div");
        mount.style.height = "100%"; // CSSOM, not a style attribute: allowed by the CSP
        shadow.appendChild(mount);
        editor = window.ErdCodeEditor.create(mount, {
          doc: "", language: "dbml", label: "Design as code",
          onChange: function () {
            clearTimeout(timer);
            state("dirty", "Edited");
            timer = setTimeout(check, CHECK_DELAY_MS);
          },
        });
      }
      load().then(function () { editor.view.focus(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("code-view");
    if (!root) return;
    document.addEventListener("click", function (e) {
      if (e.target.closest("[data-code-toggle]")) open();
      else if (e.target.closest("[data-code-apply]")) apply();
      else if (e.target.closest("[data-code-reload]") && editor) load();
    });
    $("[data-code-format]").addEventListener("change", function (e) {
      format = e.target.value;
      if (editor) load();
    });
    // Edits made elsewhere (the panel, undo, another editor) show up here unless the text
    // has unsaved changes of its own; those are never overwritten.
    document.body.addEventListener("schema-changed", function (e) {
      if (root.hidden || !editor || (e.detail && e.detail.code)) return;
      if (!dirty()) load();
      else state("error", "The design changed meanwhile: Reload before applying");
    });
  });
})();
