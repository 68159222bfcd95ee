"""`dlkg push` against real stores on 127.0.0.1: Oxigraph server and Virtuoso Open Source.

Every test checks what a client of the store sees: the triple count of every graph after a
push, a second push replacing the first (graphs the new build lacks are dropped), and a push
failing midway leaving the previous graphs exactly as they were, without staging leftovers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner
from requests.auth import HTTPDigestAuth

from dlkg.cli import main
from dlkg.iris import IriMinter
from dlkg.push import (
    DIRECT_MARKER,
    STAGING_MARK,
    batch_delete,
    build_graphs,
    push,
    staging_name,
    store_graphs,
    switch_updates,
)
from dlkg.push_http import Client, PushError, auth_from_env, endpoints_for
from dlkg.store import open_read_only
from stores import RunningStore, faulty_proxy, oxigraph_server, virtuoso_server

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def running(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStore]:
    folder = tmp_path_factory.mktemp(request.param)
    server = oxigraph_server if request.param == "oxigraph" else virtuoso_server
    with server(folder) as store:
        yield store


def _client(store: RunningStore) -> Client:
    auth = HTTPDigestAuth(store.user, store.password) if store.user and store.password else None
    return Client(endpoints_for(store.url, store.kind, {}), auth, retries=1, timeout_s=120)


def _prefix(built: Any) -> str:
    return str(IriMinter(built[0].base_iri).graph(""))


def _altered(store: ox.Store, prefix: str) -> ox.Store:
    """A different 'previous build': the same graphs, one extra triple in each, one extra
    graph that the real build does not have."""
    other = ox.Store()
    other.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    note = ox.NamedNode("https://example.org/previous-build")
    for graph in list(store.named_graphs()):
        other.add(ox.Quad(note, note, ox.Literal(graph.value), graph))
    other.add(ox.Quad(note, note, note, ox.NamedNode(prefix + "retired")))
    return other


def _live(client: Client, prefix: str) -> dict[str, int]:
    found = store_graphs(client, prefix)
    assert not [g for g in found if STAGING_MARK in g], "no staging graph is left behind"
    return found


def test_push_then_replace(running: RunningStore, built: Any, tmp_path: Path) -> None:
    settings, report = built
    prefix = _prefix(built)
    client = _client(running)
    store = open_read_only(settings.store_dir)
    old = _altered(store, prefix)

    first = push(client, old, build_id="b1", prefix=prefix, chunk=4000)
    assert first.counts[prefix + "retired"] == 1
    assert _live(client, prefix) == {g: n + 1 for g, n in report.graph_triples.items()} | {
        prefix + "retired": 1
    }

    # A staging graph left by a killed push is dropped by the next push.
    stale = tmp_path / "stale.nt"
    stale.write_text("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    client.put_graph(f"{prefix}entities{STAGING_MARK}killed", stale, replace=True)
    second = push(client, store, build_id="b2", prefix=prefix, chunk=4000)
    assert second.dropped == [prefix + "retired"]
    assert _live(client, prefix) == report.graph_triples


def test_readers_never_see_half_a_switch(running: RunningStore, built: Any) -> None:
    """A client counting a graph while a push replaces it sees the old or the new count only."""
    settings, report = built
    prefix = _prefix(built)
    client = _client(running)
    store = open_read_only(settings.store_dir)
    push(client, _altered(store, prefix), build_id="before", prefix=prefix, chunk=4000)
    graph = prefix + "entities"
    new = report.graph_triples[graph]
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        reader = _client(running)
        while not done.is_set():
            rows = reader.select(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            )
            seen.append(int(rows[0]["n"]))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        push(client, store, build_id="after", prefix=prefix, chunk=4000)
    finally:
        done.set()
        thread.join()
    assert len(seen) >= 2
    assert set(seen) <= {new + 1, new}, sorted(set(seen))
    assert seen[-1] == new


class _FailingClient(Client):
    """Refuses the fourth graph upload, as a store answering 500 midway would."""

    def __init__(self, inner: Client) -> None:
        super().__init__(inner.endpoints, inner.session.auth, retries=0)
        self.puts = 0

    def put_graph(self, graph: str, ntriples: Path, *, replace: bool) -> None:
        self.puts += 1
        if self.puts == 4:
            raise PushError("HTTP 500 (injected)", path=graph)
        super().put_graph(graph, ntriples, replace=replace)


def test_failure_midway_keeps_the_old_graphs(running: RunningStore, built: Any) -> None:
    settings, report = built
    prefix = _prefix(built)
    client = _client(running)
    store = open_read_only(settings.store_dir)
    push(client, store, build_id="ok", prefix=prefix, chunk=4000)
    assert _live(client, prefix) == report.graph_triples

    failing = _FailingClient(client)
    with pytest.raises(PushError, match="injected"):
        push(failing, _altered(store, prefix), build_id="bad", prefix=prefix, chunk=4000)
    assert failing.puts == 4, "the failure came midway, after three graphs were staged"
    assert _live(client, prefix) == report.graph_triples


def test_store_failing_midway_over_http(running: RunningStore, built: Any) -> None:
    """Through a proxy that answers the fourth upload with HTTP 500: the push fails with one
    error and the old graphs stay; a 503 is retried and the push goes through."""
    settings, report = built
    prefix = _prefix(built)
    store = open_read_only(settings.store_dir)
    client = _client(running)
    push(client, store, build_id="ok", prefix=prefix, chunk=4000)
    altered = _altered(store, prefix)
    with faulty_proxy(running.url, {4: 500}) as url:
        proxied = _client(RunningStore(running.kind, url, running.user, running.password))
        with pytest.raises(PushError, match="HTTP 500"):
            push(proxied, altered, build_id="bad", prefix=prefix, chunk=4000)
    assert _live(client, prefix) == report.graph_triples
    with faulty_proxy(running.url, {2: 503}) as url:
        proxied = _client(RunningStore(running.kind, url, running.user, running.password))
        push(proxied, altered, build_id="retried", prefix=prefix, chunk=4000)
    assert _live(client, prefix) == {g: n + 1 for g, n in report.graph_triples.items()} | {
        prefix + "retired": 1
    }


def test_cli_push_and_errors(
    running: RunningStore, built: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings, report = built
    if running.user:
        monkeypatch.setenv("DLKG_PUSH_USER", running.user)
        monkeypatch.setenv("DLKG_PUSH_PASSWORD", running.password or "")
    base = ["--build-dir", str(settings.build_dir), "--base-iri", settings.base_iri]
    args = [*base, "push", running.url, "--store", running.kind, "-q"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for graph, count in report.graph_triples.items():
        assert f"{count:>9}  {graph}" in result.output
    other = "move" if running.kind == "oxigraph" else "delta"  # not the store's default
    again = CliRunner().invoke(main, [*args, "--switch", other])
    assert again.exit_code == 0, again.output
    assert _live(_client(running), _prefix(built)) == report.graph_triples
    wrong = CliRunner().invoke(main, [*args, "--switch", "copy"])
    assert wrong.exit_code == 2 and "--switch" in wrong.output
    if running.user:  # a wrong password is one line and exit code 4, the old graphs kept
        monkeypatch.setenv("DLKG_PUSH_PASSWORD", "wrong")
        refused = CliRunner().invoke(main, args)
        assert refused.exit_code == 4
        assert "HTTP 401" in refused.output
        assert _live(_client(running), _prefix(built)) == report.graph_triples


def test_unreachable_store_is_one_line(built: Any) -> None:
    settings, _ = built
    args = ["--build-dir", str(settings.build_dir), "push", "http://127.0.0.1:9", "--retries", "0"]
    result = CliRunner().invoke(main, [*args, "-q"])
    assert result.exit_code == 4
    assert result.output.count("\n") == 1 and "ConnectionError" in result.output


def test_auth_from_environment() -> None:
    assert auth_from_env("basic", {}) is None
    assert isinstance(auth_from_env("digest", {"DLKG_PUSH_USER": "u", "DLKG_PUSH_PASSWORD": "p"}),
                      HTTPDigestAuth)  # fmt: skip
    bearer = auth_from_env("basic", {"DLKG_PUSH_TOKEN": "t0k"})
    assert bearer is not None
    with pytest.raises(PushError, match="DLKG_PUSH_PASSWORD"):
        auth_from_env("basic", {"DLKG_PUSH_USER": "u"})


def test_switch_updates_text() -> None:
    """One update (one transaction) per graph, then one per graph the new build lacks."""
    updates = switch_updates(
        ["http://x/g/a", "http://x/g/old"], {"http://x/g/a": 3, "http://x/g/e": 0}, "b7"
    )
    assert updates == [
        ("http://x/g/a", "DROP SILENT GRAPH <http://x/g/a> ;\nMOVE <http://x/g/a?dlkg-push=b7> TO <http://x/g/a>"),
        ("http://x/g/e", "DROP SILENT GRAPH <http://x/g/e>"),  # empty in the new build
        ("http://x/g/old", "DROP SILENT GRAPH <http://x/g/old>"),
    ]  # fmt: skip
    with pytest.raises(PushError, match="plain IRI"):
        switch_updates([], {"http://x/g/a> } ; DROP ALL ; #": 1}, "b")


def test_switch_updates_delta_form() -> None:
    updates = switch_updates(
        ["http://x/g/a", "http://x/g/old"], {"http://x/g/a": 3, "http://x/g/e": 0}, "b7", "delta"
    )
    live, staged = (
        "GRAPH <http://x/g/a> { ?s ?p ?o }",
        "GRAPH <http://x/g/a?dlkg-push=b7> { ?s ?p ?o }",
    )
    assert [(g, u.split(" ;\n")) for g, u in updates] == [
        ("http://x/g/a", [
            f"DELETE {{ {live} }} WHERE {{ {live} FILTER NOT EXISTS {{ {staged} }} }}",
            f"INSERT {{ {live} }} WHERE {{ {staged} FILTER NOT EXISTS {{ {live} }} }}",
        ]),
        ("http://x/g/e", [
            "DELETE WHERE { GRAPH <http://x/g/e> { ?s ?p ?o } }", "DROP SILENT GRAPH <http://x/g/e>"
        ]),
        ("http://x/g/old", [
            "DELETE WHERE { GRAPH <http://x/g/old> { ?s ?p ?o } }", "DROP SILENT GRAPH <http://x/g/old>"
        ]),
    ]  # fmt: skip
    assert batch_delete("http://x/g/s", 10) == (
        "DELETE { GRAPH <http://x/g/s> { ?s ?p ?o } } "
        "WHERE { SELECT ?s ?p ?o WHERE { GRAPH <http://x/g/s> { ?s ?p ?o } } LIMIT 10 }"
    )


class _RecordingClient(Client):
    """Keeps the text of every SPARQL Update it sends."""

    def __init__(self, inner: Client) -> None:
        super().__init__(inner.endpoints, inner.session.auth, retries=0)
        self.updates: list[str] = []

    def update(self, sparql: str, *, repeatable: bool) -> None:
        self.updates.append(sparql)
        super().update(sparql, repeatable=repeatable)


def _switched(update: str) -> str | None:
    """The live graph a switch update fills, or None for any other update."""
    last = update.split(" ;\n")[-1]
    for head in ("INSERT { GRAPH <", "MOVE <"):  # the delta's INSERT comes last
        if last.startswith(head):
            return last.removeprefix(head).split(">")[0].split(STAGING_MARK)[0]
    return None


def test_oxigraph_switch_writes_the_difference_per_graph_and_drops_staging_in_batches(
    built: Any, tmp_path: Path
) -> None:
    """The switch is one update per graph (a transaction of one graph, not of the build: at
    x100 the one-update switch of 2.6M triples passed 5.5 GB in the Oxigraph server). Oxigraph
    writes only the difference instead of MOVE, and each staging graph then goes in deletes of
    at most `chunk` triples, each its own transaction."""
    settings, report = built
    prefix = _prefix(built)
    store = open_read_only(settings.store_dir)
    with oxigraph_server(tmp_path / "oxigraph") as running:
        client = _RecordingClient(_client(running))
        push(client, _altered(store, prefix), build_id="b1", prefix=prefix, chunk=4000)
        client.updates.clear()
        push(client, store, build_id="b2", prefix=prefix, chunk=4000)
        filled = [_switched(u) for u in client.updates if _switched(u)]
        nonempty = sorted(g for g, n in report.graph_triples.items() if n)
        assert filled == nonempty  # one update each, in order
        assert not [u for u in client.updates if "MOVE" in u]
        for graph in nonempty:  # after its switch: ceil-less batches of 4000, then the DROP
            at = next(i for i, u in enumerate(client.updates) if _switched(u) == graph)
            staged = staging_name(graph, "b2")
            batches = report.graph_triples[graph] // 4000
            following = client.updates[at + 1 : at + 2 + batches]
            assert following[:batches] == [batch_delete(staged, 4000)] * batches
            assert following[-1].endswith(f"DROP SILENT GRAPH <{staged}>")
        assert _live(client, prefix) == report.graph_triples


class _SwitchFailingClient(Client):
    """Refuses the third switch update, as a store failing during the switch would."""

    def __init__(self, inner: Client) -> None:
        super().__init__(inner.endpoints, inner.session.auth, retries=0)
        self.switches = 0

    def update(self, sparql: str, *, repeatable: bool) -> None:
        if _switched(sparql):
            self.switches += 1
            if self.switches == 3:
                raise PushError("HTTP 500 (injected)")
        super().update(sparql, repeatable=repeatable)


def test_failure_during_the_switch_leaves_each_graph_whole(
    running: RunningStore, built: Any
) -> None:
    """A failure between two graphs' switches: two graphs hold the new build, the rest the old
    one, each whole; the error says so, and pushing again finishes the switch."""
    settings, report = built
    prefix = _prefix(built)
    client = _client(running)
    store = open_read_only(settings.store_dir)
    old = push(client, _altered(store, prefix), build_id="old", prefix=prefix, chunk=4000)
    with pytest.raises(PushError, match=r"after 2 of .* push again to finish") as failed:
        push(_SwitchFailingClient(client), store, build_id="new", prefix=prefix, chunk=4000)
    assert "\n" not in str(failed.value)
    found = {g: n for g, n in store_graphs(client, prefix).items() if STAGING_MARK not in g}
    nonempty = sorted(g for g, n in report.graph_triples.items() if n)
    assert {g: found[g] for g in nonempty[:2]} == {g: report.graph_triples[g] for g in nonempty[:2]}
    assert {g: found[g] for g in nonempty[2:]} == {g: old.counts[g] for g in nonempty[2:]}
    push(client, store, build_id="again", prefix=prefix, chunk=4000)
    assert _live(client, prefix) == report.graph_triples


def test_a_switch_virtuoso_refuses_leaves_the_old_graphs_and_names_the_setting(
    built: Any, tmp_path: Path
) -> None:
    """Virtuoso aborts a transaction that changes more than TransactionAfterImageLimit bytes
    (SR325): an x100 build's switch did at the default 50 MB. Here a tiny limit makes the real
    build's switch too big while a small previous build's switch fits."""
    settings, _ = built
    prefix = _prefix(built)
    store = open_read_only(settings.store_dir)
    small = ox.Store()
    for graph in store.named_graphs():
        note = ox.NamedNode("https://example.org/previous-build")
        small.add(ox.Quad(note, note, ox.Literal(graph.value), graph))
    with virtuoso_server(tmp_path / "virtuoso", after_image=200_000) as running:
        client = _client(running)
        before = push(client, small, build_id="small", prefix=prefix, chunk=200)
        with pytest.raises(PushError) as refused:
            push(client, store, build_id="real", prefix=prefix, chunk=200)
        message = str(refused.value)
        assert "SR325" in message and "TransactionAfterImageLimit" in message
        assert "\n" not in message
        assert "push again" in message
        live = {g: n for g, n in store_graphs(client, prefix).items() if STAGING_MARK not in g}
        new = build_graphs(store, prefix)
        # One graph per transaction: graphs switched before the refused one hold the new build,
        # the others the previous one, every graph whole.
        assert all(live.get(g, 0) in (n, new[g]) for g, n in before.counts.items()), live
        assert [g for g, n in before.counts.items() if live.get(g, 0) == n and n != new[g]]


def _graph_triples(url: str, graph: str) -> set[ox.Triple]:
    answer = requests.get(
        f"{url}/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}
    )
    answer.raise_for_status()
    return {q.triple for q in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)}


def test_oxigraph_delta_switch_leaves_exactly_the_new_triples(tmp_path: Path) -> None:
    """The delta switch compares RDF terms, not values: literals equal in value but not in
    form (integer `1` and decimal `1.0`, `@en` and `@en-gb`) are different triples, and after
    replacing, the live graph holds the new build's triples exactly, in both directions.
    (Oxigraph stores numbers by value, `"1.0"^^xsd:decimal` comes back as `"1"`: the
    expected triples are read back from an embedded store of the same engine.)"""
    prefix = "https://example.org/graph/"
    g = ox.NamedNode(prefix + "g")
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    shared: list[ox.Literal | ox.NamedNode] = [
        ox.Literal("kept"),
        ox.NamedNode("https://example.org/kept"),
    ]
    old_only = [ox.Literal("1", datatype=integer), ox.Literal("a", language="en"), ox.Literal("x")]
    new_only = [ox.Literal("1.0", datatype=decimal), ox.Literal("a", language="en-gb")]
    builds: dict[str, ox.Store] = {}
    for name, objects in (("old", shared + old_only), ("new", shared + new_only)):
        builds[name] = ox.Store()
        builds[name].extend(ox.Quad(s, p, o, g) for o in objects)
    with oxigraph_server(tmp_path / "oxigraph") as running:
        client = _RecordingClient(_client(running))
        push(client, builds["old"], build_id="old", prefix=prefix)
        assert _graph_triples(running.url, g.value) == {q.triple for q in builds["old"]}
        push(client, builds["new"], build_id="new", prefix=prefix)
        assert any("FILTER NOT EXISTS" in u for u in client.updates)
        assert _graph_triples(running.url, g.value) == {q.triple for q in builds["new"]}
        assert _live(client, prefix) == {g.value: 4}


def test_virtuoso_delta_switch_repushes_within_the_after_image_limit(
    built: Any, tmp_path: Path
) -> None:
    """Re-pushing a build the store already holds: MOVE rewrites every triple of a graph in one
    transaction, and a Virtuoso with a tiny TransactionAfterImageLimit refuses it (SR325); the
    delta switch writes only what differs and goes through, every graph then the build's."""
    settings, report = built
    prefix = _prefix(built)
    store = open_read_only(settings.store_dir)
    folder = tmp_path / "virtuoso"
    with virtuoso_server(folder) as running:  # the default test limit: the first push fits
        push(_client(running), store, build_id="first", prefix=prefix, chunk=200)
    with virtuoso_server(folder, after_image=200_000) as running:  # same database, tiny limit
        client = _client(running)
        assert _live(client, prefix) == report.graph_triples
        with pytest.raises(PushError, match="SR325"):
            push(client, store, build_id="moved", prefix=prefix, chunk=200)
        delta = Client(replace(client.endpoints, switch="delta"), client.session.auth, retries=1)
        result = push(delta, store, build_id="delta", prefix=prefix, chunk=200)
        assert result.counts == report.graph_triples
        assert _live(client, prefix) == report.graph_triples


