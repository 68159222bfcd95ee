"""Validate the emitted dataset against the SHACL shapes in `shapes/` and report with file:line.

The union of all named graphs (plus the ontology, so `sh:class` sees `rdfs:subClassOf`) is
validated by pySHACL with inference off. Rule shapes select their focus nodes with SHACL-AF
SPARQL targets (one query each) because pySHACL re-parses a SPARQL constraint for every focus
node; so `advanced=True` is required.

The canonical Turtle formatter of `ontology/` and `shapes/` is `fmt.py` (`dlkg fmt`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from . import resources
from .common import graph_prefixes, load_turtle_dir, union_graph
from .errors import NotConformant
from .namespaces import DCAT, DLKG, PROV, RDF, SH

__all__ = [
    "ShapeResult",
    "ValidationReport",
    "hoist_property_shapes",
    "raise_if_not_conformant",
    "validate_graph",
]

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result, made readable.

    `focus_node` is an IRI (or `_:id` for a blank node); `path`, `value` and `shape` are
    written with prefixes (`schema:position`, `^dlkg:authorship`, `"2015"^^xsd:gYear`,
    `dlkgsh:ListItem-stars`); `source` is the "file:line" the focus (or value) node was read
    from, when known. `str()` gives one line: "Warning: <focus> path: message (file:line)".
    """

    severity: str  # "Violation", "Warning" or "Info"
    focus_node: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    source: str | None

    def __str__(self) -> str:
        return f"{self.severity}: {_one_line(self)}"

    def text(self) -> str:
        """A block of a few lines: severity, message and place, then the details."""
        where = f" ({self.source})" if self.source else ""
        lines = [f"{self.severity}: {self.message}{where}", f"  focus: <{self.focus_node}>"]
        if self.path:
            lines.append(f"  path:  {self.path}")
        if self.value:
            lines.append(f"  value: {self.value}")
        if self.shape:
            lines.append(f"  shape: {self.shape}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of `validate_graph`: `conforms` is True when there is no sh:Violation."""

    conforms: bool
    violations: list[ShapeResult] = field(default_factory=list)
    warnings: list[ShapeResult] = field(default_factory=list)  # sh:Warning and sh:Info
    triples: int = 0  # size of the validated union graph
    seconds: float = 0.0  # wall time of the pySHACL run

    def summary(self) -> str:
        """One line: counts and the first violation (or warning) with its source line."""
        counts = f"{_plural(len(self.violations), 'SHACL violation')}, " + _plural(
            len(self.warnings), "warning"
        )
        failing = self.violations or self.warnings
        if not failing:
            return f"conforms: {counts}"
        return f"{counts}; first: {_one_line(failing[0])}"

    def text(self) -> str:
        """The whole report: one block per result (violations first), then the summary."""
        blocks = [r.text() for r in [*self.violations, *self.warnings]]
        blocks.append(self.summary())
        return "\n\n".join(blocks) + "\n"


def validate_graph(
    data: Dataset | Graph,
    *,
    shapes_dir: Path | None = None,
    ontology_dir: Path | None = None,
    line_index: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Validate the union of every graph in `data` against the shapes in `shapes_dir`.

    Defaults come from `dlkg.resources`. The ontology in `ontology_dir` is added to the union
    (it is also the `graph/ontology` named graph of an emitted dataset; adding it twice is a
    no-op) so that `sh:class` follows `rdfs:subClassOf` without inference. `line_index` maps
    node IRIs to "path:line"; nodes it lacks are looked up in the graph itself
    (`dlkg:sourceLine` + `prov:wasDerivedFrom`).
    """
    shapes = load_turtle_dir(shapes_dir or resources.shapes_dir())
    prefixes = graph_prefixes(shapes)
    shapes = hoist_property_shapes(shapes)
    union = union_graph(data)
    union += load_turtle_dir(ontology_dir or resources.ontology_dir())
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
    results = _read_results(results_graph, union, prefixes, line_index or {})
    violations = [r for r in results if r.severity == "Violation"]
    warnings = [r for r in results if r.severity != "Violation"]
    return ValidationReport(
        conforms=not violations,
        violations=violations,
        warnings=warnings,
        triples=len(union),
        seconds=seconds,
    )


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


def raise_if_not_conformant(report: ValidationReport, *, strict: bool = False) -> None:
    """Raise `NotConformant` with a one-line summary when there are violations (or, with
    `strict`, warnings): "3 SHACL violations; first: <focus> path: message (README.md:57)"."""
    failing = report.violations + (report.warnings if strict else [])
    if not failing:
        return
    parts = []
    if report.violations:
        parts.append(_plural(len(report.violations), "SHACL violation"))
    if strict and report.warnings:
        parts.append(_plural(len(report.warnings), "SHACL warning"))
    raise NotConformant(f"{' and '.join(parts)}; first: {_one_line(failing[0])}")


def hoist_property_shapes(shapes: Graph) -> Graph:
    """A copy of `shapes` where each property shape carries the targets of the node shape that
    lists it under `sh:property`, and the `sh:property` links are dropped.

    The results are the same (focus nodes, values, `sh:sourceShape` = the property shape), but
    pySHACL then validates each property shape once for all its focus nodes instead of once per
    focus node, which makes a ~40k-triple dataset validate about 3x faster. The files keep the
    readable node-shape/property-shape structure; `tests/validate/test_shapes.py` checks
    equivalence.
    """
    hoisted = Graph()
    for prefix, namespace in shapes.namespaces():
        hoisted.bind(prefix, namespace)
    hoisted += shapes
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    for node_shape, _p, property_shape in list(shapes.triples((None, SH.property, None))):
        for target in targets:
            for value in shapes.objects(node_shape, target):
                hoisted.add((property_shape, target, value))
        hoisted.remove((node_shape, SH.property, property_shape))
    return hoisted


def _read_results(
    results: Graph, data: Graph, prefixes: Mapping[str, str], line_index: Mapping[str, str]
) -> list[ShapeResult]:
    out: list[ShapeResult] = []
    for node in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(node, SH.focusNode)
        value = results.value(node, SH.value)
        if value == focus:  # pySHACL repeats the focus as value for node-level SPARQL rules
            value = None
        severity = results.value(node, SH.resultSeverity)
        shape = results.value(node, SH.sourceShape)
        path = results.value(node, SH.resultPath)
        out.append(
            ShapeResult(
                severity=_local_name(severity) if severity is not None else "Violation",
                focus_node=_node_id(focus),
                path=_render_path(results, path, prefixes) if path is not None else None,
                value=_render(value, prefixes) if value is not None else None,
                message=_message(results, node),
                shape=_render(shape, prefixes) if shape is not None else None,
                source=_source_of([focus, value], data, line_index),
            )
        )
    out.sort(key=_sort_key)
    return out


def _sort_key(result: ShapeResult) -> tuple[int, str, int, str, str, str]:
    """Violations first, then by file and line (numerically), then focus node."""
    path, _, line = (result.source or "~:0").rpartition(":")
    return (
        _SEVERITY_ORDER.get(result.severity, 3),
        path,
        int(line) if line.isdigit() else 0,
        result.focus_node,
        result.path or "",
        result.message,
    )


def _message(results: Graph, node: Node) -> str:
    """The English message of a result.

    Shapes carry sh:message @en and @zh-Hans, but pySHACL drops the language tag when it
    fills in a SPARQL message template, so an untagged message counts as English when it has
    no CJK character (pySHACL's own generated messages are English too).
    """
    messages = sorted(
        (m for m in results.objects(node, SH.resultMessage) if isinstance(m, Literal)), key=str
    )
    for message in messages:
        if message.language == "en":
            return str(message)
    untagged = [m for m in messages if m.language is None]
    for message in untagged:
        if not _CJK.search(str(message)):
            return str(message)
    return str((untagged or messages)[0]) if messages else "(no message)"


def _source_of(
    nodes: Iterable[Node | None], data: Graph, line_index: Mapping[str, str]
) -> str | None:
    """ "file:line" of the first node that has one: the emitter's index, else the graph."""
    for node in nodes:
        if not isinstance(node, URIRef):
            continue
        if str(node) in line_index:
            return line_index[str(node)]
        line = data.value(node, DLKG.sourceLine)
        source = data.value(node, PROV.wasDerivedFrom)
        if line is not None and source is not None:
            return f"{_file_name(data, source)}:{line}"
    return None


def _file_name(data: Graph, source: Node) -> str:
    """What a user calls a source document: the last segment of its download address, else of
    its IRI (the source id)."""
    download = data.value(source, DCAT.downloadURL)
    iri = str(download if download is not None else source)
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _render_path(results: Graph, path: Node, prefixes: Mapping[str, str]) -> str:
    inverse = results.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if inverse is not None:
        return "^" + _render(inverse, prefixes)
    return _render(path, prefixes)


def _render(node: Node, prefixes: Mapping[str, str]) -> str:
    """`prefix:local` for IRIs in a known namespace, else `<iri>`; literals in Turtle form."""
    if isinstance(node, URIRef):
        for prefix, namespace in prefixes.items():
            if str(node).startswith(namespace) and len(str(node)) > len(namespace):
                return f"{prefix}:{str(node)[len(namespace) :]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        text = node.n3()
        if node.datatype is not None:
            datatype = _render(node.datatype, prefixes)
            text = text[: text.rindex("^^") + 2] + datatype
        return text
    return _node_id(node)


def _node_id(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _local_name(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _one_line(result: ShapeResult) -> str:
    path = f" {result.path}" if result.path else ""
    where = f" ({result.source})" if result.source else ""
    return f"<{result.focus_node}>{path}: {result.message}{where}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
