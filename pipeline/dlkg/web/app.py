"""`dlkg serve`: the HTTP front process and `create_server`.

The front does only HTTP/1.1 framing (keep-alive, size limits, CORS preflight) on one asyncio
loop and hands each request, as raw bytes, to a worker process (pool.py) that routes it through
the handlers and returns the finished response bytes. Keeping Python work out of the front is
what lets one GIL serve many clients; the workers evaluate in parallel and can be killed.
Why this shape, and the numbers behind it: docs/decisions.md ("Server and SPARQL endpoint").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pickle
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from ..errors import StoreError, UsageError
from ..memory_budget import max_workers, plan
from ..sandbox import CHOICES, resolve
from ..settings import DEFAULT_BASE_IRI
from .guard import GuardLimits
from .http import Handler
from .pool import Job, WorkerPool
from .sparql import error
from .workers import RunnerSettings, WorkerSettings, encode_response

_METHODS = frozenset({b"GET", b"POST", b"HEAD"})
_IDLE_S = 30.0  # keep-alive connections (and slow senders) are closed after this long


@dataclass(frozen=True)
class Limits:
    """Sizes the front refuses before any worker sees a request."""

    max_url_bytes: int = 16 * 1024  # 414 beyond
    max_header_bytes: int = 32 * 1024  # 431 beyond
    max_body_bytes: int = 1024 * 1024  # 413 beyond
    max_connections: int = 1024


def _preflight(close: bool) -> bytes:
    lines = [
        "HTTP/1.1 204 No Content",
        "Access-Control-Allow-Origin: *",
        "Access-Control-Allow-Methods: GET, POST, HEAD, OPTIONS",
        "Access-Control-Allow-Headers: Accept, Content-Type, Range",
        "Access-Control-Max-Age: 86400",
        "Allow: GET, POST, HEAD, OPTIONS",
        "Content-Length: 0",
    ]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class _Connection(asyncio.Protocol):
    """One client connection: frames requests, one at a time, to the pool."""

    def __init__(self, server: DlkgServer) -> None:
        self.server = server
        self.buf = bytearray()
        self.busy = False
        self.closing = False
        self.transport: asyncio.Transport | None = None
        self.last = 0.0
        self.first = 0.0
        self.continued = False  # 100 Continue sent for the pending request
        self.draining = False  # refused: incoming bytes are dropped until we close

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.last = self.server.loop.time()
        if len(self.server.connections) >= self.server.limits.max_connections:
            self._refuse(503, "too many connections; retry later")
            return
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.closing = True

    def data_received(self, data: bytes) -> None:
        if self.draining:
            return
        self.last = self.server.loop.time()
        if not self.buf:
            self.first = self.last  # a request must arrive whole within _IDLE_S (slowloris)
        self.buf += data
        if not self.busy:
            self._next()

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request the front rejects itself, then close the connection."""
        assert self.transport is not None
        self.transport.write(encode_response(error(status, message), head_only=False, close=True))
        # Read and drop what the client is still sending (a body too large, say) for a moment:
        # closing at once would reset the connection before it reads our answer.
        self.closing = self.draining = True
        self.buf.clear()
        self.server.loop.call_later(1.0, self.transport.close)

    def _next(self) -> None:
        limits = self.server.limits
        buf = self.buf
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > limits.max_header_bytes:
                self._refuse(431, "request headers too large")
            return
        line_end = buf.find(b"\r\n")
        parts = bytes(buf[:line_end]).split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            self._refuse(400, "malformed HTTP request line")
            return
        method, target, version = parts
        if len(target) > limits.max_url_bytes:
            self._refuse(414, f"URL longer than {limits.max_url_bytes} bytes; POST the query")
            return
        if end > limits.max_header_bytes:
            self._refuse(431, "request headers too large")
            return
        length, close, expect = 0, version == b"HTTP/1.0", False
        for raw in bytes(buf[line_end + 2 : end]).split(b"\r\n"):
            name, _, value = raw.partition(b":")
            key = name.strip().lower()
            if key == b"content-length":
                if not value.strip().isdigit():
                    self._refuse(400, "bad Content-Length")
                    return
                length = int(value)
            elif key == b"transfer-encoding":
                self._refuse(411, "chunked bodies are not supported; send Content-Length")
                return
            elif key == b"connection":
                close = close or value.strip().lower() == b"close"  # HTTP/1.0 always closes
            elif key == b"expect":
                expect = value.strip().lower() == b"100-continue"
        if length > limits.max_body_bytes:
            self._refuse(413, f"request body larger than {limits.max_body_bytes} bytes")
            return
        total = end + 4 + length
        if len(buf) < total:
            if expect and not self.continued and self.transport is not None:
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                self.continued = True
            return
        self.continued = False
        request = bytes(buf[:total])
        del buf[:total]
        self.first = self.server.loop.time()  # the next pipelined request starts its clock
        self._dispatch(method, request, close)

    def _dispatch(self, method: bytes, request: bytes, close: bool) -> None:
        assert self.transport is not None
        if method == b"OPTIONS":
            self._reply(_preflight(close), close)
            return
        if method not in _METHODS:
            allow = (("Allow", "GET, POST, HEAD, OPTIONS"),)
            message = f"method {method.decode('latin-1')} is not allowed; use GET or POST"
            self._reply(
                encode_response(error(405, message, allow), head_only=False, close=close), close
            )
            return
        self.busy = True
        job = Job(
            payload=(b"\x01" if close else b"\x00") + request,
            deadline=self.server.loop.time() + self.server.timeout_s,
            reply=lambda response: self._reply(response, close),
            close=close,
            head_only=method == b"HEAD",
        )
        self.server.pool.submit(job)

    def _reply(self, response: bytes, close: bool) -> None:
        self.busy = False
        if self.closing or self.transport is None:
            return
        self.transport.write(response)
        self.last = self.server.loop.time()
        if close:
            self.transport.close()
            self.closing = True
        elif self.buf:
            self._next()


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

    def __init__(
        self, sock: socket.socket, settings: WorkerSettings, *, workers: int, limits: Limits
    ) -> None:
        self.socket = sock
        self.settings = settings
        self.timeout_s = settings.timeout_s
        self.min_workers = workers
        self.max_workers = max_workers(workers)  # create_server fits it to the memory budget
        self.limits = limits
        self.connections: set[_Connection] = set()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped = threading.Event()
        self._ready = threading.Event()
        self.ready = False  # workers started
        self.scratch: Path | None = None  # the in-memory snapshot's folder, removed at shutdown
        self.banner = ""  # isolation and memory budget, for the startup message
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
            self._stopped.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (2, 15):  # SIGINT, SIGTERM
                self._loop.add_signal_handler(sig, self._stop.set)
        self.pool = WorkerPool(
            self.settings,
            min_workers=self.min_workers,
            max_workers=self.max_workers,
            timeout_s=self.timeout_s,
        )
        server = await self._loop.create_server(lambda: _Connection(self), sock=self.socket)
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
            cutoff = self.loop.time() - _IDLE_S
            for conn in list(self.connections):
                stale = conn.last < cutoff or (conn.buf and conn.first < cutoff)
                if not conn.busy and stale and conn.transport is not None:
                    conn.transport.close()

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


