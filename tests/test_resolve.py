"""The resolve step on small hand-built records: one node per paper and person, with evidence."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.errors import UsageError
from dlkg.model import Resolution
from dlkg.records import BibEntry, Entry, KeyResearcher, Link, ParseResult, Provenance, Section
from dlkg.resolve import explain, resolve
from dlkg.resolve_curation import (
    CurationError,
    decision_files,
    format_decisions,
    load_curation,
    parse_decisions,
)
from dlkg.resolve_registry import format_registry, parse_registry, updated_rows

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "awesome-readme": ("awesome", "README.md"),
    "roadmap-readme": ("roadmap", "README.md"),
    "zh-awesome": ("zh-awesome", "zh-awesome-most-cited.md"),
    "zh-roadmap-blog": ("zh-roadmap-blog", "zh-roadmap-blog-part2.md"),
}


def entry(
    source: str,
    line: int,
    title: str,
    *authors: str,
    year: int | None = None,
    links: tuple[str, ...] = (),
    section: str = "s",
    complete: bool = True,
    venue: str | None = None,
    lang: str = "en",
) -> Entry:
    list_id, path = FILES[source]
    return Entry(
        list_id=list_id,
        section_key=section,
        position=line,
        title=title,
        title_lang=lang,
        prov=Provenance(source, path, line),
        year=year,
        authors=authors,
        authors_complete=complete,
        venue=venue,
        links=tuple(Link(url, "pdf") for url in links),
    )


def bib(
    line: int,
    key: str,
    title: str,
    *authors: str,
    year: int | None = None,
    venue: str | None = None,
    complete: bool = True,
) -> BibEntry:
    prov = Provenance("awesome-bib", "top100papers.bib", line)
    return BibEntry(key, "article", title, authors, prov, complete, year, venue)


def run(*records: Entry | BibEntry | KeyResearcher, curation: Path | None = None) -> Resolution:
    results: dict[str, ParseResult] = {}
    for r in records:
        result = results.setdefault(r.prov.source_id, ParseResult(r.prov.source_id))
        if isinstance(r, Entry):
            result.entries.append(r)
        elif isinstance(r, BibEntry):
            result.bib_entries.append(r)
        else:
            result.key_researchers.append(r)
    return resolve(list(results.values()), curation_dir=curation)


def paper_of(res: Resolution, source: str, line: int) -> str:
    for item in res.items:
        if (item.entry.prov.source_id, item.entry.prov.line) == (source, line):
            return item.paper_key
    for b, key in res.bib_entries:
        if (b.prov.source_id, b.prov.line) == (source, line):
            return key or ""
    raise KeyError((source, line))


def person_of(res: Resolution, source: str, line: int, written: str) -> str:
    for m in res.person_mentions:
        if (m.prov.source_id, m.prov.line, m.name_as_written) == (source, line, written):
            return m.person_key
    raise KeyError((source, line, written))


def codes(res: Resolution) -> list[str]:
    return [i.code for i in res.issues]


# -- papers -----------------------------------------------------------------------------------


def test_every_arxiv_link_form_is_one_paper_keyed_by_its_id() -> None:
    res = run(
        entry(
            "awesome-readme",
            1,
            "Mask R-CNN",
            "K. He",
            links=("https://128.84.21.199/pdf/1703.06870",),
        ),
        entry(
            "roadmap-readme", 2, "Mask R-CNN", "He", links=("https://arxiv.org/abs/1703.06870v3",)
        ),
        entry(
            "zh-awesome",
            3,
            "掩码",
            "K. He",
            links=("http://arxiv.org/pdf/1703.06870.pdf",),
            lang="zh-Hans",
        ),
    )
    assert list(res.papers) == ["arxiv-1703.06870"]
    paper = res.papers["arxiv-1703.06870"]
    assert paper.arxiv_id == "1703.06870" and paper.titles_zh == ["掩码"]
    assert {m.rule for m in res.merges if m.kind == "paper"} == {"arxiv-id"}


def test_an_arxiv_id_cited_in_text_identifies_the_paper() -> None:
    res = run(
        entry(
            "roadmap-readme",
            5,
            "You only look once: Unified, real-time object detection",
            "Redmon, Joseph",
            year=2015,
            venue="arXiv preprint arXiv:1506.02640 (2015)",
            links=("http://a.org/YOLO.pdf",),
        ),
        bib(
            9,
            "redmon2016you",
            "You only look once: Unified, real-time object detection",
            "Redmon, Joseph",
            year=2016,
        ),
    )
    assert list(res.papers) == ["arxiv-1506.02640"]
    assert res.papers["arxiv-1506.02640"].year == 2016  # BibTeX over roadmap
    assert "resolve.year-conflict" in codes(res)
    stated = {i.entry.year for i in res.items}
    assert stated == {2015}  # the list item keeps what its source says


def test_a_venue_link_naming_another_paper_is_not_identity() -> None:
    wrong = "http://papers.nips.cc/paper/6527-tree-structured-reinforcement-learning.pdf"
    res = run(
        entry(
            "awesome-readme",
            10,
            "Conditional image generation with pixelcnn decoders",
            "A. van den Oord",
            year=2016,
            links=(wrong,),
            complete=False,
        ),
        entry(
            "awesome-readme",
            11,
            "Tree-structured reinforcement learning",
            "Z. Jie",
            year=2016,
            links=(wrong,),
        ),
    )
    assert len(res.papers) == 2
    assert "resolve.link-names-other-paper" in codes(res)


def test_titles_merge_with_typos_but_not_across_years_or_first_authors() -> None:
    res = run(
        entry(
            "awesome-readme",
            1,
            "Understanding the difficulty of training deep feedforward neural networks",
            "X. Glorot",
            "Y. Bengio",
            year=2010,
        ),
        entry(
            "roadmap-readme",
            2,
            "Understanding the difficulty of training deep forward neural networks",
            "Glorat Xavier",
            "Bengio Yoshua",
            year=2010,
            complete=False,
        ),
        entry(
            "awesome-readme", 3, "Deep learning", "Y. LeCun", "Y. Bengio", "G. Hinton", year=2015
        ),
        entry("awesome-readme", 4, "Deep learning", "Goodfellow", year=2016, complete=False),
        entry("awesome-readme", 5, "Memory networks", "J. Weston", year=2014),
        entry("roadmap-readme", 6, "Memory Networks", "Weston, Jason", year=2019),
    )
    assert paper_of(res, "awesome-readme", 1) == paper_of(res, "roadmap-readme", 2)
    assert paper_of(res, "awesome-readme", 3) != paper_of(res, "awesome-readme", 4)
    assert paper_of(res, "awesome-readme", 5) != paper_of(res, "roadmap-readme", 6)
    reasons = " ".join(n.reason for n in res.near_misses if n.kind == "paper")
    assert "first authors" in reasons and "differ by more than one" in reasons
    # same title slug, different papers: the keys get the year (then the first author)
    keys = {paper_of(res, "awesome-readme", 3), paper_of(res, "awesome-readme", 4)}
    assert keys == {"deep-learning-2015", "deep-learning-2016"}
    assert "title-fuzzy" in {m.rule for m in res.merges}


def test_a_paper_twice_in_one_list_is_one_paper_with_two_items() -> None:
    url = "https://hal.archives-ouvertes.fr/farabet-pami-13.pdf"
    res = run(
        entry(
            "awesome-readme",
            127,
            "Learning hierarchical features for scene labeling",
            "C. Farabet",
            year=2013,
            links=(url,),
            section="image",
            complete=False,
        ),
        entry(
            "awesome-readme",
            375,
            "Learning Hierarchical Features for Scene Labeling",
            "C. Farabet",
            year=2013,
            links=(url,),
            section="appendix",
            complete=False,
        ),
        entry(
            "roadmap-readme",
            20,
            "Sequence to sequence learning",
            "Sutskever, Ilya",
            links=("https://arxiv.org/pdf/1409.3215.pdf",),
            section="2.4",
        ),
        entry(
            "roadmap-readme",
            21,
            "Sequence to sequence learning",
            "Sutskever",
            section="2.4",
            complete=False,
            links=("http://papers.nips.cc/paper/5346-sequence-to-sequence.pdf",),
        ),
    )
    assert len(res.papers) == 2
    keys = sorted(i.key for i in res.items)
    assert keys == [
        "2.4/arxiv-1409.3215",
        "2.4/arxiv-1409.3215-2",
        "appendix/learning-hierarchical-features-for-scene-labeling",
        "image/learning-hierarchical-features-for-scene-labeling",
    ]
    duplicates = [i for i in res.issues if i.code == "resolve.duplicate-in-list"]
    assert len(duplicates) == 2 and "README.md:127" in duplicates[0].message + duplicates[1].message


def test_et_al_lists_are_completed_from_the_bibtex_list() -> None:
    res = run(
        entry(
            "awesome-readme",
            1,
            "Dropout: A simple way",
            "N. Srivastava",
            year=2014,
            complete=False,
            links=("http://jmlr.org/papers/volume15/srivastava14a/x.pdf",),
        ),
        bib(
            2,
            "srivastava2014dropout",
            "Dropout: a simple way",
            "Srivastava, Nitish",
            "Hinton, Geoffrey E",
            "Krizhevsky, Alex",
            year=2014,
        ),
        entry("awesome-readme", 3, "Highway", "R. Srivastava", year=2015, complete=False),
    )
    dropout = res.papers[paper_of(res, "awesome-readme", 1)]
    assert dropout.authors_complete
    assert [a.name_as_written for a in dropout.authorships] == [
        "Srivastava, Nitish",
        "Hinton, Geoffrey E",
        "Krizhevsky, Alex",
    ]
    highway = res.papers[paper_of(res, "awesome-readme", 3)]
    assert not highway.authors_complete
    nitish = person_of(res, "awesome-readme", 1, "N. Srivastava")
    rupesh = person_of(res, "awesome-readme", 3, "R. Srivastava")
    assert nitish == dropout.authorships[0].person_key == "srivastava-n"
    assert rupesh == "srivastava-r"
    assert res.persons[nitish].name == "Nitish Srivastava"


# -- people -----------------------------------------------------------------------------------


def test_loffe_is_ioffe_by_the_same_papers_author_list() -> None:
    res = run(
        entry(
            "awesome-readme",
            84,
            "Batch normalization",
            "S. Loffe",
            "C. Szegedy",
            year=2015,
            links=("http://arxiv.org/pdf/1502.03167",),
        ),
        entry(
            "roadmap-readme",
            71,
            "Batch normalization",
            "Ioffe, Sergey",
            "Christian Szegedy",
            year=2015,
            links=("http://arxiv.org/pdf/1502.03167",),
        ),
        KeyResearcher(
            "awesome",
            "s",
            "Sergey Ioffe",
            "https://scholar.example/ioffe",
            Provenance("awesome-readme", "README.md", 91),
        ),
    )
    ioffe = person_of(res, "awesome-readme", 84, "S. Loffe")
    assert ioffe == person_of(res, "roadmap-readme", 71, "Ioffe, Sergey") == "ioffe-s"
    person = res.persons[ioffe]
    assert person.name == "Sergey Ioffe"
    assert {"S. Loffe", "Ioffe, Sergey"} <= person.alternate_names
    assert person.profile_urls == {"https://scholar.example/ioffe"}
    assert ("same-paper-position-typo", ioffe) in {(m.rule, m.target_key) for m in res.merges}
    assert res.key_researchers[0][1] == ioffe


def test_van_den_oord_forms_are_one_person() -> None:
    res = run(
        entry(
            "awesome-readme",
            94,
            "Pixel recurrent neural networks",
            "A. Oord",
            year=2016,
            complete=False,
            links=("http://arxiv.org/pdf/1601.06759v2.pdf",),
        ),
        bib(
            103,
            "oord2016pixel",
            "Pixel recurrent neural networks",
            "Oord, Aaron van den",
            "Kalchbrenner, Nal",
            venue="arXiv preprint arXiv:1601.06759",
            year=2016,
        ),
        entry(
            "awesome-readme",
            197,
            "WaveNet",
            "A. Oord",
            year=2016,
            complete=False,
            links=("https://arxiv.org/pdf/1609.03499v2",),
        ),
        bib(
            645,
            "van2016wavenet",
            "Wavenet",
            "van den Oord, Aäron",
            "Kalchbrenner, Nal",
            venue="CoRR abs/1609.03499",
            year=2016,
        ),
        entry(
            "awesome-readme",
            324,
            "Conditional image generation",
            "A. van den Oord",
            year=2016,
            complete=False,
        ),
    )
    keys = {m.person_key for m in res.person_mentions if "Oord" in m.name_as_written}
    assert keys == {"van-den-oord-a"}
    assert res.persons["van-den-oord-a"].name == "Aäron van den Oord"


def test_two_family_names_after_a_comma_are_two_people() -> None:
    res = run(
        entry(
            "awesome-readme",
            223,
            "Mask R-CNN",
            "K. He",
            complete=False,
            links=("https://128.84.21.199/pdf/1703.06870",),
        ),
        entry(
            "roadmap-readme",
            230,
            "Mask R-CNN",
            "He, Gkioxari",
            complete=False,
            links=("https://arxiv.org/abs/1703.06870",),
        ),
    )
    assert person_of(res, "roadmap-readme", 230, "He") == person_of(
        res, "awesome-readme", 223, "K. He"
    )
    assert person_of(res, "roadmap-readme", 230, "Gkioxari") == "gkioxari"
    assert "resolve.author-split" in codes(res)


def test_compatible_names_alone_do_not_merge_common_family_names() -> None:
    res = run(
        entry("awesome-readme", 1, "Paper one", "Y. Li", year=2017),
        entry("roadmap-readme", 2, "Paper two", "Yijun Li", "Ming-Hsuan Yang", year=2018),
        entry("awesome-readme", 3, "Paper three", "M. Lanctot", year=2015),
        entry("roadmap-readme", 4, "Paper four", "Marc Lanctot", year=2016),
    )
    assert person_of(res, "awesome-readme", 1, "Y. Li") != person_of(
        res, "roadmap-readme", 2, "Yijun Li"
    )
    # an uncommon family name carried by one person only is evidence enough
    assert person_of(res, "awesome-readme", 3, "M. Lanctot") == "lanctot-m"
    assert person_of(res, "roadmap-readme", 4, "Marc Lanctot") == "lanctot-m"
    # two people sharing family + initial: keys use the full first name
    assert {k for k in res.persons if k.startswith("li-")} == {"li-y", "li-yijun"}


def test_a_shared_co_author_joins_swapped_name_forms() -> None:
    res = run(
        entry(
            "roadmap-readme",
            263,
            "Deep visual-semantic alignments",
            "Karpathy, Andrej",
            "Li Fei-Fei",
            year=2014,
        ),
        entry(
            "roadmap-readme",
            265,
            "Deep fragment embeddings",
            "Karpathy, Andrej",
            "Armand Joulin",
            "Fei Fei F. Li",
            year=2014,
        ),
    )
    fei = person_of(res, "roadmap-readme", 263, "Li Fei-Fei")
    assert fei == person_of(res, "roadmap-readme", 265, "Fei Fei F. Li") == "fei-fei-l"
    assert "coauthor-overlap" in {m.rule for m in res.merges if m.target_key == fei}


# -- the Chinese translations -------------------------------------------------------------------


def test_chinese_entries_map_by_link_then_section_year_first_author_else_reported() -> None:
    res = run(
        entry(
            "awesome-readme",
            1,
            "Distilling the knowledge",
            "G. Hinton",
            year=2015,
            links=("http://arxiv.org/pdf/1503.02531",),
            section="understanding",
            complete=False,
        ),
        entry(
            "awesome-readme",
            2,
            "Theano: A Python framework",
            "R. Al-Rfou",
            section="hw",
            complete=False,
        ),
        entry(
            "zh-awesome",
            61,
            "知识蒸馏",
            "G. Hinton",
            year=2015,
            section="understanding",
            links=("http://arxiv.org/pdf/1503.02531",),
            complete=False,
            lang="zh-Hans",
        ),
        entry(
            "zh-awesome",
            173,
            "Theano：Python框架",
            "R. Al-Rfou",
            section="hw",
            complete=False,
            lang="zh-Hans",
        ),
        entry(
            "zh-awesome",
            200,
            "无人知晓的论文",
            "Z. Nobody",
            year=2016,
            section="hw",
            lang="zh-Hans",
        ),
    )
    assert paper_of(res, "zh-awesome", 61) == paper_of(res, "awesome-readme", 1)
    assert paper_of(res, "zh-awesome", 173) == paper_of(res, "awesome-readme", 2)
    assert "zh-section-year-first-author" in {m.rule for m in res.merges}
    unmatched = [i for i in res.issues if i.code == "resolve.zh-unmatched"]
    assert [i.where.line for i in unmatched if i.where] == [200]
    lone = res.papers[paper_of(res, "zh-awesome", 200)]
    assert lone.title_en is None and lone.key.startswith("zh-")
    assert person_of(res, "zh-awesome", 61, "G. Hinton") == person_of(
        res, "awesome-readme", 1, "G. Hinton"
    )


# -- curation -----------------------------------------------------------------------------------


def write_curation(tmp_path: Path, *rows: str) -> Path:
    (tmp_path / "decisions.tsv").write_text(
        "kind\tsubject\tobject\treason\n" + "".join(r + "\n" for r in rows), encoding="utf-8"
    )
    return tmp_path


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
            year=2015,
            links=(deeplab,),
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


# -- determinism, sections, explain ---------------------------------------------------------------

POOL: list[Entry | BibEntry] = [
    entry(
        "awesome-readme",
        10,
        "Deep residual learning for image recognition",
        "K. He",
        year=2016,
        links=("http://arxiv.org/pdf/1512.03385",),
        complete=False,
    ),
    entry(
        "roadmap-readme",
        45,
        "Deep residual learning for image recognition",
        "He, Kaiming",
        year=2015,
        links=("https://arxiv.org/pdf/1512.03385.pdf",),
        complete=False,
    ),
    entry(
        "awesome-readme",
        11,
        "Deep learning",
        "Goodfellow",
        year=2016,
        links=("http://www.deeplearningbook.org/",),
        complete=False,
    ),
    entry(
        "roadmap-readme",
        25,
        "Deep learning",
        "Bengio, Yoshua",
        "Ian J. Goodfellow",
        "Aaron Courville",
        year=2015,
        links=("http://www.deeplearningbook.org/",),
    ),
    entry("awesome-readme", 12, "Deep learning", "Y. LeCun", "Y. Bengio", "G. Hinton", year=2015),
    entry("awesome-readme", 13, "Fast R-CNN", "R. Girshick", year=2015),
    bib(262, "girshick2015fast", "Fast r-cnn", "Girshick, Ross", year=2015),
    entry("zh-awesome", 14, "快速R-CNN", "R. Girshick", year=2015, lang="zh-Hans"),
    # one paper worded two ways in one source: which wording names it must not depend on order
    entry(
        "awesome-readme",
        127,
        "Learning hierarchical features for scene labeling",
        "C. Farabet",
        year=2013,
        complete=False,
    ),
    entry(
        "awesome-readme",
        375,
        "Learning hierarchical features for scene labelling",
        "C. Farabet",
        year=2013,
        complete=False,
    ),
]


def keys_by_record(res: Resolution) -> dict[tuple[str, int, str], str]:
    """Paper key of every record and person key of every written name."""
    out = {(i.entry.prov.source_id, i.entry.prov.line, ""): i.paper_key for i in res.items}
    out.update({(b.prov.source_id, b.prov.line, ""): k or "" for b, k in res.bib_entries})
    for m in res.person_mentions:
        out[(m.prov.source_id, m.prov.line, m.name_as_written)] = m.person_key
    return out


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=0, max_value=5))
def test_keys_do_not_change_when_records_are_shuffled_or_unrelated_ones_added(
    rnd: random.Random, extra: int
) -> None:
    baseline = keys_by_record(run(*POOL))
    shuffled = list(POOL)
    rnd.shuffle(shuffled)
    unrelated = [
        entry(
            "awesome-readme",
            500 + i,
            f"Unrelated study number {i} of zebra finches",
            f"Q. Zzyzx{i}",
            year=1990 + i,
        )
        for i in range(extra)
    ]
    records = shuffled + unrelated
    rnd.shuffle(records)
    found = keys_by_record(run(*records))
    assert {k: found[k] for k in baseline} == baseline


def test_sections_pass_through_and_explain_tells_why() -> None:
    section = Section("awesome", "s", "S", "en", Provenance("awesome-readme", "README.md", 1))
    first, second = POOL[0], POOL[1]
    assert isinstance(first, Entry) and isinstance(second, Entry)
    result = ParseResult("awesome-readme", sections=[section], entries=[first])
    res = resolve([result, ParseResult("roadmap-readme", entries=[second])], curation_dir=None)
    assert res.sections == [section]
    text = explain(res, "paper/arxiv-1512.03385")
    assert "arxiv-id" in text and "README.md:45" in text and "README.md:10" in text
    person = explain(res, "Kaiming")
    assert person.startswith("person he-k") and "same-paper-position" in person
    with pytest.raises(UsageError, match="nothing matches"):
        explain(res, "no such thing")


def test_explain_refuses_an_ambiguous_query_and_shows_the_zh_evidence() -> None:
    res = run(
        entry("awesome-readme", 2, "Theano: A Python framework", "R. Al-Rfou", section="hw"),
        entry("awesome-readme", 3, "Caffe: A framework", "Y. Jia", section="hw"),
        entry("zh-awesome", 173, "Theano：Python框架", "R. Al-Rfou", section="hw", lang="zh-Hans"),
    )
    with pytest.raises(UsageError, match="2 nodes match 'framework'") as info:
        explain(res, "framework")
    assert info.value.exit_code == 2 and "\n" not in str(info.value)
    text = explain(res, "Theano")
    # the evidence names what matched: section, year (none in either here), first authors
    assert "zh-section-year-first-author" in text
    assert "section hw, year none in either, first author 'R. Al-Rfou' ~ 'R. Al-Rfou'" in text


def test_entries_keep_their_stated_values() -> None:
    res = run(*POOL)
    stated = {(i.entry.prov.line, i.entry.title, i.entry.year) for i in res.items}
    assert (45, "Deep residual learning for image recognition", 2015) in stated
    replaced = [replace(e, year=None) for e in POOL if isinstance(e, Entry)]
    assert all(i.entry.year is None for i in run(*replaced).items)


# -- stable keys: the key registry ---------------------------------------------------------------


def register(folder: Path, res: Resolution) -> Path:
    """Write keys.tsv for every node of `res` into `folder` (what --update does)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = format_registry(updated_rows(res.key_anchors, None, prune=False))
    (folder / "keys.tsv").write_text(text, encoding="utf-8")
    return folder


