"""parse_zh_awesome: heading table, title forms, full-width punctuation, 等人/和, truncation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.normalize.identifiers import section_slug
from dlkg.parse.zh_awesome import DROPPED_CODES, parse_zh_awesome, split_authors
from dlkg.parse.zh_sections import (
    AWESOME_HEADINGS,
    ZH_AWESOME_HEADINGS,
    heading_lookup_key,
)
from dlkg.records import Link, ParseResult


def parse_fixture(fixtures_dir: Path, name: str) -> ParseResult:
    return parse_zh_awesome((fixtures_dir / name).read_text(encoding="utf-8"), path=name)


def entry_codes(result: ParseResult) -> list[tuple[str, int]]:
    return [
        (i.code, i.where.line if i.where else 0)
        for i in result.issues
        if i.code != "zh-awesome.missing-sections"
    ]


def dropped(result: ParseResult) -> int:
    return sum(issue.code in DROPPED_CODES for issue in result.issues)


def test_heading_table_targets_english_keys() -> None:
    english_keys = {section_slug(h) for h in AWESOME_HEADINGS}
    assert set(ZH_AWESOME_HEADINGS.values()) == english_keys
    assert all(heading_lookup_key(k) == k for k in ZH_AWESOME_HEADINGS)


def test_bold_and_quoted_titles(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_bold_and_quoted_titles.md")
    bold, quoted, english, mixed = result.entries
    assert (bold.title, bold.title_lang, bold.year) == ("一篇加粗标题的论文", "zh-Hans", 2015)
    assert bold.section_key == "understanding-generalization-transfer"
    assert quoted.title == "一篇书名号标题的论文" and quoted.section_key == "new-papers"
    assert quoted.links == (
        Link("http://example.org/b.pdf", "pdf"),
        Link("http://example.org/b", "web"),
    )
    assert (english.title, english.original_title, english.title_lang) == (
        "Mask R-CNN",
        "Mask R-CNN",
        "en",
    )
    assert mixed.title == "学会学习（Learning to learn）" and mixed.original_title is None
    assert [e.position for e in result.entries] == [1, 2, 3, 4]
    assert [(s.key, s.title, s.lang, s.top100) for s in result.sections] == [
        ("understanding-generalization-transfer", "理解 / 泛化 / 迁移", "zh-Hans", True),
        ("new-papers", "新论文", "zh-Hans", False),
    ]
    assert entry_codes(result) == []


def test_authors_with_dengren_and_he(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_authors_dengren_he.md")
    got = [(e.authors_text, e.authors, e.authors_complete) for e in result.entries]
    assert got == [
        ("S. Loffe和C. Szegedy", ("S. Loffe", "C. Szegedy"), True),
        ("D. Bahdanau 等人", ("D. Bahdanau",), False),
        ("G. Hinton等人", ("G. Hinton",), False),
        ("G. Hinton 和 R. Salakhutdinov", ("G. Hinton", "R. Salakhutdinov"), True),
        ("Rajpurkar 等人", ("Rajpurkar",), False),
        ("Y. Boureau", ("Y. Boureau",), True),
    ]


def test_split_authors_edge_cases() -> None:
    assert split_authors("") == ((), True)
    assert split_authors("H. Wang 和 Bhiksha Raj") == (("H. Wang", "Bhiksha Raj"), True)
    assert split_authors("A. B、C. D 等人") == (("A. B", "C. D"), False)


def test_fullwidth_and_ascii_parentheses(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_fullwidth_and_ascii_parens.md")
    assert [(e.year, e.authors_text) for e in result.entries] == [
        (2012, "A. Mohamed 等人"),
        (2013, "A. Graves"),
        (2009, "Y. Bengio"),
    ]
    # a "(2009)" inside the URL is part of the link, not taken as the year
    assert result.entries[2].links[0].url.endswith("(2009).pdf")


def test_unknown_heading_is_reported_not_guessed(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_unknown_heading.md")
    assert [e.title for e in result.entries] == ["已知章节的论文"]
    assert [s.key for s in result.sections] == ["understanding-generalization-transfer"]
    assert entry_codes(result) == [
        ("zh-awesome.unknown-heading", 4),
        ("zh-awesome.entry-in-unknown-section", 5),
    ]
    assert result.candidate_lines == len(result.entries) + dropped(result) == 2


def test_entry_without_year_or_link_is_kept(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_no_year_no_link.md")
    theano, caffe = result.entries
    assert (theano.year, theano.links, theano.authors) == (None, (), ("R. Al-Rfou",))
    assert caffe.year == 2014
    assert entry_codes(result) == [
        ("zh-awesome.no-year", 2),
        ("zh-awesome.no-link", 2),
        ("zh-awesome.no-title", 4),
    ]
    assert result.candidate_lines == 3 == len(result.entries) + dropped(result)


def test_contents_and_criteria_bullets_are_not_entries(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_contents_bullets_not_entries.md")
    assert [(e.title, e.prov.line) for e in result.entries] == [("唯一的论文", 17)]
    assert result.candidate_lines == 1  # bullets under `#`/`##` headings are not counted
    assert entry_codes(result) == []


def test_truncated_last_entry_is_kept(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_truncated_last_entry.md")
    complete, cut = result.entries
    assert complete.authors == ("H. Wang", "B. Raj")
    assert (cut.title, cut.year, cut.authors, cut.links) == ("被截断的一条", 2017, ("C. Liu",), ())
    assert entry_codes(result) == [("zh-awesome.truncated-link", 3), ("zh-awesome.no-link", 3)]


def test_entry_over_two_lines(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_awesome_entry_over_two_lines.md")
    first, second = result.entries
    assert (first.prov.line, first.end_line, first.authors_text) == (2, 3, "C. Dong等人")
    assert first.links == (Link("http://example.org/long.pdf", "pdf"),)
    assert (second.prov.line, second.end_line) == (4, None)


_ZH_PIECES = st.sampled_from(
    [
        "### 新论文",
        "### 未知",
        "## 目录",
        "#### 2016",
        "- ",
        "* ",
        "---",
        "**",
        "《",
        "》",
        "（2015）",
        "(2016)",
        "，",
        "等人",
        "和",
        "[[pdf]](http://a.b/(1).pdf)",
        "[[web]](http://a",
        "http://x.y",
        "",
        "\r",
    ]
)
_ZH_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.lists(st.one_of(_ZH_PIECES, st.text(max_size=5)), max_size=6), max_size=25).map(
        lambda lines: "\n".join("".join(parts) for parts in lines)
    ),
)


@settings(max_examples=300, deadline=None)
@given(_ZH_TEXT)
def test_never_raises_and_accounts_for_every_candidate(text: str) -> None:
    result = parse_zh_awesome(text)
    assert len(result.entries) + dropped(result) == result.candidate_lines
    assert [e.position for e in result.entries] == list(range(1, len(result.entries) + 1))
    for entry in result.entries:
        assert entry.title and entry.section_key in ZH_AWESOME_HEADINGS.values()


# Pinned by counting `- ` bullets after each `### ` heading with awk (88 in all; the
# other 7 of the file's 95 `- ` lines are the criteria list under a `##` heading).
REAL_COUNTS = {
    "understanding-generalization-transfer": 4,
    "optimization-training-techniques": 3,
    "unsupervised-generative-models": 2,
    "convolutional-neural-network-models": 2,
    "image-segmentation-object-detection": 2,
    "image-video-etc": 2,
    "natural-language-processing-rnns": 2,
    "speech-other-domain": 6,
    "reinforcement-learning-robotics": 9,
    "more-papers-from-2016": 15,
    "new-papers": 16,
    "old-papers": 16,
    "hw-sw-dataset": 8,
    "book-survey-review": 1,
}


def test_real_zh_awesome(sources_dir: Path) -> None:
    text = (sources_dir / "zh-awesome-most-cited.md").read_text(encoding="utf-8")
    result = parse_zh_awesome(text)
    assert result.candidate_lines == 88 == len(result.entries)
    assert Counter(e.section_key for e in result.entries) == REAL_COUNTS
    # The translation stops before two sections; its Contents (lines 55-56) still name them.
    labelled_from_contents = {
        "video-lectures-tutorials-blogs": ("视频讲座 / 教程 / 博客", 55),
        "appendix-more-than-top-100": ("附录：超越前100篇", 56),
    }
    assert [s.key for s in result.sections] == [*REAL_COUNTS, *labelled_from_contents]
    for section in result.sections[-2:]:
        assert (section.title, section.prov.line) == labelled_from_contents[section.key]
    assert sum(s.top100 is True for s in result.sections) == 10
    lines = text.split("\n")
    forms = Counter(lines[e.prov.line - 1][:3] for e in result.entries)
    assert forms == {"- *": 47, "- 《": 41}  # **bold** titles in the top-100 part, then 《》
    assert [(i.code, i.where.line if i.where else 0) for i in result.issues] == [
        ("zh-awesome.no-year", 173),
        ("zh-awesome.no-link", 173),
        ("zh-awesome.missing-sections", 180),
    ]
    by_line = {e.prov.line: e for e in result.entries}
    assert by_line[68].authors == ("S. Loffe", "C. Szegedy")
    assert by_line[167].authors == ("S. Hochreiter", "J. Schmidhuber")
    assert by_line[141].original_title == "Mask R-CNN"
    assert by_line[114].links[1].kind == "web"
    last = result.entries[-1]  # the document stops right after this entry
    assert (last.prov.line, last.title, last.year) == (180, "深度学习的起源", 2017)
    assert last.authors == ("H. Wang", "Bhiksha Raj")
    assert all(e.links for e in result.entries if e.prov.line != 173)
