"""The JSON-LD dump, written in this process or in a second one beside the other dumps.

The JSON-LD is the one dump made by Python code per node (compaction, `jsontext`). Its nodes
are made during the store scan when the store gives each node's quads together
(`export_nodes`); what is left here is to sort those node records and write them, or, where
they cannot be used, to sort the quads by node and compact them. On a big build this runs in a
child process (`export_child`) while this one sorts the N-Triples and N-Quads. The child gets
plain data (file names, the context file), not the store, and writes into the temporary file
export made for it; export renames that file into place only when the child reports success,
so a failure (a full disk) leaves nothing half-written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from .export_child import Child
from .export_lines import from_node_order, node_order_blocks
from .export_nodes import NodesOutOfOrderError, write_nodes
from .extsort import file_chunks, lines_of, sorted_blocks
from .jsonld import Group, Object, write_compact

Groups = list[tuple[str, list[str]]]  # what `node_order_groups` gives
_SLICE = 8192  # lines parsed at a time


def write_jsonld(
    groups: Groups,
    out: Path,
    context_path: Path,
    context_iri: str,
    work: Path,
    run_bytes: int,
    nodes: str | None = None,
    trig: tuple[str, dict[str, str]] | None = None,
    parallel: bool = False,
    part: tuple[bool, bool] = (True, True),
) -> None:
    """The compact JSON-LD of the graphs' files in `groups` into `out`: from the node records
    of the scan (`nodes`, a file of `export_nodes.NodeRecords`) when given and in order, else
    from the quads of the graphs' files sorted by node. With `trig` (a path and the prefixes)
    the TriG dump is written too, from the same quads in the same order (graph, subject): it
    needs no sort of its own. `parallel`: this runs in a child process of export's already (a
    big build), and the TriG writer gets one of its own. `part` (first, last): the groups are
    a part of the document (`Parts`), and the TriG of a part after the first has no prefix
    lines."""
    if nodes is not None and trig is None:
        records = sorted_blocks(lines_of(file_chunks(Path(nodes))), work, run_bytes)
        assert isinstance(records, Generator)  # closed below, so that its run files go now
        try:
            with out.open("wb") as handle:
                write_nodes(records, handle, context_iri)
            return
        except NodesOutOfOrderError:
            pass  # the store did not give each node's quads together: the quads, sorted
        finally:
            records.close()
    context = json.loads(context_path.read_bytes())["@context"]

    def quad_nodes(keep: Child | BinaryIO | None) -> Iterator[Group]:
        for key, files in groups:  # in the JSON-LD's graph order
            blocks = sorted_blocks(node_order_blocks(files), work, run_bytes)
            # parsed a slice at a time: the text of a whole 16 MiB block, and its edited
            # copies, would be held at once
            texts: Iterator[bytes] = (
                from_node_order(b[i : i + _SLICE]) for b in blocks for i in range(0, len(b), _SLICE)
            )
            if keep is not None:
                texts = _kept(texts, keep)
            parsed = (ox.parse(text, format=ox.RdfFormat.N_QUADS) for text in texts)
            yield from _by_subject(key, chain.from_iterable(parsed))

    with ExitStack() as stack:
        # the TriG writer gets the same quads in the same order, as they are sorted: in a
        # process of its own on a big build, else from a file here (a process costs ~0.2 s)
        keep: Child | BinaryIO | None = None
        sorted_quads = work / "node-order.nq"
        if trig is not None and parallel:
            keep = Child("trig", [*trig, not part[0]], stream=True)
            stack.callback(keep.stop)  # on any failure; a no-op once it is done
        elif trig is not None:
            keep = stack.enter_context(sorted_quads.open("wb"))
        with out.open("wb") as handle:
            write_compact(quad_nodes(keep), handle, context, context_iri, part)
        if trig is not None:
            trig_path, prefixes = trig
            if isinstance(keep, Child):
                keep.result(Path(trig_path))
            else:
                stack.close()  # the file of sorted quads, complete
                quads = ox.parse(path=sorted_quads, format=ox.RdfFormat.N_QUADS)
                ox.serialize(quads, trig_path, ox.RdfFormat.TRIG, prefixes=prefixes)


def _kept(texts: Iterator[bytes], keep: Child | BinaryIO) -> Iterator[bytes]:
    """The texts, each also written to `keep` on its way through (a child that stopped
    reading has failed: its result says why)."""
    if isinstance(keep, Child):
        reading = True
        for text in texts:
            if reading:
                reading = keep.write(text)
            yield text
        return
    for text in texts:
        keep.write(text)
        yield text


def _by_subject(graph: str, quads: Iterator[ox.Quad]) -> Iterator[Group]:
    """`jsonld.grouped` for the quads of one graph group: the graph is known, so only the
    subject is compared, as a term (the costliest loop of the JSON-LD, once per quad)."""
    subject: object = None
    pairs: list[tuple[str, Object]] = []
    for quad in quads:
        if quad.subject != subject:
            if pairs:
                yield graph, _name(subject), pairs
            subject, pairs = quad.subject, []
        obj = quad.object
        if isinstance(obj, ox.Triple):
            raise ValueError("quoted triples (RDF-star) have no JSON-LD 1.1 form")
        pairs.append((quad.predicate.value, obj))
    if pairs:
        yield graph, _name(subject), pairs


def _name(subject: object) -> str:
    if isinstance(subject, ox.NamedNode):
        return subject.value
    if isinstance(subject, ox.BlankNode):
        return f"_:{subject.value}"
    raise ValueError("quoted triples (RDF-star) have no JSON-LD 1.1 form")


def job(args: list[Any]) -> None:
    """`write_jsonld` as the child process's job (`export_child.JOBS`)."""
    trig = (args[7][0], args[7][1]) if args[7] else None
    part = (bool(args[8][0]), bool(args[8][1]))
    write_jsonld(
        args[0],
        Path(args[1]),
        Path(args[2]),
        args[3],
        Path(args[4]),
        args[5],
        args[6],
        trig,
        True,
        part,
    )


