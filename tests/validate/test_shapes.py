"""SHACL shapes and the validate stage, driven by the case folders in tests/shapes/.

Each `tests/shapes/<slug>/` holds `case.toml` (description, optional `base` case whose graph is
the starting point, optional `base_iri`, and the expected results), `data.ttl` (triples added
to the base, or the whole graph) and optionally `remove.ttl` (triples removed from the base).
Data IRIs in the Turtle files are relative, so one fixture serves any base IRI. A case passes
when the set of (severity, shape, focus node) results equals the expected set exactly and
each expected message fragment appears in the matching result's message.
"""

from __future__ import annotations

import random
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from dlkg import namespaces as ns
from dlkg.common import load_turtle_dir
from dlkg.errors import NotConformant
from dlkg.iris import IriMinter
from dlkg.resources import shapes_dir
from dlkg.validate import (
    ShapeResult,
    ValidationReport,
    hoist_property_shapes,
    raise_if_not_conformant,
    validate_graph,
)
from helpers import TESTS_DIR

CASES_DIR = TESTS_DIR / "shapes"
DEFAULT_BASE = "https://w3id.org/dlkg/"
CASE_DIRS = sorted(p for p in CASES_DIR.iterdir() if (p / "case.toml").is_file())


@dataclass(frozen=True)
class Expected:
    severity: str
    shape: str  # prefixed, e.g. dlkgsh:ListItem-stars
    focus: str  # absolute IRI
    message: str  # a fragment of the English message


@dataclass(frozen=True)
class ShapeCase:
    slug: str
    description: str
    base_iri: str
    graph: Graph
    expected: list[Expected]


def _parse(path: Path, base_iri: str) -> Graph:
    return Graph().parse(path, format="turtle", publicID=base_iri)


def load_case(directory: Path) -> ShapeCase:
    """Build the graph of a case folder (base graph + data.ttl - remove.ttl)."""
    spec = tomllib.loads((directory / "case.toml").read_text(encoding="utf-8"))
    base_iri = spec.get("base_iri", DEFAULT_BASE)
    graph = Graph()
    if "base" in spec:
        graph += _parse(CASES_DIR / spec["base"] / "data.ttl", base_iri)
    if (directory / "data.ttl").is_file():
        graph += _parse(directory / "data.ttl", base_iri)
    if (directory / "remove.ttl").is_file():
        removed = _parse(directory / "remove.ttl", base_iri)
        missing = [t for t in removed if t not in graph]
        assert not missing, f"{directory.name}/remove.ttl removes absent triples: {missing[:3]}"
        graph -= removed
    expected = [
        Expected(e["severity"], e["shape"], urljoin(base_iri, e["focus"]), e["message"])
        for e in spec.get("expect", [])
    ]
    return ShapeCase(directory.name, spec["description"], base_iri, graph, expected)


def _key(result: ShapeResult) -> tuple[str, str, str]:
    return (result.severity, result.shape or "", result.focus_node)


@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_shape_case(case_dir: Path) -> None:
    case = load_case(case_dir)
    report = validate_graph(case.graph)
    results = report.violations + report.warnings
    actual = {_key(r) for r in results}
    wanted = {(e.severity, e.shape, e.focus) for e in case.expected}
    assert actual == wanted, f"{case.slug}: {case.description}\n{report.text()}"
    for e in case.expected:
        messages = [r.message for r in results if _key(r) == (e.severity, e.shape, e.focus)]
        assert any(e.message in m for m in messages), (e.message, messages)
    assert report.conforms == (not any(e.severity == "Violation" for e in case.expected))


def test_cases_cover_every_shape_and_rule() -> None:
    """Every property shape, SPARQL rule and node-level constraint has a failing case."""
    shapes = load_turtle_dir(shapes_dir())
    reportable = set(shapes.objects(None, ns.SH.property))
    reportable |= set(shapes.subjects(ns.SH.sparql, None))
    reportable |= {
        s
        for s in shapes.subjects(ns.SH["class"], None)
        if (s, ns.RDF.type, ns.SH.NodeShape) in shapes
    }
    names = {shapes.namespace_manager.normalizeUri(s) for s in reportable}
    covered = {e.shape for d in CASE_DIRS for e in load_case(d).expected}
    assert names - covered == set(), "shapes without a failing case"
    assert covered - names == set(), "cases naming unknown shapes"


def test_good_cases_exist_for_two_bases() -> None:
    """The shapes do not hard-code the base IRI: a clean graph conforms under two bases."""
    clean = [load_case(d) for d in CASE_DIRS if not load_case(d).expected]
    assert {c.base_iri for c in clean} >= {DEFAULT_BASE, "http://example.org/kg/"}


