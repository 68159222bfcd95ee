"""Benchmark `dlkg serve` against the native Oxigraph server and rdflib-endpoint.

    .venv/bin/python bench/bench_server.py [--papers 3000] [--seconds 5] [--only NAME ...]

Generates a synthetic graph shaped like docs/data-model.md, serves the same data with the
three servers, and drives each with separate load-generator processes (so no client steals a
server's GIL) over keep-alive HTTP/1.1 on 127.0.0.1: (a) lookups of a paper by arXiv id, a
different paper on every request, and (b) a GROUP BY (people by number of papers), at 4 and 16
concurrent clients. Every run is bounded in time and request count. A fifth server, "dlkg front
only", is dlkg's front and isolated workers with a no-op worker app (bench/noop_app.py): the
ceiling of the process design without guard or engine. Prints throughput, p50/p99
latency, the CPU the server's processes spent per answered request, and the ratios the issue
"Serve it" sets as goals.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from synthetic_graph import GROUP_BY, LOOKUP, arxiv_id, synthetic_quads

VENV_BIN = Path(sys.executable).parent
ACCEPT = "application/sparql-results+json"

# ---------------------------------------------------------------- load generator (own process)


def _read_response(sock: socket.socket, buf: bytearray) -> tuple[int, bytearray]:
    """Status and leftover bytes of one HTTP/1.1 response (Content-Length or chunked)."""
    while (end := buf.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk
    head = bytes(buf[:end]).lower()
    status = int(head[9:12])
    del buf[: end + 4]
    if b"transfer-encoding: chunked" in head:
        while True:
            while (eol := buf.find(b"\r\n")) < 0:
                buf += sock.recv(65536)
            size = int(bytes(buf[:eol]).split(b";")[0], 16)
            while len(buf) < eol + 2 + size + 2:
                buf += sock.recv(65536)
            del buf[: eol + 2 + size + 2]
            if size == 0:
                return status, buf
    length = int(head.split(b"content-length:")[1].split(b"\r\n")[0])
    while len(buf) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk
    del buf[:length]
    return status, buf


def client(
    port: int,
    path: str,
    workload: str,
    start: int,
    papers: int,
    seconds: float,
    cap: int,
    out: mp.Queue,  # type: ignore[type-arg]
) -> None:
    """One keep-alive client: sends requests until `seconds` pass or `cap` are done."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # Requests are built before the clock starts: the load generator should cost little.
    count = papers if workload == "lookup" else 1
    requests = []
    for k in range(count):
        query = (
            LOOKUP.format(id=arxiv_id((start + k) % papers)) if workload == "lookup" else GROUP_BY
        )
        requests.append(
            f"GET {path}?query={quote(query, safe='')} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nAccept: {ACCEPT}\r\n\r\n".encode()
        )
    latencies: list[float] = []
    errors = 0
    buf = bytearray()
    end = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < end and len(latencies) + errors < cap:
        request = requests[i % count]  # a different paper on every request
        i += 1
        t0 = time.perf_counter()
        sock.sendall(request)
        status, buf = _read_response(sock, buf)
        if status == 200:
            latencies.append(time.perf_counter() - t0)
        else:
            errors += 1
    sock.close()
    out.put((latencies, errors))


