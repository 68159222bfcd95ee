"""The front process's pool of worker processes (asyncio side).

Each worker is a fresh interpreter (`python -m dlkg.web.server.worker`, never a fork: the engine's
threads do not survive fork) holding its own read-only store, connected by a Unix socketpair
that stays open for its whole life. A job is one HTTP request; its answer is the complete
HTTP response. The pool enforces the per-request deadline by killing the worker (the engine
cannot be cancelled from Python), replaces dead workers, and keeps `min_workers` workers free
for new requests while others are stuck on long queries, up to `max_workers`.
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
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ...memory_budget import StderrTail, crash_reply, watch_stderr
from ..http import error_response
from .framing import ERROR, READY, FrameDecoder, encode_frame
from .settings import WorkerSettings
from .wire import encode_response

Reply = Callable[[bytes], None]
WORKER_MODULE = "dlkg.web.server.worker"  # run, never imported, by the front
_LONG_BUSY_S = 0.1  # a worker busy this long no longer counts as free capacity
_SPARE_IDLE_S = 10.0  # extra workers idle this long are retired
_TICK_S = 0.05  # deadline precision


@dataclass
class Job:
    payload: bytes  # flags byte + raw request
    deadline: float  # loop time
    reply: Reply
    close: bool
    head_only: bool


@dataclass(eq=False)
class Worker:
    proc: subprocess.Popen[bytes]
    state: str = "starting"  # starting, idle, busy, dead
    transport: asyncio.Transport | None = None
    frames: FrameDecoder = field(default_factory=FrameDecoder)
    job: Job | None = None
    since: float = 0.0  # when the current state began
    stderr: StderrTail | None = None  # its stderr, read to tell out-of-memory from a crash


class _WorkerProtocol(asyncio.Protocol):
    def __init__(self, pool: WorkerPool, worker: Worker) -> None:
        self.pool = pool
        self.worker = worker

    def data_received(self, data: bytes) -> None:
        for frame in self.worker.frames.feed(data):
            self.pool._on_frame(self.worker, frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.pool._on_lost(self.worker)


class WorkerPool:
    """Dispatches jobs to worker processes; kills and replaces the ones that overrun."""

    def __init__(
        self,
        settings: WorkerSettings,
        *,
        min_workers: int,
        max_workers: int,
        timeout_s: float,
        max_queue: int = 512,
    ) -> None:
        self.settings_frame = pickle.dumps(settings)
        self.memory_limit = settings.serve.memory_limit
        self.min_workers = max(1, min_workers)
        self.max_workers = max(self.min_workers, max_workers)
        self.timeout_s = timeout_s
        self.max_queue = max_queue
        self.workers: list[Worker] = []
        self.idle: list[Worker] = []
        self.queue: deque[Job] = deque()
        self.loop = asyncio.get_running_loop()
        self.started: asyncio.Future[None] = self.loop.create_future()
        self.closing = False
        self.crashes = 0  # workers that died or were killed (for tests and logs)
        self._ticker: asyncio.TimerHandle | None = None

    async def start(self) -> None:
        """Start min_workers workers and wait until one is ready (or report why none is)."""
        for _ in range(self.min_workers):
            self._spawn()
        self._tick()
        await self.started

    def _spawn(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        proc = subprocess.Popen(  # noqa: S603  (our own module, argv without user input)
            [sys.executable, "-m", WORKER_MODULE, str(child.fileno())],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        child.close()
        worker = Worker(proc, since=self.loop.time())
        self.workers.append(worker)
        self.loop.create_task(self._connect(worker, parent))

    async def _connect(self, worker: Worker, sock: socket.socket) -> None:
        worker.stderr = await watch_stderr(self.loop, worker.proc.stderr)
        transport, _ = await self.loop.create_unix_connection(
            lambda: _WorkerProtocol(self, worker), sock=sock
        )
        worker.transport = transport
        transport.write(encode_frame(self.settings_frame))

    def submit(self, job: Job) -> None:
        """Queue a job; its reply is called exactly once with the response bytes."""
        if self.idle:
            self._dispatch(self.idle.pop(), job)
        elif len(self.queue) >= self.max_queue:
            self._fail(job, 503, "the server is busy; retry later", (("Retry-After", "1"),))
        else:
            self.queue.append(job)

    def _dispatch(self, worker: Worker, job: Job) -> None:
        assert worker.transport is not None
        worker.state, worker.job, worker.since = "busy", job, self.loop.time()
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
        job, worker.job = worker.job, None
        if job is not None:
            job.reply(frame)
        self._make_idle(worker)

    def _make_idle(self, worker: Worker) -> None:
        worker.state, worker.since = "idle", self.loop.time()
        if self.queue:
            self._dispatch(worker, self.queue.popleft())
        else:
            self.idle.append(worker)

    def _expire(self, worker: Worker) -> None:
        job = worker.job
        worker.job = None
        if job is not None:
            self.crashes += 1
            self._fail(job, 504, f"query exceeded the time limit of {self.timeout_s:g} s")
        self._kill(worker)

    def _on_lost(self, worker: Worker) -> None:
        job = worker.job
        worker.job = None
        if job is not None:
            self.crashes += 1
            if self.closing:  # no time to read why: the loop is about to stop
                self._fail(job, 503, "the server is shutting down")
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
        if not self.started.done() and not self.workers:
            self.started.set_exception(RuntimeError("the worker processes exited while starting"))
        if not self.closing and self.started.done() and self.started.exception() is None:
            self._grow()

    def _fail(
        self, job: Job, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        response = error_response(status, message, headers=headers)
        job.reply(encode_response(response, head_only=job.head_only, close=job.close))

    def _grow(self) -> None:
        """Start workers so that new requests never wait behind long queries.

        Keeps min_workers of capacity free (idle, starting, or busy only briefly); when every
        running worker is on a long query, also one new worker per queued request.
        """
        now = self.loop.time()
        quick = sum(
            w.state == "idle" or (w.state == "busy" and now - w.since < _LONG_BUSY_S)
            for w in self.workers
        )
        starting = sum(w.state == "starting" for w in self.workers)
        need = self.min_workers - quick - starting
        if quick == 0:
            need = max(need, len(self.queue) - starting)
        for _ in range(min(need, self.max_workers - len(self.workers))):
            self._spawn()

    def _tick(self) -> None:
        now = self.loop.time()
        # Deadlines are checked here, not by a timer per job: cheaper; 50 ms is precise enough.
        for worker in [w for w in self.workers if w.job is not None and w.job.deadline <= now]:
            self._expire(worker)
        while self.queue and self.queue[0].deadline <= now:
            self._fail(self.queue.popleft(), 503, "the server is busy; retry later")
        if self.started.done() and self.started.exception() is None:
            self._grow()
        extra = len(self.workers) - self.min_workers
        for worker in list(self.idle):
            if extra > 0 and now - worker.since > _SPARE_IDLE_S:
                self._retire(worker)
                extra -= 1
        if not self.closing:
            self._ticker = self.loop.call_later(_TICK_S, self._tick)

    def _retire(self, worker: Worker) -> None:
        self.idle.remove(worker)
        self.workers.remove(worker)
        worker.state = "dead"
        if worker.transport is not None:
            worker.transport.close()  # end of stream: the worker exits by itself
        self.loop.run_in_executor(None, worker.proc.wait)

    async def close(self) -> None:
        """Stop every worker and answer what is still queued with 503."""
        self.closing = True
        if self._ticker is not None:
            self._ticker.cancel()
        while self.queue:
            self._fail(self.queue.popleft(), 503, "the server is shutting down")
        for worker in list(self.workers):
            self._kill(worker)
        await asyncio.sleep(0)
