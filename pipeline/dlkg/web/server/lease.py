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

A worker may hold up to MUX_MAX connections of the same client (never of two clients) and
answers them in turn (lease_loop.py): one client's many connections then need no more
workers than it has queries running. Because a long query on one of them would make the
others wait, the front takes back every other connection of a worker whose request runs
longer than a lookup (pool_leases.py), under the slot's lock, so that the worker never reads
a connection the front has taken back.

The front still enforces every rule while a worker holds a connection: the worker writes the
start of each request into a `Slot` of shared memory, and the pool's ticker applies the time
limit, demotion and the reserve to it as to any job (pool.py). To stop a request the front
first marks it KILLED under a lock the worker must take before it writes (`Slot`): if it wins,
no byte of that answer can leave and it answers 504 (or 503) itself; otherwise it closes the
connection. A worker that dies by itself is answered for (507/500) from its final slot.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass

from .settings import Limits

HAVE_LEASES = hasattr(os, "memfd_create") and hasattr(socket, "send_fds")
MUX_MAX = 4  # connections of one client a worker may hold at once (positions 0-3)

# The slot: the request's sequence number (one per request), its state, the request's start
# (monotonic), then three words for the connections a worker holds: which positions the front
# granted, which the worker has taken up, and the position of the request now served.
# Each field is written by one aligned store of its own (memoryview items), never with
# struct.pack_into, which zeroes the whole range before it writes the fields: a reader in the
# other process then saw a running request that started at 0.0, and stopped it at once.
_HEAD = struct.Struct("=IId")
_CONNS = struct.Struct("=III")
_SEQ, _STATE, _SINCE = 0, 1, 1  # items of the 32-bit view (seq, state) and the 64-bit one
_GRANTED, _HELD, _CURRENT = 4, 5, 6  # items of the 32-bit view
# A generation per position, counted up by each grant: a lease job carries the one it was
# granted with, so a job the front took back before the worker read it can never take up a
# later connection granted the same position.
_GENS = struct.Struct("=4B")
_AT_GENS = _HEAD.size + _CONNS.size
_SIZE = _AT_GENS + _GENS.size
WAITING, RUNNING, WRITING, KILLED = 0, 1, 2, 3
RELEASE = b"RELEASE"  # worker -> front: this connection is the front's again
LEFT = b"LEFT"  # worker -> front: the worker holds no connection any more
RECALL = b"RECALL"  # front -> worker: give every connection back after this request
# position, closed by the client, requests answered, length of the unsent bytes
_RELEASE = struct.Struct("!BBII")
_LEFT = struct.Struct("!dI")  # CPU seconds, lease jobs taken so far
_METHODS = (b"GET", b"POST", b"HEAD")


