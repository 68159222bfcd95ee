"""Fair sharing of the worker pool between clients (docs/security.md, "Fair sharing").

The pool cannot tell a cheap query from an expensive one before running it, so it shares by
client and by how long queries have run:

- `ClientBook` counts each client's queries in flight (queued or running) against a bound
  (`429` beyond) and remembers, for a while, which clients recently ran long queries;
- `FairQueue` hands out waiting jobs by the client's standing when they arrived: a client with
  nothing in flight and no recent long query goes before everyone else, so a fresh client's
  lookup never waits behind a crowd of heavy queries from others; a client is in good standing
  while none of its queries ran past `HEAVY_S` in the last `MEMORY_S`;
- the pool (pool.py) lowers the CPU priority of a worker whose query runs past `LONG_S`, keeps
  `reserve` idle workers that only clients in good standing may take, and stops the newest
  long query of the heaviest client when long queries would take the reserve.

A client is its TCP peer address, or with `trust_proxy` the address the proxy appended last to
`X-Forwarded-For` (the only entry the operator's own proxy vouches for).
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

LONG_S = 0.2  # CPU seconds: a query past it is "long", its worker runs at the lowest priority
LONG_NICE = 19
# CPU seconds after which a query counts against its client's standing (as does running into
# the time limit): far past any lookup (~0.01 s), CPU time so a lookup slowed by a loaded
# machine never counts.
HEAVY_S = 0.5
MEMORY_S = 30.0  # how long a client's long query counts against its standing


@dataclass
class _Standing:
    in_flight: int = 0
    long_runs: deque[float] = field(default_factory=deque)  # loop times of recent long runs


class ClientBook:
    """Per-client queries in flight and recent long runs."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._clients: dict[str, _Standing] = {}

    def admit(self, client: str) -> bool:
        """Count a new query of `client` in flight; False when it is at its bound."""
        standing = self._clients.setdefault(client, _Standing())
        if standing.in_flight >= self.limit:
            return False
        standing.in_flight += 1
        return True

    def release(self, client: str) -> None:
        """A query of `client` was answered."""
        standing = self._clients.get(client)
        if standing is None:
            return
        standing.in_flight -= 1
        if standing.in_flight <= 0 and not standing.long_runs:
            del self._clients[client]  # the book holds only clients with something to count

    def mark_long(self, client: str, now: float) -> None:
        self._clients.setdefault(client, _Standing()).long_runs.append(now)

    def penalty(self, client: str, now: float) -> int:
        """A queued job's place: grows with the client's queries in flight and long runs.

        `in_flight` includes the query being placed, hence the 1 subtracted.
        """
        standing = self._clients.get(client)
        if standing is None:
            return 0
        return max(0, standing.in_flight - 1) + self.long_runs(client, now)

    def long_runs(self, client: str, now: float) -> int:
        """The client's queries that ran long (or were turned away) in the last MEMORY_S."""
        standing = self._clients.get(client)
        if standing is None:
            return 0
        runs = standing.long_runs
        while runs and now - runs[0] > MEMORY_S:
            runs.popleft()
        return len(runs)

    def in_flight(self, client: str) -> int:
        standing = self._clients.get(client)
        return standing.in_flight if standing else 0


T = TypeVar("T")


class FairQueue(Generic[T]):
    """Waiting jobs, best standing first, then first come first served; bounded."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._heap: list[tuple[int, int, T]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    @property
    def full(self) -> bool:
        return len(self._heap) >= self.bound

    def push(self, penalty: int, job: T) -> None:
        heapq.heappush(self._heap, (penalty, next(self._seq), job))

    def pop(self) -> T:
        return heapq.heappop(self._heap)[2]

    def items(self) -> list[T]:
        """The waiting jobs, in no particular order."""
        return [entry[2] for entry in self._heap]

    def pop_first(self, fits: Callable[[T], bool]) -> T | None:
        """The best-placed job for which `fits(job)` holds (standing may have changed since
        it was queued), taken out; None if there is none."""
        for entry in sorted(self._heap):
            if fits(entry[2]):
                self._heap.remove(entry)
                heapq.heapify(self._heap)
                return entry[2]
        return None

    def remove_where(self, expired: Callable[[T], bool]) -> list[T]:
        """Take out and return the jobs for which `expired(job)` holds."""
        gone = [entry for entry in self._heap if expired(entry[2])]
        if gone:
            self._heap = [entry for entry in self._heap if not expired(entry[2])]
            heapq.heapify(self._heap)
        return [entry[2] for entry in gone]

    def drain(self) -> list[T]:
        jobs = [entry[2] for entry in sorted(self._heap)]
        self._heap.clear()
        return jobs


def retry_after(seconds: float) -> tuple[tuple[str, str], ...]:
    """A Retry-After header of at least one whole second."""
    return (("Retry-After", str(max(1, math.ceil(seconds)))),)


def client_of(peer: str, forwarded_for: bytes | None, trust_proxy: bool) -> str:
    """The client a request counts against (see the module docstring)."""
    if trust_proxy and forwarded_for:
        last = forwarded_for.split(b",")[-1].strip()
        if last:
            return last.decode("latin-1")
    return peer


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
HAVE_PROC = Path("/proc/self/stat").exists()  # else cpu_seconds() falls back to wall time


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process has used (user + system, all threads); its age where /proc lacks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14, 15)
    except (OSError, IndexError, ValueError):
        return time.monotonic()  # no /proc: wall time, the best estimate left


def set_nice(pid: int, nice: int) -> bool:
    """Set a worker's CPU priority; False where the system refuses (raising needs privilege)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except (PermissionError, ProcessLookupError):
        return False
    return True