HINTON_PAPERS = (
    bib(
        1,
        "hinton2015distilling",
        "Distilling the knowledge",
        "Hinton, Geoffrey",
        year=2015,
        venue="arXiv preprint arXiv:1503.02531",
    ),
    entry("awesome-readme", 13, "Fast R-CNN", "R. Girshick", year=2015),
    bib(262, "girshick2015fast", "Fast r-cnn", "Girshick, Ross", year=2015),
    entry(
        "awesome-readme",
        72,
        "Distilling the knowledge in a neural network",
        "G. Hinton",
        year=2015,
        links=("http://arxiv.org/pdf/1503.02531",),
        complete=False,
    ),
    entry("roadmap-readme", 29, "Deep learning", "LeCun, Yann", "Geoffrey Hinton", year=2015),
    entry("roadmap-readme", 288, "Neural machine translation of rare words", "Sennrich", year=2016),
)


def test_registered_keys_survive_colliding_newcomers(tmp_path: Path) -> None:
    first = run(*HINTON_PAPERS)
    assert paper_of(first, "awesome-readme", 13) == "fast-r-cnn"
    assert person_of(first, "roadmap-readme", 29, "Geoffrey Hinton") == "hinton-g"
    folder = register(tmp_path / "curation", first)
    newcomers = (
        entry("awesome-readme", 5, "Fast R-CNN", "Z. Foo", year=2019, complete=False),
        entry("awesome-readme", 6, "Learning to juggle", "Gerald Hinton", "Q. Bar", year=2017),
        entry("awesome-readme", 7, "Juggling five balls", "Sennrich", "Q. Bar", year=2018),
    )
    # the rules alone re-key every member of a collision group ...
    unregistered = run(*HINTON_PAPERS, *newcomers)
    assert paper_of(unregistered, "awesome-readme", 13) == "fast-r-cnn-2015"
    assert person_of(unregistered, "roadmap-readme", 29, "Geoffrey Hinton") == "hinton-geoffrey"
    # ... the registry keeps the registered keys and suffixes only the newcomers
    second = run(*HINTON_PAPERS, *newcomers, curation=folder)
    assert keys_by_record(second) | keys_by_record(first) == keys_by_record(second)
    assert paper_of(second, "awesome-readme", 5) == "fast-r-cnn-2019"
    assert person_of(second, "awesome-readme", 6, "Gerald Hinton") == "hinton-gerald"
    new = sorted(i.message.split("'")[1] for i in second.issues if i.code == "resolve.new-key")
    assert new == [
        "bar-q",
        "fast-r-cnn-2019",
        "foo-z",
        "hinton-gerald",
        "juggling-five-balls",
        "learning-to-juggle",
    ]
    assert "resolve.key-unmatched" not in codes(second)


