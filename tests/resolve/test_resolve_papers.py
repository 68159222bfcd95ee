"""Which records name one paper: identifiers, titles, translations, links, DOIs."""

from __future__ import annotations

from pathlib import Path

from resolve_helpers import (
    ARX,
    bib,
    codes,
    entry,
    paper_of,
    person_of,
    run,
    write_curation,
)

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
    assert (
        len(duplicates) == 2
        and "awesome-readme:127" in duplicates[0].message + duplicates[1].message
    )


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


def test_a_translation_matches_a_paper_listed_twice_in_its_section() -> None:
    # Found by the x100 growth build: the original lists the paper twice in one section, so
    # two records fit the translated entry; they are one paper, so it is not ambiguous.
    title = "Gaboredo: Stochastic features for visual question answering"
    res = run(
        entry("awesome-readme", 1, title, "A. Nufubebu", year=1997, section="nlp"),
        entry("awesome-readme", 2, title, "A. Nufubebu", year=1997, section="nlp"),
        entry("awesome-readme", 3, "Other paper", "B. Other", year=1997, section="nlp"),
        entry(
            "zh-awesome", 9, "Gaboredo：用于视觉问答的随机特征", "A. Nufubebu", year=1997,
            section="nlp", lang="zh-Hans",
        ),
    )  # fmt: skip
    assert paper_of(res, "zh-awesome", 9) == paper_of(res, "awesome-readme", 1)
    assert "resolve.zh-ambiguous" not in {i.code for i in res.issues}


def test_a_translation_listing_a_paper_twice_gives_one_paper() -> None:
    # Found by the x100 growth build: the second zh entry's section has two papers of the same
    # first author and year (ambiguous for the fallback); its Chinese title is the first's.
    res = run(
        entry("awesome-readme", 1, "Attentive networks", "K. Su", year=1997, section="speech"),
        entry("awesome-readme", 2, "Attentive networks", "K. Su", year=1997, section="appendix"),
        entry("awesome-readme", 3, "Other networks", "K. Su", year=1997, section="appendix"),
        entry(
            "zh-awesome", 8, "超分辨率注意力网络", "K. Su", year=1997, section="speech",
            lang="zh-Hans",
        ),
        entry(
            "zh-awesome", 9, "超分辨率注意力网络", "K. Su", year=1997, section="appendix",
            lang="zh-Hans",
        ),
    )  # fmt: skip
    assert paper_of(res, "zh-awesome", 9) == paper_of(res, "zh-awesome", 8)
    assert paper_of(res, "zh-awesome", 8) == paper_of(res, "awesome-readme", 1)
    assert "zh-title-exact" in {m.rule for m in res.merges}


def test_alike_titles_give_one_near_miss_per_pair_of_papers_the_first_records() -> None:
    """Three records of one title and two of an alike one (ratio between TITLE_NEAR and
    TITLE_MERGE): one near miss between the two papers, naming the first record of each, as
    when every record pair was a pending near miss and the flush kept the first."""
    title = "Visualizing and understanding convolutional networks"
    alike = "Visualizing and Understanding Recurrent Networks"  # ratio 84
    res = run(
        entry("awesome-readme", 1, title, "M. D. Zeiler", year=2014),
        entry("roadmap-readme", 2, title, "Zeiler, Matthew D.", year=2014),
        entry("awesome-readme", 3, title, "M. Zeiler", year=2014),
        entry("awesome-readme", 4, alike, "A. Karpathy", year=2015),
        entry("roadmap-readme", 5, alike, "Karpathy, Andrej", year=2015),
    )
    assert paper_of(res, "awesome-readme", 1) == paper_of(res, "awesome-readme", 3)
    assert paper_of(res, "awesome-readme", 4) == paper_of(res, "roadmap-readme", 5)
    assert paper_of(res, "awesome-readme", 1) != paper_of(res, "awesome-readme", 4)
    near = [n for n in res.near_misses if n.kind == "paper"]
    assert len(near) == 1
    assert "roadmap-readme:2 " in near[0].a and "roadmap-readme:5 " in near[0].b
    assert (near[0].score, near[0].reason) == (84.0, "titles alike below 90")
