"""The external sort and the streamed export give the bytes the in-memory versions give.

`sorted_unique` runs with run sizes so small that the lines are spread over many run files and
the k-way merge does the sorting; `export_dumps` runs with such runs over a crafted store and is
compared with the dumps made in memory (`in_memory_sorted`, `compact_dataset`, the store's own
writers), which are what export wrote before it streamed (issue 13).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from dlkg import export_jsonld, extsort
from dlkg.emit import BUILD_GRAPH
from dlkg.export import export_dumps
from dlkg.iris import IriMinter
from dlkg.jsonld import compact_dataset
from dlkg.namespaces import PREFIXES
from dlkg.resources import ontology_dir

PREFIX = b"<https://w3id.org/dlkg/paper/" + b"x" * 300  # lines that differ only after it
LINES = [
    PREFIX + b'a> <p> "1" .',
    PREFIX + b'a> <p> "1" .',  # a duplicate
    PREFIX + b'b> <p> "1" .',
    PREFIX + b'a> <p> "10" .',
    PREFIX + b'a> <p> "1\\t" .',
    '<http://x/é> <p> "蒸馏" .'.encode(),  # non-ASCII, sorted by its UTF-8 bytes
    '<http://x/e> <p> "Ω" .'.encode(),
    b'<http://x/e> <p> "\xc3\xa9" .',
    b"abc",
    b"abc\tdef",  # a tab sorts before the newline that ends each line in a run file
    b"abc def",
    b"ab",
    b"",  # blank lines are left out, as before
    b"   ",
    b"\t",
    b"_:b10 <p> <o> .",
    b"_:b1 <p> <o> .",
    b"_:b1 <p> <o> .",
    b"\xff\xfe not UTF-8 at all",
]


def _sorted_externally(lines: list[bytes], work: Path, run_bytes: int) -> bytes:
    return b"".join(line + b"\n" for line in extsort.sorted_unique(lines, work, run_bytes))


@pytest.fixture
def runs_written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the run files the sorts write (the real writer does the work)."""
    counts: list[int] = []
    real = extsort._write_run

    def counting(*args: object) -> object:
        counts.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(extsort, "_write_run", counting)
    return counts


@pytest.mark.parametrize("run_bytes", [1, 120, 400, extsort.DEFAULT_RUN_BYTES])
def test_external_sort_gives_the_in_memory_bytes(
    run_bytes: int, tmp_path: Path, runs_written: list[int]
) -> None:
    lines = LINES * 3 + list(reversed(LINES))
    expected = extsort.in_memory_sorted(b"\n".join(lines))
    assert _sorted_externally(lines, tmp_path, run_bytes) == expected
    if run_bytes < 1000:  # several runs, merged
        assert len(runs_written) >= 5, runs_written
    else:  # all in one buffer, no file
        assert runs_written == []
    assert list(tmp_path.iterdir()) == []  # the runs are anonymous and gone


def test_the_sorted_lines_are_the_distinct_non_blank_lines_in_byte_order(tmp_path: Path) -> None:
    out = _sorted_externally(LINES, tmp_path, 64).split(b"\n")[:-1]
    assert out == sorted(out) and len(out) == len(set(out))
    assert set(out) == {line for line in LINES if line.strip()}
    # compared without their newline: "abc\n" would sort after "abc\tdef\n"
    assert out.index(b"abc") < out.index(b"abc\tdef") < out.index(b"abc def")


def test_file_lines_and_write_lines_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "lines"
    with path.open("wb") as out:
        extsort.write_lines(iter(LINES), out, batch=3)
    assert path.read_bytes() == b"".join(line + b"\n" for line in LINES)
    assert list(extsort.file_lines(path)) == LINES


# A store with what the dumps' sorting has to get right: graph and subject IRIs that are
# prefixes of others (the sorts compare them with and without their <>), blank nodes, non-ASCII,
# the same triple in two graphs, triples in the default graph, and the build graph.
BASE = "https://w3id.org/dlkg/"
MINTER = IriMinter(BASE)


