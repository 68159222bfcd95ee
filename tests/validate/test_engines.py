"""The fast engine (`shacl`, the default) and the reference (whole-graph pySHACL) give the same
report: the same results, compared field by field (severity, focus node, path, value, English
message, source shape, source line), on every crafted bad graph of tests/shapes/ (which
together fail every shape of shapes/) and on the real data, clean and with injected faults.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib import Graph, Literal, URIRef

from dlkg import namespaces as ns
from dlkg.common import load_turtle_dir, turtle_files, union_graph
from dlkg.resources import ontology_dir, shapes_dir
from dlkg.validate import ValidationReport, lookup_in_file, validate_graph, validate_nquads_file
from validate.test_shapes import CASE_DIRS, CASES_DIR, load_case

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
    first = inject_faults(graph)
    report = _same_report(graph, line_index={str(first): "README.md:1"})
    shapes = {r.shape for r in report.violations + report.warnings}
    assert len(shapes) >= 8, shapes
    assert not report.conforms


def inject_faults(graph: Graph) -> URIRef:
    """Faults of every kind in the real data, in place; the paper that lost its name."""
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
    return papers[0]


def test_a_file_is_validated_with_source_lines_from_the_file(tmp_path: Path) -> None:
    """The build's path: the engine reads an N-Quads file, and a failing result's source line
    is looked up in that file (dlkg:sourceLine + the source's download file name)."""
    case = load_case(CASES_DIR / "listitem-stars")
    ds = rdflib.Dataset()
    graph = ds.graph(URIRef("https://w3id.org/dlkg/graph/awesome-readme"))
    for triple in case.graph:
        graph.add(triple)
    onto = ds.graph(URIRef("https://w3id.org/dlkg/graph/ontology"))
    for triple in load_turtle_dir(ontology_dir()):
        onto.add(triple)
    path = tmp_path / "emitted.nq"
    ds.serialize(destination=path, format="nquads", encoding="utf-8")
    report = validate_nquads_file(path, lookup=lookup_in_file(path))
    assert _rows(report) == _rows(validate_graph(case.graph, validator="pyshacl"))
    (result,) = report.violations
    assert (result.path, result.source) == ("dlkg:stars", "README.md:87")


@pytest.mark.upstream
@pytest.mark.slow
def test_the_build_with_pyshacl_gives_the_same_dump(built: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    from dlkg.build import build

    settings, report = built
    reference = replace(settings, build_dir=tmp_path, validator="pyshacl")
    again = build(reference)
    assert again.shacl_warnings == report.shacl_warnings
    nt = "dumps/dlkg.nt"
    assert (reference.current_dir / nt).read_bytes() == (settings.current_dir / nt).read_bytes()
