"""The ontology, the JSON-LD context and the shapes are documented, consistent and canonical.

- every `dlkg:` term of `namespaces.DLKG` is defined in ontology/dlkg.ttl with labels @en and
  @zh-Hans, a comment, a domain and range (properties), and nothing else is defined there;
- every `dlkg:` term the shapes or the context use is defined;
- every shape has labels @en/@zh-Hans, a comment, an explicit severity and messages @en/@zh-Hans;
- ontology/*.ttl and shapes/*.ttl are byte-identical to their canonical Turtle
  (fix with `dlkg fmt`), context.jsonld to
  `json.dumps(indent=2, ensure_ascii=False)`.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from dlkg import namespaces as ns
from dlkg.cli import main
from dlkg.common import load_turtle_dir
from dlkg.fmt import canonical_turtle, shipped_turtle_files
from dlkg.resources import ontology_dir, shapes_dir

ONTOLOGY_IRI = URIRef(ns.DLKG_NS.rstrip("#"))
CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
TURTLE_FILES = shipped_turtle_files()
CONTEXT_PATH = ontology_dir() / "context.jsonld"
STANDARD_NAMESPACES = {v for k, v in ns.PREFIXES.items() if k != "dlkg"}


def dlkg_terms() -> list[URIRef]:
    """Every term `namespaces.DLKG` declares (its annotations)."""
    names = inspect.get_annotations(ns.DLKG)
    return [ns.DLKG[name] for name in names if not name.startswith("_")]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_turtle_dir(ontology_dir())


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_turtle_dir(shapes_dir())


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))
    return loaded


def _langs(graph: Graph, subject: Node, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def _has_zh(langs: set[str | None]) -> bool:
    return any(lang is not None and lang.lower().startswith("zh") for lang in langs)


# --------------------------------------------------------------------------- ontology


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, ns.RDF.type, ns.OWL.Ontology) in ontology
    assert {"en", "zh-Hans"} <= _langs(ontology, ONTOLOGY_IRI, ns.DCTERMS.title)
    assert "en" in _langs(ontology, ONTOLOGY_IRI, ns.DCTERMS.description)
    assert ontology.value(ONTOLOGY_IRI, ns.DCTERMS.license) == CC0
    assert ontology.value(ONTOLOGY_IRI, ns.OWL.versionInfo) is not None
    references = {str(o) for o in ontology.objects(ONTOLOGY_IRI, ns.DCTERMS.references)}
    # the vocabularies the dataset reuses (docs/data-model.md), all known to namespaces.py
    reused = ("schema", "dcterms", "foaf", "skos", "prov", "bibo", "void", "dcat", "spdx")
    assert {ns.PREFIXES[p] for p in reused} <= references <= STANDARD_NAMESPACES


@pytest.mark.parametrize("term", dlkg_terms(), ids=lambda t: t.fragment)
def test_every_dlkg_term_is_defined(ontology: Graph, term: URIRef) -> None:
    types = set(ontology.objects(term, ns.RDF.type))
    is_class = term.fragment[0].isupper()
    if is_class:
        assert types == {ns.OWL.Class}
    else:
        assert types in ({ns.OWL.ObjectProperty}, {ns.OWL.DatatypeProperty})
        domains = set(ontology.objects(term, ns.RDFS.domain))
        includes = set(ontology.objects(term, ns.SCHEMA.domainIncludes))
        # one domain, or several as schema:domainIncludes (rdfs:domain would intersect them)
        assert len(domains) == 1 or (not domains and len(includes) > 1), (domains, includes)
        assert ontology.value(term, ns.RDFS.range) is not None
    labels = _langs(ontology, term, ns.RDFS.label)
    assert "en" in labels and _has_zh(labels), labels
    assert "en" in _langs(ontology, term, ns.RDFS.comment)
    assert ontology.value(term, ns.RDFS.isDefinedBy) == ONTOLOGY_IRI


def test_class_hierarchy(ontology: Graph) -> None:
    assert (ns.DLKG.Authorship, ns.RDFS.subClassOf, ns.SCHEMA.Role) in ontology
    assert (ns.DLKG.BibEntry, ns.RDFS.subClassOf, ns.PROV.Entity) in ontology


def test_ontology_defines_nothing_else(ontology: Graph) -> None:
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(ns.DLKG_NS)}
    assert defined == set(dlkg_terms())


def test_domains_and_ranges_are_known_terms(ontology: Graph) -> None:
    """Domains/ranges name dlkg classes or terms of the standard namespaces."""
    predicates = (ns.RDFS.domain, ns.SCHEMA.domainIncludes, ns.RDFS.range)
    ends = {o for p in predicates for o in ontology.objects(None, p)}
    for end in ends:
        assert isinstance(end, URIRef), end
        assert end in dlkg_terms() or any(end.startswith(n) for n in STANDARD_NAMESPACES), end


def test_ontology_has_no_blank_nodes(ontology: Graph) -> None:
    """The ontology is a named graph of the dataset, whose dumps must be byte-identical
    across builds: blank nodes would get new labels each time."""
    assert not [t for t in ontology if any(isinstance(x, BNode) for x in t)]


# --------------------------------------------------------------------------- usage


def test_dlkg_terms_used_by_shapes_are_defined(ontology: Graph, shapes: Graph) -> None:
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef)}
    for select in shapes.objects(None, ns.SH.select):
        used |= _sparql_terms(select)
    dlkg_used = {t for t in used if t.startswith(ns.DLKG_NS)}
    assert dlkg_used, "the shapes use dlkg terms"
    assert dlkg_used <= set(dlkg_terms())


def _sparql_terms(select: Node) -> set[URIRef]:
    """`dlkg:xxx` names in a SPARQL text, as IRIs."""
    return {URIRef(ns.DLKG_NS + local) for local in re.findall(r"\bdlkg:(\w+)", str(select))}


def test_context_prefixes_match_namespaces(context: dict[str, Any]) -> None:
    ctx = context["@context"]
    assert {k: v for k, v in ctx.items() if k in ns.PREFIXES} == ns.PREFIXES


def test_context_terms_map_to_defined_iris(context: dict[str, Any]) -> None:
    ctx = context["@context"]
    for name, definition in ctx.items():
        if name in ns.PREFIXES:
            continue
        compact = definition if isinstance(definition, str) else definition["@id"]
        prefix, local = compact.split(":", 1)
        iri = URIRef(ns.PREFIXES[prefix] + local)
        if prefix == "dlkg":
            assert iri in dlkg_terms(), name
        else:
            assert str(ns.PREFIXES[prefix]) in STANDARD_NAMESPACES, name
        assert local == name, f"term {name} should be named after {compact}"


def test_context_expands_a_sample_document(context: dict[str, Any]) -> None:
    base = "https://w3id.org/dlkg/"
    doc = {
        "@context": context["@context"],
        "@graph": [
            {
                "@id": base + "paper/arxiv-1502.03167",
                "@type": "ScholarlyArticle",
                "name": [
                    {"@value": "Batch normalization", "@language": "en"},
                    {"@value": "批量归一化", "@language": "zh-Hans"},
                ],
                "datePublished": "2015",
                "sameAs": "https://arxiv.org/abs/1502.03167",
                "url": "https://arxiv.org/pdf/1502.03167",
                "author": base + "person/ioffe-s",
                "authorship": {
                    "@id": base + "paper/arxiv-1502.03167/author/1",
                    "@type": "Authorship",
                    "person": base + "person/ioffe-s",
                    "position": 1,
                },
            },
            {
                "@id": base + "list/awesome",
                "@type": "ItemList",
                "itemListOrder": "ItemListOrderAscending",
                "itemListElement": {
                    "@id": base + "list/awesome/item/x",
                    "item": base + "paper/arxiv-1502.03167",
                    "section": base + "list/awesome/section/x",
                    "stars": 5,
                    "statedYear": "2015",
                    "commentary": {"@value": "好文", "@language": "zh-Hans"},
                    "top100": True,
                },
            },
        ],
    }
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    paper, item = URIRef(base + "paper/arxiv-1502.03167"), URIRef(base + "list/awesome/item/x")
    authorship = URIRef(base + "paper/arxiv-1502.03167/author/1")
    gyear = Literal("2015", datatype=ns.XSD.gYear)
    expected = {
        (paper, ns.RDF.type, ns.SCHEMA.ScholarlyArticle),
        (paper, ns.SCHEMA.name, Literal("Batch normalization", lang="en")),
        (paper, ns.SCHEMA.name, Literal("批量归一化", lang="zh-Hans")),
        (paper, ns.SCHEMA.datePublished, gyear),
        (paper, ns.SCHEMA.sameAs, URIRef("https://arxiv.org/abs/1502.03167")),
        (paper, ns.SCHEMA.url, URIRef("https://arxiv.org/pdf/1502.03167")),
        (paper, ns.SCHEMA.author, URIRef(base + "person/ioffe-s")),
        (paper, ns.DLKG.authorship, authorship),
        (authorship, ns.RDF.type, ns.DLKG.Authorship),
        (authorship, ns.DLKG.person, URIRef(base + "person/ioffe-s")),
        (authorship, ns.SCHEMA.position, Literal(1)),
        (URIRef(base + "list/awesome"), ns.RDF.type, ns.SCHEMA.ItemList),
        (URIRef(base + "list/awesome"), ns.SCHEMA.itemListOrder, ns.SCHEMA.ItemListOrderAscending),
        (URIRef(base + "list/awesome"), ns.SCHEMA.itemListElement, item),
        (item, ns.SCHEMA.item, paper),
        (item, ns.DLKG.section, URIRef(base + "list/awesome/section/x")),
        (item, ns.DLKG.stars, Literal(5)),
        (item, ns.DLKG.statedYear, gyear),
        (item, ns.DLKG.commentary, Literal("好文", lang="zh-Hans")),
        (item, ns.DLKG.top100, Literal(True)),
    }
    assert set(graph) == expected


# --------------------------------------------------------------------------- shapes


def _shape_nodes(shapes: Graph) -> set[Node]:
    kinds = (ns.SH.NodeShape, ns.SH.PropertyShape, ns.SH.SPARQLConstraint)
    return {s for kind in kinds for s in shapes.subjects(ns.RDF.type, kind)}


def test_every_shape_is_documented(shapes: Graph) -> None:
    nodes = _shape_nodes(shapes)
    assert len(nodes) > 50
    for node in nodes:
        assert isinstance(node, URIRef), "shapes are named, so results and docs can cite them"
        labels = _langs(shapes, node, ns.RDFS.label)
        assert "en" in labels and _has_zh(labels), node
        assert "en" in _langs(shapes, node, ns.RDFS.comment), node


def test_every_constraint_has_severity_and_bilingual_message(shapes: Graph) -> None:
    with_message = set(shapes.objects(None, ns.SH.property)) | set(
        shapes.objects(None, ns.SH.sparql)
    )
    with_message |= set(shapes.subjects(ns.SH["class"], None))
    for node in with_message:
        langs = _langs(shapes, node, ns.SH.message)
        assert "en" in langs and "zh-Hans" in langs, node
    for node in _shape_nodes(shapes) - set(shapes.subjects(ns.RDF.type, ns.SH.SPARQLConstraint)):
        assert shapes.value(node, ns.SH.severity) in (ns.SH.Violation, ns.SH.Warning), node


def test_one_node_shape_per_emitted_class(shapes: Graph) -> None:
    emitted = {
        ns.SCHEMA.ScholarlyArticle,
        ns.DLKG.Authorship,
        ns.SCHEMA.Person,
        ns.SCHEMA.ItemList,
        ns.SCHEMA.ListItem,
        ns.DLKG.Link,
        ns.SKOS.Concept,
        ns.SKOS.ConceptScheme,
        ns.DLKG.BibEntry,
        ns.SCHEMA.DigitalDocument,
        ns.DLKG.CitationCount,  # graph/links (issue 12)
        ns.OWL.Axiom,  # the mappings of graph/links, in SSSOM's RDF form
    }
    targeted = {
        c
        for s in shapes.subjects(ns.SH.property, None)
        for c in shapes.objects(s, ns.SH.targetClass)
    }
    assert targeted == emitted


def test_shapes_graph_is_valid_shacl(shapes: Graph) -> None:
    """The shapes conform to the SHACL-SHACL meta-shapes (as pySHACL checks them)."""
    conforms, _graph, text = pyshacl_validate(
        Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True
    )
    assert conforms, text


# --------------------------------------------------------------------------- canonical files


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: p.name)
def test_turtle_files_are_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    assert canonical_turtle(graph) == text, f"{path.name} is not canonical: run `dlkg fmt {path}`"


def test_canonical_turtle_is_stable_under_blank_node_relabelling() -> None:
    """Re-parsing gives new blank-node ids; the canonical text must not depend on them."""
    text = (shapes_dir() / "dlkg.shapes.ttl").read_text(encoding="utf-8")
    again = canonical_turtle(Graph().parse(data=canonical_turtle(Graph().parse(data=text))))
    assert again == text


def test_context_is_canonical_json() -> None:
    text = CONTEXT_PATH.read_text(encoding="utf-8")
    assert json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n" == text


def test_docs_list_every_dlkg_term() -> None:
    doc = (ontology_dir().parent / "docs" / "ontology.md").read_text(encoding="utf-8")
    missing = [t.fragment for t in dlkg_terms() if f"`dlkg:{t.fragment}`" not in doc]
    assert not missing, f"docs/ontology.md does not mention {missing}"


def test_formatter_checks_and_rewrites(tmp_path: Path) -> None:
    """`dlkg fmt [--check] FILE...`: --check exits 1 on a non-canonical file, fmt rewrites it."""
    messy = tmp_path / "messy.ttl"
    messy.write_text(
        "@prefix dlkg: <https://w3id.org/dlkg/ns#> .\n"
        '<https://w3id.org/dlkg/ns#stars>   dlkg:note "b", "a" ; a [ dlkg:note "x" ] .\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    checked = runner.invoke(main, ["fmt", "--check", str(messy)])
    assert checked.exit_code == 1
    assert f"{messy}: not canonical" in checked.output
    before = messy.read_text(encoding="utf-8")
    assert runner.invoke(main, ["fmt", str(messy)]).exit_code == 0
    after = messy.read_text(encoding="utf-8")
    assert after != before
    assert runner.invoke(main, ["fmt", "--check", str(messy)]).exit_code == 0
    assert Graph().parse(data=after).isomorphic(Graph().parse(data=before))


def test_formatter_names_a_file_that_is_not_turtle(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", "--check", str(broken)])
    assert result.exit_code == 2
    assert f"error: {broken}: not valid Turtle" in result.output


def test_shipped_files_pass_fmt_check() -> None:
    assert CliRunner().invoke(main, ["fmt", "--check"]).exit_code == 0
