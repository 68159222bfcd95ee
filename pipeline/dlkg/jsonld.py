"""Compact JSON-LD of a pyoxigraph store against dlkg's published context, without rdflib.

The context (data/context.jsonld) only holds prefixes and terms, each a plain IRI, an IRI
with `"@type": "@id"` / `"@vocab"`, or an IRI with a datatype. That makes compaction a
per-value lookup instead of the general JSON-LD algorithm: a value goes under the term of its
predicate when the term's coercion fits it, otherwise under the predicate's compact IRI
(`prefix:local`) in explicit form. Integers and booleans in canonical form become JSON numbers
and booleans; language tags keep their case. Graphs, nodes and values are sorted, so equal
data gives equal bytes (rdflib's serializer gave arrays in hash order). Expanding the output
with the same context gives back exactly the store's quads (tests/test_jsonld.py).
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import BinaryIO

import pyoxigraph as ox

from .jsontext import pretty

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
_NATIVE = {XSD + "integer": re.compile(r"0|-?[1-9][0-9]{0,14}"), XSD + "boolean": None}

JsonValue = str | int | bool | dict[str, str]
Object = ox.NamedNode | ox.BlankNode | ox.Literal


class Compactor:
    """Term and compact-IRI choices for one context (a dict of prefixes and terms)."""

    def __init__(self, context: dict[str, object]) -> None:
        self.prefixes: dict[str, str] = {
            name: value
            for name, value in context.items()
            if isinstance(value, str) and value.endswith(("/", "#"))
        }
        # predicate IRI -> (term, coercion: None, "@id", "@vocab" or a datatype IRI)
        self.terms: dict[str, tuple[str, str | None]] = {}
        self.class_terms: dict[str, str] = {}  # IRI -> term, for @type and @vocab values
        for term, value in sorted(context.items()):
            if term in self.prefixes:
                continue
            if isinstance(value, str):
                self.terms.setdefault(self.expand(value), (term, None))
                self.class_terms.setdefault(self.expand(value), term)
            elif isinstance(value, dict):
                coercion = value.get("@type")
                kind = coercion if coercion in (None, "@id", "@vocab") else self.expand(coercion)
                self.terms.setdefault(self.expand(str(value["@id"])), (term, kind))
        # longest namespace first, so "dlkg:" wins over a shorter prefix of the same IRI
        self._by_length = sorted(self.prefixes.items(), key=lambda p: -len(p[1]))
        self._curies: dict[str, str] = {}

    def expand(self, text: str) -> str:
        prefix, _, local = text.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else text

    def curie(self, iri: str) -> str:
        """`prefix:local` when a prefix fits and the result cannot be misread, else the IRI."""
        # asked once per value for the predicates and datatypes, a handful of IRIs
        found = self._curies.get(iri)
        if found is None:
            found = self._curies[iri] = self._curie(iri)
        return found

    def _curie(self, iri: str) -> str:
        for name, namespace in self._by_length:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and not local.startswith("//"):
                return f"{name}:{local}"
        return iri

    def type_value(self, iri: str) -> str:
        return self.class_terms.get(iri) or self.curie(iri)

    def literal(self, lit: ox.Literal) -> JsonValue:
        """A literal in explicit form (as under a compact IRI or an uncoerced term)."""
        datatype = lit.datatype.value
        if lit.language:
            return {"@language": lit.language, "@value": lit.value}
        if datatype == XSD + "string":
            return lit.value
        if datatype in _NATIVE:
            pattern = _NATIVE[datatype]
            if pattern is None and lit.value in ("true", "false"):
                return lit.value == "true"
            if pattern is not None and pattern.fullmatch(lit.value):
                return int(lit.value)
        return {"@type": self.curie(datatype), "@value": lit.value}

    def entry(
        self, predicate: str, obj: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> tuple[str, JsonValue]:
        """The key and the value of one triple's object in its subject's node object."""
        term, coercion = self.terms.get(predicate, (None, None))
        if isinstance(obj, ox.Literal):
            if term and coercion is None:
                return term, self.literal(obj)
            if term and coercion == obj.datatype.value and not obj.language:
                return term, obj.value
            return self.curie(predicate), self.literal(obj)
        ref = obj.value if isinstance(obj, ox.NamedNode) else f"_:{obj.value}"
        if term and coercion == "@id":
            return term, ref
        if term and coercion == "@vocab" and ref in self.class_terms:
            return term, self.class_terms[ref]
        if term and coercion is None:
            return term, {"@id": ref}
        return self.curie(predicate), {"@id": ref}


def _sort_key(value: JsonValue) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _node(subject: str, pairs: Iterable[tuple[str, Object]], c: Compactor) -> dict[str, object]:
    values: dict[str, list[JsonValue]] = defaultdict(list)
    for predicate, obj in pairs:
        if predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
            values["@type"].append(c.type_value(obj.value))
            continue
        key, value = c.entry(predicate, obj)
        values[key].append(value)
    node: dict[str, object] = {"@id": subject}
    for key, found in values.items():
        # one value (most keys) needs no order, and no JSON text to sort by
        node[key] = found[0] if len(found) == 1 else sorted(found, key=_sort_key)
    return node


Group = tuple[str, str, list[tuple[str, Object]]]  # graph ("" = default), subject, its pairs


def _ids(q: ox.Quad) -> tuple[str, str]:
    """The graph ("" for the default graph) and the subject of a quad, as the output names them
    (a blank-node graph goes with the default graph, as it always did)."""
    if isinstance(q.subject, ox.Triple):
        raise ValueError("quoted triples (RDF-star) have no JSON-LD 1.1 form")
    g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
    s = q.subject.value if isinstance(q.subject, ox.NamedNode) else f"_:{q.subject.value}"
    return g, s


def _pair(q: ox.Quad) -> tuple[str, Object]:
    obj = q.object
    if isinstance(obj, ox.Triple):
        raise ValueError("quoted triples (RDF-star) have no JSON-LD 1.1 form")
    return q.predicate.value, obj


def grouped(quads: Iterable[ox.Quad]) -> Iterator[Group]:
    """Consecutive quads of one graph and subject as one group: for quads already in
    (graph, subject) order, so that only one node is held at a time (issue 13)."""
    for (g, s), run in groupby(quads, key=_ids):
        yield g, s, [_pair(q) for q in run]


def write_compact(
    groups: Iterable[Group],
    out: BinaryIO,
    context: dict[str, object],
    context_iri: str,
    part: tuple[bool, bool] = (True, True),
) -> None:
    """Write the compact document of `groups`, which must come sorted by (graph, subject).

    The bytes are those of `json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)`
    of the whole document, written node by node: a node's own text comes from `pretty` at its
    depth; the frame around the nodes is `Frame`'s. `part` (first, last): a piece of the
    document that ends and starts at a named graph, so that the pieces of consecutive graphs,
    one after the other, are the document (`Frame`).
    """
    c = Compactor(context)
    first, last = part
    frame = Frame(out, context_iri, head=first)
    for g, s, pairs in groups:
        frame.node(g, _text(_node(s, pairs, c), node_depth(g)))
    frame.close(tail=last)


def node_depth(graph: str) -> int:
    """How deep a node of `graph` ("" = default) is in the document: its text's indentation."""
    return 4 if graph else 2


