"""The IPC between the front and its workers: length-prefixed frames on a Unix socket.

Written once for both sides: the front's asyncio protocol feeds bytes to a `FrameDecoder`,
the worker blocks in `read_frame`; both send with `encode_frame`. The first frame to a worker
is its pickled settings, it answers `READY` (or `ERROR <reason>`), then each further frame is
one job (`encode_job`) answered by one frame (`encode_answer`): the worker's CPU seconds so
far, then the complete HTTP response. The front takes the CPU time from there to tell a long
query by its CPU use, instead of reading /proc on every request (~10 µs of the front's time).
"""

from __future__ import annotations

import socket
import struct

_HEADER = struct.Struct("!I")  # payload length, network order
_CPU = struct.Struct("!d")  # the worker's CPU seconds, ahead of each response
READY = b"READY"
ERROR = b"ERROR "


def encode_frame(payload: bytes) -> bytes:
    """The bytes of one frame."""
    return _HEADER.pack(len(payload)) + payload


class FrameDecoder:
    """Splits a byte stream into frames, whatever sizes the stream arrives in."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; return the frames they complete, in order."""
        buf = self.buffer
        buf += data
        frames = []
        while len(buf) >= _HEADER.size:
            size = _HEADER.unpack_from(buf)[0]
            end = _HEADER.size + size
            if len(buf) < end:
                break
            frames.append(bytes(buf[_HEADER.size : end]))
            del buf[:end]
        return frames


def write_frame(sock: socket.socket, payload: bytes) -> None:
    """Send one frame (blocking)."""
    sock.sendall(encode_frame(payload))


def read_frame(sock: socket.socket) -> bytes | None:
    """One frame (blocking), or None at end of stream."""
    header = _recv_exact(sock, _HEADER.size)
    if header is None:
        return None
    return _recv_exact(sock, _HEADER.unpack(header)[0])


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def encode_answer(cpu_seconds: float, response: bytes) -> bytes:
    """A job's answer frame payload: the worker's CPU seconds when it finished, the response."""
    return _CPU.pack(cpu_seconds) + response


def decode_answer(payload: bytes) -> tuple[float, bytes]:
    """(CPU seconds, response bytes) of an answer frame payload."""
    return _CPU.unpack_from(payload)[0], payload[_CPU.size :]


_CLOSE, _LEASE = 1, 2  # the flags byte's bits


def encode_job(request: bytes, *, close: bool) -> bytes:
    """A job's payload: one flags byte (close the connection after it; the connection comes
    with it, lease.py), then the raw request."""
    return bytes([_CLOSE if close else 0]) + request


def as_lease(job: bytes, position: int, generation: int) -> bytes:
    """The same job, its client connection handed over with it (sent on the side) to hold
    at `position` (0-3) of the worker's connections, granted as `generation` (lease.py)."""
    return bytes([job[0] | _LEASE | position << 2, generation]) + job[1:]


def is_lease(job: bytes) -> bool:
    """Whether the job hands its client connection over (its socket follows on the side)."""
    return bool(job[0] & _LEASE)


def plain(job: bytes) -> bytes:
    """The same job without a connection handed over."""
    return bytes([job[0] & _CLOSE]) + job[2:] if is_lease(job) else job


def lease_position(job: bytes) -> tuple[int, int]:
    """Where the worker holds the connection a lease job hands over: (position, generation)."""
    return job[0] >> 2 & 3, job[1]


def decode_job(job: bytes) -> tuple[bool, bytes, bytes]:
    """(close, request head, body) of a job payload."""
    head, _, body = job[2 if is_lease(job) else 1 :].partition(b"\r\n\r\n")
    return bool(job[0] & _CLOSE), head, body
