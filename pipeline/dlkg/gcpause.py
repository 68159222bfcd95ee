"""Pause Python's cyclic garbage collector while a step builds many objects and no cycles.

CPython runs a full collection whenever enough objects have survived younger collections, and
each full collection visits every live container object. Resolve allocates millions of
long-lived names, mentions, sets and dicts, so the collections it triggered each cost O(heap)
and their total grew faster than the input: at x100 the collector took 13.8 s of resolve's 46 s
CPU, with exponent ~1.4 from x10 (docs/scale.md, "Linear parse and resolve"). Reference
counting still frees every object the moment it is unreachable; only garbage *cycles* wait for
the collector, and resolve makes none (after an x100 resolve without the collector,
`gc.collect()` found 0 unreachable objects, and peak RSS was the same), so the collector is off
inside the step and back on, as it was, afterwards. Not for parse: bibtexparser and pylatexenc
leave cycles (4.4 M unreachable objects after an x100 parse without the collector).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, collect: bool = True) -> Iterator[None]:
    """Run the block with the cyclic collector off; restore its previous state on any exit.

    With `collect`, one collection first, so that the cycles the step before left (parse) are
    not kept alive through the paused step."""
    was_enabled = gc.isenabled()
    if collect:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["collector_paused"]
