"""`dlkg push`: load the current build into a SPARQL store that already runs.

The switch replaces the previous build's graphs one graph at a time, each graph in one SPARQL
Update (one transaction), so a client never sees half of a graph, no transaction is bigger than
the biggest graph, and a failed upload leaves the old graphs as they were:

1. every named graph of the build is uploaded under a staging name `<graph>?dlkg-push=<build>`
   (GSP: a PUT of the first chunk of N-Triples, POSTs of the rest; or, `--method bulk`, N-Quads
   POSTed to the store's dataset endpoint), each request at most `chunk` triples;
2. the staging graphs' triple counts are checked against the build's;
3. per graph, one update `DROP SILENT GRAPH <live> ; MOVE <staging> TO <live>`; then one
   update per live graph of the previous build that this build no longer has, dropping it.
   On Oxigraph (`Endpoints.switch == "delta"`, `--switch delta` elsewhere) the update writes
   only the difference: it deletes the live triples the staging graph lacks and inserts the
   staged triples the live graph lacks (`FILTER NOT EXISTS`), and the staging graph is then
   deleted in updates of at most `chunk` triples. An Oxigraph transaction holds every triple
   it writes in memory (0.5 KB per copied triple, 2 KB per replaced one: docs/scale.md), so
   replacing a graph by a copy of itself plus a few changes costs what the changes cost, not
   what the graph does; MOVE there also deletes the source in the same transaction. One
   update with every graph (what the push did before) was a transaction of the whole build:
   at x100 the Oxigraph server passed 5.5 GB in it;
4. the live graphs' counts are checked.

With `new_graphs="direct"` (`dlkg push --new-graphs direct`) a graph the store does not hold
yet skips steps 1-3: it is uploaded under its own name, each request one transaction of at most
`chunk` triples, so a first push of a graph bigger than one transaction can hold (Oxigraph at
x1000: the 10M-triple `entities` graph) goes through. A client sees such a graph fill while it
uploads; the graphs the store already holds are still replaced whole. A marker graph lists
the graphs being uploaded directly until their counts are checked: a failure drops them, and
a push killed before that is cleaned up by the next push, which drops the graphs its marker
lists (they were absent before it).

During step 3 a client may see some graphs of the new build beside others of the previous one
(each whole). A failure before step 3 drops the staging graphs (best effort) and leaves the
live ones untouched; a failure during step 3 leaves every graph old or new, whole, and says so:
pushing again finishes it. Staging graphs a killed push left behind are dropped by the next
push. The push only touches graphs under the build's graph prefix (`<base>graph/`).
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .prefixes import PREFIXES
from .push_http import Client, PushError

STAGING_MARK = "?dlkg-push="
DIRECT_MARKER = "push-direct"  # under the prefix, with the staging mark: the next push drops it
_GENERATED_BY = PREFIXES["prov"] + "wasGeneratedBy"
OnProgress = Callable[[str, int, int], None]  # (graph, triples sent, triples in graph)


@dataclass
class PushResult:
    build_id: str
    counts: dict[str, int]  # live graph -> triples, as counted in the store after the switch
    dropped: list[str] = field(default_factory=list)  # live graphs the new build no longer has
    direct: list[str] = field(default_factory=list)  # uploaded under their own names (new ones)
    seconds: dict[str, float] = field(default_factory=dict)  # upload, check, switch


def staging_name(graph: str, build_id: str) -> str:
    return f"{graph}{STAGING_MARK}{build_id}"


def _iri(term: str) -> str:
    if any(c in term for c in '<>"{}|^`\\ \n'):
        raise PushError(f"graph name is not a plain IRI: {term!r}")
    return f"<{term}>"


def _chunks(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for quad in quads:
        chunk.append(quad.triple)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build_graphs(store: ox.Store, prefix: str) -> dict[str, int]:
    """The build's named graphs and their sizes; every quad must be in a graph under `prefix`."""
    if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        raise PushError("the build has triples in the default graph; only named graphs are pushed")
    # Counted by the store's own aggregate: iterating the quads in Python took 20 s at x100.
    counts = {graph.value: 0 for graph in store.named_graphs() if isinstance(graph, ox.NamedNode)}
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        graph, n = row["g"], row["n"]
        assert isinstance(graph, ox.NamedNode) and isinstance(n, ox.Literal), "IRI graphs only"
        counts[graph.value] = int(n.value)
    for graph_name in counts:
        if not graph_name.startswith(prefix):
            raise PushError(f"graph {graph_name} is not under the push prefix {prefix}")
    return dict(sorted(counts.items()))


