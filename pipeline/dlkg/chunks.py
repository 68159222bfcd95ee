"""Reading a file of lines (N-Triples, N-Quads) in chunks of whole lines.

Shared by the load step (the bulk loader fed in blocks) and the export's external sort; it
imports nothing of dlkg, so neither stage imports the other for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO


def whole_line_chunks(handle: IO[bytes], size: int) -> Iterator[bytes]:
    """Chunks of about `size` bytes of whole lines, each ending at `\\n` (one is added to an
    unterminated last line); a line longer than `size` makes its chunk longer."""
    carry = b""
    while data := handle.read(size):
        data = carry + data
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:
        yield carry + b"\n"


__all__ = ["whole_line_chunks"]
