"""CPU time of each parser (and its single-source checks) on growth inputs, per size.

Run:  .venv/bin/python bench/growth.py --sizes 100,1000 --generate-only --keep DIR
      .venv/bin/python bench/parse_growth.py DIR/x100 DIR/x1000

Each size is parsed in a child process, the sources one after the other as the build does.
CPU time (`time.process_time`), not wall time: on a shared machine the wall clock mostly
measures the other jobs (the x1000 awesome README: 13.1-13.4 s CPU in two runs, 25 s wall at
load 2.6 and 53 s at load 11). The time the cyclic garbage collector took during the source's
parse and checks is shown apart.
Prints one row per source and size and the growth exponent between consecutive sizes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import gc, json, os, sys, tempfile, time
from pathlib import Path
from dlkg.checks import single_source
from dlkg.fetch import fetch_all, load_manifest
from dlkg.parse import parse_text

base = Path(sys.argv[1])
with tempfile.TemporaryDirectory() as cache:
    fetched = fetch_all(
        load_manifest(base / "sources.toml"), cache_dir=Path(cache),
        mirror_dir=base / "mirror", offline=True,
    )
in_gc, started = [0.0], [0.0]

def timed(phase, _info):
    if phase == "start":
        started[0] = time.process_time()
    else:
        in_gc[0] += time.process_time() - started[0]

gc.callbacks.append(timed)
results, rows = [], {}
for source in fetched:
    spec, gc0 = source.spec, in_gc[0]
    t0 = time.process_time()
    result = parse_text(spec.kind, source.text, source_id=spec.id, path=spec.file_name)
    t1 = time.process_time()
    result.issues.extend(single_source(spec.kind, source.text, result, spec.file_name))
    t2 = time.process_time()
    results.append(result)  # kept alive, as in the build
    rows[spec.id] = [t1 - t0, t2 - t1, in_gc[0] - gc0]
print(json.dumps({"rows": rows, "load": os.getloadavg()[0]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path, help="growth inputs, e.g. DIR/x100")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "pipeline")}
    runs: list[tuple[int, dict[str, list[float]]]] = []
    print("| size | source | parse CPU | checks CPU | of these, GC | load avg |")
    print("|---|---|---|---|---|---|")
    for folder in args.dirs:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder)], env=env, check=True, capture_output=True
        )
        data = json.loads(out.stdout)
        size = int(folder.name.lstrip("x"))
        runs.append((size, data["rows"]))
        for source, (parse_s, check_s, gc_s) in data["rows"].items():
            print(
                f"| x{size} | {source} | {parse_s:.2f} s | {check_s:.2f} s | {gc_s:.2f} s "
                f"| {data['load']:.1f} |"
            )
    for (s1, r1), (s2, r2) in itertools.pairwise(runs):
        for source in r1.keys() & r2.keys():
            (p1, c1, _), (p2, c2, _) = r1[source], r2[source]
            scale = math.log(s2 / s1)
            print(
                f"exponent x{s1}->x{s2} {source}: parse {math.log(p2 / p1) / scale:.2f}, "
                f"checks {math.log(c2 / c1) / scale:.2f}"
            )


if __name__ == "__main__":
    main()