def _quads() -> Iterator[ox.Quad]:
    graphs = [ox.NamedNode(BASE + g) for g in ("graph/a", "graph/a/b", "graph/a-b", "graph/é")]
    graphs += [ox.NamedNode(str(MINTER.graph(BUILD_GRAPH))), ox.DefaultGraph()]
    subjects = [ox.NamedNode(BASE + s) for s in ("paper/s", "paper/s/t", "paper/s-t", "paper/sé")]
    subjects += [ox.BlankNode("b1"), ox.BlankNode("b10"), ox.BlankNode("b2")]
    name = ox.NamedNode("http://schema.org/name")
    for n, graph in enumerate(graphs):
        for m, subject in enumerate(subjects):
            yield ox.Quad(subject, name, ox.Literal("same in every graph"), graph)
            yield ox.Quad(subject, name, ox.Literal(f"{'long ' * 40}{n}-{m} 蒸馏"), graph)
            yield ox.Quad(subject, name, ox.Literal(f"v{m}", language="en"), graph)
            yield ox.Quad(subject, ox.NamedNode("http://schema.org/author"), subjects[-1], graph)


# The JSON-LD is made from node records when the scan gives each node's quads together (an
# on-disk store by its index; an in-memory store in insertion order, here grouped), and from the
# quads sorted by node when it does not (the in-memory store filled in a shuffled order).
@pytest.mark.parametrize("kind", ["on disk", "in memory, grouped", "in memory, shuffled"])
def test_streamed_export_gives_the_in_memory_dumps(
    kind: str, tmp_path: Path, runs_written: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ox.Store(str(tmp_path / "store")) if kind == "on disk" else ox.Store()
    quads = list(_quads())
    if kind == "in memory, shuffled":
        random.Random(13).shuffle(quads)  # noqa: S311 - a fixed order, not a secret
    store.extend(quads)
    ended: list[str] = []  # how each call of write_nodes ended
    real_write_nodes = export_jsonld.write_nodes

    def watched(*args: Any) -> None:
        try:
            real_write_nodes(*args)
        except export_jsonld.NodesOutOfOrderError:
            ended.append("out of order")
            raise
        ended.append("written")

    monkeypatch.setattr(export_jsonld, "write_nodes", watched)
    context_path = ontology_dir() / "context.jsonld"
    out = tmp_path / "dumps"
    dumps = export_dumps(store, out, minter=MINTER, context_path=context_path, run_bytes=300)
    # the N-Quads sort and the JSON-LD's sort (of quads, or of node records) over several runs
    assert len(runs_written) >= 2 * 5
    # shuffled, a node comes in several stretches: its records are left for the sorted quads
    assert ended == ["out of order" if kind == "in memory, shuffled" else "written"]

    build = ox.NamedNode(str(MINTER.graph(BUILD_GRAPH)))
    flat = [g for g in [*store.named_graphs(), ox.DefaultGraph()] if g != build]
    nt = extsort.in_memory_sorted(
        b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in flat)
    )
    prefixes = dict(PREFIXES)
    context = json.loads(context_path.read_bytes())["@context"]
    expected = {
        "dlkg.nt": nt,
        "dlkg.ttl": ox.serialize(
            ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.TURTLE,
            prefixes=prefixes,
        ),
        "dlkg.trig": store.dump(format=ox.RdfFormat.TRIG, prefixes=prefixes),
        "dlkg.nq": extsort.in_memory_sorted(store.dump(format=ox.RdfFormat.N_QUADS)),
        "dlkg.jsonld": compact_dataset(
            list(store), context, str(MINTER.download("context.jsonld"))
        ),
        "context.jsonld": context_path.read_bytes(),
    }
    for name, data in expected.items():
        assert (out / name).read_bytes() == data, name
    assert [d.file_name for d in dumps] == list(expected)
    assert {p.name for p in out.iterdir()} == {*expected, "SHA256SUMS"}  # no work files left
    assert all((p.stat().st_mode & 0o777) == 0o644 for p in out.iterdir())
    sums = (out / "SHA256SUMS").read_text(encoding="ascii")
    assert sums == "".join(f"{d.sha256}  {d.file_name}\n" for d in dumps)
