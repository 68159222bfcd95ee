"""Sharded validation (validate/sharded.py) gives the report of one run over the whole graph,
result for result, and that of whole-graph pySHACL: on every crafted case of tests/shapes/ with
shards of one to three entities, on faults whose evidence lies in another shard than their
focus node, and on the real data, clean and with injected faults.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import rdflib
import rdflib.collection
from rdflib import Dataset, Graph, Literal, URIRef

from dlkg import namespaces as ns
from dlkg.common import load_turtle_dir, union_graph
from dlkg.resources import ontology_dir, shapes_dir
from dlkg.validate import (
    ValidationReport,
    _load_shapes,
    lookup_in_file,
    validate_graph,
    validate_nquads_file,
)
from dlkg.validate.locality import GLOBAL, LOCAL, plan
from dlkg.validate.partition import shard_of
from validate.test_shapes import CASE_DIRS, CASES_DIR, load_case

Row = tuple[str, ...]
BASE = "https://w3id.org/dlkg/"


def _rows(report: ValidationReport) -> list[Row]:
    return [
        tuple(f or "" for f in dataclasses.astuple(r)) for r in report.violations + report.warnings
    ]


def _write(graph: Graph, path: Path) -> Path:
    """`graph` as the build writes it: a named graph of the data and one of the ontology."""
    ds = Dataset()
    data = ds.graph(URIRef(BASE + "graph/entities"))
    for triple in graph:
        data.add(triple)
    onto = ds.graph(URIRef(BASE + "graph/ontology"))
    for triple in load_turtle_dir(ontology_dir()):
        onto.add(triple)
    ds.serialize(destination=path, format="nquads", encoding="utf-8")
    return path


def _validate(path: Path, shards: int) -> ValidationReport:
    return validate_nquads_file(path, lookup=lookup_in_file(path), shards=shards)


def _same_in_shards(graph: Graph, path: Path, counts: list[int]) -> ValidationReport:
    whole = _validate(_write(graph, path), 1)
    for count in counts:
        sharded = _validate(path, count)
        assert _rows(sharded) == _rows(whole), count
        assert sharded.triples == whole.triples
    return whole


def _subjects(graph: Graph) -> int:
    return len(set(graph.subjects()))


def test_the_shipped_shapes_are_all_placed() -> None:
    """Every shape of shapes/ is checked in shards or globally: none forces a whole run, and
    every SPARQL-based shape is declared in locality.py (an undeclared one would)."""
    hoisted, _prefixes = _load_shapes(shapes_dir())
    placed = plan(hoisted)
    assert placed.unsupported == ()
    sparql = {s for s in hoisted.subjects(ns.SH.sparql, None)}
    assert sparql == set(LOCAL) | set(GLOBAL)
    assert set(GLOBAL) == set(placed.global_shapes)


def test_shapes_that_read_further_are_not_sharded() -> None:
    hoisted, _prefixes = _load_shapes(shapes_dir())
    shape = URIRef("https://example.org/NewRule")
    hoisted.add((shape, ns.RDF.type, ns.SH.NodeShape))
    hoisted.add((shape, ns.SH.sparql, URIRef("https://example.org/NewRule-check")))
    hoisted.add((shape, ns.SH.targetClass, ns.SCHEMA.Person))
    problems = plan(hoisted).unsupported
    assert len(problems) == 1 and "NewRule" in problems[0]
    other = URIRef("https://example.org/SequencePath")
    hoisted.add((other, ns.RDF.type, ns.SH.PropertyShape))
    hoisted.add((other, ns.SH.targetClass, ns.SCHEMA.Person))
    sequence = rdflib.BNode()
    rdflib.collection.Collection(hoisted, sequence, [ns.SCHEMA.author, ns.SCHEMA.name])
    hoisted.add((other, ns.SH.path, sequence))
    hoisted.add((other, ns.SH.minCount, Literal(1)))
    assert any("SequencePath" in p and "path" in p for p in plan(hoisted).unsupported)


def test_a_file_with_blank_nodes_is_validated_in_one_run(tmp_path: Path) -> None:
    """The engine relabels blank nodes in its results, so no shard could claim them: the
    file is validated in one run, with the same report."""
    graph = load_case(CASES_DIR / "good-minimal").graph
    anonymous = rdflib.BNode("someone")
    graph.add((anonymous, ns.RDF.type, ns.SCHEMA.Person))  # without a name: a violation
    whole = _same_in_shards(graph, tmp_path / "blank.nq", [4])
    assert [r.shape for r in whole.violations] == ["dlkgsh:Person-name"]


# a quarter of the cases per test keeps each test short on a loaded machine; all run
@pytest.mark.parametrize("part", range(4))
def test_every_crafted_case_gives_the_same_report_in_shards(part: int, tmp_path: Path) -> None:
    failing = 0
    for case_dir in CASE_DIRS[part::4]:
        case = load_case(case_dir)
        subjects = _subjects(case.graph)
        # about one entity per shard (children go with their parent), and two or three
        whole = _same_in_shards(case.graph, tmp_path / f"{case.slug}.nq", [subjects, subjects // 2])
        failing += bool(whole.violations or whole.warnings)
    assert failing >= 20


def _boundary_graph() -> tuple[Graph, list[tuple[URIRef, URIRef]]]:
    """The minimal graph with dlkg link's additions and faults whose evidence is another node
    than the focus: pairs (focus, where the evidence is)."""
    graph = load_case(CASES_DIR / "good-links").graph
    papers = sorted(s for s in graph.subjects(ns.RDF.type, ns.SCHEMA.ScholarlyArticle))
    first, second = papers[0], papers[1]
    persons = sorted(s for s in graph.subjects(ns.RDF.type, ns.SCHEMA.Person))
    items = sorted(graph.subjects(ns.RDF.type, ns.SCHEMA.ListItem))
    awesome = URIRef(BASE + "list/awesome")
    pairs = []
    # global: a shared arXiv id and a shared person name
    graph.set((second, ns.DLKG.arxivId, graph.value(first, ns.DLKG.arxivId)))
    pairs.append((second, first))
    graph.set((persons[1], ns.SCHEMA.name, graph.value(persons[0], ns.SCHEMA.name)))
    pairs.append((persons[1], persons[0]))
    # sh:class through another node's type: an authorship held by an organisation
    authorship = sorted(graph.objects(first, ns.DLKG.authorship))[0]
    organisation = URIRef(BASE + "organisation/x")
    graph.add((organisation, ns.RDF.type, ns.SCHEMA.Organization))
    graph.set((authorship, ns.DLKG.person, organisation))
    pairs.append((authorship, organisation))
    # an inverse path: a second paper claims the authorship
    graph.add((second, ns.DLKG.authorship, authorship))
    pairs.append((authorship, second))
    # two hops: duplicate item positions (the items' positions), a top-100 year (the section)
    awesome_items = sorted(graph.objects(awesome, ns.SCHEMA.itemListElement))
    second_item = next(i for i in awesome_items if graph.value(i, ns.SCHEMA.position) != Literal(1))
    graph.set((second_item, ns.SCHEMA.position, Literal(1)))
    pairs.append((awesome, second_item))
    section = graph.value(awesome_items[0], ns.DLKG.section)
    graph.set((awesome_items[0], ns.DLKG.statedYear, Literal("2020", datatype=ns.XSD.gYear)))
    pairs.append((awesome_items[0], section))
    # a Chinese title the work no longer has (the work's names)
    zh_item = next(i for i in items if "zh-awesome" in str(i))
    work = graph.value(zh_item, ns.SCHEMA.item)
    for name in list(graph.objects(work, ns.SCHEMA.name)):
        if name.language and name.language.startswith("zh"):
            graph.remove((work, ns.SCHEMA.name, name))
    pairs.append((zh_item, work))
    # the citation bar: a paper's counts (another node) below its year's bar
    cited = next(graph.subjects(ns.DLKG.citations, None))
    for count in graph.objects(cited, ns.DLKG.citations):
        graph.set((count, ns.RDF.value, Literal(3)))
        pairs.append((cited, count))
    return graph, pairs


def test_faults_across_a_shard_boundary(tmp_path: Path) -> None:
    """Each fault's focus and evidence fall into different shards in some of the runs; every
    run gives the whole-graph report, which is also pySHACL's."""
    graph, pairs = _boundary_graph()
    counts = list(range(2, _subjects(graph) + 1, 3))
    whole = _same_in_shards(graph, tmp_path / "boundary.nq", counts)
    assert _rows(whole) == _rows(validate_graph(graph, validator="pyshacl"))
    focus_nodes = {r.focus_node for r in whole.violations + whole.warnings}
    for focus, evidence in pairs:
        assert str(focus) in focus_nodes, focus
        split = [
            c
            for c in counts
            if shard_of(focus.n3().encode(), c) != shard_of(evidence.n3().encode(), c)
        ]
        assert split, (focus, evidence)  # at least one run has them apart
    shapes = {r.shape for r in whole.violations + whole.warnings}
    assert len(shapes) >= 8, shapes