def test_a_family_only_key_stays_when_the_first_name_appears(tmp_path: Path) -> None:
    before = entry("roadmap-readme", 288, "Neural machine translation", "Sennrich", year=2016)
    folder = register(tmp_path, run(before))
    after = run(replace(before, authors=("R. Sennrich",)), curation=folder)
    assert person_of(after, "roadmap-readme", 288, "R. Sennrich") == "sennrich"
    assert not [i for i in after.issues if i.code.startswith("resolve.")]


def test_a_registered_title_key_survives_a_corrected_title(tmp_path: Path) -> None:
    typo = entry(
        "roadmap-readme",
        95,
        "Understanding the difficulty of training deep forward neural networks",
        "Glorot Xavier",
        year=2010,
    )
    folder = register(tmp_path, run(typo))
    fixed = replace(typo, title=typo.title.replace("forward", "feedforward"))
    res = run(fixed, curation=folder)
    assert paper_of(res, "roadmap-readme", 95) == (
        "understanding-the-difficulty-of-training-deep-forward-neural-networks"
    )


def test_a_registered_key_matching_nothing_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "keys.tsv").write_text(
        "kind\tkey\tanchors\n"
        "paper\tarxiv-1503.02531\tarxiv:1503.02531 | title:distilling the knowledge\n"
        "paper\tgone-paper\ttitle:a paper removed from the sources | year:2001\n",
        encoding="utf-8",
    )
    res = run(HINTON_PAPERS[3], curation=tmp_path)
    stale = [i for i in res.issues if i.code == "resolve.key-unmatched"]
    assert [str(i.where) for i in stale] == ["keys.tsv:3"] and "gone-paper" in stale[0].message
    assert "arxiv-1503.02531" in res.papers


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind\tkey\n", "header"),
        ("kind\tkey\tanchors\nbook\tx\ttitle:x\n", "kind"),
        ("kind\tkey\tanchors\npaper\tx\tyear:2001 | author:foo\n", "no identifying anchor"),
        ("kind\tkey\tanchors\npaper\tx\ttitle:x\npaper\tx\ttitle:y\n", "registered twice"),
    ],
)
def test_malformed_registry_rows_name_their_line(text: str, message: str) -> None:
    with pytest.raises(CurationError, match=message) as info:
        parse_registry(text, "keys.tsv")
    assert "keys.tsv:" in str(info.value)


