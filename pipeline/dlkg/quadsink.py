"""A write-only dataset that streams quads to an N-Quads file as emit adds them (issue 13).

`emit`, `describe` and `add_links_graph` only ever add triples to named graphs and ask how
many distinct triples each graph has (and which nodes have which rdf:type); an rdflib
`Dataset` keeps every triple in several Python indexes for that (~3-5 KB per quad). A
`QuadSink` writes each quad as one N-Quads line (rdflib's own row writer, so the terms are
written exactly as `Dataset.serialize(format="nquads")` writes them) and keeps 8 bytes per quad:
a 64-bit hash of the line, so the distinct triples of a graph are counted exactly as rdflib's
set semantics count them (two different triples with one hash: odds ~n²/2⁶⁵, 2e-5 at 27M
quads). A triple added twice is written twice; every reader of the file (the store's bulk
loader, the SHACL engine) reads it as a set.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from .namespaces import RDF

__all__ = ["DatasetLike", "GraphLike", "QuadSink", "SinkGraph"]


# the characters rdflib's URIRef.n3 refuses (rdflib.term._invalid_uri_chars), as one search
_NOT_IN_IRI = re.compile(r'[<>" {}|\\^`]')
_RDF_TYPE = str(RDF.type)
# predicates seen so far and their N-Quads text: emit uses a few dozen; bounded all the same
_PREDICATES_CACHED = 4096
# the text written out at once (emit's lines come a few at a time)
_WRITE_BUFFER = 1 << 20


def _n3(term: Node) -> str:
    """`term.n3()` as rdflib's N-Quads row writer calls it, without a Python loop per IRI."""
    if type(term) is URIRef and _NOT_IN_IRI.search(term) is None:
        return f"<{term}>"
    return term.n3()  # blank nodes, subclasses, and the error rdflib raises for a bad IRI


def _distinct_count(values: np.ndarray) -> int:
    """How many distinct values: sorted, then the places where the value changes. NumPy 2's
    `np.unique` goes through a hash set here, ~100x slower than its sort on 64-bit hashes."""
    if not values.size:
        return 0
    ordered = np.sort(values)
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1


def _distinct(hashes: array[int]) -> int:
    return _distinct_count(np.frombuffer(hashes, dtype=np.int64)) if hashes else 0


class SinkGraph:
    """One named graph of a `QuadSink`: `add` and `len`, as emit uses an rdflib graph."""

    def __init__(self, sink: QuadSink, identifier: URIRef) -> None:
        self.identifier = identifier
        self._sink = sink
        self._hashes: array[int] = array("q")
        # per rdf:type object (a Node from `add`, a class IRI string from `add_text`): the
        # hashes of its subjects' N-Quads text
        self._typed: dict[object, array[int]] = defaultdict(lambda: array("q"))
        # the text rdflib's `_nq_row` gives the graph name, made once per graph
        named = identifier and identifier != DATASET_DEFAULT_GRAPH_ID
        self._graph_n3 = identifier.n3() if named else ""
        self._tail = f" {self._graph_n3} .\n"
        self._distinct: tuple[int, int] = (0, 0)  # (quads written, distinct) when last counted

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        # the line rdflib's `_nq_row(triple, self.identifier)` writes, byte for byte (issue 13:
        # its term-by-term n3() calls and IRI checks were most of emit's time)
        subject, predicate, obj = triple
        p_text = self._sink.predicates.get(predicate)
        if p_text is None:
            p_text = _n3(predicate)
            if len(self._sink.predicates) < _PREDICATES_CACHED:
                self._sink.predicates[predicate] = p_text
        o_text = _quoteLiteral(obj) if isinstance(obj, Literal) else _n3(obj)
        s_text = _n3(subject)
        line = f"{s_text} {p_text} {o_text} {self._graph_n3} .\n"
        self._sink.write(line)
        self._hashes.append(hash(line))
        if type(predicate) is URIRef and str.__eq__(predicate, _RDF_TYPE):
            self._typed[obj].append(hash(s_text))

    def add_text(self, subject: str, pairs: Iterable[str], types: Iterable[str] = ()) -> None:
        """Lines for one subject, all given as N-Quads text (nqtext.py): `subject`'s rdf:type
        for each class IRI in `types`, then `subject pair graph .` for each "predicate object"
        pair. What `add` writes for the same triples, without an rdflib term (issue 13)."""
        head, tail = subject + " ", self._tail
        lines = [head + self._sink.type_text(cls) + tail for cls in types]
        if lines:
            subject_hash = hash(subject)
            for cls in types:
                self._typed[cls].append(subject_hash)
        lines += [head + pair + tail for pair in pairs]
        self._hashes.extend([hash(line) for line in lines])
        self._sink.write("".join(lines))

    def __len__(self) -> int:
        written = len(self._hashes)
        if self._distinct[0] != written:
            self._distinct = (written, _distinct(self._hashes))
        return self._distinct[1]


class QuadSink:
    """Named graphs written to `path` as N-Quads; `close()` before anyone reads the file."""

    def __init__(self, path: Path | IO[str]) -> None:
        """Write to the file `path` (or into a text stream, kept open by `close`)."""
        if isinstance(path, Path):
            self.path: Path | None = path
            self._out: IO[str] = path.open("w", encoding="utf-8", buffering=_WRITE_BUFFER)
        else:
            self.path, self._out = None, path
        self._graphs: dict[URIRef, SinkGraph] = {}
        self.predicates: dict[Node, str] = {}  # N-Quads text of the predicates seen (SinkGraph)
        self._type_texts: dict[str, str] = {}  # "rdf:type <class>" by class IRI (add_text)

    def type_text(self, cls: str) -> str:
        """The N-Quads text of "rdf:type <cls>" (a class IRI)."""
        found = self._type_texts.get(cls)
        if found is None:
            found = self._type_texts[cls] = f"{_n3(RDF.type)} {_n3(URIRef(cls))}"
        return found

    def bind(self, prefix: str, namespace: object) -> None:
        """Prefixes mean nothing in N-Quads (rdflib's Dataset API, kept for emit)."""

    def graph(self, identifier: URIRef) -> SinkGraph:
        if identifier not in self._graphs:
            self._graphs[identifier] = SinkGraph(self, identifier)
        return self._graphs[identifier]

    def graphs(self) -> Iterator[SinkGraph]:
        return iter(list(self._graphs.values()))

    def write(self, line: str) -> None:
        self._out.write(line)

    def class_counts(self, skip: Collection[str] = ()) -> dict[str, int]:
        """Distinct subjects per rdf:type object over the graphs not in `skip`."""
        by_class: dict[str, list[array[int]]] = defaultdict(list)
        for name, graph in self._graphs.items():
            if str(name) in skip:
                continue
            for cls, subjects in graph._typed.items():
                by_class[str(cls)].append(subjects)
        counts = {}
        for cls, arrays in by_class.items():
            hashes = np.concatenate([np.frombuffer(a, dtype=np.int64) for a in arrays])
            counts[cls] = _distinct_count(hashes)
        return counts

    def close(self) -> None:
        if self.path is not None:
            self._out.close()


# what emit, describe and add_links_graph write into: an rdflib dataset (tests, `explain`) or
# a sink (the build)
DatasetLike = Dataset | QuadSink
GraphLike = Graph | SinkGraph
