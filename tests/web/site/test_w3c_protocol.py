"""The W3C SPARQL 1.1 Protocol and Service Description tests, run against the real server.

Reads ../shared/w3c/protocol/manifest.ttl (34 mf:ProtocolTest) and sends each test's
ht:Requests as written. The endpoint is read-only, so the seven `update_*` tests, which
expect an update to succeed, instead check the refusal: 403 with a one-line reason (their
follow-up ASK requests depend on the update and are not sent). Everything else must pass as
the manifest says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

from ..helpers import W3C, Live, Reply, build_store, serve_in_thread

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
MANIFEST = W3C / "protocol" / "manifest.ttl"
# Tests that ask a read-only endpoint to perform an update (they expect 2xx).
READ_ONLY_REFUSALS = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}
TABULAR = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


@dataclass(frozen=True)
class W3CRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]  # first digits allowed: {2, 3} or {4}
    boolean: bool | None
    format: str | None


@dataclass(frozen=True)
class W3CTest:
    name: str
    requests: tuple[W3CRequest, ...]


def load_manifest() -> list[W3CTest]:
    """The manifest's tests, in its order."""
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    tests = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for h in Collection(graph, header_list):
                    headers[str(graph.value(h, HT.fieldName))] = str(graph.value(h, HT.fieldValue))
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            resp = graph.value(req, HT.resp)
            statuses = frozenset(
                int(str(s).rsplit("StatusCode", 1)[1][0])
                for s in graph.objects(resp, MF.expectedStatus)
            )
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            requests.append(
                W3CRequest(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    boolean=None if boolean is None else bool(boolean.toPython()),
                    format=None if fmt is None else str(fmt),
                )
            )
        tests.append(W3CTest(str(entry).rsplit("#", 1)[1], tuple(requests)))
    return tests


TESTS = load_manifest() if MANIFEST.is_file() else []


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server over the manifest's data: dataN.nt in the named graph of its rdfs:label."""
    if not MANIFEST.is_file():
        pytest.skip(f"W3C test manifests not found at {W3C} (../shared/w3c)")
    base = "http://kasei.us/2009/09/sparql/data/"
    store = build_store(
        tmp_path_factory.mktemp("w3c") / "store",
        *(
            (W3C / "protocol" / f"data{n}.nt", ox.RdfFormat.N_TRIPLES, f"{base}data{n}.rdf")
            for n in (1, 2, 3)
        ),
    )
    yield from serve_in_thread(
        store_dir=store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri="http://www.example/",
        workers=1,
    )


def test_the_manifest_is_complete() -> None:
    if not MANIFEST.is_file():
        pytest.skip(f"W3C test manifests not found at {W3C}")
    assert len(TESTS) == 34
    assert {t.name for t in TESTS} >= READ_ONLY_REFUSALS


def check_boolean(reply: Reply, expected: bool) -> None:
    if reply.content_type == "application/sparql-results+json":
        assert json.loads(reply.body)["boolean"] is expected
    else:
        assert reply.content_type == "application/sparql-results+xml"
        assert bool(ox.parse_query_results(reply.body, ox.QueryResultsFormat.XML)) is expected


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(w3c_server: Live, test: W3CTest) -> None:
    if test.name in READ_ONLY_REFUSALS:
        first = test.requests[0]
        reply = w3c_server.request(first.method, first.path, first.body, first.headers)
        assert reply.status == 403, reply.body
        assert reply.text == "SPARQL updates are not accepted: this endpoint is read-only\n"
        return
    for req in test.requests:
        reply = w3c_server.request(req.method, req.path, req.body, req.headers)
        assert reply.status // 100 in req.statuses, (reply.status, reply.body)
        if reply.status >= 400:
            assert reply.content_type == "text/plain" and reply.text.count("\n") == 1
        if req.boolean is not None:
            check_boolean(reply, req.boolean)
        elif req.format == "boolean":  # a boolean result, whatever its value
            assert reply.content_type in TABULAR - {"text/csv", "text/tab-separated-values"}
        elif req.format == "tabular":
            assert reply.content_type in TABULAR
            assert json.loads(reply.body)["results"]["bindings"][0]["value"]["value"] == "1"
        elif req.format == "RDF":
            assert reply.content_type in RDF
            rdflib.Graph().parse(data=reply.body, format="turtle")


# The service-description manifest names its three tests without machine-readable actions.
def test_sd_returns_rdf(w3c_server: Live) -> None:
    """returns-rdf: GET on the endpoint returns RDF."""
    reply = w3c_server.request("GET", "/sparql/")
    assert reply.status == 200 and reply.content_type in RDF
    assert len(rdflib.Graph().parse(data=reply.body, format="turtle")) > 0


def test_sd_has_endpoint_triple(w3c_server: Live) -> None:
    """has-endpoint-triple: the description has an sd:endpoint equal to the URL fetched."""
    for path in ("/sparql", "/sparql/"):
        reply = w3c_server.request("GET", path)
        graph = rdflib.Graph().parse(data=reply.body, format="turtle")
        assert (None, SD.endpoint, rdflib.URIRef(w3c_server.url + path)) in graph


def test_sd_conforms_to_schema(w3c_server: Live) -> None:
    """conforms-to-schema: typed nodes with the properties the SD vocabulary gives them."""
    graph = rdflib.Graph().parse(data=w3c_server.request("GET", "/sparql").body, format="turtle")
    (service,) = set(graph.subjects(rdflib.RDF.type, SD.Service))
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in graph
    assert (graph.value(dataset, SD.defaultGraph), rdflib.RDF.type, SD.Graph) in graph
    named = list(graph.objects(dataset, SD.namedGraph))
    assert len(named) == 3
    for node in named:
        assert (node, rdflib.RDF.type, SD.NamedGraph) in graph
        assert isinstance(graph.value(node, SD.name), rdflib.URIRef)
    for fmt in graph.objects(service, SD.resultFormat):
        assert str(fmt).startswith("http://www.w3.org/ns/formats/")


def test_read_only_refusals_are_the_update_tests(w3c_server: Live) -> None:
    """Every test the server answers differently from the manifest is an update test."""
    assert {t.name for t in TESTS if t.name.startswith("update_")} == READ_ONLY_REFUSALS
    assert w3c_server.request("GET", "/sparql?update=CLEAR%20ALL").status == 403
