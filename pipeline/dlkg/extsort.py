"""Sorting more lines than memory should hold: an external merge sort with a bounded buffer.

The dumps are sorted line by line so that equal data gives equal bytes. Sorting them as one
`bytes` and one list of lines made export's memory grow with the data (about 4.6 GB at x100,
issue 13). Here at most `run_bytes` of lines are held at once: each full buffer is sorted and
written to a run file in `work_dir`, and the runs are merged. The result is the same bytes as
sorting everything in memory: the same byte order (lines compared without their newline, as
`bytes.splitlines` gives them), duplicates and blank lines left out (`in_memory_sorted` is that
definition, and the tests compare the two).

The lines travel in blocks (lists of many lines), never one by one through Python code: a
Python loop per line was most of export's time (issue 13). Files are read in large chunks split
at newlines, buffers are sorted and deduplicated by `set` and `list.sort`, and the merge takes
from every run the lines up to the smallest last line of their current blocks, which no later
block can undercut, and sorts that slice (Timsort merges the already sorted pieces in linear
time per piece).
"""

from __future__ import annotations

import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO, Protocol

from .chunks import whole_line_chunks

# 32 MiB of line bytes per run: about 2-3x that in Python objects (a bytes object per line),
# and some 120 runs for the N-Quads of x1000 (3.7 GB), few enough to merge in one pass.
DEFAULT_RUN_BYTES = 32 << 20
CHUNK_BYTES = 1 << 20  # what one read of an input or run file takes
_MERGE_BYTES = 8 << 20  # the blocks of all runs held during the merge, at most (each block
# given out is copied once more: the N-Triples made from it, the JSON-LD parsed from it)
_PER_LINE = 50  # the list slot and bytes header of a line: its memory beyond its own bytes
_BLANK_END = b"\x21"  # whitespace-only lines hold bytes <= 0x20 only, so they sort before this

Block = list[bytes]


class Writer(Protocol):
    """What `write_blocks` writes to: a binary file, or anything that writes bytes like one."""

    def write(self, data: bytes, /) -> int: ...


def in_memory_sorted(data: bytes) -> bytes:
    """The reference: every distinct non-blank line of `data`, sorted, each ending in a newline."""
    lines = sorted(set(data.splitlines()))
    return b"".join(line + b"\n" for line in lines if line.strip())


