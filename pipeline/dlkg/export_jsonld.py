"""The JSON-LD dump, written in this process or in a second one beside the other dumps.

The JSON-LD is the one dump made by Python code per node (compaction, `jsontext`): about half
of export's work once the store is scanned once (issue 13). On a big build it runs in a child
process while this one sorts the N-Triples and N-Quads and the store writes the TriG, so that
both cores work. The child gets plain data (file names, the context file), not the store, and
writes into the temporary file export made for it; export renames that file into place only
when the child reports success, so a failure (a full disk) leaves nothing half-written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError
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
) -> None:
    """The compact JSON-LD of the graphs' files in `groups` into `out`: from the node records
    of the scan (`nodes`, a file of `export_nodes.NodeRecords`) when given and in order, else
    from the quads of the graphs' files sorted by node."""
    if nodes is not None:
        records = sorted_blocks(lines_of(file_chunks(Path(nodes))), work, run_bytes)
        try:
            with out.open("wb") as handle:
                write_nodes(records, handle, context_iri)
            return
        except NodesOutOfOrderError:
            pass  # the store did not give each node's quads together: the quads, sorted
        finally:
            records.close()  # its run files go now
    context = json.loads(context_path.read_bytes())["@context"]

    def nodes() -> Iterator[Group]:
        for key, files in groups:  # in the JSON-LD's graph order
            blocks = sorted_blocks(node_order_blocks(files), work, run_bytes)
            # parsed a slice at a time: the text of a whole 16 MiB block, and its edited
            # copies, would be held at once
            texts = (
                from_node_order(b[i : i + _SLICE]) for b in blocks for i in range(0, len(b), _SLICE)
            )
            parsed = (ox.parse(text, format=ox.RdfFormat.N_QUADS) for text in texts)
            yield from _by_subject(key, chain.from_iterable(parsed))

    with out.open("wb") as handle:
        write_compact(nodes(), handle, context, context_iri)


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


# The child's program: dlkg imported from the parent's own sys.path (the same code), the job's
# arguments as JSON on stdin; an error is one JSON line on stdout and exit status 1.
_CHILD = "import sys; sys.path[:0] = sys.argv[1:]; from dlkg.export_jsonld import child; child()"


def child() -> None:
    """The child's body: write, or report what stopped it."""
    args = json.loads(sys.stdin.buffer.read())
    try:
        write_jsonld(
            args[0], Path(args[1]), Path(args[2]), args[3], Path(args[4]), args[5], args[6]
        )
    except OSError as err:
        _fail({"errno": err.errno, "strerror": err.strerror or str(err)})
    except Exception as err:  # reported to the parent, which raises it there
        _fail({"type": type(err).__name__, "message": str(err)})


def _fail(report: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
    raise SystemExit(1)


class Background:
    """`write_jsonld` in a child process: a fresh interpreter started with `subprocess` (not
    multiprocessing, whose "spawn" re-runs the caller's main script and whose "fork" would copy
    the TriG thread and the store's threads mid-work)."""

    def __init__(
        self,
        groups: Groups,
        out: Path,
        context: Path,
        context_iri: str,
        work: Path,
        runs: int,
        nodes: str | None = None,
    ) -> None:
        job = json.dumps([groups, str(out), str(context), context_iri, str(work), runs, nodes])
        paths = [p for p in sys.path if p]
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", _CHILD, *paths],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._process.stdin is not None
        self._process.stdin.write(job.encode("utf-8"))
        self._process.stdin.close()

    def result(self, target: Path) -> None:
        """Wait for the child; raise what stopped it (an OSError stays an OSError)."""
        assert self._process.stdout is not None
        out = self._process.stdout.read()
        code = self._process.wait()
        if code == 0:
            return
        try:
            report = json.loads(out.decode("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError):  # it died without a word: killed, or out of memory
            raise StoreError(
                f"the JSON-LD writer stopped (exit code {code})", path=target
            ) from None
        if "errno" in report:
            raise OSError(report["errno"], report["strerror"])
        if report.get("type") == "ValueError":
            raise ValueError(report["message"])
        raise StoreError(f"the JSON-LD writer failed: {report['message']}", path=target)

    def stop(self) -> None:
        """End the child if it still runs (export failed elsewhere) and wait for it."""
        if self._process.poll() is None:
            self._process.terminate()  # only the child this object started
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


__all__ = ["Background", "Groups", "child", "write_jsonld"]
