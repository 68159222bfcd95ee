"""Workers cannot open network connections, even for a query the guard lets through.

The guard is bypassed on purpose: the test's own listener is allow-listed as a SERVICE
endpoint, so only the workers' network isolation (dlkg.sandbox) stands between the engine
and the listener (tests/web/service_listener.py).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.sandbox import probe

from ..helpers import BASE, Live, serve_in_thread
from ..service_listener import Listener

LOOKUP = f'SELECT ?p WHERE {{ ?p <{BASE}ns#arxivId> "1503.02531" }}'


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lis = Listener()
    yield lis
    lis.close()


def active_mode() -> str:
    return "+".join(layer for layer in ("namespace", "seccomp") if not probe()[layer])


def serve_allowing(web_store: Path, tmp_path: Path, url: str, isolation: str) -> Iterator[Live]:
    return serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        workers=1,
        allowed_service_endpoints=[url],
        isolation=isolation,
    )


@pytest.mark.parametrize("isolation", ["auto", "namespace", "seccomp"])
def test_an_allow_listed_service_cannot_reach_the_listener(
    web_store: Path, tmp_path: Path, listener: Listener, isolation: str
) -> None:
    if isolation != "auto" and probe()[isolation]:
        pytest.skip(f"this kernel refuses {isolation}: {probe()[isolation]}")
    if not active_mode():
        pytest.skip("this kernel grants no isolation layer")
    for live in serve_allowing(web_store, tmp_path, listener.url, isolation):
        reply = live.get(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
        silent = live.get(f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}")
        lookup = live.get(LOOKUP)
        time.sleep(0.3)
        assert reply.status == 500
        assert reply.text == "query evaluation failed\n"
        # No exception class, no address, no port: nothing a port scanner could read.
        assert not re.search(r"Error|Exception|127\.0\.0\.1|" + str(listener.port), reply.text)
        # SILENT: the failed call counts as one solution binding nothing (SPARQL 1.1 Federated
        # Query, section 4); nothing came from the listener.
        assert silent.status == 200
        assert json.loads(silent.body)["results"]["bindings"] == [{}]
        assert lookup.status == 200  # the engine still works in an isolated worker
        assert len(json.loads(lookup.body)["results"]["bindings"]) == 1
    assert listener.connections == 0
    assert listener.received == []


def test_the_service_description_states_the_active_mode(live: Live) -> None:
    reply = live.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    assert reply.status == 200
    mode = active_mode() or "none"
    assert f"(isolation: {mode})" in reply.text
    assert "MiB of memory answers 507" in reply.text


def test_without_isolation_the_same_query_does_reach_the_listener(
    web_store: Path, tmp_path: Path, listener: Listener
) -> None:
    # The control: proves the tests above would see a connection if isolation failed.
    for live in serve_allowing(web_store, tmp_path, listener.url, "none"):
        reply = live.get(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
        assert reply.status == 500
        assert reply.text == "query evaluation failed\n"
    assert listener.connections >= 1
    assert any(b"POST /sparql" in r or b"GET /sparql" in r for r in listener.received)