def store_graphs(client: Client, prefix: str) -> dict[str, int]:
    """Graphs under `prefix` in the store, live and staging, with their triple counts."""
    rows = client.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }} GROUP BY ?g'
    )
    return {row["g"]: int(row["n"]) for row in rows}


def _drop_ops(graph: str, form: str) -> list[str]:
    """Operations that remove a graph. Oxigraph ("delta" form) drops a graph triple by triple
    2-6x slower than it runs `DELETE WHERE` on it (200k triples: 26-71 s against 11-12 s), so
    there the triples go first and the DROP only removes the then empty name."""
    drop = f"DROP SILENT GRAPH {_iri(graph)}"
    return (
        [f"DELETE WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}", drop]
        if form == "delta"
        else [drop]
    )


def batch_delete(graph: str, batch: int) -> str:
    """One update deleting at most `batch` triples of `graph`: a graph no reader sees (staging)
    is emptied in transactions of bounded size instead of one the size of the graph."""
    g = _iri(graph)
    return (
        f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} "
        f"WHERE {{ SELECT ?s ?p ?o WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }} LIMIT {batch} }}"
    )


def _drop(client: Client, graphs: dict[str, int], batch: int) -> None:
    """Drop staging graphs (graph -> triples it holds): no reader sees them, so they go in
    updates of at most `batch` triples each, then one DROP of the (then empty) name."""
    for graph, count in sorted(graphs.items()):
        for _ in range(count // batch):
            client.update(batch_delete(graph, batch), repeatable=True)
        ops = _drop_ops(graph, client.endpoints.switch)
        client.update(" ;\n".join(ops), repeatable=True)


def _upload_gsp(
    client: Client,
    store: ox.Store,
    graph: str,
    target: str,
    chunk: int,
    tmp: Path,
    on_progress: OnProgress,
    total: int,
) -> None:
    sent = 0
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    for i, triples in enumerate(_chunks(quads, chunk)):
        path = tmp / "chunk.nt"
        ox.serialize(triples, str(path), format=ox.RdfFormat.N_TRIPLES)
        client.put_graph(target, path, replace=i == 0)  # PUT first: a re-run starts clean
        sent += len(triples)
        on_progress(graph, sent, total)


def _upload_bulk(
    client: Client,
    store: ox.Store,
    targets: dict[str, str],
    counts: dict[str, int],
    chunk: int,
    tmp: Path,
    on_progress: OnProgress,
) -> None:
    for graph, target in targets.items():
        total = counts[graph]
        into = ox.NamedNode(target)  # the staging name, or the live one for a direct graph
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        sent = 0
        for triples in _chunks(quads, chunk):
            path = tmp / "chunk.nq"
            ox.serialize(
                [ox.Quad(t.subject, t.predicate, t.object, into) for t in triples],
                str(path),
                format=ox.RdfFormat.N_QUADS,
            )
            client.post_quads(path)
            sent += len(triples)
            on_progress(graph, sent, total)


def switch_updates(
    live: Iterable[str], new: dict[str, int], build_id: str, form: str = "move"
) -> list[tuple[str, str]]:
    """(graph, update) pairs that replace the previous build's graphs by this build's, one
    SPARQL Update (one transaction) per graph: each graph is replaced whole, and no transaction
    is bigger than the biggest graph. Then one update per graph the new build no longer has.
    `form` "delta" writes only the triples that differ and leaves the staging graphs in place
    (see the module docstring)."""
    updates = []
    for graph, count in sorted(new.items()):
        if not count:  # an empty graph has no staging graph to MOVE, and MOVE of none fails
            updates.append((graph, " ;\n".join(_drop_ops(graph, form))))
        elif form == "delta":
            updates.append((graph, " ;\n".join(_delta_ops(graph, build_id))))
        else:
            staged, target = _iri(staging_name(graph, build_id)), _iri(graph)
            updates.append((graph, f"DROP SILENT GRAPH {target} ;\nMOVE {staged} TO {target}"))
    for graph in sorted(set(live) - set(new)):
        updates.append((graph, " ;\n".join(_drop_ops(graph, form))))
    return updates


def _delta_ops(graph: str, build_id: str) -> list[str]:
    """Make `graph` equal its staging graph by writing only the triples that differ. The
    second operation sees the first's result (SPARQL Update runs a request's operations in
    order), and pattern matching compares RDF terms, not values, so the graph ends up holding
    exactly the staged triples. A blank node never matches across the two graphs, so triples
    with one would be rewritten whole (still correct; the build mints none)."""
    staged, target = _iri(staging_name(graph, build_id)), _iri(graph)

    def only_in(a: str, b: str) -> str:
        missing = f"FILTER NOT EXISTS {{ GRAPH {b} {{ ?s ?p ?o }} }}"
        return f"WHERE {{ GRAPH {a} {{ ?s ?p ?o }} {missing} }}"

    return [
        f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} {only_in(target, staged)}",
        f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} {only_in(staged, target)}",
    ]


