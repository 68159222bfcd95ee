// The /stats page: draws each chart from its Vega-Lite spec (the same spec `dlkg stats --plots`
// renders to SVG/PNG) with vega-embed, and the co-authorship network with cytoscape.js at the
// positions the server computed. Everything comes from the page's #stats-data JSON.
import embed from "vega-embed";
import cytoscape from "cytoscape";

const data = JSON.parse(document.getElementById("stats-data").textContent);
const state = { charts: {}, network: null, scope: "top100" };
window.dlkgStats = state; // for the browser tests and for curious readers

async function drawCharts() {
  const jobs = [...document.querySelectorAll("[data-chart]")].map(async (el) => {
    const spec = data.charts[el.dataset.chart];
    if (!spec) return;
    const result = await embed(el, spec, { renderer: "svg", actions: false });
    state.charts[el.dataset.chart] = result.view;
    el.dataset.rendered = "true";
  });
  await Promise.all(jobs);
  document.body.dataset.chartsReady = "true";
}

function nodeSize(papers) {
  return 6 + 4.4 * Math.sqrt(papers);
}

function drawNetwork(scope) {
  const container = document.getElementById("network-view");
  if (!container) return;
  if (state.network) state.network.destroy();
  state.scope = scope;
  const cy = cytoscape({
    container,
    elements: data.networks[scope],
    layout: { name: "preset", fit: true, padding: 10 },
    minZoom: 0.1,
    maxZoom: 6,
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          width: (n) => nodeSize(n.data("papers")),
          height: (n) => nodeSize(n.data("papers")),
          "background-color": "#4c78a8",
          "border-width": 1,
          "border-color": "#ffffff",
          label: (n) => (n.data("papers") >= 4 ? n.data("label") : ""),
          "font-size": 11,
          "text-valign": "top",
          "text-margin-y": -2,
          "text-outline-color": "#ffffff",
          "text-outline-width": 2,
        },
      },
      {
        selector: "edge",
        style: {
          width: (e) => 0.6 + 0.9 * (e.data("shared") - 1),
          "line-color": "#8c9bb0",
          opacity: 0.55,
          "curve-style": "straight",
        },
      },
      { selector: "node.found", style: { "background-color": "#e45756", label: "data(label)" } },
      { selector: ".hidden", style: { display: "none" } },
      {
        selector: "node:active, node:selected",
        style: { "background-color": "#f58518", label: "data(label)" },
      },
    ],
  });
  cy.on("mouseover", "node", (event) => {
    container.title = `${event.target.data("label")}: ${event.target.data("papers")}`;
    container.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", () => {
    container.title = "";
    container.style.cursor = "";
  });
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.assign(href);
  });
  state.network = cy;
  applyFilters();
}

function applyFilters() {
  const cy = state.network;
  if (!cy) return;
  const minimum = Number(document.getElementById("min-papers")?.value || 1);
  const wanted = (document.getElementById("find-person")?.value || "").trim().toLowerCase();
  cy.batch(() => {
    cy.nodes().forEach((n) => {
      n.toggleClass("hidden", n.data("papers") < minimum);
      n.toggleClass("found", wanted !== "" && n.data("label").toLowerCase().includes(wanted));
    });
  });
  document.body.dataset.networkReady = "true";
}

document.querySelectorAll('input[name="scope"]').forEach((radio) => {
  radio.addEventListener("change", () => radio.checked && drawNetwork(radio.value));
});
document.getElementById("min-papers")?.addEventListener("input", applyFilters);
document.getElementById("find-person")?.addEventListener("input", applyFilters);

// /stats?person=...: show the person's neighbourhood (in the top-100 network when they are in
// it, else among everyone), selected and centred.
function focusPerson(iri) {
  const inTop = data.networks.top100.some((el) => el.data.id === iri);
  if (!inTop) {
    document.querySelector('input[name="scope"][value="all"]').checked = true;
    drawNetwork("all");
  }
  const cy = state.network;
  const node = cy.getElementById(iri);
  if (node.empty()) return;
  node.select();
  cy.fit(node.closedNeighborhood(), 40);
}

drawNetwork("top100");
if (data.focus) focusPerson(data.focus);
drawCharts().catch((error) => {
  document.body.dataset.chartsError = String(error);
  console.error(error);
});
