"""The report types both validation engines produce, and how a result is made readable.

Both engines (the `shacl` package, `fast.py`, and pySHACL, `reference.py`) turn their results
into the same `ShapeResult` through `make_result`, so a report does not depend on which engine
ran: the same prefixed paths, values and shapes, the English message, the `file:line` source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import DCAT, DLKG, PROV

__all__ = [
    "Lookup",
    "ShapeResult",
    "ValidationReport",
    "english_message",
    "lookup_in",
    "make_result",
    "one_line",
    "plural",
    "render",
]

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

# (subject, predicate) -> one object or None: where a result's source line is looked up when
# the emitter's line index lacks the node (an rdflib graph, a dataset, a store...)
Lookup = Callable[[URIRef, URIRef], Node | None]


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
        return f"{self.severity}: {one_line(self)}"

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
    """The outcome of a validation: `conforms` is True when there is no sh:Violation."""

    conforms: bool
    violations: list[ShapeResult] = field(default_factory=list)
    warnings: list[ShapeResult] = field(default_factory=list)  # sh:Warning and sh:Info
    # size of the validated data: the union graph's triples (pySHACL), or the statements
    # handed to the fast engine (a triple stated in two named graphs counts twice)
    triples: int = 0
    seconds: float = 0.0  # wall time of the engine run
    engine: str = "shacl"  # "shacl" (the fast path) or "pyshacl" (the reference)

    @classmethod
    def of(
        cls, results: list[ShapeResult], *, triples: int, seconds: float, engine: str
    ) -> ValidationReport:
        """A report of `results` in the order readers expect (see `_sort_key`)."""
        results = sorted(results, key=_sort_key)
        violations = [r for r in results if r.severity == "Violation"]
        warnings = [r for r in results if r.severity != "Violation"]
        return cls(not violations, violations, warnings, triples, seconds, engine)

    def summary(self) -> str:
        """One line: counts and the first violation (or warning) with its source line."""
        counts = f"{plural(len(self.violations), 'SHACL violation')}, " + plural(
            len(self.warnings), "warning"
        )
        failing = self.violations or self.warnings
        if not failing:
            return f"conforms: {counts}"
        return f"{counts}; first: {one_line(failing[0])}"

    def text(self) -> str:
        """The whole report: one block per result (violations first), then the summary."""
        blocks = [r.text() for r in [*self.violations, *self.warnings]]
        blocks.append(self.summary())
        return "\n\n".join(blocks) + "\n"


def make_result(
    *,
    severity: str,
    focus: Node,
    path: str | None,
    value: Node | None,
    messages: Iterable[Literal],
    shape: Node | None,
    prefixes: Mapping[str, str],
    lookup: Lookup,
    line_index: Mapping[str, str],
) -> ShapeResult:
    """A `ShapeResult` from one engine result; `path` is already rendered."""
    if value == focus:  # both engines repeat the focus as value for node-level constraints
        value = None
    return ShapeResult(
        severity=severity,
        focus_node=node_id(focus),
        path=path,
        value=render(value, prefixes) if value is not None else None,
        message=english_message(messages),
        shape=render(shape, prefixes) if shape is not None else None,
        source=_source_of([focus, value], lookup, line_index),
    )


def lookup_in(data: Dataset | Graph) -> Lookup:
    """A `Lookup` over an rdflib graph, or over every graph of a dataset."""
    if isinstance(data, Dataset):

        def in_dataset(subject: URIRef, predicate: URIRef) -> Node | None:
            for _s, _p, o, _g in data.quads((subject, predicate, None, None)):
                return o
            return None

        return in_dataset
    return lambda subject, predicate: data.value(subject, predicate)


def english_message(messages: Iterable[Literal]) -> str:
    """The English one of a result's messages.

    Shapes carry sh:message @en and @zh-Hans, but both engines drop the language tag when they
    fill in a SPARQL message template, so an untagged message counts as English when it has
    no CJK character (the engines' own generated messages are English too).
    """
    ordered = sorted(messages, key=str)
    for message in ordered:
        if message.language == "en":
            return str(message)
    untagged = [m for m in ordered if m.language is None]
    for message in untagged:
        if not _CJK.search(str(message)):
            return str(message)
    return str((untagged or ordered)[0]) if ordered else "(no message)"


def _sort_key(result: ShapeResult) -> tuple[int, str, int, str, str, str, str]:
    """Violations first, then by file and line (numerically), then focus node."""
    path, _, line = (result.source or "~:0").rpartition(":")
    return (
        _SEVERITY_ORDER.get(result.severity, 3),
        path,
        int(line) if line.isdigit() else 0,
        result.focus_node,
        result.path or "",
        result.message,
        result.value or "",  # last: two engines order equal results alike
    )


def _source_of(
    nodes: Iterable[Node | None], lookup: Lookup, line_index: Mapping[str, str]
) -> str | None:
    """ "file:line" of the first node that has one: the emitter's index, else the data."""
    for node in nodes:
        if not isinstance(node, URIRef):
            continue
        if str(node) in line_index:
            return line_index[str(node)]
        line = lookup(node, DLKG.sourceLine)
        source = lookup(node, PROV.wasDerivedFrom)
        if line is not None and isinstance(source, URIRef):
            return f"{_file_name(lookup, source)}:{line}"
    return None


def _file_name(lookup: Lookup, source: URIRef) -> str:
    """What a user calls a source document: the last segment of its download address, else of
    its IRI (the source id)."""
    download = lookup(source, DCAT.downloadURL)
    iri = str(download if download is not None else source)
    return iri.rstrip("/").rsplit("/", 1)[-1]


def render(node: Node, prefixes: Mapping[str, str]) -> str:
    """`prefix:local` for IRIs in a known namespace, else `<iri>`; literals in Turtle form."""
    if isinstance(node, URIRef):
        for prefix, namespace in prefixes.items():
            if str(node).startswith(namespace) and len(str(node)) > len(namespace):
                return f"{prefix}:{str(node)[len(namespace) :]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        text = node.n3()
        if node.datatype is not None:
            datatype = render(node.datatype, prefixes)
            text = text[: text.rindex("^^") + 2] + datatype
        return text
    return node_id(node)


def node_id(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def one_line(result: ShapeResult) -> str:
    path = f" {result.path}" if result.path else ""
    where = f" ({result.source})" if result.source else ""
    return f"<{result.focus_node}>{path}: {result.message}{where}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
