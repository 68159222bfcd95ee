"""Benchmark fair sharing: a fresh client's lookups while a crowd runs queries into the timeout.

    .venv/bin/python bench/bench_fair.py [--crowd 16] [--timeout 10] [--seconds 20]

Serves the synthetic graph of bench_server.py with `dlkg serve`'s server (in this process, on
127.0.0.1), starts `--crowd` clients, each from its own address 127.0.0.x, each keeping one
query in flight that runs into the time limit (sent again as soon as it is answered), waits
until the pool has seen every one of them run long, then sends a lookup from a fresh address
(127.0.0.200) every 100 ms for `--seconds` and prints its latencies and the crowd's statuses.
The goal (issue 8): every lookup under 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from dlkg.web.server.serve import create_server
from dlkg.web.server.settings import ServeSettings
from synthetic_graph import BASE, LOOKUP, arxiv_id, synthetic_quads

HEAVY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def get(port: int, query: str, source: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(source, 0))
    try:
        conn.request("GET", "/sparql?" + urlencode({"query": query}))
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=3000)
    parser.add_argument("--crowd", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-fair-"))
    store = ox.Store(str(folder / "store"))
    store.extend(synthetic_quads(args.papers))
    store.flush()
    del store
    server = create_server(
        ServeSettings(
            store_dir=folder / "store",
            build_dir=folder,
            base_iri=BASE,
            port=0,
            timeout_s=args.timeout,
            workers=args.workers,
        )
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    assert server.wait_ready(60)
    print(server.banner, file=sys.stderr)
    stop = threading.Event()
    crowd: Counter[int] = Counter()

    def heavy(i: int) -> None:
        while not stop.is_set():
            try:
                crowd[get(server.port, HEAVY, f"127.0.0.{10 + i}")] += 1
            except (OSError, http.client.HTTPException):
                return  # the server shut down at the end of the run

    for i in range(args.crowd):
        threading.Thread(target=heavy, args=(i,), daemon=True).start()
    started = time.monotonic()
    pool = server.pool
    clients = [f"127.0.0.{10 + i}" for i in range(args.crowd)]
    while not all(pool.book.long_runs(c, time.monotonic()) for c in clients):
        time.sleep(0.1)
    print(f"crowd known to the pool after {time.monotonic() - started:.1f} s", file=sys.stderr)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    end = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < end:
        begun = time.monotonic()
        statuses[get(server.port, LOOKUP.format(id=arxiv_id(n)), "127.0.0.200")] += 1
        latencies.append(time.monotonic() - begun)
        n += 1
        time.sleep(0.1)
    stop.set()
    load = os.getloadavg()[0]
    ms = sorted(x * 1000 for x in latencies)
    print(
        f"{args.crowd} long queries in flight (timeout {args.timeout:g} s), load {load:.1f}: "
        f"{len(ms)} lookups {dict(statuses)}, p50 {statistics.median(ms):.0f} ms, "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms; "
        f"crowd {dict(crowd)}, preempted {pool.preempted}; "
        f"goal max < 1000 ms: {'met' if ms[-1] < 1000 else 'NOT met'}"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
