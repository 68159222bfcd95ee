"""Cross-source checks after resolution: author lists, titles, link spellings, translations."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlkg.checks import cross_source
from dlkg.model import Resolution
from dlkg.parse import parse_text
from dlkg.records import Issue
from dlkg.resolve import resolve

SOURCES = (
    ("awesome-list", "awesome-readme", "cross_awesome_short_lists.md"),
    ("roadmap", "roadmap-readme", "cross_roadmap_et_al_and_typos.md"),
    ("bibtex", "awesome-bib", "cross_bib_full_lists.bib"),
    ("zh-awesome-list", "zh-awesome", "cross_zh_awesome_added_years_and_wrong_titles.md"),
    ("zh-roadmap-blog", "zh-roadmap-blog", "zh_blog_typos_and_split_names.md"),
)


@pytest.fixture(scope="module")
def checked() -> tuple[Resolution, list[Issue]]:
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    results = [
        parse_text(kind, (fixtures / name).read_text(encoding="utf-8"), source_id=sid, path=name)
        for kind, sid, name in SOURCES
    ]
    resolution = resolve(results, curation_dir=None)
    return resolution, cross_source(results, resolution)


def at(issues: list[Issue], code: str) -> list[str]:
    return sorted(str(i.where) for i in issues if i.code == code)


def test_author_lists_shorter_or_needlessly_et_al_and_misspelt_names(
    checked: tuple[Resolution, list[Issue]],
) -> None:
    _, issues = checked
    assert at(issues, "cross.authors-shorter") == ["awesome-readme:11"]  # A. Graves alone
    # Gregor, Danihelka and Graves "et al." (DRAW has five authors): the BibTeX's complete
    # three are what is wrong, and that one defect gives one warning; before, the "et al."
    # was also called needless. Glorat Xavier, Bengio Yoshua "et al." against the complete
    # "X. Glorot and Y. Bengio": uncurated, the resolution believes the "et al.", so the
    # complete list is reported (`resolve.author-list-contradicted`), not the "et al."
    # (curated `paper-authors-complete yes`, as in the real data, it is the other way round).
    assert at(issues, "cross.et-al-needless") == []
    assert "awesome-readme:25" in at(checked[0].issues, "resolve.author-list-contradicted")
    assert at(issues, "cross.complete-but-et-al-elsewhere") == ["awesome-bib:13"]
    # Loffe (the awesome list and its translation); Glorat (the roadmap, outvoted 2:1)
    assert at(issues, "cross.author-name-typo") == [
        "awesome-readme:10",
        "roadmap-readme:11",
        "zh-awesome:10",
    ]
    shorter = next(i for i in issues if i.code == "cross.authors-shorter")
    assert "awesome-bib:7 lists 3" in shorter.message
    assert shorter.action.startswith("the paper keeps 3 authors (complete)")


def test_one_defect_of_an_author_list_gives_one_warning(
    checked: tuple[Resolution, list[Issue]],
) -> None:
    """The records the cross-source codes name are not also `resolve.author-list-contradicted`
    (before, both fired on each: two warnings for one list marked complete too early)."""
    resolution, issues = checked
    crossed = at(issues, "cross.authors-shorter") + at(issues, "cross.complete-but-et-al-elsewhere")
    assert crossed == ["awesome-readme:11", "awesome-bib:13"]
    contradicted = at(resolution.issues, "resolve.author-list-contradicted")
    assert not set(crossed) & set(contradicted), contradicted


def test_titles_cut_off_or_a_small_edit_from_a_better_source(
    checked: tuple[Resolution, list[Issue]],
) -> None:
    _, issues = checked
    assert at(issues, "cross.title-truncated") == ["awesome-readme:16"]
    assert at(issues, "cross.title-typo") == ["roadmap-readme:9"]  # network / networks
    assert at(issues, "cross.title-case") == ["awesome-bib:19"]  # Vqa for VQA


def test_http_and_https_of_one_link_give_one_https_url_on_the_paper(
    checked: tuple[Resolution, list[Issue]],
) -> None:
    resolution, issues = checked
    assert at(issues, "cross.http-https-duplicate") == ["roadmap-readme:13"]
    paper = resolution.papers["arxiv-1508.04025"]
    assert paper.urls == ["https://arxiv.org/pdf/1508.04025"]
    # the records keep what they wrote
    written = {link.url for item in resolution.items for link in item.entry.links}
    assert "http://arxiv.org/pdf/1508.04025" in written


def test_what_the_translations_add_or_name_differently(
    checked: tuple[Resolution, list[Issue]],
) -> None:
    _, issues = checked
    assert at(issues, "cross.translation-adds-year") == ["zh-awesome:17", "zh-roadmap-blog:17"]
    assert at(issues, "cross.translation-year-differs") == ["zh-roadmap-blog:11"]
    assert at(issues, "cross.translation-adds-venue") == ["zh-roadmap-blog:11"]
    assert at(issues, "cross.translation-name-split") == ["zh-roadmap-blog:17", "zh-roadmap-blog:5"]
    assert at(issues, "cross.translation-author-count") == ["zh-roadmap-blog:17"]
    assert at(issues, "cross.translation-adds-detail") == ["zh-roadmap-blog:11"]  # 谷歌
    assert at(issues, "cross.translation-stars-differ") == ["zh-roadmap-blog:11"]  # 5 for 3
    # trikc, SDG, AlexNet1
    typos = sorted(i.message for i in issues if i.code == "cross.translation-typo")
    assert typos == [
        "'SDG' for 'sgd'",
        "'trikc' for 'trick'",
        "a stray digit after 'AlexNet': 'AlexNet1'",
    ]
    # Batch renormalization translated as batch normalization
    assert at(issues, "cross.zh-title-names-other-paper") == ["zh-awesome:14"]
    assert at(issues, "cross.zh-title-truncated") == ["zh-awesome:11"]  # 4 characters for 8 words


def test_every_cross_issue_has_a_line_and_says_what_dlkg_did(
    checked: tuple[Resolution, list[Issue]],
) -> None:
    _, issues = checked
    assert issues
    assert all(i.where is not None and i.where.line > 0 and i.action for i in issues)


def test_an_et_al_that_the_resolution_believes_is_not_called_needless() -> None:
    """The real Le et al. (2012, eight authors): the BibTeX and the roadmap name only Le and
    mark the list complete, the awesome list writes "Q. Le et al.". Resolution takes the
    "et al." (the paper stays incomplete, `resolve.author-list-contradicted` on the two
    complete lists); the checks must not blame the "et al." for the same defect."""
    title = "Building high-level features using large scale unsupervised learning"
    awesome = (
        "# List\n\n## Contents\n\n* [Old Papers](#old-papers)\n\n### Old Papers\n"
        f"- **{title}** (2013), Q. Le et al. [[pdf]](http://arxiv.org/pdf/1112.6209)\n"
    )
    bib = (
        f"@inproceedings{{le2013building,\n  title={{{title}}},\n"
        "  author={Le, Quoc V},\n  year={2013}\n}\n"
    )
    results = [
        parse_text("awesome-list", awesome, source_id="awesome-readme", path="a.md"),
        parse_text("bibtex", bib, source_id="awesome-bib", path="a.bib"),
    ]
    resolution = resolve(results, curation_dir=None)
    (paper,) = resolution.papers.values()
    assert not paper.authors_complete
    assert at(resolution.issues, "resolve.author-list-contradicted") == ["awesome-bib:1"]
    assert at(cross_source(results, resolution), "cross.et-al-needless") == []