def test_dataset_union_is_validated() -> None:
    """Named graphs are validated as one union: a list item in one graph and its paper in
    another still conform; splitting does not hide a violation either."""
    case = load_case(CASES_DIR / "good-minimal")
    ds = Dataset()
    entities = ds.graph(URIRef(DEFAULT_BASE + "graph/entities"))
    sources = ds.graph(URIRef(DEFAULT_BASE + "graph/awesome-readme"))
    for s, p, o in case.graph:
        target = entities if (s, ns.RDF.type, ns.SCHEMA.ScholarlyArticle) in case.graph else sources
        target.add((s, p, o))
    assert validate_graph(ds).conforms
    bad_item = URIRef(
        DEFAULT_BASE + "list/awesome/item/optimization-training-techniques/arxiv-1502.03167"
    )
    sources.add((bad_item, ns.DLKG.stars, Literal(9)))
    report = validate_graph(ds)
    assert [(r.focus_node, r.path) for r in report.violations] == [(str(bad_item), "dlkg:stars")]


def test_source_line_from_graph_and_from_line_index() -> None:
    case = load_case(CASES_DIR / "listitem-stars")
    report = validate_graph(case.graph)
    (result,) = report.violations
    # dlkg:sourceLine 87 + prov:wasDerivedFrom -> the source's download file name
    assert result.source == "README.md:87"
    indexed = validate_graph(case.graph, line_index={result.focus_node: "data/x.md:3"})
    assert indexed.violations[0].source == "data/x.md:3"


def test_report_text_and_not_conformant() -> None:
    case = load_case(CASES_DIR / "listitem-stars")
    report = validate_graph(case.graph)
    text = report.text()
    assert f"focus: <{report.violations[0].focus_node}>" in text
    assert str(report.violations[0]).startswith("Violation: <https://w3id.org/dlkg/list/")
    assert "path:  dlkg:stars" in text
    assert "(README.md:87)" in text
    with pytest.raises(NotConformant) as caught:
        raise_if_not_conformant(report)
    message = str(caught.value)
    assert message.startswith("1 SHACL violation; first: <https://w3id.org/dlkg/list/awesome/")
    assert message.endswith("dlkg:stars is at most one xsd:integer from 1 to 5. (README.md:87)")
    assert caught.value.exit_code == 1


def test_warnings_fail_only_under_strict() -> None:
    case = load_case(CASES_DIR / "new-papers-year")
    report = validate_graph(case.graph)
    assert report.conforms and report.warnings and not report.violations
    raise_if_not_conformant(report)  # warnings alone pass
    with pytest.raises(NotConformant, match=r"^1 SHACL warning; first: "):
        raise_if_not_conformant(report, strict=True)


# --------------------------------------------------------------------------- performance


