"""Load one build into the embedded store, an Oxigraph server and Virtuoso, side by side.

Run:  .venv/bin/python bench/bench_load.py --build-dir DIR [--scale 10] [--paths a,b,...]

DIR is a dlkg build folder (`dlkg --build-dir DIR build`, or bench/growth.py --keep ROOT, whose
builds are ROOT/x<N>/build). Each path below loads the same N-Quads (DIR/current/dumps/dlkg.nq)
into a fresh database on 127.0.0.1 (servers started as the tests do, tests/stores.py) and prints
one table row as soon as it is done: wall time, quads per second, the peak RSS of the process
that holds the data (the server's VmHWM; the child process for the embedded store) and the
ratio to the embedded load of the same run.

- embedded: `pyoxigraph.Store.bulk_load` of the dump (what `dlkg build` does in its load step);
- oxigraph-push-gsp, oxigraph-push-bulk: `dlkg push` (staging graphs, count checks, the switch);
- oxigraph-direct-gsp, oxigraph-direct-bulk, virtuoso-direct-gsp: a first `dlkg push
  --new-graphs direct` (every graph uploaded under its own name, no staging, no switch);
- oxigraph-post-store: the server's own bulk path, the whole dump POSTed to
  `/store?no_transaction` into the live graph names (not atomic: no staging, no switch);
- oxigraph-replace-gsp: the dump POSTed as above as a "previous build" under the live names, then
  `dlkg push` replacing every graph (with the delta switch, the default on Oxigraph, an
  identical previous build leaves nothing to write: a rebuild differs in a few triples);
  the row's wall time includes the POST, the note gives each part;
- virtuoso-push-gsp: `dlkg push` with digest auth;
- virtuoso-replace-gsp: `dlkg push` twice, the second replacing the first (same data, another
  build id); the row's wall time is both, the note gives each part;
- virtuoso-ld-dir: Virtuoso's bulk loader (`ld_dir` + `rdf_loader_run()` over isql) of the dump
  with its graphs renamed to staging names, then dlkg's switch update and count check
  (bench/virtuoso_bulk.py; the same steps an operator runs, docs/scale.md).

--switch move|delta chooses how every push above replaces a graph (default: the store's, as
`dlkg push --switch`).

--scale K makes a bigger input from the build without building it: the dump is written K times,
copy k > 1 with every paper, person, list and source IRI renamed (`…/paper/r{k}-…`) and the
graph names kept, so the stores see K times the entities in the same graph layout (literals
repeat, and the ontology, meta and build graphs collapse into one copy). The pushes read that
data from the embedded store the first path loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pyoxigraph as ox
import requests
from requests.auth import HTTPDigestAuth

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dlkg.iris import IriMinter
from dlkg.push import push
from dlkg.push_http import Client, endpoints_for
from stores import RunningStore, oxigraph_server, virtuoso_server
from virtuoso_bulk import load_staged

PATHS = [
    "embedded",
    "oxigraph-push-gsp",
    "oxigraph-push-bulk",
    "oxigraph-direct-gsp",
    "oxigraph-direct-bulk",
    "oxigraph-post-store",
    "oxigraph-replace-gsp",
    "virtuoso-push-gsp",
    "virtuoso-direct-gsp",
    "virtuoso-replace-gsp",
    "virtuoso-ld-dir",
]
_RENAMED = re.compile(rb"<https://w3id\.org/dlkg/(paper|person|list|source)/")


def _blocks(path: Path, size: int = 64 << 20) -> Iterator[bytes]:
    """The file in blocks that end at a line end."""
    rest = b""
    with path.open("rb") as handle:
        while block := handle.read(size):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            yield block[:cut]
    if rest:
        yield rest


def replicate(source: Path, target: Path, copies: int) -> None:
    """`copies` copies of the N-Quads in `source`, copy k > 1 with its entity IRIs renamed."""
    with target.open("wb") as out:
        for k in range(1, copies + 1):
            renamed = rb"<https://w3id.org/dlkg/\1/r%d-" % k
            for block in _blocks(source):
                out.write(block if k == 1 else _RENAMED.sub(renamed, block))


def peak_rss_mb(pid: int | None) -> float | None:
    """The peak resident memory of a running process (VmHWM), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (OSError, TypeError):
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


