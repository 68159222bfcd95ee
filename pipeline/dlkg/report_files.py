"""A build's report.json and report.csv, their rows written beside the export (issue 13).

Most of the report is rows (x1000: about a million issues, as many merges, 1.2 M near misses)
that are final once validation has passed, while its head (the counts, the export's timing,
`ended`) is known only at the end. Written after the export, the rows were a one-core tail
of ~38 s at x1000 while the export itself leaves part of the second core idle. So a forked
child writes report.csv and the rows' part of report.json during the export, and the build
then writes the head and appends that part: the same bytes as `BuildReport.write_reports`
(tested). Where there is no fork, or the child fails, nothing is half-written: the files are
written in this process, or the build fails and its run folder is removed.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .common import sha256_file
from .forked import Forked, can_fork
from .report import JSON_END, BuildReport

JSON_FILE = "report.json"
CSV_FILE = "report.csv"
_ROWS_FILE = ".report-rows.json"  # the rows' part of report.json, until the head is written


def _write_rows(report: BuildReport, run_dir: Path) -> None:
    with (
        (run_dir / _ROWS_FILE).open("w", encoding="utf-8") as json_rows,
        (run_dir / CSV_FILE).open("w", encoding="utf-8", newline="") as csv_out,
    ):
        report.write_rows(json_rows, csv_out)


def _append(target: Path, part: Path) -> None:
    """`part`'s bytes at the end of `target`, copied by the kernel where it can (not through
    an O_APPEND file: copy_file_range refuses one)."""
    with part.open("rb") as source, target.open("r+b") as out:
        base = out.seek(0, os.SEEK_END)
        size = os.fstat(source.fileno()).st_size
        try:
            while size > 0:
                copied = os.copy_file_range(source.fileno(), out.fileno(), size)
                if copied == 0:
                    break
                size -= copied
        except (AttributeError, OSError):  # no copy_file_range here: through this process
            source.seek(0)
            out.truncate(base)
            out.seek(base)
            shutil.copyfileobj(source, out, 1 << 20)


class ReportFiles:
    """report.csv and report.json's rows being written by a child from the moment this is
    made (`report`'s rows must not change after that); `finish` writes report.json whole."""

    def __init__(self, report: BuildReport, run_dir: Path) -> None:
        self._report = report
        self._run_dir = run_dir
        self._child: Forked[None] | None = None
        self.sha256: dict[str, str] = {}  # file name -> hex digest, once `finish` made them
        if can_fork():
            self._child = Forked(lambda: _write_rows(report, run_dir), run_dir)

    def finish(self) -> None:
        """Wait for the rows, then write report.json: the head as it is now, then the rows.
        The report's issues are then all in `issues` (as after `write_reports`), and `sha256`
        has the two files' digests when the rows came from the child."""
        report, run_dir = self._report, self._run_dir
        json_path = run_dir / JSON_FILE
        if self._child is None:
            with (
                json_path.open("w", encoding="utf-8") as json_out,
                (run_dir / CSV_FILE).open("w", encoding="utf-8", newline="") as csv_out,
            ):
                report.write_reports(json_out, csv_out)
            return
        child, self._child = self._child, None
        child.result()
        with json_path.open("w", encoding="utf-8") as json_out:
            report.write_json_head(json_out)  # before the issues come back: it counts them

        def assemble() -> dict[str, str]:
            rows = run_dir / _ROWS_FILE
            _append(json_path, rows)
            with json_path.open("a", encoding="utf-8") as json_out:
                json_out.write(JSON_END)
            rows.unlink()
            return {name: sha256_file(run_dir / name) for name in (JSON_FILE, CSV_FILE)}

        # the kernel's copy and the hashing leave the interpreter free (x1000: a GB of
        # report.json), so they run in a thread while this one reads the issues back; no
        # process is forked in the meantime
        with ThreadPoolExecutor(max_workers=1) as pool:
            assembled = pool.submit(assemble)
            report.unpark_issues()
            self.sha256 = assembled.result()

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed)."""
        if self._child is not None:
            self._child.cancel()
            self._child = None


__all__ = ["CSV_FILE", "JSON_FILE", "ReportFiles"]
