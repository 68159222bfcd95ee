"""The page helpers of link/web.py and the federated gallery queries 17 and 18."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from dlkg.link.web import ExactLink, exact_links, federated_endpoints, load_link_report
from dlkg.resources import queries_dir

BASE = "https://w3id.org/dlkg/"
GOOD_LINKS = Path(__file__).parent.parent / "shapes" / "good-links" / "data.ttl"
FEDERATED = [
    p
    for p in sorted(queries_dir().glob("*.rq"))
    if federated_endpoints(p.read_text(encoding="utf-8"))
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    graph = Graph().parse(GOOD_LINKS, format="turtle", publicID=BASE)
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def test_exact_links_of_a_paper(store: ox.Store) -> None:
    links = exact_links(store, BASE + "paper/arxiv-1502.03167")
    assert [link.kind for link in links] == ["identity", "identity", "mapping", "lookup"]
    assert (
        ExactLink("identity", "https://doi.org/10.48550/arXiv.1502.03167", role="preprint") in links
    )
    assert ExactLink("identity", "https://arxiv.org/abs/1502.03167") in links
    (mapping,) = [link for link in links if link.kind == "mapping"]
    assert mapping.url == "http://www.wikidata.org/entity/Q999999999"
    assert mapping.confidence == pytest.approx(0.98)
    assert links[-1].url == "https://api.semanticscholar.org/graph/v1/paper/ARXIV:1502.03167"


def test_a_node_without_links_has_none(store: ox.Store) -> None:
    assert exact_links(store, BASE + "person/ioffe-s") == []


def test_link_report_for_the_report_page(tmp_path: Path) -> None:
    assert load_link_report(tmp_path) is None
    (tmp_path / "link-report.json").write_text(
        json.dumps({"mappings": 3, "findings": []}), encoding="utf-8"
    )
    assert load_link_report(tmp_path) == {"mappings": 3, "findings": []}
    (tmp_path / "link-report.json").write_text("{truncated", encoding="utf-8")
    assert load_link_report(tmp_path) is None


def test_there_are_federated_examples_for_wikidata_and_dblp() -> None:
    endpoints = {e for p in FEDERATED for e in federated_endpoints(p.read_text(encoding="utf-8"))}
    assert endpoints == {
        "https://query-scholarly.wikidata.org/sparql",
        "https://sparql.dblp.org/sparql",
    }


@pytest.mark.parametrize("path", FEDERATED, ids=lambda p: p.name)
def test_federated_queries_need_allow_listing(path: Path) -> None:
    from dlkg.web.guard import GuardError, inspect_query

    text = path.read_text(encoding="utf-8")
    declared = federated_endpoints(text)
    used = re.findall(r"SERVICE\s+<([^>]+)>", text)
    assert used and set(used) <= set(declared), "every SERVICE endpoint is declared"
    prepareQuery(text)  # valid SPARQL 1.1
    with pytest.raises(GuardError):
        inspect_query(text)  # the endpoint's default: SERVICE refused
    inspect_query(text, allowed_services=declared)  # runs once the operator allow-lists them
    assert "--allow-service" in text