class MemoryGuard:
    """Stops a server (started by this benchmark) whose RSS passes `limit_mb`, so one path
    cannot take the shared machine's memory; the row then says where it was stopped."""

    def __init__(self, pid: int | None, limit_mb: float) -> None:
        self.pid, self.limit_mb, self.tripped = pid, limit_mb, False
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while self.pid and not self.done.wait(1.0):
            try:
                status = Path(f"/proc/{self.pid}/status").read_text()
            except OSError:
                return
            found = re.search(r"VmRSS:\s+(\d+) kB", status)
            if found and int(found.group(1)) / 1024 > self.limit_mb:
                self.tripped = True
                os.kill(self.pid, signal.SIGKILL)
                return

    def __enter__(self) -> MemoryGuard:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def embedded_load(nquads: Path, store_dir: Path) -> tuple[float, float]:
    """Bulk-load into a fresh embedded store in a child process: (seconds, peak RSS MB)."""
    code = (
        "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
        "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush()"
    )
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(store_dir), str(nquads)])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"embedded bulk_load failed with exit code {proc.returncode}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def _client(server: RunningStore, switch: str | None = None) -> Client:
    auth = HTTPDigestAuth(server.user, server.password) if server.user else None
    endpoints = endpoints_for(server.url, server.kind, {"switch": switch})
    return Client(endpoints, auth, timeout_s=7200)


