"""report.json's text as `json.dumps(indent=1)` lays it out, written row by row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO


def indented(value: object, depth: int) -> str:
    """`value` as `json.dumps(indent=1)` writes it `depth` levels deep in a document."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text.replace("\n", "\n" + " " * depth)


_SCALARS = (str, int, float, bool, type(None))
_ROW_ITEM = ",\n   "  # between the members of a row two levels deep
# One encoder for every flat row (json.dumps with any option builds a new one per call, which
# was a fifth of the tail): members two levels deep, separated as `indent=1` separates them.
_FLAT_ROW = json.JSONEncoder(ensure_ascii=False, separators=(_ROW_ITEM, ": "))


def row_text(row: object) -> str:
    """`indented(row, 2)` for a row of the report's lists. `indent` makes `json.dumps` use its
    pure-Python encoder (x1000: 2.4M rows, most of the report's tail after export), so a flat
    dict is encoded by the C encoder in one call, its members laid out as `indent` lays them."""
    if not isinstance(row, dict) or not row or not all(type(v) in _SCALARS for v in row.values()):
        return indented(row, 2)
    return "{\n   " + _FLAT_ROW.encode(row)[1:-1] + "\n  }"


def write_list(out: IO[str], rows: Iterator[object]) -> None:
    """A list one level deep, item by item, as `json.dumps(indent=1)` writes it ("[]" empty)."""
    first = True
    for row in rows:
        out.write("[\n  " if first else ",\n  ")
        first = False
        out.write(row_text(row))
    out.write("[]" if first else "\n ]")


__all__ = ["indented", "row_text", "write_list"]