def synthetic_dataset(base: str, *, papers: int = 600, seed: int = 7) -> Dataset:
    """A conformant dataset shaped like the real one (lists, sections, items, links, papers
    with ~5 authorships, persons, BibTeX entries), in named graphs, ~40k triples at 600 papers."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not cryptography
    iri = IriMinter(base)
    ds = Dataset()
    meta = ds.graph(iri.graph("meta"))
    entities = ds.graph(iri.graph("entities"))
    list_ids = {"awesome": 300, "roadmap": 250, "zh-awesome": 100, "zh-roadmap-blog": 40}
    for source_id in [*list_ids, "awesome-bib"]:
        src = iri.source(source_id)
        meta.add((src, ns.RDF.type, ns.PROV.Entity))
        meta.add((src, ns.RDF.type, ns.SCHEMA.DigitalDocument))
        meta.add((src, ns.DCTERMS.title, Literal(f"Source {source_id}")))
        meta.add((src, ns.DCAT.downloadURL, URIRef(f"https://example.org/{source_id}/README.md")))
        meta.add((src, ns.DLKG.sha256, Literal(f"{rng.getrandbits(256):064x}")))
        meta.add((src, ns.SCHEMA.inLanguage, Literal("zh-Hans" if "zh" in source_id else "en")))
    persons = [f"p{i:04d}" for i in range(int(papers * 2.5))]
    for key in persons:
        entities.add((iri.person(key), ns.RDF.type, ns.SCHEMA.Person))
        entities.add((iri.person(key), ns.SCHEMA.name, Literal(f"Given{key} Family{key}")))
        entities.add((iri.person(key), ns.SCHEMA.givenName, Literal(f"Given{key}")))
        entities.add((iri.person(key), ns.SCHEMA.familyName, Literal(f"Family{key}")))
    paper_keys = [f"arxiv-{1200 + n // 90000:04d}.{n % 90000 + 10000:05d}" for n in range(papers)]
    for n, key in enumerate(paper_keys):
        paper = iri.paper(key)
        entities.add((paper, ns.RDF.type, ns.SCHEMA.ScholarlyArticle))
        entities.add((paper, ns.RDF.type, ns.SCHEMA.CreativeWork))
        entities.add((paper, ns.SCHEMA.name, Literal(f"Paper {n} on deep learning", lang="en")))
        if n % 4 == 0:
            entities.add((paper, ns.SCHEMA.name, Literal(f"论文{n}", lang="zh-Hans")))
        entities.add((paper, ns.SCHEMA.alternateName, Literal(f"paper {n}")))
        entities.add((paper, ns.SCHEMA.datePublished, Literal("2015", datatype=ns.XSD.gYear)))
        entities.add((paper, ns.DLKG.arxivId, Literal(key.removeprefix("arxiv-"))))
        entities.add((paper, ns.SCHEMA.sameAs, URIRef(f"https://arxiv.org/abs/{key[6:]}")))
        entities.add((paper, ns.SCHEMA.url, URIRef(f"https://arxiv.org/pdf/{key[6:]}")))
        entities.add((paper, ns.DLKG.authorListComplete, Literal(True)))
        entities.add((paper, ns.PROV.wasDerivedFrom, iri.source("awesome-readme")))
        if n % 6 == 0:
            entities.add((paper, ns.BIBO.doi, Literal(f"10.1000/synthetic.{n}")))
            entities.add((paper, ns.DLKG.versionOfRecordDoi, Literal(f"10.1000/synthetic.{n}")))
        for position, person in enumerate(rng.sample(persons, rng.randint(3, 7)), start=1):
            authorship = iri.authorship(key, position)
            entities.add((paper, ns.DLKG.authorship, authorship))
            entities.add((paper, ns.SCHEMA.author, iri.person(person)))
            entities.add((authorship, ns.RDF.type, ns.DLKG.Authorship))
            entities.add((authorship, ns.DLKG.person, iri.person(person)))
            entities.add((authorship, ns.SCHEMA.position, Literal(position)))
            entities.add((authorship, ns.DLKG.nameAsWritten, Literal(f"Family{person}, G.")))
            entities.add((authorship, ns.PROV.wasDerivedFrom, iri.source("awesome-readme")))
    for list_id, size in list_ids.items():
        graph = ds.graph(iri.graph(list_id))
        the_list, scheme = iri.list(list_id), iri.section_scheme(list_id)
        graph.add((the_list, ns.RDF.type, ns.SCHEMA.ItemList))
        graph.add((the_list, ns.SCHEMA.name, Literal(f"List {list_id}", lang="en")))
        graph.add((the_list, ns.SCHEMA.numberOfItems, Literal(size)))
        graph.add((the_list, ns.SCHEMA.itemListOrder, ns.SCHEMA.ItemListOrderAscending))
        graph.add((the_list, ns.SCHEMA.inLanguage, Literal("en")))
        graph.add((the_list, ns.DLKG.sectionScheme, scheme))
        graph.add((the_list, ns.DCTERMS.source, iri.source(list_id)))
        graph.add((scheme, ns.RDF.type, ns.SKOS.ConceptScheme))
        sections = [f"s{k}" for k in range(20)]
        for k, section_key in enumerate(sections):
            section = iri.section(list_id, section_key)
            graph.add((section, ns.RDF.type, ns.SKOS.Concept))
            graph.add((section, ns.SKOS.prefLabel, Literal(f"Section {k}", lang="en")))
            graph.add((section, ns.SKOS.inScheme, scheme))
            graph.add((section, ns.SKOS.topConceptOf, scheme))
            graph.add((section, ns.DLKG.top100, Literal(k < 10)))
        for position, key in enumerate(rng.sample(paper_keys, size), start=1):
            section_key = sections[position % len(sections)]
            item = iri.list_item(list_id, f"{section_key}/{key}")
            graph.add((the_list, ns.SCHEMA.itemListElement, item))
            graph.add((item, ns.RDF.type, ns.SCHEMA.ListItem))
            graph.add((item, ns.SCHEMA.item, iri.paper(key)))
            graph.add((item, ns.SCHEMA.position, Literal(position)))
            graph.add((item, ns.DLKG.section, iri.section(list_id, section_key)))
            graph.add((item, ns.DLKG.statedTitle, Literal(f"Title of {key}")))
            graph.add((item, ns.DLKG.statedYear, Literal("2014", datatype=ns.XSD.gYear)))
            graph.add((item, ns.DLKG.statedAuthors, Literal("A. Author et al.")))
            graph.add((item, ns.DLKG.sourceLine, Literal(100 + position)))
            graph.add((item, ns.PROV.wasDerivedFrom, iri.source(list_id)))
            link = iri.item_link(list_id, f"{section_key}/{key}", 1)
            graph.add((item, ns.DLKG.link, link))
            graph.add((link, ns.RDF.type, ns.DLKG.Link))
            graph.add((link, ns.SCHEMA.url, URIRef(f"https://arxiv.org/pdf/{key[6:]}")))
            graph.add((link, ns.DLKG.linkKind, Literal("pdf")))
            graph.add((link, ns.SCHEMA.position, Literal(1)))
    bib = ds.graph(iri.graph("awesome-bib"))
    for n, key in enumerate(paper_keys[:100]):
        entry = iri.bib_entry("awesome-bib", f"key{n}")
        bib.add((entry, ns.RDF.type, ns.DLKG.BibEntry))
        bib.add((entry, ns.DLKG.citationKey, Literal(f"key{n}")))
        bib.add((entry, ns.DLKG.statedTitle, Literal(f"Title of {key}")))
        bib.add((entry, ns.DLKG.statedYear, Literal("2015", datatype=ns.XSD.gYear)))
        bib.add((entry, ns.SCHEMA.about, iri.paper(key)))
        bib.add((entry, ns.DLKG.sourceLine, Literal(1 + 10 * n)))
        bib.add((entry, ns.PROV.wasDerivedFrom, iri.source("awesome-bib")))
    return ds


@pytest.mark.slow
def test_validation_time_on_a_realistic_synthetic_dataset() -> None:
    ds = synthetic_dataset(DEFAULT_BASE)
    started = time.perf_counter()
    report: ValidationReport = validate_graph(ds)
    elapsed = time.perf_counter() - started
    print(
        f"\nvalidated {report.triples} triples in {elapsed:.1f} s "
        f"({report.engine} {report.seconds:.1f} s)"
    )
    assert 35_000 <= report.triples <= 50_000
    assert report.conforms and not report.warnings, report.text()
    assert elapsed < 60, f"validation took {elapsed:.1f} s"
    # one planted duplicate is found among ~40k triples
    ds.graph(URIRef(DEFAULT_BASE + "graph/entities")).add(
        (URIRef(DEFAULT_BASE + "paper/arxiv-1200.10001"), ns.DLKG.arxivId, Literal("1200.10000"))
    )
    report = validate_graph(ds)
    assert {r.shape for r in report.violations} == {
        "dlkgsh:PaperSharedArxivIdShape",
        "dlkgsh:ScholarlyArticle-arxivId",  # two arXiv ids on one paper
    }


def test_hoisted_property_shapes_give_the_same_results() -> None:
    """`hoist_property_shapes` (the speed-up validate_graph applies) changes no result."""
    graph = Graph()
    for slug in (
        # additive cases only: their union still contains every mess
        "listitem-stars",
        "paper-two-english-titles",
        "section-two-chinese-labels",
        "authorship-without-paper",
        "papers-sharing-arxiv-id",
        "listitem-in-two-lists",
        "source-two-languages",
    ):
        graph += load_case(CASES_DIR / slug).graph
    shapes = load_turtle_dir(shapes_dir())

    def results(shapes_graph: Graph) -> set[tuple[object, ...]]:
        _conforms, report, _text = pyshacl_validate(
            graph, shacl_graph=shapes_graph, inference="none", advanced=True
        )
        assert isinstance(report, Graph)
        keys = (ns.SH.focusNode, ns.SH.resultPath, ns.SH.value, ns.SH.sourceShape)
        out = set()
        for result in report.subjects(ns.RDF.type, ns.SH.ValidationResult):
            values = [report.value(result, k) for k in keys]
            path = values[1]
            if isinstance(path, BNode):  # inverse paths: compare what they invert
                values[1] = ("^", report.value(path, ns.SH.inversePath))
            out.add(tuple(values))
        return out

    plain = results(shapes)
    assert len({r[3] for r in plain}) >= 7  # results of at least 7 different shapes
    assert results(hoist_property_shapes(shapes)) == plain


def test_queries_parsed_once_gives_the_same_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """pySHACL with each SPARQL text parsed once (reference._queries_parsed_once) and plain
    pySHACL give the same full report on the crafted bad graphs; rdflib's query
    method is restored afterwards."""
    import contextlib

    from rdflib.plugins.sparql.processor import SPARQLProcessor

    from dlkg.validate import reference

    original = SPARQLProcessor.query
    bad = [load_case(d) for d in CASE_DIRS]
    # every sixth case with expected results (all of them take minutes on a loaded machine)
    bad = [case for case in bad if case.expected][::6]
    assert len(bad) > 8
    fast = [validate_graph(case.graph, validator="pyshacl").text() for case in bad]
    assert SPARQLProcessor.query is original
    monkeypatch.setattr(reference, "_queries_parsed_once", contextlib.nullcontext)
    plain = [validate_graph(case.graph, validator="pyshacl").text() for case in bad]
    assert fast == plain
