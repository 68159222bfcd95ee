"""The lines the sorted dumps are made of, from one scan of the store, in chunks.

A full scan of an on-disk store costs far more than any serialising (it looks up every term's
text; issue 13), so the store is scanned once: `scan` writes its N-Quads, in store order,
into export's work folder. The TriG is that file parsed and written again (`scan`: the same
quads in the same order as the store's own TriG writer, so the same bytes), which also tells
where each graph's lines are; `split_graphs` then copies each graph's lines into a file of
its own, from which the N-Triples, N-Quads and JSON-LD dumps are sorted. Each change a dump
needs (the graph name taken off for N-Triples, the sort key of the JSON-LD) is a few
`bytes.replace` / `bytes.translate` calls over a chunk of many lines, not Python code per line.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .extsort import Block, file_chunks, lines_of

Graph = ox.NamedNode | ox.BlankNode | None  # None: the default graph
GraphFile = tuple[Graph, Path]  # a graph and the file of its N-Quads lines
Run = tuple[Graph, int]  # a graph and how many lines in a row of the store's dump are its own

_NQ = ox.RdfFormat.N_QUADS
_READ_BYTES = 1 << 20
_WAIT_S = 0.005  # how long a read of the growing dump waits for more before it looks again
_END = b" .\n"  # N-Triples lines end so, and hold no other raw newline (the writer escapes it)


def scan(
    store: ox.Store,
    work: Path,
    trig: Path,
    prefixes: dict[str, str],
    on_quad: Callable[[ox.Quad], None] | None = None,
) -> tuple[Path, list[Run]]:
    """The one scan: the store's N-Quads, in store order, into a file of the work folder, and
    the TriG written from them as they come; returns that file and the runs of lines of each
    graph in it (the N-Quads writer puts one quad on each line). `on_quad` sees every quad, in
    the store's order (export_nodes makes the JSON-LD's nodes from them).

    The store writes the file itself, in a thread (pyoxigraph lets go of the GIL for the whole
    scan when it writes to a path: written into a Python file object, every buffer it hands over
    waits for the GIL, which this thread holds while it parses); this thread reads the file as
    it grows and parses it for the TriG writer at the same time, so the two cores share the work.
    """
    path = work / "store.nq"
    path.touch()
    runs: list[list[object]] = []

    def tracked(quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
        current: object = None
        for quad in quads:
            graph = quad.graph_name
            if not runs or graph != current:
                runs.append([graph, 0])
                current = graph
            runs[-1][1] += 1  # type: ignore[operator]
            if on_quad is not None:
                on_quad(quad)
            yield quad

    done = threading.Event()
    failed: list[BaseException] = []

    def write() -> None:
        try:
            store.dump(str(path), _NQ)
        except BaseException as err:  # raised in the caller's thread, below
            failed.append(err)
        finally:
            done.set()

    writer = threading.Thread(target=write, name="dlkg-export-scan", daemon=True)
    writer.start()
    try:
        with path.open("rb", buffering=0) as growing:
            source = io.BufferedReader(_Follow(growing, done), _READ_BYTES)
            quads = tracked(ox.parse(source, format=_NQ))
            try:
                ox.serialize(quads, trig, ox.RdfFormat.TRIG, prefixes=prefixes)
            except (SyntaxError, ValueError):
                if not failed:  # a cut dump is the store's failure, raised below
                    raise
    finally:
        done.wait()  # the writer cannot be stopped: on an error here, let it finish
        writer.join()
    if failed:
        raise failed[0]
    return path, [(None if isinstance(g, ox.DefaultGraph) else g, n) for g, n in runs]  # type: ignore[misc]


class _Follow(io.RawIOBase):
    """A file that another thread is still writing, read as it grows: a read waits for more
    bytes until the writer is `done`, and only then does the end of the file mean the end."""

    def __init__(self, source: io.FileIO, done: threading.Event) -> None:
        self._source, self._done = source, done

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            finished = self._done.is_set()  # before the read: nothing is written after it
            count = self._source.readinto(buffer) or 0
            if count or finished:
                return count
            self._done.wait(_WAIT_S)


def split_graphs(dump: Path, runs: Sequence[Run], work: Path) -> list[GraphFile]:
    """Each graph's lines of the dump in a file of its own (a graph may come in several runs),
    the named graphs by name, then the default graph."""
    paths: dict[Graph, Path] = {}
    with dump.open("rb") as lines:
        for graph, count in runs:
            if graph not in paths:
                paths[graph] = work / f"graph-{len(paths)}.nq"
            with paths[graph].open("ab") as out:
                out.writelines(islice(lines, count))  # a C loop over the lines
    named = sorted((g for g in paths if g is not None), key=str)
    return [(g, paths[g]) for g in named] + ([(None, paths[None])] if None in paths else [])


def label(graph: Graph) -> bytes:
    """What ends a line of `graph` in N-Quads, as the store's own writer puts it."""
    return b" ." if graph is None else b" " + str(graph).encode("utf-8") + b" ."