def file_chunks(
    path: Path, edit: Callable[[bytes], bytes] | None = None, size: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """A file's bytes in chunks of whole lines, each ending in `\\n` (one is added to a last
    line without it), passed through `edit` (a bytes-to-bytes change of whole lines) if given.

    Lines end at `\\n` only: the N-Triples and N-Quads writers escape `\\r` inside literals
    (ECHAR), so `bytes.splitlines`' other line ends never occur in what is sorted here.
    """
    with path.open("rb") as handle:
        for chunk in whole_line_chunks(handle, size):
            yield edit(chunk) if edit else chunk


def lines_of(chunks: Iterable[bytes]) -> Iterator[Block]:
    """Chunks of whole lines as blocks of lines without their newline."""
    for chunk in chunks:
        block = chunk.split(b"\n")
        block.pop()  # the empty string after the last newline
        yield block


def file_lines(path: Path) -> Iterator[bytes]:
    """The lines of a file without their newline, read with a bounded buffer."""
    for block in lines_of(file_chunks(path)):
        yield from block


def sorted_blocks(
    blocks: Iterable[Block], work_dir: Path, run_bytes: int = DEFAULT_RUN_BYTES
) -> Iterator[Block]:
    """The lines of `blocks` sorted bytewise, duplicates and blank lines dropped, in blocks.

    Runs are written to temporary files in `work_dir` and removed when the iterator ends or is
    closed. Input that fits in one run is sorted in memory, without any file.
    """
    with ExitStack() as stack:
        runs: list[BinaryIO] = []
        buffer: Block = []
        size = 0
        for block in blocks:
            buffer += block
            size += sum(map(len, block)) + _PER_LINE * len(block)
            if size >= run_bytes:
                runs.append(_write_run(stack, work_dir, buffer))
                buffer, size = [], 0
        if not runs:
            yield _unique(buffer)
            return
        if buffer:
            runs.append(_write_run(stack, work_dir, buffer))
        del buffer
        yield from _merge(runs, max(1 << 16, min(CHUNK_BYTES, _MERGE_BYTES // len(runs))))


def sorted_unique(
    lines: Iterable[bytes], work_dir: Path, run_bytes: int = DEFAULT_RUN_BYTES
) -> Iterator[bytes]:
    """`sorted_blocks` of single lines, one line at a time."""
    for block in sorted_blocks(_batched(lines, min(run_bytes, CHUNK_BYTES)), work_dir, run_bytes):
        yield from block


def _batched(lines: Iterable[bytes], limit: int) -> Iterator[Block]:
    block: Block = []
    size = 0
    for line in lines:
        block.append(line)
        size += len(line) + _PER_LINE
        if size >= limit:
            yield block
            block, size = [], 0
    if block:
        yield block


def _unique(lines: Block) -> Block:
    """The distinct non-blank lines, sorted."""
    out = sorted(set(lines))
    # blank (whitespace-only) lines sort first: look for them only among the lines before "!"
    head = bisect_left(out, _BLANK_END)
    if head:
        out[:head] = [line for line in out[:head] if line and not line.isspace()]
    return out


def _write_run(stack: ExitStack, work_dir: Path, buffer: Block) -> BinaryIO:
    """One sorted run in an anonymous temporary file (gone when closed, even after a crash)."""
    lines = _unique(buffer)
    buffer.clear()  # the caller's buffer is done with: its memory goes before the write
    # the ExitStack of `sorted_blocks` closes it: the run must outlive this function
    run = tempfile.TemporaryFile(dir=work_dir)  # noqa: SIM115
    handle = stack.enter_context(run)
    write_blocks([lines], handle)
    handle.flush()
    handle.seek(0)
    return handle


class _Run:
    """A run file read block by block, with the position of the next line in its block."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._blocks = lines_of(whole_line_chunks(handle, size))
        self.block: Block = []
        self.pos = 0
        self.advance()

    def advance(self) -> None:
        self.block, self.pos = next(self._blocks, []), 0


def _merge(handles: list[BinaryIO], size: int) -> Iterator[Block]:
    """Merge sorted runs of distinct lines into sorted blocks of distinct lines.

    Every line up to `bound`, the smallest last line of the runs' current blocks, is in those
    blocks (each run's later lines are greater than its block's last), so the lines up to it,
    taken from every run and sorted, are the next lines of the result, copies of a line
    included: none is split between two output blocks.
    """
    runs = [run for run in (_Run(h, size) for h in handles) if run.block]
    while runs:
        bound = min(run.block[-1] for run in runs)
        taken: Block = []
        for run in runs:
            end = bisect_right(run.block, bound, run.pos)
            taken += run.block[run.pos : end]
            run.pos = end
            if end == len(run.block):
                run.advance()
        runs = [run for run in runs if run.block]
        yield sorted(set(taken))


def write_blocks(blocks: Iterable[Block], out: Writer, slice_lines: int = 8192) -> None:
    """Write blocks of lines, each line followed by a newline, joined a slice at a time (one
    `bytes` of a whole 32 MiB run would double the memory a sort holds)."""
    for block in blocks:
        for start in range(0, len(block), slice_lines):
            out.write(b"\n".join(block[start : start + slice_lines]))
            out.write(b"\n")


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


__all__ = [
    "DEFAULT_RUN_BYTES",
    "Block",
    "Writer",
    "file_chunks",
    "file_lines",
    "in_memory_sorted",
    "lines_of",
    "sorted_blocks",
    "sorted_unique",
    "write_blocks",
    "write_lines",
]
