"""One client per service. Each exposes `lookup(fetch, papers) -> list[Hit]`.

`fetch(service, path, params, headers)` is LinkSession.get bound to the run (it counts and
records every answer); a client never sees the network, the cache or the rate limit, only
answers, and builds Hits only from answers that are `ok`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from ..http import Answer

Fetch = Callable[[str, str, "dict[str, str] | None", "dict[str, str] | None"], Answer]
T = TypeVar("T")


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def year_of(text: object) -> int | None:
    """The year at the start of a date string ("2015-03-09T...", "2015")."""
    if isinstance(text, int):
        return text
    if isinstance(text, str) and len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    return None


__all__ = ["Fetch", "batches", "year_of"]
