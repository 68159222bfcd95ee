"""The real five inputs: a build reports exactly the defects established by reading them
(tests/checks/real_findings.tsv), each with its category, source line and what dlkg did."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from dlkg.catalogue import category_of
from dlkg.web.site.downloads import list_dumps

FINDINGS = Path(__file__).with_name("real_findings.tsv")
# Per category, the check.* and cross.* findings on the real sources (pinned).
PINNED = {
    "url": 79,
    "title": 31,
    "translation": 24,
    "authors": 11,  # the Le et al. of awesome-readme:100 is right: the paper has eight
    "year": 11,
    "structure": 8,
    "formatting": 4,
}


def expected() -> list[tuple[str, str, str]]:
    rows = []
    for line in FINDINGS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            where, category, code, _what = line.split("\t")
            rows.append((where, category, code))
    return rows


def test_the_pinned_findings_list_matches_its_category_counts() -> None:
    rows = expected()
    assert Counter(category for _, category, _ in rows) == PINNED
    assert all(category_of(code) == category for _, category, code in rows)


def test_a_real_build_reports_every_established_defect_and_no_other(built: Any) -> None:
    _settings, report = built
    got = sorted(
        (str(i.where), category_of(i.code), i.code)
        for i in report.issues
        if i.code.partition(".")[0] in ("check", "cross")
    )
    assert got == sorted(expected())


def test_the_named_defects_reach_no_entity_but_stay_on_their_records(built: Any) -> None:
    settings, _report = built
    nq = (settings.current_dir / "dumps" / "dlkg.nq").read_text(encoding="utf-8")
    paper_urls = [
        q for q in nq.splitlines() if "/paper/" in q.split(" ")[0] and "schema.org/url" in q
    ]
    junk = ("&embed", "utm_source", "cv-foundation.org//openaccess", "128.84.21.199")
    assert paper_urls and not [q for q in paper_urls if any(j in q for j in junk)]
    assert "1112.6209.pdf&embed" in nq and "utm_source=sciontist.com" in nq  # the records


def test_report_json_and_csv_give_category_action_and_upstream_line(built: Any) -> None:
    settings, report = built
    data = json.loads((settings.current_dir / "report.json").read_text(encoding="utf-8"))
    row = next(r for r in data["issues"] if r["code"] == "check.odd-port")
    assert row["where"] == "awesome-readme:187" and row["category"] == "url"
    assert row["action"] == "kept as written; the record keeps the URL as written"
    assert row["upstream"].startswith(
        "https://github.com/terryum/awesome-deep-learning-papers/blob/"
    )
    assert row["upstream"].endswith("/README.md#L187")
    assert data["issue_categories"]["url"]["awesome-readme"] >= 30
    dumps = settings.current_dir / "dumps"
    rows = list(csv.DictReader(io.StringIO((dumps / "report.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(report.issues)
    assert {"source_id", "line", "category", "code", "action", "upstream"} <= set(rows[0])
    offered = {f.name: f for f in list_dumps(dumps)}
    assert offered["report.csv"].media_type.startswith("text/csv")
    assert offered["report.json"].media_type == "application/json"


def test_explain_names_sources_by_id_and_shows_each_record_s_warnings(
    upstream_dir: Path, built: Any
) -> None:
    from click.testing import CliRunner

    from dlkg.cli import main

    settings, _ = built
    args = ["--build-dir", str(settings.build_dir), "--mirror", str(upstream_dir), "--offline"]
    result = CliRunner().invoke(main, [*args, "explain", "paper/arxiv-1607.06450"])
    assert result.exit_code == 0, result.output
    assert "roadmap-readme:73" in result.output and "README.md:73" not in result.output
    assert "[check.tracking-parameters]" in result.output


def _dlkg_export(settings: Any, out: Path) -> None:
    """`dlkg export --out OUT` of the build in `settings`, which must succeed."""
    from click.testing import CliRunner

    from dlkg.cli import main

    args = ["--build-dir", str(settings.build_dir), "export", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def test_dlkg_export_writes_the_dumps_the_build_wrote(built: Any, tmp_path: Path) -> None:
    # the build exports its emitted file, `dlkg export` the store's quads: the same bytes,
    # the TriG in the same sorted order and the build graph in the store's writing included
    settings, _ = built
    out = tmp_path / "dumps"
    _dlkg_export(settings, out)
    built_dumps = settings.current_dir / "dumps"
    for name in ("dlkg.nt", "dlkg.ttl", "dlkg.trig", "dlkg.nq", "dlkg.jsonld", "context.jsonld"):
        assert (out / name).read_bytes() == (built_dumps / name).read_bytes(), name
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no work file left


def test_dlkg_export_offers_the_report_with_the_dumps(built: Any, tmp_path: Path) -> None:
    settings, _ = built
    out = tmp_path / "dumps"
    _dlkg_export(settings, out)
    sums = (out / "SHA256SUMS").read_text(encoding="ascii")
    assert "  report.csv\n" in sums and "  report.json\n" in sums
    assert (out / "report.csv").read_bytes() == (settings.current_dir / "report.csv").read_bytes()
