"""Several connections of one client held by one worker (lease_loop.py, pool_leases.py).

Against the real server and workers: a client's connections share the workers it leases
(never another client's), and a long request on one of them never makes the others wait:
the front takes them back, and a worker stopped at the time limit gives them back intact.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from dlkg.memory_budget import max_workers
from dlkg.web.server import pool_leases
from dlkg.web.server.jobs import Worker
from dlkg.web.server.lease import HAVE_LEASES
from dlkg.web.server.pool import WorkerPool

from ..helpers import BASE, Live, serve_in_thread
from .test_lease import HEAVY, all_idle, get, numbered, read_response, value
from .test_memory import GREEDY, PER_WORKER

pytestmark = pytest.mark.skipif(not HAVE_LEASES, reason="needs memfd_create and SCM_RIGHTS")


@pytest.fixture()
def shared(web_store: Path, tmp_path: Path) -> Iterator[Live]:
    """Two workers to lease beyond a reserve of two; silent connections stay leased 30 s."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        timeout_s=4.0,
        workers=2,
        lease_idle_s=30.0,
    )


def pool_of(live: Live) -> WorkerPool:
    assert live.server is not None
    return live.server.pool


def connect(live: Live, stack: ExitStack, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection((live.host, live.port), timeout=15, source_address=(source, 0))
    return stack.enter_context(sock)


def ask(sock: socket.socket, n: int) -> str:
    sock.sendall(numbered(n))
    status, _, body = read_response(sock, bytearray())
    assert status == 200, body
    return value(body)


def holders(pool: WorkerPool) -> list[Worker]:
    return [w for w in pool.workers if w.leasing]


def peers(worker: Worker) -> set[str]:
    return {getattr(leased.conn, "peer", "") for leased in worker.leases.values()}


def wait_for(condition: object, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_a_clients_connections_share_the_workers_it_leases(
    shared: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = pool_of(shared)
    all_idle(shared)
    through_front: list[object] = []
    real_submit = pool.submit
    with ExitStack() as stack:
        socks = [connect(shared, stack) for _ in range(5)]
        for k, sock in enumerate(socks):
            assert ask(sock, k) == str(k)
        # two workers beyond the reserve: the other three connections joined them
        assert pool.added >= 3
        assert sum(len(w.leases) for w in holders(pool)) == 5

        def submit(job: object) -> None:
            through_front.append(job)
            real_submit(job)  # type: ignore[arg-type]

        monkeypatch.setattr(pool, "submit", submit)
        for round_ in range(10):  # every connection keeps being answered, in any order
            for k, sock in enumerate(reversed(socks)):
                assert ask(sock, 100 * round_ + k) == str(100 * round_ + k)
            assert len(pool.idle) >= pool.reserve  # the reserve never takes one of them
    wait_for(lambda: not holders(pool), "closed connections still held")
    # The workers answered the 50 requests on the connections they hold, not the front: only
    # a connection the front took back (to spread them once new workers are idle) sends its
    # next request through it. (Not counted from the workers' reports: a worker reports what
    # it answered on a connection when it gives it back, not when the front takes it back.)
    assert len(through_front) <= 10, (len(through_front), pool.taken_back)
    assert pool.lease_answers >= 50 - 11 * pool.taken_back


def test_a_client_holding_a_worker_per_cpu_packs_its_further_connections(shared: Live) -> None:
    pool = pool_of(shared)
    all_idle(shared)
    assert pool.pack_at == 2  # workers=2: one per CPU as configured
    with ExitStack() as stack:
        first = [connect(shared, stack) for _ in range(2)]
        for k, sock in enumerate(first):
            ask(sock, k)
        assert len(holders(pool)) == 2
        # workers beyond the reserve are idle again (the pool starts more for the leases) ...
        wait_for(lambda: len(pool.idle) > pool.reserve, "no spare worker started", 60)
        more = [connect(shared, stack) for _ in range(2)]
        for round_ in range(20):  # ... yet the further connections share the two workers
            for k, sock in enumerate(first + more):
                ask(sock, 10 * round_ + k)
            assert sorted(len(w.leases) for w in holders(pool)) == [2, 2]


def test_packed_connections_spread_onto_workers_that_fall_idle(shared: Live) -> None:
    pool = pool_of(shared)
    pool.pack_at = 99  # spread as far as workers allow (a client on a bigger machine)
    all_idle(shared)
    with ExitStack() as stack:
        socks = [connect(shared, stack) for _ in range(5)]
        for k, sock in enumerate(socks):
            ask(sock, k)
        assert max(len(w.leases) for w in holders(pool)) >= 2  # packed: no worker was spare
        # The pool starts more workers (a lease is not spare capacity); once they are idle
        # beyond the reserve, connections are taken back and lease them.
        deadline = time.monotonic() + 60
        while max(len(w.leases) for w in holders(pool)) > 1 or len(holders(pool)) < 5:
            assert time.monotonic() < deadline, [len(w.leases) for w in holders(pool)]
            for k, sock in enumerate(socks):
                assert ask(sock, k) == str(k)
        assert pool.taken_back >= 1


def test_two_clients_never_share_a_worker(shared: Live) -> None:
    pool = pool_of(shared)
    all_idle(shared)
    with ExitStack() as stack:
        mine = [connect(shared, stack) for _ in range(3)]
        other = [connect(shared, stack, source="127.0.0.2") for _ in range(2)]
        for round_ in range(3):
            for k, sock in enumerate(mine + other):
                assert ask(sock, 10 * round_ + k) == str(10 * round_ + k)
                for worker in holders(pool):
                    assert len(peers(worker)) == 1, "a worker holds two clients' connections"
        assert {"127.0.0.1"} in [peers(w) for w in holders(pool)]


def test_a_long_request_never_holds_the_other_connections_of_its_worker(shared: Live) -> None:
    pool = pool_of(shared)
    all_idle(shared)
    with ExitStack() as stack:
        heavy, other = sharing_pair(shared, stack)
        taken_back = pool.taken_back
        heavy.sendall(get(HEAVY))
        time.sleep(0.3)  # the heavy query runs
        for n in range(5):
            started = time.monotonic()
            assert ask(other, n) == str(n)
            assert time.monotonic() - started < 1.0, "a lookup waited behind the long query"
        assert pool.taken_back > taken_back
        status, _, _ = read_response(heavy, bytearray())
        assert status == 504


def sharing_pair(live: Live, stack: ExitStack) -> tuple[socket.socket, socket.socket]:
    """Three connections of one client on two leasable workers: the two client sockets whose
    connections one worker holds together."""
    socks = [connect(live, stack) for _ in range(3)]
    for k, sock in enumerate(socks):
        ask(sock, k)
    worker = next(w for w in holders(pool_of(live)) if len(w.leases) == 2)
    ports = set()
    for leased in worker.leases.values():
        transport = leased.conn.transport  # type: ignore[attr-defined]
        ports.add(transport.get_extra_info("peername")[1])
    mine = [s for s in socks if s.getsockname()[1] in ports]
    assert len(mine) == 2
    return mine[0], mine[1]


def test_a_worker_stopped_at_the_time_limit_gives_its_other_connections_back(
    shared: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The front never takes connections back for running long: only the stop does.
    monkeypatch.setattr(pool_leases, "MUX_HOLD_S", 1e9)
    pool = pool_of(shared)
    all_idle(shared)
    with ExitStack() as stack:
        heavy, other = sharing_pair(shared, stack)
        unanswered = pool.unanswered
        heavy.sendall(get(HEAVY))
        time.sleep(0.3)
        other.sendall(numbered(7))  # waits in the socket behind the heavy query
        status, headers, _ = read_response(heavy, bytearray())
        assert (status, headers["connection"]) == (504, "close")
        buf = bytearray()
        status, _, body = read_response(other, buf)  # answered after the stop, not lost
        assert (status, value(body)) == (200, "7")
        assert ask(other, 8) == "8"  # and the connection stays open
        assert pool.unanswered == unanswered  # nothing was closed without its answer


@pytest.fixture()
def small(web_store: Path, tmp_path: Path) -> Iterator[Live]:
    """Workers with a small memory ceiling (test_memory.py) holding shared connections."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        timeout_s=20.0,
        workers=2,
        lease_idle_s=30.0,
        app="web.helpers:greedy_app",
        memory_budget=max_workers(2) * PER_WORKER,
    )


def test_a_worker_dying_with_shared_connections_answers_one_and_gives_the_others_back(
    small: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_leases, "MUX_HOLD_S", 1e9)  # only the death ends the sharing
    pool = pool_of(small)
    all_idle(small)
    with ExitStack() as stack:
        greedy, other = sharing_pair(small, stack)
        crashes = pool.crashes
        # The server's own limits (memory, then 20 s) end the greedy query, not the client's
        # 15 s read timeout: a CPU-starved machine takes longer to fill the ceiling.
        greedy.settimeout(60)
        other.settimeout(60)
        greedy.sendall(get(GREEDY))
        time.sleep(0.3)
        other.sendall(numbered(7))
        status, headers, body = read_response(greedy, bytearray())
        assert (status, headers["connection"]) == (507, "close"), body
        assert pool.crashes == crashes + 1
        status, _, body = read_response(other, bytearray())
        assert (status, value(body)) == (200, "7")
        assert ask(other, 8) == "8"


@pytest.fixture()
def churn(web_store: Path, tmp_path: Path) -> Iterator[Live]:
    """Connections leased, shared, given back after 50 ms of silence, and taken back."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        timeout_s=3.0,
        workers=2,
        lease_idle_s=0.05,
        client_limit=256,
    )


def _lookups(
    live: Live, seed: int, seconds: float, out: list[str], answered: list[int] | None = None
) -> None:
    """One connection's lookups with random pauses, pipelining and reconnects; every answer
    must be its own request's (`out` gets a line per fault, `answered` one entry per 200).

    A request that could not start within the time limit (a CPU-starved machine: seen at
    load 20) is refused with 503 and Retry-After, the documented answer, not a fault; a 503
    without Retry-After, any other status or another request's answer is."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    deadline = time.monotonic() + seconds
    n = seed * 100_000
    sock = socket.create_connection((live.host, live.port), timeout=15)
    buf = bytearray()
    try:
        while time.monotonic() < deadline:
            batch = [n + k for k in range(rng.choice((1, 1, 1, 2, 3)))]
            n += len(batch)
            sock.sendall(b"".join(numbered(k) for k in batch))
            for k in batch:
                status, headers, body = read_response(sock, buf)
                if status == 503 and int(headers.get("retry-after", "0")) >= 1:
                    continue
                if status != 200 or value(body) != str(k):
                    out.append(f"{seed}: request {k} got {status} {body[:80]!r}")
                elif answered is not None:
                    answered.append(k)
            pause = rng.random()
            if pause < 0.2:
                time.sleep(rng.uniform(0.03, 0.12))  # around the lease's silence
            elif pause < 0.25:
                sock.close()
                sock = socket.create_connection((live.host, live.port), timeout=15)
                buf = bytearray()
    except OSError as err:
        out.append(f"{seed}: {err!r}")
    finally:
        sock.close()


def test_many_connections_of_one_client_through_every_hand_over_get_their_own_answers(
    churn: Live,
) -> None:
    pool = pool_of(churn)
    all_idle(churn)
    faults: list[str] = []
    answered: list[int] = []
    threads = [
        threading.Thread(target=_lookups, args=(churn, seed, 8.0, faults, answered))
        for seed in range(12)
    ]
    heavy_replies: list[int] = []

    def heavy() -> None:  # long requests make the front take connections back
        for _ in range(2):
            heavy_replies.append(churn.get(HEAVY).status)

    threads.append(threading.Thread(target=heavy))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not faults, faults[:5]
    assert {n // 100_000 for n in answered} == set(range(12))  # every connection answered
    assert len(answered) >= 12 * 20, len(answered)  # most requests: 0.1 s pauses at worst
    assert set(heavy_replies) <= {504}
    assert pool.added > 0 and pool.leased > 0
