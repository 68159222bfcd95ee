"""Resolved facts follow the evidence order of docs/resolution.md, whatever order the records
come in: small hand-made records, then the wrong facts the real sources used to produce."""

from __future__ import annotations

from pathlib import Path

import pytest
from resolve_helpers import ARX, bib, codes, entry, paper_of, run, write_curation

from dlkg.model import Resolution
from dlkg.resolve import resolve
from dlkg.resolve.facts import slug_corrected
from helpers import CURATION, parse_all

CVF = "http://www.cv-foundation.org/openaccess/content_cvpr_2015/papers/"


def test_a_venue_named_with_its_year_beats_an_arxiv_preprint_year() -> None:
    res = run(
        entry(
            "roadmap-readme",
            267,
            "From captions to visual concepts and back",
            "Fang, Hao",
            year=2014,
            venue="In arXiv preprint arXiv:1411.4952, 2014",
            links=(ARX + "1411.4952",),
            complete=False,
        ),
        entry(
            "awesome-readme",
            333,
            "From captions to visual concepts and back",
            "H. Fang",
            year=2015,
            links=(CVF + "Fang_From_Captions_to_2015_CVPR_paper.pdf",),
            complete=False,
        ),
    )
    paper = res.papers[paper_of(res, "roadmap-readme", 267)]
    assert paper.year == 2015
    assert "resolve.year-conflict" in codes(res)


def test_a_venue_year_in_the_text_beats_bibtex_citing_arxiv_and_bibtex_beats_a_list() -> None:
    title = "Semantic image segmentation with deep convolutional nets"
    res = run(
        bib(
            276,
            "chen2014semantic",
            title,
            "Chen, Liang-Chieh",
            year=2014,
            venue="arXiv preprint arXiv:1412.7062",
        ),
        entry("roadmap-readme", 339, title, "L.-C. Chen", year=2015, venue="In ICLR, 2015"),
    )
    assert res.papers[paper_of(res, "roadmap-readme", 339)].year == 2015
    res = run(
        bib(170, "he2016deep", "Deep residual learning", "He, Kaiming", year=2016, venue="CVPR"),
        entry(
            "roadmap-readme", 45, "Deep residual learning", "He, Kaiming", year=2015, complete=False
        ),
    )
    assert res.papers[paper_of(res, "roadmap-readme", 45)].year == 2016


def test_a_complete_list_contradicted_by_et_al_is_not_complete() -> None:
    title = "Building high-level features using large scale unsupervised learning"
    res = run(
        bib(141, "le2013building", title, "Le, Quoc V", year=2013),
        entry("awesome-readme", 100, title, "Q. Le", year=2013, complete=False),
    )
    paper = res.papers[paper_of(res, "awesome-readme", 100)]
    assert not paper.authors_complete
    assert [a.name_as_written for a in paper.authorships] == ["Le, Quoc V"]
    assert "resolve.author-list-contradicted" in codes(res)


def test_a_curated_complete_list_is_not_reported_as_contradicted(tmp_path: Path) -> None:
    """`paper-authors-complete yes` settles it: the "et al." is the defect (the cross-source
    `cross.et-al-needless` names it), not the complete lists of the awesome list."""
    title = "Understanding the difficulty of training deep feedforward neural networks"
    records = (
        entry("awesome-readme", 242, title, "X. Glorot", "Y. Bengio", year=2010),
        entry(
            "roadmap-readme", 95, title, "Glorat Xavier", "Bengio Yoshua", year=2010, complete=False
        ),
    )
    assert "resolve.author-list-contradicted" in codes(run(*records))
    folder = write_curation(
        tmp_path, f"paper-authors-complete	title:{title}	yes	the paper has two authors"
    )
    res = run(*records, curation=folder)
    assert res.papers[paper_of(res, "awesome-readme", 242)].authors_complete
    assert "resolve.author-list-contradicted" not in codes(res)


def test_the_longest_complete_list_wins_over_a_better_ranked_shorter_one() -> None:
    res = run(
        entry("roadmap-readme", 1, "Some paper", "A. One", "B. Two", year=2010),
        entry("awesome-readme", 2, "Some paper", "A. One", "B. Two", "C. Three", year=2010),
    )
    paper = res.papers[paper_of(res, "roadmap-readme", 1)]
    assert len(paper.authorships) == 3 and paper.authors_complete


