"""`dlkg query` starts light: what it imports is pinned (issue 13: under 100 ms of wall time).

Time itself is measured by bench/bench_query_cli.py, not here (a shared machine makes timing
tests flaky); these tests pin its causes instead: the modules a query run imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from dlkg.settings import Settings

# What a query run may import beyond the standard library: the CLI toolkit and the engine.
THIRD_PARTY_ALLOWED = {"click", "pyoxigraph", "dlkg"}
# Heavy or pipeline-only modules that once sat on the query path (rdflib for namespace
# constants cost ~105 ms; importing every command's module pulled in the name parser, ~80 ms).
FORBIDDEN = {
    "rdflib",
    "pyshacl",
    "requests",
    "nameparser",
    "rapidfuzz",
    "tqdm",
    "dlkg.namespaces",
    "dlkg.lint",
    "dlkg.checks",
    "dlkg.parse",
    "dlkg.resolve",
    "dlkg.build",
    "dlkg.web",
    "dlkg.cli_serve",
    "dlkg.cli_push",
    # the loader: its thread pool pulls in concurrent.futures and logging (~9 ms), its
    # temporary files tempfile and shutil; store.py opens the store without it
    "dlkg.load",
    "concurrent.futures",
    "tempfile",
}


def _modules_after(args: list[str]) -> set[str]:
    """The modules loaded after running `dlkg ARGS` the way the console script does."""
    script = (
        "import json, sys\nfrom dlkg.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.upstream
@pytest.mark.parametrize("query", ["01", "queries/01-top100-papers-by-hinton.rq"])
def test_dlkg_query_imports_only_click_pyoxigraph_and_light_dlkg(
    built: tuple[Settings, Any], query: str
) -> None:
    settings, _ = built
    from helpers import REPO_ROOT

    if query.endswith(".rq"):
        query = str(REPO_ROOT / query)
    loaded = _modules_after(["--build-dir", str(settings.build_dir), "query", query])
    assert "pyoxigraph" in loaded and "dlkg.query" in loaded  # it did run the query
    third_party = {
        _top(m) for m in loaded if _top(m) not in sys.stdlib_module_names and not m.startswith("_")
    }
    assert third_party <= THIRD_PARTY_ALLOWED, third_party - THIRD_PARTY_ALLOWED
    heavy = {m for m in loaded for f in FORBIDDEN if m == f or m.startswith(f + ".")}
    assert not heavy, sorted(heavy)


def test_help_still_lists_every_command_and_loads_each_on_demand() -> None:
    """The commands of other modules load lazily; --help still shows all of them."""
    from click.testing import CliRunner

    from dlkg.cli import main

    listed = CliRunner().invoke(main, ["--help"], terminal_width=200).output
    for name in ("query", "stats", "explain", "lint", "serve", "push", "diff", "fmt", "issues"):
        assert f"\n  {name} " in listed, name
    loaded = _modules_after(["--version"])
    assert not {"dlkg.lint", "dlkg.cli_read", "dlkg.cli_serve"} & loaded
