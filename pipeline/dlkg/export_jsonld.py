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
import multiprocessing
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError
from .export_lines import LabelledFile, from_node_order, node_order_blocks
from .extsort import sorted_blocks
from .jsonld import grouped, write_compact

Groups = list[tuple[str, list[LabelledFile]]]  # what `node_order_groups` gives


def write_jsonld(
    groups: Groups, out: Path, context_path: Path, context_iri: str, work: Path, run_bytes: int
) -> None:
    """The compact JSON-LD of the graphs' files in `groups` into `out`."""
    context = json.loads(context_path.read_bytes())["@context"]

    def quads() -> Iterator[ox.Quad]:
        for _, files in groups:  # in the JSON-LD's graph order
            for block in sorted_blocks(node_order_blocks(files), work, run_bytes):
                yield from ox.parse(from_node_order(block), format=ox.RdfFormat.N_QUADS)

    with out.open("wb") as handle:
        write_compact(grouped(quads()), handle, context, context_iri)


def _child(conn: Connection, *args: object) -> None:
    """The child's body: write, then send None, or the exception that stopped it."""
    try:
        write_jsonld(*args)  # type: ignore[arg-type]
    except BaseException as err:  # every failure goes back to the parent
        conn.send(err)
    else:
        conn.send(None)
    finally:
        conn.close()


class Background:
    """`write_jsonld` in a child process ("spawn": a fresh interpreter, safe beside the thread
    that writes the TriG and the store's own threads, which "fork" would copy mid-work)."""

    def __init__(self, *args: object) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_end = ctx.Pipe(duplex=False)
        self._process: BaseProcess = ctx.Process(
            target=_child, args=(child_end, *args), name="dlkg-export-jsonld", daemon=True
        )
        self._process.start()
        child_end.close()

    def result(self, target: Path) -> None:
        """Wait for the child; raise what stopped it (an OSError stays an OSError)."""
        try:
            err = self._conn.recv()
        except EOFError:  # it died without a word: killed, or out of memory
            self._process.join()
            code = self._process.exitcode
            raise StoreError(
                f"the JSON-LD writer stopped (exit code {code})", path=target
            ) from None
        finally:
            self._conn.close()
        self._process.join()
        if err is not None:
            raise err

    def stop(self) -> None:
        """End the child if it still runs (export failed elsewhere) and wait for it."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()


__all__ = ["Background", "Groups", "write_jsonld"]
