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

from .. import nqtext
from ..model import Paper
from ..namespaces import BIBO, DLKG, SCHEMA
from ..quadsink import GraphLike
from ..records import Issue, Level
from .ids import arxiv_doi, arxiv_id_ok, doi_iri, doi_ok, is_arxiv_doi, lookup_urls

# the predicates of the identifier triples, and their N-Quads text (identifier_pairs)
_ARXIV_ID, _SAME_AS, _DOI, _PREPRINT, _RECORD, _LOOKUP = _PREDICATES = (
    DLKG.arxivId,
    SCHEMA.sameAs,
    BIBO.doi,
    DLKG.preprintDoi,
    DLKG.versionOfRecordDoi,
    DLKG.lookup,
)
_TEXT = {id(p): nqtext.iri(str(p)) for p in _PREDICATES}


def _statements(paper: Paper) -> list[tuple[URIRef, str, bool]]:
    """(predicate, value, whether the value is an IRI) of the paper's identifier triples."""
    preprint = arxiv_doi(paper.arxiv_id) if paper.arxiv_id else None
    if paper.doi and is_arxiv_doi(paper.doi):
        preprint = preprint or paper.doi  # a source gave the arXiv DOI itself
    record = paper.doi if paper.doi and not is_arxiv_doi(paper.doi) else None
    found: list[tuple[URIRef, str, bool]] = []
    if paper.arxiv_id:
        found.append((_ARXIV_ID, paper.arxiv_id, False))
        found.append((_SAME_AS, f"https://arxiv.org/abs/{paper.arxiv_id}", True))
    for doi, role in ((preprint, _PREPRINT), (record, _RECORD)):
        if doi:
            found.append((_DOI, doi, False))
            found.append((role, doi, False))
            found.append((_SAME_AS, doi_iri(doi), True))
    for _service, url in lookup_urls(paper.arxiv_id, record):
        found.append((_LOOKUP, url, True))
    return found


def add_identifiers(g: GraphLike, node: URIRef, paper: Paper) -> None:
    """Add the paper's identifier triples to `g`."""
    for predicate, value, is_iri in _statements(paper):
        g.add((node, predicate, URIRef(value) if is_iri else Literal(value)))


def identifier_pairs(paper: Paper) -> list[str]:
    """The same triples as "predicate object" N-Quads text, for emit (nqtext.py)."""
    return [
        f"{_TEXT[id(predicate)]} {nqtext.iri(value) if is_iri else nqtext.literal(value)}"
        for predicate, value, is_iri in _statements(paper)
    ]


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


__all__ = ["add_identifiers", "identifier_issues", "identifier_pairs"]
