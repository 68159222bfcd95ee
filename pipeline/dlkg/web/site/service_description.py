"""The SPARQL 1.1 Service Description returned for GET /sparql without a query.

Spec: https://www.w3.org/TR/sparql11-service-description/. No blank nodes (as in the dataset):
the service, its dataset and graph descriptions are fragments of the canonical endpoint IRI.

The predefined prefixes: the service description vocabulary has no term for them, so they are
stated the way SHACL declares prefixes (`sh:declare` → `sh:prefix`, `sh:namespace`), which is
also what public endpoints such as the UniProt and Swiss SIB ones publish for their examples.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ... import formats
from ...namespaces import PREFIXES, RDF, RDFS, SD, SH, XSD
from ...prefixes import PREDEFINED


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def service_triples(
    endpoints: Sequence[str],
    named_graphs: Sequence[str],
    *,
    federated: Sequence[str] = (),
    comment: str = "",
) -> list[ox.Triple]:
    """Triples describing the endpoint; the last of `endpoints` is the canonical IRI."""
    service = _n(endpoints[-1])
    dataset = _n(endpoints[-1] + "#dataset")
    default = _n(endpoints[-1] + "#default-graph")
    triples = [
        ox.Triple(service, _n(RDF.type), _n(SD.Service)),
        ox.Triple(service, _n(SD.supportedLanguage), _n(SD.SPARQL11Query)),
        ox.Triple(service, _n(SD.feature), _n(SD.UnionDefaultGraph)),
        ox.Triple(service, _n(SD.defaultDataset), dataset),
        ox.Triple(dataset, _n(RDF.type), _n(SD.Dataset)),
        ox.Triple(dataset, _n(SD.defaultGraph), default),
        ox.Triple(default, _n(RDF.type), _n(SD.Graph)),
        ox.Triple(
            default,
            _n(RDFS.comment),
            ox.Literal("the union of all named graphs", language="en"),
        ),
    ]
    triples += [ox.Triple(service, _n(SD.endpoint), _n(url)) for url in dict.fromkeys(endpoints)]
    triples += [
        ox.Triple(service, _n(SD.resultFormat), ox.NamedNode(fmt.iri))
        for fmt in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS)
    ]
    if federated:
        triples.append(ox.Triple(service, _n(SD.feature), _n(SD.BasicFederatedQuery)))
    if comment:
        triples.append(ox.Triple(service, _n(RDFS.comment), ox.Literal(comment, language="en")))
    triples += _prefix_triples(service, endpoints[-1])
    for n, graph in enumerate(sorted(named_graphs), start=1):
        node = _n(f"{endpoints[-1]}#named-graph-{n}")
        triples += [
            ox.Triple(dataset, _n(SD.namedGraph), node),
            ox.Triple(node, _n(RDF.type), _n(SD.NamedGraph)),
            ox.Triple(node, _n(SD.name), _n(graph)),
        ]
    return triples


def _prefix_triples(service: ox.NamedNode, canonical: str) -> list[ox.Triple]:
    """`sh:declare` one `sh:PrefixDeclaration` per predefined prefix."""
    triples = []
    for name, namespace in PREDEFINED.items():
        node = _n(f"{canonical}#prefix-{name}")
        triples += [
            ox.Triple(service, _n(SH.declare), node),
            ox.Triple(node, _n(RDF.type), _n(SH.PrefixDeclaration)),
            ox.Triple(node, _n(SH.prefix), ox.Literal(name)),
            ox.Triple(node, _n(SH.namespace), ox.Literal(namespace, datatype=_n(XSD.anyURI))),
        ]
    return triples


def describe_service(
    *,
    endpoints: Sequence[str],
    named_graphs: Sequence[str],
    fmt: formats.Format,
    federated: Sequence[str] = (),
    comment: str = "",
) -> bytes:
    """The service description serialized in `fmt` (an RDF syntax)."""
    triples = service_triples(endpoints, named_graphs, federated=federated, comment=comment)
    prefixes = {name: PREFIXES[name] for name in ("sd", "rdfs", "sh", "xsd")}
    return ox.serialize(triples, format=fmt.rdf, prefixes=prefixes) or b""
