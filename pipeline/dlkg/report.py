"""The build report: every issue with file:line, merges, counts and timings → report.json."""

from __future__ import annotations

import csv
import io
import itertools
import json
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from .catalogue import category_of, handling_of
from .common import upstream_line_url
from .gcpause import collector_paused
from .model import Merge, NearMiss
from .records import Issue, Level
from .report_parked import ParkedFile, flat_row, flat_row_of, flat_values, issue_fields, issue_of
from .report_text import indented, write_list

JSON_END = "\n}"  # what closes report.json after its rows
CSV_FIELDS = (
    "source_id",
    "line",
    "where",
    "level",
    "category",
    "code",
    "message",
    "action",
    "upstream",
)


def issue_row(i: Issue, source_urls: dict[str, str] | None = None) -> dict[str, Any]:
    """One issue as report.json / report.csv write it: the source named by its id
    (`awesome-readme:89`), its category, and what the pipeline did about it."""
    return {
        "code": i.code,
        "level": i.level.value,
        "category": category_of(i.code),
        "message": i.message,
        "where": str(i.where) if i.where else None,
        "source_id": i.where.source_id if i.where else None,
        "line": i.where.line if i.where else None,
        "action": i.action or handling_of(i.code),
        # the line on GitHub at the pinned commit, for sources downloaded from GitHub
        "upstream": upstream_line_url((source_urls or {}).get(i.where.source_id), i.where.line)
        if i.where
        else None,
    }


def _issue_key(i: Issue) -> tuple[str, str, str | None]:
    return i.code, i.level.value, i.where.source_id if i.where else None