class Bench:
    def __init__(
        self, label: str, nquads: Path, tmp: Path, prefix: str, buffers: int, max_rss_mb: float
    ) -> None:
        self.label, self.nquads, self.tmp, self.prefix = label, nquads, tmp, prefix
        self.buffers, self.max_rss_mb = buffers, max_rss_mb
        self.embedded_s: float | None = None
        self.quads = 0
        self.source: ox.Store | None = None  # the embedded store, read by the pushes
        self.switch: str | None = None  # `dlkg push --switch`, or the store's default

    def row(self, path: str, seconds: float, rss_mb: float | None, note: str = "") -> None:
        ratio = f"{seconds / self.embedded_s:.1f}x" if self.embedded_s else "—"
        rss = f"{rss_mb:,.0f} MB" if rss_mb else "—"
        load = os.getloadavg()[0]
        print(
            f"| {self.label} | {path} | {self.quads:,} | {seconds:,.1f} s | "
            f"{self.quads / seconds:,.0f} | {rss} | {ratio} | {load:.1f} | {note} |",
            flush=True,
        )

    def embedded(self) -> None:
        seconds, rss = embedded_load(self.nquads, self.tmp / "embedded")
        self.embedded_s = seconds
        self.source = ox.Store.read_only(str(self.tmp / "embedded"))
        self.quads = len(self.source)
        self.row("embedded", seconds, rss)

    def _push(
        self, server: RunningStore, method: str, build_id: str = "bench", new: str = "staged"
    ) -> str:
        assert self.source is not None, "the embedded path runs first"
        client = _client(server, self.switch)
        result = push(
            client,
            self.source,
            build_id=build_id,
            prefix=self.prefix,
            method=method,
            new_graphs=new,
        )
        return ", ".join(f"{k} {v:,.1f} s" for k, v in result.seconds.items())

    def repush(self, server: RunningStore) -> str:
        start = time.perf_counter()
        first = self._push(server, "gsp", "first")
        took = time.perf_counter() - start
        return f"first push {took:,.1f} s ({first}); second: " + self._push(server, "gsp", "second")

    def post_store(self, server: RunningStore) -> str:
        with self.nquads.open("rb") as body:
            answer = requests.post(
                server.url + "/store?no_transaction",
                data=body,
                headers={"Content-Type": "application/n-quads"},
                timeout=7200,
            )
        answer.raise_for_status()
        return "not atomic: live names, no staging or switch"

    def replace(self, server: RunningStore) -> str:
        start = time.perf_counter()
        self.post_store(server)
        return f"previous build POSTed {time.perf_counter() - start:,.1f} s, " + self._push(
            server, "gsp"
        )

    def timed(
        self,
        path: str,
        started: Callable[[Path], AbstractContextManager[RunningStore]],
        run: Callable[[RunningStore], str],
    ) -> None:
        folder = self.tmp / path
        start = time.perf_counter()
        guard = MemoryGuard(None, self.max_rss_mb)
        try:
            with started(folder) as server, MemoryGuard(server.pid, self.max_rss_mb) as guard:
                start = time.perf_counter()
                note = run(server)
                seconds = time.perf_counter() - start
                rss = peak_rss_mb(server.pid)
        except Exception as exc:  # one failed path must not hide the others' figures
            why = f"server stopped above {self.max_rss_mb:,.0f} MB" if guard.tripped else ""
            note = f"failed after {time.perf_counter() - start:,.0f} s: {why or str(exc)[:400]}"
            self.row(path, time.perf_counter() - start, None, note)
            return
        finally:
            subprocess.run(["rm", "-rf", str(folder)], check=False)
        self.row(path, seconds, rss, note)

    def run(self, paths: list[str]) -> None:
        self.embedded()

        def virtuoso(folder: Path) -> AbstractContextManager[RunningStore]:
            return virtuoso_server(folder, after_image=2_000_000_000, buffers=self.buffers)

        for path in paths:
            if path == "oxigraph-push-gsp":
                self.timed(path, oxigraph_server, lambda s: self._push(s, "gsp"))
            elif path == "oxigraph-push-bulk":
                self.timed(path, oxigraph_server, lambda s: self._push(s, "bulk"))
            elif path == "oxigraph-direct-gsp":
                self.timed(path, oxigraph_server, lambda s: self._push(s, "gsp", new="direct"))
            elif path == "oxigraph-direct-bulk":
                self.timed(path, oxigraph_server, lambda s: self._push(s, "bulk", new="direct"))
            elif path == "virtuoso-direct-gsp":
                self.timed(path, virtuoso, lambda s: self._push(s, "gsp", new="direct"))
            elif path == "oxigraph-replace-gsp":
                self.timed(path, oxigraph_server, self.replace)
            elif path == "oxigraph-post-store":
                self.timed(path, oxigraph_server, self.post_store)
            elif path == "virtuoso-push-gsp":
                self.timed(path, virtuoso, lambda s: self._push(s, "gsp"))
            elif path == "virtuoso-replace-gsp":
                self.timed(path, virtuoso, self.repush)
            elif path == "virtuoso-ld-dir":
                folder = self.tmp / path / "load"  # in DirsAllowed: the server's folder

                def bulk(server: RunningStore, folder: Path = folder) -> str:
                    assert self.source is not None
                    return load_staged(server, folder, self.source, self.nquads, self.prefix)

                self.timed(path, virtuoso, bulk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--scale", type=int, default=1, help="copies of the dump (see above)")
    parser.add_argument(
        "--paths", default=",".join(PATHS[1:]), help=f"comma-separated, of {PATHS[1:]}"
    )
    parser.add_argument("--virtuoso-buffers", type=int, default=170_000, help="8 KB pages")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the databases")
    parser.add_argument("--replicated", type=Path, help="the --scale input, written already")
    parser.add_argument("--max-rss-mb", type=float, default=5500, help="stop a server above")
    parser.add_argument("--switch", choices=["move", "delta"], help="default: the store's")
    args = parser.parse_args()
    paths = [p for p in args.paths.split(",") if p]
    unknown = set(paths) - set(PATHS)
    if unknown:
        parser.error(f"--paths: unknown {sorted(unknown)}; known: {PATHS}")
    report = json.loads((args.build_dir / "current" / "report.json").read_text())
    prefix = str(IriMinter(report["base_iri"]).graph(""))
    dump = args.build_dir / "current" / "dumps" / "dlkg.nq"
    print("| input | path | quads | wall | quads/s | peak RSS | vs embedded | load avg | notes |")
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="dlkg-load-", dir=args.tmp) as tmp:
        nquads = dump
        if args.scale > 1 and args.replicated:
            nquads = args.replicated  # written before by replicate() with the same --scale
        elif args.scale > 1:
            nquads = Path(tmp) / "input.nq"
            start = time.perf_counter()
            replicate(dump, nquads, args.scale)
            print(f"(replicated x{args.scale}: {time.perf_counter() - start:.0f} s)", flush=True)
        label = f"{args.build_dir.name} x{args.scale}" if args.scale > 1 else args.build_dir.name
        bench = Bench(label, nquads, Path(tmp), prefix, args.virtuoso_buffers, args.max_rss_mb)
        bench.switch = args.switch
        bench.run(paths)


if __name__ == "__main__":
    main()
