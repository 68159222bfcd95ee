"""Run one function in a forked child process beside the caller, and collect its outcome.

The build validates the emitted N-Quads in such a child while it loads the same file into the
store (issue 13: the two read one file and need nothing from each other, and the machine has a
second core). A fork, not a fresh interpreter: the child starts with what the parent holds (the
emitter's line index, the compiled modules) without copying or re-importing anything; the pages
stay shared until one side writes to them, and the child freezes the inherited objects so that
its collector never touches them. The outcome (the return value, or the exception, pickled)
comes back through a file, since a pipe would block a child whose result outgrows its buffer.

A child can also `tell` the parent short messages while it runs (the build's progress: "parse",
"resolve", ...), which the parent hands to its `relay` callback at once, in its own process,
while the child waits for it to finish (so a progress bar or a memory probe in the callback
sees the child still alive at that step).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import re
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["Forked", "ForkedChildError", "can_fork", "die_with_parent", "tell"]

T = TypeVar("T")
_KB = re.compile(r"^(VmHWM|VmRSS):\s+(\d+) kB", re.MULTILINE)
_CHILD_BROKE = 70  # the child could not even write its outcome (EX_SOFTWARE)
# in a child made with a relay: (the write end of its messages, the read end of the acks)
_channel: tuple[int, int] | None = None


class ForkedChildError(RuntimeError):
    """The child raised something that does not survive pickling, or died without an outcome:
    a bug or a kill, never a user error (the CLI reports it as an internal error)."""


def can_fork() -> bool:
    return hasattr(os, "fork")


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """In a child process: be killed (SIGKILL) when `parent` dies, so that a build killed
    with SIGKILL leaves no child working on, or failing over, the files of its removed run;
    exit at once if it died already. Linux only (prctl); elsewhere nothing.

    The kernel sends the signal when the *thread* that made the child ends: dlkg makes its
    children from the thread that then waits for them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return
    if prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # it died before the call above
        os._exit(_CHILD_BROKE)


def tell(message: str) -> None:
    """In a child made with a `relay`: hand `message` (one line) to the parent's relay and wait
    until it has run. Elsewhere nothing."""
    if _channel is None:
        return
    out, ack = _channel
    os.write(out, message.replace("\n", " ").encode() + b"\n")
    os.read(ack, 1)


def _memory_kb() -> dict[str, int]:
    """This process's peak and current resident memory (Linux; empty elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return {}
    return {name: int(kb) for name, kb in _KB.findall(status)}


class Forked(Generic[T]):
    """`fn()` running in a child process from the moment this is made.

    `result()` waits for it and returns its value or raises its exception (a `DlkgError`
    keeps its class and its one-line message); `cancel()` stops it. `seconds` is the child's
    own wall time, `memory_kb` its resident memory at the start (shared with the parent) and
    its peak, both known once `result()` returned."""

    def __init__(
        self, fn: Callable[[], T], scratch: Path, relay: Callable[[str], None] | None = None
    ) -> None:
        handle, name = tempfile.mkstemp(dir=scratch, prefix=".forked-", suffix=".pickle")
        os.close(handle)
        self._outcome = Path(name)
        self.seconds = 0.0
        self.memory_kb: dict[str, int] = {}
        self._status: int | None = None
        self._relay = relay
        pipes = (os.pipe(), os.pipe()) if relay else None  # (messages, acks)
        # what this process printed must not be printed again by the child
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            if pipes:
                (message_in, message_out), (ack_in, ack_out) = pipes
                os.close(message_in)
                os.close(ack_out)
                global _channel
                _channel = (message_out, ack_in)
            die_with_parent(parent)
            self._run_child(fn)
        self._messages: tuple[int, int] | None = None
        if pipes:
            (message_in, message_out), (ack_in, ack_out) = pipes
            os.close(message_out)
            os.close(ack_in)
            self._messages = (message_in, ack_out)

    def _run_child(self, fn: Callable[[], T]) -> None:
        code = 0
        try:
            gc.freeze()  # the parent's objects: never scanned here, so their pages stay shared
            start_kb = _memory_kb().get("VmRSS", 0)
            start = time.perf_counter()
            try:
                outcome: tuple[bool, object] = (True, fn())
            except BaseException as exc:  # the parent decides what it means
                outcome = (False, _portable(exc))
            memory = {"start": start_kb, "peak": _memory_kb().get("VmHWM", 0)}
            payload = (*outcome, time.perf_counter() - start, memory)
            with self._outcome.open("wb") as out:
                pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            code = _CHILD_BROKE
        finally:
            os._exit(code)  # no atexit handlers, no flushing of the parent's buffers

    def done(self) -> bool:
        """Whether the child has ended (without waiting)."""
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                return False
            self._status = status
        return True

    def _relay_messages(self) -> None:
        """Hand the child's messages to the relay until the child closes its end (it ended)."""
        if self._messages is None:
            return
        message_in, ack_out = self._messages
        self._messages = None
        try:
            with os.fdopen(message_in, "rb") as messages:
                for line in messages:
                    if self._relay is not None:
                        self._relay(line.decode().rstrip("\n"))
                    with contextlib.suppress(BrokenPipeError):
                        os.write(ack_out, b".")
        finally:
            os.close(ack_out)

    def result(self) -> T:
        self._relay_messages()
        if self._status is None:
            _, self._status = os.waitpid(self.pid, 0)
        try:
            with self._outcome.open("rb") as source:
                # our own child wrote it, into a file this process made
                ok, value, self.seconds, self.memory_kb = pickle.load(source)  # noqa: S301
        except (OSError, EOFError, pickle.UnpicklingError):
            ended = self._ended()
            raise ForkedChildError(f"the child process ended without a result ({ended})") from None
        finally:
            self._outcome.unlink(missing_ok=True)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop the child (this process's own, by its pid) and reap it."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            _, self._status = os.waitpid(self.pid, 0)
        if self._messages is not None:
            for fd in self._messages:
                os.close(fd)
            self._messages = None
        self._outcome.unlink(missing_ok=True)

    def _ended(self) -> str:
        status = self._status or 0
        if os.WIFSIGNALED(status):
            return f"signal {os.WTERMSIG(status)}"
        return f"exit code {os.waitstatus_to_exitcode(status)}"


def _portable(exc: BaseException) -> BaseException:
    """`exc` if it comes back from pickling with the same class and text, else a ForkedChildError
    carrying the child's traceback as text."""
    try:
        back = pickle.loads(pickle.dumps(exc))  # noqa: S301 - its own bytes, just made
        if type(back) is type(exc) and str(back) == str(exc):
            return exc
    except Exception:  # noqa: S110 - any failure: fall back to the text below
        pass
    text = "".join(traceback.format_exception(exc)).rstrip()
    return ForkedChildError(f"{type(exc).__name__} in the child process: {exc}\n{text}")