@dataclass
class StepTimer:
    """Wall time per pipeline step, in the order the steps ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


@dataclass
class SourceSummary:
    id: str
    file_name: str
    sha256: str
    origin: str
    candidate_lines: int
    dropped: int  # entry-looking lines that gave no record (each one a reported issue)
    entries: int
    bib_entries: int
    sections: int
    warnings: int


@dataclass
class BuildReport:
    base_iri: str
    started: str
    ended: str = ""
    sources: list[SourceSummary] = field(default_factory=list)
    # the issues in memory: all of them, but for those parked (`park`) and not yet read back
    held_issues: list[Issue] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # papers, persons, lists, items, ...
    graph_triples: dict[str, int] = field(default_factory=dict)
    shacl_warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    source_urls: dict[str, str] = field(default_factory=dict)  # source id -> pinned raw URL
    # resident memory of the processes a step ran in beside the build's own ("validate": its
    # "start" (shared with the build at the fork) and "peak" in kB); not part of report.json
    process_memory_kb: dict[str, dict[str, int]] = field(default_factory=dict)
    # issues, merges and near misses moved out of memory by `park` (a file of their rows)
    parked: ParkedFile | None = field(default=None, repr=False, compare=False)
    parked_counts: tuple[int, int] = (0, 0)
    # the parked issues counted by (code, level, source id): what the summaries need of them
    parked_issues: Counter[tuple[str, str, str | None]] = field(default_factory=Counter)

    def park(self, path: Path) -> None:
        """Move the issues, merges and near misses into a new file at `path`
        (report_parked.py). Nothing between emit and the report reads them but their counts;
        `all_issues` and `unpark` read them back."""
        if self.parked is not None:
            raise ValueError(f"already parked in {self.parked.path}")
        self.parked = ParkedFile.write(
            path,
            (
                ("i", map(issue_fields, self.held_issues)),
                ("m", map(flat_values, self.merges)),
                ("n", map(flat_values, self.near_misses)),
            ),
        )
        self.parked_counts = (len(self.merges), len(self.near_misses))
        self.parked_issues = Counter(_issue_key(i) for i in self.held_issues)
        self.held_issues, self.merges, self.near_misses = [], [], []

    def drop_parked(self) -> None:
        """Delete the parked file's name once report.json has its rows. Its rows stay
        readable through the open file (`all_issues`, `warnings`, `unpark`) until the report
        goes; where an open file cannot be deleted they are read back first. The counts stay."""
        if self.parked is not None and not self.parked.detach():
            self.unpark()

    def _parked_rows(self, kind: str) -> Iterator[Any]:
        """The parked rows of one kind."""
        if self.parked is not None:
            yield from self.parked.rows(kind)

    @property
    def issues(self) -> list[Issue]:
        """Every issue in the order found; parked ones are read back the first time (x1000:
        ~1.8 s for a million). The build itself adds with `add_issues` and reads counts, so
        it never reads them back; `all_issues` streams them without holding them."""
        self.unpark_issues()
        return self.held_issues

    @issues.setter
    def issues(self, value: list[Issue]) -> None:
        if self.parked_issues:
            raise ValueError("issues are parked: add to them with add_issues")
        self.held_issues = value

    def add_issues(self, found: Iterable[Issue]) -> None:
        """Issues found now: after the parked ones, which stay parked."""
        self.held_issues.extend(found)

    def all_issues(self) -> Iterator[Issue]:
        """Every issue in the order found: the parked ones (read back), then those in memory."""
        if self.parked_issues:  # else none were parked, or they were read back already
            yield from map(issue_of, self._parked_rows("i"))
        yield from self.held_issues

    def unpark_issues(self) -> None:
        """The parked issues back in memory, before those found after parking."""
        if self.parked_issues:
            # a million objects and no cycles (x1000): the collector would visit them all
            # several times over while they are made, doubling the time
            with collector_paused(collect=False):
                parked = map(issue_of, self._parked_rows("i"))
                self.held_issues = [*parked, *self.held_issues]
            self.parked_issues = Counter()

    def unpark(self) -> None:
        """Everything parked back in `issues`, `merges` and `near_misses`, first."""
        if self.parked is None:
            return
        self.unpark_issues()
        merges = [Merge(*values) for values in self._parked_rows("m")]
        near = [NearMiss(*values) for values in self._parked_rows("n")]
        self.merges, self.near_misses = merges + self.merges, near + self.near_misses
        self.parked_counts = (0, 0)
        self.parked.delete()
        self.parked = None

    def _issue_counts(self) -> Counter[tuple[str, str, str | None]]:
        """Issues by (code, level, source id), parked or not."""
        return self.parked_issues + Counter(_issue_key(i) for i in self.held_issues)

    def issue_count(self, level: Level) -> int:
        return sum(n for (_, lv, _), n in self._issue_counts().items() if lv == level.value)

    def first_issue(self, level: Level) -> Issue | None:
        """The first issue of `level` in the order found (parked or not), if any."""
        if not self.issue_count(level):
            return None
        return next(i for i in self.all_issues() if i.level is level)

    @property
    def warnings(self) -> list[Issue]:
        """Every warning, parked or not (parked ones are read back for each call)."""
        return [i for i in self.all_issues() if i.level is Level.WARNING]

    @property
    def errors(self) -> list[Issue]:
        """Every error, parked or not (parked ones are read back for each call)."""
        return [i for i in self.all_issues() if i.level is Level.ERROR]

    def category_counts(self) -> dict[str, dict[str, int]]:
        """Issues per category and source id (None: not tied to a source line)."""
        counts: dict[str, dict[str, int]] = {}
        for (code, _, source_id), n in self._issue_counts().items():
            per_source = counts.setdefault(category_of(code), {})
            source = "(none)" if source_id is None else source_id
            per_source[source] = per_source.get(source, 0) + n
        return {k: dict(sorted(v.items())) for k, v in sorted(counts.items())}

    def to_csv(self) -> str:
        """report.csv's text (`write_csv` writes the same without holding it)."""
        out = io.StringIO()
        self.write_csv(out)
        return out.getvalue()

    def write_csv(self, out: IO[str]) -> None:
        """report.csv: one row per issue, the columns of CSV_FIELDS, row by row."""
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for i in self.all_issues():
            writer.writerow(issue_row(i, self.source_urls))

    def to_json(self) -> str:
        """report.json's text (`write_json` writes the same bytes without holding them)."""
        out = io.StringIO()
        self.write_json(out)
        return out.getvalue()

    def write_reports(self, json_out: IO[str], csv_out: IO[str]) -> None:
        """report.json and report.csv in one pass over the issues, which are then all in
        `issues` (what `write_json`, `write_csv` and `unpark_issues` give, reading the parked
        issues once instead of three times: x1000, a million rows)."""
        every: list[Issue] = []
        self.write_json_head(json_out)
        self.write_rows(json_out, csv_out, every.append)
        json_out.write(JSON_END)
        self.held_issues, self.parked_issues = every, Counter()

    def write_rows(
        self, json_rows: IO[str], csv_out: IO[str], keep: Callable[[Issue], object] | None = None
    ) -> None:
        """report.csv, and the members of report.json after its head (the issues, SHACL
        warnings, merges and near misses, without the closing `JSON_END`), in one pass over the
        issues. None of these changes after validation, so a build writes them beside its
        export (`report_files`). `keep` is given each issue as it is read."""
        writer = csv.DictWriter(csv_out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()

        def rows() -> Iterator[dict[str, Any]]:
            for issue in self.all_issues():
                if keep is not None:
                    keep(issue)
                row = issue_row(issue, self.source_urls)
                writer.writerow(row)
                yield row

        self._write_json_rows(json_rows, rows())

    def write_json(self, out: IO[str]) -> None:
        """report.json, row by row: the same text as `json.dumps(…, indent=1)` of the whole
        report, without its rows (x1000: millions) as one object tree and one string."""
        self.write_json_head(out)
        self._write_json_rows(out, (issue_row(i, self.source_urls) for i in self.all_issues()))
        out.write(JSON_END)

    def write_json_head(self, out: IO[str]) -> None:
        """report.json from its start to its rows: what the build knows only at its end."""
        head = {
            "base_iri": self.base_iri,
            "started": self.started,
            "ended": self.ended,
            "sources": [asdict(s) for s in self.sources],
            "counts": self.counts,
            "graph_triples": self.graph_triples,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "issue_categories": self.category_counts(),
        }
        out.write("{")
        for n, (key, value) in enumerate(head.items()):
            out.write(("\n " if n == 0 else ",\n ") + json.dumps(key, ensure_ascii=False) + ": ")
            out.write(indented(value, 1))

    def _write_json_rows(self, out: IO[str], issue_rows: Iterator[dict[str, Any]]) -> None:
        rows: dict[str, Iterator[object]] = {
            "issues": issue_rows,
            "shacl_warnings": iter(self.shacl_warnings),
            "merges": itertools.chain(
                map(partial(flat_row_of, Merge), self._parked_rows("m")),
                map(flat_row, self.merges),
            ),
            "near_misses": itertools.chain(
                map(partial(flat_row_of, NearMiss), self._parked_rows("n")),
                map(flat_row, self.near_misses),
            ),
        }
        for key, value in rows.items():  # after the head, which is never empty
            out.write(",\n " + json.dumps(key, ensure_ascii=False) + ": ")
            write_list(out, value)

    @property
    def merge_count(self) -> int:
        return len(self.merges) + self.parked_counts[0]

    @property
    def near_miss_count(self) -> int:
        return len(self.near_misses) + self.parked_counts[1]

    def summary_lines(self) -> list[str]:
        """A short human summary for the terminal."""
        lines = ["source            entry-like lines  records  dropped  warnings  origin"]
        for s in self.sources:
            n = s.entries + s.bib_entries
            lines.append(
                f"{s.id:<17} {s.candidate_lines:>16}  {n:>7}  {s.dropped:>7}  {s.warnings:>8}"
                f"  {s.origin}"
            )
        lines.append("counts: " + ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())))
        per_category = {k: sum(v.values()) for k, v in self.category_counts().items()}
        lines.append(
            "issues by category: " + ", ".join(f"{k} {v}" for k, v in per_category.items())
        )
        lines.append("timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in self.timings.items()))
        lines.append(
            f"{self.issue_count(Level.WARNING)} warnings, {self.issue_count(Level.ERROR)} errors, "
            f"{self.merge_count} merges, {self.near_miss_count} near misses, "
            f"{len(self.shacl_warnings)} SHACL warnings"
        )
        return lines

    def warning_summary_lines(self) -> list[str]:
        """The warnings counted by code, one line per category (the code's prefix), so that a
        build prints a few lines instead of one per warning (`dlkg build -v` lists them all).

        >>> from .records import Issue, Level
        >>> r = BuildReport("b", "s")
        >>> r.issues = [Issue(c, Level.WARNING, "m") for c in ("bib.x", "bib.y", "bib.x")]
        >>> r.warning_summary_lines()
        ['  bib          3: x 2, y 1']
        """
        by_code: Counter[str] = Counter()
        for (code, level, _), n in self._issue_counts().items():
            if level == Level.WARNING.value:
                by_code[code] += n
        categories: dict[str, list[tuple[str, int]]] = {}
        for code, n in sorted(by_code.items(), key=lambda item: (-item[1], item[0])):
            prefix, _, name = code.partition(".")
            categories.setdefault(prefix, []).append((name or code, n))
        lines = []
        for prefix, codes in sorted(categories.items(), key=lambda item: item[0]):
            total = sum(n for _, n in codes)
            shown = ", ".join(f"{name} {n}" for name, n in codes)
            head = f"  {prefix:<10} {total:>3}: "
            lines += textwrap.wrap(
                shown, 100, initial_indent=head, subsequent_indent=" " * len(head)
            )
        return lines
