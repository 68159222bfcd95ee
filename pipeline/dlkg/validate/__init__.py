"""Validate the emitted dataset against the SHACL shapes in `shapes/` and report with file:line.

The union of all named graphs (plus the ontology, so `sh:class` sees `rdfs:subClassOf`) is
validated with inference off by one of two engines that give the same report:

- `shacl` (the default, `fast.py`): the Rust `shacl` package reads the data as N-Quads, with
  each `sh:pattern` checked by Python's `re` as pySHACL does;
- `pyshacl` (`reference.py`, `dlkg build --validator pyshacl`): pySHACL over an rdflib union
  graph, the reference the shapes were written against.

Both make their `ShapeResult`s the same way (`results.py`). The canonical Turtle formatter of
`ontology/` and `shapes/` is `fmt.py` (`dlkg fmt`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph

from .. import resources
from ..common import graph_prefixes, load_turtle_dir, turtle_files, union_graph
from ..errors import NotConformant
from ..namespaces import SH
from ..settings import VALIDATORS
from .results import (
    Lookup,
    ShapeResult,
    ValidationReport,
    lookup_in,
    one_line,
    plural,
)

if TYPE_CHECKING:  # the fast engine imports `shacl` only when it runs
    from .fast import FastShapes
    from .sharded import ShardedShapes

__all__ = [
    "DEFAULT_VALIDATOR",
    "SHARD_BYTES",
    "VALIDATORS",
    "Lookup",
    "ShapeResult",
    "ValidationReport",
    "hoist_property_shapes",
    "lookup_in",
    "lookup_in_file",
    "raise_if_not_conformant",
    "validate_graph",
    "validate_nquads_file",
]

DEFAULT_VALIDATOR = VALIDATORS[0]
# the size of a shard of a big N-Quads file (validate_nquads_file); measured in docs/scale.md
SHARD_BYTES = 48 << 20


def validate_graph(
    data: Dataset | Graph,
    *,
    shapes_dir: Path | None = None,
    ontology_dir: Path | None = None,
    line_index: Mapping[str, str] | None = None,
    validator: str = DEFAULT_VALIDATOR,
) -> ValidationReport:
    """Validate the union of every graph in `data` against the shapes in `shapes_dir`.

    Defaults come from `dlkg.resources`. The ontology in `ontology_dir` is added to the union
    (it is also the `graph/ontology` named graph of an emitted dataset; adding it twice is a
    no-op) so that `sh:class` follows `rdfs:subClassOf` without inference. `line_index` maps
    node IRIs to "path:line"; nodes it lacks are looked up in the data itself
    (`dlkg:sourceLine` + `prov:wasDerivedFrom`). `validator` picks the engine (`VALIDATORS`).
    """
    shapes = shapes_dir or resources.shapes_dir()
    ontology = ontology_dir or resources.ontology_dir()
    if validator == "pyshacl":
        from .reference import validate_with_pyshacl  # pyshacl: a slow import

        hoisted, prefixes = _load_shapes(shapes)
        union = union_graph(data)
        union += load_turtle_dir(ontology)
        return validate_with_pyshacl(union, hoisted, prefixes, line_index or {})
    if validator != "shacl":
        raise ValueError(f"unknown validator {validator!r}: one of {', '.join(VALIDATORS)}")
    from .fast import validate_nquads_text

    text = data.serialize(format="nquads" if isinstance(data, Dataset) else "nt")
    return validate_nquads_text(
        text + _ontology_ntriples(*_dir_key(ontology)),
        _fast_shapes(*_dir_key(shapes)),
        lookup=lookup_in(data),
        line_index=line_index or {},
    )


def validate_nquads_file(
    path: Path,
    *,
    lookup: Lookup,
    line_index: Mapping[str, str] | None = None,
    shapes_dir: Path | None = None,
    shards: int | None = None,
) -> ValidationReport:
    """Validate the union of the graphs of an N-Quads file with the fast engine.

    For the build: the file is the emitted dataset, which holds the ontology as a named graph
    already, so nothing is added. `lookup` finds source lines the `line_index` lacks. A file
    of more than `SHARD_BYTES` is validated in shards of about that size (`sharded.py`: the
    same report, in time linear in the data); `shards` sets their number (1: the whole file in
    one run). Shapes that cannot be sharded soundly, or blank nodes in the file, make it one
    run whatever the size.
    """
    directory = shapes_dir or resources.shapes_dir()
    count = shards if shards is not None else -(-path.stat().st_size // SHARD_BYTES)
    if count > 1:
        sharded = _sharded_shapes(*_dir_key(directory))
        if not sharded.plan.unsupported:
            from .sharded import BlankNodesError, validate_sharded

            try:
                return validate_sharded(
                    path, sharded, count=count, lookup=lookup, line_index=line_index or {}
                )
            except BlankNodesError:
                pass  # one run, below
    from .fast import validate_nquads_file as validate_file

    shapes = _fast_shapes(*_dir_key(directory))
    return validate_file(path, shapes, lookup=lookup, line_index=line_index or {})


def lookup_in_file(path: Path) -> Lookup:
    """A `Lookup` over an N-Quads file (read only when a result needs a source line)."""
    from .fast import lookup_in_file as in_file

    return in_file(path)


def raise_if_not_conformant(report: ValidationReport, *, strict: bool = False) -> None:
    """Raise `NotConformant` with a one-line summary when there are violations (or, with
    `strict`, warnings): "3 SHACL violations; first: <focus> path: message (README.md:57)"."""
    failing = report.violations + (report.warnings if strict else [])
    if not failing:
        return
    parts = []
    if report.violations:
        parts.append(plural(len(report.violations), "SHACL violation"))
    if strict and report.warnings:
        parts.append(plural(len(report.warnings), "SHACL warning"))
    raise NotConformant(f"{' and '.join(parts)}; first: {one_line(failing[0])}")


def hoist_property_shapes(shapes: Graph) -> Graph:
    """A copy of `shapes` where each property shape carries the targets of the node shape that
    lists it under `sh:property`, and the `sh:property` links are dropped.

    The results are the same (focus nodes, values, `sh:sourceShape` = the property shape), but
    pySHACL then validates each property shape once for all its focus nodes instead of once per
    focus node, which makes a ~40k-triple dataset validate about 3x faster. The files keep the
    readable node-shape/property-shape structure; `tests/validate/test_shapes.py` checks
    equivalence. Both engines get the hoisted shapes, so they see the same shape structure.
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


def _load_shapes(directory: Path) -> tuple[Graph, dict[str, str]]:
    shapes = load_turtle_dir(directory)
    return hoist_property_shapes(shapes), graph_prefixes(shapes)


def _dir_key(directory: Path) -> tuple[Path, tuple[tuple[str, int, int], ...]]:
    """A folder and its Turtle files' names, sizes and mtimes: what the caches below are keyed
    on, so an edited shapes file is recompiled within one process (tests, `dlkg serve`)."""
    files = turtle_files(directory)
    return directory, tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files)


@cache
def _fast_shapes(directory: Path, _files: tuple[tuple[str, int, int], ...]) -> FastShapes:
    from .fast import compile_shapes

    return compile_shapes(*_load_shapes(directory))


@cache
def _sharded_shapes(directory: Path, _files: tuple[tuple[str, int, int], ...]) -> ShardedShapes:
    from .sharded import compile_sharded

    return compile_sharded(*_load_shapes(directory))


@cache
def _ontology_ntriples(directory: Path, _files: tuple[tuple[str, int, int], ...]) -> str:
    return load_turtle_dir(directory).serialize(format="nt")
