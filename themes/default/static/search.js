// Search over /search/index.json: words and facets, all in the browser. The page works
// without this script: every facet value links to a static page of its own.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var hits = document.getElementById("hits");
  var facetBox = document.getElementById("facets");
  if (!form || !input || !status || !hits || !facetBox) return;

  var MAX_RECORDS = 100;
  var MAX_TABLES = 5;
  var index = null;
  var selected = new Set();   // facet value ids
  var groupOf = {};           // facet value id -> facet key
  var keyOf = {};             // facet value id -> "facet:slug" (for the address bar)

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }
  function hasAll(text, ws) {
    for (var i = 0; i < ws.length; i++) if (text.indexOf(ws[i]) < 0) return false;
    return true;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A record passes the facets when, for each facet with something chosen, it has one
  // of the chosen values.
  function passes(ids) {
    var groups = {};
    selected.forEach(function (id) { (groups[groupOf[id]] = groups[groupOf[id]] || []).push(id); });
    for (var g in groups) {
      if (!groups[g].some(function (id) { return ids.indexOf(id) >= 0; })) return false;
    }
    return true;
  }

  function run() {
    var ws = words(input.value);
    var results = [];
    var tableCount = 0;
    index.records.forEach(function (r) {
      if (!passes(r.f)) return;
      var recordText = (r.t + " " + r.m + " " + r.a + " " + r.id).toLowerCase();
      var keywordPick = Array.from(selected).filter(function (id) {
        return ["reaction", "observable", "cmenergy", "phrase", "resource"].indexOf(groupOf[id]) >= 0;
      });
      var tables = r.tables.filter(function (t) {
        if (keywordPick.length && !keywordPick.some(function (id) { return t[3].indexOf(id) >= 0; })) return false;
        return ws.length > 0 && hasAll((t[1] + " " + t[2]).toLowerCase(), ws);
      });
      if (ws.length && !hasAll(recordText, ws) && tables.length === 0) return;
      if (!ws.length && keywordPick.length) {
        tables = r.tables.filter(function (t) {
          return keywordPick.some(function (id) { return t[3].indexOf(id) >= 0; });
        });
      }
      tableCount += tables.length;
      results.push({ r: r, tables: tables });
    });
    show(results, tableCount, ws.length > 0 || selected.size > 0);
    counts(ws);
    remember();
  }

  function show(results, tableCount, asked) {
    hits.textContent = "";
    if (!asked) {
      status.textContent = index.records.length + " records. Choose a facet or type words to search.";
      return;
    }
    status.textContent = results.length + (results.length === 1 ? " record" : " records") +
      (tableCount ? ", " + tableCount + (tableCount === 1 ? " table" : " tables") : "") + " found" +
      (results.length > MAX_RECORDS ? "; the first " + MAX_RECORDS + " are shown." : ".");
    results.slice(0, MAX_RECORDS).forEach(function (hit) {
      var li = el("li");
      li.appendChild(el("span", "hit-kind", "record"));
      var a = el("a", "record-title", hit.r.t);
      a.href = hit.r.u;
      li.appendChild(a);
      li.appendChild(el("p", "record-meta", hit.r.m));
      if (hit.tables.length) {
        var ul = el("ul", "table-hits");
        hit.tables.slice(0, MAX_TABLES).forEach(function (t) {
          var tli = el("li");
          var ta = el("a", "", "t" + t[0] + " " + t[1]);
          ta.href = hit.r.u + "t" + t[0] + "/";
          tli.appendChild(el("span", "hit-kind", "table"));
          tli.appendChild(ta);
          ul.appendChild(tli);
        });
        if (hit.tables.length > MAX_TABLES) ul.appendChild(el("li", "muted small", "and " + (hit.tables.length - MAX_TABLES) + " more tables"));
        li.appendChild(ul);
      }
      hits.appendChild(li);
    });
  }

  // Facet counts: records that would match with the current words and choices.
  function counts(ws) {
    var n = {};
    index.records.forEach(function (r) {
      if (!passes(r.f)) return;
      if (ws.length) {
        var text = (r.t + " " + r.m + " " + r.a + " " + r.id + " " + r.tables.map(function (t) { return t[1] + " " + t[2]; }).join(" ")).toLowerCase();
        if (!hasAll(text, ws)) return;
      }
      r.f.forEach(function (id) { n[id] = (n[id] || 0) + 1; });
    });
    facetBox.querySelectorAll("li[data-id]").forEach(function (li) {
      var id = +li.getAttribute("data-id");
      var c = li.querySelector(".facet-count");
      if (c) c.textContent = n[id] || 0;
      var on = selected.has(id);
      li.classList.toggle("on", on);
      var b = li.querySelector("button");
      if (b) b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    if (selected.size) params.set("f", Array.from(selected).map(function (id) { return keyOf[id]; }).join(","));
    var q = params.toString();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
  }

  function enhance() {
    // Facet links become toggles; the static pages stay for readers without script.
    index.facets.forEach(function (f) {
      f.values.forEach(function (v) { groupOf[v.id] = f.key; keyOf[v.id] = f.key + ":" + v.slug; });
    });
    facetBox.querySelectorAll("li[data-id]").forEach(function (li) {
      var a = li.querySelector("a");
      if (!a) return;
      var b = el("button", "facet-toggle", a.textContent);
      b.type = "button";
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () {
        var id = +li.getAttribute("data-id");
        if (selected.has(id)) selected.delete(id); else selected.add(id);
        run();
      });
      li.replaceChild(b, a);
    });
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    (params.get("f") || "").split(",").forEach(function (k) {
      for (var id in keyOf) if (keyOf[id] === k) selected.add(+id);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    input.addEventListener("input", run);
    run();
  }

  fetch("/search/index.json")
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) { index = data; enhance(); })
    .catch(function () { status.textContent = "The search index could not be loaded; the facet pages below still work."; });
})();
