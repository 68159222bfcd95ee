"""The fast engine: the `shacl` package (Rust) over N-Quads, with dlkg's report structure.

It evaluates every core and SHACL-SPARQL constraint of `shapes/` (SPARQL targets included)
with the same results as pySHACL (`tests/validate/test_engines.py` compares them on the real
data and on every crafted bad graph of `tests/shapes/`), 10-25x faster, on a graph it reads
itself from N-Quads text or a file, so no rdflib copy of the data is made.

One kind of constraint is routed elsewhere: `sh:pattern`. The Rust engine uses Rust regexes,
which have no look-around (`^10\\.(?!48550/)...` does not compile) and differ from pySHACL's
Python `re` in details (`$` before a final newline). So each (shape, pattern) pair is replaced
by a *probe* shape with the same targets, path and severity whose only constraint fails for
every value node; the probes' results are then filtered here with Python's `re`, exactly as
pySHACL does (`search`, flags `i` and `m`, blank nodes never match). See docs/decisions.md.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import shacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import RDF, SH
from .results import Lookup, ShapeResult, ValidationReport, make_result, render

__all__ = [
    "FastShapes",
    "compile_shapes",
    "lookup_in_file",
    "results_of",
    "validate_nquads_file",
    "validate_nquads_text",
]

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
# the probes' only constraint: no value node is a literal of this datatype, so each one fails
_NEVER = URIRef("urn:dlkg:validate:no-value-has-this-datatype")


@dataclass(frozen=True)
class _PatternProbe:
    shape: URIRef  # the shape whose sh:pattern the probe checks
    pattern: re.Pattern[str]
    messages: tuple[Literal, ...]


@dataclass(frozen=True)
class FastShapes:
    """Shapes compiled for the Rust engine, with the pattern probes and the prefixes."""

    engine: shacl.Shapes
    probes: Mapping[str, _PatternProbe]  # probe shape in N-Triples form -> what it checks
    prefixes: Mapping[str, str]


def compile_shapes(shapes: Graph, prefixes: Mapping[str, str]) -> FastShapes:
    """Compile the (hoisted) `shapes` for the Rust engine, each sh:pattern made a probe."""
    shapes_copy = Graph()
    shapes_copy += shapes
    probes: dict[str, _PatternProbe] = {}
    for index, (shape, _p, pattern) in enumerate(sorted(shapes.triples((None, SH.pattern, None)))):
        if not isinstance(shape, URIRef):
            raise ValueError(f"sh:pattern on a blank-node shape cannot be routed: {shape.n3()}")
        targets = [(t, v) for t in _TARGETS for v in shapes.objects(shape, t)]
        if not targets:  # reached only through sh:node & co.: a probe would never fire
            raise ValueError(f"sh:pattern of {shape} is not reachable from a target")
        probe = URIRef(f"{shape}--pattern-{index}")
        shapes_copy.remove((shape, SH.pattern, pattern))
        shapes_copy.add((probe, RDF.type, SH.PropertyShape))
        for predicate, value in targets:
            shapes_copy.add((probe, predicate, value))
        for predicate in (SH.path, SH.severity, SH.deactivated):
            for value in shapes.objects(shape, predicate):
                _copy_tree(shapes, value, shapes_copy)
                shapes_copy.add((probe, predicate, value))
        if shapes.value(shape, SH.path) is None:
            shapes_copy.set((probe, RDF.type, SH.NodeShape))
        shapes_copy.add((probe, SH.datatype, _NEVER))
        probes[f"<{probe}>"] = _PatternProbe(
            shape, _python_regex(pattern, shapes.value(shape, SH.flags)), _messages(shapes, shape)
        )
    for shape in {s for s, _p, _o in shapes.triples((None, SH.flags, None))}:
        shapes_copy.remove((shape, SH.flags, None))  # meaningless without the pattern
    engine = shacl.Shapes.from_text(shapes_copy.serialize(format="nt"), format="ntriples")
    return FastShapes(engine, probes, prefixes)


def validate_nquads_text(
    text: str, shapes: FastShapes, *, lookup: Lookup, line_index: Mapping[str, str]
) -> ValidationReport:
    """Validate the union of the graphs in N-Quads (or N-Triples) `text`."""
    started = time.perf_counter()
    report = shapes.engine.validate_text(text, format="nquads", allow_warnings=True)
    seconds = time.perf_counter() - started
    results = results_of(report.results, shapes, lookup, line_index)
    return ValidationReport.of(results, triples=text.count("\n"), seconds=seconds, engine="shacl")


def validate_nquads_file(
    path: Path, shapes: FastShapes, *, lookup: Lookup, line_index: Mapping[str, str]
) -> ValidationReport:
    """Validate the union of the graphs of the N-Quads file at `path` (read by the engine)."""
    started = time.perf_counter()
    report = shapes.engine.validate_file(str(path), allow_warnings=True)
    seconds = time.perf_counter() - started
    results = results_of(report.results, shapes, lookup, line_index)
    return ValidationReport.of(results, triples=_lines(path), seconds=seconds, engine="shacl")


def lookup_in_file(path: Path) -> Lookup:
    """A `Lookup` over the N-Quads file at `path`, for the source lines of failing results:
    the file is loaded into an in-memory pyoxigraph store on the first question only, so a
    conforming build never reads it again."""
    store: list[ox.Store] = []

    def lookup(subject: URIRef, predicate: URIRef) -> Node | None:
        if not store:
            store.append(ox.Store())
            store[0].bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        pattern = (ox.NamedNode(str(subject)), ox.NamedNode(str(predicate)), None, None)
        for quad in store[0].quads_for_pattern(*pattern):
            return _rdflib_term(quad.object)
        return None

    return lookup


def _rdflib_term(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def results_of(
    raw: list[shacl.Result], shapes: FastShapes, lookup: Lookup, line_index: Mapping[str, str]
) -> list[ShapeResult]:
    """The engine's results made `ShapeResult`s: pattern probes filtered by Python's `re` and
    reported under their shape, terms parsed as pySHACL's, source lines looked up."""
    kept: list[tuple[shacl.Result, tuple[Literal, ...] | None, str | None]] = []
    for result in raw:
        probe = shapes.probes.get(result.source_shape or "")
        if probe is None:
            kept.append((result, None, None))
            continue
        # pySHACL: blank nodes never match; literals and IRIs by their lexical form / IRI
        plain = result.value_plain or ""
        is_blank = (result.value or "").startswith("_:")
        if is_blank or not probe.pattern.search(plain):
            kept.append((result, probe.messages, f"<{probe.shape}>"))
    terms = _parse_terms(
        {t for r, _m, shape in kept for t in (r.focus_node, r.value, shape or r.source_shape) if t}
    )
    return [
        make_result(
            severity=result.severity,
            focus=terms[result.focus_node],
            path=_render_path(result.path, shapes.prefixes),
            value=terms[result.value] if result.value else None,
            messages=messages or [Literal(m) for m in result.messages],
            shape=terms.get(shape or result.source_shape or ""),
            prefixes=shapes.prefixes,
            lookup=lookup,
            line_index=line_index,
        )
        for result, messages, shape in kept
    ]


