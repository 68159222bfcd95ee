"""The canonical Turtle formatter: `ontology/*.ttl` and `shapes/*.ttl` match it byte for byte.

`dlkg fmt` rewrites them (or the files given), `dlkg fmt --check` only reports; a test checks
every shipped file. Canonical means a pure function of the triples, so reviews see only real
changes and two editors never fight over layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from . import resources
from .common import graph_prefixes, turtle_files, write_atomic
from .errors import UsageError


def canonical_turtle(graph: Graph) -> str:
    """The canonical Turtle text of `graph`: what `ontology/` and `shapes/` files must contain.

    rdflib's serializer sorts subjects, predicates and objects, but blank nodes sort by their
    random ids; relabelling them with RDFC (rdflib's `to_canonical_graph`) first makes the
    output a pure function of the triples. Prefixes are those of `namespaces.PREFIXES` plus
    any other prefix bound in `graph` (e.g. the shapes' own `dlkgsh:`); only used ones appear.

    >>> print(canonical_turtle(Graph().parse(data="<http://x/a> <http://x/b> 1 .", format="ttl")))
    @prefix ns1: <http://x/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <BLANKLINE>
    ns1:a ns1:b 1 .
    <BLANKLINE>
    <BLANKLINE>
    """
    canonical = Graph(bind_namespaces="none")
    for prefix, namespace in graph_prefixes(graph).items():
        canonical.bind(prefix, namespace)
    for triple in to_canonical_graph(graph):
        canonical.add(triple)
    return canonical.serialize(format="turtle")


def format_turtle_file(path: Path, *, check: bool = False) -> bool:
    """Rewrite `path` in canonical Turtle (atomically); return True if it was not canonical.

    With `check`, only report: the file is left untouched. A file that is not Turtle is a
    UsageError naming it.
    """
    text = path.read_text(encoding="utf-8")
    try:
        graph = Graph().parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises parser-specific types
        raise UsageError(f"not valid Turtle: {exc}", path=path) from None
    wanted = canonical_turtle(graph)
    if wanted == text:
        return False
    if not check:
        write_atomic(path, wanted.encode("utf-8"))
    return True


def shipped_turtle_files() -> list[Path]:
    """The files `dlkg fmt` formats by default: the ontology and the shapes."""
    return [*turtle_files(resources.ontology_dir()), *turtle_files(resources.shapes_dir())]


def format_files(paths: Iterable[Path], *, check: bool = False) -> list[Path]:
    """The files of `paths` that were not canonical (rewritten unless `check`)."""
    return [path for path in paths if format_turtle_file(path, check=check)]