def node_text(subject: str, pairs: Iterable[tuple[str, Object]], graph: str, c: Compactor) -> bytes:
    """The text of one node as `write_compact` writes it in `graph` (export_nodes makes these
    while the store is scanned)."""
    return _text(_node(subject, pairs, c), node_depth(graph))


class Frame:
    """The document around the nodes: the context, "@graph", and one object per named graph
    (keys in sorted order: "@graph" before "@id"). Nodes come sorted by (graph, subject), each
    as its text already indented to `node_depth` of its graph.

    Without `head` it continues a document whose first part was written elsewhere (it must
    have had a named graph: its nodes come after a comma), and `close(tail=False)` ends a part
    that another continues."""

    def __init__(self, out: BinaryIO, context_iri: str, *, head: bool = True) -> None:
        self._out = out
        if head:
            out.write(b'{\n "@context": ' + _text(context_iri) + b',\n "@graph": [')
        self._current: str | None = None  # the named graph being written
        self._first_top, self._first_in_graph = head, True

    def node(self, g: str, text: bytes) -> None:
        out = self._out
        if g != self._current and self._current is not None:  # close the previous graph
            out.write(b'\n   ],\n   "@id": ' + _text(self._current) + b"\n  }")
            self._current = None
        if g and self._current is None:
            out.write((b"" if self._first_top else b",") + b'\n  {\n   "@graph": [')
            self._first_top, self._first_in_graph, self._current = False, True, g
        if g:
            out.write((b"" if self._first_in_graph else b",") + b"\n    " + text)
            self._first_in_graph = False
        else:  # the default graph: node objects at the top
            out.write((b"" if self._first_top else b",") + b"\n  " + text)
            self._first_top = False

    def close(self, *, tail: bool = True) -> None:
        out = self._out
        if self._current is not None:
            out.write(b'\n   ],\n   "@id": ' + _text(self._current) + b"\n  }")
        if tail:
            out.write(b"]\n}" if self._first_top else b"\n ]\n}")


def _text(value: object, depth: int = 0) -> bytes:
    return pretty(value, depth).encode("utf-8")


def compact_dataset(
    quads: Iterable[ox.Quad], context: dict[str, object], context_iri: str
) -> bytes:
    """The whole dataset as one compact JSON-LD document referring to `context_iri`, from
    quads in any order (sorted here, in memory; export streams them in order instead)."""
    nodes: dict[tuple[str, str], list[tuple[str, Object]]] = defaultdict(list)
    for q in quads:
        nodes[_ids(q)].append(_pair(q))
    out = io.BytesIO()
    write_compact(((g, s, nodes[g, s]) for g, s in sorted(nodes)), out, context, context_iri)
    return out.getvalue()


__all__ = [
    "Compactor",
    "Frame",
    "Group",
    "compact_dataset",
    "grouped",
    "node_depth",
    "node_text",
    "write_compact",
]
