"""Real SPARQL clients against the real server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
import urllib.error

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from ..helpers import BASE, Live

SCHEMA = rdflib.Namespace("http://schema.org/")
DISTILLING = rdflib.URIRef(BASE + "paper/arxiv-1503.02531")
TITLES = (
    "PREFIX schema: <http://schema.org/>\n"
    "SELECT ?paper ?title WHERE { ?paper a schema:ScholarlyArticle ; schema:name ?title } "
    "ORDER BY ?paper ?title"
)
CONSTRUCT = (
    "PREFIX schema: <http://schema.org/>\n"
    "CONSTRUCT { ?p schema:author ?a } WHERE { ?p schema:author ?a }"
)
AUTHOR_LINKS = 4


def wrapper(live: Live, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_select_json(any_server: Live, method: str | None) -> None:
    result = wrapper(any_server, TITLES, JSON, method).queryAndConvert()
    rows = result["results"]["bindings"]  # type: ignore[index]
    titles = {r["title"]["value"] for r in rows}
    assert "提炼神经网络中的知识" in titles
    assert len(rows) == 4


def test_sparqlwrapper_select_xml_csv_tsv_agree(live: Live) -> None:
    xml = wrapper(live, TITLES, XML).queryAndConvert()
    xml_titles = {n.firstChild.data for n in xml.getElementsByTagName("literal")}  # type: ignore[union-attr]
    csv_text = wrapper(live, TITLES, CSV).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    tsv_text = wrapper(live, TITLES, TSV).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    assert len(xml_titles) == 4
    assert csv_text.startswith("paper,title\r\n")
    assert tsv_text.startswith("?paper\t?title\n")
    assert {row["title"] for row in csv.DictReader(io.StringIO(csv_text))} == xml_titles


def test_sparqlwrapper_ask(live: Live) -> None:
    client = wrapper(live, f"ASK {{ <{DISTILLING}> ?p ?o }}", JSON)
    assert client.queryAndConvert()["boolean"] is True  # type: ignore[index]


@pytest.mark.parametrize("fmt", [RDFXML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct(live: Live, fmt: str) -> None:
    converted = wrapper(live, CONSTRUCT, fmt).queryAndConvert()
    if isinstance(converted, rdflib.Graph):
        graph = converted
    else:
        parser = {TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}[fmt]
        graph = rdflib.Graph().parse(data=converted, format=parser)  # type: ignore[arg-type]
    assert len(graph) == AUTHOR_LINKS
    assert (DISTILLING, SCHEMA.author, rdflib.URIRef(BASE + "person/hinton-g")) in graph


def test_sparqlwrapper_reports_a_malformed_query(live: Live) -> None:
    with pytest.raises(QueryBadFormed) as raised:
        wrapper(live, "SELECT * WHERE { ?s ?p }", JSON).query()
    # SPARQLWrapper names application/json in Accept, so it gets the JSON error body
    assert "syntax error at the end of the query (line 1, column 25)" in str(raised.value)
    assert '"line": 1, "column": 25' in str(raised.value)


def test_sparqlwrapper_update_is_refused(live: Live) -> None:
    client = wrapper(live, "INSERT DATA { <x:a> <x:b> <x:c> }", JSON, POST)
    with pytest.raises(urllib.error.HTTPError) as raised:
        client.query()
    assert raised.value.code == 403
    assert b"read-only" in raised.value.read()


def test_sparqlstore_select_ask_construct(any_server: Live) -> None:
    graph = rdflib.Graph(SPARQLStore(any_server.url + "/sparql", returnFormat="xml"))
    rows = list(graph.query(TITLES))
    assert len(rows) == 4
    assert {str(r.title) for r in rows if r.paper == DISTILLING} == {  # type: ignore[union-attr]
        "Distilling the Knowledge in a Neural Network",
        "提炼神经网络中的知识",
    }
    assert graph.query(f"ASK {{ <{DISTILLING}> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) == AUTHOR_LINKS


def test_sparqlstore_triples_and_post(live: Live) -> None:
    store = SPARQLStore(live.url + "/sparql", method="POST", returnFormat="json")
    graph = rdflib.Graph(store)
    names = set(graph.objects(DISTILLING, SCHEMA.name))
    assert rdflib.Literal("提炼神经网络中的知识", lang="zh-Hans") in names
    assert len(list(graph.triples((DISTILLING, None, None)))) >= 10


def test_sparqlstore_is_read_only(live: Live) -> None:
    graph = rdflib.Graph(SPARQLStore(live.url + "/sparql"))
    with pytest.raises(TypeError):
        graph.add((DISTILLING, SCHEMA.name, rdflib.Literal("x")))  # the client refuses first


def test_clients_read_a_cut_result(capped: Live) -> None:
    result = wrapper(capped, "SELECT * WHERE { ?s ?p ?o }", JSON).query()
    assert result.response.status == 206  # type: ignore[attr-defined]
    assert result.response.headers["Dlkg-Truncated"] == "max-rows=3"  # type: ignore[attr-defined]
    assert len(result.convert()["results"]["bindings"]) == 3  # type: ignore[index]
