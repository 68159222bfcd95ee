"""The worker pool's side of leased connections (lease.py has the worker's side).

A mixin of `WorkerPool`: handing a connection over with a request, recalling it when other
clients wait, watching the request a leased worker runs through its slot (time limit,
demotion), and answering for it only once a stopped worker is reaped.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Callable

from ...memory_budget import crash_reply
from ..http import error_response
from .fair import ClientBook, FairQueue, cpu_seconds
from .framing import as_lease, encode_frame
from .jobs import Handover, Job, Worker
from .lease import RECALL, RUNNING, WAITING, Slot
from .wire import encode_response

RECALL_AFTER_S = 0.1  # a request of a client holding leases waits this long at most for one


class LeasingPool:
    """The lease methods; `WorkerPool` provides the state and the two methods named here."""

    workers: list[Worker]
    idle: list[Worker]
    reserve: int
    queue: FairQueue[Job]
    book: ClientBook
    timeout_s: float
    memory_limit: int | None
    leased: int
    recalls: int
    _dispatch: Callable[[Worker, Job], None]
    _fail: Callable[..., None]

    leases: bool

    def _lease_channels(self) -> tuple[socket.socket | None, socket.socket | None, Slot | None]:
        """A new worker's side channel (front end, worker end) and slot, where leases are on."""
        if not self.leases:
            return None, None, None
        side, side_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        side.setblocking(False)  # never block the event loop: a full channel means no lease
        return side, side_child, Slot.create()

    def _take(self, worker: Worker, job: Job) -> None:
        """Dispatch `job` to `worker`, with its connection where that may be leased: only
        workers beyond the reserve take one (a lease holds its worker between requests), and
        only if nothing of the connection is left with the front now."""
        conn = job.handover
        leasing = self.leases and conn is not None and len(self.idle) >= self.reserve
        if leasing and conn is not None and conn.leasable():
            self._lease(worker, job, conn)
            return
        self._dispatch(worker, job)

    def _lease(self, worker: Worker, job: Job, conn: Handover) -> None:
        """Dispatch `job` with its connection: its socket goes first, on the side channel."""
        assert worker.side is not None and worker.transport is not None
        try:
            socket.send_fds(worker.side, [b"L"], [conn.socket_fd()])
        except OSError:
            self._dispatch(worker, job)  # a full side channel: this request the usual way
            return
        conn.begin_lease()
        self.leased += 1
        worker.lease, worker.recalled = conn, False
        if worker.slot is not None:  # until the worker starts the next request, the job's
            worker.lease_seq = worker.lease_first = worker.slot.read()[0]  # deadline stands
        job.payload = as_lease(job.payload)
        self._dispatch(worker, job)

    def _recall(self, now: float) -> None:
        """Ask leased workers to give their connections back, one per waiting job that is
        another client's or has waited RECALL_AFTER_S, those between requests first.

        A client's own leased connections do not make its other requests wait for long: the
        bound is per client, not per connection, so their queries may share its workers."""
        leased = [w for w in self.workers if w.lease is not None]
        holders = {w.job.client for w in leased if w.job is not None}
        waiting = sum(
            job.client not in holders or now - (job.deadline - self.timeout_s) > RECALL_AFTER_S
            for job in self.queue.items()
        )
        held = [w for w in leased if not w.recalled]
        held.sort(key=lambda w: w.slot is None or w.slot.read()[1] != WAITING)
        for worker in held[: waiting - (len(leased) - len(held))]:
            self._recall_one(worker)

    def _fail_on(
        self,
        worker: Worker,
        job: Job,
        status: int,
        message: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Fail the job `worker` ran (before the pool kills it). A leased connection gets the
        error only if the slot shows the request still running and the front marks it killed
        first (`Slot.claim`): then the worker can no longer begin to write its own answer.
        Otherwise part of an answer may be out, and the connection is closed without one."""
        if worker.lease is None:
            self._fail(job, status, message, headers)
            return
        response = None
        # The request the decision was about: the last one the ticker saw, or the first one
        # of the lease, whose deadline the job itself carried.
        seq = worker.lease_seq if worker.lease_seq != worker.lease_first else worker.lease_first + 1
        if worker.slot is not None and worker.slot.claim(seq):
            failed = error_response(status, message, headers=headers)
            response = encode_response(failed, head_only=job.head_only, close=True)
        self._end_lease(worker, job, response)

    def _end_lease(self, worker: Worker, job: Job | None, response: bytes | None) -> None:
        """The connection of a worker that is being stopped: `response` (if any), then closed."""
        conn, worker.lease = worker.lease, None
        if conn is not None:
            self._close_lease(conn, job, response)

    def _close_lease(self, conn: Handover, job: Job | None, response: bytes | None) -> None:
        if job is not None and job.admitted:
            job.admitted = False
            self.book.release(job.client)
        conn.fail_lease(response)

    async def _fail_crashed_lease(
        self, worker: Worker, conn: Handover, job: Job, running: bool
    ) -> None:
        """A leased worker died by itself; `running`: in a request it had not begun to answer
        (read from its slot after it died, so final). 507 when it ran out of memory."""
        status, message = await crash_reply(worker.stderr, self.memory_limit)
        failed = error_response(status, message)
        response = encode_response(failed, head_only=job.head_only, close=True)
        self._close_lease(conn, job, response if running else None)

    def _watch_lease(self, worker: Worker, now: float) -> None:
        """Apply the time limit and demotion to the request a leased worker is running."""
        assert worker.slot is not None and worker.job is not None
        seq, state, since = worker.slot.read()
        if seq == worker.lease_first:
            return  # the first request not begun yet: the front's own deadline holds
        if state != RUNNING:
            worker.job.deadline = math.inf  # between requests, or writing (bounded by lease.py)
            return
        if seq != worker.lease_seq:  # a request the pool has not seen yet
            worker.lease_seq, worker.since, worker.heavy = seq, since, False
            worker.cpu_at_dispatch = cpu_seconds(worker.proc.pid)
        worker.job.deadline = since + self.timeout_s
        if worker.demoted:
            self._recall_one(worker)  # after this request: its priority is restored when idle

    def _recall_one(self, worker: Worker) -> None:
        if not worker.recalled and worker.transport is not None:
            worker.recalled = True
            self.recalls += 1
            worker.transport.write(encode_frame(RECALL))

    def _running(self, worker: Worker) -> bool:
        """Busy on a request now (a leased worker between requests is not)."""
        if worker.state != "busy":
            return False
        return worker.lease is None or worker.slot is None or worker.slot.read()[1] == RUNNING


__all__ = ["RECALL_AFTER_S", "LeasingPool"]
