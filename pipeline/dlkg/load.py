"""Load: the build's N-Quads into a new on-disk pyoxigraph store, block by block on two cores.

Kept apart from store.py (read-only access) so that `dlkg query` and the server do not import
the loader's thread pool, temporary files and their dependencies (docs/scale.md, "Query start-up").
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .chunks import whole_line_chunks
from .errors import StoreError

# N-Quads bytes per bulk-load call. The loader holds several times its input while it parses,
# encodes and sorts a block (two 16 MiB blocks at once: ~290 MB in all at x100), so the load
# step's memory is set by this and LOAD_WORKERS, not by the size of the graph
# (docs/scale.md, "The load step in bounded memory").
LOAD_BLOCK_BYTES = 16 << 20
# Blocks loaded at once: pyoxigraph's loader parses a block in the calling thread and sorts it
# in another, one after the other; two blocks at a time keep both cores busy as one whole-file
# `bulk_load` does.
LOAD_WORKERS = 2
_POSITION = re.compile(r"^Parser error (?:at|between) .*?: |\s*\(line \d+\)$")


def load_store(
    nquads: bytes | Path, store_dir: Path, *, block_bytes: int = LOAD_BLOCK_BYTES
) -> int:
    """Create a new store at `store_dir` (which must not exist) holding `nquads` (the bytes, or
    a file read a block at a time); return #quads. A failed load leaves no `store_dir`."""
    if store_dir.exists():
        raise StoreError("refusing to load into an existing folder", path=store_dir)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    # errors name the input file and line; loaded from bytes, the store folder
    where = nquads if isinstance(nquads, Path) else store_dir
    failure: StoreError | None = None
    try:
        store = ox.Store(str(store_dir))
        try:
            with nquads.open("rb") if isinstance(nquads, Path) else io.BytesIO(nquads) as source:
                _load_blocks(store, source, block_bytes, store_dir.parent)
            # every block wrote its own sorted files, overlapping the others': reading them all
            # (export: two scans) took 3x as long until they are merged (x100: 11 s, 36 MB)
            store.optimize()
            store.flush()
            count = len(store)
        finally:
            del store  # closes the RocksDB handles before the folder is renamed or removed
    except _BlockError as exc:
        cause = exc.cause
        message = _POSITION.sub("", cause.msg if isinstance(cause, SyntaxError) else str(cause))
        line = exc.line if where is nquads else None
        failure = StoreError(f"cannot load the store: {message}", path=where, line=line)
    except (OSError, SyntaxError, ValueError) as exc:
        failure = StoreError(f"cannot load the store: {exc}", path=store_dir)
    if failure is not None:
        # only here, once the error's traceback (whose frames held the store) is gone, is the
        # store closed and its folder can go
        shutil.rmtree(store_dir, ignore_errors=True)
        raise failure
    return count


def add_nquads(store_dir: Path, data: bytes) -> None:
    """Add a few quads (N-Quads `data`, no blank nodes) to the store `load_store` made: the
    build graph, which is known only once validation has passed (build.py)."""
    try:
        store = ox.Store(str(store_dir))
        try:
            store.load(data, format=ox.RdfFormat.N_QUADS)
            store.flush()
        finally:
            del store
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot add to the store: {exc}", path=store_dir) from None


class _BlockError(Exception):
    """A block that failed to load, with the file line its error is on (if it is a parse error)."""

    def __init__(self, cause: Exception, first_line: int | None) -> None:
        super().__init__(str(cause))
        self.cause = cause
        lineno = cause.lineno if isinstance(cause, SyntaxError) else None
        self.line = first_line + lineno - 1 if lineno and first_line else None


def _blocks(source: IO[bytes], block_bytes: int) -> Iterator[tuple[bytes, int]]:
    """Whole lines of `source`, about `block_bytes` at a time, each with its first line number."""
    line = 1
    for block in whole_line_chunks(source, block_bytes):
        yield block, line
        line += block.count(b"\n")


def _load_blocks(store: ox.Store, source: IO[bytes], block_bytes: int, scratch: Path) -> None:
    """Bulk-load `source` block by block, LOAD_WORKERS blocks at a time.

    Each `bulk_load` call gives the blank nodes it reads fresh names, so a blank node must not
    be split over two calls: the lines with a blank node (or "_:" anywhere) are set aside in a
    scratch file and loaded together in one last call. The build emits none (emit.py)."""
    with (
        tempfile.TemporaryFile(dir=scratch, prefix=".bnodes-") as aside,
        ThreadPoolExecutor(LOAD_WORKERS, thread_name_prefix="dlkg-load") as pool,
    ):
        running: dict[Future[None], int] = {}
        try:
            for block, first_line in _blocks(source, block_bytes):
                if b"_:" in block:
                    block = _set_aside(block, aside)
                if len(running) >= LOAD_WORKERS:
                    _finish(running, FIRST_COMPLETED)
                job = pool.submit(store.bulk_load, block, format=ox.RdfFormat.N_QUADS)
                running[job] = first_line
            _finish(running, ALL_COMPLETED)
        finally:
            for job in running:
                job.cancel()
            wait(running)  # a load already running cannot be stopped: let it end
        if aside.tell():
            aside.seek(0)
            try:
                store.bulk_load(aside, format=ox.RdfFormat.N_QUADS)
            except (OSError, SyntaxError, ValueError) as exc:
                # its line numbers are the scratch file's: no line of the input to name
                raise _BlockError(exc, None) from None


def _set_aside(block: bytes, aside: IO[bytes]) -> bytes:
    """Move the lines of `block` that hold "_:" to `aside`, leaving an empty line in their
    place (so that a parse error's line number still counts the input's lines)."""
    keep = []
    for line in io.BytesIO(block):  # lines end at b"\n" only, as the blocks do
        if b"_:" in line:
            aside.write(line)
            keep.append(b"\n")
        else:
            keep.append(line)
    return b"".join(keep)


def _finish(running: dict[Future[None], int], when: str) -> None:
    done, _ = wait(running, return_when=when)
    for job in sorted(done, key=running.__getitem__):
        first_line = running.pop(job)
        error = job.exception()
        if error is not None:
            if isinstance(error, (OSError, SyntaxError, ValueError)):
                raise _BlockError(error, first_line)
            raise error
