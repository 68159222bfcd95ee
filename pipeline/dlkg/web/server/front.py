"""The front's HTTP/1.1 connections: framing, keep-alive, size limits, CORS preflight.

One `Connection` per client on the front's event loop. It refuses what is too large or
malformed itself and hands each complete request, as raw bytes, to the worker pool; the
answer comes back as finished response bytes. Why this shape: docs/decisions.md ("Server and
SPARQL endpoint").
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from ..http import error_response
from .fair import client_of
from .framing import encode_job
from .jobs import Job
from .pool import WorkerPool
from .settings import Limits
from .wire import ALLOWED_METHODS, encode_response, preflight

_METHODS = frozenset({b"GET", b"POST", b"HEAD"})
IDLE_S = 30.0  # keep-alive connections (and slow senders) are closed after this long


class Front(Protocol):
    """What a connection needs from the server holding it."""

    connections: set[Connection]
    limits: Limits
    pool: WorkerPool
    timeout_s: float
    trust_proxy: bool  # take the client from X-Forwarded-For (fair.py)

    @property
    def loop(self) -> asyncio.AbstractEventLoop: ...


class Connection(asyncio.Protocol):
    """One client connection: frames requests, one at a time, to the pool."""

    def __init__(self, server: Front) -> None:
        self.server = server
        self.buf = bytearray()
        self.busy = False
        self.closing = False
        self.transport: asyncio.Transport | None = None
        self.last = 0.0
        self.first = 0.0
        self.continued = False  # 100 Continue sent for the pending request
        self.draining = False  # refused: incoming bytes are dropped until we close
        self.peer = ""  # the client's address, whom its queries count against

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) and peer else str(peer or "")
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
            self.first = self.last  # a request must arrive whole within IDLE_S (slowloris)
        self.buf += data
        if not self.busy:
            self._next()

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request the front rejects itself, then close the connection."""
        assert self.transport is not None
        response = error_response(status, message)
        self.transport.write(encode_response(response, head_only=False, close=True))
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
        forwarded: bytes | None = None
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
            elif key == b"x-forwarded-for":
                # Several headers are one list (RFC 9110): the last entry is the proxy's own.
                forwarded = value if forwarded is None else forwarded + b"," + value
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
        client = client_of(self.peer, forwarded, self.server.trust_proxy)
        self._dispatch(method, request, close, client)

    def _dispatch(self, method: bytes, request: bytes, close: bool, client: str) -> None:
        assert self.transport is not None
        if method == b"OPTIONS":
            self._reply(preflight(close=close), close)
            return
        if method not in _METHODS:
            message = f"method {method.decode('latin-1')} is not allowed; use GET or POST"
            response = error_response(405, message, headers=(("Allow", ALLOWED_METHODS),))
            self._reply(encode_response(response, head_only=False, close=close), close)
            return
        self.busy = True
        # Not behind a proxy: one upstream connection carries many clients, each to be
        # counted apart; nor when the connection closes after this request.
        leasable = not (close or self.server.trust_proxy)
        job = Job(
            payload=encode_job(request, close=close),
            # time.monotonic, not loop.time: uvloop's clock is cached to the millisecond.
            deadline=time.monotonic() + self.server.timeout_s,
            reply=lambda response: self._reply(response, close),
            close=close,
            head_only=method == b"HEAD",
            client=client,
            handover=self if leasable else None,
        )
        self.server.pool.submit(job)

    # -- a worker holding the connection (pool.Handover) -------------------------------------
    def leasable(self) -> bool:
        """A worker may take the connection along (lease.py) only where nothing of it is left
        with the front: no request read ahead, no response bytes still to go out."""
        transport = self.transport
        if self.closing or self.buf or transport is None:
            return False
        return not transport.get_write_buffer_size()

    def socket_fd(self) -> int:
        assert self.transport is not None
        sock = self.transport.get_extra_info("socket")
        return int(sock.fileno())

    def begin_lease(self) -> None:
        """The worker reads the socket from now on: the front stops reading it."""
        assert self.transport is not None
        self.transport.pause_reading()

    def end_lease(self, unsent: bytes, unread: bytes, closed: bool) -> None:
        """The connection is the front's again: first what the worker could not write, then
        the requests it read but left to the front."""
        if not self.closing and self.transport is not None:
            self.buf[:0] = unread
            self.first = self.server.loop.time()
            self.transport.resume_reading()
        self._reply(unsent, closed)

    def take_back(self) -> None:
        """A worker was handed the connection with its request but never took it up: the
        front reads it again, and the request runs elsewhere (its answer comes as usual)."""
        if not self.closing and self.transport is not None:
            self.transport.resume_reading()

    def fail_lease(self, response: bytes | None) -> None:
        """The worker holding the connection was stopped: its error, if any, then close."""
        self._reply(response or b"", close=True)

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
