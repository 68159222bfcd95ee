"""What the worker pool handles: jobs, the workers running them, and a leasable connection."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ...memory_budget import StderrTail
from .framing import FrameDecoder
from .lease import Slot

Reply = Callable[[bytes], None]


@dataclass
class Job:
    payload: bytes  # flags byte + raw request
    deadline: float  # loop time
    reply: Reply
    close: bool
    head_only: bool
    client: str = ""  # whom the job counts against (fair.py)
    admitted: bool = False  # counted in the client's queries in flight
    handover: Handover | None = None  # the connection, where it may be leased (lease.py)


class Handover(Protocol):
    """A client connection a worker may take over (front.py's Connection)."""

    def leasable(self) -> bool: ...
    def socket_fd(self) -> int: ...
    def begin_lease(self) -> None: ...
    def end_lease(self, unsent: bytes, unread: bytes, closed: bool) -> None: ...
    def fail_lease(self, response: bytes | None) -> None: ...
    def take_back(self) -> None: ...


@dataclass(eq=False)
class Leased:
    """A connection a worker holds; `job` is its first request while the worker has not
    taken it up yet (so the front can run it elsewhere if it takes the connection back)."""

    conn: Handover
    job: Job | None = None


@dataclass(eq=False)
class Worker:
    proc: subprocess.Popen[bytes]
    state: str = "starting"  # starting, idle, busy, dead
    transport: asyncio.Transport | None = None
    frames: FrameDecoder = field(default_factory=FrameDecoder)
    job: Job | None = None
    since: float = 0.0  # when the current state began
    stderr: StderrTail | None = None  # its stderr, read to tell out-of-memory from a crash
    demoted: bool = False  # running a long query at the lowest CPU priority
    heavy: bool = False  # its query has counted against its client's standing
    cpu_at_dispatch: float = 0.0  # its CPU seconds when the current job began
    cpu_reported: float | None = None  # its CPU seconds when it sent its last answer
    side: socket.socket | None = None  # where a leased connection's socket goes
    slot: Slot | None = None  # its current request on a leased connection
    leasing: bool = False  # holding client connections (lease_loop.py)
    leases: dict[int, Leased] = field(default_factory=dict)  # by position in its slot
    lease_jobs: int = 0  # lease jobs sent to it since it started (it counts them too)
    lease_seq: int = 0  # the slot's request the pool last saw
    lease_first: int = 0  # the slot's sequence number when the lease began
    recalled: bool = False
    held_back: int = -1  # the request for which the front took its other connections back


class FrameSink(Protocol):
    """Where a worker's frames and the end of its connection go (the pool)."""

    def _on_frame(self, worker: Worker, frame: bytes) -> None: ...
    def _on_lost(self, worker: Worker) -> None: ...


class WorkerProtocol(asyncio.Protocol):
    """The front's end of one worker's socketpair."""

    def __init__(self, pool: FrameSink, worker: Worker) -> None:
        self.pool = pool
        self.worker = worker

    def data_received(self, data: bytes) -> None:
        for frame in self.worker.frames.feed(data):
            self.pool._on_frame(self.worker, frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.pool._on_lost(self.worker)


__all__ = ["FrameSink", "Handover", "Job", "Leased", "Reply", "Worker", "WorkerProtocol"]
