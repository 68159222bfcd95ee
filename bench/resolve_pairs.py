"""Resolution alone on the growth inputs: candidate pairs per rule and time, per size.

Run:  .venv/bin/python bench/resolve_pairs.py --sizes 1,10,100 [--keep DIR]

For every size it writes the synthetic inputs (growth_gen.py, the same seed as growth.py),
parses them through the build's own fetch/parse path, and resolves them once, printing the
candidate pairs each rule examined (`Resolution.comparisons`), the papers and persons found,
the resolve wall time, the 1-minute load average before and after, and the growth exponent of
each count between consecutive sizes (1 is linear, 2 quadratic).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import tempfile
import time
from pathlib import Path


def resolve_size(base: Path) -> tuple[dict[str, int], int, int, float]:
    from dlkg.build import parse_and_resolve
    from dlkg.report import StepTimer
    from dlkg.settings import Settings

    with tempfile.TemporaryDirectory(prefix="dlkg-pairs-") as tmp:
        settings = Settings(
            build_dir=Path(tmp),
            cache_dir=Path(tmp) / "cache",
            mirror_dir=base / "mirror",
            sources_manifest=base / "sources.toml",
            curation_dir=base / "curation",
            offline=True,
        )
        timer = StepTimer()
        parsed = parse_and_resolve(settings, timer, lambda _step: None)
    res = parsed.resolution
    return res.comparisons, len(res.papers), len(res.persons), timer.seconds["resolve"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="comma-separated scales")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from growth_gen import generate

    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[tuple[int, dict[str, int], int, int, float]] = []
    loads: list[str] = []  # 1-minute load average before and after each size (shared machine)
    with tempfile.TemporaryDirectory(prefix="dlkg-pairs-in-") as tmp:
        root = args.keep or Path(tmp)
        for size in sizes:
            manifest = generate(root / f"x{size}", size, args.seed)
            start, load = time.perf_counter(), os.getloadavg()[0]
            counts, papers, persons, seconds = resolve_size(manifest.parent)
            rows.append((size, counts, papers, persons, seconds))
            loads.append(f"{load:.1f}-{os.getloadavg()[0]:.1f}")
            print(
                f"x{size}: parsed and resolved in {time.perf_counter() - start:.1f} s",
                file=sys.stderr,
            )
    rules = sorted({rule for _, counts, *_ in rows for rule in counts})
    print("| size | papers / persons | resolve | " + " | ".join(rules) + " | load avg |")
    print("|---" * (4 + len(rules)) + "|")
    for (size, counts, papers, persons, seconds), load in zip(rows, loads, strict=True):
        cells = " | ".join(f"{counts.get(r, 0):,}" for r in rules)
        print(f"| x{size} | {papers:,} / {persons:,} | {seconds:.2f} s | {cells} | {load} |")
    for (s1, c1, p1, _, t1), (s2, c2, p2, _, t2) in itertools.pairwise(rows):
        scale = math.log(s2 / s1)

        def exponent(a: float, b: float, scale: float = scale) -> str:
            return f"{math.log(b / a) / scale:.2f}" if a > 0 and b > 0 else "—"

        cells = " | ".join(exponent(c1.get(r, 0), c2.get(r, 0)) for r in rules)
        print(f"| exponent x{s1}→x{s2} | {exponent(p1, p2)} | {exponent(t1, t2)} | {cells} | |")


if __name__ == "__main__":
    main()
