"""Single-source checks, one small fixture per kind of mess (tests/fixtures/*.md)."""

from __future__ import annotations

from pathlib import Path

from dlkg.checks import single_source
from dlkg.parse import parse_text
from dlkg.records import Issue

SOURCE_IDS = {
    "awesome-list": "awesome-readme",
    "roadmap": "roadmap-readme",
    "zh-roadmap-blog": "zh-roadmap-blog",
}


def check(fixtures_dir: Path, kind: str, name: str) -> list[Issue]:
    text = (fixtures_dir / name).read_text(encoding="utf-8")
    result = parse_text(kind, text, source_id=SOURCE_IDS[kind], path=name)
    return single_source(kind, text, result, name)


def found(issues: list[Issue], prefix: str = "check.") -> set[tuple[int, str]]:
    return {(i.where.line if i.where else 0, i.code) for i in issues if i.code.startswith(prefix)}


def test_each_url_defect_is_a_warning_with_the_canonical_url_as_action(fixtures_dir: Path) -> None:
    issues = check(fixtures_dir, "awesome-list", "awesome_messy_urls.md")
    assert found(issues) == {
        (8, "check.tracking-parameters"),
        (9, "check.url-junk"),
        (10, "check.doubled-slash"),
        (11, "check.odd-port"),
        (11, "check.unofficial-mirror"),
        (12, "check.ip-host"),
        (13, "check.pdf-link-to-page"),
        (14, "check.http-https-duplicate"),
        (16, "check.volume-link"),
    }
    by_code = {i.code: i for i in issues}
    assert "canonical URL https://arxiv.org/pdf/1607.06450.pdf used on the paper" in (
        by_code["check.tracking-parameters"].action
    )
    assert "https://arxiv.org/pdf/1112.6209.pdf used" in by_code["check.url-junk"].action
    assert "the record keeps the URL as written" in by_code["check.doubled-slash"].action
    assert str(by_code["check.odd-port"].where) == "awesome-readme:11"


def test_contents_labels_that_do_not_read_as_their_headings(fixtures_dir: Path) -> None:
    issues = check(fixtures_dir, "awesome-list", "awesome_contents_label_mismatch.md")
    assert found(issues) == {
        (5, "check.contents-label-differs"),
        (6, "check.contents-label-differs"),
        (7, "check.contents-label-differs"),
    }
    messages = sorted(i.message for i in issues if i.code == "check.contents-label-differs")
    assert "'Convolutional Network Models'" in messages[0]
    assert any("only in case or spacing" in m and "'New papers'" in m for m in messages)


def test_years_against_arxiv_ids_links_and_section_rules(fixtures_dir: Path) -> None:
    issues = check(fixtures_dir, "awesome-list", "awesome_years_against_ids_and_sections.md")
    assert found(issues) == {
        (16, "check.year-before-arxiv-id"),  # 2013 for an id from 1412
        (17, "check.year-long-after-arxiv-id"),  # 2016 for 1412: worth a note
        (18, "check.year-differs-from-link"),  # 2011 for a cvpr2015 file
        (18, "check.year-outside-section"),  # top 100 is 2012-2016
        (21, "check.year-outside-section"),  # 2017 under More Papers from 2016
        (25, "check.year-outside-section"),  # 2015 under Old Papers : Before 2012
        (29, "check.year-outside-section"),  # 2017 under *(2016)*
        (33, "check.year-outside-section"),  # 2016 under *(~2014)*
    }


def test_title_typos_against_the_link_and_titles_cut_off(fixtures_dir: Path) -> None:
    issues = check(fixtures_dir, "awesome-list", "awesome_title_typos_and_truncations.md")
    assert found(issues) == {
        (8, "check.title-differs-from-link"),  # network / networks (NIPS slug)
        (9, "check.title-differs-from-link"),  # snippents / Snippets (CVF file name)
        (10, "check.title-missing-space"),  # SGD:Training
        (10, "check.pdf-link-to-page"),
        (11, "check.title-mid-phrase"),  # ends with "for"
    }
    snippets = next(i for i in issues if i.where and i.where.line == 9)
    assert "'snippents'" in snippets.message and "'snippets'" in snippets.message


def test_typos_in_notes_and_glued_venue_words(fixtures_dir: Path) -> None:
    issues = check(fixtures_dir, "roadmap", "roadmap_note_typos.md")
    assert found(issues) == {
        (7, "check.text-typo"),
        (9, "check.text-typo"),
        (13, "check.text-typo"),
    }
    assert "'Oustanding'" in next(i.message for i in issues if i.where and i.where.line == 7)


def test_chinese_misspellings_and_links_inside_titles(fixtures_dir: Path) -> None:
    issues = check(fixtures_dir, "zh-roadmap-blog", "zh_blog_typos_and_split_names.md")
    assert found(issues) == {(11, "check.translation-typo"), (17, "check.link-in-title")}


def test_a_bibtex_title_ending_with_a_period(fixtures_dir: Path) -> None:
    text = (fixtures_dir / "cross_bib_full_lists.bib").read_text(encoding="utf-8")
    result = parse_text("bibtex", text, source_id="awesome-bib", path="x.bib")
    issues = single_source("bibtex", text, result, "x.bib")
    assert found(issues) == {(19, "check.title-trailing-period")}


def test_a_clean_list_gives_no_check_warning(fixtures_dir: Path) -> None:
    text = "## Contents\n\n* [A](#a)\n\n### A\n- **Adam** (2014), D. Kingma and J. Ba [[pdf]](https://arxiv.org/pdf/1412.6980)\n"
    result = parse_text("awesome-list", text, source_id="awesome-readme", path="x.md")
    assert single_source("awesome-list", text, result, "x.md") == []
