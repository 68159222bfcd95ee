"""`dlkg.forked`: a function run in a forked child, its value or its exception brought back."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlkg.errors import NotConformant, SourceError
from dlkg.forked import Forked, ForkedChildError
from dlkg.resources import ontology_dir

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_the_value_comes_back_from_another_process(tmp_path: Path) -> None:
    big = list(range(200_000))  # inherited, not copied or pickled on the way in
    child = Forked(lambda: (os.getpid(), sum(big), "x" * 1_000_000), tmp_path)
    pid, total, text = child.result()
    assert pid == child.pid != os.getpid()
    assert total == sum(big) and len(text) == 1_000_000  # bigger than a pipe's buffer
    assert child.seconds >= 0 and child.memory_kb["peak"] >= child.memory_kb["start"] > 0
    assert list(tmp_path.iterdir()) == []  # the outcome file is gone


def _fail() -> None:
    raise SourceError("only 3 entries parsed", path="README.md", line=9)


def test_a_dlkg_error_keeps_its_class_and_its_one_line(tmp_path: Path) -> None:
    child = Forked(_fail, tmp_path)
    with pytest.raises(SourceError) as info:
        child.result()
    assert str(info.value) == "README.md:9: only 3 entries parsed"
    assert info.value.exit_code == 3


class _UnpicklableError(Exception):
    def __init__(self, a: int, b: int) -> None:  # pickling calls it with one argument
        super().__init__(f"{a}+{b}")


def _unpicklable() -> None:
    raise _UnpicklableError(1, 2)


def test_an_exception_that_cannot_travel_comes_back_as_text(tmp_path: Path) -> None:
    with pytest.raises(
        ForkedChildError, match=r"^_UnpicklableError in the child process: 1\+2"
    ) as info:
        Forked(_unpicklable, tmp_path).result()
    assert "Traceback" in str(info.value)
    assert not isinstance(info.value, NotConformant)


def test_a_child_killed_or_exiting_without_an_outcome(tmp_path: Path) -> None:
    with pytest.raises(ForkedChildError, match=r"without a result \(exit code 3\)"):
        Forked(lambda: os._exit(3), tmp_path).result()
    child = Forked(lambda: time.sleep(60), tmp_path)
    assert not child.done()
    started = time.monotonic()
    child.cancel()
    assert time.monotonic() - started < 10 and child.done()
    with pytest.raises(ForkedChildError, match=r"signal 9"):
        child.result()
    assert list(tmp_path.iterdir()) == []


def test_messages_reach_the_relay_in_order_while_the_child_still_runs(tmp_path: Path) -> None:
    from dlkg.forked import tell

    seen: list[tuple[str, bool]] = []
    child_pid: list[int] = []

    def relay(message: str) -> None:
        # the child waits for the relay: it is alive (not a zombie) while this runs
        state = Path(f"/proc/{child_pid[0]}/stat").read_text().split()[2]
        seen.append((message, state != "Z"))

    def work() -> int:
        for step in ("parse", "resolve\nwith a newline", "emit"):
            tell(step)
        return 7

    child = Forked(work, tmp_path, relay=relay)
    child_pid.append(child.pid)
    assert child.result() == 7
    assert seen == [("parse", True), ("resolve with a newline", True), ("emit", True)]
    tell("outside any child: nothing happens")


def test_a_child_killed_while_it_tells_is_reported(tmp_path: Path) -> None:
    from dlkg.forked import tell

    def work() -> None:
        tell("started")
        os._exit(5)

    child = Forked(work, tmp_path, relay=lambda _m: None)
    with pytest.raises(ForkedChildError, match="exit code 5"):
        child.result()


# A parent that starts both kinds of child dlkg makes, each stuck (a sleep; a JSON-LD writer
# opening a FIFO no one writes), prints their pids, and waits to be killed.
_PARENT = """
import os, sys, time
from pathlib import Path
from dlkg.forked import Forked
from dlkg.export_jsonld import Background
work = Path(sys.argv[1])
fifo = work / "graph.nq"
os.mkfifo(fifo)
forked = Forked(lambda: time.sleep(600), work)
writer = Background([["http://x/g", [str(fifo)]]], work / "out.jsonld", Path(sys.argv[2]),
                    "x", work, 1 << 20)
print(forked.pid, writer._process.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_children_die_with_a_build_killed_with_sigkill(tmp_path: Path) -> None:
    # a build killed by SIGKILL (a timeout, the OOM killer) cannot stop its children; they
    # go with it instead of working on, or failing over, the files of its removed run
    context = ontology_dir() / "context.jsonld"
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, str(tmp_path), str(context)], stdout=subprocess.PIPE
    )
    pids: list[int] = []
    try:
        assert parent.stdout is not None
        pids += [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(map(_alive, pids))
        time.sleep(0.5)
        assert all(map(_alive, pids))  # stuck, not ended by themselves
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 20
        while any(map(_alive, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, pids))
    finally:
        parent.kill()
        parent.wait()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
