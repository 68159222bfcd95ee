"""Run only the build's emit step on one growth size, and print its wall/CPU time and peak RSS.

Run:  .venv/bin/python bench/growth.py --sizes 100 --generate-only --keep DIR
      .venv/bin/python bench/emit_only.py DIR/x100 [--cache DIR/x100.parsed.pickle]
          [--out emitted.nq] [--profile OUT.prof]

Parse and resolve go through `build_front.parse_and_resolve` (what `dlkg build` runs); `--cache`
pickles the resulting `Parsed` on the first run and loads it on later runs, so that an emit
change can be timed at x1000 without the ~500 s of parse and resolve before it. Emit is then
`build_front._emit`, the function the build's emit step calls, into `--out` (a temporary file if
not given). Peak RSS is the kernel's high-water mark (`VmHWM`) reset after loading, so it
includes the records and the resolution, as the build's emit window does.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="growth inputs of one size, e.g. DIR/x100")
    parser.add_argument("--cache", type=Path, help="pickle of parse+resolve (made if absent)")
    parser.add_argument("--out", type=Path, help="write the emitted N-Quads here")
    parser.add_argument("--profile", type=Path, help="write a cProfile of emit here")
    args = parser.parse_args()
    try:  # the code since the build's front moved out of build.py, or the code before (A/B)
        from dlkg import build_front as build_module
    except ImportError:
        from dlkg import build as build_module  # type: ignore[no-redef]
    from dlkg.iris import IriMinter
    from dlkg.report import BuildReport, StepTimer
    from dlkg.settings import Settings

    with tempfile.TemporaryDirectory(prefix="dlkg-emit-") as tmp:
        settings = Settings(
            build_dir=Path(tmp) / "build",
            cache_dir=Path(tmp) / "cache",
            mirror_dir=args.dir / "mirror",
            sources_manifest=args.dir / "sources.toml",
            curation_dir=args.dir / "curation",
            offline=True,
        )
        t0 = time.perf_counter()
        if args.cache and args.cache.exists():
            with args.cache.open("rb") as f:
                parsed = pickle.load(f)  # noqa: S301 (our own cache file)
        else:
            parsed = build_module.parse_and_resolve(settings, StepTimer(), lambda _s: None)
            if args.cache:
                with args.cache.open("wb") as f:
                    pickle.dump(parsed, f, protocol=pickle.HIGHEST_PROTOCOL)
        before_s, before_mb = time.perf_counter() - t0, _hwm_mb()
        Path("/proc/self/clear_refs").write_text("5")
        report = BuildReport(base_iri=settings.base_iri, started="")
        minter = IriMinter(settings.base_iri)
        out = args.out or Path(tmp) / "emitted.nq"
        profile = cProfile.Profile() if args.profile else None
        t1, c1 = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        _index, counts, graphs = build_module._emit(settings, parsed, minter, report, out)
        if profile:
            profile.disable()
        emit_s, emit_cpu = time.perf_counter() - t1, time.process_time() - c1
    if profile and args.profile:
        profile.dump_stats(str(args.profile))
    print(
        json.dumps(
            {
                "size": args.dir.name,
                "load_or_parse_s": round(before_s, 2),
                "load_or_parse_peak_mb": round(before_mb),
                "emit_s": round(emit_s, 2),
                "emit_cpu_s": round(emit_cpu, 2),
                "emit_peak_mb": round(_hwm_mb()),
                "quads": sum(graphs.values()),
                "classes": len(counts),
                "load": round(os.getloadavg()[0], 2),
            }
        ),
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
