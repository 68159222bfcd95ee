"""Curation decisions: they always win, and stale or malformed ones are reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from resolve_helpers import (
    ARX,
    ROOT,
    bib,
    codes,
    entry,
    paper_of,
    person_of,
    run,
    write_curation,
)

from dlkg.resolve.curation import (
    CurationError,
    decision_files,
    format_decisions,
    load_curation,
    parse_decisions,
)

# -- curation -----------------------------------------------------------------------------------


def test_curation_always_wins_and_stale_decisions_are_reported(tmp_path: Path) -> None:
    deeplab = "https://arxiv.org/pdf/1606.00915v1.pdf"
    records = (
        entry(
            "awesome-readme",
            126,
            "Semantic image segmentation with deep convolutional nets",
            "L. Chen",
            links=("https://arxiv.org/pdf/1412.7062",),
            complete=False,
        ),
        entry(
            "roadmap-readme",
            339,
            "Semantic image segmentation with deep convolutional nets",
            "L.-C. Chen",
            "G. Papandreou",
            links=(deeplab,),  # no stated year: the later-arXiv-id rule cannot tell
        ),
        entry("awesome-readme", 332, "Mind's eye", "X. Chen", "C. Zitnick", year=2015),
        entry(
            "roadmap-readme",
            269,
            "Learning a recurrent visual representation for image caption generation",
            "Chen, Xinlei",
            "C. Lawrence Zitnick",
            year=2014,
        ),
        entry("awesome-readme", 400, "Some paper", "J. Doe", year=2011),
        entry("awesome-readme", 401, "Another paper", "J. Doe", year=2012),
    )
    plain = run(*records)
    assert paper_of(plain, "awesome-readme", 126) != paper_of(plain, "roadmap-readme", 339)
    assert person_of(plain, "awesome-readme", 400, "J. Doe") == person_of(
        plain, "awesome-readme", 401, "J. Doe"
    )
    folder = write_curation(
        tmp_path,
        f"link-not-identity\t{deeplab}\t\tthe journal version, not this paper",
        "paper-same-as\ttitle:Mind's eye\ttitle:Learning a recurrent visual representation for "
        "image caption generation\tMind's Eye is its CVPR title",
        "person-different-from\ttitle:Some paper#J. Doe\ttitle:Another paper#1\ttwo J. Does",
        "paper-same-as\tbib:nothing2099\tarxiv:0000.00000\tno longer in the sources",
    )
    res = run(*records, curation=folder)
    assert paper_of(res, "awesome-readme", 126) == paper_of(res, "roadmap-readme", 339)
    assert res.papers[paper_of(res, "roadmap-readme", 339)].arxiv_id == "1412.7062"
    assert paper_of(res, "awesome-readme", 332) == paper_of(res, "roadmap-readme", 269)
    assert "curated-same-as" in {m.rule for m in res.merges}
    assert person_of(res, "awesome-readme", 400, "J. Doe") != person_of(
        res, "awesome-readme", 401, "J. Doe"
    )
    assert codes(res).count("resolve.curation-unmatched") == 1


def test_the_curation_files_are_canonical() -> None:
    files = decision_files(ROOT / "data" / "curation")
    assert files, "data/curation has no decision file"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert format_decisions(parse_decisions(text, path.name)) == text, f"{path} not canonical"
    assert load_curation(ROOT / "data" / "curation")


@pytest.mark.parametrize(
    "text",
    [
        "kind\tsubject\n",
        "kind\tsubject\tobject\treason\nsame-as\ta\tb\twhy\n",
        "kind\tsubject\tobject\treason\npaper-same-as\ta\tb\t\n",
        "kind\tsubject\tobject\treason\nlink-not-identity\thttp://a\tb\twhy\n",
    ],
)
def test_malformed_curation_rows_name_their_line(text: str) -> None:
    with pytest.raises(CurationError) as info:
        parse_decisions(text, "decisions.tsv")
    assert "decisions.tsv:" in str(info.value)


# -- curation references, titles, names, links, DOIs ---------------------------------------------


def test_line_number_references_are_refused() -> None:
    text = "kind\tsubject\tobject\treason\nperson-same-as\tawesome-readme:245:H. Lee\tLee, H.\tx\n"
    with pytest.raises(CurationError, match="line numbers break") as info:
        parse_decisions(text, "decisions.tsv")
    assert str(info.value).startswith("decisions.tsv:2:")


def test_person_references_by_paper_and_name_position_key_or_plain_name(tmp_path: Path) -> None:
    records = (
        bib(629, "andrychowicz2016learning", "Learning to learn", "Gomez, Sergio", year=2016),
        bib(715, "graves2016hybrid", "Hybrid computing", "Colmenarejo, Sergio Gómez", year=2016),
        entry("awesome-readme", 310, "Densely connected", "G. Huang", links=(ARX + "1608.06993",)),
        entry("awesome-readme", 325, "Stochastic depth", "G. Huang", links=(ARX + "1603.09382",)),
        entry("awesome-readme", 378, "A fast dependency parser", "Chen", "C. Manning"),
        entry("awesome-readme", 313, "Reading comprehension", "D. Chen", year=2016),
    )
    plain = run(*records)
    # The rules join the G. Huangs (one list) and Sergio Gómez; a bare "Chen" stays apart.
    assert len({m.person_key for m in plain.person_mentions if "Chen" in m.name_as_written}) == 2
    folder = write_curation(
        tmp_path,
        "person-same-as\tbib:andrychowicz2016learning#1\tbib:graves2016hybrid#Colmenarejo, "
        "Sergio Gomez\tone person",
        "person-same-as\tarxiv:1608.06993#G. Huang\tarxiv:1603.09382#g. huang\tGao Huang",
        "person-same-as\ta-fast-dependency-parser#Chen\tD. Chen\tDanqi Chen",
        "person-name\tbib:graves2016hybrid#2\tGómez Colmenarejo, Sergio\tdouble family name",
    )
    (folder / "decisions.tsv").write_text(
        (folder / "decisions.tsv")
        .read_text(encoding="utf-8")
        .replace("graves2016hybrid#2", "graves2016hybrid#1"),
        encoding="utf-8",
    )
    res = run(*records, curation=folder)
    assert not [i for i in res.issues if i.code == "resolve.curation-unmatched"]
    sergio = person_of(res, "awesome-bib", 629, "Gomez, Sergio")
    assert sergio == person_of(res, "awesome-bib", 715, "Colmenarejo, Sergio Gómez")
    assert (res.persons[sergio].given, res.persons[sergio].family) == (
        "Sergio",
        "Gómez Colmenarejo",
    )
    assert sergio == "gomez-colmenarejo-s"
    assert person_of(res, "awesome-readme", 310, "G. Huang") == person_of(
        res, "awesome-readme", 325, "G. Huang"
    )
    assert person_of(res, "awesome-readme", 378, "Chen") == person_of(
        res, "awesome-readme", 313, "D. Chen"
    )


def test_a_stale_decision_is_an_error_naming_its_line(tmp_path: Path) -> None:
    folder = write_curation(
        tmp_path,
        "paper-title\tarxiv:0000.00000\tA title\tno such paper",
        "person-same-as\tarxiv:1608.06993#G. Huang\tarxiv:1603.09382#Nobody\tstale",
    )
    res = run(
        entry("awesome-readme", 310, "Densely connected", "G. Huang", links=(ARX + "1608.06993",)),
        entry("awesome-readme", 325, "Stochastic depth", "G. Huang", links=(ARX + "1603.09382",)),
        curation=folder,
    )
    stale = [i for i in res.issues if i.code == "resolve.curation-unmatched"]
    assert sorted(str(i.where) for i in stale) == ["decisions.tsv:2", "decisions.tsv:3"]
    assert {i.level.value for i in stale} == {"error"}


def test_titles_rank_bibtex_then_awesome_then_roadmap_and_curation_wins(tmp_path: Path) -> None:
    records = (
        entry(
            "roadmap-readme",
            95,
            "Understanding the difficulty of training deep forward neural networks",
            "Glorot Xavier",
            year=2010,
        ),
        entry(
            "awesome-readme",
            241,
            "Understanding the difficulty of training deep feedforward neural networks",
            "X. Glorot",
            year=2010,
        ),
        entry("awesome-readme", 123, "Fast R-CNN", "R. Girshick", year=2015),
        bib(262, "girshick2015fast", "Fast r-cnn", "Girshick, Ross", year=2015),
        entry("roadmap-readme", 93, "SqueezeNet: 50x fewer parameters and< 1MB", "Iandola, F."),
        bib(681, "iandola2016squeezenet", "SqueezeNet: 50x fewer parameters and< 0.5 MB", "I, F"),
    )
    res = run(*records)
    glorot = res.papers[paper_of(res, "roadmap-readme", 95)]
    assert glorot.title_en == records[1].title
    assert records[0].title in glorot.alternate_titles
    assert glorot.key == "understanding-the-difficulty-of-training-deep-feedforward-neural-networks"
    # BibTeX wording, the list's capitals (BibTeX lower-cases acronyms)
    assert res.papers[paper_of(res, "awesome-bib", 262)].title_en == "Fast R-CNN"
    squeeze = "SqueezeNet: 50x fewer parameters and< 0.5 MB"
    assert res.papers[paper_of(res, "awesome-bib", 681)].title_en == squeeze
    folder = write_curation(
        tmp_path, "paper-title\tbib:iandola2016squeezenet\tSqueezeNet: <0.5MB\tthe arXiv title"
    )
    curated = run(*records, curation=folder)
    paper = curated.papers[paper_of(curated, "roadmap-readme", 93)]
    assert paper.title_en == "SqueezeNet: <0.5MB" and squeeze in paper.alternate_titles
    assert {i.entry.title for i in curated.items if i.entry.prov.line == 93} == {records[4].title}


def test_curated_different_from_reaches_the_resolution(tmp_path: Path) -> None:
    folder = write_curation(
        tmp_path,
        "person-different-from\tYang, Ming\tarxiv:1802.06474#Ming-Hsuan Yang\ttwo people",
        "paper-different-from\ttitle:Deep learning\tbib:lecun2015deep\ta book and a review",
    )
    res = run(
        bib(14, "lecun2015deep", "Deep learning", "LeCun, Yann", "Yang, Ming", year=2015),
        entry("awesome-readme", 11, "Deep learning", "LeCun", year=2015),
        entry("roadmap-readme", 333, "Stylization", "Ming-Hsuan Yang", links=(ARX + "1802.06474",)),
        curation=folder,
    )
    assert len(res.papers) == 3 and res.different_from  # the title rule alone would merge
    assert res.different_from == sorted(res.different_from)
    kinds = {(k, a < b) for k, a, b, _ in res.different_from}
    assert kinds == {("paper", True), ("person", True)}
    person = [d for d in res.different_from if d[0] == "person"]
    assert person == [("person", "yang-ming", "yang-ming-hsuan", "two people")]
