"""Soak `dlkg serve` with keep-alive clients from one address: every request must be answered.

Run:  .venv/bin/python bench/soak_leases.py [--lookups 16] [--mixed 4] [--seconds 20] [--rounds 5]

The benchmark (bench_server.py) measures throughput; this looks for what it cannot count: a
connection reset or closed with a request unanswered. All clients connect from 127.0.0.1, so
the server treats them as one client whose connections share leased workers (docs/web.md,
"Leased connections"). `--lookups` clients send lookups back to back; `--mixed` clients send a
lookup or the GROUP BY at random (GROUP BY runs past the 50 ms of CPU after which the front
takes a worker's other connections back). Every client reconnects now and then (1 %) and
pauses around the lease's silence (2 %, 50-600 ms). One line per round: the answers by status
and every exception a client met, by kind; then each "closed unanswered" line the server
wrote to stderr. Exit status 1 if a round had an exception or the server wrote such a line.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing as mp
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

import bench_server as bs

PAPERS = 3000


def client(port: int, mixed: bool, start: int, seconds: float, seed: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    rnd = random.Random(seed)
    seen: collections.Counter[str] = collections.Counter()
    end = time.perf_counter() + seconds
    sock: socket.socket | None = None
    buf = bytearray()
    i = 0
    while time.perf_counter() < end:
        if sock is None:
            sock, buf = socket.create_connection(("127.0.0.1", port)), bytearray()
        heavy = mixed and rnd.random() < 0.5
        query = bs.GROUP_BY if heavy else bs.LOOKUP.format(id=bs.arxiv_id((start + i) % PAPERS))
        i += 1
        request = (
            f"GET /sparql?query={quote(query, safe='')} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nAccept: {bs.ACCEPT}\r\n\r\n"
        ).encode()
        try:
            sock.sendall(request)
            status, buf = bs._read_response(sock, buf)
            seen[str(status)] += 1
        except OSError as exc:
            seen[f"{type(exc).__name__} ({'GROUP BY' if heavy else 'lookup'})"] += 1
            sock.close()
            sock = None
            continue
        if rnd.random() < 0.01:
            sock.close()
            sock = None
        elif rnd.random() < 0.02:
            time.sleep(rnd.uniform(0.05, 0.6))
    if sock is not None:
        sock.close()
    out.put(dict(seen))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookups", type=int, default=16)
    parser.add_argument("--mixed", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dlkg-soak-"))
    failed = False
    try:
        store = ox.Store(str(work / "store"))
        store.bulk_extend(bs.synthetic_quads(PAPERS))
        store.flush()
        del store
        (work / "build" / "current").mkdir(parents=True)
        (work / "build" / "current" / "store").symlink_to(work / "store")
        port = bs.free_port()
        serve = [str(bs.VENV_BIN / "dlkg"), "--build-dir", str(work / "build"), "serve"]
        serve += ["--client-limit", "256", "--port", str(port)]
        with (work / "serve.err").open("wb") as err:
            proc = subprocess.Popen(serve, stdout=subprocess.DEVNULL, stderr=err)
            try:
                bs.wait_until_up(port, "/sparql", proc)
                for r in range(args.rounds):
                    failed |= run_round(port, args, r)
            finally:
                proc.terminate()
                proc.wait(30)
        unanswered = [
            line
            for line in (work / "serve.err").read_text(errors="replace").splitlines()
            if "unanswered" in line or "Traceback" in line
        ]
        for line in unanswered:
            print("server:", line)
        return 1 if failed or unanswered else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_round(port: int, args: argparse.Namespace, r: int) -> bool:
    """One round of all clients at once; True if a client met an exception."""
    out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    procs = [
        mp.Process(
            target=client,
            args=(port, k >= args.lookups, k * 97, args.seconds, r * 1000 + k, out),
        )
        for k in range(args.lookups + args.mixed)
    ]
    for proc in procs:
        proc.start()
    total: collections.Counter[str] = collections.Counter()
    for _ in procs:
        total.update(out.get())
    for proc in procs:
        proc.join()
    load = Path("/proc/loadavg").read_text().split()[0]
    answers = {k: v for k, v in sorted(total.items()) if k.isdigit()}
    errors = {k: v for k, v in sorted(total.items()) if not k.isdigit()}
    print(f"round {r + 1}: load {load}; answers {answers}; exceptions {errors or 'none'}")
    return bool(errors)


if __name__ == "__main__":
    sys.exit(main())
