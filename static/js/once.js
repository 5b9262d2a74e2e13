/* ERD Designer: a form's write is applied once, even when it is sent again.
   Every htmx POST carries an Idempotency-Key (designer/idempotency.py). The key belongs to
   the element that sent it and lives until an answer arrives: a retry after a lost answer
   (a dropped connection, a timeout, a second click) sends the same key, and the server
   answers with the first response instead of adding the key, comment or link twice. Once
   any answer has arrived the key is dropped, so the next edit of the same form is new; a
   form changed before it is sent again is a new request too, with a new key. */
(function () {
  "use strict";

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function owner(elt) {
    return (elt && elt.closest && elt.closest("form")) || elt;
  }

  // what the request sends, so a changed form gets a new key
  function signature(detail) {
    var data = detail.formData;
    if (!data || !data.forEach) return "";
    var parts = [];
    data.forEach(function (value, name) {
      parts.push([name, typeof value === "string" ? value : value.name + ":" + value.size]);
    });
    return JSON.stringify(parts);
  }

  document.addEventListener("htmx:configRequest", function (e) {
    if (String(e.detail.verb).toLowerCase() !== "post") return;
    var el = owner(e.detail.elt);
    if (!el || !el.dataset) return;
    var sent = signature(e.detail);
    if (!el.dataset.idempotencyKey || el.dataset.idempotencySent !== sent) {
      el.dataset.idempotencyKey = newKey();
      el.dataset.idempotencySent = sent;
    }
    e.detail.headers["Idempotency-Key"] = el.dataset.idempotencyKey;
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var xhr = e.detail.xhr;
    var el = owner(e.detail.elt);
    // status 0: no answer arrived, so the write may or may not have happened; keep the key
    if (xhr && xhr.status !== 0 && el && el.dataset) delete el.dataset.idempotencyKey;
  });
})();
