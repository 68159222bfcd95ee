"""Validation in shards: the same report as one run over the whole graph, in linear time.

The Rust engine's run over a whole graph grows faster than the graph (exponent 1.25-1.3 from
x10 to x100 in `bench/growth.py`, though reading the data alone grows linearly). So a big file
is split into shards of a bounded size (`partition.py`), each holding its members' statements
and the closure the shapes read about them (`locality.py`), and the engine runs once per
shard; a shard's results are kept for its own members only. The global shapes (uniqueness
across the graph) run once, on a projection holding only their candidates. Every shard run
costs the same at any size of the data, so the whole grows linearly by construction, and at
most one shard is in the engine's memory at a time.

`tests/validate/test_sharded.py` checks that this gives the whole-graph report, result for
result, on the real data and on crafted graphs, with shards of one to three entities.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import shacl
from rdflib import Graph, Literal, URIRef

from ..namespaces import SH
from .fast import FastShapes, compile_shapes, results_of
from .locality import Plan, declared_shapes, plan, shadow
from .partition import BlankNodesError, partition, shard_of
from .results import Lookup, ValidationReport

__all__ = ["BlankNodesError", "ShardedShapes", "compile_sharded", "validate_sharded"]


@dataclass(frozen=True)
class ShardedShapes:
    """The shapes split for sharding: the local ones and the global ones, each compiled."""

    plan: Plan
    local: FastShapes  # every shape but the global ones
    global_shapes: FastShapes | None  # only the global ones (None: there are none)


def compile_sharded(shapes: Graph, prefixes: Mapping[str, str]) -> ShardedShapes:
    """Place the (hoisted) `shapes` and compile the local and the global ones apart."""
    placed = plan(shapes)
    everything = {s for s in declared_shapes(shapes) if isinstance(s, URIRef)}
    local_shapes = _deactivated(shapes, set(placed.global_shapes))
    for shape, _p, value in list(local_shapes.triples((None, SH["class"], None))):
        local_shapes.remove((shape, SH["class"], value))
        local_shapes.add((shape, SH["class"], URIRef(shadow(str(value)))))
    local = compile_shapes(local_shapes, prefixes)
    global_shapes = None
    if placed.global_shapes:
        others = everything - set(placed.global_shapes)
        global_shapes = compile_shapes(_deactivated(shapes, others), prefixes)
    return ShardedShapes(placed, local, global_shapes)


def _deactivated(shapes: Graph, off: set[URIRef]) -> Graph:
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace)
    copy += shapes
    for shape in off:
        copy.set((shape, SH.deactivated, Literal(True)))
    return copy


def validate_sharded(
    path: Path,
    shapes: ShardedShapes,
    *,
    count: int,
    lookup: Lookup,
    line_index: Mapping[str, str],
    work_dir: Path | None = None,
) -> ValidationReport:
    """Validate the N-Quads file at `path` in `count` shards (written to a temporary folder in
    `work_dir`, by default the file's own folder, and removed afterwards). Raises `BlankNodesError`
    for a file with blank nodes, which the caller validates in one run."""
    if shapes.plan.unsupported:
        raise ValueError(f"these shapes cannot be sharded: {'; '.join(shapes.plan.unsupported)}")
    started = time.perf_counter()
    kept: list[shacl.Result] = []
    with tempfile.TemporaryDirectory(prefix=".validate-", dir=work_dir or path.parent) as work:
        parts = partition(path, shapes.plan, count, Path(work))
        for k, shard in enumerate(parts.shards):
            report = shapes.local.engine.validate_file(str(shard), allow_warnings=True)
            # a shard also holds facts about other shards' nodes: their results are not whole
            kept.extend(r for r in report.results if shard_of(r.focus_node.encode(), count) == k)
            shard.unlink()
        if parts.candidates is not None and shapes.global_shapes is not None:
            report = shapes.global_shapes.engine.validate_file(
                str(parts.candidates), allow_warnings=True
            )
            kept.extend(report.results)
    seconds = time.perf_counter() - started
    results = results_of(kept, shapes.local, lookup, line_index)
    return ValidationReport.of(results, triples=parts.lines, seconds=seconds, engine="shacl")
