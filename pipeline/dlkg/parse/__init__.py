"""One parser per source kind: pure functions from text to records (see records.py).

Which parser reads which kind is said by the registry in `dlkg.sources`.
"""

from __future__ import annotations

from .. import sources
from ..records import ParseResult
from ..sources import dropped_entries


def parse_text(kind: str, text: str, *, source_id: str, path: str) -> ParseResult:
    """Parse one source's text with the parser of its kind."""
    return sources.kind(kind).parse(text, source_id=source_id, path=path)


__all__ = ["dropped_entries", "parse_text"]
