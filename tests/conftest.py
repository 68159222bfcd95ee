"""Shared fixtures and markers: upstream mirror, built datasets, live servers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from helpers import FIXTURES, REPO_ROOT


def _default_upstream() -> Path:
    env = os.environ.get("DLKG_MIRROR")
    return (Path(env) if env else REPO_ROOT.parent / "shared" / "upstream").resolve()


@pytest.fixture(scope="session")
def upstream_dir() -> Path:
    """The offline mirror of the pinned upstream files; skips where it is absent."""
    path = _default_upstream()
    if not (path / "awesome-deep-learning-papers" / "README.md").is_file():
        pytest.skip(
            f"upstream mirror not found at {path} (set DLKG_MIRROR or place ../shared/upstream)"
        )
    return path


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The client's Chinese documents shipped in data/sources/."""
    return REPO_ROOT / "data" / "sources"


@pytest.fixture()
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def built(upstream_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One real build over all five sources (session-wide): `(Settings, BuildReport)`."""
    from dlkg.build import build
    from dlkg.settings import Settings

    build_dir = tmp_path_factory.mktemp("built")
    settings = Settings(
        build_dir=build_dir, cache_dir=build_dir / "cache", mirror_dir=upstream_dir, offline=True
    )
    return settings, build(settings)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files (docs/cli.md, tests/golden/*) from the current output.",
    )


@pytest.fixture()
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
