"""Hit checking: title, year and authors must all agree (pipeline/dlkg/link/match.py)."""

from __future__ import annotations

from dlkg.link.http import Answer
from dlkg.link.match import judge, person_matches
from dlkg.link.model import Author, Hit, PaperQuery

PAPER = PaperQuery(
    "arxiv-1512.03385",
    "Deep residual learning for image recognition",
    2016,
    "1512.03385",
    None,
    ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"),
    ("he-k", "zhang-x", "ren-s", "sun-j"),
)
ANSWER = Answer("openalex", "http://127.0.0.1/x", 200, b"{}", False, "2026-12-01T00:00:00+00:00")


def _hit(title: str | None, year: int | None, names: list[str]) -> Hit:
    return Hit(
        "openalex",
        PAPER.key,
        "https://openalex.org/W1",
        "arXiv DOI",
        ANSWER,
        title,
        year,
        [Author(n) for n in names],
    )


AUTHORS = ["Kaiming He", "X. Zhang", "Shaoqing Ren", "Jian Sun"]


def test_all_three_agree() -> None:
    verdict = judge(PAPER, _hit("Deep Residual Learning for Image Recognition", 2015, AUTHORS))
    assert verdict.status == "accepted"
    assert verdict.agreed == ("title", "year", "authors")
    assert verdict.confidence > 0.95


def test_another_title_is_rejected_whatever_else_agrees() -> None:
    verdict = judge(PAPER, _hit("Identity Mappings in Deep Residual Networks", 2016, AUTHORS))
    assert verdict.status == "rejected"
    assert "title" not in verdict.agreed


def test_a_year_too_far_off_is_ambiguous() -> None:
    verdict = judge(PAPER, _hit("Deep residual learning for image recognition", 2019, AUTHORS))
    assert verdict.status == "ambiguous"
    assert verdict.agreed == ("title", "authors")


def test_other_authors_are_ambiguous() -> None:
    verdict = judge(
        PAPER,
        _hit("Deep residual learning for image recognition", 2016, ["Jian Sun", "Kaiming He"]),
    )
    assert verdict.status == "ambiguous"  # the first authors differ
    assert verdict.authors_score == 0.0


def test_unknown_facts_are_not_agreement() -> None:
    assert (
        judge(PAPER, _hit("Deep residual learning for image recognition", None, AUTHORS)).status
        == "ambiguous"
    )
    assert (
        judge(PAPER, _hit("Deep residual learning for image recognition", 2016, [])).status
        == "ambiguous"
    )
    assert judge(PAPER, _hit(None, 2016, AUTHORS)).status == "rejected"


def test_a_subtitle_still_agrees() -> None:
    paper = PaperQuery("p", "Layer normalization", 2016, None, None, ("Jimmy Lei Ba",), ("ba-j",))
    hit = Hit(
        "crossref",
        "p",
        "x",
        "DOI",
        ANSWER,
        "Layer Normalization: a simple trick for recurrent nets",
        2016,
        [Author("Jimmy Ba")],
    )
    assert judge(paper, hit).status == "rejected"  # two words: too short to trust a prefix
    long_paper = PaperQuery(
        "q",
        "Speech recognition with deep recurrent neural networks",
        2013,
        None,
        None,
        ("Alex Graves",),
        ("graves-a",),
    )
    long_hit = Hit(
        "crossref",
        "q",
        "x",
        "DOI",
        ANSWER,
        "Speech recognition with deep recurrent neural networks: an overview",
        2013,
        [Author("Alex Graves")],
    )
    assert judge(long_paper, long_hit).status == "accepted"


def test_people_match_by_position_then_by_unique_family_name() -> None:
    theirs = [
        Author("Kaiming He", {"dblp": "a"}),
        Author("Xiangyu Zhang"),
        Author("Jian Sun"),
        Author("Shaoqing Ren"),
    ]
    pairs = {key: author.name for key, author in person_matches(PAPER, theirs)}
    assert pairs == {
        "he-k": "Kaiming He",
        "zhang-x": "Xiangyu Zhang",
        "ren-s": "Shaoqing Ren",
        "sun-j": "Jian Sun",
    }
    twice = [Author("Kaiming He"), Author("Wei He")]
    assert [
        k for k, _a in person_matches(PAPER, list(reversed(twice)))
    ] == []  # He at 1 is Wei: two Hes
