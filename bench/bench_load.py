"""Load one build into three stores side by side: embedded pyoxigraph, Oxigraph server, Virtuoso.

Run:  .venv/bin/python bench/bench_load.py --build-dir DIR [--build-dir DIR2 ...] [--runs 1]

DIR is a dlkg build folder (`dlkg --build-dir DIR build`, or bench/growth.py --keep ROOT, whose
builds are ROOT/x<N>/build). For each build it times, on this machine, in the same run:
- the embedded store: `pyoxigraph.Store(path).bulk_load` of dumps/dlkg.nq (what `dlkg build`
  does in its load step);
- `dlkg push` into an Oxigraph server (GSP, one request per chunk of each graph, and --method
  bulk, N-Quads to /store), including the staging, count checks and the switch;
- `dlkg push` into Virtuoso Open Source (GSP with digest auth; skipped without virtuoso-t).
Each push is also shown with the time of its switch (the one SPARQL Update) alone.
Servers are started on 127.0.0.1 with a temporary database, as the tests do (tests/stores.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from requests.auth import HTTPDigestAuth

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from dlkg.iris import IriMinter
from dlkg.push import push
from dlkg.push_http import Client, endpoints_for
from dlkg.store import open_read_only
from stores import RunningStore, oxigraph_server, virtuoso_server


def _median(fn: Callable[[int], None], runs: int) -> float:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _push_timer(
    store: RunningStore, build: Path, method: str, phases: dict[str, float]
) -> Callable[[int], None]:
    settings_store = open_read_only(build / "current" / "store")
    report = json.loads((build / "current" / "report.json").read_text())
    prefix = str(IriMinter(report["base_iri"]).graph(""))
    auth = HTTPDigestAuth(store.user, store.password) if store.user and store.password else None
    client = Client(endpoints_for(store.url, store.kind, {}), auth, timeout_s=1800)

    def run(i: int) -> None:
        result = push(
            client, settings_store, build_id=f"bench-{method}-{i}", prefix=prefix, method=method
        )
        phases.update(result.seconds)  # of the last run: upload, check, switch

    return run


def bench(build: Path, runs: int, tmp: Path) -> dict[str, float | int | None]:
    nquads = build / "current" / "dumps" / "dlkg.nq"
    report = json.loads((build / "current" / "report.json").read_text())
    row: dict[str, float | int | None] = {"quads": report["counts"]["quads"]}

    def embedded(i: int) -> None:
        store = ox.Store(str(tmp / f"embedded-{i}"))
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()

    row["pyoxigraph bulk_load"] = _median(embedded, runs)

    def timed(name: str, server: RunningStore, method: str) -> None:
        phases: dict[str, float] = {}
        row[name] = _median(_push_timer(server, build, method, phases), runs)
        row[f"{name}: switch"] = phases["switch"]

    with oxigraph_server(tmp / "oxigraph") as server:
        timed("oxigraph push gsp", server, "gsp")
        timed("oxigraph push bulk", server, "bulk")
    try:
        with virtuoso_server(tmp / "virtuoso") as server:
            timed("virtuoso push gsp", server, "gsp")
    except BaseException as exc:  # pytest.skip outside pytest: no virtuoso-t here
        if type(exc).__name__ != "Skipped":
            raise
        row["virtuoso push gsp"] = row["virtuoso push gsp: switch"] = None
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rows = {}
    for build in args.build_dir:
        with tempfile.TemporaryDirectory(prefix="dlkg-load-") as tmp:
            rows[build] = bench(build, args.runs, Path(tmp))
        print(f"{build}: {rows[build]}", file=sys.stderr)
    columns = [c for c in next(iter(rows.values())) if c != "quads"]
    print("| build | quads | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 2) + "|")
    for build, row in rows.items():
        cells = ["—" if row[c] is None else f"{row[c]:.2f} s" for c in columns]
        print(f"| {build} | {row['quads']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