class Background(Child):
    """`write_jsonld` in a child process (`export_child`)."""

    def __init__(
        self,
        groups: Groups,
        out: Path,
        context: Path,
        context_iri: str,
        work: Path,
        runs: int,
        nodes: str | None = None,
        trig: tuple[str, dict[str, str]] | None = None,
        part: tuple[bool, bool] = (True, True),
    ) -> None:
        args = [groups, str(out), str(context), context_iri, str(work), runs, nodes, trig, part]
        super().__init__("jsonld", args)


class Parts:
    """`write_jsonld` in two child processes, each for about half of the graphs' bytes (a big
    build: one such child was export's longest task, x1000: 141 s after the rest was done).

    The first part writes the document's head into `out` and the TriG's prefixes into the
    TriG file; the second writes the rest into work files, which `result` appends to them: the
    same bytes as one child writes (tested). With node records, or a single graph, one child."""

    def __init__(
        self,
        groups: Groups,
        out: Path,
        context: Path,
        context_iri: str,
        work: Path,
        runs: int,
        nodes: str | None = None,
        trig: tuple[str, dict[str, str]] | None = None,
    ) -> None:
        halves = [groups] if nodes is not None else _halves(groups)
        self._appended: list[tuple[Path, Path]] = []  # (part's file, the file it continues)
        self._children: list[Background] = []
        runs //= len(halves)  # the parts sort at once: together they hold what one did
        for i, part_groups in enumerate(halves):
            first, last = i == 0, i == len(halves) - 1
            part_out = out if first else work / f"part-{i}.jsonld"
            part_trig = trig
            if trig is not None and not first:
                part_trig = (str(work / f"part-{i}.trig"), trig[1])
                self._appended.append((Path(part_trig[0]), Path(trig[0])))
            if not first:
                self._appended.append((part_out, out))
            args = (part_groups, part_out, context, context_iri, work, runs, nodes, part_trig)
            self._children.append(Background(*args, (first, last)))

    def result(self, target: Path) -> None:
        """Wait for every part; raise what stopped one; join the parts."""
        for child in self._children:
            child.result(target)
        for part, whole in self._appended:
            with part.open("rb") as source, whole.open("ab") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            part.unlink()

    def stop(self) -> None:
        for child in self._children:
            child.stop()


def _halves(groups: Groups) -> list[Groups]:
    """`groups` in two parts of consecutive graphs with about the same bytes each, or one
    part if there is a single graph or an empty one (each part must have a node)."""
    sizes = [sum(Path(f).stat().st_size for f in files) for _, files in groups]
    if len(groups) < 2 or not all(sizes) or groups[0][0] == "":
        return [groups]
    total, running, cut = sum(sizes), 0, 1
    best = total
    for i in range(1, len(groups)):
        running += sizes[i - 1]
        if abs(total - 2 * running) < best:
            best, cut = abs(total - 2 * running), i
    return [groups[:cut], groups[cut:]]


__all__ = ["Background", "Groups", "Parts", "job", "write_jsonld"]