def create_server(
    *,
    store_dir: Path,
    build_dir: Path,
    base_iri: str,
    host: str = "127.0.0.1",
    port: int = 8080,
    queries_dir: Path | None = None,
    timeout_s: float = 10.0,
    max_rows: int = 10000,
    workers: int | None = None,
    allowed_service_endpoints: Sequence[str] = (),
    extra_handlers: Sequence[Handler] = (),
    default_pages: bool = True,
    guard_limits: GuardLimits | None = None,
    limits: Limits | None = None,
    memory_budget: str | int | None = None,
    memory_max_quads: int = 500_000,
    isolation: str = "auto",
) -> DlkgServer:
    """Bind the server (port 0 picks a free one) and check the store opens read-only.

    `extra_handlers` come after /sparql and before the pages of `dlkg.web.pages` (added when
    that module exists and `default_pages`); they must be module-level callables, since each
    worker process imports them. `memory_budget` bounds all workers together (memory_budget.py;
    None: half the machine), `isolation` is `--isolation` (sandbox.py). Raises StoreError when
    the store cannot be opened, UsageError for a budget or isolation the machine cannot give.
    """
    from ..resources import queries_dir as default_queries

    workers = workers or os.cpu_count() or 2
    memory = plan(memory_budget, workers)
    network = resolve(isolation)
    for warning in network.warnings:
        print(warning, file=sys.stderr, flush=True)  # before the server answers anything
    try:
        store = ox.Store.read_only(str(store_dir))
    except OSError as err:
        raise StoreError(f"cannot open the store read-only: {err}", path=store_dir) from None
    try:
        handlers = pickle.dumps(list(extra_handlers)) if extra_handlers else b""
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        raise UsageError(f"extra handlers must be module-level callables: {err}") from None
    try:
        sock = socket.create_server((host, port), backlog=1024)
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err}") from None
    snapshot_dir: Path | None = None
    if len(store) <= memory_max_quads:
        # Small enough to hold in each worker's memory: 5x faster scans than RocksDB here,
        # and a rebuild replacing store_dir cannot pull files from under a running query.
        snapshot_dir = Path(tempfile.mkdtemp(prefix="dlkg-serve-"))
        store.dump(output=str(snapshot_dir / "store.nq"), format=ox.RdfFormat.N_QUADS)
    del store
    settings = WorkerSettings(
        store_dir=Path(store_dir).resolve(),
        build_dir=Path(build_dir).resolve(),
        queries_dir=Path(queries_dir) if queries_dir is not None else default_queries(),
        runner=RunnerSettings(
            base_iri=base_iri,
            max_rows=max_rows,
            limits=guard_limits or GuardLimits(),
            allowed_services=tuple(allowed_service_endpoints),
        ),
        timeout_s=timeout_s,
        handlers=handlers,
        default_pages=default_pages,
        sys_path=tuple(sys.path),
        memory_limit=memory.per_worker,
        isolation=network.mode,
        snapshot=snapshot_dir / "store.nq" if snapshot_dir else None,
    )
    server = DlkgServer(sock, settings, workers=workers, limits=limits or Limits())
    server.scratch = snapshot_dir
    server.max_workers = memory.workers
    server.banner = f"{network.describe()}; {memory.describe()}"
    return server


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m dlkg.web.app --store DIR [--port P]`: serve and print the URL when ready."""
    parser = argparse.ArgumentParser(prog="python -m dlkg.web.app", description=main.__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--build-dir", type=Path, default=None)
    parser.add_argument("--base-iri", default=DEFAULT_BASE_IRI)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--max-rows", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--allow-service", action="append", default=[])
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--isolation", choices=CHOICES, default="auto")
    parser.add_argument("--memory-budget", default=None, help="e.g. 50%% (default) or 6G")
    parser.add_argument(
        "--memory-max-quads",
        type=int,
        default=500_000,
        help="hold stores up to this size in each worker's memory (0: always read from disk)",
    )
    args = parser.parse_args(argv)
    server = create_server(
        store_dir=args.store,
        build_dir=args.build_dir or args.store.parent,
        base_iri=args.base_iri,
        host=args.host,
        port=args.port,
        timeout_s=args.timeout,
        max_rows=args.max_rows,
        workers=args.workers,
        allowed_service_endpoints=args.allow_service,
        default_pages=not args.no_pages,
        memory_max_quads=args.memory_max_quads,
        isolation=args.isolation,
        memory_budget=args.memory_budget,
    )
    threading.Thread(target=_announce, args=(server,), daemon=True).start()
    with server:
        server.serve_forever()


def _announce(server: DlkgServer) -> None:
    if server.wait_ready():
        host = server.socket.getsockname()[0]
        print(f"dlkg serving on http://{host}:{server.port}/", flush=True)
        print(server.banner, flush=True)


if __name__ == "__main__":
    main()