@pytest.fixture(scope="module")
def real_file(built: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, Path]:
    """The real build's union graph (without the build graph) and its N-Quads file."""
    settings, _report = built
    ds = rdflib.Dataset()
    ds.parse(settings.dumps_dir / "dlkg.nq", format="nquads")
    union = union_graph(ds, skip={settings.base_iri + "graph/build"})
    path = tmp_path_factory.mktemp("sharded") / "real.nq"
    return union, _write(union, path)


@pytest.mark.upstream
@pytest.mark.slow
def test_real_data_gives_the_same_report_in_shards(real_file: tuple[Graph, Path]) -> None:
    _union, path = real_file
    whole = _validate(path, 1)
    for count in (3, 40, 2000):  # 2000: a handful of entities per shard
        assert _rows(_validate(path, count)) == _rows(whole)
    assert whole.conforms and not whole.warnings


@pytest.mark.upstream
@pytest.mark.slow
def test_real_data_with_injected_faults_gives_the_same_report_in_shards(
    real_file: tuple[Graph, Path], tmp_path: Path
) -> None:
    from validate.test_engines import inject_faults

    graph = Graph()
    graph += real_file[0]
    inject_faults(graph)
    whole = _same_in_shards(graph, tmp_path / "faults.nq", [5, 300])
    assert not whole.conforms
    assert len({r.shape for r in whole.violations + whole.warnings}) >= 8
