"""Sorting more lines than memory should hold: an external merge sort with a bounded buffer.

The dumps are sorted line by line so that equal data gives equal bytes. Sorting them as one
`bytes` and one list of lines made export's memory grow with the data (about 4.6 GB at x100,
issue 13). Here at most `run_bytes` of lines are held at once: each full buffer is sorted and
written to a run file in `work_dir`, and the runs are merged with `heapq.merge`, which keeps one
line per run in memory. The result is the same bytes as sorting everything in memory: the same
byte order (lines compared without their newline, as `bytes.splitlines` gives them), duplicates
and blank lines left out (`in_memory_sorted` is that definition, and the tests compare the two).
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

# 32 MiB of line bytes per run: about 2-3x that in Python objects (a bytes object per line),
# and some 120 runs for the N-Quads of x1000 (3.7 GB), few enough to merge in one pass.
DEFAULT_RUN_BYTES = 32 << 20
_READ_BUFFER = 1 << 18  # per run file during the merge: 120 runs hold 30 MB of buffers


def in_memory_sorted(data: bytes) -> bytes:
    """The reference: every distinct non-blank line of `data`, sorted, each ending in a newline."""
    lines = sorted(set(data.splitlines()))
    return b"".join(line + b"\n" for line in lines if line.strip())


def file_lines(path: Path) -> Iterator[bytes]:
    """The lines of a file without their newline, read with a bounded buffer.

    Lines end at `\\n` only: the N-Triples and N-Quads writers escape `\\r` inside literals
    (ECHAR), so `bytes.splitlines`' other line ends never occur in what is sorted here.
    """
    with path.open("rb", buffering=_READ_BUFFER) as handle:
        for line in handle:
            yield line[:-1] if line.endswith(b"\n") else line


def sorted_unique(
    lines: Iterable[bytes], work_dir: Path, run_bytes: int = DEFAULT_RUN_BYTES
) -> Iterator[bytes]:
    """`lines` (without newlines) sorted bytewise, duplicates and blank lines dropped.

    Runs are written to temporary files in `work_dir` and removed when the iterator ends or is
    closed. Input that fits in one run is sorted in memory, without any file.
    """
    with ExitStack() as stack:
        runs: list[BinaryIO] = []
        buffer: list[bytes] = []
        size = 0
        for line in lines:
            if not line or line.isspace():  # what `not line.strip()` means, without a copy
                continue
            buffer.append(line)
            size += len(line) + 50  # + the list slot and bytes header: the real memory
            if size >= run_bytes:
                runs.append(_write_run(stack, work_dir, buffer))
                buffer, size = [], 0
        if runs:
            if buffer:
                runs.append(_write_run(stack, work_dir, buffer))  # sorts it
                buffer = []
            merged: Iterable[bytes] = heapq.merge(*(_run_lines(run) for run in runs))
        else:
            buffer.sort()
            merged = buffer
        previous: bytes | None = None
        for line in merged:
            if line != previous:
                yield line
                previous = line


def _write_run(stack: ExitStack, work_dir: Path, buffer: list[bytes]) -> BinaryIO:
    """One sorted run in an anonymous temporary file (gone when closed, even after a crash)."""
    buffer.sort()
    # the ExitStack of `sorted_unique` closes it: the run must outlive this function
    run = tempfile.TemporaryFile(dir=work_dir, buffering=_READ_BUFFER)  # noqa: SIM115
    handle = stack.enter_context(run)
    previous: bytes | None = None
    for line in buffer:
        if line != previous:  # duplicates dropped early: less to write and to merge
            handle.write(line + b"\n")
            previous = line
    handle.flush()
    handle.seek(0)
    return handle  # type: ignore[return-value]


def _run_lines(handle: BinaryIO) -> Iterator[bytes]:
    for line in handle:
        yield line[:-1]


def write_lines(lines: Iterable[bytes], out: BinaryIO, batch: int = 4096) -> None:
    """Write lines, each followed by a newline, in batches (one `write` per line is slow)."""
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= batch:
            out.write(b"\n".join(chunk) + b"\n")
            chunk.clear()
    if chunk:
        out.write(b"\n".join(chunk) + b"\n")


__all__ = ["DEFAULT_RUN_BYTES", "file_lines", "in_memory_sorted", "sorted_unique", "write_lines"]
