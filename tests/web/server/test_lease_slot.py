"""The slot's two racing changes (lease.py): the worker beginning an answer, the front
stopping the request. The lock is per process, so each side runs in its own process here."""

from __future__ import annotations

import fcntl
import multiprocessing as mp
import time

import pytest

from dlkg.web.server.lease import HAVE_LEASES, KILLED, RUNNING, WAITING, WRITING, Slot

pytestmark = pytest.mark.skipif(not HAVE_LEASES, reason="needs memfd_create and SCM_RIGHTS")
fork = mp.get_context("fork")


def _begin_writing(fd: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    out.put(Slot(fd).begin_writing())


def _hold_lock(fd: int, seconds: float) -> None:
    fcntl.lockf(fd, fcntl.LOCK_EX)
    time.sleep(seconds)


def worker_begins_writing(slot: Slot) -> bool:
    out: mp.Queue = fork.Queue()  # type: ignore[type-arg]
    child = fork.Process(target=_begin_writing, args=(slot.fd, out))
    child.start()
    child.join(10)
    return bool(out.get(timeout=5))


def test_a_request_the_front_claimed_is_never_answered_by_the_worker() -> None:
    slot = Slot.create()
    slot.set(RUNNING)
    seq = slot.read()[0]
    assert slot.claim(seq) is not None
    assert slot.read()[1] == KILLED
    assert not worker_begins_writing(slot)
    slot.close()


def test_once_the_worker_writes_the_front_cannot_claim() -> None:
    slot = Slot.create()
    slot.set(RUNNING)
    seq = slot.read()[0]
    assert worker_begins_writing(slot)
    assert slot.read()[1] == WRITING
    assert slot.claim(seq) is None
    slot.close()


def test_the_front_never_claims_another_request_nor_waits_for_the_lock() -> None:
    slot = Slot.create()
    slot.set(RUNNING)
    old = slot.read()[0]
    slot.set(RUNNING)  # the next request began meanwhile
    assert slot.claim(old) is None
    holder = fork.Process(target=_hold_lock, args=(slot.fd, 2.0))
    holder.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert slot.claim(old + 1) is None  # the worker holds the lock: deciding to write
    assert time.monotonic() - started < 0.5
    holder.join(10)
    assert slot.claim(old + 1) is not None  # a dead holder's lock is gone
    slot.close()


def test_a_connection_taken_up_has_its_request_running_for_the_front_to_claim() -> None:
    """`enter(begin=True)` takes up the connection and starts its request in one step: the
    front finds either the connection still its own to take back, or the request running."""
    slot = Slot.create()
    generation = slot.grant(2)
    assert generation is not None
    before = slot.read()[0]
    assert slot.enter(2, generation, begin=True)
    seq, state, _ = slot.read()
    assert (seq, state) == (before + 1, RUNNING)
    assert slot.revoke([2]) == []  # the one served now stays with the worker
    assert slot.claim(seq) == 2  # ... and its request can be stopped, with its position
    slot.close()


def test_a_connection_taken_back_first_is_never_taken_up_and_its_request_never_runs() -> None:
    slot = Slot.create()
    generation = slot.grant(1)
    assert generation is not None
    before = slot.read()
    assert slot.revoke([1]) == [(1, False)]  # not taken up: the front answers for it
    assert not slot.enter(1, generation, begin=True)
    assert slot.read() == before
    assert 1 in slot.free()  # the position may be granted again
    slot.close()


def _flip_states(fd: int, seconds: float) -> None:
    """A worker's state changes as fast as it can make them: RUNNING, WRITING, WAITING."""
    slot = Slot(fd)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        slot.set(RUNNING)
        slot.begin_writing()
        slot.set(WAITING)


def test_the_front_never_reads_a_state_half_written() -> None:
    """The front reads the worker's slot while the worker changes it. Every read must be one
    moment's (sequence, state, start), or None (the worker holds the lock). The slot was once
    written with struct.pack_into, which zeroes the range before writing it: the front then
    read a request running since 0.0, past its time limit, and killed a worker serving
    lookups (bench_server.py's no-op server, 1 run in 3)."""
    slot = Slot.create()
    started = time.monotonic()
    child = fork.Process(target=_flip_states, args=(slot.fd, 1.5))
    child.start()
    reads, torn, last_seq = 0, [], 0
    try:
        while child.is_alive():
            read = slot.read()
            if read is None:
                continue
            reads += 1
            seq, state, since = read
            whole = started <= since <= time.monotonic() and state in (RUNNING, WRITING, WAITING)
            if (seq and not whole) or seq < last_seq:
                torn.append(read)
            last_seq = max(last_seq, seq)
    finally:
        child.join(10)
    assert reads > 1000 and last_seq > 1000  # both sides ran
    assert torn == [], torn[:5]
