"""The growth benchmark's synthetic sources (bench/growth_gen.py) and the CLI's --manifest.

The synthetic x1 inputs must be byte-identical for one seed, pass the pinned sha256 of their
own manifest, and build through the ordinary `dlkg --manifest … --mirror … build` path into a
conformant dataset where people written differently on different papers are merged.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dlkg.cli import main
from dlkg.fetch import load_manifest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from growth import _RSS, _kb, _pss_kb, _tree
from growth_gen import FILES, generate


def test_generation_is_deterministic_and_pinned(tmp_path: Path) -> None:
    a, b = generate(tmp_path / "a", 1), generate(tmp_path / "b", 1)
    for rel in FILES.values():
        assert (a.parent / rel).read_bytes() == (b.parent / rel).read_bytes(), rel
    assert (
        generate(tmp_path / "c", 1, seed=14).parent.joinpath(FILES["awesome-bib"]).read_bytes()
        != (a.parent / FILES["awesome-bib"]).read_bytes()
    )
    specs = {s.id: s for s in load_manifest(a)}
    assert set(specs) == set(FILES)
    assert specs["zh-awesome"].path == (a.parent / FILES["zh-awesome"]).resolve()


@pytest.mark.slow
def test_x1_builds_through_the_manifest(tmp_path: Path) -> None:
    manifest = generate(tmp_path / "x1", 1)
    root = manifest.parent
    args = [
        "--build-dir",
        str(tmp_path / "build"),
        "--manifest",
        str(manifest),
        "--mirror",
        str(root / "mirror"),
        "--curation-dir",
        str(root / "curation"),
        "--offline",
    ]
    result = CliRunner().invoke(main, [*args, "build", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "build" / "current" / "report.json").read_text())
    assert {s["origin"] for s in report["sources"]} == {"mirror", "shipped"}
    assert 280 <= report["counts"]["papers"] <= 330
    # The same people on different papers, written "G. Hinton" in one list and "Hinton,
    # Geoffrey E." in another, are merged across papers by these rules.
    person_rules = {m["rule"] for m in report["merges"] if m["kind"] == "person"}
    assert {"same-full-name", "unique-family"} <= person_rules


def test_missing_manifest_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--manifest", str(tmp_path / "no.toml"), "fetch"])
    assert result.exit_code == 2
    assert "--manifest" in result.output and "does not exist" in result.output


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs smaps_rollup")
def test_the_tree_pss_counts_a_page_shared_with_a_forked_child_once() -> None:
    """The benchmark's summed RSS counts what a child shares since the fork twice; the summed
    PSS, its "what the machine held" column, once."""
    held = bytearray(os.urandom(1)) * (96 << 20)  # 96 MB written, so resident
    before_rss = sum(_kb(pid, _RSS) for pid in _tree(os.getpid()))
    before_pss = sum(_pss_kb(pid) for pid in _tree(os.getpid()))
    pid = os.fork()
    if pid == 0:  # the child only holds the shared pages
        time.sleep(30)
        os._exit(0)
    try:
        time.sleep(0.3)
        assert pid in _tree(os.getpid())
        rss = sum(_kb(p, _RSS) for p in _tree(os.getpid())) - before_rss
        pss = sum(_pss_kb(p) for p in _tree(os.getpid())) - before_pss
        assert rss > 90 << 10  # kB: the 96 MB once more, in the child
        assert pss < 24 << 10, pss  # the shared pages split between the two, not added
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    del held


def test_bracket_builds_the_smaller_size_again_after_each_bigger_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the order of the builds and the table's medians, without building (the builds
    # themselves are what test_x1_builds_through_the_manifest covers)
    import growth
    import growth_gen

    built: list[int] = []

    def fake_generate(root: Path, size: int, seed: int) -> Path:
        return root / "sources.toml"

    def fake_run(manifest: Path, timeout_s: float, keep: bool) -> growth.Run:
        size = int(manifest.parent.name[1:])
        built.append(size)
        wall = {step: float(size * len(built)) for step in growth.STEPS}
        return growth.Run(wall=wall, total=sum(wall.values()), rc=0)

    monkeypatch.setattr(growth_gen, "generate", fake_generate)
    monkeypatch.setattr(growth, "run_once", fake_run)
    args = ["growth.py", "--sizes", "10,1", "--repeat", "2", "--bracket", "--keep", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", args)
    growth.main()
    assert built == [1, 1, 10, 1, 10, 1]
    table = capsys.readouterr().out
    # x1: builds 1, 2, 4, 6 (wall = size x build number): median 3; x10: builds 3, 5: median 40
    assert "| x1 |" in table and "3.00 s" in table and "40.00 s" in table
    assert "| exponent x1→x10 | | | 1.12 |" in table  # log10(40 / 3)
