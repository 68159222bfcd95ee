"""The fast engine (`shacl`, the default) and the reference (whole-graph pySHACL) give the same
report: the same results, compared field by field (severity, focus node, path, value, English
message, source shape, source line), on every crafted bad graph of tests/shapes/ (which
together fail every shape of shapes/) and on the real data, clean and with injected faults.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import rdflib
from rdflib import Graph, Literal, URIRef

from dlkg import namespaces as ns
from dlkg.common import turtle_files, union_graph
from dlkg.resources import shapes_dir
from dlkg.validate import ValidationReport, validate_graph
from validate.test_shapes import CASE_DIRS, load_case

Row = tuple[str | None, ...]


def _rows(report: ValidationReport) -> list[Row]:
    """Every result as a tuple of all its fields, in the report's own order."""
    results = [*report.violations, *report.warnings]
    return [tuple(f or "" for f in dataclasses.astuple(r)) for r in results]


def _same_report(data: Graph, line_index: dict[str, str] | None = None) -> ValidationReport:
    fast = validate_graph(data, line_index=line_index, validator="shacl")
    reference = validate_graph(data, line_index=line_index, validator="pyshacl")
    assert (fast.engine, reference.engine) == ("shacl", "pyshacl")
    assert sorted(_rows(fast)) == sorted(_rows(reference))
    assert _rows(fast) == _rows(reference)  # and in the same order
    assert fast.conforms == reference.conforms
    assert fast.text() == reference.text()
    return fast


# a quarter of the cases per test keeps each test short on a loaded machine; all run
@pytest.mark.parametrize("part", range(4))
def test_every_crafted_case_gives_the_same_report(part: int) -> None:
    failing = 0
    for case_dir in CASE_DIRS[part::4]:
        case = load_case(case_dir)
        report = _same_report(case.graph)
        failing += bool(report.violations or report.warnings)
        if case.expected:
            assert report.violations or report.warnings, case.slug
    assert failing >= 20


def test_every_shape_file_is_exercised_by_the_cases() -> None:
    """Each file of shapes/ has shapes among the cases' expected results."""
    expected = {e.shape for d in CASE_DIRS for e in load_case(d).expected}
    for path in turtle_files(shapes_dir()):
        graph = Graph().parse(path, format="turtle")
        names = {graph.namespace_manager.normalizeUri(s) for s in graph.subjects()}
        assert names & expected, f"no case fails a shape of {path.name}"


@pytest.fixture(scope="module")
def real_union(built: Any) -> Graph:
    """The real build's union graph, as the build validates it (without the build graph)."""
    settings, _report = built
    ds = rdflib.Dataset()
    ds.parse(settings.dumps_dir / "dlkg.nq", format="nquads")
    return union_graph(ds, skip={settings.base_iri + "graph/build"})


@pytest.mark.upstream
@pytest.mark.slow
def test_real_data_conforms_under_both_engines(real_union: Graph) -> None:
    report = _same_report(real_union)
    assert report.conforms and not report.warnings
    assert report.triples >= 20_000


@pytest.mark.upstream
@pytest.mark.slow
def test_real_data_with_injected_faults_gives_the_same_report(real_union: Graph) -> None:
    graph = Graph()
    graph += real_union
    papers = sorted(
        s for s in graph.subjects(ns.RDF.type, ns.SCHEMA.ScholarlyArticle) if isinstance(s, URIRef)
    )
    arxiv = sorted(s for s in papers if graph.value(s, ns.DLKG.arxivId) is not None)
    lists = sorted(s for s in graph.subjects(ns.RDF.type, ns.SCHEMA.ItemList))
    items = sorted(graph.objects(lists[0], ns.SCHEMA.itemListElement))
    # missing name
    graph.remove((papers[0], ns.SCHEMA.name, None))
    # wrong datatype
    position = graph.value(items[0], ns.SCHEMA.position)
    graph.set((items[0], ns.SCHEMA.position, Literal(str(position))))
    # a language tag the shapes do not allow
    graph.add((papers[1], ns.SCHEMA.name, Literal("Un titre", lang="fr")))
    # ill-typed positions, which SPARQL's MIN/MAX order differently in each engine
    authorship = graph.value(papers[4], ns.DLKG.authorship)
    graph.set((authorship, ns.SCHEMA.position, Literal("1")))
    # cardinality: a second year
    graph.add((papers[2], ns.SCHEMA.datePublished, Literal("1999", datatype=ns.XSD.gYear)))
    # SPARQL constraints: a shared arXiv id, a wrong item count
    graph.set((arxiv[1], ns.DLKG.arxivId, graph.value(arxiv[0], ns.DLKG.arxivId)))
    graph.set((lists[0], ns.SCHEMA.numberOfItems, Literal(len(items) + 5)))
    # patterns: an arXiv id with a version, an arXiv DOI as version of record (look-ahead)
    graph.add((papers[3], ns.DLKG.versionOfRecordDoi, Literal("10.48550/arXiv.1502.03167")))
    graph.set((arxiv[2], ns.DLKG.arxivId, Literal("1502.03167v2")))
    report = _same_report(graph, line_index={str(papers[0]): "README.md:1"})
    shapes = {r.shape for r in report.violations + report.warnings}
    assert len(shapes) >= 8, shapes
    assert not report.conforms