def _clear(client: Client, prefix: str) -> None:
    """An empty store under `prefix`, as before a first push."""
    for graph in store_graphs(client, prefix):
        client.update(f"DROP SILENT GRAPH <{graph}>", repeatable=True)
    assert not store_graphs(client, prefix)


def test_direct_new_graphs_skip_staging_and_switch(running: RunningStore, built: Any) -> None:
    """`new_graphs="direct"`: a first push uploads every graph under its own name and runs no
    switch update; a later push replaces the graphs the store holds through the switch and
    uploads only the new one directly."""
    settings, report = built
    prefix = _prefix(built)
    store = open_read_only(settings.store_dir)
    client = _RecordingClient(_client(running))
    _clear(client, prefix)
    client.updates.clear()
    first = push(client, store, build_id="d1", prefix=prefix, chunk=4000, new_graphs="direct")
    assert first.direct == sorted(g for g, n in report.graph_triples.items() if n)
    assert not [u for u in client.updates if _switched(u)], "no switch for new graphs"
    assert _live(client, prefix) == report.graph_triples  # marker gone too

    client.updates.clear()
    altered = _altered(store, prefix)
    second = push(client, altered, build_id="d2", prefix=prefix, chunk=4000, new_graphs="direct")
    assert second.direct == [prefix + "retired"]
    filled = sorted(g for u in client.updates if (g := _switched(u)))
    assert filled == sorted(g for g, n in report.graph_triples.items() if n)
    assert _live(client, prefix) == {g: n + 1 for g, n in report.graph_triples.items()} | {
        prefix + "retired": 1
    }
    third = push(client, store, build_id="d3", prefix=prefix, chunk=4000, new_graphs="direct")
    assert third.direct == [] and third.dropped == [prefix + "retired"]
    assert _live(client, prefix) == report.graph_triples


