"""The memory budget: a query over its worker's ceiling answers 507; other clients go on.

The server runs with a small budget (PER_WORKER for each of the pool's workers); the greedy
query sorts a cartesian product of the store with itself, which needs far more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.memory_budget import max_workers
from dlkg.web.guard import GuardLimits

from ..helpers import BASE, Live, serve_in_thread

PER_WORKER = 512 << 20
TIMEOUT_S = 20.0
LOOKUP = f'SELECT ?p WHERE {{ ?p <{BASE}ns#arxivId> "1503.02531" }}'
GREEDY = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i ?l LIMIT 1"


@pytest.fixture(scope="module")
def small(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri=BASE,
        timeout_s=TIMEOUT_S,
        workers=1,
        app="web.helpers:greedy_app",
        memory_budget=max_workers(1) * PER_WORKER,
    )


class Lookups:
    """Another client: a lookup every 50 ms on its own connections, statuses recorded."""

    def __init__(self, live: Live) -> None:
        self.live = live
        self.statuses: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.statuses.append(self.live.get(LOOKUP).status)
            self._stop.wait(0.05)

    def __enter__(self) -> Lookups:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def test_a_query_over_its_ceiling_gets_507_while_another_client_is_served(small: Live) -> None:
    assert small.server is not None
    crashes = small.server.pool.crashes
    with Lookups(small) as lookups:
        time.sleep(0.2)
        started = time.monotonic()
        reply = small.get(GREEDY)
        elapsed = time.monotonic() - started
        time.sleep(0.5)  # lookups while the worker is replaced
    assert reply.status == 507, reply.text
    assert reply.text == (
        f"the query needed more memory than one query may use ({PER_WORKER >> 20} MiB); "
        "narrow it (fewer joined patterns, no ORDER BY over large results) and retry\n"
    )
    assert elapsed < TIMEOUT_S  # stopped by its ceiling, not by the time limit
    assert small.server.pool.crashes == crashes + 1  # its worker died ...
    assert small.get(LOOKUP).status == 200  # ... and another took over
    assert len(lookups.statuses) >= 5
    assert set(lookups.statuses) == {200}


def test_the_next_greedy_query_meets_the_same_ceiling(small: Live) -> None:
    assert small.get(GREEDY).status == 507
    assert small.get(LOOKUP).status == 200


def test_memory_error_in_python_code_is_507_too(small: Live) -> None:
    reply = small.request("GET", "/greedy")
    assert reply.status == 507
    assert "more memory than one query may use" in reply.text
    assert small.get(LOOKUP).status == 200


def test_a_crash_that_is_not_memory_stays_500(web_store: Path, tmp_path: Path) -> None:
    # Deep nesting past a disabled guard overflows the engine's stack (SIGSEGV): the worker
    # dies during a query, but with no allocation failure on stderr it is not memory.
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    unguarded = GuardLimits(max_depth=10**6, max_chain=10**6)
    for live in serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        workers=1,
        guard_limits=unguarded,
        memory_budget=max_workers(1) * PER_WORKER,
    ):
        reply = live.post_form(deep)
        assert reply.status == 500
        assert reply.text == "the query crashed its worker process; the server replaced it\n"
