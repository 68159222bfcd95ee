"""`dlkg serve --sparql-url`: the site with every query sent to a real Oxigraph server.

The server (the `oxigraph` binary of the PyPI package, tests/stores.py) holds the same small
dataset as the local store; pages and /sparql answers must be the same through either runner,
with the same guard and row cap, and failures of the store must come back as one-line errors.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from dlkg.web.site.app import build_site
from dlkg.web.site.remote import RemoteRunner
from dlkg.web.site.runner import RunnerSettings
from dlkg.web.site.sparql import ProtocolQuery
from stores import RunningStore, oxigraph_server

from ..helpers import (
    BASE,
    FIXTURES,
    PAGE_QUERIES,
    Call,
    build_dir_for,
    dlkg_serve,
    load_store,
    make_call,
    on_disk,
    site_over,
)

PAGES = (
    "/",
    "/paper/arxiv-1503.02531",
    "/person/hinton-g",
    "/list/awesome",
    "/graph/entities",
    "/paper/no-such-paper",
)
PEOPLE = "SELECT ?p WHERE { ?p a <http://schema.org/Person> } ORDER BY ?p"


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server with pages_small.trig, the union of its graphs as default graph."""
    folder = tmp_path_factory.mktemp("oxigraph")
    with oxigraph_server(folder, "--union-default-graph") as running:
        _load(running, (FIXTURES / "pages_small.trig").read_bytes())
        yield running.url + "/query"


def _load(running: RunningStore, trig: bytes) -> None:
    answer = requests.post(
        running.url + "/store",
        data=trig,
        headers={"Content-Type": "application/trig"},
        timeout=60,
    )
    assert answer.status_code in (200, 201, 204), answer.text


@pytest.fixture()
def remote_call(store_url: str, build_dir: Path) -> Call:
    site = build_site(
        load_store(),  # empty: every answer has to come from the Oxigraph server
        base_iri=BASE,
        build_dir=build_dir,
        queries_dir=PAGE_QUERIES,
        sparql_url=store_url,
    )
    return make_call(site)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_pages_are_the_same_through_the_store(
    call: Call, remote_call: Call, path: str, accept: str
) -> None:
    local, remote = call(path, accept=accept), remote_call(path, accept=accept)
    assert (remote.status, remote.content_type) == (local.status, local.content_type)
    if not local.content_type.startswith("text/turtle") or local.status != 200:
        assert remote.body == local.body
    else:  # the same graph; the two engines may give its triples in another order
        parsed = [rdflib.Graph().parse(data=r.body, format="turtle") for r in (local, remote)]
        assert len(parsed[0]) > 0 and isomorphic(*parsed)


def test_sparql_endpoint_answers_from_the_store(call: Call, remote_call: Call) -> None:
    query = {"query": [PEOPLE]}
    local = call("/sparql", accept="application/sparql-results+json", query=query)
    remote = remote_call("/sparql", accept="application/sparql-results+json", query=query)
    assert remote.status == 200
    rows = json.loads(remote.body)["results"]["bindings"]
    assert rows and rows == json.loads(local.body)["results"]["bindings"]
    csv = remote_call("/sparql", accept="text/csv", query=query)
    assert csv.body.decode().splitlines()[0] == "p"
    ask = remote_call(
        "/sparql", accept="application/sparql-results+json", query={"query": ["ASK {}"]}
    )
    assert json.loads(ask.body)["boolean"] is True
    turtle = remote_call(
        "/sparql",
        accept="text/turtle",
        query={"query": ["CONSTRUCT { ?p a ?t } WHERE { ?p a ?t } LIMIT 5"]},
    )
    assert turtle.status == 200 and turtle.content_type.startswith("text/turtle")
    assert turtle.body.count(b" a ") + turtle.body.count(b";") >= 1


def test_same_guard_and_cap_before_forwarding(store_url: str) -> None:
    runner = RemoteRunner(store_url, RunnerSettings(BASE, max_rows=2), timeout_s=10)
    cut = runner.select(PEOPLE)
    assert len(cut["results"]["bindings"]) == 2 and cut["truncated"] is True  # type: ignore[index]
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(Exception, match="SERVICE") as refused:
        runner.evaluate(ProtocolQuery(service))
    assert getattr(refused.value, "status", None) == 403
    with pytest.raises(Exception, match="malformed query") as bad:
        runner.evaluate(ProtocolQuery("SELECT ?x WHERE { ?x ?y }"))
    assert getattr(bad.value, "status", None) == 400
    assert any(g.endswith("graph/entities") for g in runner.named_graphs())


def test_store_down_or_silent_is_a_one_line_error() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: connections are refused
        down = RemoteRunner(f"http://127.0.0.1:{port}/query", RunnerSettings(BASE), timeout_s=2)
        with pytest.raises(Exception, match="unreachable") as failed:
            down.evaluate(ProtocolQuery(PEOPLE))
        assert getattr(failed.value, "status", None) == 502
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection (backlog) and never answers
        port = silent.getsockname()[1]
        slow = RemoteRunner(f"http://127.0.0.1:{port}/query", RunnerSettings(BASE), timeout_s=0.5)
        with pytest.raises(Exception, match=r"did not answer within 0\.5 s") as late:
            slow.evaluate(ProtocolQuery(PEOPLE))
        assert getattr(late.value, "status", None) == 504


def test_dlkg_serve_sparql_url(store_url: str, tmp_path: Path, build_dir: Path) -> None:
    """The command itself: pages from the store, downloads from the local build."""
    store_dir = on_disk(load_store(), tmp_path / "store")  # the local store is empty
    serve_dir = build_dir_for(store_dir, tmp_path / "serve")
    (serve_dir / "current" / "dumps").symlink_to(build_dir / "dumps")
    local = make_call(site_over(load_store("pages_small.trig"), build_dir))
    for live in dlkg_serve(serve_dir, "--workers", "1", "--sparql-url", store_url):
        page = requests.get(f"{live.url}/person/hinton-g", timeout=30)
        assert page.status_code == 200
        assert page.content == local("/person/hinton-g").body
        sums = requests.get(f"{live.url}/downloads/SHA256SUMS", timeout=30)
        assert sums.status_code == 200 and b"dlkg.ttl" in sums.content
