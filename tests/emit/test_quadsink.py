"""The build's streaming emit (a QuadSink writing N-Quads) states exactly what the rdflib
dataset holds: the same quads, the same distinct counts per graph and per class."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef

from dlkg.common import load_turtle_dir
from dlkg.emit import emit, graph_counts
from dlkg.iris import IriMinter
from dlkg.namespaces import RDF, SCHEMA
from dlkg.quadsink import QuadSink
from dlkg.resources import ontology_dir
from emit.test_emit import BASE, _resolution


def _quads(ds: rdflib.Dataset) -> set[tuple[object, ...]]:
    return {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}


def test_the_sink_file_holds_the_datasets_quads_and_counts(tmp_path: Path) -> None:
    ontology = load_turtle_dir(ontology_dir())
    reference = emit(_resolution(), [], minter=IriMinter(BASE), ontology=ontology).dataset
    assert isinstance(reference, rdflib.Dataset)
    sink = QuadSink(tmp_path / "emitted.nq")
    emit(_resolution(), [], minter=IriMinter(BASE), ontology=ontology, sink=sink)
    # a triple added twice is written twice but counted once, as rdflib's set counts it
    entities = sink.graph(URIRef(BASE + "graph/entities"))
    paper = URIRef(BASE + "paper/arxiv-1503.02531")
    before = len(entities)
    entities.add((paper, RDF.type, SCHEMA.ScholarlyArticle))
    assert len(entities) == before
    sink.close()

    streamed = rdflib.Dataset()
    streamed.parse(tmp_path / "emitted.nq", format="nquads")
    assert _quads(streamed) == _quads(reference)
    assert graph_counts(sink) == graph_counts(reference)
    assert len(graph_counts(sink)) >= 4

    expected: dict[str, set[object]] = {}
    for s, _p, o, _g in reference.quads((None, RDF.type, None, None)):
        expected.setdefault(str(o), set()).add(s)
    assert sink.class_counts() == {cls: len(nodes) for cls, nodes in expected.items()}
    skipped = sink.class_counts(skip={BASE + "graph/entities"})
    assert str(SCHEMA.ScholarlyArticle) not in skipped


def test_literals_are_written_as_rdflib_writes_them(tmp_path: Path) -> None:
    sink = QuadSink(tmp_path / "x.nq")
    graph = sink.graph(URIRef("http://example.org/g"))
    node = URIRef("http://example.org/a")
    graph.add((node, SCHEMA.name, Literal('say "hi"\nthen 走', lang="zh-Hans")))
    graph.add((node, SCHEMA.position, Literal(3)))
    sink.close()
    parsed = rdflib.Dataset()
    parsed.parse(tmp_path / "x.nq", format="nquads")
    assert {o for _s, _p, o, _g in parsed.quads((None, None, None, None))} == {
        Literal('say "hi"\nthen 走', lang="zh-Hans"),
        Literal(3),
    }


def test_each_line_is_rdflibs_nquads_row_byte_for_byte(tmp_path: Path) -> None:
    from rdflib import BNode
    from rdflib.plugins.serializers.nquads import _nq_row

    graph_iri = URIRef(BASE + "graph/entities")
    node = URIRef(BASE + "paper/x")
    triples = [
        (node, RDF.type, SCHEMA.ScholarlyArticle),
        (node, SCHEMA.name, Literal('a "quoted"\nname é 中文', lang="en")),
        (node, SCHEMA.position, Literal(3)),
        (node, SCHEMA.url, URIRef("https://example.org/a%20b?c=d#e")),
        (BNode("b1"), SCHEMA.name, Literal("blank")),
        (node, SCHEMA.author, BNode("b2")),
        (node, RDF.type, SCHEMA.ScholarlyArticle),  # again: written twice, counted once
    ]
    sink = QuadSink(tmp_path / "rows.nq")
    graph = sink.graph(graph_iri)
    for triple in triples:
        graph.add(triple)
    with pytest.raises(Exception, match="does not look like a valid URI") as ours:
        graph.add((node, SCHEMA.url, URIRef("https://example.org/a b")))
    with pytest.raises(Exception) as theirs:
        _nq_row((node, SCHEMA.url, URIRef("https://example.org/a b")), graph_iri)
    assert str(ours.value) == str(theirs.value)
    sink.close()
    expected = "".join(_nq_row(t, graph_iri) for t in triples)
    assert (tmp_path / "rows.nq").read_text(encoding="utf-8") == expected
    assert len(graph) == len(set(triples))
    assert sink.class_counts() == {str(SCHEMA.ScholarlyArticle): 1}


def test_every_line_emit_writes_is_rdflibs_row_for_the_quad_it_states(tmp_path: Path) -> None:
    """Emit writes text, not terms (nqtext.py): each line, parsed alone by rdflib and written
    again by rdflib's own row writer, comes back byte for byte."""
    from rdflib.plugins.serializers.nquads import _nq_row

    sink = QuadSink(tmp_path / "emitted.nq")
    ontology = load_turtle_dir(ontology_dir())
    emit(_resolution(), [], minter=IriMinter(BASE), ontology=ontology, sink=sink)
    sink.close()
    lines = (tmp_path / "emitted.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) > 100
    for line in lines:
        one = rdflib.Dataset()
        one.parse(data=line, format="nquads")
        ((s, p, o, g),) = list(one.quads((None, None, None, None)))
        assert _nq_row((s, p, o), g.identifier if hasattr(g, "identifier") else g) == line
