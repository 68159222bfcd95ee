"""Benchmark the query guard: the regex guard it replaced against the tokenizer guard.

Run:  .venv/bin/python bench/bench_guard.py [--old-rev 675a289] [--number 2000]

Prints microseconds per `inspect_query` call (best of 5 repeats) for each gallery query in
queries/, for a lookup, for a long query (a VALUES block of 2000 IRIs, ~70 KB) and for 250 chained
OPTIONALs (which the new guard refuses), old and new side by side. The old guard is read
from git at --old-rev (the last commit with the regex guard), so both run in this process
on the same machine state: only the ratio means much on a shared, noisy machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import timeit
import types
from collections.abc import Callable
from pathlib import Path

from dlkg.web.guard import GuardError, inspect_query

ROOT = Path(__file__).resolve().parent.parent


def old_guard(rev: str) -> Callable[[str], object]:
    """`inspect_query` of web/guard.py as it was at `rev`."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:pipeline/dlkg/web/guard.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("old_guard")
    sys.modules["old_guard"] = module  # dataclasses look their module up there
    exec(compile(source, "old_guard.py", "exec"), module.__dict__)  # noqa: S102 (our own file)
    inspect: Callable[[str], object] = module.inspect_query
    return inspect


def per_call(fn: Callable[[str], object], text: str, number: int) -> float:
    """Microseconds per call, refusals included (they are answers too)."""

    def run() -> None:
        try:
            fn(text)
        except Exception:  # either guard's refusal type: refusals are answers too
            return

    return min(timeit.repeat(run, number=number, repeat=5)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-rev", default="675a289")
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args()
    old = old_guard(args.old_rev)
    cases = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("queries/*.rq"))]
    lookup = 'SELECT ?p WHERE { ?p <https://w3id.org/dlkg/ns#arxivId> "1503.02531" }'
    cases.append(("lookup by arXiv id (the server benchmark's query)", lookup))
    values = " ".join(f"<https://w3id.org/dlkg/paper/p{i:05d}>" for i in range(2000))
    cases.append(("long: VALUES of 2000 IRIs", f"SELECT * {{ VALUES ?p {{ {values} }} ?p ?q ?o }}"))
    optionals = " ".join(f"OPTIONAL {{ ?s ?p{i} ?o{i} }}" for i in range(250))
    cases.append(("250 chained OPTIONALs", f"SELECT * {{ ?s ?p ?o {optionals} }}"))
    print(f"{'query':<52} {'chars':>7} {'old µs':>9} {'new µs':>9} {'ratio':>6}  new verdict")
    ratios = []
    for name, text in cases:
        number = args.number if len(text) < 5000 else max(10, args.number // 100)
        before, after = per_call(old, text, number), per_call(inspect_query, text, number)
        try:
            inspect_query(text)
            verdict = "passes"
        except GuardError as refused:
            verdict = f"refused ({refused.kind})"
        ratios.append(after / before)
        row = f"{name:<52} {len(text):>7} {before:>9.1f} {after:>9.1f} {after / before:>6.2f}"
        print(f"{row}  {verdict}")
    gallery = ratios[:-3]
    print(f"gallery: new/old median ratio {sorted(gallery)[len(gallery) // 2]:.2f}")


if __name__ == "__main__":
    main()
