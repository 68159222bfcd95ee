"""The lines the sorted dumps are made of, read from each graph's N-Triples file, in chunks.

The store is scanned once for them: every graph is dumped to its own N-Triples file in export's
work folder, and the N-Triples, N-Quads and JSON-LD dumps are sorted from those files. Each
change a dump needs (the graph name added to make N-Quads lines, the sort key of the JSON-LD)
is a few `bytes.replace` / `bytes.translate` calls over a chunk of many lines, not Python code
per line (issue 13).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from .extsort import Block, file_chunks, lines_of

Graph = ox.NamedNode | ox.BlankNode | None  # None: the default graph
GraphFile = tuple[Graph, Path]  # a graph and the file of its N-Triples
# the plain data of a graph's file, for a process that has no store: (its N-Triples file, what
# ends its N-Quads lines: " <g> ." or " ." for the default graph)
LabelledFile = tuple[str, bytes]

# N-Triples lines end in " .\n" and hold no other raw newline (the writer escapes it)
_END = b" .\n"


def graph_files(store: ox.Store, work: Path) -> list[GraphFile]:
    """Each graph's N-Triples in a file: one pass over an on-disk store, whose full scans cost
    far more than the serialising (issue 13), shared by the sorted dumps."""
    graphs: list[Graph] = [*sorted(store.named_graphs(), key=str), None]
    files = []
    for number, graph in enumerate(graphs):
        path = work / f"graph-{number}.nt"
        store.dump(path, ox.RdfFormat.N_TRIPLES, from_graph=graph or ox.DefaultGraph())
        files.append((graph, path))
    return files


def label(graph: Graph) -> bytes:
    """What ends a line of `graph` in N-Quads, as the store's own writer puts it."""
    return b" ." if graph is None else b" " + _term(graph) + b" ."


def _term(graph: ox.NamedNode | ox.BlankNode) -> bytes:
    return str(graph).encode("utf-8")  # str(): the term as N-Triples writes it


def _relabel(end: bytes, chunk: bytes) -> bytes:
    return chunk.replace(_END, end + b"\n")


def triple_blocks(files: Sequence[GraphFile]) -> Iterator[Block]:
    """The N-Triples lines of `files`, in blocks."""
    for _, path in files:
        yield from lines_of(file_chunks(path))


def quad_blocks(files: Sequence[GraphFile]) -> Iterator[Block]:
    """The graphs' lines as N-Quads lines `s p o <g> .`, in blocks."""
    for graph, path in files:
        edit = None if graph is None else partial(_relabel, label(graph))
        yield from lines_of(file_chunks(path, edit))


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


def node_order_groups(files: Sequence[GraphFile]) -> list[tuple[str, list[LabelledFile]]]:
    """The graphs' files by the JSON-LD's graph order: (graph IRI, files), the default graph's
    group "" first; a blank-node graph (dlkg makes none) is listed with the default graph."""
    groups: dict[str, list[LabelledFile]] = {}
    for graph, path in files:
        key = graph.value if isinstance(graph, ox.NamedNode) else ""
        groups.setdefault(key, []).append((str(path), label(graph)))
    return sorted(groups.items(), key=lambda item: item[0].encode("utf-8"))


def node_order_blocks(files: Sequence[LabelledFile]) -> Iterator[Block]:
    """The N-Quads lines of files, in blocks, changed so that they sort in node order."""
    for path, end in files:
        yield from lines_of(file_chunks(Path(path), partial(_to_key, end)))


def _to_key(end: bytes, chunk: bytes) -> bytes:
    keyed = (b"\n" + chunk.replace(_END, end + b"\n")).translate(_TO_KEY)
    return keyed.replace(b"\n<", b"\n")[1:]


def from_node_order(block: Block) -> bytes:
    """Sorted lines of `node_order_blocks` back as N-Quads text."""
    if not block:
        return b""
    text = (b"\n" + b"\n".join(block)).replace(b"\n", b"\n<").replace(b"\n<_:", b"\n_:")
    return text[1:].translate(_FROM_KEY) + b"\n"


__all__ = [
    "Graph",
    "GraphFile",
    "LabelledFile",
    "from_node_order",
    "graph_files",
    "label",
    "node_order_blocks",
    "node_order_groups",
    "quad_blocks",
    "triple_blocks",
]
