"""The identifier triples of a paper that every build derives offline (graph/entities).

- its arXiv id and https://arxiv.org/abs/ link (as before);
- its arXiv DOI `10.48550/arXiv.<id>` and any publisher DOI, both as `bibo:doi` and
  `schema:sameAs <https://doi.org/...>`, told apart by `dlkg:preprintDoi` (the arXiv DOI) and
  `dlkg:versionOfRecordDoi` (the publisher's), sub-properties of `bibo:doi`;
- `dlkg:lookup` links (a sub-property of `rdfs:seeAlso`) that find the paper's record in
  OpenAlex, Semantic Scholar, Crossref and Scholia by construction from those identifiers.

The syntax checks behind the build report's `identifier.*` warnings live here too.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef

from ..model import Paper
from ..namespaces import BIBO, DLKG, SCHEMA
from ..quadsink import GraphLike
from ..records import Issue, Level
from .ids import arxiv_doi, arxiv_id_ok, doi_iri, doi_ok, is_arxiv_doi, lookup_urls


def add_identifiers(g: GraphLike, node: URIRef, paper: Paper) -> None:
    """Add the paper's identifier triples to `g` (called by emit for every paper)."""
    preprint = arxiv_doi(paper.arxiv_id) if paper.arxiv_id else None
    if paper.doi and is_arxiv_doi(paper.doi):
        preprint = preprint or paper.doi  # a source gave the arXiv DOI itself
    record = paper.doi if paper.doi and not is_arxiv_doi(paper.doi) else None
    if paper.arxiv_id:
        g.add((node, DLKG.arxivId, Literal(paper.arxiv_id)))
        g.add((node, SCHEMA.sameAs, URIRef(f"https://arxiv.org/abs/{paper.arxiv_id}")))
    for doi, role in ((preprint, DLKG.preprintDoi), (record, DLKG.versionOfRecordDoi)):
        if doi:
            g.add((node, BIBO.doi, Literal(doi)))
            g.add((node, role, Literal(doi)))
            g.add((node, SCHEMA.sameAs, URIRef(doi_iri(doi))))
    for _service, url in lookup_urls(paper.arxiv_id, record):
        g.add((node, DLKG.lookup, URIRef(url)))


def identifier_issues(papers: Iterable[Paper]) -> list[Issue]:
    """A warning for every malformed arXiv id or DOI a source gave a paper."""
    issues = []
    for paper in papers:
        where = min(paper.provs) if paper.provs else None
        if paper.arxiv_id and not arxiv_id_ok(paper.arxiv_id):
            issues.append(
                Issue(
                    "identifier.arxiv-malformed",
                    Level.WARNING,
                    f"paper {paper.key}: arXiv id {paper.arxiv_id!r} is not of the form "
                    "YYMM.NNNNN or archive/YYMMNNN",
                    where,
                )
            )
        if paper.doi and not doi_ok(paper.doi):
            issues.append(
                Issue(
                    "identifier.doi-malformed",
                    Level.WARNING,
                    f"paper {paper.key}: DOI {paper.doi!r} is not of the form 10.NNNN/suffix",
                    where,
                )
            )
    return issues


__all__ = ["add_identifiers", "identifier_issues"]
