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

import io
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


def _write_rows(report: BuildReport, run_dir: Path) -> str:
    """In the child: report.csv and the rows of report.json; report.csv's sha256 (it is
    whole now, and hashing it here takes nothing from the build's tail)."""
    with (
        (run_dir / _ROWS_FILE).open("w", encoding="utf-8") as json_rows,
        (run_dir / CSV_FILE).open("w", encoding="utf-8", newline="") as csv_out,
    ):
        report.write_rows(json_rows, csv_out)
    return sha256_file(run_dir / CSV_FILE)


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
        self._child: Forked[str] | None = None
        self.sha256: dict[str, str] = {}  # file name -> hex digest, once `finish` made them
        if can_fork():
            self._child = Forked(lambda: _write_rows(report, run_dir), run_dir)

    def finish(self) -> None:
        """Wait for the rows, then write report.json: the head as it is now, then the rows.
        `sha256` then has the two files' digests when the rows came from the child. The
        report's parked issues stay parked (`BuildReport.all_issues` reads them)."""
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
        csv_sha256 = child.result()
        head_text = io.StringIO()
        report.write_json_head(head_text)
        head, end = head_text.getvalue().encode("utf-8"), JSON_END.encode("utf-8")
        json_path.write_bytes(head)  # the bytes a text file would hold on POSIX, where we fork
        rows = run_dir / _ROWS_FILE
        # x1000: a GB of rows; the kernel's copy and the hashing both leave the interpreter
        # free, so they run at once, each reading the rows' file from the page cache
        with ThreadPoolExecutor(max_workers=1) as pool:
            copied = pool.submit(_append, json_path, rows)
            json_sha256 = sha256_file(rows, before=head, after=end)
            copied.result()
        with json_path.open("ab") as json_out:
            json_out.write(end)
        rows.unlink()
        self.sha256 = {JSON_FILE: json_sha256, CSV_FILE: csv_sha256}

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed)."""
        if self._child is not None:
            self._child.cancel()
            self._child = None


__all__ = ["CSV_FILE", "JSON_FILE", "ReportFiles"]
