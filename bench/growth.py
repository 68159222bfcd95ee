"""Growth benchmark: build synthetic inputs at x1, x10, x100, x1000 the real sizes, per step.

Run:  .venv/bin/python bench/growth.py --sizes 1,10,100 --repeat 1 [--timeout 1800] [--keep DIR]
      .venv/bin/python bench/growth.py --sizes 100,1000 --bracket    (issue 13's goals)

For every size it writes the five sources in their own formats with a synthetic manifest
(growth_gen.py; x1000 is about 300k papers), then runs `dlkg build` on them through the same
manifest/mirror path as the real sources, in a child process capped by --timeout. The table gives
per step (parse, resolve, emit, validate, load, export) the median wall time of the step timer the
build report already keeps (dlkg.report.StepTimer) and the peak RSS during the step of the build's
processes together (see below), and between consecutive sizes the growth exponent
log(t2/t1) / log(size2/size1): 1 is linear, 2 quadratic. A run that hits the timeout is reported
"stopped at T" with the steps it finished. The last column is the 1-minute load average at the
start and the end of each build (the machine may be shared).

`--bracket` runs the next smaller size again after each build of a bigger one (x100, x1000,
x100): a shared machine's speed drifts by 10-30% within the half hour an x1000 build takes, so
one x100 build before it is a poor base for an exponent, while the median (with two: the mean)
of the x100 builds before and after it sees the same drift on both sides. The table's columns
are medians over every build of a size, whichever order they ran in.

Peak RSS windows follow the build's progress callbacks, which fire after fetch, parse, resolve,
emit, validate, load and export: the emitted graph's final serialisation (timed as emit) falls in
the load window, and "report" is what follows export's callback until the build returns
(report.json and report.csv, the downloads' list, publishing), timed by the benchmark.

The build runs steps in child processes (fetch to emit in one, validation beside the load in
another, the JSON-LD export in a third on big builds), so a step's peak is the machine's, not
one process's: the larger of (a) the build process's VmHWM plus the VmHWM of each of its live
descendants at the step's end (each reset at every step; pages a child shares with its parent
since the fork are counted in both, so this is an upper bound by up to the parent's size at the
fork), and (b) the largest sum of VmRSS over the build's process tree sampled every 0.2 s in the
step (which also sees a child that ended inside the step). The progress of the steps a child runs
reaches the callback in the build process while the child waits (dlkg.forked.tell).

Both count a page a child shares with its parent once per process. The "peak PSS" column is
the largest sum over the tree of each process's proportional set size (`smaps_rollup`: a page
shared by n processes counts 1/n in each), sampled every 2 s (reading it stalls a big
process: `_PSS_EVERY`): what the machine held. A spike shorter than the sampling interval can
be missed by it, so it is a lower bound where the RSS columns are upper bounds.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# "report": what the build does after export (report.json, the downloads' list, publishing)
STEPS = ("parse", "resolve", "emit", "validate", "load", "export", "report")
_HWM = re.compile(r"VmHWM:\s+(\d+) kB")
_RSS = re.compile(r"VmRSS:\s+(\d+) kB")
_PSS = re.compile(r"^Pss:\s+(\d+) kB", re.M)
_SAMPLE_S = 0.2
# Reading smaps_rollup walks the process's page tables under its memory-map lock: 44 ms for a
# 3.5 GB process here, during which the process cannot map memory. Read every 0.2 s beside
# x1000's resolve (which maps new arenas as it goes), it took 5% longer in one run
# (docs/scale.md); every 2 s the lock is held a tenth as often. VmRSS (a counter in
# /proc/PID/status) is still read every 0.2 s.
_PSS_EVERY = 10  # RSS samples per PSS sample


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux: /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(child) for child in task.read_text().split())
    return found


def _kb(pid: int, pattern: re.Pattern[str]) -> int:
    try:
        found = pattern.search(Path(f"/proc/{pid}/status").read_text())
    except OSError:  # it ended
        return 0
    return int(found.group(1)) if found else 0


def _pss_kb(pid: int) -> int:
    """The process's proportional set size: a page shared by n processes counts 1/n in each,
    so the sum over the tree is what the machine holds (RSS sums count shared pages twice)."""
    try:
        found = _PSS.search(Path(f"/proc/{pid}/smaps_rollup").read_text())
    except OSError:  # it ended, or a kernel before 4.14
        return 0
    return int(found.group(1)) if found else 0


def _peak_kb_and_reset() -> int:
    """The summed VmHWM of this process and its live descendants, each then reset."""
    total = 0
    for pid in _tree(os.getpid()):
        total += _kb(pid, _HWM)
        # "5" resets the peak RSS counter (Linux >= 4.0); without it the peaks are cumulative.
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")
    return total


class _TreeSampler(threading.Thread):
    """The largest summed VmRSS and summed PSS of this process tree since the last `take()`."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self._lock = threading.Lock()
        self._peak = 0
        self._peak_pss = 0

    def run(self) -> None:
        for n in itertools.count():
            pids = _tree(os.getpid())
            total = sum(_kb(pid, _RSS) for pid in pids)
            pss = sum(_pss_kb(pid) for pid in pids) if n % _PSS_EVERY == 0 else 0
            with self._lock:
                self._peak = max(self._peak, total)
                self._peak_pss = max(self._peak_pss, pss)
            time.sleep(_SAMPLE_S)

    def take(self) -> tuple[int, int]:
        """The peak summed RSS and the peak summed PSS since the last call."""
        with self._lock:
            peaks = self._peak, self._peak_pss
            self._peak, self._peak_pss = 0, 0
        return peaks


