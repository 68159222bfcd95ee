// The query UI: runs the editor's query against /sparql (SPARQL JSON results), renders a table
// whose dataset IRIs show their label (title or name) and link to their local pages, and offers
// the results as CSV/JSON downloads. The query lives in the URL (?query=, or ?example= for a
// gallery query), so a link reproduces the query and its results.
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
  const LABEL_BATCH = 200; // IRIs labelled by the one extra query; more stay short IRIs
  let editor = null;

  const getQuery = () => (editor ? editor.getValue() : textarea.value);
  const setQuery = (text) => { if (editor) editor.setValue(text); else textarea.value = text; };

  // A message of the page's language (i18n.py, keys "js.*"), with {name} fields filled in.
  function msg(key, values) {
    const text = (config.messages || {})[key] || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String((values || {})[name] ?? ""));
  }

  // An error line of the server (always English, as machine clients get it) in the page's
  // language: the first of the server's templates (i18n_errors.py) that matches it whole;
  // fields named msg* are messages of their own.
  const errorPatterns = (config.errorPatterns || []).flatMap((p) => {
    try {
      return [{ ...p, regex: new RegExp(p.pattern) }];
    } catch (error) {
      return []; // a template this browser cannot read leaves its lines in English
    }
  });
  function localizeError(line) {
    for (const p of errorPatterns) {
      const found = p.regex.exec(line);
      if (!found) continue;
      const values = {};
      p.fields.forEach((name, i) => {
        values[name] = name.startsWith("msg") ? localizeError(found[i + 1]) : found[i + 1];
      });
      return p.text.replace(/\{\{|\}\}|\{(\w+)\}/g, (all, name) => (name ? values[name] : all[0]));
    }
    return line;
  }

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
      const attrs = { title: term.value, class: "iri", "data-iri": term.value };
      td.appendChild(href ? el("a", Object.assign({ href: href }, attrs), text) : el("span", attrs, text));
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
    const status = [el("p", { class: "status" }, msg("rows", { n: bindings.length, ms: millis }))];
    if (data.truncated) status.push(el("p", { class: "status" }, msg("truncated")));
    results.replaceChildren(...status);
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
    const scroll = el("div", { class: "scroll" });
    scroll.appendChild(table);
    results.appendChild(scroll);
    addLabels(table);
  }

  // One extra query asks for the labels of the dataset IRIs in the table: the name or title
  // in the page's language (else English or untagged, else any). The IRI stays on hover.
  async function addLabels(table) {
    const nodes = Array.from(table.querySelectorAll("[data-iri]"));
    const iris = Array.from(new Set(nodes.map((n) => n.dataset.iri)))
      .filter((iri) => iri.startsWith(config.baseIri) && !/[\s<>"{}|\\^`]/.test(iri))
      .slice(0, LABEL_BATCH);
    if (!iris.length) return;
    const lang = config.lang === "zh-Hans" ? "zh" : "en";
    const label = "<http://schema.org/name>|<http://www.w3.org/2004/02/skos/core#prefLabel>|<http://purl.org/dc/terms/title>|<http://www.w3.org/2000/01/rdf-schema#label>";
    const query = `SELECT ?s (SAMPLE(?a) AS ?mine) (SAMPLE(?b) AS ?en) (SAMPLE(?c) AS ?any) WHERE {
  VALUES ?s { ${iris.map((i) => "<" + i + ">").join(" ")} }
  OPTIONAL { ?s ${label} ?a FILTER(langMatches(lang(?a), "${lang}")) }
  OPTIONAL { ?s ${label} ?b FILTER(lang(?b) = "" || langMatches(lang(?b), "en")) }
  OPTIONAL { ?s ${label} ?c }
} GROUP BY ?s`;
    try {
      const response = await fetch(config.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query: query }).toString(),
      });
      if (!response.ok) return;
      const labels = new Map();
      for (const row of (await response.json()).results.bindings) {
        const found = row.mine || row.en || row.any;
        if (found) labels.set(row.s.value, found);
      }
      for (const node of nodes) {
        const found = labels.get(node.dataset.iri);
        if (!found) continue;
        node.textContent = found.value;
        if (found["xml:lang"]) node.setAttribute("lang", found["xml:lang"]);
        node.classList.add("labelled");
      }
    } catch (error) {
      // labels are a nicety: the short IRIs stay
    }
  }

  function setDownloads(query) {
    const base = config.endpoint + "?query=" + encodeURIComponent(query);
    document.getElementById("download-csv").href = base + "&format=csv";
    document.getElementById("download-json").href = base + "&format=json";
    downloads.hidden = false;
  }

  // The URL says what ran: ?example=NN-slug for an untouched gallery query, else ?query=...
  // (the language choice, if the URL had one, is kept).
  function remember(query, example) {
    if (!window.history || !history.replaceState) return;
    const current = new URLSearchParams(location.search);
    const params = new URLSearchParams();
    if (example) params.set("example", example); else params.set("query", query);
    if (current.get("lang")) params.set("lang", current.get("lang"));
    history.replaceState(null, "", location.pathname + "?" + params.toString() + location.hash);
  }

  let chosenExample = null; // the gallery query in the editor, while it is unchanged

  async function run() {
    const query = getQuery();
    const example = chosenExample && chosenExample.text === query ? chosenExample.name : null;
    remember(query, example);
    button.disabled = true;
    results.replaceChildren(el("p", { class: "status" }, msg("running")));
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
        const message = localizeError((await response.text()).trim());
        results.replaceChildren(el("p", { class: "error" }, msg("error", { status: response.status, message: message })));
        downloads.hidden = true;
        return;
      }
      if (type.includes("json")) {
        const data = await response.json();
        if (typeof data.boolean === "boolean") {
          results.replaceChildren(el("p", { class: "status" }, msg("ms", { ms: millis })), el("p", { id: "ask-result" }, String(data.boolean)));
        } else {
          showTable(data, millis);
        }
        setDownloads(query);
      } else {
        results.replaceChildren(el("p", { class: "status" }, `${type} · ${msg("ms", { ms: millis })}`), el("pre", {}, await response.text()));
        downloads.hidden = true;
      }
    } catch (error) {
      results.replaceChildren(el("p", { class: "error" }, msg("not_sent", { message: error })));
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
      chosenExample = found;
      setQuery(found.text);
      // a federated query whose endpoints this server does not allow would only fail: load it,
      // and leave Run to the reader (the note in the gallery says why)
      const allowed = config.allowedServices || [];
      if (!(found.federated || []).some((e) => !allowed.includes(e))) run();
    });
  }
  const preset = document.querySelector(".gallery-item.chosen");
  if (preset) chosenExample = config.gallery.find((q) => q.name === preset.dataset.name) || null;
  // For scripts and tests driving the page: the editor's text, and running it.
  window.DlkgQuery = { getQuery: getQuery, setQuery: setQuery, run: run };
  if (config.autorun) run();
})();
