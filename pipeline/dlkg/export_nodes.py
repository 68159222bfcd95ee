"""The JSON-LD's nodes made while the store is scanned, then only their texts sorted.

The store's N-Quads come graph by graph and, inside a graph, subject by subject (an on-disk
pyoxigraph store scans its GSPO index: the default graph's quads by subject, then each named
graph's by subject). So every node's quads arrive together during the one scan that export
makes anyway (`export_lines.scan`), and the node's text can be made right then, by the same
`jsonld.node_text` the sorted path uses, on the scan's second core (issue 13). What is left to
sort afterwards is one record per node, keyed by graph and subject, instead of every quad, and
nothing is parsed a second time.

A record is one line: the graph IRI ("" for the default graph), NUL, the subject (an IRI, or
`_:id`), NUL, then the node's text with its newlines made NUL (JSON text holds no raw NUL or
newline inside strings; the writers escape control characters). Sorted bytewise, the records
come in the JSON-LD's order: by graph, then by subject, compared as strings (a NUL ends each
name, so a name sorts before every longer name it is a prefix of, as strings do).

Where that grouping does not hold, the records are not used and the JSON-LD is made from the
quads sorted by node, as before (`export_jsonld.write_jsonld`): a store that gives a node's
quads in more than one stretch (an in-memory store keeps them in insertion order) shows as two
records of one node after the sort; graphs named by blank nodes are written with the default
graph's nodes, which may then need merging; RDF-star has no JSON-LD 1.1 form (the sorted path
raises its error).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .extsort import Block
from .jsonld import Compactor, Frame, Object, node_text

_BATCH = 4096  # records written at a time


class NodeRecords:
    """Collects the quads of a scan (`add`, in the store's order) into node records in a file."""

    def __init__(self, path: Path, context: dict[str, object]) -> None:
        self.path = path
        self.usable = True  # false once the records cannot stand for the JSON-LD (above)
        self._out: BinaryIO = path.open("wb")
        self._compactor = Compactor(context)
        self._graph: object = None
        self._graph_key = ""
        self._subject: object = None
        self._pairs: list[tuple[str, Object]] = []
        self._lines: list[bytes] = []

    def add(self, quad: ox.Quad) -> None:
        """One quad of the scan; a change of graph or subject ends the node before it."""
        subject, graph = quad.subject, quad.graph_name
        if subject != self._subject or graph != self._graph:
            if self._pairs:
                self._end_node()
            if graph != self._graph:
                self._graph = graph
                if isinstance(graph, ox.BlankNode):
                    self.usable = False
                self._graph_key = graph.value if isinstance(graph, ox.NamedNode) else ""
            self._subject = subject
        obj = quad.object
        if isinstance(obj, ox.Triple):
            self.usable = False  # RDF-star: the sorted path raises its error
            return
        self._pairs.append((quad.predicate.value, obj))

    def _end_node(self) -> None:
        pairs, self._pairs = self._pairs, []
        if not self.usable:
            return
        subject = self._subject
        if isinstance(subject, ox.NamedNode):
            name = subject.value
        elif isinstance(subject, ox.BlankNode):
            name = f"_:{subject.value}"
        else:  # a quoted triple as subject
            self.usable = False
            return
        graph = self._graph_key
        text = node_text(name, pairs, graph, self._compactor).replace(b"\n", b"\0")
        self._lines.append(f"{graph}\0{name}\0".encode() + text)
        if len(self._lines) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._out.write(b"\n".join(self._lines) + b"\n")
            self._lines.clear()

    def close(self) -> None:
        """The last node, then the file closed (also after a failed scan)."""
        try:
            if self._pairs:
                self._end_node()
            self._flush()
        finally:
            self._out.close()


class NodesOutOfOrderError(Exception):
    """Two records of one node: the scan did not give each node's quads together."""


def write_nodes(records: Iterator[Block], out: BinaryIO, context_iri: str) -> None:
    """Write the JSON-LD document from node records sorted bytewise (`extsort.sorted_blocks`
    of the records file); raise NodesOutOfOrderError if a node has two records."""
    frame = Frame(out, context_iri)
    previous = b""
    for block in records:
        for line in block:
            graph, _, rest = line.partition(b"\0")
            end = rest.index(b"\0")
            key = line[: len(graph) + 2 + end]  # graph NUL subject NUL
            if key == previous:
                raise NodesOutOfOrderError(key.decode("utf-8", "replace"))
            previous = key
            frame.node(graph.decode("utf-8"), rest[end + 1 :].replace(b"\0", b"\n"))
    frame.close()


__all__ = ["NodeRecords", "NodesOutOfOrderError", "write_nodes"]
