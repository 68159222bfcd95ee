"""Small faults of issue 8: nosniff everywhere, Vary on refusals, HTML for browsers at /sparql."""

from __future__ import annotations

from urllib.parse import urlencode

from ..helpers import BASE, Live

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LOOKUP = f'SELECT ?p WHERE {{ ?p <{BASE}ns#arxivId> "1503.02531" }}'


def sparql(query: str, **params: str) -> str:
    return "/sparql?" + urlencode({"query": query, **params})


def test_every_response_says_nosniff(live: Live) -> None:
    replies = [
        live.request("GET", sparql("ASK {}")),  # a worker's answer
        live.request("GET", "/no/such/page"),  # a worker's error
        live.request("GET", "/sparql?query=" + "x" * 20_000),  # the front's own refusal (414)
        live.request("OPTIONS", "/sparql"),  # the front's preflight
        live.request("GET", "/static/query.js"),
    ]
    assert [r.status for r in replies] == [200, 404, 414, 204, 200]
    for reply in replies:
        assert reply.headers.get("x-content-type-options") == "nosniff", reply.status


def test_refusals_by_accept_or_format_vary_on_accept(live: Live) -> None:
    refused_all = "application/sparql-results+json;q=0, */*;q=0"
    by_q0 = live.request("GET", sparql("ASK {}"), headers={"Accept": refused_all})
    by_format = live.request("GET", sparql("ASK {}", format="turtle"))
    for reply in (by_q0, by_format):
        assert reply.status == 406
        assert reply.headers.get("vary") == "Accept"
    # q=0 means "not this type": the other offered types are still chosen.
    no_json = "application/sparql-results+json;q=0, */*"
    reply = live.request("GET", sparql("ASK {}"), headers={"Accept": no_json})
    assert reply.status == 200
    assert reply.content_type != "application/sparql-results+json"


def test_a_browser_gets_the_results_as_a_page(live: Live) -> None:
    reply = live.request("GET", sparql(LOOKUP), headers={"Accept": BROWSER})
    assert reply.status == 200
    assert reply.content_type == "text/html"
    assert "<table" in reply.text and f"{BASE}paper/" in reply.text
    assert "1503.02531" in reply.text  # the query, back in the editor
    graph = "CONSTRUCT { ?p ?q ?o } WHERE { ?p ?q ?o } LIMIT 3"
    built = live.request("GET", sparql(graph), headers={"Accept": BROWSER})
    assert built.content_type == "text/html"  # never an RDF/XML download
    assert '<pre class="graph">' in built.text
    asked = live.request("GET", sparql("ASK {}"), headers={"Accept": BROWSER})
    assert '<p class="boolean">true</p>' in asked.text


def test_a_browser_without_a_query_gets_the_query_ui(live: Live) -> None:
    reply = live.request("GET", "/sparql", headers={"Accept": BROWSER})
    assert reply.status == 200 and reply.content_type == "text/html"
    assert 'id="query-text"' in reply.text


def test_the_form_without_javascript_gets_a_page_too(live: Live) -> None:
    body = urlencode({"query": LOOKUP}).encode()
    headers = {"Accept": BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    reply = live.request("POST", "/sparql", body, headers)
    assert reply.status == 200 and reply.content_type == "text/html"
    assert "<table" in reply.text


def test_protocol_clients_keep_their_formats(live: Live) -> None:
    assert live.request("GET", sparql(LOOKUP)).content_type == "application/sparql-results+json"
    star = live.request("GET", sparql(LOOKUP), headers={"Accept": "*/*"})
    assert star.content_type == "application/sparql-results+json"
    named = live.request("GET", sparql(LOOKUP, format="xml"), headers={"Accept": BROWSER})
    assert named.content_type == "application/sparql-results+xml"
    description = live.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    assert description.content_type == "text/turtle"