def test_direct_first_push_by_bulk_method(built: Any, tmp_path: Path) -> None:
    """`--method bulk --new-graphs direct`: N-Quads naming the live graphs, POSTed to the
    store's dataset endpoint (Oxigraph's `/store`; Virtuoso has none)."""
    settings, report = built
    prefix = _prefix(built)
    store = open_read_only(settings.store_dir)
    with oxigraph_server(tmp_path / "oxigraph") as running:
        client = _client(running)
        result = push(
            client,
            store,
            build_id="db",
            prefix=prefix,
            method="bulk",
            chunk=4000,
            new_graphs="direct",
        )
        assert result.direct == sorted(g for g, n in report.graph_triples.items() if n)
        assert _live(client, prefix) == report.graph_triples


def test_direct_push_failing_midway_leaves_no_new_graph(running: RunningStore, built: Any) -> None:
    """A direct first push refused at its fourth request (the marker, then three chunks) drops
    what it uploaded: the store holds nothing under the prefix, as before."""
    settings, _ = built
    prefix = _prefix(built)
    client = _client(running)
    _clear(client, prefix)
    failing = _FailingClient(client)
    store = open_read_only(settings.store_dir)
    with pytest.raises(PushError, match="injected"):
        push(failing, store, build_id="df", prefix=prefix, chunk=4000, new_graphs="direct")
    assert failing.puts == 4
    assert store_graphs(client, prefix) == {}