class Slot:
    """A worker's leased connections and current request, in memory both processes map.

    Only these changes may race, and each takes a POSIX record lock on the memory (owned per
    process, so it excludes the other one, and dropped when a process dies): the worker
    beginning to write an answer against the front stopping the request (`begin_writing`,
    `claim`); the worker taking up or giving back a connection against the front granting
    or taking it back (`enter`, `release` against `grant`, `revoke`). Whichever comes first
    wins, and the other knows. The front never waits for the lock: it tries again later."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._map = mmap.mmap(fd, _SIZE)
        view = memoryview(self._map)
        self._u32, self._f64 = view.cast("I"), view.cast("d")
        self._u8 = view.cast("B")
        self._seq = 0

    @classmethod
    def create(cls) -> Slot:
        fd = os.memfd_create("dlkg-lease-slot", 0)
        os.ftruncate(fd, _SIZE)
        return cls(fd)

    # -- the worker's side -------------------------------------------------------------------
    def set(self, state: int) -> None:
        """Worker: the request's new state, under the lock, so that the front reads the
        sequence number, state and start of one moment (`read`)."""
        with self._locked(wait=True):
            self._set(state)

    def _set(self, state: int) -> None:  # with the lock held
        if state == RUNNING:
            self._seq += 1
        self._u32[_SEQ] = self._seq
        self._f64[_SINCE] = time.monotonic()
        self._u32[_STATE] = state

    def begin_writing(self) -> bool:
        """Worker: RUNNING -> WRITING; False if the front has stopped the request already."""
        with self._locked(wait=True):
            if self._u32[_STATE] == KILLED:
                return False
            self._f64[_SINCE] = time.monotonic()
            self._u32[_STATE] = WRITING
            return True

    def enter(self, position: int, generation: int, begin: bool = False) -> bool:
        """Worker: take up the connection at `position`, granted as `generation`, as the one
        served now; False (and forgotten) if the front has taken it back. `begin`: its
        request (the lease job's) starts running in the same step, so the front never finds
        the connection taken up with its request not begun, which it could neither claim
        nor take back."""
        bit = 1 << position
        with self._locked(wait=True):
            if self._u8[_AT_GENS + position] != generation:
                return False  # a connection the front took back before we read its job
            if not self._u32[_GRANTED] & bit:
                self._u32[_HELD] &= ~bit
                return False
            self._u32[_CURRENT] = position
            self._u32[_HELD] |= bit
            if begin:
                self._set(RUNNING)
            return True

    def release(self, position: int) -> bool:
        """Worker: give the connection at `position` back; False if the front took it back
        first (then it is only forgotten, and nothing may be said about it)."""
        bit = 1 << position
        with self._locked(wait=True):
            granted = self._u32[_GRANTED]
            self._u32[_GRANTED] = granted & ~bit
            self._u32[_HELD] &= ~bit
            return bool(granted & bit)

    # -- the front's side --------------------------------------------------------------------
    def claim(self, seq: int) -> int | None:
        """Front: mark request `seq` stopped if it runs and has not begun its answer (then no
        byte of it can leave: the worker checks under the same lock); the position of its
        connection, or None. Never blocks: a worker holding the lock is deciding to write,
        and the answer is then its own."""
        with self._locked(wait=False) as locked:
            if not locked:
                return None
            if self._u32[_SEQ] != seq or self._u32[_STATE] != RUNNING:
                return None
            self._u32[_STATE] = KILLED
            return int(self._u32[_CURRENT])

    def grant(self, position: int) -> int | None:
        """Front: let the worker take up a connection at `position`; the generation its lease
        job must carry (None: the lock is busy, try later)."""
        with self._locked(wait=False) as locked:
            if not locked:
                return None
            self._u32[_GRANTED] |= 1 << position
            generation = (self._u8[_AT_GENS + position] + 1) % 256
            self._u8[_AT_GENS + position] = generation
            return generation

    def revoke(self, positions: list[int]) -> list[tuple[int, bool]] | None:
        """Front: take back the connections at `positions` the worker still may use, except
        the one it serves now; [(position, taken up by the worker)], None if the lock is busy.
        A connection the worker has not taken up still has its first request with the front."""
        taken: list[tuple[int, bool]] = []
        with self._locked(wait=False) as locked:
            if not locked:
                return None
            granted, held, current = (self._u32[i] for i in (_GRANTED, _HELD, _CURRENT))
            for position in positions:
                bit = 1 << position
                if granted & bit and not (held & bit and current == position):
                    granted &= ~bit
                    taken.append((position, bool(held & bit)))
            self._u32[_GRANTED] = granted
        return taken

    def held(self) -> int:
        """The positions the worker has taken up (a bit mask; one word, read without the
        lock: `revoke` checks again under it)."""
        return int(self._u32[_HELD])

    def free(self) -> list[int]:
        """Positions neither granted nor still held by the worker (a taken-back connection
        stays held until the worker has forgotten it). Without the lock: only the front sets
        bits, so a word read before the worker cleared one errs on the side of "not free"."""
        granted, held = self._u32[_GRANTED], self._u32[_HELD]
        return [p for p in range(MUX_MAX) if not (granted | held) & 1 << p]

    def serving(self) -> int:
        """The position of the connection whose request the worker serves (or last served)."""
        return int(self._u32[_CURRENT])

    def sequence(self) -> int:
        """The last request's sequence number (one word: whole without the lock)."""
        return int(self._u32[_SEQ])

    def read(self) -> tuple[int, int, float] | None:
        """(sequence number, state, when that state began) of one moment, or None while the
        worker holds the lock (the front never waits for it: it tries again later)."""
        with self._locked(wait=False) as locked:
            if not locked:
                return None
            return int(self._u32[_SEQ]), int(self._u32[_STATE]), float(self._f64[_SINCE])

    @contextlib.contextmanager
    def _locked(self, wait: bool) -> Iterator[bool]:
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if wait:
                raise
            yield False
            return
        try:
            yield True
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        for view in (self._u32, self._f64, self._u8):
            view.release()  # else the map cannot close (exported buffers)
        self._map.close()
        os.close(self.fd)


@dataclass(frozen=True)
class Released:
    """How a worker gave a connection back."""

    position: int
    closed: bool  # by the client
    answered: int  # requests the worker answered on it
    unsent: bytes  # the end of the last answer, for the front to write first
    unread: bytes  # requests read but left to the front


def encode_release(released: Released) -> bytes:
    r = released
    head = _RELEASE.pack(r.position, r.closed, r.answered, len(r.unsent))
    return RELEASE + head + r.unsent + r.unread


def decode_release(payload: bytes) -> Released:
    at = len(RELEASE)
    position, closed, answered, size = _RELEASE.unpack_from(payload, at)
    at += _RELEASE.size
    unsent, unread = payload[at : at + size], payload[at + size :]
    return Released(position, bool(closed), answered, unsent, unread)


def encode_left(cpu: float, taken: int) -> bytes:
    return LEFT + _LEFT.pack(cpu, taken)


def decode_left(payload: bytes) -> tuple[float, int]:
    """(the worker's CPU seconds, how many lease jobs it has taken since it started)."""
    cpu, taken = _LEFT.unpack_from(payload, len(LEFT))
    return cpu, taken


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


__all__ = [
    "HAVE_LEASES",
    "KILLED",
    "LEFT",
    "MUX_MAX",
    "RECALL",
    "RELEASE",
    "RUNNING",
    "WAITING",
    "WRITING",
    "NeedsFrontError",
    "Released",
    "Slot",
    "decode_left",
    "decode_release",
    "encode_left",
    "encode_release",
    "next_request",
]
