/* ERD Designer: editing in the editor page. Autosave with a visible state, undo and redo,
   keyboard shortcuts and focus after each edit. The server does the work (htmx posts); this
   file only decides when to send and where the next keystroke goes.

   Autosave: a form marked data-autosave is posted when focus leaves it with something changed,
   when a checkbox or select in it changes, and on Enter in one of its fields (Enter never
   presses another button of the row). A refused save (422) keeps what was typed in the field
   and says why; a save whose panel was closed meanwhile reports its outcome as a toast. */
(function () {
  "use strict";

  var match = window.location.pathname.match(/^\/p\/([^/]+)\/(tables\/[^/]+\/)?$/);
  if (!match) return; // the editor page only (also opened on a table: /p/<slug>/tables/<uid>/)
  var slug = match[1];

  // -- the save indicator -----------------------------------------------------------------
  function status(state, text) {
    var el = document.getElementById("save-status");
    if (!el) return;
    el.dataset.state = state;
    el.textContent = text;
  }

  function isTextField(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    if (tag === "textarea" || el.isContentEditable) return true;
    if (tag === "select") return true;
    if (tag !== "input") return false;
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(el.type) === -1;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && !el.disabled;
    });
  }

  function isDirty(form) {
    return fields(form).some(function (el) {
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName.toLowerCase() === "select") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return el.value !== el.defaultValue;
    });
  }

  function snapshot(form) {
    var values = {};
    fields(form).forEach(function (el) {
      values[el.name] = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
    });
    return values;
  }

  function restore(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = values[el.name];
      else el.value = values[el.name];
    });
    form.classList.add("dirty");
  }

  function save(form) {
    if (form.dataset.saving) { form.dataset.again = "1"; return; }
    var button = form.querySelector("[data-save]");
    form.requestSubmit(button || undefined);
  }

  document.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("form[data-autosave]");
    if (!form) return;
    form.classList.toggle("dirty", isDirty(form));
    if (form.classList.contains("dirty")) status("dirty", "Unsaved changes");
  });

  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("form[data-autosave]");
    if (!form) return;
    if (e.target.type === "checkbox" || e.target.tagName.toLowerCase() === "select") {
      if (isDirty(form)) save(form);
    }
  });

  document.addEventListener("focusout", function (e) {
    var form = e.target.closest && e.target.closest("form[data-autosave]");
    if (!form) return;
    if (e.relatedTarget && form.contains(e.relatedTarget)) return; // still in the same row
    if (isDirty(form)) save(form);
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.isComposing || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
    var form = e.target.closest && e.target.closest("form[data-autosave]");
    if (!form || !isTextField(e.target) || e.target.tagName.toLowerCase() !== "input") return;
    e.preventDefault(); // implicit submission would press the row's first button
    if (isDirty(form)) save(form);
  });

  // Autosave requests: the indicator, the typed text kept on refusal, late answers.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt && e.detail.elt.closest && e.detail.elt.closest("form[data-autosave]");
    if (!form || (e.detail.requestConfig.verb || "").toLowerCase() !== "post") return;
    form.dataset.saving = "1";
    e.detail.requestConfig.typed = snapshot(form);
    e.detail.requestConfig.autosaveForm = form;
    status("saving", "Saving…");
  });

  document.addEventListener("htmx:beforeSwap", function (e) {
    var cfg = e.detail.requestConfig;
    if (!cfg || !cfg.typed) return;
    var form = cfg.autosaveForm;
    var xhr = e.detail.xhr;
    var key = form.getAttribute("data-autosave");
    var message = "";
    if (xhr.status === 422) {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var err = doc.querySelector('[data-autosave="' + key + '"] [role=alert]') || doc.querySelector("[role=alert]");
      message = err ? err.textContent.trim() : "The change was refused.";
    }
    if (!form.isConnected) {
      // The user went on to another table before the answer came: do not take the panel back.
      e.detail.shouldSwap = false;
      if (message) {
        window.erdToast && window.erdToast("error", ["Not saved: " + message]);
        status("error", "Not saved");
      } else {
        status("saved", "Saved");
      }
      return;
    }
    cfg.autosaveKey = key;
    cfg.message = message;
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var cfg = e.detail.requestConfig;
    if (!cfg || !cfg.autosaveKey) return;
    var form = document.querySelector('form[data-autosave="' + cfg.autosaveKey + '"]');
    if (cfg.message) {
      // Keep what was typed: a stale form is redrawn with the current values and version,
      // so saving again (Enter) writes the typed text over the other change.
      if (form) restore(form, cfg.typed);
      var stale = /Someone else changed/.test(cfg.message);
      status(stale ? "conflict" : "error", stale ? "Conflict: your text is kept, save again to overwrite" : "Not saved: " + cfg.message);
    } else {
      status("saved", "Saved");
    }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt && e.detail.elt.closest && e.detail.elt.closest("form[data-autosave]");
    if (!form) return;
    delete form.dataset.saving;
    if (!e.detail.successful && e.detail.xhr && e.detail.xhr.status !== 422) status("error", "Not saved: the server did not accept it");
    if (form.dataset.again && form.isConnected) {
      delete form.dataset.again;
      if (isDirty(form)) save(form);
    }
  });

  // -- drafts of the "add" forms ------------------------------------------------------------
  // A new column, key, check or unique typed but not added yet is kept (per table and form, for
  // this tab) when the user goes to another table, and is back when they return: nothing typed
  // is dropped silently.
  var DRAFTS = "#panel #add-column, #panel form.fk-builder, #panel form.inline-form";

  // text typed into the form since it was drawn (a select without a chosen option reads as
  // changed to isDirty, so only text counts here)
  function typedIn(form) {
    return fields(form).some(function (el) { return isTextField(el) && el.tagName.toLowerCase() !== "select" && el.value !== el.defaultValue; });
  }

  function draftKey(form) { return "erd-draft:" + (form.getAttribute("action") || ""); }

  function keepDraft(e) {
    var form = e.target.closest && e.target.closest("form");
    if (!form || !form.matches(DRAFTS)) return;
    try {
      if (typedIn(form)) sessionStorage.setItem(draftKey(form), JSON.stringify(snapshot(form)));
      else sessionStorage.removeItem(draftKey(form));
    } catch (err) { /* storage full or off: the form still works */ }
  }
  document.addEventListener("input", keepDraft);
  document.addEventListener("change", keepDraft);

  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt && e.detail.elt.closest && e.detail.elt.closest("form");
    // submitted: a refusal redraws the form with what was posted, so the draft is done
    if (form && form.matches(DRAFTS)) sessionStorage.removeItem(draftKey(form));
  });

  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll(DRAFTS).forEach(function (form) {
      var kept = null;
      try { kept = JSON.parse(sessionStorage.getItem(draftKey(form)) || "null"); } catch (err) { kept = null; }
      if (!kept || typedIn(form)) return;
      restore(form, kept);
      var details = form.closest("details");
      if (details) details.open = true;
      status("dirty", "Draft kept: not added yet");
    });
  });

  // -- undo and redo ----------------------------------------------------------------------
  function openTable() {
    var panel = document.querySelector("#panel [data-table-uid]");
    return panel ? panel.getAttribute("data-table-uid") : "";
  }

  function step(which) {
    var button = document.querySelector('[data-history="' + which + '"]');
    if (button && !button.disabled) button.click();
  }

  // The open table goes with the request, so its panel comes back redrawn.
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.elt && e.detail.elt.hasAttribute && e.detail.elt.hasAttribute("data-history")) {
      e.detail.parameters.table = openTable();
    }
  });

  // -- keyboard ---------------------------------------------------------------------------
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#panel form.col-row[data-autosave]"));
  }

  function moveRow(delta, from) {
    var list = rows();
    if (!list.length) return;
    var row = from && from.closest("form.col-row[data-autosave]");
    var i = row ? list.indexOf(row) : -1;
    var next = list[Math.max(0, Math.min(list.length - 1, i === -1 ? (delta > 0 ? 0 : list.length - 1) : i + delta))];
    var field = from && isTextField(from) && from.name ? next.querySelector('[name="' + from.name + '"]') : null;
    (field || next).focus();
  }

  function focusAddTable() {
    var input = document.querySelector("#add-table input[name=name]");
    if (input) { input.focus(); input.select(); }
  }

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  function confirmDelete(from) {
    var row = from && from.closest && from.closest("form.col-row[data-autosave]");
    var button = row ? row.querySelector(".btn-del") : document.querySelector("#panel [data-delete-table]");
    if (button) button.click(); // hx-confirm asks first
  }

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var key = e.key;
    var mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && (key === "z" || key === "Z" || key === "y")) {
      // In a field with unsaved typing, Ctrl+Z undoes the typing (the browser's own undo).
      var form = t.closest && t.closest("form");
      if (isTextField(t) && (!form || !form.hasAttribute("data-autosave") || isDirty(form))) return;
      if (t.closest && t.closest(".code-view")) return; // the code editor has its own history
      e.preventDefault();
      step(key === "y" || e.shiftKey ? "redo" : "undo");
      return;
    }
    if (mod || e.altKey) return;
    var inGrid = t.closest && t.closest("#panel form.col-row[data-autosave]");
    if ((key === "ArrowDown" || key === "ArrowUp") && inGrid && t.tagName.toLowerCase() !== "select") {
      e.preventDefault();
      moveRow(key === "ArrowDown" ? 1 : -1, t);
      return;
    }
    if (isTextField(t) || (document.querySelector("dialog[open]") && key !== "?")) return;
    if (key === "n") { e.preventDefault(); focusAddTable(); }
    else if (key === "/") {
      e.preventDefault();
      var search = document.getElementById("table-search");
      if (search) { search.focus(); search.select(); }
    }
    else if (key === "?") { e.preventDefault(); openShortcuts(); }
    else if (key === "j" || key === "k") { e.preventDefault(); moveRow(key === "j" ? 1 : -1, inGrid ? t : null); }
    else if (key === "Enter" && inGrid && t === inGrid) {
      e.preventDefault();
      var name = inGrid.querySelector("input[name=name]");
      if (name) name.focus();
    }
    else if (key === "Delete") { e.preventDefault(); confirmDelete(t); }
    else if (key === "c") {
      var toggle = document.querySelector("[data-code-toggle]");
      if (toggle) { e.preventDefault(); toggle.click(); }
    }
  });

  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-shortcuts-open]")) openShortcuts();
    var close = e.target.closest("[data-dialog-close]");
    if (close) close.closest("dialog").close();
  });

  // -- focus where the next keystroke belongs -----------------------------------------------
  document.addEventListener("htmx:afterSettle", function (e) {
    var cfg = e.detail.requestConfig;
    if (!cfg || (cfg.verb || "").toLowerCase() !== "post" || !e.detail.successful) return;
    var path = cfg.path || "";
    var base = "/p/" + slug + "/tables/";
    var added = /\/columns\/$/.test(path) || path === base; // a column, or a table
    if (added) {
      var input = document.querySelector("#add-column input[name=name]");
      if (input) input.focus();
    } else if (/\/delete\/$/.test(path) && !openTable()) {
      var first = document.querySelector("#table-list a") || document.getElementById("table-search");
      if (first) first.focus();
    }
  });
})();
