"""The worker pool's side of leased connections (lease.py and lease_loop.py: the worker's).

A mixin of `WorkerPool`: handing a connection over with a request (to an idle worker, or to
a worker that holds connections of the same client already), taking connections back from a
worker whose request runs long and recalling leases when other clients wait, watching the
request a leased worker runs through its slot (time limit, demotion), and answering for it
when the worker is stopped or dies.
"""

from __future__ import annotations

import asyncio
import math
import socket
import sys
import time
from collections.abc import Callable

from ...memory_budget import crash_reply
from ..http import error_response
from .fair import HAVE_PROC, ClientBook, FairQueue, cpu_seconds, retry_after
from .framing import as_lease, encode_frame, plain
from .jobs import Handover, Job, Leased, Worker
from .lease import (
    MUX_MAX,
    RECALL,
    RELEASE,
    RUNNING,
    WAITING,
    Slot,
    decode_left,
    decode_release,
)
from .wire import encode_response

# A request running longer than a lookup makes the other connections its worker holds wait:
# past this much CPU time, the front takes them back (two ticker periods later at most).
MUX_HOLD_S = 0.05
HOLD_WALL_S = 0.5  # a connection joins a worker whose request has run this long by no clock


class LeasingPool:
    """The lease methods; `WorkerPool` provides the state and the methods named here."""

    workers: list[Worker]
    idle: list[Worker]
    reserve: int
    queue: FairQueue[Job]
    book: ClientBook
    timeout_s: float
    memory_limit: int | None
    closing: bool
    leased: int
    added: int
    taken_back: int
    lease_answers: int
    unanswered: int
    recalls: int
    _dispatch: Callable[[Worker, Job], None]
    _fail: Callable[..., None]
    _make_idle: Callable[[Worker], None]
    submit: Callable[[Job], None]

    leases: bool
    pack_at: int
    loop: asyncio.AbstractEventLoop

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
            position = self._hand_over(worker, job, conn)
            if position is not None:
                self.leased += 1
                worker.leasing, worker.recalled = True, False
                worker.leases[position].job = None  # the lease's own request, never resent
                if worker.slot is not None:  # until the worker starts the next request, the
                    worker.lease_seq = worker.lease_first = worker.slot.sequence()  # job's
        self._dispatch(worker, job)  # deadline stands

    def _hand_over(self, worker: Worker, job: Job, conn: Handover) -> int | None:
        """Grant the connection a free position of the worker's slot and send its socket on
        the side; `job` becomes the lease job that brings it (written by the caller)."""
        slot, side = worker.slot, worker.side
        if slot is None or side is None:
            return None
        free = [p for p in slot.free() if p not in worker.leases]
        generation = slot.grant(free[0]) if free else None
        if generation is None:
            return None
        try:
            socket.send_fds(side, [b"L"], [conn.socket_fd()])
        except OSError:  # a full side channel: this request goes the usual way
            while slot.revoke([free[0]]) is None:  # held by the worker for microseconds
                time.sleep(0)
            return None
        conn.begin_lease()
        worker.leases[free[0]] = Leased(conn, job)
        worker.lease_jobs += 1
        job.payload = as_lease(job.payload, free[0], generation)
        return free[0]

    def _packs(self, client: str) -> bool:
        """Whether the client holds leased workers enough to use every CPU (`pack_at`): its
        further connections then join them rather than take more workers, whose turns on the
        same CPUs would cost wake-ups and cold caches, not add speed."""
        held = sum(w.leasing and w.job is not None and w.job.client == client for w in self.workers)
        return held >= self.pack_at

    def _add(self, job: Job, now: float) -> bool:
        """Hand the job's connection to a worker holding connections of the same client and
        not busy with a long request, so that one client's connections share its workers."""
        conn = job.handover
        if not self.leases or conn is None or not conn.leasable():
            return False
        targets = []
        for worker in self.workers:
            if (
                worker.leasing
                and worker.job is not None
                and worker.job.client == job.client
                and not (worker.recalled or worker.demoted)
                and worker.slot is not None
                and len(worker.leases) < MUX_MAX
            ):
                read = worker.slot.read()
                if read is None:
                    continue  # the worker is changing it: not a moment to join it
                seq, state, since = read
                # Not behind a request that is long already; one that turns long later sends
                # this request back to the front (_take_back) before it has begun.
                if state != RUNNING or (seq != worker.held_back and now - since < HOLD_WALL_S):
                    targets.append(worker)
        for worker in sorted(targets, key=lambda w: len(w.leases)):
            if self._hand_over(worker, job, conn) is not None:
                assert worker.transport is not None
                self.added += 1
                worker.transport.write(encode_frame(job.payload))
                return True
        return False

    def _recall(self) -> None:
        """Ask leased workers to give their connections back, one per waiting job of another
        client, those between requests first.

        A waiting request of a client that holds leases joins its workers (`_add`) when one
        has room; when none has, recalling its own connections would only send more of its
        requests through the front, so it waits for a worker like any other."""
        leased = [w for w in self.workers if w.leasing]
        holders = {w.job.client for w in leased if w.job is not None}
        waiting = sum(job.client not in holders for job in self.queue.items())
        held = [w for w in leased if not w.recalled]
        held.sort(key=lambda w: self._state(w) != WAITING)
        for worker in held[: waiting - (len(leased) - len(held))]:
            self._recall_one(worker)

    def _on_lease_frame(self, worker: Worker, frame: bytes) -> None:
        """A leased worker gave a connection back, or holds none any more (LEFT)."""
        if frame.startswith(RELEASE):
            released = decode_release(frame)
            self.lease_answers += released.answered
            leased = worker.leases.pop(released.position, None)
            if leased is not None:
                self._settle(leased.job)
                leased.conn.end_lease(released.unsent, released.unread, released.closed)
            return
        cpu, taken = decode_left(frame)
        worker.cpu_reported = cpu if HAVE_PROC else None
        if taken != worker.lease_jobs:
            return  # connections still on their way: the worker takes them up next
        for leased in worker.leases.values():  # all taken back meanwhile: none is left
            self._settle(leased.job)
            self._end_held(leased, None, "taken back while its worker left")
        worker.leases, worker.leasing = {}, False
        job, worker.job = worker.job, None
        self._settle(job)
        self._make_idle(worker)

    def _spread(self) -> None:
        """While workers beyond the reserve are idle, take connections back from the worker
        holding most (not the one it serves): their next requests then lease the idle ones.
        A client's connections are packed onto the workers it holds while none is spare (a
        new worker takes a second to start), and spread again once one is, up to a worker per
        CPU for the client (`_packs`)."""
        spare = len(self.idle) - self.reserve
        dense = [
            w
            for w in self.workers
            if w.leasing
            and len(w.leases) > 1
            and not w.recalled
            and w.job is not None
            and not self._packs(w.job.client)
        ]
        if spare <= 0 or not dense:
            return
        worker = max(dense, key=lambda w: len(w.leases))
        assert worker.slot is not None
        serving, held = worker.slot.serving(), worker.slot.held()
        # Only connections it has taken up (and not the one it serves): one with its first
        # request still on the way would have to run that request elsewhere.
        idle = [p for p in worker.leases if p != serving and held & 1 << p]
        self._take_back(worker, positions=idle[:spare])

    def _take_back(
        self,
        worker: Worker,
        answer: tuple[int, bytes] | None = None,
        positions: list[int] | None = None,
        unbegun: Job | None = None,
    ) -> None:
        """Take back the worker's connections (`positions`, else all) but the one it serves
        now: each goes on with the front as it was (one not taken up yet with its request).
        When the worker is being stopped (`answer`: the position that gets the error, and the
        error), the rest closes. `unbegun`: the worker's own job, where it is stopped or died;
        if it never took up that job's connection, it never will now (revoked), and the
        request, which waited out its time unserved, gets 503 as one left in the queue would."""
        assert worker.slot is not None
        if answer is not None:
            worker.recalled = True  # stopped: nothing more may be handed to it
        wanted = list(worker.leases) if positions is None else positions
        taken = worker.slot.revoke(wanted) or []
        for position, taken_up in taken:
            leased = worker.leases.pop(position)
            self.taken_back += 1
            self._settle(leased.job)
            if taken_up:
                leased.conn.end_lease(b"", b"", False)
            elif leased.job is not None:
                leased.conn.take_back()
                leased.job.payload = plain(leased.job.payload)
                if self.closing:
                    self._fail(leased.job, 503, "the server is shutting down")
                else:
                    self.submit(leased.job)
            elif unbegun is not None:
                leased.conn.take_back()
                self._busy(unbegun)
            else:  # the lease's own first request, not begun: it ends with its worker
                worker.leases[position] = leased
        if answer is None:
            return
        for position, leased in worker.leases.items():
            self._settle(leased.job)
            self._end_held(leased, answer[1] if position == answer[0] else None, "worker stopped")
        worker.leases, worker.leasing = {}, False

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
        if not worker.leasing:
            self._fail(job, status, message, headers)
            return
        position = None
        # The request the decision was about: the last one the ticker saw, or the first one
        # of the lease, whose deadline the job itself carried.
        seq = worker.lease_seq if worker.lease_seq != worker.lease_first else worker.lease_first + 1
        if worker.slot is not None:
            position = worker.slot.claim(seq)
        failed = error_response(status, message, headers=headers)
        response = encode_response(failed, head_only=job.head_only, close=True)
        self._end_leases(worker, job, None if position is None else (position, response))

    def _end_leases(
        self, worker: Worker, job: Job | None, answer: tuple[int, bytes] | None
    ) -> None:
        """The connections of a worker that is being stopped: the others go back to the
        front, the one `answer` names gets its error, the rest closes."""
        self._settle(job)
        self._take_back(worker, answer or (-1, b""), unbegun=job)

    def _crashed_lease(self, worker: Worker, job: Job) -> None:
        """A leased worker died by itself: its other connections go back to the front at once;
        the one whose request it ran (read from its slot after it died, so final) gets 507
        when it ran out of memory, else 500."""
        assert worker.slot is not None
        state = self._state(worker)  # final: a dead process holds no lock
        at = worker.slot.serving() if state == RUNNING else -1
        worker.recalled = True  # dead: nothing may be handed to it
        self._take_back(worker, unbegun=job)
        leases, worker.leases, worker.leasing = worker.leases, {}, False
        self._settle(job)
        self.loop.create_task(self._fail_crashed_lease(worker, leases, job, at))

    async def _fail_crashed_lease(
        self, worker: Worker, leases: dict[int, Leased], job: Job, at: int
    ) -> None:
        status, message = await crash_reply(worker.stderr, self.memory_limit)
        failed = error_response(status, message)
        response = encode_response(failed, head_only=job.head_only, close=True)
        for position, leased in leases.items():
            self._settle(leased.job)
            self._end_held(leased, response if position == at else None, "worker died")

    def _watch_lease(self, worker: Worker, now: float) -> None:
        """Apply the time limit and demotion to the request a leased worker is running, and
        take its other connections back while that request runs long."""
        assert worker.slot is not None and worker.job is not None
        read = worker.slot.read()
        if read is None:
            return  # the worker is changing its state: the next tick reads it
        seq, state, since = read
        if seq == worker.lease_first:
            return  # the first request not begun yet: the front's own deadline holds
        if state != RUNNING:
            worker.job.deadline = math.inf  # between requests, or writing (bounded by lease.py)
            return
        if seq != worker.lease_seq:  # a request the pool has not seen yet
            worker.lease_seq, worker.since, worker.heavy = seq, since, False
            worker.cpu_at_dispatch = cpu_seconds(worker.proc.pid)
        elif len(worker.leases) > 1 and now - since > MUX_HOLD_S and self._long(worker):
            worker.held_back = seq
            self._take_back(worker)
        worker.job.deadline = since + self.timeout_s
        if worker.demoted:
            self._recall_one(worker)  # after this request: its priority is restored when idle

    def _long(self, worker: Worker) -> bool:
        """Its request has run past MUX_HOLD_S by its CPU time, not the clock's: on a loaded
        machine a lookup waits for a CPU longer than it runs, and taking connections back
        costs more than it saves."""
        return cpu_seconds(worker.proc.pid) - worker.cpu_at_dispatch > MUX_HOLD_S

    def _end_held(self, leased: Leased, response: bytes | None, why: str) -> None:
        """Close a held connection, with `response` if there is one. Without one, a line on
        stderr: a client may then see its connection reset with a request unanswered, and an
        operator should be able to tell why."""
        if response is None:
            self.unanswered += 1
            print(f"dlkg serve: a leased connection closed unanswered ({why})", file=sys.stderr)
        leased.conn.fail_lease(response)

    def _busy(self, job: Job) -> None:
        """Refuse a request that could not be served within its time: the client may retry."""
        self._fail(job, 503, "the server is busy; retry later", retry_after(1))

    def _settle(self, job: Job | None) -> None:
        """The job no longer counts against its client's queries in flight."""
        if job is not None and job.admitted:
            job.admitted = False
            self.book.release(job.client)

    def _recall_one(self, worker: Worker) -> None:
        if not worker.recalled and worker.transport is not None:
            worker.recalled = True
            self.recalls += 1
            worker.transport.write(encode_frame(RECALL))

    def _running(self, worker: Worker) -> bool:
        """Busy on a request now (a leased worker between requests is not)."""
        if worker.state != "busy":
            return False
        return not worker.leasing or worker.slot is None or self._state(worker) == RUNNING

    @staticmethod
    def _state(worker: Worker) -> int | None:
        """The state of the worker's slot, None without one or while the worker changes it."""
        read = worker.slot.read() if worker.slot is not None else None
        return None if read is None else read[1]


__all__ = ["HOLD_WALL_S", "MUX_HOLD_S", "LeasingPool"]