def test_an_update_keeps_registered_keys_of_vanished_nodes_unless_pruned() -> None:
    old = parse_registry("kind\tkey\tanchors\npaper\tgone\ttitle:gone\n")
    current = [("paper", "kept", ("title:kept",))]
    assert {r.key for r in updated_rows(current, old, prune=False)} == {"gone", "kept"}
    assert {r.key for r in updated_rows(current, old, prune=True)} == {"kept"}
    text = format_registry(updated_rows(current, old, prune=False))
    assert format_registry(parse_registry(text)) == text


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
    assert len({m.person_key for m in plain.person_mentions if "Huang" in m.name_as_written}) == 2
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


ARX = "https://arxiv.org/abs/"


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


def test_given_names_keep_the_period_of_their_initials() -> None:
    res = run(bib(1, "hinton2015", "Distilling", "Hinton, Geoffrey E", "Le, Quoc V", year=2015))
    assert res.persons["hinton-g"].given == "Geoffrey E."
    assert res.persons["le-q"].name == "Quoc V. Le" and res.persons["le-q"].given == "Quoc V."


def test_links_naming_another_paper_are_not_urls_of_the_paper(tmp_path: Path) -> None:
    wrong = "http://papers.nips.cc/paper/6527-tree-structured-reinforcement-learning.pdf"
    deeplab = "https://arxiv.org/pdf/1606.00915v1.pdf"
    pdf = ARX + "1412.7062"
    records = (
        entry(
            "awesome-readme",
            324,
            "Conditional image generation with pixelcnn decoders",
            "A. van den Oord",
            links=(wrong, ARX + "1606.05328"),
        ),
        entry("awesome-readme", 11, "Tree-structured reinforcement", "Z. Jie", links=(wrong,)),
        entry("roadmap-readme", 339, "Semantic image segmentation", "L.-C. Chen", links=(deeplab,)),
        entry("awesome-readme", 126, "Semantic image segmentation", "L. Chen", links=(pdf,)),
    )
    folder = write_curation(tmp_path, f"link-not-identity\t{deeplab}\t\tthe journal version")
    res = run(*records, curation=folder)
    assert res.papers["arxiv-1606.05328"].urls == [ARX + "1606.05328"]
    assert res.papers[paper_of(res, "awesome-readme", 11)].urls == [wrong]  # its own link
    assert res.papers["arxiv-1412.7062"].urls == [ARX + "1412.7062"]
    stated = {link.url for i in res.items for link in i.entry.links if i.entry.prov.line == 324}
    assert wrong in stated  # the list item keeps what the source says


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


