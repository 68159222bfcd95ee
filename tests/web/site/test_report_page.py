"""`/report`: the build's warnings by category and source, linked upstream, and the link report.

The build folder is written here: a small report.json (with hostile messages) and a link
report; the sources' upstream repositories and commits come from the meta graph of
tests/fixtures/pages_links.trig, as a build records them from data/sources.toml.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dlkg.catalogue import CATEGORIES, catalogue
from dlkg.web.http import Response
from dlkg.web.site.report import Upstream

from ..helpers import Call, load_store, make_call, site_over

COMMIT = "1a0a9dfb1ee27f74a1ab47ed1273694ec4778ae7"
REPO = "https://github.com/terryum/awesome-deep-learning-papers"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ISSUES = [
    # as report.json writes them since issue 9: category, line, action and the upstream line
    {"code": "awesome.no-year", "level": "warning", "category": "year", "message": "no year: A",
     "where": "awesome-readme:89", "source_id": "awesome-readme", "line": 89,
     "action": "kept without a year", "upstream": f"{REPO}/blob/{COMMIT}/README.md#L89"},
    # no upstream in the report: the page links it from the meta graph
    {"code": "awesome.no-year", "level": "warning", "category": "year", "message": XSS,
     "where": "awesome-readme:120", "source_id": "awesome-readme", "line": 120, "action": ""},
    {"code": "awesome.no-year", "level": "warning", "category": "year", "message": "no year: C",
     "where": "zh-awesome:7", "source_id": "zh-awesome", "line": 7, "upstream": None},
    # a hostile upstream value is never a link
    {"code": "bib.missing-field", "level": "warning", "category": "entry",
     "message": "entry x has no year", "where": "awesome-bib:12", "source_id": "awesome-bib",
     "line": 12, "upstream": "javascript:alert(1)"},
    # a report from before issue 9: no category, "file:line" only; grouped by its code
    {"code": "resolve.something-new", "level": "error", "message": "no catalogue entry",
     "where": None, "source_id": None},
]  # fmt: skip
LINK_REPORT = {
    "offline": True,
    "hits": {"accepted": 3, "rejected": 1},
    "mappings": 3,
    "not_accepted": [
        {"paper": "arxiv-1502.03167", "service": "openalex", "status": "rejected",
         "confidence": 0.2, "agreed": "year", "target": "https://openalex.org/W1",
         "hit_title": XSS, "hit_year": 2015, "note": "title differs", "request": "x"},
    ],
    "findings": [
        {"paper_key": "arxiv-1502.03167", "service": "crossref", "field": "year",
         "lists_say": "2015", "service_says": XSS, "source": "x"},
    ],
    "failures": [],
}  # fmt: skip


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "build"
    (folder / "dumps").mkdir(parents=True)
    report: dict[str, object] = {
        "ended": "2026-12-03T08:00:00+00:00",
        "sources": [{"id": "awesome-readme"}],
        "issues": ISSUES,
        "shacl_warnings": ["a SHACL warning"],
    }
    (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return folder


@pytest.fixture()
def call(build_dir: Path) -> Call:
    return make_call(site_over(load_store("pages_links.trig"), build_dir))


def report_page(call: Call, **headers: str) -> str:
    response: Response = call("/report", **headers)
    assert response.status == 200, response.body[:300]
    assert response.content_type.startswith("text/html")
    return response.body.decode("utf-8")


class _Scripts(HTMLParser):
    """Collects the elements and attributes a browser would act on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def test_warnings_are_grouped_by_category_with_counts_per_source(call: Call) -> None:
    text = report_page(call)
    groups = re.findall(r'<details class="report-group" id="group-([^"]+)">', text)
    assert groups == ["year", "entry", "resolve.something-new"]
    year = text[text.index('id="group-year"') : text.index('id="group-entry"')]
    assert CATEGORIES["year"] in year
    assert '<span class="tag">awesome-readme: 2</span>' in year
    assert '<span class="tag">zh-awesome: 1</span>' in year
    assert "kept without a year" in year  # the build's action
    assert catalogue()["awesome.no-year"].action in year  # else the catalogue's
    assert re.search(r'id="total-warnings">4<.*id="total-errors">1<', text, re.S)


def test_each_line_links_upstream_at_the_pinned_commit(call: Call) -> None:
    text = report_page(call)
    assert f'href="{REPO}/blob/{COMMIT}/README.md#L89"' in text
    assert f'href="{REPO}/blob/{COMMIT}/README.md#L120"' in text
    assert f'href="{REPO}/blob/{COMMIT}/top100papers.bib#L12"' in text
    # the shipped Chinese documents have no upstream: the line is named, not linked
    assert "zh-awesome:7" in text and "blob/" + COMMIT + "/zh-awesome" not in text
    assert 'href="javascript' not in text
    assert 'zh-awesome-most-cited.md <span class="note">(shipped with dlkg)</span>' in text


