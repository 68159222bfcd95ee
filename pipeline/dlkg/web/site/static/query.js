// The query UI: runs the editor's query against /sparql (SPARQL JSON results), renders a table
// whose dataset IRIs link to their local pages, and offers the results as CSV/JSON downloads.
// Every value reaches the page through textContent, never as HTML.
(function () {
  "use strict";
  const configNode = document.getElementById("dlkg-config");
  const form = document.getElementById("query-form");
  if (!configNode || !form) return;
  const config = JSON.parse(configNode.textContent);
  const textarea = document.getElementById("query-text");
  const results = document.getElementById("results");
  const button = document.getElementById("run-query");
  const downloads = document.getElementById("result-downloads");
  let editor = null;

  const getQuery = () => (editor ? editor.getValue() : textarea.value);
  const setQuery = (text) => { if (editor) editor.setValue(text); else textarea.value = text; };

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A dataset IRI becomes a local path (so it works behind any host); other http(s) IRIs stay.
  function hrefFor(iri) {
    if (iri.startsWith(config.baseIri)) return config.linkPrefix + "/" + iri.slice(config.baseIri.length);
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  function shortIri(iri) {
    let best = "";
    let name = "";
    for (const [p, ns] of Object.entries(config.prefixes)) {
      if (iri.startsWith(ns) && ns.length > best.length) { best = ns; name = p; }
    }
    if (best && /^[A-Za-z_][\w.-]*$/.test(iri.slice(best.length))) return name + ":" + iri.slice(best.length);
    if (iri.startsWith(config.baseIri)) return "/" + iri.slice(config.baseIri.length);
    return iri;
  }

  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      const href = hrefFor(term.value);
      const text = shortIri(term.value);
      td.appendChild(href ? el("a", { href: href, title: term.value, class: "iri" }, text) : el("span", {}, text));
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      const span = el("span", term["xml:lang"] ? { lang: term["xml:lang"] } : {}, term.value);
      td.appendChild(span);
      if (term["xml:lang"]) td.appendChild(el("span", { class: "tag" }, " @" + term["xml:lang"]));
    }
    return td;
  }

  function showTable(data, millis) {
    const vars = data.head.vars || [];
    const bindings = data.results.bindings;
    results.replaceChildren(el("p", { class: "status" }, `${bindings.length} rows · ${millis} ms`));
    const table = el("table", { id: "results-table" });
    const head = el("tr");
    vars.forEach((v) => head.appendChild(el("th", {}, v)));
    table.appendChild(el("thead")).appendChild(head);
    const body = table.appendChild(el("tbody"));
    for (const row of bindings) {
      const tr = el("tr");
      vars.forEach((v) => tr.appendChild(cell(row[v])));
      body.appendChild(tr);
    }
    results.appendChild(table);
  }

  function setDownloads(query) {
    const base = config.endpoint + "?query=" + encodeURIComponent(query);
    document.getElementById("download-csv").href = base + "&format=csv";
    document.getElementById("download-json").href = base + "&format=json";
    downloads.hidden = false;
  }

  async function run() {
    const query = getQuery();
    button.disabled = true;
    results.replaceChildren(el("p", { class: "status" }, "Running…"));
    const started = performance.now();
    try {
      const response = await fetch(config.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1",
        },
        body: new URLSearchParams({ query: query }).toString(),
      });
      const millis = Math.round(performance.now() - started);
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        results.replaceChildren(el("p", { class: "error" }, `Error ${response.status}: ${await response.text()}`));
        downloads.hidden = true;
        return;
      }
      if (type.includes("json")) {
        const data = await response.json();
        if (typeof data.boolean === "boolean") {
          results.replaceChildren(el("p", { class: "status" }, `${millis} ms`), el("p", { id: "ask-result" }, String(data.boolean)));
        } else {
          showTable(data, millis);
        }
        setDownloads(query);
      } else {
        results.replaceChildren(el("p", { class: "status" }, `${type} · ${millis} ms`), el("pre", {}, await response.text()));
        downloads.hidden = true;
      }
    } catch (error) {
      results.replaceChildren(el("p", { class: "error" }, "The query could not be sent: " + error));
    } finally {
      button.disabled = false;
    }
  }

  if (window.DlkgEditor) {
    editor = window.DlkgEditor.create(textarea, { prefixes: config.prefixes, terms: config.terms, snippets: config.snippets, onRun: run });
  } else {
    textarea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    });
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
  for (const link of document.querySelectorAll(".gallery-item")) {
    link.addEventListener("click", (e) => {
      const found = config.gallery.find((q) => q.name === link.dataset.name);
      if (!found) return;
      e.preventDefault();
      document.querySelectorAll(".gallery-item.chosen").forEach((n) => n.classList.remove("chosen"));
      link.classList.add("chosen");
      setQuery(found.text);
      run();
    });
  }
})();