def test_a_killed_direct_push_is_cleaned_up_by_the_next(
    running: RunningStore, built: Any, tmp_path: Path
) -> None:
    """What a direct push killed midway leaves (its marker, and a graph with part of its
    triples under the live name) is dropped by the next push, which then uploads the graph
    whole: the partial graph is not mistaken for a live one to replace."""
    settings, report = built
    prefix = _prefix(built)
    client = _client(running)
    _clear(client, prefix)
    entities = prefix + "entities"
    marker = staging_name(prefix + DIRECT_MARKER, "killed")
    listed = tmp_path / "marker.nt"
    listed.write_text(f"<{entities}> <http://www.w3.org/ns/prov#wasGeneratedBy> <{marker}> .\n")
    client.put_graph(marker, listed, replace=True)
    store = open_read_only(settings.store_dir)
    part = list(store.quads_for_pattern(None, None, None, ox.NamedNode(entities)))[:100]
    ox.serialize([q.triple for q in part], str(tmp_path / "part.nt"), format=ox.RdfFormat.N_TRIPLES)
    client.put_graph(entities, tmp_path / "part.nt", replace=True)
    assert store_graphs(client, prefix) == {marker: 1, entities: 100}

    result = push(client, store, build_id="after", prefix=prefix, chunk=4000, new_graphs="direct")
    assert entities in result.direct  # uploaded as new, not switched from the partial graph
    assert _live(client, prefix) == report.graph_triples


def test_cli_push_new_graphs_direct(
    running: RunningStore, built: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, report = built
    if running.user:
        monkeypatch.setenv("DLKG_PUSH_USER", running.user)
        monkeypatch.setenv("DLKG_PUSH_PASSWORD", running.password or "")
    _clear(_client(running), _prefix(built))
    base = ["--build-dir", str(settings.build_dir), "--base-iri", settings.base_iri]
    args = [*base, "push", running.url, "--store", running.kind, "-q", "--new-graphs", "direct"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    new = sum(1 for n in report.graph_triples.values() if n)
    assert f"{new} new graphs uploaded directly (--new-graphs direct)" in result.output
    assert _live(_client(running), _prefix(built)) == report.graph_triples
    wrong = CliRunner().invoke(main, [*args[:-1], "sideways"])
    assert wrong.exit_code == 2 and "--new-graphs" in wrong.output