def test_sources_are_counted(call: Call) -> None:
    text = report_page(call)
    table = text[text.index('id="by-source"') : text.index('id="by-category"')]
    body = table[table.index("<tbody>") :]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
    assert cells == [
        "awesome-readme README.md 2 0",
        "awesome-bib top100papers.bib 1 0",
        "zh-awesome zh-awesome-most-cited.md (shipped with dlkg) 1 0",
        "(no source) 0 1",
    ]


def test_messages_and_link_report_values_are_escaped(call: Call, build_dir: Path) -> None:
    (build_dir / "dumps" / "link-report.json").write_text(json.dumps(LINK_REPORT), "utf-8")
    text = report_page(call)
    parser = _Scripts()
    parser.feed(text)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert parser.handlers == []
    assert text.count("&lt;script&gt;alert(") == 3  # the warning, the hit title, the finding


def test_the_link_report_lists_rejected_hits_and_findings(call: Call, build_dir: Path) -> None:
    assert "dlkg link</code> has not run" in report_page(call)
    (build_dir / "dumps" / "link-report.json").write_text(json.dumps(LINK_REPORT), "utf-8")
    text = report_page(call, x_forwarded_prefix="/dlkg")
    links = text[text.index('id="links"') :]
    assert "3 accepted mappings (from the cache, offline)" in links
    assert "accepted 3, rejected 1" in links
    assert '<a href="/dlkg/paper/arxiv-1502.03167">arxiv-1502.03167</a>' in links
    assert "title differs" in links and "https://openalex.org/W1" in links
    assert 'href="/dlkg/downloads/link-report.json"' in text


def test_without_a_report_the_page_says_so(call: Call, build_dir: Path) -> None:
    (build_dir / "report.json").write_text("{truncated", encoding="utf-8")
    assert "no readable <code>report.json</code>" in report_page(call)
    (build_dir / "report.json").unlink()
    assert "no readable <code>report.json</code>" in report_page(call)


def test_home_and_downloads_link_the_report(call: Call) -> None:
    for path in ("/", "/downloads"):
        body = call(path).body.decode("utf-8")
        assert 'href="/report"' in body, path
    assert call("/report/x").status == 404  # reserved: not a dataset IRI


def test_upstream_of_a_source_without_a_pinned_raw_url_is_none() -> None:
    raw = f"https://raw.githubusercontent.com/o/r/{COMMIT}/docs/README.md"
    pinned = Upstream("x", "README.md", raw)
    assert pinned.line_url(3) == f"https://github.com/o/r/blob/{COMMIT}/docs/README.md#L3"
    assert pinned.line_url(None) == f"https://github.com/o/r/blob/{COMMIT}/docs/README.md"
    assert Upstream("zh", "zh.md", "").line_url(3) is None
    assert Upstream("y", "a.md", "https://example.org/a.md").line_url(3) is None


def test_a_chinese_reader_gets_the_report_in_chinese(call: Call, build_dir: Path) -> None:
    (build_dir / "dumps" / "link-report.json").write_text(json.dumps(LINK_REPORT), "utf-8")
    text = report_page(call, accept_language="zh-CN,zh;q=0.9")
    assert '<html lang="zh-Hans"' in text and "<h1>数据质量报告</h1>" in text
    year = text[text.index('id="group-year"') : text.index('id="group-entry"')]
    # the category's name and description in Chinese, the catalogue's English nowhere
    assert "<strong>年份</strong>" in year and "缺失或相互矛盾的年份" in year
    assert CATEGORIES["year"] not in text
    assert "<td>警告</td>" in year and "（无来源）: 1" in text  # levels, issues without a source
    english_phrases = ("By source", "warnings and", "accepted mappings", "the lists say")
    for english in (*english_phrases, "(no source)"):
        assert english not in text, english
    assert "3 个已接受的映射（来自缓存，离线）。" in text
    # an uncategorised code (an older report) keeps its code and the catalogue's wording
    assert "<strong>resolve.something-new</strong>" in text


def test_a_chinese_reader_gets_each_codes_meaning_and_action_in_chinese(call: Call) -> None:
    no_year, missing = catalogue()["awesome.no-year"], catalogue()["bib.missing-field"]
    chinese = report_page(call, accept_language="zh")
    year = chinese[chinese.index('id="group-year"') : chinese.index('id="group-entry"')]
    assert year.count(no_year.meaning_zh) == 3 and year.count(no_year.action_zh) == 3
    assert no_year.meaning not in chinese and no_year.action not in chinese
    # the build's own line about the entry stays beside it, marked as English
    assert '<span class="note" lang="en">no year: A</span>' in year
    assert '<span class="note" lang="en">kept without a year</span>' in year
    assert missing.meaning_zh in chinese and missing.action_zh in chinese
    english = report_page(call, accept_language="en")
    assert no_year.meaning_zh not in english and missing.action_zh not in english
    assert "<td>kept without a year</td>" in english
