"""Hand-over of a client connection to a worker (a "lease"), the worker's side of it.

Every request through the front costs four process wake-ups (client, front, worker, front)
where a one-process server has two, and on a small machine those hops, not the query, set a
lookup's cost (docs/decisions.md, "Leased connections"). So when the pool has workers to
spare beyond its reserve, it hands a keep-alive connection itself to a worker with the
request it carries: the worker answers on the client's socket directly and goes on reading
that connection's next requests, until the connection falls silent (`lease_idle_s`), a
request needs the front (anything but a plain GET/POST/HEAD within the front's limits), the
client closes it, a response does not fit the socket at once, or the front recalls the worker
(another client waits). Then the worker gives the connection back, with the bytes it read but
did not answer and the bytes it could not write, and the front carries on with it.

The front still enforces every rule while a worker holds a connection: the worker writes the
start of each request into a `Slot` of shared memory, and the pool's ticker applies the time
limit, demotion and the reserve to it as to any job (pool.py). To stop a request the front
first marks it KILLED under a lock the worker must take before it writes (`Slot`): if it wins,
no byte of that answer can leave and it answers 504 (or 503) itself; otherwise it closes the
connection. A worker that dies by itself is answered for (507/500) from its final slot.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import select
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from .settings import Limits

_SEND_WAIT_S = 0.05  # a response the socket takes no more of within this goes via the front
HAVE_LEASES = hasattr(os, "memfd_create") and hasattr(socket, "send_fds")

# The slot: a sequence number (one per request), the state, the request's start (monotonic).
_SLOT = struct.Struct("=IId")
WAITING, RUNNING, WRITING, KILLED = 0, 1, 2, 3
RELEASE = b"RELEASE"  # worker -> front: the connection is the front's again
RECALL = b"RECALL"  # front -> worker: give the connection back after this request
# CPU seconds, closed by the client, requests answered, length of the unsent bytes
_RELEASE = struct.Struct("!dBII")
_METHODS = (b"GET", b"POST", b"HEAD")


class Slot:
    """A worker's current request on a leased connection, in memory both processes map.

    Only two changes of state may race: the worker beginning to write an answer and the
    front stopping the request (`begin_writing`, `claim`). Both take a POSIX record lock on
    the memory (owned per process, so it excludes the other one, and dropped when a process
    dies): whichever comes first wins, and the other knows."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._map = mmap.mmap(fd, _SLOT.size)
        self._seq = 0

    @classmethod
    def create(cls) -> Slot:
        fd = os.memfd_create("dlkg-lease-slot", 0)
        os.ftruncate(fd, _SLOT.size)
        return cls(fd)

    def set(self, state: int) -> None:
        if state == RUNNING:
            self._seq += 1
        _SLOT.pack_into(self._map, 0, self._seq, state, time.monotonic())

    def begin_writing(self) -> bool:
        """Worker: RUNNING -> WRITING; False if the front has stopped the request already."""
        fcntl.lockf(self.fd, fcntl.LOCK_EX)
        try:
            seq, state, _ = _SLOT.unpack_from(self._map, 0)
            if state == KILLED:
                return False
            _SLOT.pack_into(self._map, 0, seq, WRITING, time.monotonic())
            return True
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)

    def claim(self, seq: int) -> bool:
        """Front: mark request `seq` stopped if it runs and has not begun its answer (then no
        byte of it can leave: the worker checks under the same lock). Never blocks: a worker
        holding the lock is deciding to write, and the answer is then its own."""
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        try:
            now_seq, state, since = _SLOT.unpack_from(self._map, 0)
            if now_seq != seq or state != RUNNING:
                return False
            _SLOT.pack_into(self._map, 0, seq, KILLED, since)
            return True
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)

    def read(self) -> tuple[int, int, float]:
        """(sequence number, state, when that state began)."""
        seq, state, since = _SLOT.unpack_from(self._map, 0)
        return seq, state, since

    def close(self) -> None:
        self._map.close()
        os.close(self.fd)


@dataclass(frozen=True)
class Released:
    """How a worker gave a connection back."""

    cpu: float  # the worker's CPU seconds then
    closed: bool  # by the client
    answered: int  # requests the worker answered on it
    unsent: bytes  # the end of the last answer, for the front to write first
    unread: bytes  # requests read but left to the front


def encode_release(released: Released) -> bytes:
    r = released
    head = _RELEASE.pack(r.cpu, r.closed, r.answered, len(r.unsent))
    return RELEASE + head + r.unsent + r.unread


def decode_release(payload: bytes) -> Released:
    at = len(RELEASE)
    cpu, closed, answered, size = _RELEASE.unpack_from(payload, at)
    at += _RELEASE.size
    return Released(cpu, bool(closed), answered, payload[at : at + size], payload[at + size :])


