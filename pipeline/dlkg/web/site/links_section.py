"""The "exact links" and "statistics" parts of paper and person pages (issues 11 and 12).

`dlkg.link.web` knows which links are exact (identities with the role of each DOI, checked
mappings of graph/links with service and confidence, lookups exact by construction); this
module asks the same query through the site's QueryRunner (handlers never see a store) and
says where the node's statistics are on `/stats`. `entity_views.details` calls `links_values`
once; `part_links.html` shows the result above the search buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from ...link.web import ExactLink, exact_links_query, links_from_rows
from ..http import Context
from .render import Linker, rows, sparql_iri, value

# The service a mapping's sssom:object_source IRI stands for (link/sssom.py SERVICE_SOURCES;
# not imported: that module pulls the HTTP clients of `dlkg link` into every web worker).
SERVICE_BY_SOURCE = {
    "https://api.crossref.org": "Crossref",
    "https://openalex.org": "OpenAlex",
    "https://www.semanticscholar.org": "Semantic Scholar",
    "https://www.wikidata.org": "Wikidata",
    "https://dblp.org": "dblp",
    "https://arxiv.org": "arXiv",
}
KIND_LABELS = {
    "identity": "same as",
    "mapping": "checked match",
    "lookup": "lookup",
}


@dataclass(frozen=True)
class ShownLink:
    """One exact link as the page prints it; `href` is None for an unsafe URL."""

    kind: str
    kind_label: str
    url: str
    href: str | None
    role: str
    service: str
    confidence: str  # "0.98", or "" when the mapping states none


def exact_links_for(ctx: Context, linker: Linker, iri: str) -> list[ShownLink]:
    """The node's exact links, read through the QueryRunner (dlkg.link.web's query and order)."""
    sparql_iri(iri)  # refuses an IRI that could break out of the query text
    found = rows(ctx.runner.select(exact_links_query(iri)))
    names = ("kind", "target", "role", "source", "confidence")
    plain: list[Mapping[str, str | None]] = [
        {name: value(row, name) or None for name in names} for row in found
    ]
    return [_shown(link, linker) for link in links_from_rows(plain)]


def _shown(link: ExactLink, linker: Linker) -> ShownLink:
    return ShownLink(
        kind=link.kind,
        kind_label=KIND_LABELS[link.kind],
        url=link.url,
        href=linker.href(link.url),
        role=link.role,
        service=SERVICE_BY_SOURCE.get(link.source, link.source),
        confidence=f"{link.confidence:.2f}" if link.confidence is not None else "",
    )


def stats_links(ctx: Context, linker: Linker, iri: str, kind: str) -> list[tuple[str, str]]:
    """(label, href) into /stats: a person's rank, co-authors and network; a paper's tables."""
    if kind == "person":
        path = ctx.path_for_iri(iri)
        if path is None:
            return []
        focus = linker.local("/stats?person=" + quote(path, safe="/"))
        return [
            ("Rank and co-authors in the statistics", focus + "#person"),
            ("Co-authorship network around this person", focus + "#network"),
        ]
    if kind == "paper":
        return [
            ("Papers per year and section", linker.local("/stats#papers")),
            ("Lists and translation coverage", linker.local("/stats#lists")),
        ]
    return []


def links_values(ctx: Context, linker: Linker, iri: str, kind: str) -> dict[str, object]:
    """The template values of part_links.html (nothing for other kinds of node)."""
    if kind not in ("paper", "person"):
        return {}
    return {
        "exact_links": exact_links_for(ctx, linker, iri),
        "stats_links": stats_links(ctx, linker, iri, kind),
    }
