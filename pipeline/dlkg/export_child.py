"""Export's work in a second process: the JSON-LD, and the Turtle fed as the N-Triples are sorted.

A fresh interpreter started with `subprocess` (not multiprocessing, whose "spawn" re-runs the
caller's main script and whose "fork" would copy the scan's and the store's threads mid-work)
runs one job (`JOBS`) with dlkg imported from the parent's own sys.path (the same code).
The job's arguments are one JSON line on its stdin; a streaming job (the Turtle) then reads its
input from the rest of stdin, which the parent writes as it produces it. An error is one JSON
line on stdout and exit status 1; the parent raises it again (an OSError stays an OSError), so
a full disk in the child is the same one-line error, exit 4, as in the parent.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from .errors import StoreError
from .forked import die_with_parent

# Each job: the module and function the child runs, and what it writes (as an error names it).
# The JSON-LD's job lives in export_jsonld, which starts it through this module.
JOBS = {
    "jsonld": ("dlkg.export_jsonld", "job", "the JSON-LD writer"),
    "turtle": ("dlkg.export_child", "turtle_job", "the Turtle writer"),
    "trig": ("dlkg.export_child", "trig_job", "the TriG writer"),
}
_PROGRAM = (
    "import sys; sys.path[:0] = sys.argv[2:]; from {module} import {function} as job; "
    "from dlkg.export_child import run; run(job, int(sys.argv[1]))"
)


def run(job: Callable[[list[Any]], None], parent: int) -> None:
    """The child's body: run the job with its arguments, or report what stopped it; killed
    with its `parent` (a build killed with SIGKILL leaves no writer behind)."""
    die_with_parent(parent)
    args = json.loads(sys.stdin.buffer.readline())
    try:
        job(args)
    except OSError as err:
        _fail({"errno": err.errno, "strerror": err.strerror or str(err)})
    except Exception as err:  # reported to the parent, which raises it there
        _fail({"type": type(err).__name__, "message": str(err)})


def turtle_job(args: list[Any]) -> None:
    """The Turtle of the N-Triples that come on stdin as the parent writes them (the same
    triples in the same order as parsing the finished dlkg.nt, so the same Turtle)."""
    triples = ox.parse(sys.stdin.buffer, format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, args[0], ox.RdfFormat.TURTLE, prefixes=args[1])


def trig_job(args: list[Any]) -> None:
    """The TriG of the N-Quads that come on stdin, sorted by graph and subject (the JSON-LD
    writer's input, passed on as it reads it). With a third argument true, without the prefix
    lines: a part that follows another (TriG's graphs stand alone, so the parts one after the
    other are the TriG of all their quads, as the tests check)."""
    quads = ox.parse(sys.stdin.buffer, format=ox.RdfFormat.N_QUADS)
    path, prefixes, *rest = args
    if not (rest and rest[0]):
        ox.serialize(quads, path, ox.RdfFormat.TRIG, prefixes=prefixes)
        return
    with Path(path).open("wb") as out:
        headless = _Headless(out, len(prefixes))
        ox.serialize(quads, headless, ox.RdfFormat.TRIG, prefixes=prefixes)  # type: ignore[arg-type]
        headless.close()


class _Headless:
    """A file that drops the first `lines` lines written to it, each a TriG @prefix line."""

    def __init__(self, out: IO[bytes], lines: int) -> None:
        self._out, self._lines, self._head = out, lines, b""

    def write(self, data: bytes) -> int:
        taken = len(data)  # all of it, always: a short count makes the writer send it again
        if self._lines:
            self._head += data
            while self._lines and b"\n" in self._head:
                line, self._head = self._head.split(b"\n", 1)
                if not line.startswith(b"@prefix "):
                    raise ValueError(f"the TriG writer began with {line[:60]!r}, not a prefix")
                self._lines -= 1
            if self._lines:
                return taken
            data, self._head = self._head, b""
        self._out.write(data)
        return taken

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if self._lines and self._head:
            raise ValueError("the TriG writer ended inside its prefix lines")


def _fail(report: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
    raise SystemExit(1)


class Child:
    """One job of `main` in a child process; `stream` keeps its stdin open for `write`."""

    def __init__(self, kind: str, args: list[object], *, stream: bool = False) -> None:
        module, function, self._writer = JOBS[kind]
        program = _PROGRAM.format(module=module, function=function)
        paths = [p for p in sys.path if p]
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", program, str(os.getpid()), *paths],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(args).encode("utf-8") + b"\n")
        if stream:
            self._process.stdin.flush()
        else:
            self._process.stdin.close()

    def write(self, data: bytes) -> bool:
        """Hand the child more of its input; False if it has stopped reading (it failed:
        `result` says why)."""
        stdin = self._process.stdin
        if stdin is None or stdin.closed:
            return False
        try:
            stdin.write(data)
        except BrokenPipeError:
            return False
        return True

    def result(self, target: Path) -> None:
        """End the input, wait for the child; raise what stopped it."""
        stdin = self._process.stdin
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(BrokenPipeError):  # it stopped reading: its report says why
                stdin.close()
        assert self._process.stdout is not None
        out = self._process.stdout.read()
        code = self._process.wait()
        if code == 0:
            return
        try:
            report = json.loads(out.decode("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError):  # it died without a word: killed, or out of memory
            raise StoreError(f"{self._writer} stopped (exit code {code})", path=target) from None
        if "errno" in report:
            raise OSError(report["errno"], report["strerror"])
        if report.get("type") == "ValueError":
            raise ValueError(report["message"])
        raise StoreError(f"{self._writer} failed: {report['message']}", path=target)

    def stop(self) -> None:
        """End the child if it still runs (export failed elsewhere) and wait for it."""
        if self._process.poll() is None:
            self._process.terminate()  # only the child this object started
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(BrokenPipeError):
                    pipe.close()


__all__ = ["JOBS", "Child", "run", "trig_job", "turtle_job"]
