"""A non-editable install into a fresh venv finds its ontology, shapes and sources by itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT as REPO


def _run(*cmd: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, cwd=cwd, timeout=900, check=False
    )
    assert result.returncode == 0, f"{cmd}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.mark.slow
@pytest.mark.upstream
def test_wheel_in_fresh_venv_builds_from_any_directory(upstream_dir: Path, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, REPO)
    (wheel,) = wheels.glob("dlkg-*.whl")
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(
        venv / "bin" / "python",
        "-c",
        "import dlkg.resources as r; print(r.resource_root())",
        cwd=elsewhere,
    ).stdout.strip()
    assert where.startswith(str(venv)), where
    assert (Path(where) / "ontology" / "dlkg.ttl").is_file()
    assert (Path(where) / "data" / "sources" / "zh-roadmap-blog-part2.md").is_file()
    assert any((Path(where) / "queries").glob("*.rq"))
    build_dir = tmp_path / "build"
    _run(
        venv / "bin" / "dlkg",
        "--build-dir",
        build_dir,
        "--mirror",
        upstream_dir,
        "build",
        "--quiet",
        cwd=elsewhere,
    )
    assert (build_dir / "current" / "dumps" / "dlkg.nt").stat().st_size > 100_000