def child(manifest: Path, build_dir: Path) -> None:
    """Build once and print one JSON line per finished step, then the report's timings."""
    from dlkg.build import build
    from dlkg.settings import Settings

    base = manifest.parent
    settings = Settings(
        build_dir=build_dir,
        cache_dir=build_dir / "cache",
        mirror_dir=base / "mirror",
        sources_manifest=manifest,
        curation_dir=base / "curation",
        offline=True,
    )
    start = time.perf_counter()
    last = start
    _peak_kb_and_reset()
    sampler = _TreeSampler()
    sampler.start()

    def on_step(step: str) -> None:
        nonlocal last
        now = time.perf_counter()
        rss, pss = sampler.take()
        peak = max(_peak_kb_and_reset(), rss)
        line = {"step": step, "wall": now - last, "peak_kb": peak, "pss_kb": pss}
        print(json.dumps(line), flush=True)
        last = now

    report = build(settings, on_step)
    on_step("report")  # the tail after export's callback: until build() returned
    total = time.perf_counter() - start
    memory = report.process_memory_kb  # processes beside the build's own (the validator)
    print(
        json.dumps(
            {"timings": report.timings, "counts": report.counts, "total": total, "memory": memory}
        )
    )


@dataclass
class Run:
    """One build of one size: per finished step its wall time and peak RSS."""

    wall: dict[str, float] = field(default_factory=dict)  # seconds per step
    peak_kb: dict[str, int] = field(default_factory=dict)  # peak RSS per step window
    pss_kb: dict[str, int] = field(default_factory=dict)  # peak summed PSS per step window
    total: float | None = None  # whole build, when it finished
    counts: dict[str, int] = field(default_factory=dict)
    # per step run in a process of its own (validation beside the load): start and peak kB
    others_kb: dict[str, dict[str, int]] = field(default_factory=dict)
    stopped: float | None = None  # seconds after which the timeout stopped it
    rc: int | None = None
    # 1-minute load average at the start and at the end: the machine is shared, and the times
    # are only comparable under a similar load
    load: tuple[float, float] = (0.0, 0.0)


def run_once(manifest: Path, timeout_s: float, keep: bool) -> Run:
    """One build in a child process; partial results when it times out. With `keep` the build
    stays next to the inputs (build/current/dumps/dlkg.nq feeds bench/bench_load.py)."""
    run = Run()
    with tempfile.TemporaryDirectory(prefix="dlkg-growth-") as tmp:
        build_dir = manifest.parent / "build" if keep else Path(tmp)
        cmd = [sys.executable, __file__, "--child", str(manifest), str(build_dir)]
        start, load_start = time.perf_counter(), os.getloadavg()[0]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        try:
            out, _ = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()  # only the child this function started
            out, _ = proc.communicate()
            run.stopped = time.perf_counter() - start
    run.rc, run.load = proc.returncode, (load_start, os.getloadavg()[0])
    for line in out.splitlines():
        data = json.loads(line)
        if "step" in data:
            run.wall[data["step"]] = data["wall"]
            run.peak_kb[data["step"]] = data["peak_kb"]
            run.pss_kb[data["step"]] = data.get("pss_kb", 0)
        else:  # the end: the build's own step timer replaces the callback intervals
            run.wall.update(data["timings"])
            run.counts, run.total = data["counts"], data["total"]
            run.others_kb = data.get("memory", {})
    return run


def _fmt_s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _exp(a: float | None, b: float | None, sa: int, sb: int) -> str:
    if not a or not b or a <= 0 or b <= 0:
        return "—"
    return f"{math.log(b / a) / math.log(sb / sa):.2f}"


