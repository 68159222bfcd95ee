"""The front process's pool of worker processes (asyncio side).

Each worker is a fresh interpreter (`python -m dlkg.web.server.worker`, never a fork: the
engine's threads do not survive fork) with its own read-only store and a Unix socketpair to the
front. A job is one HTTP request, its answer the complete response; a spare worker may take
the client connection along (pool_leases.py). The pool kills a worker past the deadline (the
engine cannot be cancelled), replaces dead ones and keeps `min_workers` free besides those on
long queries, up to `max_workers`. Sharing between clients (bounds, reserve, demotion): fair.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import time

from ...memory_budget import crash_reply, watch_stderr
from ..http import error_response
from .fair import (
    HAVE_PROC,
    HEAVY_S,
    LONG_NICE,
    LONG_S,
    ClientBook,
    FairQueue,
    cpu_seconds,
    retry_after,
    set_nice,
)
from .framing import ERROR, READY, decode_answer, encode_frame
from .jobs import Job, Worker, WorkerProtocol
from .lease import HAVE_LEASES
from .pool_leases import LeasingPool
from .settings import WorkerSettings
from .wire import encode_response

WORKER_MODULE = "dlkg.web.server.worker"  # run, never imported, by the front
_SPARE_IDLE_S = 10.0  # extra workers idle this long are retired
_TICK_S = 0.05  # deadline precision


class WorkerPool(LeasingPool):
    """Dispatches jobs to worker processes; kills and replaces the ones that overrun."""

    def __init__(
        self,
        settings: WorkerSettings,
        *,
        min_workers: int,
        max_workers: int,
        timeout_s: float,
        max_queue: int = 512,
        client_limit: int = 8,
        reserve: int | None = None,
        leases: bool = True,
    ) -> None:
        self.settings_frame = pickle.dumps(settings)
        self.memory_limit = settings.serve.memory_limit
        self.min_workers = max(1, min_workers)
        self.max_workers = max(self.min_workers, max_workers)
        self.timeout_s = timeout_s
        # Idle workers kept for clients in good standing; long queries may hold the rest.
        default = min(self.min_workers, self.max_workers - self.min_workers)
        self.reserve = default if reserve is None else reserve
        self.workers: list[Worker] = []
        self.idle: list[Worker] = []
        self.queue: FairQueue[Job] = FairQueue(max_queue)
        self.book = ClientBook(client_limit)
        self.loop = asyncio.get_running_loop()
        self.started: asyncio.Future[None] = self.loop.create_future()
        self.closing = False
        self.crashes = 0  # workers that died or were killed (for tests and logs)
        self.preempted = 0  # long queries stopped to keep the reserve free
        self.leases = leases and HAVE_LEASES
        self.pack_at = self.min_workers  # one per CPU unless told: more would only take turns
        # connections handed to workers, requests they answered there, leases recalled
        self.leased = self.lease_answers = self.recalls = 0
        # connections added to a worker holding some of the client's, taken back, closed unanswered
        self.added = self.taken_back = self.unanswered = 0
        self._ticker: asyncio.TimerHandle | None = None

    async def start(self) -> None:
        """Start the workers and the reserve; wait until one is ready (or report why none is)."""
        for _ in range(min(self.min_workers + self.reserve, self.max_workers)):
            self._spawn()
        self._tick()
        await self.started

    def _spawn(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        side, side_child, slot = self._lease_channels()
        fds = [child.fileno(), *([side_child.fileno(), slot.fd] if side_child and slot else [])]
        proc = subprocess.Popen(  # noqa: S603  (our own module, argv without user input)
            [sys.executable, "-m", WORKER_MODULE, *map(str, fds)],
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        child.close()
        if side_child is not None:
            side_child.close()
        worker = Worker(proc, since=time.monotonic(), side=side, slot=slot)
        self.workers.append(worker)
        self.loop.create_task(self._connect(worker, parent))

    async def _connect(self, worker: Worker, sock: socket.socket) -> None:
        worker.stderr = await watch_stderr(self.loop, worker.proc.stderr)
        transport, _ = await self.loop.create_unix_connection(
            lambda: WorkerProtocol(self, worker), sock=sock
        )
        worker.transport = transport
        transport.write(encode_frame(self.settings_frame))

    def submit(self, job: Job) -> None:
        """Run or queue a job; its reply is called exactly once with the response bytes."""
        if not self.book.admit(job.client):
            message = (
                f"too many queries from your address at once (at most {self.book.limit}); "
                "retry when one has been answered"
            )
            self._fail(job, 429, message, retry_after(1))
            return
        job.admitted = True
        now = time.monotonic()
        if self._packs(job.client) and self._add(job, now):
            pass  # the client holds a worker per CPU: its further connections share them
        elif self.idle and len(self.idle) > self.reserve:
            self._take(self.idle.pop(), job)
        elif self._add(job, now):
            pass  # a worker holding connections of the same client took this one along
        elif self.idle and self._may_take(job, len(self.idle), now):
            self._take(self.idle.pop(), job)
        elif self.queue.full:
            self._busy(job)
        else:
            self.queue.push(self.book.penalty(job.client, now), job)
            self._recall()
            self._grow()

    def _may_take(self, job: Job, idle: int, now: float) -> bool:
        """Whether a job may have one of `idle` idle workers.

        The last `reserve` idle workers are for clients in good standing (no recent long
        query), even below the pool's ceiling: a replacement takes a second or more to start
        on a busy machine, and a fresh client must not wait for it. A client with a query
        running already leaves the last idle worker to others: else one new client's burst
        of heavy queries took the whole reserve before any of them had run long.
        """
        if idle > self.reserve:
            return True
        if self.book.long_runs(job.client, now):
            return False
        return idle > 1 or not any(
            w.job is not None and w.job.client == job.client for w in self.workers
        )

    def _dispatch(self, worker: Worker, job: Job) -> None:
        assert worker.transport is not None
        worker.state, worker.job, worker.since = "busy", job, time.monotonic()
        # An idle worker uses no CPU: what it reported with its last answer is its CPU now.
        reported = worker.cpu_reported
        worker.cpu_at_dispatch = cpu_seconds(worker.proc.pid) if reported is None else reported
        worker.transport.write(encode_frame(job.payload))

    def _on_frame(self, worker: Worker, frame: bytes) -> None:
        if worker.state == "starting":
            if frame == READY:
                if not self.started.done():
                    self.started.set_result(None)
                self._make_idle(worker)
            else:
                message = frame.decode("utf-8", "replace").removeprefix(ERROR.decode())
                if not self.started.done():
                    self.started.set_exception(RuntimeError(message))
                self._kill(worker)
            return
        if worker.leasing:
            self._on_lease_frame(worker, frame)
            return
        job, worker.job = worker.job, None
        cpu, response = decode_answer(frame)
        worker.cpu_reported = cpu if HAVE_PROC else None  # comparable with cpu_seconds()
        if job is not None:
            self._answer(job, response)
        self._make_idle(worker)

    def _answer(self, job: Job, response: bytes) -> None:
        self._settle(job)
        job.reply(response)

    def _make_idle(self, worker: Worker) -> None:
        now = time.monotonic()
        if worker.demoted and not set_nice(worker.proc.pid, 0):
            # Raising a priority again needs CAP_SYS_NICE: without it, a worker demoted for a
            # long query is replaced by a new one.
            self._retire(worker)
            return
        worker.state, worker.since, worker.demoted, worker.heavy = "idle", now, False, False
        if self.queue:
            idle = len(self.idle) + 1
            job = self.queue.pop_first(lambda job: self._may_take(job, idle, now))
            if job is not None:
                self._take(worker, job)
                return
        self.idle.append(worker)

    def _demote(self, worker: Worker, now: float) -> None:
        """A query past LONG_S: lowest CPU priority; past HEAVY_S its client's standing drops.

        Measured in the worker's CPU time, not wall time: on a loaded machine a lookup waits
        for a CPU for longer than it runs, and demoting it would starve it for good.
        """
        used = cpu_seconds(worker.proc.pid) - worker.cpu_at_dispatch
        if not worker.demoted and used > LONG_S:
            worker.demoted = True
            set_nice(worker.proc.pid, LONG_NICE)
        if not worker.heavy and used > HEAVY_S and worker.job is not None:
            worker.heavy = True
            self.book.mark_long(worker.job.client, now)

    def _cap_long(self, now: float) -> None:
        """Stop the newest long queries of the heaviest clients when long ones eat the reserve."""
        long = [w for w in self.workers if self._running(w) and w.demoted and w.job]
        excess = len(long) - (self.max_workers - self.reserve)
        if excess <= 0:
            return
        per_client: dict[str, int] = {}
        for w in long:
            assert w.job is not None
            per_client[w.job.client] = per_client.get(w.job.client, 0) + 1

        # Victims: clients with the most recent long queries first (a fresh client's query
        # that just turned long goes last), then the most long queries now, then the newest.
        def rank(w: Worker) -> tuple[int, int, float]:
            client = w.job.client if w.job else ""
            return (self.book.long_runs(client, now), per_client.get(client, 0), w.since)

        long.sort(key=rank, reverse=True)
        victims, kept = long[:excess], long[excess:]
        free_in = min((w.job.deadline for w in kept if w.job), default=now + 1) - now
        for worker in victims:
            job, worker.job = worker.job, None
            assert job is not None
            self.preempted += 1
            self.book.mark_long(job.client, now)
            message = (
                "the server is busy with other long queries: this one was stopped after "
                f"{now - worker.since:.1f} s (up to {self.timeout_s:g} s when it is not); "
                "retry later"
            )
            self._fail_on(worker, job, 503, message, retry_after(free_in))
            self._kill(worker)

    def _expire(self, worker: Worker) -> None:
        job = worker.job
        worker.job = None
        if job is not None:
            self.crashes += 1
            self.book.mark_long(job.client, time.monotonic())
            message = f"query exceeded the time limit of {self.timeout_s:g} s"
            self._fail_on(worker, job, 504, message)
        self._kill(worker)

    def _on_lost(self, worker: Worker) -> None:
        if worker.state == "dead":
            return  # killed: _kill has answered for its job
        job = worker.job
        worker.job = None
        if job is not None:
            self.crashes += 1
            if self.closing:  # no time to read why: the loop is about to stop
                self._fail_on(worker, job, 503, "the server is shutting down")
            elif worker.leasing and worker.slot is not None:
                self._crashed_lease(worker, job)
            else:
                self.loop.create_task(self._fail_crashed(worker, job))
        self._kill(worker)

    async def _fail_crashed(self, worker: Worker, job: Job) -> None:
        self._fail(job, *await crash_reply(worker.stderr, self.memory_limit))

    def _kill(self, worker: Worker) -> None:
        if worker.state == "dead":
            return
        worker.state = "dead"
        if worker in self.idle:
            self.idle.remove(worker)
        with contextlib.suppress(ProcessLookupError):
            worker.proc.send_signal(signal.SIGKILL)
        if worker.transport is not None:
            worker.transport.abort()
        self.workers.remove(worker)
        self.loop.run_in_executor(None, worker.proc.wait)  # reap without blocking the loop
        if worker.leasing:  # stopped with nothing to say: its connections go back or close
            self._end_leases(worker, worker.job, None)
        for held in (worker.side, worker.slot):
            if held is not None:
                held.close()
        if not self.started.done() and not self.workers:
            self.started.set_exception(RuntimeError("the worker processes exited while starting"))
        if not self.closing and self.started.done() and self.started.exception() is None:
            self._grow()

    def _fail(
        self, job: Job, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        response = error_response(status, message, headers=headers)
        self._answer(job, encode_response(response, head_only=job.head_only, close=job.close))

    def _grow(self) -> None:
        """Start workers so that new requests never wait behind long queries.

        Keeps min_workers of capacity free (idle, starting, or on a query not yet long) besides
        the reserve, and the reserve idle or starting beyond one per queued request, so that a
        client in good standing finds a worker ready while others wait for theirs.
        """
        idle = sum(w.state == "idle" for w in self.workers)
        starting = sum(w.state == "starting" for w in self.workers)
        # a leased worker is not capacity: it waits for its connection's next request
        young = sum(w.state == "busy" and not w.demoted and not w.leasing for w in self.workers)
        need = max(
            self.min_workers + self.reserve - idle - young - starting,
            self.reserve + len(self.queue) - idle - starting,
        )
        for _ in range(min(need, self.max_workers - len(self.workers))):
            self._spawn()

    def _tick(self) -> None:
        now = time.monotonic()
        for worker in [w for w in self.workers if w.leasing and w.job is not None]:
            self._watch_lease(worker, now)
        if self.queue:
            self._recall()
        self._spread()
        # Deadlines are checked here, not by a timer per job: cheaper; 50 ms is precise enough.
        for worker in [w for w in self.workers if w.job is not None and w.job.deadline <= now]:
            self._expire(worker)
        for worker in self.workers:
            if self._running(worker) and not worker.heavy and now - worker.since > LONG_S:
                self._demote(worker, now)
        self._cap_long(now)
        for job in self.queue.remove_where(lambda job: job.deadline <= now):
            # Not counted against the client's standing: a fresh client's lookup that waited
            # out a flood must not lose its access to the reserve for it.
            self._busy(job)
        if self.started.done() and self.started.exception() is None:
            self._grow()
        # Only idle workers beyond the resting size go: retiring the reserve while long queries
        # hold the rest would leave a fresh client waiting for a new worker to start.
        extra = min(len(self.workers), len(self.idle)) - self.min_workers - self.reserve
        for worker in list(self.idle):
            if extra > 0 and now - worker.since > _SPARE_IDLE_S:
                self._retire(worker)
                extra -= 1
        if not self.closing:
            self._ticker = self.loop.call_later(_TICK_S, self._tick)

    def _retire(self, worker: Worker) -> None:
        if worker in self.idle:
            self.idle.remove(worker)
        self.workers.remove(worker)
        worker.state = "dead"
        if worker.transport is not None:
            worker.transport.close()  # end of stream: the worker exits by itself
        for held in (worker.side, worker.slot):
            if held is not None:
                held.close()
        self.loop.run_in_executor(None, worker.proc.wait)

    async def close(self) -> None:
        """Stop every worker and answer what is still queued with 503."""
        self.closing = True
        if self._ticker is not None:
            self._ticker.cancel()
        for job in self.queue.drain():
            self._fail(job, 503, "the server is shutting down")
        for worker in list(self.workers):
            running, worker.job = worker.job, None
            if running is not None:
                self._fail_on(worker, running, 503, "the server is shutting down")
            self._kill(worker)
        await asyncio.sleep(0)
