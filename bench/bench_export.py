"""The export step alone, old code against new, alternating runs on one built store.

Run:  .venv/bin/python bench/bench_export.py --build-dir DIR [--runs 3] [--compare-with OLD]

DIR is a dlkg build folder (bench/growth.py --keep ROOT makes ROOT/x<N>/build). Each run is a
child process that opens DIR/current/store read-only and calls `export_dumps` into a fresh
folder, as the build's export step does; it prints wall time, CPU time (its own and its
children's), peak RSS (its VmHWM) and the time to each finished file. The peak RSS of a
process it starts (the JSON-LD writer) is not measured here: the kernel's figure for children
(`RUSAGE_CHILDREN`) counts the parent's pages at the fork, before the child's `exec`.
With --compare-with OLD (a checkout whose `pipeline/` holds the
code before a change: `git archive REV pipeline | tar -x -C OLD`) the runs alternate new, old,
new, old..., so that a burst of load on a shared machine hits both alike, and the output
folders of the two are compared file by file with `cmp` (`.gz` files decompressed first).
The 1-minute load average is printed at the start and the end of every run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(store_dir: Path, out: Path) -> None:
    """One export into `out`; prints one JSON line."""
    from dlkg.export import export_dumps
    from dlkg.iris import IriMinter
    from dlkg.resources import ontology_dir
    from dlkg.settings import DEFAULT_BASE_IRI
    from dlkg.store import open_read_only

    store = open_read_only(store_dir)
    start = time.perf_counter()
    marks: dict[str, float] = {}

    def on_step(name: str) -> None:
        marks[name] = round(time.perf_counter() - start, 2)

    export_dumps(
        store,
        out,
        minter=IriMinter(DEFAULT_BASE_IRI),
        context_path=ontology_dir() / "context.jsonld",
        on_step=on_step,
    )
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    status = Path("/proc/self/status").read_text()
    hwm = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM"))
    line = {"wall": wall, "cpu": cpu, "peak_mb": hwm / 1024}
    print(json.dumps({**line, "marks": marks}), flush=True)


def run(code: Path, store_dir: Path, out: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(code / "pipeline")}
    load = os.getloadavg()[0]
    cmd = [sys.executable, __file__, "--child", str(store_dir), str(out)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"export with {code} failed: {result.stderr.strip()[-500:]}")
    data: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    data["load"] = (load, os.getloadavg()[0])
    return data


def same_files(a: Path, b: Path) -> list[str]:
    """The files whose (decompressed) bytes differ between two dumps folders, or are missing."""
    differ = []
    names = {p.name for p in a.iterdir()} | {p.name for p in b.iterdir()}
    for name in sorted(names - {"SHA256SUMS"}):
        pa, pb = a / name, b / name
        if not (pa.is_file() and pb.is_file()) or _digest(pa) != _digest(pb):
            differ.append(name)
    return differ


def _digest(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare-with", type=Path, help="a checkout of the old code")
    parser.add_argument("--only", choices=("new", "old"), help="run one side only")
    args = parser.parse_args()
    store_dir = args.build_dir / "current" / "store"
    sides = [("new", ROOT)]
    if args.compare_with:
        sides.append(("old", args.compare_with))
    if args.only:
        sides = [s for s in sides if s[0] == args.only]
    results: dict[str, list[dict[str, object]]] = {name: [] for name, _ in sides}
    with tempfile.TemporaryDirectory(prefix="dlkg-export-ab-", dir=args.build_dir) as tmp:
        outs = {name: Path(tmp) / name for name, _ in sides}
        for i in range(args.runs):
            for name, code in sides:
                shutil.rmtree(outs[name], ignore_errors=True)
                data = run(code, store_dir, outs[name])
                results[name].append(data)
                print(f"run {i + 1} {name}: {json.dumps(data)}", file=sys.stderr, flush=True)
        if len(outs) == 2:
            differ = same_files(outs["new"], outs["old"])
            print("identical files" if not differ else f"DIFFERENT: {', '.join(differ)}")
    for name, rows in results.items():
        walls = [float(r["wall"]) for r in rows]  # type: ignore[arg-type]
        cpus = [float(r["cpu"]) for r in rows]  # type: ignore[arg-type]
        peaks = [float(r["peak_mb"]) for r in rows]  # type: ignore[arg-type]
        loads = [x for r in rows for x in r["load"]]  # type: ignore[union-attr]
        print(
            f"{name}: wall median {statistics.median(walls):.1f} s ({min(walls):.1f}-"
            f"{max(walls):.1f}), CPU median {statistics.median(cpus):.1f} s, peak RSS max "
            f"{max(peaks):.0f} MB, load {min(loads):.1f}-{max(loads):.1f}"
        )


if __name__ == "__main__":
    main()