def table(results: dict[int, list[Run]]) -> str:
    """Markdown table: per size and step median seconds and peak MB, then exponents."""
    sizes = sorted(results)
    med: dict[int, dict[str, float | None]] = {}
    rss: dict[int, dict[str, float]] = {}
    lines = [
        "| size | papers / persons | quads | "
        + " | ".join(STEPS)
        + " | whole build | peak RSS | peak PSS | load avg |",
        "|---" * (len(STEPS) + 7) + "|",
    ]
    for size in sizes:
        runs = results[size]
        med[size], rss[size] = {}, {}
        for step in (*STEPS, "total"):
            walls = [r.total if step == "total" else r.wall.get(step) for r in runs]
            done = [w for w in walls if w is not None]
            med[size][step] = statistics.median(done) if len(done) == len(runs) else None
            rss[size][step] = max(r.peak_kb.get(step, 0) for r in runs) / 1024
        counts = runs[0].counts
        who = f"{counts.get('papers', '?')} / {counts.get('persons', '?')}" if counts else "—"
        cells = [
            f"{_fmt_s(med[size][s])} s / {rss[size][s]:.0f} MB" if med[size][s] is not None else "—"
            for s in STEPS
        ]
        stopped = [r.stopped for r in runs if r.stopped]
        total = f"stopped at {stopped[0]:.0f} s" if stopped else f"{_fmt_s(med[size]['total'])} s"
        peak = max(rss[size].values())
        pss = max(max(r.pss_kb.values(), default=0) for r in runs) / 1024
        load = ", ".join(f"{r.load[0]:.1f}-{r.load[1]:.1f}" for r in runs)
        lines.append(
            f"| x{size} | {who} | {counts.get('quads', '—')} | "
            + " | ".join(cells)
            + f" | {total} | {peak:.0f} MB | {pss:.0f} MB | {load} |"
        )
    for a, b in itertools.pairwise(sizes):
        exps = [_exp(med[a][s], med[b][s], a, b) for s in STEPS]
        total = _exp(med[a]["total"], med[b]["total"], a, b)
        lines.append(f"| exponent x{a}→x{b} | | | " + " | ".join(exps) + f" | {total} | | | |")
    for size in sizes:  # below the table: each child process's own figures (in the column too)
        for step, kb in sorted(results[size][0].others_kb.items()):
            lines.append(
                f"\nx{size}: the child process of the {step} step:"
                f" {kb.get('start', 0) / 1024:.0f} MB"
                f" at the fork (shared with the build), peak {kb.get('peak', 0) / 1024:.0f} MB"
            )
    return "\n".join(lines)


def _build(
    manifest: Path, size: int, i: int, args: argparse.Namespace, results: dict[int, list[Run]]
) -> bool:
    """One build of `size` into `results`; False if it hit the timeout."""
    result = run_once(manifest, args.timeout, args.keep is not None)
    results.setdefault(size, []).append(result)
    state = f"stopped at {result.stopped:.0f} s" if result.stopped else "done"
    print(f"x{size} run {i + 1}: {state}, rc {result.rc}", file=sys.stderr)
    return not result.stopped


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="comma-separated scales, e.g. 1,10,100")
    parser.add_argument("--repeat", type=int, default=1, help="builds per size (median)")
    # x1000 takes ~980 s on a 2-core machine: 900 s (the time goal) stopped it in export
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per build")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    parser.add_argument(
        "--bracket",
        action="store_true",
        help="after each build of a size, build the next smaller size again (fairer exponents)",
    )
    parser.add_argument("--generate-only", action="store_true", help="write inputs, no builds")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from growth_gen import generate

    sizes = sorted(int(s) for s in args.sizes.split(","))
    results: dict[int, list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="dlkg-growth-in-") as tmp:
        root = args.keep or Path(tmp)
        manifests: dict[int, Path] = {}
        for size in sizes:
            start = time.perf_counter()
            manifests[size] = generate(root / f"x{size}", size, args.seed)
            print(
                f"x{size}: inputs in {time.perf_counter() - start:.1f} s: {manifests[size]}",
                file=sys.stderr,
            )
        if not args.generate_only:
            for smaller, size in itertools.pairwise([0, *sizes]):
                for i in range(args.repeat):
                    if not _build(manifests[size], size, i, args, results):
                        break  # further repeats would stop too
                    if args.bracket and smaller:  # the smaller size again, after this one
                        _build(manifests[smaller], smaller, len(results[smaller]), args, results)
    if results:
        print(table(results))


if __name__ == "__main__":
    main()
