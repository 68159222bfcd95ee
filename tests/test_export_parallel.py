"""The JSON-LD written by a second process, and the N-Triples from the N-Quads: the same bytes,
and failures as in one process.

On a big build export writes the JSON-LD in a child process (`export_jsonld.Background`) while
it sorts the other dumps (issue 13). Here the threshold is 0, so the small crafted store of
tests/test_extsort.py goes that way too; the child is a real process.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg import export, export_jsonld
from dlkg.emit import BUILD_GRAPH
from dlkg.errors import StoreError
from dlkg.export import export_dumps
from dlkg.export_child import Child
from dlkg.export_jsonld import Background
from dlkg.export_lines import node_order_groups
from dlkg.extsort import in_memory_sorted
from dlkg.resources import ontology_dir
from test_extsort import BASE, MINTER, _quads

CONTEXT = ontology_dir() / "context.jsonld"


def _store() -> ox.Store:
    store = ox.Store()
    store.extend(_quads())
    return store


def _export(store: ox.Store, out: Path, parallel_bytes: int) -> dict[str, bytes]:
    export_dumps(
        store,
        out,
        minter=MINTER,
        context_path=CONTEXT,
        run_bytes=300,
        parallel_bytes=parallel_bytes,
    )
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_the_child_process_writes_the_same_dumps(tmp_path: Path) -> None:
    store = _store()
    alone = _export(store, tmp_path / "alone", parallel_bytes=1 << 40)
    beside = _export(store, tmp_path / "beside", parallel_bytes=0)
    assert beside == alone
    assert b'"@graph"' in beside["dlkg.jsonld"]


def test_a_full_disk_in_the_child_is_an_oserror_with_its_errno(tmp_path: Path) -> None:
    # /dev/full answers every write with ENOSPC, as a full disk does
    work = tmp_path / "work"
    work.mkdir()
    graph = work / "graph-0.nq"
    graph.write_bytes(b'<http://x/s> <http://schema.org/name> "n" <http://x/g> .\n')
    child = Background(
        node_order_groups([(ox.NamedNode("http://x/g"), graph)]),
        Path("/dev/full"),
        CONTEXT,
        "https://w3id.org/dlkg/downloads/context.jsonld",
        work,
        1 << 20,
    )
    with pytest.raises(OSError) as caught:
        child.result(tmp_path / "dlkg.jsonld")
    assert caught.value.errno == errno.ENOSPC
    child.stop()  # done already: nothing to end, no error


class _OnAFullDisk(Background):
    """The real child, told to write into /dev/full instead of export's temporary file."""

    def __init__(self, groups: object, out: Path, *rest: object) -> None:
        super().__init__(groups, Path("/dev/full"), *rest)  # type: ignore[arg-type]


def test_a_failed_child_is_one_line_exit_4_and_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store()
    out = tmp_path / "dumps"
    before = _export(store, out, parallel_bytes=1 << 40)
    (out / "dlkg.jsonld").write_bytes(b"the previous JSON-LD")
    monkeypatch.setattr(export_jsonld, "Background", _OnAFullDisk)
    with pytest.raises(StoreError) as caught:
        _export(store, out, parallel_bytes=0)
    message = str(caught.value)
    # the one line an in-process write gives: the file, what failed, the system's reason
    assert message == f"{out / 'dlkg.jsonld'}: cannot write dlkg.jsonld: No space left on device"
    assert caught.value.exit_code == 4
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after["dlkg.jsonld"] == b"the previous JSON-LD"  # not replaced
    assert not [name for name in after if name.startswith(".")], sorted(after)  # no temp, no work
    # the dumps before it in the order of DUMP_FORMATS were written again, whole
    for name in ("dlkg.nt", "dlkg.ttl", "dlkg.trig", "dlkg.nq"):
        assert after[name] == before[name], name


def test_a_child_that_dies_without_a_word_is_a_store_error(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    child = Background([], tmp_path / "out.jsonld", CONTEXT, "x", work, 1 << 20)
    child._process.kill()  # our own child, as the kernel's OOM killer would
    with pytest.raises(StoreError, match=r"the JSON-LD writer stopped \(exit code -9\)"):
        child.result(tmp_path / "dlkg.jsonld")


@pytest.mark.parametrize("run_bytes", [300, 1 << 20])
def test_n_triples_from_the_n_quads_when_every_graph_is_named(
    run_bytes: int, tmp_path: Path
) -> None:
    # dlkg's builds put nothing in the default graph: then the N-Triples are the sorted
    # N-Quads without their labels (and the build graph), the same triple in two graphs once
    store = ox.Store()
    store.extend(q for q in _quads() if not isinstance(q.graph_name, ox.DefaultGraph))
    # literals that look like the end of a quad: only the last " <" of a line is its graph's
    graph, name = ox.NamedNode(BASE + "graph/a"), ox.NamedNode("http://schema.org/name")
    for text in ("a <b", "x <y> .", "<z>", "p <q> . <r> .", 'quote " <g> .'):
        store.add(ox.Quad(ox.NamedNode(BASE + "paper/s"), name, ox.Literal(text), graph))
    out = tmp_path / "dumps"
    export_dumps(store, out, minter=MINTER, context_path=CONTEXT, run_bytes=run_bytes)
    build = ox.NamedNode(str(MINTER.graph(BUILD_GRAPH)))
    flat = [g for g in store.named_graphs() if g != build]
    nt = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in flat)
    assert (out / "dlkg.nt").read_bytes() == in_memory_sorted(nt)
    nq = store.dump(format=ox.RdfFormat.N_QUADS)
    assert (out / "dlkg.nq").read_bytes() == in_memory_sorted(nq)
    assert b"same in every graph" in (out / "dlkg.nt").read_bytes()


class _TurtleOnAFullDisk(Child):
    """The real Turtle child, told to write into /dev/full instead of export's temporary file."""

    def __init__(self, kind: str, args: list[object], *, stream: bool = False) -> None:
        if kind == "turtle":
            args = ["/dev/full", *args[1:]]
        super().__init__(kind, args, stream=stream)


def test_a_failed_turtle_child_is_one_line_exit_4_and_the_old_turtle_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the Turtle child reads the N-Triples as the parent sorts them: its failure is the same
    # one-line error as a full disk in the parent, and the previous dlkg.ttl is not replaced
    store = _store()
    out = tmp_path / "dumps"
    before = _export(store, out, parallel_bytes=1 << 40)
    (out / "dlkg.ttl").write_bytes(b"the previous Turtle")
    monkeypatch.setattr(export, "Child", _TurtleOnAFullDisk)
    with pytest.raises(StoreError) as caught:
        _export(store, out, parallel_bytes=0)
    target = out / "dlkg.ttl"
    # (pyoxigraph's own writer adds "(os error 28)", in this process as in the child)
    assert str(caught.value).startswith(f"{target}: cannot write dlkg.ttl: No space left on")
    assert caught.value.exit_code == 4
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after["dlkg.ttl"] == b"the previous Turtle"
    assert after["dlkg.nt"] == before["dlkg.nt"]  # written before it, whole
    assert not [name for name in after if name.startswith(".")], sorted(after)
