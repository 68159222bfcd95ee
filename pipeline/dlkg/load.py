"""Load: the build's N-Quads into a new on-disk pyoxigraph store, block by block on two cores.

The loader runs in a thread of its own and may start while the file is still being written: the
build starts it as soon as the front (fetch to emit, in a forked child) has started, so the
blocks emit has written are loaded on the core emit leaves idle (issue 13), and it is told when
the file is whole. Kept apart from store.py (read-only access) so that `dlkg query` and the
server do not import the loader's threads, temporary files and their dependencies
(docs/scale.md, "Query start-up").
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import StoreError

# N-Quads bytes per bulk-load call. The loader holds several times its input while it parses,
# encodes and sorts a block (two 16 MiB blocks at once: ~290 MB in all at x100), so the load
# step's memory is set by this and LOAD_WORKERS, not by the size of the graph
# (docs/scale.md, "The load step in bounded memory").
LOAD_BLOCK_BYTES = 16 << 20
# Blocks loaded at once: pyoxigraph's loader parses a block in the calling thread and sorts it
# in another, one after the other; two blocks at a time keep both cores busy as one whole-file
# `bulk_load` does. While the file is still being written, one: the writer has the other core.
LOAD_WORKERS = 2
# how often the loader looks for more of a file that is still being written
POLL_SECONDS = 0.05
_POSITION = re.compile(r"^Parser error (?:at|between) .*?: |\s*\(line \d+\)$")
_NQ = ox.RdfFormat.N_QUADS

__all__ = ["LOAD_BLOCK_BYTES", "StoreLoader", "load_store"]


def load_store(nquads: bytes | Path, store_dir: Path, *, block_bytes: int | None = None) -> int:
    """Create a new store at `store_dir` (which must not exist) holding `nquads` (the bytes, or
    a whole file read a block at a time), merged for reading; return #quads. A failed load
    leaves no `store_dir`."""
    loader = StoreLoader(nquads, store_dir, block_bytes=block_bytes)
    try:
        loader.wait()
        count = len(loader.store)
    except BaseException:
        loader.close()
        raise
    loader.close(keep=True)
    return count


class StoreLoader:
    """A new store at `store_dir` (which must not exist) filled from `nquads` in a thread.

    `start` opens the store and starts reading; `nquads` may be a file that another process is
    still writing (only whole lines are loaded) until `written` says it is whole; `wait` returns
    once every quad is in, or raises a `StoreError` naming the input line. `paused` holds the
    loader between blocks (no bulk load running), for a fork of this process; `close` stops
    it, closes the store and removes it unless told to keep it."""

    def __init__(
        self, nquads: bytes | Path, store_dir: Path, *, block_bytes: int | None = None
    ) -> None:
        if store_dir.exists():
            raise StoreError("refusing to load into an existing folder", path=store_dir)
        store_dir.parent.mkdir(parents=True, exist_ok=True)
        self._source = nquads
        self._dir = store_dir
        self._block_bytes = block_bytes or LOAD_BLOCK_BYTES
        self._written = threading.Event()
        self._stop = threading.Event()
        self._state = threading.Condition()
        self._pause = False  # asked to hold between blocks
        self._holding = False  # holds: no bulk load runs
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

    def written(self) -> None:
        """The file is whole: load to its end, then stop."""
        self._written.set()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No bulk load runs inside this block (the running ones are finished first)."""
        with self._state:
            self._pause = True
            while not self._holding and self._thread is not None and self._thread.is_alive():
                self._state.wait(POLL_SECONDS)
        try:
            yield
        finally:
            with self._state:
                self._pause = False
                self._state.notify_all()

    def wait(self) -> None:
        """Return once every quad of the whole file is in and the store's files are merged; a
        failed load raises (and the store is closed and removed)."""
        self.start()
        self.written()
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
        with self._state:
            self._pause = False
            self._state.notify_all()
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
                for block in self._blocks():
                    self._hold_if_asked(running)
                    if block is None:  # nothing new in the file yet
                        continue
                    data, first_line = block
                    if b"_:" in data:
                        data = _set_aside(data, aside)
                    workers = LOAD_WORKERS if self._written.is_set() else 1
                    while len(running) >= workers:
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

    def _hold_if_asked(self, running: dict[Future[None], int]) -> None:
        with self._state:
            if not self._pause:
                return
        _finish(running, ALL_COMPLETED)
        with self._state:
            self._holding = True
            self._state.notify_all()
            while self._pause and not self._stop.is_set():
                self._state.wait()
            self._holding = False

    def _blocks(self) -> Iterator[tuple[bytes, int] | None]:
        """Whole lines of the source, about `block_bytes` at a time, each with its first line
        number; None whenever the file has nothing new yet (it is still being written)."""
        if not isinstance(self._source, Path):
            yield from _numbered(io.BytesIO(self._source), self._block_bytes, lambda: True)
            return
        while not self._source.exists() and not self._written.is_set():
            if self._stop.wait(POLL_SECONDS):
                return
            yield None
        with self._source.open("rb") as source:
            yield from _numbered(source, self._block_bytes, self._written.is_set, self._stop)


def _numbered(
    source: IO[bytes],
    size: int,
    whole: Callable[[], bool],
    stop: threading.Event | None = None,
) -> Iterator[tuple[bytes, int] | None]:
    """Blocks of whole lines of `source` (see `StoreLoader._blocks`); `whole()` says whether the
    file is complete: until then its end is waited for, not taken for the last line's."""
    line, carry = 1, b""
    while stop is None or not stop.is_set():
        complete = whole()  # before reading: all that was written by then is read below
        data = source.read(size)
        if data:
            carry += data
            while len(carry) >= size:
                cut = carry.rfind(b"\n", 0, size) + 1 or carry.find(b"\n") + 1
                if not cut:  # a line longer than a block, not yet ended
                    break
                yield carry[:cut], line
                line += carry.count(b"\n", 0, cut)
                carry = carry[cut:]
            continue
        if complete:
            if carry:
                yield (carry if carry.endswith(b"\n") else carry + b"\n"), line
            return
        yield None
        if stop is not None and stop.wait(POLL_SECONDS):
            return


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
