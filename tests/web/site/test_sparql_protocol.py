"""The SPARQL 1.1 Protocol at /sparql against the real server: methods, formats, status codes."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib

from ..helpers import BASE, Live, one_line_error

PAPERS = (
    "PREFIX schema: <http://schema.org/>\n"
    "SELECT ?paper ?title WHERE { ?paper a schema:ScholarlyArticle ; schema:name ?title "
    'FILTER(lang(?title) = "en") } ORDER BY ?paper'
)
DISTILLING = BASE + "paper/arxiv-1503.02531"
CONSTRUCT = (
    "PREFIX schema: <http://schema.org/>\n"
    "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:ScholarlyArticle ; schema:name ?n }"
)


def bindings(reply: bytes) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(reply)["results"]["bindings"]]


def test_get_select_json_over_the_union_of_named_graphs(any_server: Live) -> None:
    reply = any_server.get(PAPERS)
    assert reply.status == 200
    assert reply.content_type == "application/sparql-results+json"
    rows = bindings(reply.body)
    assert [r["paper"] for r in rows] == sorted(r["paper"] for r in rows)
    assert DISTILLING in {r["paper"] for r in rows}
    assert len(rows) == 3  # three English titles, no Chinese one


@pytest.mark.parametrize("method", ["get", "post_form", "post_direct"])
def test_three_ways_to_send_a_query_agree(live: Live, method: str) -> None:
    reply = getattr(live, method)(PAPERS)
    assert reply.status == 200
    assert bindings(reply.body) == bindings(live.get(PAPERS).body)


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("application/json", None, "application/sparql-results+json"),
        # A type not offered falls back to the default (text/html is offered since issue 8:
        # a browser gets a page, tests/web/site/test_headers_and_html.py).
        ("image/png, */*;q=0.1", None, "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
        (None, "csv", "text/csv"),
        (None, "xml", "application/sparql-results+xml"),
        ("text/csv", "tsv", "text/tab-separated-values"),  # the parameter wins over Accept
        (None, "application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept_and_format(
    live: Live, accept: str | None, fmt: str | None, media: str
) -> None:
    reply = live.get(PAPERS, accept=accept, **({"format": fmt} if fmt else {}))
    assert reply.status == 200
    assert reply.content_type == media
    assert "Accept" in reply.headers.get("vary", "")
    titles = {r["title"] for r in bindings(live.get(PAPERS).body)}
    if media.endswith("json"):
        assert {r["title"] for r in bindings(reply.body)} == titles
    elif media.endswith("xml"):
        parsed = ox.parse_query_results(reply.body, ox.QueryResultsFormat.XML)
        assert {s["title"].value for s in parsed} == titles  # type: ignore[union-attr]
    elif media == "text/csv":
        rows = list(csv.DictReader(io.StringIO(reply.text)))
        assert {r["title"] for r in rows} == titles  # newline and quotes survive CSV quoting
    else:
        parsed = ox.parse_query_results(reply.body, ox.QueryResultsFormat.TSV)
        assert {s["title"].value for s in parsed} == titles  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "rdflib_format"),
    [
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        (None, None, "text/turtle", "turtle"),
        (None, "jsonld", "application/ld+json", "json-ld"),
        (None, "ntriples", "application/n-triples", "nt"),
        ("application/sparql-results+json", None, "text/turtle", "turtle"),  # no match: default
    ],
)
def test_construct_formats_parse_back_to_the_same_graph(
    live: Live, accept: str | None, fmt: str | None, media: str, rdflib_format: str
) -> None:
    reply = live.post_form(CONSTRUCT, accept=accept, **({"format": fmt} if fmt else {}))
    assert reply.status == 200
    assert reply.content_type == media
    graph = rdflib.Graph().parse(data=reply.body, format=rdflib_format)
    titles = {str(o) for o in graph.objects(rdflib.URIRef(DISTILLING), None)}
    assert titles == {"Distilling the Knowledge in a Neural Network", "提炼神经网络中的知识"}
    assert len(graph) == 4  # two titles of one paper, one each for the other two


def test_describe_returns_the_resource(live: Live) -> None:
    reply = live.get(f"DESCRIBE <{DISTILLING}>", accept="application/n-triples")
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="nt")
    arxiv_id = (
        rdflib.URIRef(DISTILLING),
        rdflib.URIRef(BASE + "ns#arxivId"),
        rdflib.Literal("1503.02531"),
    )
    assert arxiv_id in graph
    assert len(list(graph.predicate_objects(rdflib.URIRef(DISTILLING)))) >= 8


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_ask(live: Live, accept: str, media: str) -> None:
    yes = live.get(f"ASK {{ <{DISTILLING}> ?p ?o }}", accept=accept)
    no = live.get("ASK { <http://example.org/nothing> ?p ?o }", accept=accept)
    assert (yes.status, no.status) == (200, 200)
    assert yes.content_type == media
    if media.endswith("json"):
        assert (json.loads(yes.body)["boolean"], json.loads(no.body)["boolean"]) == (True, False)
    elif media.endswith("xml"):
        assert bool(ox.parse_query_results(yes.body, ox.QueryResultsFormat.XML)) is True
    else:
        assert (yes.text.strip(), no.text.strip()) == ("true", "false")


def test_protocol_dataset_replaces_the_union(live: Live) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = int(bindings(live.get(count).body)[0]["n"])
    only_meta = int(
        bindings(live.get(count, **{"default-graph-uri": BASE + "graph/meta"}).body)[0]["n"]
    )
    assert 0 < only_meta < union
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = live.get(graphs, **{"named-graph-uri": BASE + "graph/awesome"})
    assert [r["g"] for r in bindings(named.body)] == [BASE + "graph/awesome"]


def test_from_in_the_query_is_respected(live: Live) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/meta> WHERE {{ ?s ?p ?o }}"  # noqa: S608
    reply = live.get(query)
    assert int(bindings(reply.body)[0]["n"]) == 3


def test_bad_dataset_iri_is_400(live: Live) -> None:
    reply = live.get("ASK {}", **{"default-graph-uri": "not an iri"})
    assert reply.status == 400
    assert "IRI" in reply.text


def test_service_description_without_a_query(any_server: Live) -> None:
    reply = any_server.get(accept="text/turtle")
    assert reply.status == 200
    assert reply.content_type == "text/turtle"
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoints = {str(o) for o in graph.objects(None, sd.endpoint)}
    assert f"{any_server.url}/sparql" in endpoints  # what the client asked
    assert BASE + "sparql" in endpoints  # the dataset's endpoint IRI
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == {BASE + "graph/entities", BASE + "graph/awesome", BASE + "graph/meta"}
    assert (None, sd.feature, sd.UnionDefaultGraph) in graph
    assert (None, sd.supportedLanguage, sd.SPARQL11Query) in graph


@pytest.mark.parametrize(
    ("accept", "fmt"), [("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")]
)
def test_service_description_in_other_rdf_formats(live: Live, accept: str, fmt: str) -> None:
    reply = live.get(accept=accept)
    assert reply.content_type == accept
    assert len(rdflib.Graph().parse(data=reply.body, format=fmt)) > 10


def test_malformed_query_is_400_with_line_and_column(any_server: Live) -> None:
    text = one_line_error(any_server.get("SELECT * WHERE {\n  ?s ?p \n}"), 400)
    # the user's line, not one of the row-capped query; no character classes of the grammar
    assert text.startswith(
        "malformed query: syntax error at the end of the query (line 3, column 2)"
    )
    assert "[" not in text


def test_unknown_prefix_is_named_where_it_is_written(any_server: Live) -> None:
    query = "SELECT ?t WHERE {\n  ?p schema:name ?t ; nope:x ?y }"
    text = one_line_error(any_server.get(query), 400)
    assert text == "malformed query: unknown prefix `nope:` at line 2, column 23\n"


def test_syntax_error_detail_as_json_for_clients_that_ask(live: Live) -> None:
    reply = live.get("SELECT ?t WHERE { ?p nope:x ?t }", accept="application/json")
    assert reply.status == 400
    assert reply.content_type == "application/json"
    body = json.loads(reply.body)
    assert body["error"] == "malformed query: unknown prefix `nope:` at line 1, column 22"
    assert (body["line"], body["column"], body["status"]) == (1, 22, 400)
    assert body["detail"].startswith("error at 1:")  # the parser's full text
    assert "Traceback" not in reply.text and "pipeline/" not in reply.text
    assert "Accept" in reply.headers.get("vary", "")


def test_common_prefixes_are_predefined_and_own_declarations_win(any_server: Live) -> None:
    bare = PAPERS.split("\n", 1)[1]  # without its PREFIX line
    assert bindings(any_server.get(bare).body) == bindings(any_server.get(PAPERS).body)
    other = "PREFIX schema: <http://example.org/nothing/>\n" + bare
    assert bindings(any_server.get(other).body) == []


def test_service_description_lists_the_predefined_prefixes(live: Live) -> None:
    from dlkg.prefixes import PREDEFINED

    graph = rdflib.Graph().parse(data=live.get(accept="text/turtle").body, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    declared = {
        str(graph.value(d, sh.prefix)): str(graph.value(d, sh.namespace))
        for d in graph.objects(None, sh.declare)
    }
    assert declared == PREDEFINED


@pytest.mark.parametrize(
    ("send", "status", "words"),
    [
        (lambda s: s.get("INSERT DATA { <a:a> <a:b> <a:c> }"), 400, "INSERT is a SPARQL update"),
        (lambda s: s.get("LOAD <http://example.org/x>"), 400, "LOAD is a SPARQL update"),
        (lambda s: s.get(None, update="CLEAR ALL"), 403, "read-only"),
        (
            lambda s: s.request(
                "POST",
                "/sparql",
                b"update=CLEAR+ALL",
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            403,
            "read-only",
        ),
        (
            lambda s: s.request(
                "POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}
            ),
            403,
            "read-only",
        ),
        (lambda s: s.request("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400, "exactly one"),
        (
            lambda s: s.request("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),
            415,
            "text/plain",
        ),
        (lambda s: s.request("POST", "/sparql", b"ASK {}"), 415, "Content-Type"),
        (
            lambda s: s.request(
                "POST",
                "/sparql",
                "ASK {}".encode("utf-16"),
                {"Content-Type": "application/sparql-query; charset=UTF-16"},
            ),
            415,
            "UTF-8",
        ),
        (
            lambda s: s.request(
                "POST", "/sparql", b"ASK { \xff }", {"Content-Type": "application/sparql-query"}
            ),
            400,
            "not UTF-8",
        ),
        (lambda s: s.request("PUT", "/sparql?query=ASK%7B%7D"), 405, "PUT"),
        (lambda s: s.request("DELETE", "/sparql"), 405, "DELETE"),
        (lambda s: s.get(PAPERS, format="turtle"), 406, "turtle"),
        (lambda s: s.get(""), 400, "empty"),
        (lambda s: s.request("GET", "/nothing-here"), 404, "/nothing-here"),
    ],
    ids=[
        "update-as-query",
        "load-as-query",
        "update-get",
        "update-form",
        "update-direct",
        "two-queries",
        "wrong-media-type",
        "no-media-type",
        "utf16",
        "not-utf8",
        "put",
        "delete",
        "format-mismatch",
        "empty-query",
        "unknown-path",
    ],
)
def test_refusals_have_status_and_one_line_reason(
    live: Live, send: object, status: int, words: str
) -> None:
    reply = send(live)  # type: ignore[operator]
    text = one_line_error(reply, status)
    assert words in text
    assert reply.headers["access-control-allow-origin"] == "*"
    if status == 405:
        assert "POST" in reply.headers["allow"]


def test_row_cap_answers_206_with_flags_and_a_valid_body(capped: Live) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    full = capped.get(query + " LIMIT 3")  # asked for no more than the cap: not cut
    assert full.status == 200 and "dlkg-truncated" not in full.headers
    cut = capped.get(query)
    assert cut.status == 206
    assert cut.headers["content-range"] == "rows 0-2/*"
    assert cut.headers["dlkg-truncated"] == "max-rows=3"
    data = json.loads(cut.body)
    assert data["truncated"] is True
    assert bindings(cut.body) == bindings(full.body)  # the first rows, in order
    for fmt, count in (
        ("csv", lambda b: len(b.splitlines()) - 1),
        ("xml", lambda b: b.count(b"<result>")),
    ):
        reply = capped.get(query, format=fmt)
        assert reply.status == 206
        assert count(reply.body) == 3


def test_row_cap_applies_to_graphs(capped: Live) -> None:
    reply = capped.get("CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert reply.status == 206
    assert len(rdflib.Graph().parse(data=reply.body, format="nt")) == 3
    turtle = capped.get("CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle")
    assert (
        turtle.status == 206 and len(rdflib.Graph().parse(data=turtle.body, format="turtle")) == 3
    )
