"""`run_link` end to end against the six fakes: checked hits, mappings, findings, graph, SSSOM."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from dlkg.link.graph import links_graph
from dlkg.link.mappings import build_mappings
from dlkg.link.model import PaperQuery
from dlkg.link.report import report_json, to_csv
from dlkg.link.run import LinkResult, run_link
from dlkg.link.sssom import to_sssom
from dlkg.namespaces import DLKG, OWL, PROV, RDF, SKOS

from .conftest import fake_config
from .fakes import FakeService, Fault

BASE = "https://w3id.org/dlkg/"
PAPERS = [
    PaperQuery(
        "arxiv-1503.02531",
        "Distilling the knowledge in a neural network",
        2015,
        "1503.02531",
        None,
        ("Geoffrey E. Hinton", "Oriol Vinyals", "Jeffrey Dean"),
        ("hinton-g", "vinyals-o", "dean-j"),
    ),
    PaperQuery(
        "arxiv-1512.03385",
        "Deep residual learning for image recognition",
        2016,
        "1512.03385",
        None,
        ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"),
        ("he-k", "zhang-x", "ren-s", "sun-j"),
    ),
    PaperQuery(
        "arxiv-1502.03167",
        "Batch normalization: Accelerating deep network training by reducing internal "
        "covariate shift",
        2015,
        "1502.03167",
        None,
        ("Sergey Ioffe", "Christian Szegedy"),
        ("ioffe-s", "szegedy-c"),
    ),
    PaperQuery(
        "doi-10.1038-nature16961",
        "Mastering the game of Go with deep neural networks and tree search",
        2016,
        None,
        "10.1038/nature16961",
        ("David Silver", "Aja Huang", "Chris J. Maddison"),
        ("silver-david", "huang-a", "maddison-c"),
        authors_complete=False,
    ),
    PaperQuery(
        "nobody-knows",
        "A paper no service has",
        2014,
        "1409.99999",
        None,
        ("A. Nobody",),
        ("nobody-a",),
    ),
]


@pytest.fixture()
def linked(fakes: dict[str, FakeService], tmp_path: Path) -> LinkResult:
    fakes["arxiv"].faults.append(Fault("429", "id_list", seconds=1))
    fakes["semanticscholar"].faults.append(Fault("html", "ARXIV:1503.02531"))
    fakes["crossref"].faults.append(Fault("truncated", "nature16961"))
    return run_link(PAPERS, fake_config(fakes), tmp_path / "cache.sqlite")


def _status(result: LinkResult, service: str, key: str) -> set[str]:
    return {
        d.verdict.status
        for d in result.decisions
        if d.hit.service == service and d.hit.paper_key == key
    }


def test_every_service_is_asked_and_answers_are_checked(linked: LinkResult) -> None:
    assert _status(linked, "arxiv", "arxiv-1503.02531") == {"accepted"}
    assert _status(linked, "wikidata", "arxiv-1503.02531") == {"accepted"}
    assert _status(linked, "dblp", "arxiv-1503.02531") == {"accepted"}
    assert _status(linked, "openalex", "arxiv-1512.03385") == {"accepted"}
    # found through the DOI the arXiv record names, then checked by Crossref itself
    assert _status(linked, "crossref", "arxiv-1512.03385") == {"accepted"}
    assert _status(linked, "dblp", "arxiv-1512.03385") == {"accepted"}
    assert _status(linked, "crossref", "doi-10.1038-nature16961") == {"accepted"}
    assert _status(linked, "wikidata", "doi-10.1038-nature16961") == {"accepted"}
    # Semantic Scholar answers for 1502.03167 with another paper's record
    assert _status(linked, "semanticscholar", "arxiv-1502.03167") == {"rejected"}
    assert not [d for d in linked.decisions if d.hit.paper_key == "nobody-knows"]
    assert linked.published_dois == {"arxiv-1512.03385": "10.1109/cvpr.2016.90"}
    assert set(linked.counts) == {
        "arxiv",
        "crossref",
        "openalex",
        "semanticscholar",
        "wikidata",
        "dblp",
    }
    assert linked.failures == []  # every fault was retried away


def test_mappings_carry_their_evidence(linked: LinkResult) -> None:
    mappings, conflicts = build_mappings(PAPERS, linked, {"hinton-g": "Geoffrey E. Hinton"})
    rows = {(m.subject, m.object): m for m in mappings}
    wikidata = rows[("paper/arxiv-1503.02531", "http://www.wikidata.org/entity/Q9100001")]
    assert wikidata.predicate == "skos:exactMatch"
    assert wikidata.match_fields == ("schema:name", "schema:datePublished", "schema:author")
    assert 0.9 < wikidata.confidence <= 1
    openalex = rows[("paper/arxiv-1512.03385", "https://openalex.org/W9200002")]
    assert len(openalex.answers) == 2  # by the arXiv DOI and by the publisher DOI
    orcid = rows[("person/hinton-g", "https://orcid.org/0000-0002-1825-0097")]
    assert orcid.predicate == "owl:sameAs"
    assert ("person/hinton-g", "https://dblp.org/pid/10/3248") in rows
    assert ("person/he-k", "https://dblp.org/pid/34/7659") in rows  # "Kaiming He 0001" in dblp
    assert not any("0000-0002-1825-0098" in m.object for m in mappings)  # bad check digit
    assert not any("4d376d69" in m.object for m in mappings)  # the rejected record
    assert conflicts == []


def test_findings_report_disagreements_without_changing_facts(linked: LinkResult) -> None:
    found = {(f.paper_key, f.service, f.field) for f in linked.findings}
    assert ("arxiv-1512.03385", "arxiv", "year") in found  # list 2016, arXiv 2015
    assert ("arxiv-1503.02531", "wikidata", "orcid") in found  # malformed ORCID
    assert PAPERS[1].year == 2016


def test_graph_has_provenance_per_answer_and_nothing_rejected(linked: LinkResult) -> None:
    mappings, _ = build_mappings(PAPERS, linked, {})
    g = links_graph(mappings, linked, BASE)
    paper = URIRef(BASE + "paper/arxiv-1503.02531")
    assert (paper, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q9100001")) in g
    axioms = list(g.subjects(RDF.type, OWL.Axiom))
    assert len(axioms) == len(mappings)
    for axiom in axioms:
        answers = list(g.objects(axiom, PROV.wasDerivedFrom))
        assert answers
        for answer in answers:
            assert g.value(answer, PROV.generatedAtTime) is not None
            assert g.value(answer, URIRef("http://purl.org/dc/terms/source")) is not None
    counts = {int(g.value(c, RDF.value)) for c in g.objects(paper, DLKG.citations)}
    assert counts == {15000}
    assert (
        URIRef(BASE + "paper/arxiv-1512.03385"),
        DLKG.versionOfRecordDoi,
        Literal("10.1109/cvpr.2016.90"),
    ) in g
    assert "Layer" not in g.serialize(format="nt")  # the rejected hit left no trace


def test_report_lists_what_was_not_accepted(linked: LinkResult) -> None:
    mappings, conflicts = build_mappings(PAPERS, linked, {})
    report = report_json(linked, mappings, linked.findings + conflicts, offline=False)
    rejected = [r for r in report["not_accepted"] if r["status"] == "rejected"]
    assert [(r["paper"], r["service"], r["hit_title"]) for r in rejected] == [
        ("arxiv-1502.03167", "semanticscholar", "Layer Normalization")
    ]
    assert report["requests"]["arxiv"]["asked"] == 1
    csv_text = to_csv(linked)
    assert csv_text.splitlines()[0].startswith("paper,service,status")
    assert "Layer Normalization" in csv_text


def test_rerun_from_cache_asks_nothing_and_offline_gives_the_same(fakes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = fake_config(fakes)
    first = run_link(PAPERS, config, tmp_path / "cache.sqlite")
    asked = {name: len(f.targets()) for name, f in fakes.items()}
    second = run_link(PAPERS, config, tmp_path / "cache.sqlite")
    assert {name: len(f.targets()) for name, f in fakes.items()} == asked
    offline = run_link(PAPERS, config, tmp_path / "cache.sqlite", offline=True)
    for result in (second, offline):
        assert to_sssom(build_mappings(PAPERS, result, {})[0], BASE, None) == to_sssom(
            build_mappings(PAPERS, first, {})[0], BASE, None
        )
        assert all(c["fetched"] == 0 for c in result.counts.values())
