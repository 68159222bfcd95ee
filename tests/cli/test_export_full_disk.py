"""A full disk during `dlkg export` is one line and exit 4; nothing already built is lost.

The disk is really full: the export runs in its own user and mount namespace (`unshare`,
util-linux; no privilege needed where the kernel allows user namespaces) with its output folder
on a 64 KiB tmpfs, so the kernel answers ENOSPC, as a full disk does. The namespace, and the
mount, end with the process.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dlkg.settings import Settings
from helpers import without_build_folder_line

# Mount, run the export, then list what it left on the tiny disk (stdout), keeping its status.
SCRIPT = (
    'mount -t tmpfs -o size=64k tmpfs "$1" || exit 99; d=$1; shift; "$@"; s=$?; ls -A "$d"; exit $s'
)


def export_on_a_tiny_disk(settings: Settings, out: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("unshare") is None:
        pytest.skip("no unshare (util-linux) on this machine")
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip(f"this kernel refuses user namespaces: {probe.stderr.decode().strip()}")
    dlkg = [sys.executable, "-m", "dlkg", "--build-dir", str(settings.build_dir)]
    command = [*dlkg, "export", "--out", str(out)]
    return subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            SCRIPT,
            "sh",
            str(out),
            *command,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_full_disk_during_export_is_one_line_and_exit_4(
    built: tuple[Settings, Any], tmp_path: Path
) -> None:
    settings = built[0]
    dumps = settings.dumps_dir
    before = {p.name: p.read_bytes() for p in dumps.iterdir()}
    out = tmp_path / "full"
    out.mkdir()
    done = export_on_a_tiny_disk(settings, out)
    assert done.returncode == 4, done.stderr
    err = without_build_folder_line(done.stderr)
    assert err.startswith("error: ") and err.count("\n") == 1, done.stderr
    assert "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    # The build's own dumps are untouched; the tiny disk holds the dumps written before it
    # filled up, and no half-written (temporary) file.
    assert {p.name: p.read_bytes() for p in dumps.iterdir()} == before
    left = done.stdout.split()
    assert not [name for name in left if name.endswith(".tmp")], left
