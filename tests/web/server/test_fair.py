"""Fair sharing: a crowd of heavy queries from other clients cannot starve a fresh client.

Clients are told apart by address: each heavy client connects from its own 127.0.0.x (Linux
routes the whole 127/8 to loopback), the fresh client from 127.0.0.200.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from dlkg.memory_budget import MIN_PER_WORKER, max_workers

from ..helpers import BASE, Live, Reply, serve_in_thread, settle

TIMEOUT_S = 3.0
LOOKUP = f'SELECT ?p WHERE {{ ?p <{BASE}ns#arxivId> "1503.02531" }}'
# CPU-bound and small in memory: each runs into the time limit.
HEAVY = [
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }",
    "SELECT (COUNT(*) AS ?n) { ?a (<x:p>|!<x:p>)* ?b . ?c (<x:p>|!<x:p>)* ?d ."
    " ?e (<x:p>|!<x:p>)* ?f . ?g (<x:p>|!<x:p>)* ?h }",
]
CROWD = 16


def sparql(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


@pytest.fixture(scope="module")
def fair(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri=BASE,
        timeout_s=TIMEOUT_S,
        workers=2,
        memory_budget=max_workers(2) << 31,  # 2 GiB each: these meet the time limit first
        client_limit=4,
        max_queue=64,
    )


class Crowd:
    """CROWD clients, each from its own address, sending a heavy query again when answered."""

    def __init__(self, live: Live) -> None:
        self.live = live
        self.replies: list[Reply] = []
        # A request that raised while the crowd was running (a reset, a client time-out) is a
        # fault to report; one raised after __exit__ stopped the crowd is the server shutting
        # down under a request still in flight, which a daemon thread may meet at teardown.
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(CROWD)
        ]

    def _run(self, i: int) -> None:
        while not self._stop.is_set():
            try:
                reply = self.live.request("GET", sparql(HEAVY[i % 2]), source=f"127.0.0.{10 + i}")
            except OSError as exc:
                if not self._stop.is_set():
                    self.failures.append(f"client {i}: {exc!r}")
                return
            self.replies.append(reply)

    def wait_known(self) -> None:
        assert self.live.server is not None
        pool = self.live.server.pool
        deadline = time.monotonic() + 10 * TIMEOUT_S
        while time.monotonic() < deadline:
            now = time.monotonic()
            if all(pool.book.long_runs(f"127.0.0.{10 + i}", now) for i in range(CROWD)):
                return
            time.sleep(0.1)
        raise AssertionError("the pool never saw every heavy client run long")

    def __enter__(self) -> Crowd:
        settle(self.live)
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(3 * TIMEOUT_S)


@pytest.mark.slow
def test_a_fresh_client_is_served_within_a_second_while_sixteen_heavy_queries_run(
    fair: Live,
) -> None:
    latencies: list[float] = []
    statuses: list[int] = []
    with Crowd(fair) as crowd:
        # Wait until the pool knows every heavy client (each has had a query run long or
        # wait a whole time limit): before that, a crowd never seen is indistinguishable from
        # a fresh client (docs/security.md, "Fair sharing", limits).
        crowd.wait_known()
        settle(fair, idle=fair.server.pool.reserve if fair.server else 0)  # the reserve is back
        deadline = time.monotonic() + 2 * TIMEOUT_S  # across time-outs and replacements
        while time.monotonic() < deadline:
            started = time.monotonic()
            reply = fair.request("GET", sparql(LOOKUP), source="127.0.0.200")
            latencies.append(time.monotonic() - started)
            statuses.append(reply.status)
            time.sleep(0.1)
    assert set(statuses) == {200}
    assert max(latencies) < 1.0, sorted(latencies)[-5:]
    assert crowd.failures == []
    assert len(latencies) >= 20
    # Heavy queries end at the time limit or are refused for now, always with a reason.
    assert {r.status for r in crowd.replies} <= {503, 504}, {r.status for r in crowd.replies}
    assert any(r.status == 504 for r in crowd.replies)
    for reply in crowd.replies:
        if reply.status == 503:
            assert int(reply.headers["retry-after"]) >= 1


def test_one_client_past_its_bound_gets_429_with_retry_after(fair: Live) -> None:
    settle(fair)
    replies: list[Reply] = []

    def heavy() -> None:
        replies.append(fair.request("GET", sparql(HEAVY[0]), source="127.0.0.50"))

    threads = [threading.Thread(target=heavy) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # all four in flight
    refused = fair.request("GET", sparql(LOOKUP), source="127.0.0.50")
    other = fair.request("GET", sparql(LOOKUP), source="127.0.0.51")
    for thread in threads:
        thread.join(3 * TIMEOUT_S)
    assert refused.status == 429
    assert refused.text.startswith("too many queries from your address at once (at most 4)")
    assert int(refused.headers["retry-after"]) >= 1
    assert other.status == 200
    # They ran into the time limit, or were stopped for the module's other long queries.
    assert {r.status for r in replies} <= {503, 504}
    # Answered queries no longer count: the same address is served again (once the pool has
    # replaced the workers its time-outs killed: it lost its good standing for a while).
    settle(fair)
    assert fair.request("GET", sparql(LOOKUP), source="127.0.0.50").status == 200


def test_forwarded_for_counts_only_behind_a_trusted_proxy(web_store: Path, tmp_path: Path) -> None:
    for trust in (False, True):
        for live in serve_in_thread(
            store_dir=web_store,
            build_dir=tmp_path,
            base_iri=BASE,
            timeout_s=TIMEOUT_S,
            workers=1,
            client_limit=1,
            trust_proxy=trust,
        ):
            done: list[Reply] = []

            def heavy(live: Live = live, done: list[Reply] = done) -> None:
                headers = {"X-Forwarded-For": "203.0.113.9"}
                done.append(live.request("GET", sparql(HEAVY[0]), headers=headers))

            thread = threading.Thread(target=heavy)
            thread.start()
            time.sleep(0.5)
            # Same proxy connection address, another client behind it: a forged first entry
            # is ignored, the proxy's appended (last) entry counts.
            headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
            second = live.request("GET", sparql(LOOKUP), headers=headers)
            thread.join(3 * TIMEOUT_S)
            assert done[0].status == 504
            assert second.status == (200 if trust else 429), (trust, second.text)


def test_a_full_queue_answers_503_with_retry_after(web_store: Path, tmp_path: Path) -> None:
    for live in serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        timeout_s=TIMEOUT_S,
        workers=1,
        memory_budget=2 << 30,  # room for 4 workers: the pool is at its ceiling at once
        max_queue=1,
    ):
        pool = live.server.pool if live.server else None
        assert pool is not None and pool.max_workers == 4
        replies: list[Reply] = []

        def heavy(i: int, live: Live = live, replies: list[Reply] = replies) -> None:
            replies.append(live.request("GET", sparql(HEAVY[0]), source=f"127.0.0.{60 + i}"))

        threads = [threading.Thread(target=heavy, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        for thread in threads:
            thread.join(3 * TIMEOUT_S)
        busy = [r for r in replies if r.status == 503]
        assert busy, sorted(r.status for r in replies)
        for reply in busy:
            assert int(reply.headers["retry-after"]) >= 1


def test_a_burst_from_one_new_client_leaves_the_reserve_to_others(
    web_store: Path, tmp_path: Path
) -> None:
    """One worker plus one in reserve, and no room to grow: a new client's second heavy query
    must wait rather than take the last idle worker, so another client's lookup is answered
    at once (before: the burst took both workers, and the lookup waited out the time limit)."""
    for live in serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        timeout_s=TIMEOUT_S,
        workers=1,
        memory_budget=2 * MIN_PER_WORKER,  # room for two workers: the pool cannot grow
        client_limit=4,
    ):
        pool = live.server.pool if live.server else None
        assert pool is not None and (pool.max_workers, pool.reserve) == (2, 1)
        heavy_replies: list[Reply] = []

        def heavy(query: str, live: Live = live, out: list[Reply] = heavy_replies) -> None:
            out.append(live.request("GET", sparql(query), source="127.0.0.70"))

        threads = [threading.Thread(target=heavy, args=(q,)) for q in HEAVY]
        for thread in threads:
            thread.start()
            time.sleep(0.2)  # in this order: the first is running when the second comes
        lookup = live.request("GET", sparql(LOOKUP), source="127.0.0.71")
        answered_during_burst = not heavy_replies
        for thread in threads:
            thread.join(3 * TIMEOUT_S)
        assert lookup.status == 200, lookup.text
        assert answered_during_burst, [r.status for r in heavy_replies]
        assert {r.status for r in heavy_replies} <= {503, 504}
