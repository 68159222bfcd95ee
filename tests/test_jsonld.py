"""The JSON-LD dump's compactor: what it writes expands back to exactly the quads it was given.

Expansion is done by pyoxigraph's JSON-LD parser and by rdflib's, with the published context
inlined (the dump refers to it by IRI), over the web fixture dataset and over crafted quads
for every case the compactor distinguishes.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib

from dlkg.jsonld import compact_dataset
from dlkg.resources import ontology_dir
from helpers import REPO_ROOT

CONTEXT_IRI = "https://w3id.org/dlkg/downloads/context.jsonld"
S = "http://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
B = "https://w3id.org/dlkg/"
G = ox.NamedNode(B + "graph/test")
P = ox.NamedNode(B + "paper/p")


def _context() -> dict[str, object]:
    context: dict[str, object] = json.loads(
        (ontology_dir() / "context.jsonld").read_text(encoding="utf-8")
    )["@context"]
    return context


def _lit(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype or XSD + "string"))


CRAFTED = [
    # coerced terms with values that fit and values that do not
    (P, ox.NamedNode(S + "datePublished"), _lit("2015", XSD + "gYear")),
    (P, ox.NamedNode(S + "datePublished"), _lit("2015")),  # a string under a gYear term
    (P, ox.NamedNode(S + "url"), ox.NamedNode("https://arxiv.org/pdf/1")),
    (P, ox.NamedNode(S + "url"), _lit("not an IRI")),  # a literal under an @id term
    (P, ox.NamedNode(S + "name"), ox.NamedNode("https://example.org/x")),  # IRI, plain term
    (P, ox.NamedNode(S + "name"), _lit("蒸馏", language="zh-Hans")),  # tag case kept
    (P, ox.NamedNode(S + "name"), _lit("Distilling", language="en")),
    (P, ox.NamedNode(S + "itemListOrder"), ox.NamedNode(S + "ItemListOrderAscending")),
    (P, ox.NamedNode(S + "itemListOrder"), ox.NamedNode("https://example.org/order")),
    # native JSON numbers and booleans only for canonical forms
    (P, ox.NamedNode(S + "position"), _lit("2", XSD + "integer")),
    (P, ox.NamedNode(S + "position"), _lit("-0", XSD + "integer")),
    (P, ox.NamedNode(S + "position"), _lit("007", XSD + "integer")),
    (P, ox.NamedNode(S + "position"), _lit("12345678901234567890", XSD + "integer")),
    (P, ox.NamedNode(B + "ns#top100"), _lit("true", XSD + "boolean")),
    (P, ox.NamedNode(B + "ns#top100"), _lit("1", XSD + "boolean")),
    (P, ox.NamedNode(B + "ns#score"), _lit("1.5", XSD + "double")),
    # predicates and classes without a term; a class with one; blank nodes
    (P, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(S + "Thing")),
    (
        P,
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(S + "ScholarlyArticle"),
    ),
    (P, ox.NamedNode("https://example.org/no-prefix"), _lit("x")),
    (P, ox.NamedNode(S + "author"), ox.BlankNode("b1")),
    (ox.BlankNode("b1"), ox.NamedNode(S + "name"), _lit("Anon")),
]


def _crafted() -> list[ox.Quad]:
    quads = [ox.Quad(s, p, o, G) for s, p, o in CRAFTED]
    quads.append(ox.Quad(P, ox.NamedNode(S + "name"), _lit("in the default graph")))
    return quads


def _expanded(document: bytes) -> bytes:
    doc = json.loads(document)
    assert doc["@context"] == CONTEXT_IRI
    doc["@context"] = _context()
    return json.dumps(doc).encode("utf-8")


def _canonical(quads: object) -> set[str]:
    """Quads as N-Quads lines with blank nodes renamed by first use (labels may change)."""
    names: dict[str, str] = {}
    lines = set()
    for q in sorted(quads, key=str):  # type: ignore[call-overload]
        line = str(q)
        for label in sorted(
            {t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
        ):
            line = line.replace(f"_:{label}", names.setdefault(label, f"_:n{len(names)}"))
        lines.add(line)
    return lines


@pytest.mark.parametrize("which", ["crafted", "web fixture"])
def test_compacted_dump_expands_to_the_same_quads(which: str) -> None:
    if which == "crafted":
        quads = _crafted()
    else:
        path = REPO_ROOT / "tests" / "fixtures" / "pages_small.trig"
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    document = compact_dataset(quads, _context(), CONTEXT_IRI)
    assert document == compact_dataset(list(reversed(quads)), _context(), CONTEXT_IRI)
    back = list(ox.parse(_expanded(document), format=ox.RdfFormat.JSON_LD))
    assert _canonical(back) == _canonical(quads)
    # rdflib normalizes literals as it parses ("1"^^xsd:boolean is true), on both sides
    ds, original = rdflib.Dataset(), rdflib.Dataset()
    ds.parse(data=_expanded(document), format="json-ld")
    original.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    assert sum(len(g) for g in ds.graphs()) == sum(len(g) for g in original.graphs())


def test_terms_are_used_where_they_fit() -> None:
    doc = json.loads(compact_dataset(_crafted(), _context(), CONTEXT_IRI))
    (graph,) = [g for g in doc["@graph"] if g.get("@id") == str(G.value)]
    node = next(n for n in graph["@graph"] if n["@id"] == P.value)
    assert node["datePublished"] == "2015" and node["schema:datePublished"] == "2015"
    assert node["url"] == "https://arxiv.org/pdf/1"
    assert node["schema:url"] == "not an IRI"
    assert 2 in node["position"] and {"@type": "xsd:integer", "@value": "007"} in node["position"]
    assert node["top100"] == [True, {"@type": "xsd:boolean", "@value": "1"}] or node["top100"] == [
        {"@type": "xsd:boolean", "@value": "1"},
        True,
    ]
    assert sorted(node["@type"]) == ["ScholarlyArticle", "schema:Thing"]
    assert node["itemListOrder"] == "ItemListOrderAscending"
    default_nodes = [n for n in doc["@graph"] if "@graph" not in n]
    assert default_nodes == [{"@id": P.value, "name": "in the default graph"}]
