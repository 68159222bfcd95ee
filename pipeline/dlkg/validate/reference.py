"""The reference engine: pySHACL over one rdflib union graph (`--validator pyshacl`).

Slower than the fast path (`fast.py`) but the engine the shapes were written against; the
tests check that both give the same report. Rule shapes select their focus nodes with
SHACL-AF SPARQL targets (one query each), so `advanced=True` is required.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from ..namespaces import RDF, SH
from .results import ShapeResult, ValidationReport, lookup_in, make_result, render

__all__ = ["validate_with_pyshacl"]


def validate_with_pyshacl(
    union: Graph, shapes: Graph, prefixes: Mapping[str, str], line_index: Mapping[str, str]
) -> ValidationReport:
    """Validate `union` (data + ontology, our own copy: pySHACL may add to it) against the
    hoisted `shapes`."""
    started = time.perf_counter()
    with _queries_parsed_once():
        _conforms, results_graph, _text = pyshacl_validate(
            union,
            shacl_graph=shapes,
            inference="none",
            advanced=True,  # SPARQL targets of the rule shapes
            allow_warnings=True,
            inplace=True,  # `union` is our own copy: skip pySHACL's clone of ~40k triples
        )
    seconds = time.perf_counter() - started
    if not isinstance(results_graph, Graph):  # pyshacl types it loosely
        raise TypeError("pyshacl returned no results graph")
    results = _read_results(results_graph, union, prefixes, line_index)
    return ValidationReport.of(results, triples=len(union), seconds=seconds, engine="pyshacl")


@contextmanager
def _queries_parsed_once() -> Iterator[None]:
    """pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and rdflib
    parses it each time (pyparsing: about half of validation on the real data). While this
    is active, each distinct text is parsed and translated once and the prepared query is
    reused, as rdflib's own `prepareQuery` + `Graph.query(prepared, initBindings=...)` does."""
    original = SPARQLProcessor.query
    prepared: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], Query] = {}

    def query(
        self: SPARQLProcessor,
        str_or_query: str | Query,
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803  # rdflib's names
        initNs: Mapping[str, object] | None = None,  # noqa: N803
        base: str | None = None,
        DEBUG: bool = False,  # noqa: N803
    ) -> object:
        if isinstance(str_or_query, str):
            key = (
                str_or_query,
                base,
                tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())),
            )
            if key not in prepared:
                prepared[key] = translateQuery(parseQuery(str_or_query), base, initNs)
            str_or_query = prepared[key]
        return original(self, str_or_query, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        SPARQLProcessor.query = original  # type: ignore[method-assign]


def _read_results(
    results: Graph, data: Graph, prefixes: Mapping[str, str], line_index: Mapping[str, str]
) -> list[ShapeResult]:
    lookup = lookup_in(data)
    out: list[ShapeResult] = []
    for node in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(node, SH.focusNode)
        severity = results.value(node, SH.resultSeverity)
        path = results.value(node, SH.resultPath)
        assert focus is not None  # every SHACL result has a focus node
        out.append(
            make_result(
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                focus=focus,
                path=_render_path(results, path, prefixes) if path is not None else None,
                value=results.value(node, SH.value),
                messages=[
                    m for m in results.objects(node, SH.resultMessage) if isinstance(m, Literal)
                ],
                shape=results.value(node, SH.sourceShape),
                prefixes=prefixes,
                lookup=lookup,
                line_index=line_index,
            )
        )
    return out


def _render_path(results: Graph, path: Node, prefixes: Mapping[str, str]) -> str:
    inverse = results.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if inverse is not None:
        return "^" + render(inverse, prefixes)
    return render(path, prefixes)