@dataclass(frozen=True)
class Result:
    server: str
    workload: str
    clients: int
    throughput: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float = float("nan")  # CPU of the server's processes per answered request


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` and its descendants now (Linux /proc; NaN else).

    Shows what a request costs the server beside what it costs the clock: a worker that
    sleeps between requests pays for cold caches and wake-ups, which in-process timings miss.
    """
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue  # exited meanwhile
            fields = stat.rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    if pid not in times:
        return float("nan")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += [child for child, parent in parents.items() if parent == current]
    return total


def drive(
    server: str,
    port: int,
    path: str,
    workload: str,
    clients: int,
    seconds: float,
    papers: int,
    server_pid: int | None = None,
) -> Result:
    """Run `clients` client processes at once and merge what they measured."""
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    cap = 200_000 if workload == "lookup" else 5_000
    procs = [
        ctx.Process(
            target=client,
            args=(port, path, workload, k * papers // clients, papers, seconds, cap, out),
        )
        for k in range(clients)
    ]
    cpu_before = tree_cpu_seconds(server_pid) if server_pid else float("nan")
    t0 = time.perf_counter()
    for proc in procs:
        proc.start()
    merged: list[float] = []
    errors = 0
    for _ in procs:
        lat, err = out.get(timeout=seconds + 300)
        merged += lat
        errors += err
    elapsed = time.perf_counter() - t0
    cpu = (tree_cpu_seconds(server_pid) if server_pid else float("nan")) - cpu_before
    for proc in procs:
        proc.join()
    merged.sort()

    def pct(q: float) -> float:
        return merged[min(len(merged) - 1, int(q * len(merged)))] * 1000 if merged else float("nan")

    # Throughput over the client window (process start-up excluded as far as we can).
    window = min(elapsed, seconds + (merged[-1] if merged else 0))
    per_request = cpu / len(merged) * 1e6 if merged else float("nan")
    return Result(
        server, workload, clients, len(merged) / window, pct(0.5), pct(0.99), errors, per_request
    )


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(
    port: int, path: str, proc: subprocess.Popen[bytes], timeout: float = 300
) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                q = quote("ASK {}", safe="")
                sock.sendall(f"GET {path}?query={q} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                if _read_response(sock, bytearray())[0] == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not come up")


NOOP_SERVER = """
import sys
from pathlib import Path
from dlkg.web.server.serve import create_server
from dlkg.web.server.settings import ServeSettings
store = Path(sys.argv[1])
settings = ServeSettings(
    store_dir=store, build_dir=store.parent, base_iri="https://w3id.org/dlkg/",
    port=int(sys.argv[2]), app="noop_app:create_app", client_limit=256,
)
create_server(settings).serve_forever()
"""

# rdflib-endpoint gets its fastest setup: one plain Graph holding the union of the graphs
# (an rdflib Dataset with default_union answers the same queries several times slower).
RDFLIB_APP = """
import sys, rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
graph = rdflib.Graph()
graph.parse(sys.argv[1], format="nt")
app = SparqlEndpoint(graph=graph, path="/sparql", cors_enabled=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def start_servers(
    workdir: Path, store: Path, flat: Path, serve_args: list[str] | None = None
) -> dict[str, tuple[subprocess.Popen[bytes], int, str]]:
    servers: dict[str, tuple[subprocess.Popen[bytes], int, str]] = {}
    port = free_port()
    # `dlkg serve` itself, over a build folder whose current build is the benchmark's store.
    build_dir = workdir / "build"
    (build_dir / "current").mkdir(parents=True)
    (build_dir / "current" / "store").symlink_to(store.resolve())
    # Every load-generator client connects from 127.0.0.1: as one address they would meet the
    # per-client bound (429, docs/security.md), which is not what is measured here.
    dlkg = [str(VENV_BIN / "dlkg"), "--build-dir", str(build_dir), "serve", "--client-limit", "256"]
    dlkg += serve_args or []  # e.g. --no-leases, for an A/B in one run
    servers["dlkg"] = (
        subprocess.Popen([*dlkg, "--port", str(port)], stdout=subprocess.DEVNULL),
        port,
        "/sparql",
    )
    port = free_port()
    servers["dlkg (on disk)"] = (  # no in-memory snapshot: workers read RocksDB as native does
        subprocess.Popen(
            [*dlkg, "--port", str(port), "--memory-max-quads", "0"], stdout=subprocess.DEVNULL
        ),
        port,
        "/sparql",
    )
    port = free_port()
    # The same server with a worker app that does nothing (bench/noop_app.py): the ceiling
    # of the front, the worker pool and the isolated workers, without guard or engine.
    servers["dlkg front only"] = (
        subprocess.Popen(
            [sys.executable, "-c", NOOP_SERVER, str(store), str(port)],
            env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent)),
            stdout=subprocess.DEVNULL,
        ),
        port,
        "/sparql",
    )
    port = free_port()
    servers["oxigraph (native)"] = (
        subprocess.Popen(
            [
                str(VENV_BIN / "oxigraph"),
                "serve-read-only",
                "--location",
                str(store),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        port,
        "/query",
    )
    port = free_port()
    app = workdir / "rdflib_app.py"
    app.write_text(RDFLIB_APP)
    servers["rdflib-endpoint"] = (
        subprocess.Popen(
            [sys.executable, str(app), str(flat), str(port)], stdout=subprocess.DEVNULL
        ),
        port,
        "/sparql",
    )
    for proc, port, path in servers.values():
        wait_until_up(port, path, proc)
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per run")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--only", nargs="+", default=None, help="servers to run")
    parser.add_argument(
        "--serve-arg", action="append", default=[], help="extra `dlkg serve` option (repeat)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="dlkg-bench-"))
    try:
        quads = synthetic_quads(args.papers)
        store_dir, flat = workdir / "store", workdir / "data.nt"
        store = ox.Store(str(store_dir))
        store.bulk_extend(quads)
        store.flush()
        del store
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        ox.serialize(triples, str(flat), ox.RdfFormat.N_TRIPLES)
        print(f"{len(quads)} quads, {args.papers} papers; {os.cpu_count()} cores", flush=True)
        servers = start_servers(workdir, store_dir, flat, args.serve_arg)
        running = servers
        if args.only:
            running = {k: v for k, v in servers.items() if k in args.only}
        results: list[Result] = []
        for workload in ("lookup", "groupby"):
            for clients in args.clients:
                for name, (proc, port, path) in running.items():
                    seconds = args.seconds * (
                        3 if name == "rdflib-endpoint" and workload == "groupby" else 1
                    )
                    # Warm-up at the measured concurrency (one client for the slow peer):
                    # caches, and for dlkg the worker pool, settle before the clock runs.
                    slow = name == "rdflib-endpoint" and workload == "groupby"
                    drive(name, port, path, workload, 1 if slow else clients, 1.5, args.papers)
                    result = drive(
                        name, port, path, workload, clients, seconds, args.papers, proc.pid
                    )
                    results.append(result)
                    rate = f"{result.throughput:9.1f} req/s"
                    print(f"  {name:18} {workload:8} {clients:3} clients: {rate}", flush=True)
        report(results)
    finally:
        for proc, _, _ in locals().get("servers", {}).values():
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def report(results: list[Result]) -> None:
    """The table of every run, with ratios to the native server and to rdflib-endpoint."""
    by = {(r.server, r.workload, r.clients): r for r in results}
    columns = ("workload", "clients", "server", "req/s", "p50 ms", "p99 ms", "errors", "cpu µs")
    print("\n{:9} {:>7} {:18} {:>9} {:>8} {:>8} {:>6} {:>8}".format(*columns), end="")
    print(f" {'vs native':>9} {'vs rdflib-ep':>12}")
    for r in results:
        native = by.get(("oxigraph (native)", r.workload, r.clients))
        peer = by.get(("rdflib-endpoint", r.workload, r.clients))
        vs_native = (
            f"{r.throughput / native.throughput:.2f}x" if native and native.throughput else "-"
        )
        vs_peer = f"{r.throughput / peer.throughput:.1f}x" if peer and peer.throughput else "-"
        row = (r.workload, r.clients, r.server, r.throughput, r.p50_ms, r.p99_ms, r.errors)
        row += (r.cpu_us,)
        print("{:9} {:7} {:18} {:9.1f} {:8.2f} {:8.2f} {:6} {:8.0f}".format(*row), end="")
        print(f" {vs_native:>9} {vs_peer:>12}")
    print()
    goals = (("lookup", 0.35, 3.0), ("groupby", 0.80, 20.0))
    for workload, want_native, want_peer in goals:
        for clients in sorted({r.clients for r in results}):
            for ours_name in ("dlkg", "dlkg (on disk)"):
                ours = by.get((ours_name, workload, clients))
                if ours:
                    print(f"goal {workload} @ {clients} clients, {ours_name}: ", end="")
                    print(goal_line(ours, workload, clients, by, want_native, want_peer))


def goal_line(
    ours: Result,
    workload: str,
    clients: int,
    by: dict[tuple[str, str, int], Result],
    want_native: float,
    want_peer: float,
) -> str:
    """How one of our runs compares with the goals of the issue."""
    parts = []
    for peer_name, want, label in (
        ("oxigraph (native)", want_native, "native"),
        ("rdflib-endpoint", want_peer, "rdflib-endpoint"),
    ):
        peer = by.get((peer_name, workload, clients))
        if peer and peer.throughput:
            got = ours.throughput / peer.throughput
            verdict = "met" if got >= want else "NOT met"
            parts.append(f"{got:.2f}x {label} (goal >= {want:g}: {verdict})")
    return "; ".join(parts)


if __name__ == "__main__":
    main()
