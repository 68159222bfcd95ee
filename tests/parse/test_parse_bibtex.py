"""parse_bibtex: LaTeX decoding, author lists, line numbers, and every kind of broken entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlkg.parse.bibtex import DROPPED_CODES, parse_bibtex
from dlkg.records import Level, ParseResult


def parse_fixture(fixtures_dir: Path, name: str) -> ParseResult:
    return parse_bibtex((fixtures_dir / name).read_text(encoding="utf-8"), path=name)


def codes(result: ParseResult) -> list[tuple[str, int]]:
    return [(i.code, i.where.line if i.where else 0) for i in result.issues]


def dropped(result: ParseResult) -> int:
    return sum(issue.code in DROPPED_CODES for issue in result.issues)


def test_latex_accents_are_decoded(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "bib_latex_accents.bib")
    (entry,) = result.bib_entries
    assert entry.authors == (
        "Schmidhuber, Jürgen",
        "Laviolette, François",
        "Grabska-Barwińska, Agnieszka",
        "Mathieu, Michaël",
        "van den Oord, Aäron",
        "Krähenbühl, Philipp",
    )
    assert entry.title == "A Study of LSTM Variants"  # protective braces removed
    assert entry.venue == "Workshop on Neural Nets"
    assert entry.year == 2016
    assert entry.entry_type == "inproceedings"
    fields = dict(entry.fields)
    assert [name for name, _ in entry.fields] == sorted(fields)
    assert fields["url"] == "http://example.org/a%20b.pdf"  # verbatim: % is not a comment
    assert fields["pages"] == "1\N{EN DASH}9"
    assert result.issues == []


def test_and_others_marks_list_incomplete(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "bib_and_others.bib")
    first, second = result.bib_entries
    assert first.authors == ("Alpha, Ann", "Beta, Bob")
    assert first.authors_complete is False
    assert second.authors == ("Ann Alpha", "Bob Beta")  # as written, no comma invented
    assert second.authors_complete is True
    assert (first.prov.line, second.prov.line) == (2, 10)
    assert dict(first.fields) == {"volume": "3"}


def test_duplicate_key_keeps_first_and_warns(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "bib_duplicate_key.bib")
    assert [(e.key, e.title) for e in result.bib_entries] == [("same2015", "The First One")]
    assert codes(result) == [("bib.duplicate-key", 7)]
    assert "first at line 1" in result.issues[0].message
    assert str(result.issues[0]).startswith("awesome-bib:7: warning:")


def test_missing_fields(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "bib_missing_fields.bib")
    assert [(e.key, e.year) for e in result.bib_entries] == [("noyear", None)]
    assert codes(result) == [
        ("bib.missing-field", 1),
        ("bib.missing-field", 5),
        ("bib.no-year", 9),
    ]
    assert all(issue.level is Level.WARNING for issue in result.issues)
    assert "title" in result.issues[0].message and "author" in result.issues[1].message


def test_unparsable_block_and_stray_at_sign(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "bib_unparsable_block.bib")
    assert [(e.key, e.prov.line) for e in result.bib_entries] == [
        ("fine2016", 4),
        ("usesstring2017", 12),
    ]
    assert result.bib_entries[1].venue == "Journal of Examples"  # @string resolved
    assert codes(result) == [("bib.parse-failed", 1), ("bib.not-an-entry", 10)]
    assert result.candidate_lines == 4  # the @string line is not a candidate
    assert len(result.bib_entries) + dropped(result) == result.candidate_lines


def test_block_not_at_line_start_and_duplicate_string() -> None:
    text = (
        '@string{j = "J"}\n@string{j = "K"}\n'
        "@misc{a, title={A}, author={X}, year=2001} @misc{b, title={B}, author={Y}, year=2002}\n"
    )
    result = parse_bibtex(text)
    assert [(e.key, e.prov.line) for e in result.bib_entries] == [("a", 3)]
    assert codes(result) == [("bib.other-block-failed", 2), ("bib.stray-block", 3)]
    assert result.candidate_lines == 1


def test_text_without_entries() -> None:
    result = parse_bibtex("just some words\n% and a comment\n")
    assert (result.bib_entries, result.issues, result.candidate_lines) == ([], [], 0)


_BIB_PIECES = st.sampled_from(
    [
        "@article{k,",
        "@inproceedings{k2,",
        "@misc{",
        "@string{s = {v}}",
        "@comment{x}",
        "@",
        "  @book(b,",
        "title={T {X}},",
        'author="A, B and others",',
        'author={J{\\"u}rgen and }',
        "year=2015",
        "year={20x5},",
        "journal=s,",
        "}",
        ")",
        "{",
        "%",
        "\\",
        '"',
        ",",
        "",
    ]
)
_BIB_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(_BIB_PIECES, st.text(max_size=8)), max_size=30).map("\n".join),
    st.lists(_BIB_PIECES, max_size=30).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BIB_TEXT)
def test_never_raises_and_accounts_for_every_candidate(text: str) -> None:
    result = parse_bibtex(text)
    assert result.candidate_lines == sum(
        1
        for line in text.split("\n")
        if line.lstrip().startswith("@")
        and not re.match(r"@(comment|preamble|string)", line.lstrip(), re.IGNORECASE)
    )
    assert len(result.bib_entries) + dropped(result) == result.candidate_lines
    lines = text.split("\n")
    for entry in result.bib_entries:
        assert lines[entry.prov.line - 1].lstrip().startswith("@")
        assert entry.title and entry.authors and "others" not in entry.authors


@pytest.mark.upstream
def test_real_bib_file(upstream_dir: Path) -> None:
    text = (upstream_dir / "awesome-deep-learning-papers" / "top100papers.bib").read_text(
        encoding="utf-8"
    )
    result = parse_bibtex(text)
    # Pinned with `grep -c '^@' top100papers.bib` (101: 52 @article, 49 @inproceedings).
    assert result.candidate_lines == 101
    assert len(result.bib_entries) == 101
    assert result.issues == []
    types = [e.entry_type for e in result.bib_entries]
    assert (types.count("article"), types.count("inproceedings")) == (52, 49)
    # `grep -c 'others}'`: seven author lists end in "and others".
    assert sum(not e.authors_complete for e in result.bib_entries) == 7
    by_key = {e.key: e for e in result.bib_entries}
    assert len(by_key) == 101
    assert "Schmidhuber, Jürgen" in by_key["srivastava2015training"].authors
    assert by_key["srivastava2015training"].prov.line == 52
    graves = by_key["graves2016hybrid"]
    assert "Grabska-Barwińska, Agnieszka" in graves.authors
    assert "Colmenarejo, Sergio Gómez" in graves.authors
    assert graves.authors_complete is False
    assert by_key["hinton2015distilling"].authors == (
        "Hinton, Geoffrey",
        "Vinyals, Oriol",
        "Dean, Jeff",
    )
    assert by_key["hinton2015distilling"].prov.line == 1
    assert by_key["hinton2015distilling"].year == 2015
    decoded = {name for e in result.bib_entries for name in e.authors}
    for name in (
        "Laviolette, François",
        "Mathieu, Michaël",
        "van den Oord, Aäron",
        "Krähenbühl, Philipp",
    ):
        assert name in decoded
    assert not any("{" in name or "\\" in name for name in decoded)
    assert not any("{" in e.title for e in result.bib_entries)
    # Every record points at its own `@type{key,` line.
    lines = text.split("\n")
    for entry in result.bib_entries:
        assert (
            lines[entry.prov.line - 1].startswith("@") and entry.key in lines[entry.prov.line - 1]
        )
