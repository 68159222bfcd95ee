"""report.json written row by row, with the merges and near misses parked in a file (issue 13).

`BuildReport.write_json` must give the same text as one `json.dumps(indent=1)` of the whole
report always did, whatever is parked, empty or written in Chinese.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.model import Merge, NearMiss
from dlkg.records import Issue, Level, Provenance
from dlkg.report import BuildReport, issue_row
from dlkg.report_text import indented, row_text


def _report() -> BuildReport:
    report = BuildReport(base_iri="https://w3id.org/dlkg/", started="2026-12-04T00:00:00+00:00")
    report.issues = [
        Issue(
            "bib.missing-year",
            Level.WARNING,
            "no year",
            Provenance("awesome-bib", "awesome.bib", 12),
        ),
        Issue(
            "zh.title",
            Level.WARNING,
            '《深度学习》 "quoted"\nnewline',
            Provenance("zh-blog", "blog.md", 3),
        ),
        Issue("build.x", Level.ERROR, "no source"),
    ]
    report.merges = [
        Merge("person", "hinton", "roadmap-readme README.md:57 'Hinton, G.'", "same-full-name"),
        Merge("paper", "p1", "zh-awesome:4 《网络》", "title-fuzzy", 0.93, "标题 ≈"),
    ]
    report.near_misses = [NearMiss("paper", "a", "b", 77.5, "different years")]
    report.counts = {"papers": 2}
    report.timings = {"parse": 0.1234}
    report.shacl_warnings = ["w1", "w2"]
    return report


def _dumped(
    report: BuildReport,
    merges: list[Merge],
    near: list[NearMiss],
    issues: list[Issue] | None = None,
) -> str:
    """What report.json was before it was written row by row: one json.dumps."""
    issues = report.issues if issues is None else issues
    data = {
        "base_iri": report.base_iri,
        "started": report.started,
        "ended": report.ended,
        "sources": [],
        "counts": report.counts,
        "graph_triples": report.graph_triples,
        "timings_s": {k: round(v, 3) for k, v in report.timings.items()},
        "issue_categories": BuildReport("", "", held_issues=issues).category_counts(),
        "issues": [issue_row(i, report.source_urls) for i in issues],
        "shacl_warnings": report.shacl_warnings,
        "merges": [asdict(m) for m in merges],
        "near_misses": [asdict(n) for n in near],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def test_rows_written_one_by_one_are_the_text_of_one_dump() -> None:
    report = _report()
    assert report.to_json() == _dumped(report, report.merges, report.near_misses)
    empty = BuildReport(base_iri="b", started="s")
    assert empty.to_json() == _dumped(empty, [], [])


def test_parked_merges_are_written_from_their_file_and_come_back(tmp_path: Path) -> None:
    report = _report()
    merges, near, issues = list(report.merges), list(report.near_misses), list(report.issues)
    expected = _dumped(report, merges, near)
    report.park(tmp_path / "parked.jsonl")
    assert (report.merges, report.near_misses, report.held_issues) == ([], [], [])
    assert (report.merge_count, report.near_miss_count) == (2, 1)
    assert "2 warnings, 1 errors, 2 merges, 1 near misses" in report.summary_lines()[-1]
    assert report.to_json() == expected
    # one added after parking is written after the parked ones
    late = Merge("person", "lecun", "roadmap-readme:9 'LeCun, Y.'", "unique-family")
    report.merges.append(late)
    assert report.to_json() == _dumped(report, [*merges, late], near, issues)
    assert report.merge_count == 3
    report.unpark()
    assert report.merges == [*merges, late] and report.near_misses == near
    assert report.issues == issues
    assert report.parked is None and not (tmp_path / "parked.jsonl").exists()
    assert report.to_json() == _dumped(report, [*merges, late], near)


def test_dropping_the_parked_file_keeps_the_counts(tmp_path: Path) -> None:
    report = _report()
    report.park(tmp_path / "parked.jsonl")
    report.drop_parked()
    assert not (tmp_path / "parked.jsonl").exists()
    assert (report.merge_count, report.near_miss_count) == (2, 1)


def test_a_dropped_parked_file_is_read_through_its_open_descriptor(tmp_path: Path) -> None:
    # the build deletes the file's name once report.json is written; its caller reads the
    # issues only if it asks (`dlkg build -v`), and nothing is left open once it is gone
    import gc

    report = _report()
    issues, merges = list(report.issues), list(report.merges)
    before = (report.to_json(), report.to_csv())
    report.park(tmp_path / "parked.jsonl")
    report.drop_parked()
    assert list(tmp_path.iterdir()) == []
    assert report.parked is not None and report.parked.path is None
    assert list(report.all_issues()) == issues
    assert report.warnings == [i for i in issues if i.level is Level.WARNING]
    # two readers of one descriptor at once: each reads by position, from its own start
    first, second = report.all_issues(), report.all_issues()
    assert [next(first), next(second), next(first)] == [issues[0], issues[0], issues[1]]
    assert (report.to_json(), report.to_csv()) == before
    fd = report.parked._fd
    assert fd is not None and str(Path(f"/proc/self/fd/{fd}").readlink()).endswith("(deleted)")
    report.unpark()  # objects again; the descriptor closed, nothing read twice
    assert report.parked is None and report.merges == merges and report.issues == issues
    assert not Path(f"/proc/self/fd/{fd}").exists()
    assert (report.to_json(), report.to_csv()) == before

    report = _report()
    report.park(tmp_path / "parked.jsonl")
    report.drop_parked()
    fd = report.parked._fd
    del report, first, second
    gc.collect()
    assert not Path(f"/proc/self/fd/{fd}").exists()  # closed with the report


def test_where_an_open_file_cannot_be_deleted_the_rows_are_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.unlink
    refused: list[Path] = []

    def unlink_once(path: Path, missing_ok: bool = False) -> None:
        if not refused:  # as Windows refuses to delete a file that is open
            refused.append(path)
            raise PermissionError(13, "The process cannot access the file", str(path))
        real(path, missing_ok=missing_ok)

    report = _report()
    issues, merges = list(report.issues), list(report.merges)
    report.park(tmp_path / "parked.jsonl")
    monkeypatch.setattr(Path, "unlink", unlink_once)
    report.drop_parked()
    assert refused == [tmp_path / "parked.jsonl"]
    assert report.parked is None and list(tmp_path.iterdir()) == []
    assert report.issues == issues and report.merges == merges


def test_parked_issues_give_the_same_report_counts_and_issues(tmp_path: Path) -> None:
    report = _report()
    issues = list(report.issues)
    before = (
        report.to_json(),
        report.to_csv(),
        report.summary_lines(),
        report.warning_summary_lines(),
        report.category_counts(),
    )
    report.park(tmp_path / "parked.jsonl")
    assert report.held_issues == []  # `warnings`, `all_issues` and `issues` read them back
    assert report.warnings == [i for i in issues if i.level is Level.WARNING]
    after = (
        report.to_json(),
        report.to_csv(),
        report.summary_lines(),
        report.warning_summary_lines(),
        report.category_counts(),
    )
    assert after == before
    assert (report.issue_count(Level.WARNING), report.issue_count(Level.ERROR)) == (2, 1)
    assert report.first_issue(Level.ERROR) == issues[2]
    assert report.first_issue(Level.WARNING) == issues[0]
    # an issue found after parking (emit's identifier checks) comes after the parked ones
    late = Issue("identifier.x", Level.WARNING, "late", Provenance("curation", "keys.tsv", 2))
    report.add_issues([late])
    assert report.issue_count(Level.WARNING) == 3
    assert list(report.all_issues()) == [*issues, late]
    assert report.to_csv().count("\r\n") == 5  # the header and four rows
    report.unpark_issues()
    assert report.issues == [*issues, late]  # the same Issues: code, level, where, action
    assert str(report.issues[-1].where) == "keys.tsv:2"
    assert report.issue_count(Level.WARNING) == 3
    report.drop_parked()
    assert report.issues == [*issues, late]


def test_a_report_is_parked_once(tmp_path: Path) -> None:
    report = _report()
    report.park(tmp_path / "a.jsonl")
    with pytest.raises(ValueError, match="already parked"):
        report.park(tmp_path / "b.jsonl")


def test_both_reports_in_one_pass_are_the_two_written_apart(tmp_path: Path) -> None:
    report = _report()
    issues = list(report.issues)
    expected = (report.to_json(), report.to_csv())
    report.park(tmp_path / "parked.jsonl")
    late = Issue("identifier.x", Level.WARNING, "late", Provenance("curation", "keys.tsv", 2))
    report.add_issues([late])
    apart = (report.to_json(), report.to_csv())
    json_out, csv_out = io.StringIO(), io.StringIO()
    report.write_reports(json_out, csv_out)
    assert (json_out.getvalue(), csv_out.getvalue()) == apart
    assert report.issues == [*issues, late] and not report.parked_issues
    # and with nothing parked, what the report wrote before parking existed
    fresh = _report()
    json_out, csv_out = io.StringIO(), io.StringIO()
    fresh.write_reports(json_out, csv_out)
    assert (json_out.getvalue(), csv_out.getvalue()) == expected
    assert fresh.issues == issues


_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)
)


@settings(max_examples=1500, deadline=None)
@given(
    row=st.one_of(
        st.dictionaries(st.text(max_size=8), _SCALAR, max_size=9),
        st.dictionaries(st.text(max_size=3), st.lists(_SCALAR, max_size=2), max_size=2),
        st.text(max_size=10),
    )
)
def test_a_row_is_laid_out_as_json_dumps_with_indent_lays_it_out(row: object) -> None:
    # report.json's flat rows are encoded by the C encoder in one call, not by indent's encoder
    assert row_text(row) == indented(row, 2)


@pytest.mark.parametrize("fork", [True, False])
def test_report_files_written_beside_the_export_are_those_of_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    # the build forks a child for the rows before export and writes the head after it
    import dlkg.report_files as report_files

    monkeypatch.setattr(report_files, "can_fork", lambda: fork)
    late = Issue("identifier.x", Level.WARNING, "late", Provenance("curation", "keys.tsv", 2))
    end = {"counts": {"papers": 7}, "timings": {"export": 1.5}, "ended": "2026-12-05"}
    expected_report = _report()
    expected_report.park(tmp_path / "expected.jsonl")
    expected_report.add_issues([late])
    for name, value in end.items():
        setattr(expected_report, name, value)
    json_out, csv_out = io.StringIO(), io.StringIO()
    expected_report.write_reports(json_out, csv_out)

    report = _report()
    issues = list(report.issues)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    report.park(run_dir / "parked.jsonl")
    report.add_issues([late])
    files = report_files.ReportFiles(report, run_dir)
    # what only the end of a build knows, in the head: set after the rows were started
    for name, value in end.items():
        setattr(report, name, value)
    files.finish()
    written = (run_dir / "report.json").read_bytes().decode("utf-8")
    assert written == json_out.getvalue() and '"papers": 7' in written
    assert json.loads(written)["issues"][-1]["message"] == "late"
    with (run_dir / "report.csv").open(encoding="utf-8", newline="") as csv_in:
        assert csv_in.read() == csv_out.getvalue()
    # forked, the issues stay parked (read when asked); in-process, they were read once
    assert list(report.all_issues()) == [*issues, late]
    assert report.held_issues == ([late] if fork else [*issues, late])
    assert report.issues == [*issues, late] and report.held_issues == [*issues, late]
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "parked.jsonl",
        "report.csv",
        "report.json",
    ]
    # the digests made beside the copy (report.json) and in the child (report.csv) are those
    # of the files as written
    sums = {
        name: hashlib.sha256((run_dir / name).read_bytes()).hexdigest()
        for name in ("report.json", "report.csv")
    }
    assert files.sha256 == (sums if fork else {})


def test_report_files_child_stopped_when_the_build_fails(tmp_path: Path) -> None:
    from dlkg.report_files import ReportFiles

    report = _report()
    report.park(tmp_path / "parked.jsonl")
    files = ReportFiles(report, tmp_path)
    files.cancel()
    files.cancel()  # twice is harmless (the build's handler may come after a finish)
    assert not list(tmp_path.glob(".forked-*"))


def test_appending_the_rows_falls_back_to_a_copy_midway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the kernel's copy may be refused after it copied part (another file system): the
    # target is cut back to its head and the whole part copied through this process
    import os

    from dlkg import report_files

    real = os.copy_file_range
    calls: list[int] = []

    def refuse_second(src: int, dst: int, count: int, *args: int) -> int:
        calls.append(count)
        if len(calls) > 1:
            raise OSError(18, "Invalid cross-device link")
        return real(src, dst, min(count, 7))

    monkeypatch.setattr(os, "copy_file_range", refuse_second)
    target, part = tmp_path / "report.json", tmp_path / "rows"
    target.write_bytes(b'{"head": 1')
    part.write_bytes(',\n "rows": ["\u6df1\u5ea6"]'.encode() * 5)
    report_files._append(target, part)
    assert len(calls) == 2
    assert target.read_bytes() == b'{"head": 1' + part.read_bytes()


@pytest.mark.parametrize("read_bytes", [1, 7, 64, 1 << 20])
def test_detached_rows_read_in_any_chunk_size_are_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_bytes: int
) -> None:
    # one row per frame, read a few bytes at a time: frames and their lengths cut anywhere
    from dlkg import report_parked

    monkeypatch.setattr(report_parked, "PARKED_BLOCK", 1)
    monkeypatch.setattr(report_parked, "_READ_BYTES", read_bytes)
    report = _report()
    issues, merges, near = list(report.issues), list(report.merges), list(report.near_misses)
    before = report.to_json()
    report.park(tmp_path / "parked.jsonl")
    parked = tmp_path / "parked.jsonl"
    assert len(list(report_parked._frames_of(parked, 0, parked.stat().st_size))) == 3 + 2 + 1
    report.drop_parked()
    assert list(report.all_issues()) == issues
    assert report.to_json() == before
    report.unpark()
    assert (report.issues, report.merges, report.near_misses) == (issues, merges, near)


def test_a_truncated_parked_file_is_an_error_not_fewer_rows(tmp_path: Path) -> None:
    """The parked rows are frames of a known length: a file cut short (a full disk, say)
    fails where it ends instead of giving back fewer issues."""
    report = _report()
    report.park(tmp_path / "parked.jsonl")
    parked = tmp_path / "parked.jsonl"
    parked.write_bytes(parked.read_bytes()[:-3])
    with pytest.raises(ValueError, match="inside a frame"):
        report.unpark()
