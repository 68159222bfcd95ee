"""The parked file of a build report: its issues, merges and near misses out of memory.

Between emit and the report nothing reads a build's rows but their counts, and at x1000 they
are ~1.5 GB of objects (issue 13), so `BuildReport.park` writes them here. Per kind, frames of
up to `PARKED_BLOCK` rows: the frame's length (8 bytes) and the pickled list of the rows, each
row a tuple of its fields' values (an issue's as `issue_fields`, `issue_of` makes the same
Issue again; a merge's or near miss's in field order, `flat_row_of` gives its report.json
row). Pickled tuples, not JSON objects: at x1000 (3M rows) writing them takes a third of the
time (x1000: 2.7-3.1 s against 8.1-9.3 s), and this is on the build's critical path. The
file is the build's own, written and read back by the same build, and never published. The
byte span of each kind lets a reader skip the others.

After the report's files are written the file's name is deleted but the file is kept open
(`ParkedFile.detach`): a build's caller rarely reads a million issues back (x1000: ~1.8 s of
the build's one-core tail), so they are read only when asked (`dlkg build -v`).
"""

from __future__ import annotations

import itertools
import operator
import os
import pickle
import struct
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from .model import Merge, NearMiss
from .records import Issue, Level, Provenance

# rows per frame of the parked file: pickle is called once per frame, not per row
PARKED_BLOCK = 10_000
_FRAME = struct.Struct("<Q")  # the byte length of the pickled frame that follows
_LEVELS = {level.value: level for level in Level}  # `Level(v)` is 3 µs an issue (enum's call)
_FIELDS = {kind: tuple(f.name for f in fields(kind)) for kind in (Merge, NearMiss)}
_VALUES = {kind: operator.attrgetter(*names) for kind, names in _FIELDS.items()}
_READ_BYTES = 1 << 20  # the most one read asks for (a frame is read in as many as it needs)


def issue_fields(i: Issue) -> tuple[object, ...]:
    """An issue as a parked row: every field, so `issue_of` makes the same Issue again."""
    where = i.where
    place = (where.source_id, where.path, where.line) if where else (None, None, None)
    return (i.code, i.level.value, i.message, i.action, *place)


def issue_of(row: tuple[Any, ...]) -> Issue:
    code, level, message, action, source_id, path, line = row
    where = None if source_id is None else Provenance(source_id, path, line)
    return Issue(code, _LEVELS[level], message, where, action)


def flat_row(row: Merge | NearMiss) -> dict[str, Any]:
    """`asdict(row)` for the flat Merge and NearMiss, 20x cheaper (x1000: ~2M rows, ~17 s)."""
    return {name: getattr(row, name) for name in _FIELDS[type(row)]}


def flat_values(row: Merge | NearMiss) -> tuple[Any, ...]:
    """A merge or near miss as a parked row: its fields' values, in field order."""
    values: tuple[Any, ...] = _VALUES[type(row)](row)
    return values


def flat_row_of(kind: type[Merge] | type[NearMiss], values: tuple[Any, ...]) -> dict[str, Any]:
    """The report.json row (`flat_row`) of a parked merge or near miss."""
    return dict(zip(_FIELDS[kind], values, strict=True))


class ParkedFile:
    """A written parked file: its path (until `detach`) and each kind's byte span."""

    def __init__(self, path: Path, spans: dict[str, tuple[int, int]]) -> None:
        self.path: Path | None = path
        self.spans = spans
        self._fd: int | None = None
        self._closer: Callable[[], object] | None = None  # a weakref.finalize

    @classmethod
    def write(cls, path: Path, kinds: Iterable[tuple[str, Iterable[object]]]) -> ParkedFile:
        """Write each kind's rows (already in their parked form) to a new file at `path`."""
        spans: dict[str, tuple[int, int]] = {}
        with path.open("wb") as out:
            for kind, rows in kinds:
                start, rows = out.tell(), iter(rows)
                while block := list(itertools.islice(rows, PARKED_BLOCK)):
                    frame = pickle.dumps(block, protocol=pickle.HIGHEST_PROTOCOL)
                    out.write(_FRAME.pack(len(frame)))
                    out.write(frame)
                spans[kind] = (start, out.tell())
        return cls(path, spans)

    def rows(self, kind: str) -> Iterator[Any]:
        """The rows of one kind, read from their span (each call from the start of it)."""
        start, end = self.spans[kind]
        if self._fd is not None:
            fd = self._fd
            frames = _frames(lambda size, at: os.pread(fd, size, at), start, end)
        elif self.path is not None:
            frames = _frames_of(self.path, start, end)
        else:
            raise ValueError("the parked file is closed")
        for frame in frames:
            # our own file, written by this build (module docstring)
            yield from pickle.loads(frame)  # noqa: S301

    def detach(self) -> bool:
        """Delete the file's name and keep it open: readable until this object goes. False
        where an open file cannot be deleted or read by position (then nothing changed)."""
        if self.path is None or self._fd is not None:
            return self._fd is not None
        if not hasattr(os, "pread"):
            return False
        fd = os.open(self.path, os.O_RDONLY)
        try:
            self.path.unlink()
        except OSError:  # Windows: an open file cannot be deleted
            os.close(fd)
            return False
        self._fd, self.path = fd, None
        self._closer = weakref.finalize(self, os.close, fd)  # closed when the report goes
        return True

    def delete(self) -> None:
        """Delete the file (or close it, if detached)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None
        if self._closer is not None:
            self._closer()  # closes the descriptor once: the finalizer is then dead
            self._fd, self._closer = None, None


def _frames_of(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as file:

        def read(size: int, at: int) -> bytes:
            file.seek(at)
            return file.read(size)

        yield from _frames(read, start, end)


def _frames(read: Callable[[int, int], bytes], start: int, end: int) -> Iterator[bytes]:
    """The frames between two byte offsets, through `read(size, offset)` (`os.pread` on an
    open descriptor: two readers of it do not move each other's offset)."""
    while start < end:
        (size,) = _FRAME.unpack(_read_exactly(read, _FRAME.size, start))
        start += _FRAME.size
        yield _read_exactly(read, size, start)
        start += size


def _read_exactly(read: Callable[[int, int], bytes], size: int, at: int) -> bytes:
    """`size` bytes at `at`, in reads of at most `_READ_BYTES` (a read may return fewer)."""
    parts, got = [], 0
    while got < size:
        part = read(min(_READ_BYTES, size - got), at + got)
        if not part:
            raise ValueError(f"the parked file ends at byte {at + got}, inside a frame")
        parts.append(part)
        got += len(part)
    return b"".join(parts)


__all__ = [
    "PARKED_BLOCK",
    "ParkedFile",
    "flat_row",
    "flat_row_of",
    "flat_values",
    "issue_fields",
    "issue_of",
]