def test_titles_bibtex_then_agreement_and_venue_file_names_fix_typos() -> None:
    res = run(
        entry(
            "awesome-readme",
            342,
            "Beyond short snippents: Deep networks for video classification",
            year=2015,
            links=(CVF + "Ng_Beyond_Short_Snippets_2015_CVPR_paper.pdf",),
        ),
        entry("awesome-readme", 218, "Accurate, Large Minibatch SGD:Training ImageNet", year=2017),
    )
    snippets = res.papers[paper_of(res, "awesome-readme", 342)]
    assert snippets.title_en == "Beyond short snippets: Deep networks for video classification"
    assert (
        "Beyond short snippents: Deep networks for video classification"
        in snippets.alternate_titles
    )
    sgd = res.papers[paper_of(res, "awesome-readme", 218)]
    assert sgd.title_en == "Accurate, Large Minibatch SGD: Training ImageNet"
    # The record keeps what it says.
    assert {i.entry.title for i in res.items} >= {"Accurate, Large Minibatch SGD:Training ImageNet"}


@pytest.mark.parametrize(
    ("title", "slug", "expected"),
    [
        (
            "Spatial transformer network",
            "spatial transformer networks",
            "Spatial transformer networks",
        ),
        ("Mind's eye: A recurrent", "Minds Eye A", "Mind's eye: A recurrent"),
        ("Fast R-CNN", "Girshick Fast R", "Fast R-CNN"),  # not a spelling of this title
        ("Going deeper with convolutions", "Going Deeper With", "Going deeper with convolutions"),
    ],
)
def test_slug_corrections_only_fix_small_typos(title: str, slug: str, expected: str) -> None:
    assert slug_corrected(title, slug) == expected


def test_curated_year_and_author_order_apply_to_the_keyed_paper_only(tmp_path: Path) -> None:
    book = entry(
        "roadmap-readme",
        25,
        "Deep learning",
        "Bengio, Yoshua",
        "Ian J. Goodfellow",
        "Aaron Courville",
        year=2015,
        venue="An MIT Press book. (2015)",
        links=("http://www.deeplearningbook.org/",),
    )
    review = entry("roadmap-readme", 27, "Deep learning", "LeCun, Yann", "Yoshua Bengio", year=2015)
    plain = run(book, review)
    key = paper_of(plain, "roadmap-readme", 25)
    folder = write_curation(
        tmp_path,
        f"paper-year\t{key}\t2016\tpublished 2016",
        f"paper-author-order\t{key}\tGoodfellow | Bengio | Courville\ttitle page order",
    )
    res = run(book, review, curation=folder)
    paper = res.papers[key]
    assert paper.year == 2016
    assert [a.name_as_written for a in paper.authorships] == [
        "Ian J. Goodfellow",
        "Bengio, Yoshua",
        "Aaron Courville",
    ]
    assert [a.position for a in paper.authorships] == [1, 2, 3]
    other = res.papers[paper_of(res, "roadmap-readme", 27)]
    assert other.year == 2015 and other.authorships[0].name_as_written == "LeCun, Yann"


def test_facts_do_not_depend_on_record_order() -> None:
    records = [
        bib(1, "a2016", "A paper", "Doe, Jane", "Roe, Rick", year=2016, venue="CVPR"),
        entry("roadmap-readme", 2, "A paper", "Doe, Jane", year=2015, complete=False),
        entry("awesome-readme", 3, "A paper", "J. Doe", year=2016, complete=False),
    ]
    a, b = run(*records), run(*reversed(records))
    assert a.papers == b.papers


@pytest.mark.upstream
def test_the_wrong_facts_of_the_real_sources_are_fixed(upstream_dir: Path) -> None:
    res: Resolution = resolve(parse_all(upstream_dir), curation_dir=CURATION)
    papers = res.papers
    book = papers["deep-learning-2015-bengio"]  # the key stays although the year changed
    assert book.year == 2016
    assert [a.person_key for a in book.authorships][:2] == ["goodfellow-i", "bengio-y"]
    assert papers["deep-learning-2015-lecun"].year == 2015
    assert papers["arxiv-1411.5654"].year == 2015
    assert papers["arxiv-1411.5654"].title_en.startswith("Mind's eye")
    assert papers["arxiv-1411.4952"].year == 2015
    assert papers["arxiv-1412.7062"].year == 2015  # ICLR 2015
    assert not papers["arxiv-1112.6209"].authors_complete
    assert papers["spatial-transformer-network"].title_en == "Spatial transformer networks"
    snippets = papers["beyond-short-snippents-deep-networks-for-video-classification"]
    assert snippets.title_en.startswith("Beyond short snippets")
    sgd = papers["accurate-large-minibatch-sgd-training-imagenet-in-1-hour"]
    assert "SGD: Training" in (sgd.title_en or "")
    glorot = papers["understanding-the-difficulty-of-training-deep-feedforward-neural-networks"]
    assert glorot.authors_complete  # curated: the roadmap's "et al." is wrong
