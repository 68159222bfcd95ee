"""Benchmark `dlkg build`: wall time per step, and the store/export steps against a peer.

Run:  .venv/bin/python bench/bench_build.py --mirror ../shared/upstream [--runs 3]

Prints a table of median seconds per step over the runs, then, in the same run, the load and
N-Triples export of the built dataset by pyoxigraph (what dlkg uses) and by rdflib (the peer),
as ratios: this machine is noisy, so only ratios measured side by side mean anything.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

from dlkg.build import STEPS, build
from dlkg.settings import Settings


def _time(fn: object, repeat: int = 3) -> float:
    assert callable(fn)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    totals = []
    with tempfile.TemporaryDirectory() as tmp:
        build_dir = Path(tmp)
        settings = Settings(
            build_dir=build_dir, cache_dir=build_dir / "cache", mirror_dir=args.mirror, offline=True
        )
        for _ in range(args.runs):
            start = time.perf_counter()
            report = build(settings)
            totals.append(time.perf_counter() - start)
            for step in STEPS:
                timings[step].append(report.timings.get(step, 0.0))
        nquads = (settings.dumps_dir / "dlkg.nq").read_bytes()

        print(f"dlkg build, {args.runs} runs, {report.counts}")
        print(f"{'step':<10} {'median s':>9} {'share':>7}")
        total = statistics.median(totals)
        for step in STEPS:
            med = statistics.median(timings[step])
            print(f"{step:<10} {med:>9.3f} {med / total:>7.1%}")
        print(f"{'total':<10} {total:>9.3f}")

        def ox_load() -> None:
            store = ox.Store()
            store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)

        def rdflib_load() -> None:
            rdflib.Dataset().parse(data=nquads, format="nquads")

        store = ox.Store()
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        ds = rdflib.Dataset()
        ds.parse(data=nquads, format="nquads")

        def ox_dump() -> None:
            store.dump(format=ox.RdfFormat.N_QUADS)

        def rdflib_dump() -> None:
            ds.serialize(format="nquads")

        print()
        print(f"{'operation':<24} {'pyoxigraph s':>12} {'rdflib s':>9} {'speed-up':>9}")
        for name, fast, peer in (
            ("load N-Quads", ox_load, rdflib_load),
            ("serialise N-Quads", ox_dump, rdflib_dump),
        ):
            a, b = _time(fast), _time(peer)
            print(f"{name:<24} {a:>12.3f} {b:>9.3f} {b / a:>8.1f}x")


if __name__ == "__main__":
    main()
