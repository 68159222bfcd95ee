"""Every test module under tests/ is collected by the suite's own settings.

pytest does not descend into folders that match `norecursedirs`, whose default includes
"build": tests/build (the build's own tests) was left out of `make test` from 3 to 5 December
2026 without a word, until the counts of two runs did not add up."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def test_no_test_module_is_in_a_folder_pytest_skips(pytestconfig: pytest.Config) -> None:
    patterns = pytestconfig.getini("norecursedirs")
    modules = sorted(TESTS.rglob("test_*.py"))
    assert any(path.parent.name == "build" for path in modules)  # the folder this is about
    skipped = [
        path.relative_to(TESTS)
        for path in modules
        if any(
            fnmatch(folder, pattern)
            for folder in path.relative_to(TESTS).parts[:-1]
            for pattern in patterns
        )
    ]
    assert skipped == []


def test_the_build_tests_are_collected(pytestconfig: pytest.Config) -> None:
    # the same question asked of pytest itself: what a plain run of the suite collects
    import subprocess
    import sys

    found = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=pytestconfig.rootpath,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    collected = {line.split("::")[0] for line in found.stdout.splitlines() if "::" in line}
    expected = {str(path.relative_to(pytestconfig.rootpath)) for path in TESTS.rglob("test_*.py")}
    assert expected - collected == set(), found.stdout[-2000:]
