"""The links as RDF (graph/links): the mapping triples, each described as SSSOM says.

For every mapping `<s> skos:exactMatch|owl:sameAs <o>`:

- the triple itself, so plain SPARQL finds it;
- an `owl:Axiom` node (SSSOM's RDF form) naming source, property and target with
  `sssom:mapping_justification`, `sssom:confidence`, `sssom:subject_match_field` (which of
  title, year, authors agreed), `sssom:object_source`, a comment, and `prov:wasDerivedFrom`
  the answers it rests on;
- per answer a `prov:Entity` with the service (`dcterms:source`), the request (`schema:url`,
  credentials removed) and the retrieval time (`prov:generatedAtTime`).

Dated citation counts (`dlkg:CitationCount`), the abstracts and categories of accepted arXiv
records, and a version-of-record DOI that only an accepted arXiv record names are added too.
Node IRIs are hashes of what they describe, so the same answers give the same graph.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from ..namespaces import (
    BIBO,
    DCTERMS,
    DLKG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEMAPV,
    SKOS,
    SSSOM,
    XSD,
)
from .http import Answer
from .ids import doi_iri
from .mappings import SAME, Mapping
from .run import LinkResult
from .sssom import SERVICE_SOURCES


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _iri(text: str) -> URIRef:
    return URIRef(quote(text, safe=":/?#[]@!$&'()*+,;=%-._~"))


class _Writer:
    def __init__(self, base_iri: str) -> None:
        self.base = base_iri
        self.g = Graph()

    def answer(self, answer: Answer) -> URIRef:
        node = URIRef(f"{self.base}link/answer/{_digest(answer.url)}")
        self.g.add((node, RDF.type, PROV.Entity))
        self.g.add(
            (node, DCTERMS.source, URIRef(SERVICE_SOURCES[answer.service.removesuffix("-main")]))
        )
        self.g.add((node, SCHEMA.url, _iri(answer.url)))
        self.g.add(
            (node, PROV.generatedAtTime, Literal(answer.retrieved_at, datatype=XSD.dateTime))
        )
        return node

    def mapping(self, m: Mapping) -> None:
        s, o = URIRef(self.base + m.subject), _iri(m.object)
        p = OWL.sameAs if m.predicate == SAME else SKOS.exactMatch
        self.g.add((s, p, o))
        node = URIRef(f"{self.base}link/mapping/{_digest(str(s), str(p), str(o))}")
        g = self.g
        g.add((node, RDF.type, OWL.Axiom))
        g.add((node, OWL.annotatedSource, s))
        g.add((node, OWL.annotatedProperty, p))
        g.add((node, OWL.annotatedTarget, o))
        g.add((node, SSSOM.mapping_justification, SEMAPV.DatabaseCrossReference))
        g.add((node, SSSOM.confidence, Literal(round(m.confidence, 3), datatype=XSD.double)))
        for fld in m.match_fields:
            g.add((node, SSSOM.subject_match_field, SCHEMA[fld.removeprefix("schema:")]))
        g.add((node, SSSOM.object_source, URIRef(SERVICE_SOURCES[m.object_source])))
        g.add((node, RDFS.comment, Literal(m.comment)))
        for answer in m.answers:
            g.add((node, PROV.wasDerivedFrom, self.answer(answer)))


def links_graph(mappings: list[Mapping], result: LinkResult, base_iri: str) -> Graph:
    w = _Writer(base_iri)
    for m in mappings:
        w.mapping(m)
    for d in result.decisions:
        if not d.verdict.accepted:
            continue
        hit, paper = d.hit, URIRef(f"{base_iri}paper/{d.hit.paper_key}")
        if hit.citations is not None:
            node = URIRef(
                f"{base_iri}link/citations/{hit.service}/{_digest(hit.paper_key, hit.target)}"
            )
            w.g.add((paper, DLKG.citations, node))
            w.g.add((node, RDF.type, DLKG.CitationCount))
            w.g.add((node, RDF.value, Literal(int(hit.citations), datatype=XSD.integer)))
            w.g.add((node, DCTERMS.date, Literal(hit.answer.retrieved_at[:10], datatype=XSD.date)))
            w.g.add((node, DCTERMS.source, URIRef(SERVICE_SOURCES[hit.service])))
            w.g.add((node, PROV.wasDerivedFrom, w.answer(hit.answer)))
        if hit.service == "arxiv":
            if hit.abstract:
                w.g.add((paper, SCHEMA.abstract, Literal(hit.abstract, lang="en")))
            for category in hit.categories:
                w.g.add((paper, SCHEMA.keywords, Literal(category)))
    for paper_key, doi in result.published_dois.items():
        paper = URIRef(f"{base_iri}paper/{paper_key}")
        w.g.add((paper, BIBO.doi, Literal(doi)))
        w.g.add((paper, DLKG.versionOfRecordDoi, Literal(doi)))
        w.g.add((paper, SCHEMA.sameAs, URIRef(doi_iri(doi))))
    return w.g


__all__ = ["links_graph"]
