"""Run folders pinned by running servers, so that a rebuild does not delete what they serve.

`dlkg serve` serves the build that was current when it started (its store, dumps and report
live in `runs/<id>/`). A rebuild keeps only the current and the previous run; without a pin, two
rebuilds would delete a live server's run and its /downloads would answer 404. A server pins its
run with a file `runs/<id>/.pins/<pid>` for as long as it runs; the cleanup skips any run with
a pin of a live process (a pin left by a process that died is ignored and removed), and the
server, when it stops, removes its pin and then its run if nothing else keeps it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

PINS = ".pins"


@contextlib.contextmanager
def pinned(run_dir: Path, on_release: Callable[[], None] | None = None) -> Iterator[None]:
    """Pin `run_dir` for this process; on leaving, unpin and call `on_release` (a cleanup)."""
    folder = run_dir / PINS
    folder.mkdir(exist_ok=True)
    pin = folder / str(os.getpid())
    pin.write_text(f"{os.getpid()}\n", encoding="ascii")
    try:
        yield
    finally:
        pin.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when no other pin is left
        if on_release is not None:
            on_release()


def is_pinned(run_dir: Path) -> bool:
    """Whether a live process has pinned `run_dir` (stale pins are removed on the way)."""
    live = False
    for pin in (run_dir / PINS).glob("*"):
        try:
            os.kill(int(pin.name), 0)
            live = True
        except ProcessLookupError:
            pin.unlink(missing_ok=True)  # its server died without cleaning up
        except PermissionError:
            live = True  # another user's live process
        except ValueError:
            continue  # not a pin of ours
    return live


def prune_runs(runs_dir: Path, keep: set[Path]) -> None:
    """Delete every run folder except those in `keep` (resolved paths) and the pinned ones."""
    if not runs_dir.is_dir():
        return
    for old in runs_dir.iterdir():
        if old.resolve() not in keep and not is_pinned(old):
            shutil.rmtree(old, ignore_errors=True)