def _parse_terms(texts: set[str]) -> dict[str, Node]:
    """N-Triples terms -> rdflib terms; the literals parsed by rdflib in one document, so they
    are the same objects (normalised lexical forms included) pySHACL would see."""
    out: dict[str, Node] = {}
    literals = []
    for text in texts:
        if text.startswith("<") and text.endswith(">"):
            out[text] = URIRef(text[1:-1])
        elif text.startswith("_:"):
            out[text] = BNode(text[2:])
        else:
            literals.append(text)
    if literals:
        document = "".join(f"<urn:t:{i}> <urn:t> {lit} .\n" for i, lit in enumerate(literals))
        parsed = Graph().parse(data=document, format="nt")
        for subject, _p, obj in parsed:
            if isinstance(obj, Literal) and obj.language:
                obj = Literal(str(obj), lang=_tag_case(obj.language))
            out[literals[int(str(subject).rsplit(":", 1)[1])]] = obj
    return out


def _tag_case(tag: str) -> str:
    """The engine writes language tags in lower case (they are case-insensitive in RDF); give
    them the case RFC 5646 recommends, the one dlkg emits and pySHACL shows: zh-Hans, en-GB.

    >>> _tag_case("zh-hans"), _tag_case("en-gb"), _tag_case("de-ch-1901")
    ('zh-Hans', 'en-GB', 'de-CH-1901')
    """
    parts = tag.lower().split("-")
    for i, part in enumerate(parts[1:], start=1):
        if len(parts[i - 1]) == 1:  # after a singleton (x-, u-): left as it is
            break
        if len(part) == 4 and part.isalpha():
            parts[i] = part.title()
        elif len(part) == 2 and part.isalpha():
            parts[i] = part.upper()
    return "-".join(parts)


def _render_path(path: str | None, prefixes: Mapping[str, str]) -> str | None:
    """The engine writes paths in SPARQL syntax: `<iri>` and `^<iri>` as pySHACL's are shown;
    other paths (sequences, alternatives; none in shapes/) as the engine writes them."""
    if not path:
        return None
    inverse = path.startswith("^<")
    iri = path[2 if inverse else 1 : -1]
    if not path.endswith(">") or any(c in iri for c in "<> "):
        return path
    return ("^" if inverse else "") + render(URIRef(iri), prefixes)


def _python_regex(pattern: Node, flags: Node | None) -> re.Pattern[str]:
    """The pattern compiled as pySHACL compiles it (only the flags `i` and `m`)."""
    text = str(flags).lower() if flags is not None else ""
    re_flags = (re.IGNORECASE if "i" in text else 0) | (re.MULTILINE if "m" in text else 0)
    return re.compile(str(pattern), re_flags)


def _messages(shapes: Graph, shape: URIRef) -> tuple[Literal, ...]:
    found = tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))
    if found:
        return found
    # pySHACL's own message for a shape without sh:message
    pattern = shapes.value(shape, SH.pattern)
    return (Literal(f"Value does not match pattern '{pattern}'"),)


def _copy_tree(source: Graph, node: Node, target: Graph) -> None:
    """Copy the blank-node structure under `node` (a path such as [sh:inversePath p])."""
    if not isinstance(node, BNode):
        return
    for _s, predicate, value in source.triples((node, None, None)):
        target.add((node, predicate, value))
        _copy_tree(source, value, target)


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
