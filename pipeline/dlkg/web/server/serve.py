"""`create_server`: bind, snapshot the store, and run the front until shutdown.

The front process does only HTTP/1.1 framing (front.py) on one asyncio loop; each request goes,
as raw bytes, to a worker process (pool.py) that runs the site and returns the finished
response bytes. Keeping Python work out of the front is what lets one GIL serve many clients;
the workers evaluate in parallel and can be killed. This module never imports the worker or
the site: workers are separate interpreters told which app to run by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from ...errors import StoreError, UsageError
from ...memory_budget import max_workers, plan
from ...sandbox import Isolation, resolve
from .front import IDLE_S, Connection
from .pool import WorkerPool
from .settings import ServeSettings, WorkerSettings


def _run(main: Coroutine[None, None, None]) -> None:
    """asyncio.run, on uvloop when it is installed (it halves the front's cost per request)."""
    try:
        import uvloop
    except ModuleNotFoundError:
        asyncio.run(main)
        return
    uvloop.run(main)


class DlkgServer:
    """The HTTP server: bound at creation, serving from `serve_forever()` until `shutdown()`."""

    def __init__(self, sock: socket.socket, settings: WorkerSettings) -> None:
        self.socket = sock
        self.settings = settings
        self.timeout_s = settings.serve.timeout_s
        self.min_workers = settings.serve.workers or os.cpu_count() or 2
        self.max_workers = max_workers(self.min_workers)  # create_server fits it to the budget
        self.banner = ""  # isolation and memory budget, for the startup message
        self.limits = settings.serve.limits
        self.trust_proxy = settings.serve.trust_proxy
        self.connections: set[Connection] = set()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped = threading.Event()
        self._stop_asked = False  # a stop signal before the loop's handlers (catch_stop_signals)
        self._early: tuple[int, int] | None = None  # its wakeup pipe: (read end, write end)
        self._ready = threading.Event()
        self.ready = False  # workers started
        # the in-memory snapshot's folder, removed at shutdown
        self.scratch = settings.snapshot.parent if settings.snapshot else None
        self.pool: WorkerPool

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        port: int = self.socket.getsockname()[1]
        return port

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None
        return self._loop

    def serve_forever(self) -> None:
        """Run until `shutdown()` (from another thread) or SIGINT/SIGTERM in the main thread."""
        try:
            _run(self._main())
        finally:
            self._close_early()
            self._stopped.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (2, 15):  # SIGINT, SIGTERM
                self._loop.add_signal_handler(sig, self._stop.set)
            if self._stop_signalled_early():  # before the handlers above
                self._stop.set()
        self.pool = WorkerPool(
            self.settings,
            min_workers=self.min_workers,
            max_workers=self.max_workers,
            timeout_s=self.timeout_s,
            max_queue=self.settings.serve.max_queue,
            client_limit=self.settings.serve.client_limit,
            leases=self.settings.serve.leases,
        )
        server = await self._loop.create_server(lambda: Connection(self), sock=self.socket)
        sweeper = self._loop.create_task(self._sweep())
        try:
            await self.pool.start()
            self.ready = True
            self._ready.set()
            await self._stop.wait()
        finally:
            self._ready.set()
            sweeper.cancel()
            server.close()
            for conn in list(self.connections):
                if conn.transport is not None:
                    conn.transport.abort()
            await self.pool.close()

    async def _sweep(self) -> None:
        """Close idle keep-alive connections and senders that stall mid-request."""
        while True:
            await asyncio.sleep(1.0)
            cutoff = self.loop.time() - IDLE_S
            for conn in list(self.connections):
                stale = conn.last < cutoff or (conn.buf and conn.first < cutoff)
                if not conn.busy and stale and conn.transport is not None:
                    conn.transport.close()

    def catch_stop_signals(self) -> None:
        """From now on SIGINT and SIGTERM stop the server, also when they come before
        `serve_forever` has set the event loop's handlers (a Ctrl-C right after the banner).

        Two records of such a signal, because either alone can be lost: a Python handler that
        sets a flag (it runs when the main thread next runs Python code: by then the loop may
        have replaced it, as `add_signal_handler` does), and a wakeup file the C-level handler
        writes the signal's number into at once (the loop replaces that too when it starts;
        `_main` reads it after setting its handlers). Without them a SIGINT sent as the banner
        appeared was now and then lost and the server kept running (seen in the test suite)."""
        if threading.current_thread() is not threading.main_thread():
            return
        read_end, write_end = os.pipe()
        os.set_blocking(read_end, False)
        os.set_blocking(write_end, False)
        self._early = (read_end, write_end)
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._ask_stop)

    def _ask_stop(self, _signum: int, _frame: object) -> None:
        self._stop_asked = True
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    def _stop_signalled_early(self) -> bool:
        """Whether a stop signal came before the loop's handlers (`catch_stop_signals`)."""
        if self._early is None:
            return self._stop_asked
        try:
            written = os.read(self._early[0], 4096)
        except BlockingIOError:
            written = b""
        return self._stop_asked or bool({signal.SIGINT, signal.SIGTERM} & set(written))

    def _close_early(self) -> None:
        """After the loop has restored the wakeup file it found (ours): none, and close it."""
        if self._early is None:
            return
        with contextlib.suppress(ValueError):  # only the main thread may
            signal.set_wakeup_fd(-1)
        for fd in self._early:
            os.close(fd)
        self._early = None

    def wait_ready(self, timeout: float = 30.0) -> bool:
        """Block until the workers are up (for callers running serve_forever in a thread)."""
        return self._ready.wait(timeout) and self.ready

    def shutdown(self) -> None:
        """Stop serve_forever and the workers; returns when they are gone."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not self._stopped.is_set():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
            self._stopped.wait(30)
        self.socket.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def __enter__(self) -> DlkgServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.shutdown()


def resolve_for(settings: ServeSettings) -> Isolation:
    """The isolation mode: workers that query an external store (`--sparql-url`) must reach it,
    so `auto` means none there (said loudly) and an explicit layer is a usage error."""
    if settings.sparql_url is None:
        return resolve(settings.isolation)
    if settings.isolation not in ("auto", "none"):
        raise UsageError(
            f"--isolation {settings.isolation} cuts the workers off --sparql-url; "
            "use --isolation auto or none with an external store"
        )
    why = f"the workers send every query to --sparql-url {settings.sparql_url}."
    return Isolation("none", (_LOUD_REMOTE + why,))


_LOUD_REMOTE = (
    "WARNING: QUERY WORKERS CAN OPEN NETWORK CONNECTIONS (no network isolation): the guard "
    "still refuses SERVICE and updates before a query is forwarded, but a guard bug is no longer "
    "contained by the kernel. Reason: "
)


def create_server(settings: ServeSettings) -> DlkgServer:
    """Bind the server (port 0 picks a free one) and check the store opens read-only.

    `settings.memory_budget` bounds all workers together (memory_budget.py), `isolation` cuts
    them off the network (sandbox.py); the workers receive the per-worker ceiling and the
    active mode. Raises StoreError when the store cannot be opened, UsageError when the
    address is taken or the budget or isolation cannot be given on this machine.
    """
    workers = settings.workers or os.cpu_count() or 2
    memory = plan(settings.memory_budget, workers)
    network = resolve_for(settings)
    for warning in network.warnings:
        print(warning, file=sys.stderr, flush=True)  # before the server answers anything
    try:
        store = ox.Store.read_only(str(settings.store_dir))
    except OSError as err:
        raise StoreError(
            f"cannot open the store read-only: {err}", path=settings.store_dir
        ) from None
    try:
        sock = socket.create_server((settings.host, settings.port), backlog=1024)
    except OSError as err:
        raise UsageError(f"cannot listen on {settings.host}:{settings.port}: {err}") from None
    snapshot: Path | None = None
    if settings.sparql_url is None and len(store) <= settings.memory_max_quads:
        # Small enough to hold in each worker's memory: 5x faster scans than RocksDB here,
        # and a rebuild replacing store_dir cannot pull files from under a running query.
        snapshot = Path(tempfile.mkdtemp(prefix="dlkg-serve-")) / "store.nq"
        store.dump(output=str(snapshot), format=ox.RdfFormat.N_QUADS)
    del store
    if settings.queries_dir is None:
        from ...resources import queries_dir

        settings = replace(settings, queries_dir=queries_dir())
    resolved = replace(
        settings,
        store_dir=Path(settings.store_dir).resolve(),
        build_dir=Path(settings.build_dir).resolve(),
        memory_limit=memory.per_worker,
        isolation=network.mode,
    )
    server = DlkgServer(sock, WorkerSettings(resolved, snapshot, tuple(sys.path)))
    server.max_workers = memory.workers
    server.banner = f"{network.describe()}; {memory.describe()}"
    return server