def test_dois_from_nature_links_and_publisher_file_names() -> None:
    res = run(
        entry(
            "awesome-readme",
            185,
            "Mastering the game of Go",
            "D. Silver",
            links=("http://www.nature.com/nature/journal/v529/n7587/full/nature16961.html",),
        ),
        entry(
            "awesome-readme",
            187,
            "Human-level control through deep reinforcement learning",
            "V. Mnih",
            links=("http://www.davidqiu.com:8888/research/nature14236.pdf",),
        ),
        bib(
            600,
            "mnih2015human",
            "Human-level control through deep reinforcement learning",
            "Mnih, Volodymyr",
            venue="Nature",
        ),
        entry(
            "awesome-readme",
            190,
            "A paper mirrored under a Nature-like name",
            "Q. Bar",
            links=("http://example.org/nature12345.pdf",),
        ),
    )
    assert res.papers["doi-10.1038-nature16961"].doi == "10.1038/nature16961"
    assert res.papers["doi-10.1038-nature14236"].doi == "10.1038/nature14236"
    assert res.papers[paper_of(res, "awesome-readme", 190)].doi is None  # no record says Nature


def test_the_registry_keeps_a_person_a_newcomer_makes_ambiguous(tmp_path: Path) -> None:
    records = (
        entry("awesome-readme", 241, "A practical guide to RBMs", "G. Hinton", year=2010),
        entry("roadmap-readme", 29, "Deep learning", "LeCun, Yann", "Geoffrey Hinton", year=2015),
    )
    first = run(*records)
    assert person_of(first, "awesome-readme", 241, "G. Hinton") == "hinton-g"
    gerald = entry("awesome-readme", 6, "Learning to juggle", "Gerald Hinton", year=2017)
    # "G. Hinton" now fits two people: the rules alone keep it apart ...
    alone = run(*records, gerald)
    assert person_of(alone, "awesome-readme", 241, "G. Hinton") != person_of(
        alone, "roadmap-readme", 29, "Geoffrey Hinton"
    )
    # ... the registry remembers that name on that paper as Geoffrey Hinton
    res = run(*records, gerald, curation=register(tmp_path, first))
    assert person_of(res, "awesome-readme", 241, "G. Hinton") == "hinton-g"
    assert person_of(res, "roadmap-readme", 29, "Geoffrey Hinton") == "hinton-g"
    assert "registered-person" in {m.rule for m in res.merges}