def _unlabel(end: bytes, chunk: bytes) -> bytes:
    # each line of the graph ends in `end` and a newline, and nothing else does: a raw newline
    # only ends a line
    return chunk.replace(end + b"\n", _END)


def triple_blocks(files: Sequence[GraphFile]) -> Iterator[Block]:
    """The graphs' lines as N-Triples lines `s p o .`, in blocks."""
    for graph, path in files:
        edit = None if graph is None else partial(_unlabel, label(graph))
        yield from lines_of(file_chunks(path, edit))


def quad_blocks(files: Sequence[GraphFile]) -> Iterator[Block]:
    """The graphs' N-Quads lines, in blocks."""
    for _, path in files:
        yield from lines_of(file_chunks(path))


def only_named_graphs(files: Sequence[GraphFile]) -> bool:
    """Whether every quad is in a graph named by an IRI: then `triples_of_quads` applies."""
    return all(isinstance(graph, ox.NamedNode) for graph, _ in files)


def triples_of_quads(quads: Iterator[Block], leave_out: Graph) -> Iterator[Block]:
    """The sorted distinct N-Triples lines of sorted N-Quads lines that are all in graphs named
    by IRIs (`only_named_graphs`), without those of graph `leave_out`: the N-Triples dump from
    the N-Quads one, instead of a second sort of the same lines.

    Taking the label off keeps the order: two lines `A <g> .` and `B <h> .` compare as `A .`
    and `B .` do (where A is a prefix of B, both compare a space with B's next byte), and the
    copies of one triple in several graphs are next to each other.
    """
    drop = label(leave_out) if leave_out is not None else None
    previous: bytes | None = None
    for block in quads:
        kept = block if drop is None else [line for line in block if not line.endswith(drop)]
        if not kept:
            continue
        # the label is the line's last " <": an IRI holds no space and no "<"
        lines = list(dict.fromkeys([line[: line.rfind(b" <")] + b" ." for line in kept]))
        if lines[0] == previous:  # a triple's copies may straddle two blocks
            del lines[0]
        if lines:
            previous = lines[-1]
            yield lines


# The JSON-LD lists graphs by name (the default graph first) and in each graph the nodes by
# subject, compared as strings: the IRI without its <>, a blank node as `_:id` (the byte order
# of their UTF-8). Sorting N-Quads lines with every ">" made NUL and the "<" that opens a line
# dropped gives that order: a subject IRI then ends in NUL, which sorts it before any longer
# IRI it is a prefix of, and a blank subject ends in a space, below any label character. No
# IRI starts with "_" (a scheme starts with a letter), so the two kinds compare by their first
# character, as strings do. The order of one subject's lines changes, which the JSON-LD does not
# show (a node's values are sorted). No line holds a raw NUL (the writers escape controls).
_TO_KEY = bytes.maketrans(b">", b"\0")
_FROM_KEY = bytes.maketrans(b"\0", b">")


def node_order_groups(files: Sequence[GraphFile]) -> list[tuple[str, list[str]]]:
    """The graphs' files (as plain strings, for a process that has no store) by the JSON-LD's
    graph order: (graph IRI, files), the default graph's group "" first; a blank-node graph
    (dlkg makes none) is listed with the default graph."""
    groups: dict[str, list[str]] = {}
    for graph, path in files:
        key = graph.value if isinstance(graph, ox.NamedNode) else ""
        groups.setdefault(key, []).append(str(path))
    return sorted(groups.items(), key=lambda item: item[0].encode("utf-8"))


def node_order_blocks(files: Sequence[str]) -> Iterator[Block]:
    """The N-Quads lines of files, in blocks, changed so that they sort in node order."""
    for path in files:
        yield from lines_of(file_chunks(Path(path), _to_key))


def _to_key(chunk: bytes) -> bytes:
    return (b"\n" + chunk).translate(_TO_KEY).replace(b"\n<", b"\n")[1:]


def from_node_order(block: Block) -> bytes:
    """Sorted lines of `node_order_blocks` back as N-Quads text."""
    if not block:
        return b""
    text = (b"\n" + b"\n".join(block)).replace(b"\n", b"\n<").replace(b"\n<_:", b"\n_:")
    return text[1:].translate(_FROM_KEY) + b"\n"


__all__ = [
    "Graph",
    "GraphFile",
    "Run",
    "from_node_order",
    "label",
    "node_order_blocks",
    "node_order_groups",
    "only_named_graphs",
    "quad_blocks",
    "scan",
    "split_graphs",
    "triple_blocks",
    "triples_of_quads",
]
