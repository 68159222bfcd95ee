"""The co-authorship network: nodes are people, edges join co-authors, weighted by shared papers.

The layout is networkx's force-directed `spring_layout` with a fixed seed over nodes and edges
added in IRI order, so the same data gives the same positions; they are rounded to 0.1 so the
static SVG is byte-identical across runs. The browser draws the same positions (cytoscape.js,
`preset` layout) and only adds interaction (filtering, click to open the person page).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from .queries import Table

SEED = 20161
SIZE = 1000.0  # the square of the largest connected group, in SVG user units
MARGIN = 40.0
CELL = 100.0  # grid cell of each small group below it
GAP = 30.0
SCOPES = ("top100", "all")


@dataclass(frozen=True)
class Node:
    iri: str
    name: str
    papers: int
    x: float
    y: float


@dataclass(frozen=True, order=True)
class Edge:
    source: str
    target: str
    shared: int


@dataclass(frozen=True)
class Network:
    scope: str
    nodes: list[Node]
    edges: list[Edge]
    height: float  # of the drawing; the width is SIZE + 2 * MARGIN


def build_network(tables: dict[str, Table], scope: str) -> Network:
    """The network of everyone with a paper in `scope` ("top100" or "all"), laid out."""
    if scope not in SCOPES:
        raise ValueError(f"scope: one of {', '.join(SCOPES)}, not {scope!r}")
    authors = tables["authors-top100" if scope == "top100" else "authors-all"]
    shared_column = "shared_top100" if scope == "top100" else "shared"
    papers = {str(r["person"]): int(r["papers"] or 0) for r in authors.rows}
    names = {str(r["person"]): str(r["name"]) for r in authors.rows}
    edges = sorted(
        Edge(str(r["person"]), str(r["coauthor"]), int(r[shared_column] or 0))
        for r in tables["coauthor-pairs"].rows
        if int(r[shared_column] or 0) > 0 and r["person"] in papers and r["coauthor"] in papers
    )
    positions, height = _layout(sorted(papers), edges)
    nodes = [Node(iri, names[iri], papers[iri], *positions[iri]) for iri in sorted(papers)]
    return Network(scope, nodes, edges, height + 2 * MARGIN)


def _layout(iris: list[str], edges: list[Edge]) -> tuple[dict[str, tuple[float, float]], float]:
    """Positions of every node and the height used: the largest connected group fills a
    SIZE x SIZE square, the small groups (papers with no author elsewhere) sit in a grid below
    it instead of being flung to the edges by the force layout."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(iris)
    graph.add_weighted_edges_from((e.source, e.target, e.shared) for e in edges)
    groups = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0])
    )
    positions: dict[str, tuple[float, float]] = {}
    if not groups:
        return positions, 0.0
    columns = max(1, int(SIZE // CELL))
    placed, used = _place(_graph(groups[0], edges), groups[0], SIZE, MARGIN, MARGIN)
    positions.update(placed)
    for index, group in enumerate(groups[1:]):
        row, column = divmod(index, columns)
        left = MARGIN + column * CELL + CELL * 0.15
        top = MARGIN + used + GAP + row * CELL + CELL * 0.15
        positions.update(_place(_graph(group, edges), group, CELL * 0.7, left, top)[0])
    rows = math.ceil((len(groups) - 1) / columns)
    return positions, used + (GAP + rows * CELL if rows else 0.0)


def _graph(group: list[str], edges: list[Edge]) -> Any:
    """A new graph of `group` with nodes and edges in sorted order. Not `graph.subgraph()`: a
    view of a small part iterates its nodes in set order, which changes with PYTHONHASHSEED and
    so would change the seeded layout from one process to the next."""
    import networkx as nx

    members = set(group)
    graph = nx.Graph()
    graph.add_nodes_from(group)
    graph.add_weighted_edges_from(
        (e.source, e.target, e.shared) for e in edges if e.source in members
    )
    return graph


def _place(
    graph: Any, group: list[str], box: float, left: float, top: float
) -> tuple[dict[str, tuple[float, float]], float]:
    """Lay out one connected group in a box `box` wide; returns positions and height used."""
    import networkx as nx

    if len(group) == 1:
        return {group[0]: (round(left + box / 2, 1), round(top + box / 2, 1))}, box
    # k above the default 1/sqrt(n) spreads the dense core so names stay readable.
    raw = nx.spring_layout(
        graph, k=2.2 / math.sqrt(len(group)), iterations=300, seed=SEED, weight="weight"
    )
    xs = [float(raw[i][0]) for i in group]
    ys = [float(raw[i][1]) for i in group]
    x0, y0 = min(xs), min(ys)
    span = max(max(xs) - x0, max(ys) - y0) or 1.0
    placed = {
        i: (
            round(left + (float(raw[i][0]) - x0) / span * box, 1),
            round(top + (float(raw[i][1]) - y0) / span * box, 1),
        )
        for i in group
    }
    return placed, (max(ys) - y0) / span * box


def radius(papers: int) -> float:
    return round(3.0 + 2.2 * math.sqrt(papers), 1)


def edge_width(shared: int) -> float:
    return round(0.6 + 0.9 * (shared - 1), 1)


def to_svg(network: Network, label_from: int = 4, href: Callable[[str], str] | None = None) -> str:
    """A standalone SVG of the laid-out network, naming people with >= label_from papers."""
    where = {n.iri: n for n in network.nodes}
    side, height = SIZE + 2 * MARGIN, network.height
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{side:g}" height="{height:g}" viewBox="0 0 {side:g} {height:g}" '
        'font-family="Liberation Sans, Arial, sans-serif" font-size="13">',
        f"<title>Co-authorship network ({escape(network.scope)}): {len(network.nodes)} people, "
        f"{len(network.edges)} co-author pairs</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<g stroke="#8c9bb0" stroke-opacity="0.55">',
    ]
    for e in network.edges:
        a, b = where[e.source], where[e.target]
        out.append(
            f'<line x1="{a.x:g}" y1="{a.y:g}" x2="{b.x:g}" y2="{b.y:g}" '
            f'stroke-width="{edge_width(e.shared):g}"/>'
        )
    out.append('</g>\n<g fill="#4c78a8" stroke="#ffffff" stroke-width="0.8">')
    for n in network.nodes:
        circle = (
            f'<circle cx="{n.x:g}" cy="{n.y:g}" r="{radius(n.papers):g}">'
            f"<title>{escape(n.name)}: {n.papers}</title></circle>"
        )
        if href is not None:
            circle = f'<a href="{escape(href(n.iri))}">{circle}</a>'
        out.append(circle)
    out.append(
        '</g>\n<g fill="#1d2733" text-anchor="middle" stroke="#ffffff" stroke-width="3" '
        'paint-order="stroke">'
    )
    for n in sorted(network.nodes, key=lambda n: (-n.papers, n.iri)):
        if n.papers >= label_from:
            y = n.y - radius(n.papers) - 3
            out.append(f'<text x="{n.x:g}" y="{y:.1f}">{escape(n.name)}</text>')
    out.append("</g>\n</svg>\n")
    return "\n".join(out)


def to_elements(network: Network, href: Callable[[str], str]) -> list[dict[str, object]]:
    """cytoscape.js elements: nodes with their preset positions, then edges."""
    elements: list[dict[str, object]] = [
        {
            "data": {"id": n.iri, "label": n.name, "papers": n.papers, "href": href(n.iri)},
            "position": {"x": n.x, "y": n.y},
        }
        for n in network.nodes
    ]
    elements.extend(
        {
            "data": {
                "id": f"{e.source} {e.target}",
                "source": e.source,
                "target": e.target,
                "shared": e.shared,
            }
        }
        for e in network.edges
    )
    return elements
