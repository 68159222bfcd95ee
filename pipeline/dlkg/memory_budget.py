"""The server's memory budget: per-worker ceilings that add up to a share of the machine.

Each query worker gets an address-space ceiling (RLIMIT_AS); the ceilings of the most workers
the pool may run at once add up to the budget, so no mix of greedy queries can take more than
the budget. Address space is never less than resident memory, so this bounds real use too.
The budget is a share (default 50%) of the smaller of the cgroup memory limit and MemTotal,
or an absolute size (`--memory-budget 6G`).

A worker over its ceiling dies: the engine (Rust) aborts with "memory allocation of N bytes
failed" on stderr; Python code raises MemoryError, which the worker turns into the same end
(`exhausted()`). The front reads each worker's stderr (`StderrTail`) and, when a worker dies
during a query, answers 507 if that worker ran out of memory (`crash_reply`). Why 507 and not
503: retrying the same query cannot help (docs/security.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from .errors import UsageError

DEFAULT_SHARE = 0.5
# A worker loading the full dataset (94,000 quads) into memory peaks at 265 MB, then holds 70.
MIN_PER_WORKER = 512 << 20
OUT_OF_MEMORY = 507
_MARKER = re.compile(rb"memory allocation of \d+ bytes failed|dlkg worker: out of memory")
_TAIL_BYTES = 4096
_SIZE = re.compile(r"(?i)\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*")


def max_workers(min_workers: int) -> int:
    """The most workers the pool runs at once (spares start while others are stuck)."""
    return 2 * max(1, min_workers) + 4


@dataclass(frozen=True)
class MemoryPlan:
    """The budget for all workers together and each worker's ceiling (bytes)."""

    budget: int
    per_worker: int
    workers: int  # the most workers alive at once
    source: str  # where the budget came from, for the banner

    def describe(self) -> str:
        return (
            f"memory budget {_mib(self.budget)} MiB ({self.source}): "
            f"{_mib(self.per_worker)} MiB per query worker, at most {self.workers} workers"
        )


def _mib(size: int) -> int:
    return size >> 20


def _cgroup_limits(root: Path = Path("/sys/fs/cgroup")) -> list[tuple[int, str]]:
    """Memory limits of this process's cgroup and its ancestors (v2 memory.max, v1)."""
    found: list[tuple[int, str]] = []
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # v2: the unified hierarchy
            bases, name = [root, root / "unified"], "memory.max"
        elif "memory" in controllers.split(","):
            bases, name = [root / "memory"], "memory.limit_in_bytes"
        else:
            continue
        for base in bases:
            folder = base / path.lstrip("/")
            while True:
                try:
                    text = (folder / name).read_text().strip()
                except OSError:
                    text = "max"
                # v1 spells "no limit" as a huge number near 2**63.
                if text.isdigit() and int(text) < 1 << 60:
                    found.append((int(text), f"cgroup {name}"))
                if folder == base:
                    break
                folder = folder.parent
    return found


def machine_memory() -> tuple[int, str]:
    """The memory this server may use at most: the smallest cgroup limit, else MemTotal."""
    limits = _cgroup_limits()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                limits.append((int(line.split()[1]) * 1024, "MemTotal"))
    except (OSError, ValueError):
        pass
    if not limits:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        limits.append((pages, "physical pages"))
    return min(limits)


def parse_budget(text: str) -> tuple[float | None, int | None]:
    """`--memory-budget`: "50%" → (0.5, None); "6G", "512MiB", "1048576" → (None, bytes)."""
    text = text.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1]) / 100
            if 0 < share <= 1:
                return share, None
            raise ValueError(text)
        match = _SIZE.fullmatch(text)
        if match is None:
            raise ValueError(text)
        scale = 1 << (10 * " kmgt".index(match.group(2).lower() or " "))
        return None, int(float(match.group(1)) * scale)
    except ValueError:
        raise UsageError(
            f"--memory-budget: {text!r} is neither a share (e.g. 50%) nor a size (e.g. 6G)"
        ) from None


def plan(budget: str | int | None, workers: int) -> MemoryPlan:
    """Split the budget (None: 50% of the machine) over the pool for `workers` workers.

    The pool may grow to `max_workers(workers)`; where the budget cannot give each of those
    MIN_PER_WORKER, it grows less (fewer spares for stuck queries, never more memory).
    Raises UsageError when even `workers` workers would get less than MIN_PER_WORKER each.
    """
    if isinstance(budget, int):
        total, source = budget, "--memory-budget"
    else:
        share, size = parse_budget(budget) if budget is not None else (DEFAULT_SHARE, None)
        if size is not None:
            total, source = size, "--memory-budget"
        else:
            machine, origin = machine_memory()
            share = share or DEFAULT_SHARE
            total, source = int(machine * share), f"{share:.0%} of {origin} {_mib(machine)} MiB"
    pool = min(max_workers(workers), total // MIN_PER_WORKER)
    if pool < workers:
        raise UsageError(
            f"--memory-budget: {_mib(total)} MiB cannot give each of {workers} query workers "
            f"at least {_mib(MIN_PER_WORKER)} MiB (raise the budget or lower --workers)"
        )
    return MemoryPlan(total, total // pool, pool, source)


def apply_ceiling(limit: int | None) -> None:
    """Set this process's address-space ceiling (in a worker, before the store opens)."""
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def ceiling_note(limit: int | None) -> str:
    """The clause of the service description about the per-query memory ceiling."""
    if not limit:
        return ""
    return f"; a query that needs more than {_mib(limit)} MiB of memory answers {OUT_OF_MEMORY}"


def exhausted() -> NoReturn:
    """End a worker whose Python code ran out of memory the same way the engine would."""
    os.write(2, b"dlkg worker: out of memory (MemoryError)\n")
    os.abort()  # no clean-up: it could need memory, and the front replaces this worker


class StderrTail(asyncio.Protocol):
    """Reads a worker's stderr pipe: passes it on to ours and keeps the last bytes."""

    def __init__(self) -> None:
        self.tail = bytearray()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        # Passed on to where the worker's stderr went before the front read it; if our own
        # stderr is gone, the tail still tells why a worker died.
        with contextlib.suppress(OSError):
            os.write(2, data)
        self.tail += data
        del self.tail[:-_TAIL_BYTES]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    @property
    def out_of_memory(self) -> bool:
        return _MARKER.search(self.tail) is not None


async def watch_stderr(loop: asyncio.AbstractEventLoop, pipe: object) -> StderrTail:
    """Start reading a worker's stderr pipe (the file object of Popen(stderr=PIPE))."""
    _, tail = await loop.connect_read_pipe(StderrTail, pipe)
    return tail


async def crash_reply(tail: StderrTail | None, per_worker: int | None) -> tuple[int, str]:
    """Status and message for a query whose worker died: 507 when it ran out of memory."""
    if tail is not None:
        # The worker is dead or being killed: its stderr ends at once; wait for the last words.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(tail.closed), 2.0)
        if tail.out_of_memory:
            limit = f" ({_mib(per_worker)} MiB)" if per_worker else ""
            return OUT_OF_MEMORY, (
                f"the query needed more memory than one query may use{limit}; "
                "narrow it (fewer joined patterns, no ORDER BY over large results) and retry"
            )
    return 500, "the query crashed its worker process; the server replaced it"
