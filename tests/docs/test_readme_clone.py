"""The README's first commands, run in order in a fresh clone, work as the README shows.

The clone is the repository's tracked and new (not ignored) files copied to a temporary folder,
which is what a clone holds once they are committed. Its `.venv` is a real venv whose
`site-packages` points at this venv's packages (no download) and at the clone's own `pipeline/`
(the code under test), with a `dlkg` script, so `make` finds it set up. Then:

- `make serve` (with the offline mirror and a free port): it must check the port, build into the
  clone's `data/build` and answer on that port; the test stops it with Ctrl-C (SIGINT);
- `. .venv/bin/activate` must put the clone's `dlkg` on the PATH;
- every following `dlkg ...` line runs in that shell, in the clone: exit code 0, the build
  folder named as the clone's `data/build`, and output.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import REPO_ROOT

MARKER = "<!-- tests/docs/test_readme_clone.py runs this block's commands in order"


def readme_commands() -> list[str]:
    """The commands of the README's marked block, without their `# comments`."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(MARKER, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def fresh_clone(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = REPO_ROOT / os.fsdecode(name)
        if source.is_file():  # a deleted, not yet committed file is listed too
            (target / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / os.fsdecode(name))
    return target


def make_venv(clone: Path) -> None:
    """clone/.venv: this interpreter's packages, the clone's code, a `dlkg` script."""
    venv = clone / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    [site] = list(venv.glob("lib/python*/site-packages"))
    # Path lines of a .pth file go on sys.path in order; this venv's own .pth files (the
    # editable install of the checkout under test) are not read, so `dlkg` is the clone's.
    ours = sysconfig.get_paths()["purelib"]
    (site / "00-readme-test.pth").write_text(f"{clone / 'pipeline'}\n{ours}\n", encoding="utf-8")
    script = venv / "bin" / "dlkg"
    script.write_text(
        f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom dlkg.cli import main\nsys.exit(main())\n",
        encoding="utf-8",
    )
    script.chmod(0o755)  # newer than pyproject.toml: make's setup has nothing to do


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_until_it_answers(clone: Path, command: str, upstream: Path) -> str:
    """Run `make serve` until its server answers /, then stop it with Ctrl-C; its output."""
    assert command == "make serve"
    port = free_port()
    proc = subprocess.Popen(
        ["make", "serve", f"PORT={port}", f"MIRROR={upstream}"],
        cwd=clone,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: SIGINT reaches make and dlkg
    )
    try:
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                time.sleep(1)
        assert proc.poll() is None, "make serve stopped before it served"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    return output


@pytest.mark.upstream
@pytest.mark.slow
def test_readme_commands_work_in_a_fresh_clone(tmp_path: Path, upstream_dir: Path) -> None:
    if not (REPO_ROOT / ".git").exists() or shutil.which("make") is None:
        pytest.skip("needs a git checkout (to know what a clone holds) and make")
    clone = fresh_clone(tmp_path / "clone")
    make_venv(clone)
    commands = readme_commands()
    assert commands[:2] == ["make serve", ". .venv/bin/activate"], commands
    served = serve_until_it_answers(clone, commands[0], upstream_dir)
    assert (clone / "data" / "build" / "current" / "store").is_dir(), served
    assert "dlkg serving" in served, served

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLKG_", "VIRTUAL_ENV"))}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # no dlkg on it until activated
    found = subprocess.run(
        ["bash", "-c", f"{commands[1]} && command -v dlkg"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == str(clone / ".venv" / "bin" / "dlkg")
    for command in commands[2:]:
        assert command.startswith("dlkg "), command
        done = subprocess.run(
            ["bash", "-c", f"{commands[1]} && {command}"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr)
        assert done.stderr.startswith("build folder: data/build (this checkout)\n"), done.stderr
        assert done.stdout.strip(), command
