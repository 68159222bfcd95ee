"""Load: the build's N-Quads into a new on-disk pyoxigraph store, block by block on two cores.

The loader runs in a thread of its own (`StoreLoader`), beside the validator (a forked child
process, build_validate.py), and merges the store's files when the blocks are in. Kept apart
from store.py (read-only access) so that `dlkg query` and the server do not import the
loader's threads, temporary files and their dependencies (docs/scale.md, "Query start-up").
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import threading
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
_NQ = ox.RdfFormat.N_QUADS

__all__ = ["LOAD_BLOCK_BYTES", "StoreLoader", "load_store"]


def load_store(nquads: bytes | Path, store_dir: Path, *, block_bytes: int | None = None) -> int:
    """Create a new store at `store_dir` (which must not exist) holding `nquads` (the bytes, or
    a whole file read a block at a time), merged for reading; return #quads. A failed load
    leaves no `store_dir`."""
    loader = StoreLoader(nquads, store_dir, block_bytes=block_bytes)
    try:
        loader.start()
        loader.wait()
        count = len(loader.store)
    except BaseException:
        loader.close()
        raise
    loader.close(keep=True)
    return count


class StoreLoader:
    """A new store at `store_dir` (which must not exist) filled from `nquads` in a thread.

    `start` opens the store and starts reading; `wait` returns once every quad is in and the
    store's files are merged, or raises a `StoreError` naming the input line; `close` stops
    it, closes the store and removes it unless told to keep it. A process that forks while
    it runs copies no loader thread: the build forks its validator before `start`.

    Tried and dropped (docs/scale.md, "Filling the idle core"): loading the file while emit was
    still writing it. It helped at x100 (2-3 s) but slowed emit by half at x1000 (108 -> 158 s:
    the store's background compactions took emit's core) while validation, not the load, was
    then the longest task after emit, and it added ~400 MB beside emit's peak."""

    def __init__(
        self, nquads: bytes | Path, store_dir: Path, *, block_bytes: int | None = None
    ) -> None:
        if store_dir.exists():
            raise StoreError("refusing to load into an existing folder", path=store_dir)
        store_dir.parent.mkdir(parents=True, exist_ok=True)
        self._source = nquads
        self._dir = store_dir
        self._block_bytes = block_bytes or LOAD_BLOCK_BYTES
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failure: StoreError | None = None
        self._store: ox.Store | None = None

    def start(self) -> None:
        """Open the store and start loading (once; later calls do nothing)."""
        if self._thread is not None:
            return
        try:
            self._store = ox.Store(str(self._dir))
        except OSError as exc:
            raise StoreError(f"cannot load the store: {exc}", path=self._dir) from None
        self._thread = threading.Thread(target=self._run, name="dlkg-loader", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Return once every quad is in and the store's files are merged; a failed load
        raises (and the store is closed and removed)."""
        self.start()
        assert self._thread is not None
        self._thread.join()
        try:
            if self._failure is not None:
                raise self._failure
            self._optimize()
        except StoreError:
            self._failure = None
            self.close()
            raise

    @property
    def store(self) -> ox.Store:
        """The store (after a successful `wait`)."""
        assert self._store is not None
        return self._store

    def add(self, data: bytes) -> None:
        """Add a few quads (N-Quads `data`, no blank nodes) after `wait`: the build graph,
        which is known only once validation has passed (build.py)."""
        try:
            self.store.load(data, format=_NQ)
            self.store.flush()  # in the store's files, not only its log, as the rest is
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot add to the store: {exc}", path=self._dir) from None

    def _optimize(self) -> None:
        """Merge the files every block wrote (they overlap: reading them all took 3x as long
        until they were merged, x100: 11 s; queries read them) and flush."""
        assert self._store is not None
        try:
            self._store.optimize()
            self._store.flush()
        except OSError as exc:
            raise StoreError(f"cannot load the store: {exc}", path=self._dir) from None

    def close(self, *, keep: bool = False) -> None:
        """Stop loading and close the store; unless `keep`, remove its folder."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._store = None  # closes the RocksDB handles before the folder is renamed or removed
        if not keep:
            shutil.rmtree(self._dir, ignore_errors=True)

    def _run(self) -> None:
        assert self._store is not None
        where = self._source if isinstance(self._source, Path) else self._dir
        try:
            self._load(self._store)
        except _BlockError as exc:
            cause = exc.cause
            message = _POSITION.sub("", cause.msg if isinstance(cause, SyntaxError) else str(cause))
            line = exc.line if where is self._source else None
            self._failure = StoreError(f"cannot load the store: {message}", path=where, line=line)
        except (OSError, SyntaxError, ValueError) as exc:
            self._failure = StoreError(f"cannot load the store: {exc}", path=self._dir)
        except BaseException as exc:  # a bug: still an error the caller sees, not a lost thread
            self._failure = StoreError(f"the loader failed: {exc!r}", path=self._dir)

    def _load(self, store: ox.Store) -> None:
        """Bulk-load the source block by block, LOAD_WORKERS blocks at a time.

        Each `bulk_load` call gives the blank nodes it reads fresh names, so a blank node must
        not be split over two calls: the lines with a blank node (or "_:" anywhere) are set
        aside in a scratch file and loaded together in one last call. The build emits none."""
        with (
            tempfile.TemporaryFile(dir=self._dir.parent, prefix=".bnodes-") as aside,
            ThreadPoolExecutor(LOAD_WORKERS, thread_name_prefix="dlkg-load") as pool,
        ):
            running: dict[Future[None], int] = {}
            try:
                for data, first_line in self._blocks():
                    if self._stop.is_set():
                        break
                    if b"_:" in data:
                        data = _set_aside(data, aside)
                    if len(running) >= LOAD_WORKERS:
                        _finish(running, FIRST_COMPLETED)
                    running[pool.submit(store.bulk_load, data, format=_NQ)] = first_line
                _finish(running, ALL_COMPLETED)
            finally:
                for job in running:
                    job.cancel()
                wait(running)  # a load already running cannot be stopped: let it end
            if aside.tell() and not self._stop.is_set():
                aside.seek(0)
                try:
                    store.bulk_load(aside, format=_NQ)
                except (OSError, SyntaxError, ValueError) as exc:
                    # its line numbers are the scratch file's: no line of the input to name
                    raise _BlockError(exc, None) from None

    def _blocks(self) -> Iterator[tuple[bytes, int]]:
        """Whole lines of the source, about `block_bytes` at a time, each with its first line
        number."""
        with (
            self._source.open("rb")
            if isinstance(self._source, Path)
            else io.BytesIO(self._source) as source
        ):
            line = 1
            for block in whole_line_chunks(source, self._block_bytes):
                yield block, line
                line += block.count(b"\n")


class _BlockError(Exception):
    """A block that failed to load, with the file line its error is on (if it is a parse error)."""

    def __init__(self, cause: Exception, first_line: int | None) -> None:
        super().__init__(str(cause))
        self.cause = cause
        lineno = cause.lineno if isinstance(cause, SyntaxError) else None
        self.line = first_line + lineno - 1 if lineno and first_line else None


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
