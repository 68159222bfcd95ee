"""The worker's loop over the connections it holds (lease.py has the protocol and the slot).

The worker answers the requests of up to MUX_MAX connections of one client in turn, on the
clients' sockets, until each falls silent, needs the front, is closed, or the front recalls
them all; each is given back on its own (RELEASE), and when none is left the worker says LEFT
and goes back to taking jobs. Before it reads a connection it does not serve now, it takes it
up under the slot's lock (`Slot.enter`): the front may have taken it back meanwhile. Only the
connection served now ever has bytes read ahead here, so a connection taken back loses none.
"""

from __future__ import annotations

import os
import select
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .framing import lease_position, read_frame, write_frame
from .lease import (
    RECALL,
    RUNNING,
    WAITING,
    NeedsFrontError,
    Released,
    Slot,
    encode_left,
    encode_release,
    next_request,
)
from .settings import Limits

_SEND_WAIT_S = 0.05  # a response the socket takes no more of within this goes via the front


@dataclass
class _Held:
    sock: socket.socket
    waiter: select.poll  # the socket and the control socket: waiting for a request's rest
    generation: int  # as the front granted it (lease.py)
    last: float  # when it last had a request or an answer (monotonic)
    buf: bytearray = field(default_factory=bytearray)
    answered: int = 0


@dataclass
class LeaseLoop:
    """One worker's leased connections; `answer` maps a job payload to response bytes."""

    answer: Callable[[bytes], bytes]
    control: socket.socket  # the framed socket to the front
    side: socket.socket  # where the connections' sockets arrive
    slot: Slot
    limits: Limits
    trust_proxy: bool
    idle_s: float
    taken: int = 0  # lease jobs taken since the worker started (the front counts them too)
    held: dict[int, _Held] = field(default_factory=dict)
    current: int = -1

    def run(self, job: bytes) -> None:
        """Serve from lease job `job` until no connection is left, then say LEFT."""
        poller = select.poll()
        poller.register(self.control, select.POLLIN)
        self._take(job, poller)
        while self.held:
            self._round(poller)
        write_frame(self.control, encode_left(time.process_time(), self.taken))

    def _take(self, job: bytes, poller: select.poll) -> None:
        """A lease job: its connection's socket arrives on the side; answer its request."""
        self.taken += 1
        _, fds, _, _ = socket.recv_fds(self.side, 1, 1)
        sock = socket.socket(fileno=fds[0])
        position, generation = lease_position(job)
        if not self.slot.enter(position, generation, begin=True):  # taken back meanwhile
            sock.close()
            return
        self.current = position
        waiter = select.poll()
        waiter.register(sock, select.POLLIN)
        waiter.register(self.control, select.POLLIN)
        self.held[position] = _Held(sock, waiter, generation, time.monotonic())
        poller.register(sock, select.POLLIN)
        self._serve(position, job, poller, begun=True)

    def _round(self, poller: select.poll) -> None:
        """Wait for the next request of any connection; give back the silent ones."""
        now = time.monotonic()
        for position, held in list(self.held.items()):
            if now - held.last >= self.idle_s:
                self._give_back(position, poller)
        if not self.held:
            return
        wait = min(held.last for held in self.held.values()) + self.idle_s - now
        events = poller.poll(max(wait, 0) * 1000)
        if any(fd == self.control.fileno() for fd, _ in events):
            frame = read_frame(self.control)
            if frame is None:
                raise ConnectionResetError("the front went away")
            if frame == RECALL:
                for position in list(self.held):
                    self._give_back(position, poller)
            else:
                self._take(frame, poller)
            return  # the other events may be stale now: poll again
        ready = {fd for fd, _ in events}
        for position, held in list(self.held.items()):
            if held.sock.fileno() in ready and position in self.held:
                self._read(position, poller)

    def _read(self, position: int, poller: select.poll) -> None:
        held = self.held[position]
        if position != self.current:
            if not self.slot.enter(position, held.generation):  # taken back: forget it
                self._forget(position, poller)
                return
            self.current = position
        try:
            request = self._next(held)
        except NeedsFrontError:
            self._give_back(position, poller)
            return
        except ConnectionError:
            self._give_back(position, poller, closed=True)
            return
        if request is None:
            self._give_back(position, poller)  # a request not whole within idle_s, or RECALL
            return
        self._serve(position, b"\x00" + request, poller)

    def _serve(self, position: int, job: bytes, poller: select.poll, begun: bool = False) -> None:
        """Answer `job` on the connection at `position`, then the requests read ahead on it.
        `begun`: the slot shows `job` running already (`Slot.enter`)."""
        held = self.held[position]
        while True:
            if not begun:
                self.slot.set(RUNNING)
            begun = False
            response = self.answer(job)
            if not self.slot.begin_writing():  # the front stopped this request and answers
                os._exit(0)  # it is killing this process too: nothing here may reach the client
            unsent = _send(held.sock, response)
            held.answered += 1
            held.last = time.monotonic()
            self.slot.set(WAITING)
            if unsent:
                self._give_back(position, poller, unsent=unsent)
                return
            if not held.buf:
                return  # nothing read ahead: the next request may come from any connection
            try:
                request = self._next(held)
            except NeedsFrontError:
                request = None
            except ConnectionError:
                self._give_back(position, poller, closed=True)
                return
            if request is None:
                self._give_back(position, poller)
                return
            job = b"\x00" + request

    def _next(self, held: _Held) -> bytes | None:
        """The connection's next request, reading only it (and the control socket) until it is
        whole; None at silence or when the front writes; ConnectionError when it is closed."""
        deadline = time.monotonic() + self.idle_s
        first = True
        while (request := next_request(held.buf, self.limits, self.trust_proxy)) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            events = [(held.sock.fileno(), 0)] if first else held.waiter.poll(left * 1000)
            first = False  # the first read follows the poll that found the socket readable
            if any(fd == self.control.fileno() for fd, _ in events):
                return None  # RECALL or another lease job: read by the loop's next round
            if events:
                try:
                    data = held.sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError as err:  # reset, timed out: the connection is over either way
                    raise ConnectionError(str(err)) from None
                if not data:
                    raise ConnectionError("closed by the client")
                held.buf += data
                held.last = time.monotonic()
        return request

    def _give_back(
        self, position: int, poller: select.poll, unsent: bytes = b"", closed: bool = False
    ) -> None:
        held = self._drop(position, poller)
        if self.slot.release(position):  # else the front took it back: nothing to say
            released = Released(position, closed, held.answered, unsent, bytes(held.buf))
            write_frame(self.control, encode_release(released))
        held.sock.close()  # our copy only: the front holds the connection's own socket

    def _forget(self, position: int, poller: select.poll) -> None:
        self._drop(position, poller).sock.close()

    def _drop(self, position: int, poller: select.poll) -> _Held:
        held = self.held.pop(position)
        poller.unregister(held.sock)
        if position == self.current:
            self.current = -1  # the next connection there is a new one: take it up anew
        return held


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


__all__ = ["LeaseLoop"]
