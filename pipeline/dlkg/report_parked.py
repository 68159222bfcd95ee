"""The parked file of a build report: its issues, merges and near misses out of memory.

Between emit and the report nothing reads a build's rows but their counts, and at x1000 they
are ~1.5 GB of objects (issue 13), so `BuildReport.park` writes them here. Per kind, lines of
the kind's letter and a JSON array of up to `PARKED_BLOCK` rows (the encoder and decoder run
once per block, not per row); the byte span of each kind lets a reader skip the others. An
issue is parked as its fields (`issue_of` makes the same Issue again), a merge or near miss as
its report.json row.

After the report's files are written the file's name is deleted but the file is kept open
(`ParkedFile.detach`): a build's caller rarely reads a million issues back (x1000: ~1.8 s of
the build's one-core tail), so they are read only when asked (`dlkg build -v`).
"""

from __future__ import annotations

import itertools
import json
import os
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from .model import Merge, NearMiss
from .records import Issue, Level, Provenance

# rows per line of the parked file: the JSON encoder is set up once per call, not per row
PARKED_BLOCK = 10_000
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_LEVELS = {level.value: level for level in Level}  # `Level(v)` is 3 µs an issue (enum's call)
_FIELDS = {kind: tuple(f.name for f in fields(kind)) for kind in (Merge, NearMiss)}
_READ_BYTES = 1 << 20


def issue_fields(i: Issue) -> list[object]:
    """An issue as a parked row: every field, so `issue_of` makes the same Issue again."""
    where = i.where
    place = (where.source_id, where.path, where.line) if where else (None, None, None)
    return [i.code, i.level.value, i.message, i.action, *place]


def issue_of(row: list[Any]) -> Issue:
    code, level, message, action, source_id, path, line = row
    where = None if source_id is None else Provenance(source_id, path, line)
    return Issue(code, _LEVELS[level], message, where, action)


def flat_row(row: Merge | NearMiss) -> dict[str, Any]:
    """`asdict(row)` for the flat Merge and NearMiss, 20x cheaper (x1000: ~2M rows, ~17 s)."""
    return {name: getattr(row, name) for name in _FIELDS[type(row)]}


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
                    out.write(f"{kind}{_ENCODE(block)}\n".encode())
                spans[kind] = (start, out.tell())
        return cls(path, spans)

    def rows(self, kind: str) -> Iterator[Any]:
        """The rows of one kind, read from their span (each call from the start of it)."""
        start, end = self.spans[kind]
        if self._fd is not None:
            lines = _lines_at(self._fd, start, end)
        elif self.path is not None:
            lines = _lines_of(self.path, start, end)
        else:
            raise ValueError("the parked file is closed")
        for line in lines:
            yield from json.loads(line[1:])

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


def _lines_of(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as lines:
        lines.seek(start)
        while lines.tell() < end and (line := lines.readline()):
            yield line


def _lines_at(fd: int, start: int, end: int) -> Iterator[bytes]:
    """The lines of an open file between two byte offsets, read by position: two readers
    of one descriptor do not move each other's offset."""
    pending = bytearray()
    while start < end:
        chunk = os.pread(fd, min(_READ_BYTES, end - start), start)
        if not chunk:
            break
        start += len(chunk)
        pending += chunk
        cut = pending.rfind(b"\n")
        if cut >= 0:  # the whole lines read so far, split at b"\n" only, as readline does
            yield from bytes(pending[:cut]).split(b"\n")
            del pending[: cut + 1]
    if pending:
        yield bytes(pending)


__all__ = ["PARKED_BLOCK", "ParkedFile", "flat_row", "issue_fields", "issue_of"]
