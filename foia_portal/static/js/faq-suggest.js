/*
 * FAQ answers beside the request form's description (progressive enhancement).
 *
 * As the requester describes the records they want, ask GET /api/v1/faq?q= for the best
 * matching answers and list them next to the field. Then report what was shown
 * (POST /api/v1/faq/suggestions with the form's form_token), so staff can count how many
 * people found an answer instead of filing. Without JavaScript the "check the FAQ" link stays.
 */
(function () {
  "use strict";
  var box = document.getElementById("faq-suggestions");
  var field = document.getElementById("description");
  if (!box || !field || !window.fetch) { return; }
  var form = field.form;
  var tokenInput = form ? form.querySelector("input[name='form_token']") : null;
  var list = document.getElementById("faq-suggestions-list");
  var heading = document.getElementById("faq-suggestions-heading");
  var searchUrl = box.getAttribute("data-search-url");
  var recordUrl = box.getAttribute("data-record-url");
  var MIN_CHARS = 12;
  var MAX_CHARS = 600;
  var timer = null;
  var lastQuery = "";
  var lastShown = "";
  var pending = null;

  function clear() {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    list.hidden = true;
    heading.hidden = true;
  }

  function render(results) {
    clear();
    if (!results.length) { return; }
    results.forEach(function (hit) {
      var item = document.createElement("li");
      item.className = "margin-bottom-1";
      var link = document.createElement("a");
      link.className = "usa-link";
      link.href = hit.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = hit.question;
      var note = document.createElement("span");
      note.className = "usa-sr-only";
      note.textContent = " (opens in a new tab)";
      link.appendChild(note);
      item.appendChild(link);
      if (hit.snippet_text) {
        var snippet = document.createElement("p");
        snippet.className = "usa-hint margin-top-05 margin-bottom-0";
        snippet.textContent = hit.snippet_text;
        item.appendChild(snippet);
      }
      list.appendChild(item);
    });
    heading.hidden = false;
    list.hidden = false;
  }

  function record(query, results) {
    var slugs = results.map(function (hit) { return hit.slug; });
    var key = slugs.join(" ");
    if (!recordUrl || !tokenInput || !tokenInput.value || !slugs.length || key === lastShown) { return; }
    lastShown = key;
    fetch(recordUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({ form_token: tokenInput.value, query: query, faq_slugs: slugs })
    }).catch(function () { /* counting is best effort */ });
  }

  function lookUp() {
    var query = field.value.trim().slice(0, MAX_CHARS);
    if (query.length < MIN_CHARS) { clear(); lastQuery = ""; return; }
    if (query === lastQuery) { return; }
    lastQuery = query;
    if (pending && pending.abort) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    var url = searchUrl + "?per_page=3&q=" + encodeURIComponent(query);
    fetch(url, { credentials: "omit", signal: pending ? pending.signal : undefined })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) {
        var results = (body && body.results) || [];
        render(results);
        record(query, results);
      })
      .catch(function () { /* keep the plain link */ });
  }

  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 700);
  });
  if (field.value) { lookUp(); }
})();