def push(
    client: Client,
    store: ox.Store,
    *,
    build_id: str,
    prefix: str,
    method: str = "gsp",
    chunk: int = 200_000,
    new_graphs: str = "staged",
    on_progress: OnProgress | None = None,
) -> PushResult:
    """Push the build in `store` (see the module docstring); raise PushError on failure."""
    progress = on_progress or (lambda _g, _s, _t: None)
    counts = build_graphs(store, prefix)
    if not counts:
        raise PushError("the build has no named graphs to push")
    before = store_graphs(client, prefix)
    leftovers = {g: n for g, n in before.items() if STAGING_MARK in g}
    # Graphs a killed direct push was filling: absent before it, so dropped, not kept as live.
    unfinished = _listed_by_markers(client, prefix, leftovers)
    _drop(client, {g: before[g] for g in unfinished if g in before} | leftovers, chunk)
    live = [g for g in before if STAGING_MARK not in g and g not in unfinished]
    direct = [g for g, n in counts.items() if n and g not in live] if new_graphs == "direct" else []
    targets = {g: g if g in direct else staging_name(g, build_id) for g in counts}
    marker = staging_name(prefix + DIRECT_MARKER, build_id)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="dlkg-push-") as tmp:
            if direct:
                _write_marker(client, marker, direct, Path(tmp))
            if method == "bulk":
                _upload_bulk(client, store, targets, counts, chunk, Path(tmp), progress)
            else:
                for graph, target in targets.items():
                    total = counts[graph]
                    _upload_gsp(client, store, graph, target, chunk, Path(tmp), progress, total)
        seconds["upload"] = time.perf_counter() - start
        found = store_graphs(client, prefix)
        seconds["check"] = time.perf_counter() - start - seconds["upload"]
        wrong = [
            f"{g}: {found.get(targets[g], 0)} of {n}"
            for g, n in counts.items()
            if found.get(targets[g], 0) != n
        ]
        if wrong:
            raise PushError(f"uploaded graphs hold the wrong number of triples: {'; '.join(wrong)}")
        if direct:  # they are complete: from now on they are live graphs like any other
            _drop(client, {marker: len(direct)}, chunk)
    except BaseException:
        # Best effort: the next push drops them; the live graphs are untouched either way.
        with contextlib.suppress(PushError):
            _drop(client, {t: counts[g] for g, t in targets.items()}, chunk)
            if direct:
                _drop(client, {marker: len(direct)}, chunk)
        raise
    staged = {g: n for g, n in counts.items() if g not in direct}
    _switch(client, live, staged, build_id, chunk, seconds)
    after = store_graphs(client, prefix)
    mismatched = [g for g, n in counts.items() if after.get(g, 0) != n]
    if mismatched:
        raise PushError(
            f"after the switch {len(mismatched)} graphs do not hold this build's triples "
            f"(first: {mismatched[0]}: {after.get(mismatched[0], 0)} of {counts[mismatched[0]]})"
        )
    dropped = sorted(set(live) - set(counts))
    counted = {g: after.get(g, 0) for g in counts}
    return PushResult(build_id, counted, dropped, direct=sorted(direct), seconds=seconds)


