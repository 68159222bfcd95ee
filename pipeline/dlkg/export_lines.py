"""The lines the sorted dumps are made of, read from each graph's N-Triples file.

The store is scanned once: every graph is dumped to its own N-Triples file in export's work
folder, and the N-Triples, N-Quads and JSON-LD dumps are sorted from those files' lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from .extsort import file_lines

Graph = ox.NamedNode | ox.BlankNode | None  # None: the default graph
GraphFile = tuple[Graph, Path]  # a graph and the file of its N-Triples


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


def quad_lines(graph: Graph, path: Path) -> Iterator[bytes]:
    """A graph's N-Triples lines `s p o .` as N-Quads lines `s p o <g> .`, as the store's own
    N-Quads writer puts them (the default graph's lines stay as they are)."""
    if graph is None:
        yield from file_lines(path)
        return
    label = str(graph).encode("utf-8") + b" ."  # str(): the term as N-Triples writes it
    for line in file_lines(path):
        yield line[:-1] + label


def node_order_lines(graph: Graph, path: Path) -> Iterator[bytes]:
    """N-Quads lines behind a key that sorts them as the JSON-LD lists them: by graph IRI (the
    default graph, "", first), then by subject (`_:id` for a blank node), as strings compare,
    which is the byte order of their UTF-8 (the N-Triples writer writes IRIs and blank node
    labels as they are). NUL ends each key part: no IRI or N-Triples line holds a raw NUL, and
    it sorts a shorter name before a longer one it is a prefix of."""
    # a blank-node graph (dlkg makes none) is listed with the default graph, as jsonld does
    key = (graph.value.encode("utf-8") if isinstance(graph, ox.NamedNode) else b"") + b"\0"
    for line in quad_lines(graph, path):
        subject = line[1 : line.index(b">")] if line.startswith(b"<") else line.split(b" ", 1)[0]
        yield key + subject + b"\0" + line


def payloads(lines: Iterator[bytes]) -> Iterator[bytes]:
    """The N-Quads lines of `node_order_lines`, without their keys."""
    for line in lines:
        yield line.split(b"\0", 2)[2]


__all__ = ["Graph", "GraphFile", "graph_files", "node_order_lines", "payloads", "quad_lines"]
