"""Where an Oxigraph update's memory goes: the WHERE's solutions or the transaction's writes.

Run:  .venv/bin/python bench/oxigraph_tx.py N DIR

Makes an on-disk store in DIR with N triples in graph <a> (7 per subject, literal objects), then
runs each operation in a fresh child process on a copy of it and prints the time and the
growth of the child's peak RSS: a COUNT (streams), the SELECT of every triple materialized in
Python (an upper bound for the WHERE's solutions), `DELETE WHERE` of the graph, `INSERT …
WHERE` copying it to <b>, and both in one update (what `dlkg push` sends for a graph that
replaces itself on Oxigraph). Results are in docs/scale.md (`dlkg push` section).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

A = "GRAPH <http://x/a> { ?s ?p ?o }"
COPY = "INSERT { GRAPH <http://x/b> { ?s ?p ?o } } WHERE { " + A + " }"
OPS = {
    "count": f"SELECT (COUNT(*) AS ?n) WHERE {{ {A} }}",
    "select": f"SELECT ?s ?p ?o WHERE {{ {A} }}",
    "delete": f"DELETE WHERE {{ {A} }}",
    "insert": COPY,
    "delete+insert": f"DELETE WHERE {{ {A} }} ; " + COPY,
}


def make(base: Path, n: int) -> None:
    lines = (
        f'<http://x/s{i // 7}> <http://x/p{i % 7}> "literal value {i} of some length" '
        "<http://x/a> .\n"
        for i in range(n)
    )
    store = ox.Store(str(base))
    store.bulk_load("".join(lines).encode(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store  # closed before the children copy its folder


def run(base: Path, op: str) -> str:
    work = base.with_name(base.name + "-" + op.replace("+", "-"))
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work)
    store = ox.Store(str(work))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if op in ("count", "select"):
        rows = list(store.query(OPS[op]))  # kept until measured
        assert rows
    else:
        store.update(OPS[op])
    seconds = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    del store
    shutil.rmtree(work)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"{op}: {seconds:,.1f} s, +{grown:,.0f} MB peak RSS (peak {peak:,.0f} MB)"


def main() -> None:
    n, folder = int(sys.argv[1]), Path(sys.argv[2])
    if len(sys.argv) > 3:  # the child: one operation
        print(run(folder / "base", sys.argv[3]), flush=True)
        return
    folder.mkdir(parents=True, exist_ok=True)
    make(folder / "base", n)
    for op in OPS:
        subprocess.run([sys.executable, __file__, str(n), str(folder), op], check=True)
    shutil.rmtree(folder / "base")


if __name__ == "__main__":
    main()
