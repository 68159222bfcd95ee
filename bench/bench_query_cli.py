"""Benchmark `dlkg query` as a user waits for it: process wall time against engine time.

Run:  .venv/bin/python bench/bench_query_cli.py [--build-dir data/build] [--runs 10] [--query 01]
           [--compare-with DIR]

Needs a built store (`make build`). Prints a table of the median, min and max over the runs of
(a) the whole `dlkg query` process (the venv's `dlkg` script), wall and CPU (user + system) time,
(b) Python's own start-up (`python -c pass`) and (c) the query alone on an open store, then the
heaviest imports of one run by `python -X importtime`. `--compare-with DIR` adds rows for the
code of another checkout DIR (e.g. `git archive <commit> | tar -x -C DIR`), run on the same
store. Issue 13's goal: (a) under 100 ms. The machine is shared and noisy: CPU time varies less
than wall time under load; compare rows of one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _samples(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _run(args: list[str], env: dict[str, str] | None = None) -> float:
    """Run a process; return its CPU time (user + system) in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True, capture_output=True, env={**os.environ, **(env or {})})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _process_rows(
    name: str, args: list[str], runs: int, env: dict[str, str] | None = None
) -> dict[str, list[float]]:
    wall, cpu = [], []
    for _ in range(runs):
        start = time.perf_counter()
        cpu.append(_run(args, env))
        wall.append(time.perf_counter() - start)
    return {f"{name}, wall": wall, f"{name}, CPU": cpu}


def _importtime(args: list[str], top: int) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the top-level imports of one run, heaviest first."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args], capture_output=True, text=True, check=True
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 1:
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def _gallery_file(text: str) -> Path:
    from dlkg.gallery import gallery_files
    from dlkg.resources import queries_dir

    return next(q.path for q in gallery_files(queries_dir()) if q.path.read_text() == text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("data/build"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--query", default="01", help="a gallery query's number or name")
    parser.add_argument("--compare-with", type=Path, help="another checkout's code to time too")
    args = parser.parse_args()

    from dlkg.cli_read import _query_text
    from dlkg.store import open_read_only, run_query

    store_dir = args.build_dir / "current" / "store"
    text = _query_text(args.query)
    store = open_read_only(store_dir)
    script = str(Path(sys.executable).with_name("dlkg"))
    query_args = ["--build-dir", str(args.build_dir), "query", args.query]
    rows = _process_rows(f"dlkg query {args.query}", [script, *query_args], args.runs)
    if args.compare_with is not None:
        # The other checkout's code, on PYTHONPATH ahead of this venv's editable install; an
        # older dlkg takes a file, not a gallery name.
        old = [script, "--build-dir", str(args.build_dir), "query", str(_gallery_file(text))]
        env = {"PYTHONPATH": str(args.compare_with.absolute() / "pipeline")}
        rows |= _process_rows(f"same, code of {args.compare_with}", old, args.runs, env)
    rows |= _process_rows(
        "python -c pass (interpreter start)", [sys.executable, "-c", "pass"], args.runs
    )
    rows |= {
        "the query alone (open store)": _samples(
            lambda: list(run_query(store, text)),  # type: ignore[call-overload]
            args.runs,
        ),
    }
    print(f"| what | median ms | min ms | max ms |  ({args.runs} runs)")
    print("|---|---|---|---|")
    for name, samples in rows.items():
        ms = [s * 1000 for s in samples]
        print(f"| {name} | {statistics.median(ms):.0f} | {min(ms):.0f} | {max(ms):.0f} |")
    print("\nheaviest top-level imports of one `dlkg query` run (python -X importtime):")
    for micros, name in _importtime(["-m", "dlkg", *query_args], 8):
        print(f"  {micros / 1000:7.1f} ms  {name}")
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, dlkg.cli; print('rdflib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"rdflib imported by the CLI at start: {loaded}")


if __name__ == "__main__":
    main()
