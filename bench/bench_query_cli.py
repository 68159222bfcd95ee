"""Benchmark `dlkg query` as a user waits for it: process wall time against engine time.

Run:  .venv/bin/python bench/bench_query_cli.py [--build-dir data/build] [--runs 20] [--query 01]
           [--compare-with DIR]

Needs a built store (`make build`). Prints the median, 90th percentile, min and max over the
runs of the wall and CPU (user + system) time of whole processes: `dlkg query` by the venv's
console script with a gallery name and with a .rq file, `python -m dlkg query`, and two peers
that show how loaded the machine is: Python's own start-up (`python -c pass`) and importing the
engine (`python -c "import pyoxigraph"`). The processes run round-robin (one of each per round)
so that load bursts hit every row alike; the load average is printed before and after. Then the
query alone on an open store, and the heaviest imports of one run (`python -X importtime`).
`--compare-with DIR` adds rows for the code of another checkout DIR (e.g.
`git archive <commit> | tar -x -C DIR`), run on the same store. Issue 13's goal: `dlkg query`
under 100 ms wall. The machine is shared and noisy: compare rows of one run, and CPU time
(which varies less under load) as well as wall time.
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

Row = tuple[list[str], dict[str, str] | None]


def _samples(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _run(args: list[str], env: dict[str, str] | None) -> tuple[float, float]:
    """Run a process; return its wall and CPU (user + system) time in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _round_robin(rows: dict[str, Row], runs: int) -> dict[str, tuple[list[float], list[float]]]:
    out: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in rows}
    for _ in range(runs):
        for name, (args, env) in rows.items():
            wall, cpu = _run(args, env)
            out[name][0].append(wall)
            out[name][1].append(cpu)
    return out


def _p90(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=10, method="inclusive")[-1] if len(ms) > 1 else ms[0]


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


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _bytecode_note() -> str:
    """Whether dlkg's modules run from cached bytecode: without it each run compiles them
    (~7 ms here), as under PYTHONDONTWRITEBYTECODE=1 with no __pycache__ written before."""
    import importlib.util

    import dlkg

    sources = list(Path(dlkg.__file__).parent.glob("*.py"))
    cached = [Path(importlib.util.cache_from_source(str(p))) for p in sources]
    fresh = sum(
        c.is_file() and c.stat().st_mtime >= p.stat().st_mtime
        for p, c in zip(sources, cached, strict=True)
    )
    writes = "no (PYTHONDONTWRITEBYTECODE)" if sys.dont_write_bytecode else "yes"
    return (
        f"dlkg modules with fresh bytecode: {fresh}/{len(sources)}, written on first run: {writes}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("data/build"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--query", default="01", help="a gallery query's number or name")
    parser.add_argument("--compare-with", type=Path, help="another checkout's code to time too")
    args = parser.parse_args()

    from dlkg.cli_read import _query_text
    from dlkg.store import open_read_only, run_query

    store_dir = args.build_dir / "current" / "store"
    text = _query_text(args.query)
    file = str(_gallery_file(text))
    store = open_read_only(store_dir)
    script = str(Path(sys.executable).with_name("dlkg"))
    build = ["--build-dir", str(args.build_dir)]
    rows: dict[str, Row] = {
        f"dlkg query {args.query}": ([script, *build, "query", args.query], None),
        "dlkg query FILE.rq": ([script, *build, "query", file], None),
        f"python -m dlkg query {args.query}": (
            [sys.executable, "-m", "dlkg", *build, "query", args.query],
            None,
        ),
        "python -c pass": ([sys.executable, "-c", "pass"], None),
        "python -c 'import pyoxigraph'": ([sys.executable, "-c", "import pyoxigraph"], None),
    }
    if args.compare_with is not None:
        # The other checkout's code, on PYTHONPATH ahead of this venv's editable install; an
        # older dlkg takes a file, not a gallery name.
        env = {"PYTHONPATH": str(args.compare_with.absolute() / "pipeline")}
        rows[f"same, code of {args.compare_with}"] = ([script, *build, "query", file], env)
    print(f"load average before: {_load()}  ({os.cpu_count()} CPUs); {_bytecode_note()}")
    timed = _round_robin(rows, args.runs)
    alone = _samples(lambda: list(run_query(store, text)), args.runs)  # type: ignore[call-overload]
    print(f"load average after:  {_load()}\n")
    print(
        f"| process ({args.runs} runs each, round-robin) | wall median | wall p90 | wall min–max "
        "| CPU median | CPU p90 |"
    )
    print("|---|---|---|---|---|---|")
    for name, (wall, cpu) in timed.items():
        w, c = [s * 1000 for s in wall], [s * 1000 for s in cpu]
        print(
            f"| `{name}` | {statistics.median(w):.0f} ms | {_p90(w):.0f} ms "
            f"| {min(w):.0f}–{max(w):.0f} ms | {statistics.median(c):.0f} ms | {_p90(c):.0f} ms |"
        )
    ms = [s * 1000 for s in alone]
    print(
        f"| the query alone (open store, in process) | {statistics.median(ms):.1f} ms "
        f"| {_p90(ms):.1f} ms | {min(ms):.1f}–{max(ms):.1f} ms | | |"
    )
    print("\nheaviest top-level imports of one `dlkg query` run (python -X importtime):")
    for micros, name in _importtime(["-m", "dlkg", *build, "query", args.query], 8):
        print(f"  {micros / 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