def _write_marker(client: Client, marker: str, graphs: list[str], tmp: Path) -> None:
    """Record the graphs about to be uploaded directly, before any of them is: if the push is
    killed, the next one finds this staging graph and drops them (`_listed_by_markers`)."""
    path = tmp / "marker.nt"
    by = ox.NamedNode(_GENERATED_BY)
    triples = [ox.Triple(ox.NamedNode(g), by, ox.NamedNode(marker)) for g in graphs]
    ox.serialize(triples, str(path), format=ox.RdfFormat.N_TRIPLES)
    client.put_graph(marker, path, replace=True)


def _listed_by_markers(client: Client, prefix: str, leftovers: dict[str, int]) -> set[str]:
    """The graphs that the markers among `leftovers` (staging graphs a killed push left) list."""
    listed: set[str] = set()
    for graph in leftovers:
        if graph.startswith(prefix + DIRECT_MARKER + STAGING_MARK):
            rows = client.select(f"SELECT ?g WHERE {{ GRAPH {_iri(graph)} {{ ?g ?by ?push }} }}")
            listed.update(row["g"] for row in rows if row["g"].startswith(prefix))
    return listed


def _switch(
    client: Client,
    live: list[str],
    counts: dict[str, int],
    build_id: str,
    batch: int,
    seconds: dict[str, float],
) -> None:
    """Run the switch, one update per graph. On Oxigraph each staging graph is deleted (in
    updates of at most `batch` triples) right after its switch, so only one graph at a time is
    held both under its staging name and its live name. An update is not retried: if its
    answer is lost after the store applied it, a second MOVE would find no staging graph; the
    live counts tell, and pushing again finishes the switch either way."""
    form = client.endpoints.switch
    updates = switch_updates(live, counts, build_id, form)
    start = time.perf_counter()
    for done, (graph, update) in enumerate(updates):
        began = time.perf_counter()
        try:
            client.update(update, repeatable=False)
        except PushError as exc:
            raise PushError(
                f"the switch failed at graph {graph} after {done} of {len(updates)} graphs "
                f"were replaced ({exc}); every graph holds either the previous build or this "
                f"one, whole; push again to finish{_hint(str(exc), counts.get(graph, 0))}"
            ) from None
        seconds[f"switch {graph.rsplit('/', 1)[-1]}"] = time.perf_counter() - began
        if form == "delta" and counts.get(graph):
            began = time.perf_counter()
            with contextlib.suppress(PushError):  # left over, the next push drops them
                name = staging_name(graph, build_id)
                _drop(client, {name: counts[graph]}, batch)
            seconds["drop staging"] = seconds.get("drop staging", 0.0) + (
                time.perf_counter() - began
            )
    seconds["switch"] = time.perf_counter() - start - seconds.get("drop staging", 0.0)


def _hint(failure: str, triples: int) -> str:
    """What an operator can do about a store's known refusals of a big switch."""
    if "SR325" in failure:  # Virtuoso: the transaction's after-image passed its limit
        return (
            f". Virtuoso refuses to change {triples} triples in one transaction: raise "
            "TransactionAfterImageLimit in the [Parameters] of virtuoso.ini, or, when the store "
            "holds a build close to this one, push with --switch delta (docs/scale.md)"
        )
    return ""
