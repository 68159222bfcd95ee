"""Parse and resolve one growth size as `dlkg build` does, and print wall/CPU time and peak RSS.

Run:  .venv/bin/python bench/growth.py --sizes 100 --generate-only --keep DIR
      .venv/bin/python bench/resolve_only.py DIR/x100 [--cache DIR/x100.parsed.pickle]
          [--digest] [--profile OUT.prof]

Parse and resolve go through the functions `build.parse_and_resolve` calls (fetch from the
mirror, `parse_text` + `single_source`, then `resolve` + `cross_source` with the collector
paused), so a resolve change can be timed at x1000 in minutes instead of a 30-minute build.
`--cache` pickles the parse results on the first run and loads them on later runs (parse
is linear and takes 160 s at x1000; the loaded records occupy about what parsed ones do).
Peak RSS is the kernel's high-water mark (`VmHWM`): once after parse, and again for resolve
after resetting it (`/proc/self/clear_refs`), so the resolve figure is the build's resolve
step's (records included). `--digest` prints a sha256 of `repr(resolution)` (the process is
re-run with `PYTHONHASHSEED=0` so set orders are stable) to check that a change leaves every
field of the resolution identical.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
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


def _reset_hwm() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _parse(base: Path) -> list[object]:
    from dlkg.build_front import _check_complete
    from dlkg.checks import single_source
    from dlkg.fetch import fetch_all, load_manifest
    from dlkg.parse import parse_text

    with tempfile.TemporaryDirectory() as cache:
        sources = fetch_all(
            load_manifest(base / "sources.toml"),
            cache_dir=Path(cache),
            mirror_dir=base / "mirror",
            offline=True,
        )
    results: list[object] = []
    for source in sources:
        spec = source.spec
        result = parse_text(spec.kind, source.text, source_id=spec.id, path=spec.file_name)
        _check_complete(source, result)
        result.issues.extend(single_source(spec.kind, source.text, result, spec.file_name))
        results.append(result)
    return results


def _check_cache(path: Path, results: list[object]) -> None:
    """A cache pickled by the records' classes before they had slots loads without error
    but with every field holding its own name: refuse it (exit 1) instead of timing that."""
    from dlkg.records import Provenance

    for result in results:
        for record in (*getattr(result, "entries", ()), *getattr(result, "bib_entries", ())):
            if not isinstance(record.prov, Provenance):
                sys.exit(f"{path}: made by older record classes; delete it to parse again")
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="growth inputs of one size, e.g. DIR/x100")
    parser.add_argument("--cache", type=Path, help="pickle of the parse results (made if absent)")
    parser.add_argument("--digest", action="store_true", help="sha256 of repr(resolution)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of resolve here")
    args = parser.parse_args()
    if args.digest and os.environ.get("PYTHONHASHSEED") != "0":
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)  # noqa: S606 (no shell)
    from dlkg.checks import cross_source
    from dlkg.gcpause import collector_paused
    from dlkg.resolve import resolve

    t0 = time.perf_counter()
    if args.cache and args.cache.exists():
        with args.cache.open("rb") as f:
            results = pickle.load(f)  # noqa: S301 (our own cache file)
        _check_cache(args.cache, results)
    else:
        results = _parse(args.dir)
        if args.cache:
            with args.cache.open("wb") as f:
                pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
    parse_s, parse_mb = time.perf_counter() - t0, _hwm_mb()
    profile = cProfile.Profile() if args.profile else None
    with collector_paused():  # as the build runs resolve
        _reset_hwm()
        t1, c1 = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        resolution = resolve(results, curation_dir=args.dir / "curation")  # type: ignore[arg-type]
        resolution.issues.extend(cross_source(results, resolution))  # type: ignore[arg-type]
        if profile:
            profile.disable()
        resolve_s, resolve_cpu = time.perf_counter() - t1, time.process_time() - c1
        resolve_mb = _hwm_mb()
    if profile and args.profile:
        profile.dump_stats(str(args.profile))
    out = {
        "size": args.dir.name,
        "papers": len(resolution.papers),
        "persons": len(resolution.persons),
        "parse_s": round(parse_s, 2),
        "parse_peak_mb": round(parse_mb),
        "resolve_s": round(resolve_s, 2),
        "resolve_cpu_s": round(resolve_cpu, 2),
        "resolve_peak_mb": round(resolve_mb),
        "load": round(os.getloadavg()[0], 2),
    }
    if args.digest:
        out["digest"] = hashlib.sha256(repr(resolution).encode()).hexdigest()[:16]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
