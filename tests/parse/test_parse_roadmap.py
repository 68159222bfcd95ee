"""parse_roadmap and the author-list splitter: fixtures per mess, and the real roadmap."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from dlkg.parse.markdown import entry_issues, find_year, split_authors
from dlkg.parse.roadmap import parse_roadmap
from dlkg.records import Entry, Level, ParseResult


def parse_fixture(fixtures_dir: Path, name: str) -> ParseResult:
    return parse_roadmap((fixtures_dir / name).read_text(encoding="utf-8"), path=name)


def codes(result: ParseResult) -> set[tuple[int, str]]:
    return {(i.where.line if i.where else 0, i.code) for i in result.issues}


def at_line(result: ParseResult, line: int) -> Entry:
    (entry,) = [e for e in result.entries if e.prov.line == line]
    return entry


def assert_accounted(result: ParseResult) -> None:
    assert len(result.entries) + len(entry_issues(result)) == result.candidate_lines
    assert [e.position for e in result.entries] == list(range(1, len(result.entries) + 1))
    assert all(i.level is Level.WARNING for i in result.issues)


@pytest.mark.parametrize(
    ("written", "names", "complete"),
    [
        (
            "Hinton, Geoffrey E., Simon Osindero, and Yee-Whye Teh.",
            ("Hinton, Geoffrey E.", "Simon Osindero", "Yee-Whye Teh"),
            True,
        ),
        (
            "Bengio, Yoshua, Ian J. Goodfellow, and Aaron Courville.",
            ("Bengio, Yoshua", "Ian J. Goodfellow", "Aaron Courville"),
            True,
        ),
        ("Szegedy, Christian, et al.", ("Szegedy, Christian",), False),
        (
            "W. Xiong, J. Droppo, X. Huang, G. Zweig",
            ("W. Xiong", "J. Droppo", "X. Huang", "G. Zweig"),
            True,
        ),
        (
            "Pinheiro, P.O., Collobert, R., Dollar, P.",
            ("Pinheiro, P.O.", "Collobert, R.", "Dollar, P."),
            True,
        ),
        (
            "Mordvintsev, Alexander; Olah, Christopher; Tyka, Mike",
            ("Mordvintsev, Alexander", "Olah, Christopher", "Tyka, Mike"),
            True,
        ),
        ("Glorat Xavier, Bengio Yoshua, et al.", ("Glorat Xavier", "Bengio Yoshua"), False),
        ("Farhadi,Ali,etal.", ("Farhadi, Ali",), False),
        ("Wu, Schuster, Chen, Le, et al.", ("Wu", "Schuster", "Chen", "Le"), False),
        ("Sennrich, et al.", ("Sennrich",), False),
        ("Le, Quoc V.", ("Le, Quoc V.",), True),
        ("Graves, Alex.", ("Graves, Alex",), True),
        (
            "Oord, Aaron van den, Nal Kalchbrenner, and K. Kav",
            ("Oord, Aaron van den", "Nal Kalchbrenner", "K. Kav"),
            True,
        ),
        ("Gatys, Leon and Ecker, et al.", ("Gatys, Leon", "Ecker"), False),
        (
            "Ulyanov, Dmitry and Lebedev, Vadim, et al.",
            ("Ulyanov, Dmitry", "Lebedev, Vadim"),
            False,
        ),
        (
            "Vincent Dumoulin, Jonathon Shlens and Manjunath Kudlur.",
            ("Vincent Dumoulin", "Jonathon Shlens", "Manjunath Kudlur"),
            True,
        ),
        (
            "L.-C. Chen, G. Papandreou, and A. L. Yuille.",
            ("L.-C. Chen", "G. Papandreou", "A. L. Yuille"),
            True,
        ),
        ("S. Mehri et al.,", ("S. Mehri",), False),
        ("Y. LeCun, Y. Bengio and G. Hinton", ("Y. LeCun", "Y. Bengio", "G. Hinton"), True),
        ("Rajpurkar et al.", ("Rajpurkar",), False),
        ("K. Cho et. al.", ("K. Cho",), False),
        (
            "Yijun Li, Ming-Yu Liu ,Xueting Li, Ming-Hsuan Yang,Jan Kautz (NVIDIA)",
            ("Yijun Li", "Ming-Yu Liu", "Xueting Li", "Ming-Hsuan Yang", "Jan Kautz"),
            True,
        ),
        ("", (), True),
    ],
)
def test_split_authors(written: str, names: tuple[str, ...], complete: bool) -> None:
    result = split_authors(written)
    assert (result.names, result.complete) == (names, complete)


def test_split_authors_reports_oddities() -> None:
    assert {c for c, _ in split_authors("Farhadi,Ali,etal.").oddities} == {
        "et-al-variant",
        "author-spacing",
    }
    assert {c for c, _ in split_authors("A. B, C. D (NVIDIA)").oddities} == {"author-parenthetical"}
    assert split_authors("Hinton, Geoffrey E., and Ruslan R. Salakhutdinov.").oddities == ()


@pytest.mark.parametrize(
    ("venue", "year"),
    [
        ("Nature 521.7553 (2015): 436-444.", 2015),
        ("Journal of Machine Learning Research 15.1 (2014): 1929-1958.", 2014),
        ("arXiv preprint arXiv:2004.10934 (2020).", 2020),
        ("Proceedings, PMLR 9:249-256,2010.", 2010),
        ("ICML. Vol. 14. 2014.", 2014),
        ("arXiv preprint arXiv:1409.1556", None),
        ("An MIT Press book.", None),
    ],
)
def test_find_year(venue: str, year: int | None) -> None:
    assert find_year(venue) == year


def test_sections(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "roadmap_sections.md")
    assert [(s.key, s.number, s.parent_key, s.title) for s in result.sections] == [
        ("1", "1", None, "History and Basics"),
        ("1.0", "1.0", "1", "Book"),
        ("1.3", "1.3", "1", "Evolution（broke out from here）"),
        ("2", "2", None, "Methods"),
        ("2.1", "2.1", "2", "Model"),
        ("4.2", "4.2", None, "Orphan Section"),
        ("2.1-2", "2.1", "2", "Model Again"),
    ]
    # Entries before the first section and after an unnumbered heading are issues.
    assert result.candidate_lines == 6
    assert_accounted(result)
    assert [e.section_key for e in result.entries] == ["1.0", "1.3", "2.1", "4.2"]
    assert codes(result) == {
        (3, "roadmap.unparsable-entry"),
        (17, "roadmap.heading-without-space"),
        (23, "roadmap.orphan-section"),
        (27, "roadmap.duplicate-section"),
        (31, "roadmap.unparsable-entry"),
    }
    book = at_line(result, 11)
    assert (book.number, book.title, book.year, book.stars) == (
        "1",
        "A book about learning",
        2015,
        3,
    )
    assert book.authors == ("Writer, Alice", "Bob Coauthor")
    assert (book.venue, book.links[0].kind) == ("A Press book. (2015)", "html")


def test_entries_spread_over_two_lines(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "roadmap_entry_split_over_two_lines.md")
    assert_accounted(result)
    split = at_line(result, 5)
    assert split.title == "A title broken over two lines"
    assert (split.end_line, split.year, split.stars, split.number) == (6, 2016, 4, "8")
    dream = at_line(result, 10)
    assert (dream.end_line, dream.stars, dream.note, dream.year) == (11, 4, "Dreams", 2015)
    assert dream.authors == ("Dreamer, Ann", "Painter, Bob", "Sketcher, Cy")
    assert dream.venue == "Some Blog"
    assert at_line(result, 13).end_line is None
    assert codes(result) == {
        (5, "roadmap.multiline-entry"),
        (10, "roadmap.multiline-entry"),
        (10, "roadmap.year-in-authors"),
    }


def test_title_quotes(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "roadmap_title_quotes.md")
    assert_accounted(result)
    titles = {e.prov.line: e.title for e in result.entries}
    assert titles == {
        5: "Plain quoted title",
        7: "Stray quote inside bold",
        9: "Mismatched quotes here",
        11: "Curly pair title",
        13: "No period after bold",
        15: "Bold without quotes",
        17: "Broken author list",
    }
    assert at_line(result, 11).authors == ("J. Long", "E. Short", "T. Mid")
    assert at_line(result, 11).venue == "in CVPR, 2015"
    far = at_line(result, 17)
    assert (far.authors, far.authors_complete, far.year) == (("Farwriter, Ali",), False, 2010)
    assert codes(result) == {
        (5, "roadmap.title-not-bold"),
        (7, "roadmap.stray-quote"),
        (9, "roadmap.period-in-bold-title"),
        (9, "roadmap.mismatched-quotes"),
        (15, "roadmap.title-not-quoted"),
        (17, "roadmap.et-al-variant"),
        (17, "roadmap.author-spacing"),
    }


def test_missing_parts(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "roadmap_missing_parts.md")
    assert_accounted(result)
    binary = at_line(result, 5)
    assert (binary.year, binary.venue, binary.note, binary.stars) == (
        None,
        None,
        "New Model,Fast",
        3,
    )
    assert at_line(result, 7).stars is None
    assert [e.number for e in result.entries if e.number == "34"] == ["34", "34"]
    assert at_line(result, 11).venue == "arXiv preprint arXiv:1612.00001 (2016)"  # tab collapsed
    assert at_line(result, 13).links[0].url == "https://example.org/atari.pdf"
    assert (
        at_line(result, 15).links[0].url
        == "https://example.org/a.pdf%20(https://example.org/a.pdf)"
    )
    assert at_line(result, 17).year == 2014
    assert at_line(result, 19).note == "One; Two"
    assert at_line(result, 21).links == ()
    assert codes(result) == {
        (5, "roadmap.no-year"),
        (5, "roadmap.no-venue"),
        (7, "roadmap.no-stars"),
        (9, "roadmap.title-not-bold"),
        (11, "roadmap.duplicate-number"),
        (13, "roadmap.stray-paren"),
        (15, "roadmap.suspicious-url"),
        (19, "roadmap.multiple-notes"),
        (21, "roadmap.no-link"),
    }


def test_unparsable_entries(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "roadmap_unparsable_entries.md")
    assert result.candidate_lines == 4  # the block quote and the rule are not candidates
    assert_accounted(result)
    assert [e.number for e in result.entries] == ["x", "2", "3"]
    assert codes(result) == {
        (5, "roadmap.unparsable-entry"),
        (7, "roadmap.bad-number"),
        (9, "roadmap.number-not-bold"),
    }


# Counted independently of the parser: lines starting with `**[` per numbered heading,
# e.g. awk '/^#+ ?[0-9]/{s=$0} /^\*\*\[/{c[s]++}' on the pinned README.
UPSTREAM_COUNTS = {
    "1.0": 1,
    "1.1": 1,
    "1.2": 2,
    "1.3": 4,
    "1.4": 6,
    "2.1": 8,
    "2.2": 6,
    "2.3": 8,
    "2.4": 5,
    "2.5": 6,
    "2.6": 8,
    "2.7": 6,
    "2.8": 5,
    "3.1": 9,
    "3.2": 11,
    "3.3": 7,
    "3.4": 10,
    "3.5": 6,
    "3.6": 9,
    "3.7": 10,
    "3.8": 5,
}

# Every warning the pinned README produces, checked line by line against the file.
UPSTREAM_WARNINGS = {
    "roadmap.heading-without-space": [63],
    "roadmap.no-year": [75],
    "roadmap.no-venue": [75, 180],
    "roadmap.title-not-bold": [79, 81, 112],
    "roadmap.duplicate-number": [114],
    "roadmap.suspicious-url": [126],
    "roadmap.stray-paren": [145],
    "roadmap.stray-quote": [197, 199],
    "roadmap.multiline-entry": [227, 314],
    "roadmap.period-in-bold-title": [232, 235, 341],
    "roadmap.mismatched-quotes": [235],
    "roadmap.et-al-variant": [255],
    "roadmap.author-spacing": [255, 333],
    "roadmap.no-stars": [261],
    "roadmap.year-in-authors": [314],
    "roadmap.author-parenthetical": [333],
}


@pytest.fixture(scope="module")
def upstream_roadmap(upstream_dir: Path) -> ParseResult:
    text = (upstream_dir / "deep-learning-papers-reading-roadmap" / "README.md").read_text("utf-8")
    return parse_roadmap(text)


@pytest.mark.upstream
def test_upstream_counts_per_section(upstream_roadmap: ParseResult) -> None:
    assert dict(Counter(e.section_key for e in upstream_roadmap.entries)) == UPSTREAM_COUNTS
    assert upstream_roadmap.candidate_lines == sum(UPSTREAM_COUNTS.values()) == 133
    assert entry_issues(upstream_roadmap) == []
    assert_accounted(upstream_roadmap)
    sections = {s.key: s for s in upstream_roadmap.sections}
    assert set(sections) == {"1", "2", "3", *UPSTREAM_COUNTS}
    assert sections["2.1"].parent_key == "2" and sections["2"].title == "Deep Learning Method"
    assert sections["1.3"].title == "ImageNet Evolution（Deep Learning broke out from here）"


@pytest.mark.upstream
def test_upstream_warnings(upstream_roadmap: ParseResult) -> None:
    found: dict[str, list[int]] = defaultdict(list)
    for issue in upstream_roadmap.issues:
        found[issue.code].append(issue.where.line if issue.where else 0)
    assert dict(found) == UPSTREAM_WARNINGS


@pytest.mark.upstream
def test_upstream_entries(upstream_roadmap: ParseResult) -> None:
    dbn = at_line(upstream_roadmap, 33)
    assert dbn.authors == ("Hinton, Geoffrey E.", "Simon Osindero", "Yee-Whye Teh")
    assert (dbn.number, dbn.year, dbn.stars, dbn.note) == ("2", 2006, 3, "Deep Learning Eve")
    dropout = at_line(upstream_roadmap, 67)
    assert (dropout.note, dropout.section_key, dropout.stars) == ("Dropout", "2.1", 3)
    assert not dropout.authors_complete
    rfcn = at_line(upstream_roadmap, 227)
    assert rfcn.title == "R-FCN: Object Detection via Region-based Fully Convolutional Networks"
    assert (rfcn.end_line, rfcn.number, rfcn.section_key) == (228, "8", "3.2")
    deep_dream = at_line(upstream_roadmap, 314)
    assert (deep_dream.end_line, deep_dream.stars, deep_dream.year) == (315, 4, 2015)
    seq = at_line(upstream_roadmap, 197)
    assert seq.title == "Sequence to sequence learning with neural networks"
    assert [e.prov.line for e in upstream_roadmap.entries if e.number == "34"] == [112, 114]
    assert at_line(upstream_roadmap, 341).authors == (
        "Pinheiro, P.O.",
        "Collobert, R.",
        "Dollar, P.",
    )
    assert at_line(upstream_roadmap, 230).authors == ("He, Gkioxari",)  # documented ambiguity
    assert at_line(upstream_roadmap, 95).authors == ("Glorat Xavier", "Bengio Yoshua")
    assert at_line(upstream_roadmap, 69).year == 2014  # not the page 1958
    numbers_3 = [e.number for e in upstream_roadmap.entries if e.section_key == "3.1"]
    assert numbers_3 == [str(n) for n in range(1, 10)]
