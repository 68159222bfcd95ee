"""`dlkg serve --isolation/--memory-budget` as a user runs it: banner, one-line errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from dlkg.sandbox import probe
from dlkg.settings import Settings


def serve(settings: Settings, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dlkg", "--build-dir", str(settings.build_dir), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


def test_the_banner_names_the_active_isolation_and_the_budget(built: tuple[Settings, Any]) -> None:
    proc = serve(built[0], "--port", "0", "--workers", "1", "--memory-budget", "3G")
    try:
        assert proc.stdout is not None
        first, second = proc.stdout.readline(), proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    mode = "+".join(layer for layer in ("namespace", "seccomp") if not probe()[layer]) or "none"
    assert "dlkg serving" in first
    assert f"(isolation: {mode})" in second
    assert "memory budget 3072 MiB (--memory-budget): 512 MiB per query worker" in second


def test_bad_limits_are_one_line_and_exit_2(built: tuple[Settings, Any]) -> None:
    for args, words in (
        (("--memory-budget", "1M"), "at least 512 MiB"),
        (("--memory-budget", "lots"), "neither a share"),
        (("--isolation", "firewall"), "'firewall' is not one of"),
    ):
        proc = serve(built[0], "--port", "0", *args)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 2, err
        assert words in err
        assert "Traceback" not in err
        if args[0] == "--memory-budget":
            assert err.count("\n") == 1