class NeedsFrontError(Exception):
    """The next request is one only the front frames (its limits, errors and rules)."""


def next_request(buf: bytearray, limits: Limits, trust_proxy: bool) -> bytes | None:
    """Take the next complete plain request out of `buf`; None while it is incomplete.

    Raises NeedsFrontError for anything else, so that every refusal (400, 411, 413, 414, 431),
    `Expect`, `Connection: close`, HTTP/1.0, OPTIONS and a proxy's client address stay the
    front's alone (front.py), with the bytes untouched.
    """
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if len(buf) > limits.max_header_bytes:
            raise NeedsFrontError
        return None
    if end > limits.max_header_bytes:
        raise NeedsFrontError
    head = bytes(buf[:end])
    line, _, fields = head.partition(b"\r\n")
    parts = line.split(b" ")
    if (
        len(parts) != 3
        or parts[0] not in _METHODS
        or parts[2] != b"HTTP/1.1"
        or len(parts[1]) > limits.max_url_bytes
    ):
        raise NeedsFrontError
    length = 0
    for raw in fields.split(b"\r\n") if fields else ():
        name, _, value = raw.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            if not value.strip().isdigit():
                raise NeedsFrontError
            length = int(value)
        elif (
            key in (b"transfer-encoding", b"expect")
            or (key == b"x-forwarded-for" and trust_proxy)
            or (key == b"connection" and b"close" in value.lower())
        ):
            raise NeedsFrontError
    if length > limits.max_body_bytes:
        raise NeedsFrontError
    total = end + 4 + length
    if len(buf) < total:
        return None
    request = bytes(buf[:total])
    del buf[:total]
    return request


def _send(conn: socket.socket, data: bytes) -> bytes:
    """Write while the client keeps reading; return what is left when the socket takes
    nothing for _SEND_WAIT_S (a slow reader: the front buffers the rest, not this worker)."""
    view = memoryview(data)
    while view:
        try:
            view = view[conn.send(view) :]
        except BlockingIOError:
            if not select.select([], [conn], [], _SEND_WAIT_S)[1]:
                break
        except OSError:
            return b""  # the client is gone: nothing left worth sending
    return bytes(view)


def serve_lease(
    answer: Callable[[bytes], bytes],
    first_job: bytes,
    conn: socket.socket,
    control: socket.socket,
    slot: Slot,
    limits: Limits,
    trust_proxy: bool,
    idle_s: float,
) -> bytes:
    """Answer `first_job` and the connection's next plain requests; the RELEASE payload.

    `answer` maps a job payload (framing.encode_job) to response bytes; `control` is the
    socket to the front, readable only when the front sends RECALL.
    """
    slot.set(RUNNING)
    response = answer(first_job)
    buf = bytearray()
    poller = select.poll()
    poller.register(conn, select.POLLIN)
    poller.register(control, select.POLLIN)
    closed = False
    answered = 0
    while True:
        if not slot.begin_writing():  # the front stopped this request and answers for it
            os._exit(0)  # it is killing this process too: nothing here may reach the client
        unsent = _send(conn, response)
        answered += 1
        slot.set(WAITING)
        if unsent:
            break
        try:
            request = _read_request(conn, buf, poller, control, limits, trust_proxy, idle_s)
        except NeedsFrontError:
            break
        except ConnectionError:
            closed = True
            break
        if request is None:
            break
        slot.set(RUNNING)
        response = answer(b"\x00" + request)
    return encode_release(Released(time.process_time(), closed, answered, unsent, bytes(buf)))


def _read_request(
    conn: socket.socket,
    buf: bytearray,
    poller: select.poll,
    control: socket.socket,
    limits: Limits,
    trust_proxy: bool,
    idle_s: float,
) -> bytes | None:
    """The next request, or None when the lease ends (silence or RECALL); ConnectionError
    when the client closed the connection."""
    deadline = time.monotonic() + idle_s
    while (request := next_request(buf, limits, trust_proxy)) is None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        events = poller.poll(left * 1000)
        if any(fd == control.fileno() for fd, _ in events):
            return None  # RECALL (read by the worker's main loop, which skips it)
        if events:
            try:
                data = conn.recv(65536)
            except BlockingIOError:
                continue
            except OSError as err:  # reset, timed out: the connection is over either way
                raise ConnectionError(str(err)) from None
            if not data:
                raise ConnectionError("closed by the client")
            buf += data
    return request


__all__ = [
    "HAVE_LEASES",
    "KILLED",
    "RECALL",
    "RELEASE",
    "RUNNING",
    "WAITING",
    "WRITING",
    "Released",
    "Slot",
    "decode_release",
    "encode_release",
    "next_request",
    "serve_lease",
]
