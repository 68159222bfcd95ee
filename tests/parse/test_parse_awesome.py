"""parse_awesome: one fixture per kind of mess, and the real list from the upstream mirror."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from dlkg.normalize.identifiers import section_slug
from dlkg.parse.awesome import parse_awesome
from dlkg.parse.markdown import entry_issues
from dlkg.records import Entry, Level, ParseResult
from helpers import AWESOME_SECTION_COUNTS as UPSTREAM_COUNTS


def parse_fixture(fixtures_dir: Path, name: str) -> ParseResult:
    return parse_awesome((fixtures_dir / name).read_text(encoding="utf-8"), path=name)


def codes(result: ParseResult) -> set[tuple[int, str]]:
    return {(i.where.line if i.where else 0, i.code) for i in result.issues}


def at_line(result: ParseResult, line: int) -> Entry:
    (entry,) = [e for e in result.entries if e.prov.line == line]
    return entry


def assert_accounted(result: ParseResult) -> None:
    assert len(result.entries) + len(entry_issues(result)) == result.candidate_lines
    assert [e.position for e in result.entries] == list(range(1, len(result.entries) + 1))
    assert all(i.level is Level.WARNING for i in result.issues)


def test_sections_contents_and_prose_bullets(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_contents_and_sections.md")
    assert [(s.key, s.top100) for s in result.sections] == [
        ("model-families", True),
        ("image-detection-parsing", True),
        ("old-papers", False),
        ("unlisted-section", None),
    ]
    assert result.sections[1].title == "Image: Detection / Parsing"
    # Criteria, Contents and Acknowledgement bullets sit under ## headings: not candidates.
    assert result.candidate_lines == 5
    assert_accounted(result)
    assert {e.section_key for e in result.entries} == {s.key for s in result.sections}
    old = at_line(result, 33)
    assert (old.title, old.year) == ("An old idea revisited", 1998)
    assert old.authors == ("Y. Elder", "Y. Middle", "G. Younger")
    assert old.authors_complete
    assert at_line(result, 21).authors == ("Q. Writer",)
    assert not at_line(result, 21).authors_complete
    assert codes(result) == {
        (35, "awesome.section-not-in-contents"),
        (16, "awesome.contents-without-section"),
    }
    assert [(k.name, k.url, k.section_key, k.prov.line) for k in result.key_researchers] == [
        ("Quinn Writer", "https://example.org/qw", "model-families", 24),
        ("Rae Second", "https://example.org/rs", "model-families", 24),
    ]


def test_entries_without_year(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_entry_without_year.md")
    assert_accounted(result)
    bold = at_line(result, 7)
    assert (bold.title, bold.year, bold.authors) == (
        "Segmenting with nets and random fields",
        None,
        ("L. Writer",),
    )
    no_link = at_line(result, 10)
    assert no_link.title == "A framework for fast array maths"
    assert (no_link.authors_text, no_link.links) == ("R. Coder et al.", ())
    period = at_line(result, 11)
    assert period.title == "A quick parser built with networks"
    assert period.authors == ("Chen", "Manning")
    assert at_line(result, 12).authors == ("G. Author", "R. Coauthor")
    assert codes(result) == {
        (7, "awesome.no-year"),
        (10, "awesome.no-year"),
        (10, "awesome.no-link"),
        (11, "awesome.no-year"),
        (11, "awesome.authors-after-period"),
        (12, "awesome.no-year"),
    }


def test_year_variants(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_year_variants.md")
    assert_accounted(result)
    book = at_line(result, 6)
    assert (book.year, book.authors_text, book.authors) == (
        2017,
        "Michael Writer.",
        ("Michael Writer",),
    )
    assert at_line(result, 7).title == "Translation models: A Tutorial"
    assert at_line(result, 7).authors == ("G. Teacher",)
    unclosed = at_line(result, 8)
    assert (unclosed.title, unclosed.year, unclosed.authors) == (
        "Super-resolving small images",
        2014,
        ("C. Doe",),
    )
    assert at_line(result, 9).authors == ("J. Finder", "Y. Helper")
    et_al = at_line(result, 10)
    assert (et_al.authors, et_al.authors_complete) == (("K. Writer",), False)
    assert at_line(result, 11).authors_text is None
    assert codes(result) == {
        (6, "awesome.year-annotated"),
        (7, "awesome.year-inside-title"),
        (8, "awesome.unclosed-paren"),
        (9, "awesome.no-comma-after-year"),
        (10, "awesome.no-link"),
        (10, "awesome.et-al-variant"),
        (11, "awesome.no-authors"),
    }


def test_link_oddities_are_parsed_and_reported(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_link_oddities.md")
    assert_accounted(result)
    urls = {e.prov.line: [(lk.kind, lk.url) for lk in e.links] for e in result.entries}
    assert urls[5] == [("pdf", "https://example.org/spaced.pdf")]
    assert urls[6] == [("pdf", "https://example.org/double.pdf")]
    assert urls[9] == [("pdf", "https://example.org/a%20(2009).pdf")]
    assert urls[10] == [("pdf", "https://example.org/pad.pdf")]
    assert urls[12] == [("pdf", "https://example.org/p.pdf"), ("web", "https://example.org/w")]
    assert urls[13] == []
    assert at_line(result, 8).authors_text == "M. Comma et al."
    assert codes(result) == {
        (5, "awesome.link-space"),
        (6, "awesome.stray-paren"),
        (7, "awesome.trailing-punctuation"),
        (8, "awesome.trailing-comma"),
        (10, "awesome.url-whitespace"),
        (11, "awesome.suspicious-url"),
        (13, "awesome.no-link"),
    }


def test_subheadings_become_child_sections(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_subsections.md")
    assert_accounted(result)
    children = {s.key: (s.parent_key, s.title, s.top100) for s in result.sections if s.parent_key}
    assert children == {
        "lectures-blogs/lectures": ("lectures-blogs", "Lectures", False),
        "lectures-blogs/blogs": ("lectures-blogs", "Blogs", False),
        "appendix-more-than-top-100/2016": ("appendix-more-than-top-100", "2016", False),
        "appendix-more-than-top-100/2014": ("appendix-more-than-top-100", "~2014", False),
    }
    lecture = at_line(result, 9)
    assert lecture.title == "CS101n, Networks for Seeing Things, Some University"
    assert (lecture.authors, lecture.authors_text, lecture.year) == ((), None, None)
    assert (lecture.section_key, lecture.subsection) == ("lectures-blogs/lectures", "Lectures")
    assert at_line(result, 10).title == "Summer School 2016, Long Beach"
    assert at_line(result, 13).links[0].kind == "web"  # written [[Web]]
    older = at_line(result, 20)
    assert (older.section_key, older.subsection) == ("appendix-more-than-top-100/2014", "~2014")
    assert codes(result) == {(n, "awesome.no-year-no-authors") for n in (9, 10, 13)}


def test_key_researcher_comments(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_key_researchers.md")
    assert_accounted(result)
    found = [(k.section_key, k.name, k.url, k.prov.line) for k in result.key_researchers]
    assert found == [
        ("section-a", "Alpha Person", "https://example.org/alpha", 9),
        ("section-a", "Beta Person", "https://example.org/beta?x=1&y=2", 9),
        ("section-a", "Gamma Person", "https://example.org/gamma", 11),
        ("section-b", "Delta Person", "https://example.org/delta", 14),
        ("section-b", "Epsilon Person", None, 15),
        ("section-b", "Zeta Person", "https://example.org/zeta-cut-off", 15),
    ]
    assert codes(result) == {
        (1, "awesome.key-researchers-outside-section"),
        (15, "awesome.key-researcher-without-link"),
        (15, "awesome.unclosed-link"),
    }


def test_unparsable_bullets_become_issues(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_unparsable_bullets.md")
    # "-", a link-only bullet, a fine entry and a "+" bullet; the rule and comment are not.
    assert result.candidate_lines == 4
    assert_accounted(result)
    assert [e.title for e in result.entries] == ["A fine paper", "Plus bullet"]
    assert [(i.where.line if i.where else 0) for i in entry_issues(result)] == [5, 6]
    assert all(i.where and i.where.path == "awesome_unparsable_bullets.md" for i in result.issues)


def test_entry_split_over_two_lines(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_entry_split_over_two_lines.md")
    assert_accounted(result)
    first, second = result.entries
    assert (first.prov.line, first.end_line) == (5, 6)
    assert first.links[0].url == "https://example.org/split.pdf"
    assert (second.prov.line, second.end_line) == (7, None)
    assert codes(result) == {(5, "awesome.multiline-entry")}


def test_odd_character_is_kept_and_reported(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "awesome_odd_characters.md")
    (entry,) = result.entries
    assert "\ufffc" in entry.title
    assert entry.authors == ("E.Writer",)
    assert codes(result) == {(6, "awesome.odd-character")}


# Every warning the pinned README produces, checked line by line against the file.
UPSTREAM_WARNINGS = {
    "awesome.no-comma-after-year": [89, 175],
    "awesome.trailing-comma": [108, 225, 266, 325],
    "awesome.no-year": [126, 247, 257, 258, 314, 356, 378],
    "awesome.trailing-punctuation": [139, 322, 333],
    "awesome.url-whitespace": [184],
    "awesome.stray-paren": [189],
    "awesome.no-link": [257, 311, 368],
    "awesome.year-inside-title": [267],
    "awesome.year-annotated": [268, 269],
    "awesome.no-year-no-authors": [279, 280, 281, 284, 285, 286, 287, 288, *range(291, 298)],
    "awesome.no-authors": [342],
    "awesome.odd-character": [347],
    "awesome.suspicious-url": [349],
    "awesome.link-space": [356],
    "awesome.unclosed-paren": [364],
    "awesome.et-al-variant": [368],
    "awesome.authors-after-period": [378],
}


@pytest.fixture(scope="module")
def upstream_awesome(upstream_dir: Path) -> ParseResult:
    text = (upstream_dir / "awesome-deep-learning-papers" / "README.md").read_text("utf-8")
    return parse_awesome(text)


@pytest.mark.upstream
def test_upstream_counts_per_section(upstream_awesome: ParseResult) -> None:
    assert dict(Counter(e.section_key for e in upstream_awesome.entries)) == UPSTREAM_COUNTS
    assert upstream_awesome.candidate_lines == sum(UPSTREAM_COUNTS.values()) == 238
    assert entry_issues(upstream_awesome) == []
    assert_accounted(upstream_awesome)
    top = [s.key for s in upstream_awesome.sections if s.top100]
    assert len(top) == 10
    assert sum(1 for e in upstream_awesome.entries if e.section_key in top) == 100
    assert "image-segmentation-object-detection" in top
    assert section_slug("Image: Segmentation / Object Detection") in top
    others = {s.key for s in upstream_awesome.sections if s.top100 is False}
    assert {"new-papers", "old-papers", "appendix-more-than-top-100/2016"} <= others
    assert all(s.top100 is not None for s in upstream_awesome.sections)


@pytest.mark.upstream
def test_upstream_warnings(upstream_awesome: ParseResult) -> None:
    found: dict[str, list[int]] = defaultdict(list)
    for issue in upstream_awesome.issues:
        found[issue.code].append(issue.where.line if issue.where else 0)
    assert dict(found) == UPSTREAM_WARNINGS


@pytest.mark.upstream
def test_upstream_entries(upstream_awesome: ParseResult) -> None:
    hinton = at_line(upstream_awesome, 72)
    assert (hinton.title, hinton.year) == ("Distilling the knowledge in a neural network", 2015)
    assert (hinton.authors_text, hinton.authors) == ("G. Hinton et al.", ("G. Hinton",))
    assert hinton.links[0].kind == "pdf"
    assert hinton.section_key == "understanding-generalization-transfer"
    assert at_line(upstream_awesome, 77).authors == ("M. Zeiler", "R. Fergus")
    assert at_line(upstream_awesome, 272).authors == ("Y. LeCun", "Y. Bengio", "G. Hinton")
    assert at_line(upstream_awesome, 254).authors_text == "Rajpurkar et al."
    crf = at_line(upstream_awesome, 126)
    assert crf.year is None and crf.authors == ("L. Chen",)
    assert crf.title.startswith("Semantic image segmentation")
    cs231n = at_line(upstream_awesome, 279)
    assert cs231n.title.startswith("CS231n, Convolutional Neural Networks")
    assert cs231n.title.endswith(", Stanford University")
    assert cs231n.subsection == "Lectures" and cs231n.authors == ()
    assert at_line(upstream_awesome, 268).year == 2017  # (Book, Jan 2017)
    dong = at_line(upstream_awesome, 364)  # "(2014, C. Dong et al."
    assert (dong.year, dong.authors, dong.subsection) == (2014, ("C. Dong",), "~2014")
    assert dong.section_key == "appendix-more-than-top-100/2014"
    assert at_line(upstream_awesome, 244).links[0].url.endswith("(2009).pdf")
    assert at_line(upstream_awesome, 306).links[0].kind == "web"


@pytest.mark.upstream
def test_upstream_key_researchers(upstream_awesome: ParseResult) -> None:
    researchers = upstream_awesome.key_researchers
    assert len(researchers) == 37
    assert all(k.url and k.url.startswith("https://scholar.google.") for k in researchers)
    assert len({k.prov.line for k in researchers}) == 10  # one per comment
    graves = [k for k in researchers if k.prov.line == 146]
    assert [(k.name, k.section_key) for k in graves] == [("Alex Graves", "image-video-etc")]
    assert researchers[-1].name == "David Silver"
